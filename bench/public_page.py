"""Benchmark of a village's public page (issue 19): 5 years of published items, ≤ 50 ms server time and
≤ 100 KB; villagers' objections at 1,000 a minute across villages, rate-limited per client, without
slowing the page.

Steps (each its own invocation):

- `setup`: a township of `--villages` villages under a real-looking tree, and for the first village
  five years of published items after the reference catalogue (finance monthly, the quarterly items
  every quarter, Party affairs every half-year, the yearly items, and a few at-once matters: ≈ 700
  items, each with a body and most with a table), written set-based (bulk_create). Other villages get
  a year of items each.
- `page`: GETs the page (default view, a past year, a search) and the JSON list `--repeat` times
  in-process through Django's test client; prints median and p95 server time, bytes, queries.
- `objections`: posts `--count` objections spread over the villages from `--clients` addresses
  (each below its limit), interleaved with page GETs; prints the objections' rate the process
  sustains, the page's median time alone and while objections are written, and checks that a client
  past its limit gets 429.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wp_affairs_bench .venv/bin/python bench/public_page.py setup
    DATABASE_URL=… flock /tmp/touyan-bench.lock .venv/bin/python bench/public_page.py page
    DATABASE_URL=… flock /tmp/touyan-bench.lock .venv/bin/python bench/public_page.py objections
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

TOWNSHIP = "990101001000"
VILLAGE = "990101001001"


def _django() -> None:
    import django

    django.setup()


def setup(villages: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from touyan.affairs.models import DisclosureItem
    from touyan.affairs.selectors import search_text
    from touyan.policy.params import DEFAULT_DISCLOSURE_CATALOGUE
    from touyan.regions.models import Region

    with transaction.atomic():
        DisclosureItem.objects.filter(village__code__startswith="990101").delete()
        tree = [
            ("990000000000", "基准省", "province", None),
            ("990100000000", "基准市", "prefecture", "990000000000"),
            ("990101000000", "基准县", "county", "990100000000"),
            (TOWNSHIP, "基准镇", "township", "990101000000"),
        ]
        tree += [(f"990101001{n:03d}", f"基准{n}村", "village", TOWNSHIP) for n in range(1, villages + 1)]
        for code, name, level, parent in tree:
            Region.objects.update_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
        now = timezone.now()
        rows: list[DisclosureItem] = []
        this_year = dt.date.today().year

        def add(village: str, entry: Any, period: str, start: dt.date, n: int) -> None:
            title = f"{start.year}年{entry.title}"
            body = f"{entry.content}。本期共 {n % 17 + 3} 项,合计 {1000 + n * 37}.00 元,请村民监督。" * 2
            table = (
                {
                    "columns": ["项目", "金额(元)", "备注"],
                    "rows": [[f"第{i}项", f"{100 * i + n}.00", "已公开"] for i in range(1, 6)],
                }
                if n % 3
                else None
            )
            rows.append(
                DisclosureItem(
                    village_id=village,
                    item_code=entry.code,
                    category=entry.category,
                    period=period,
                    period_start=start,
                    title=title,
                    body=body,
                    table=table,
                    state="published",
                    search=search_text(title, body),
                    published_at=now,
                )
            )

        for v in range(1, villages + 1):
            code = f"990101001{v:03d}"
            years = range(this_year - 5, this_year) if code == VILLAGE else range(this_year - 1, this_year)
            n = 0
            for year in years:
                for entry in DEFAULT_DISCLOSURE_CATALOGUE:
                    schedule = {"finance": "monthly", "party": "semiannual"}.get(entry.schedule, entry.schedule)
                    if schedule == "monthly":
                        periods = [(f"{year}-{m:02d}", dt.date(year, m, 1)) for m in range(1, 13)]
                    elif schedule == "quarterly":
                        periods = [(f"{year}-Q{q}", dt.date(year, 3 * q - 2, 1)) for q in range(1, 5)]
                    elif schedule == "semiannual":
                        periods = [(f"{year}-H{h}", dt.date(year, 1 if h == 1 else 7, 1)) for h in (1, 2)]
                    elif schedule == "annual":
                        periods = [(str(year), dt.date(year, 1, 1))]
                    else:
                        periods = [(f"{year}-06-15", dt.date(year, 6, 15))]
                    for period, start in periods:
                        n += 1
                        add(code, entry, period, start, n)
        DisclosureItem.objects.bulk_create(rows, batch_size=2000)
    print(
        f"setup: {villages} villages, {len(rows)} items, first village "
        f"{DisclosureItem.objects.filter(village_id=VILLAGE).count()} items over 5 years"
    )


class Queries:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.n += 1
        return execute(sql, params, many, context)


def _time(client: Any, path: str, repeat: int) -> tuple[list[float], int, int]:
    from django.db import connection

    times, size, queries = [], 0, 0
    for _ in range(repeat):
        q = Queries()
        with connection.execute_wrapper(q):
            t0 = time.perf_counter()
            r = client.get(path)
            times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (path, r.status_code)
        size, queries = len(r.content), q.n
    return times, size, queries


def _line(label: str, times: list[float], size: int, queries: int) -> None:
    p95 = sorted(times)[int(len(times) * 0.95) - 1]
    print(
        f"{label:<34} median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  {size / 1024:6.1f} KB  "
        f"{queries} queries"
    )


def page(repeat: int) -> None:
    from django.test import Client

    c = Client()
    year = dt.date.today().year - 3
    for _ in range(5):
        c.get(f"/public/villages/{VILLAGE}/")  # warm up (templates, policy)
    _line("page (latest year)", *_time(c, f"/public/villages/{VILLAGE}/", repeat))
    _line(f"page (year {year})", *_time(c, f"/public/villages/{VILLAGE}/?y={year}", repeat))
    _line("page (search 收支)", *_time(c, f"/public/villages/{VILLAGE}/?q=收支", repeat))
    _line("page (finance, page 3)", *_time(c, f"/public/villages/{VILLAGE}/?c=finance&page=3", repeat))
    _line("json disclosures (50)", *_time(c, f"/api/v1/public/villages/{VILLAGE}/disclosures", repeat))
    _line("qr.png", *_time(c, f"/public/villages/{VILLAGE}/qr.png", max(repeat // 4, 5)))


def objections(count: int, clients: int, villages: int) -> None:
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from touyan.affairs.models import Objection

    cache.clear()
    Objection.objects.filter(village__code__startswith="990101").delete()
    viewer = Client()
    for _ in range(5):
        viewer.get(f"/public/villages/{VILLAGE}/")
    alone, _size, _q = _time(viewer, f"/public/villages/{VILLAGE}/", 100)
    posters = [Client(REMOTE_ADDR=f"10.{i // 250}.{i % 250}.1") for i in range(clients)]
    post_times, during = [], []
    t_start = time.perf_counter()
    for i in range(count):
        village = f"990101001{i % villages + 1:03d}"
        body = json.dumps({"text": f"第{i}条意见:支出明细请再细化"})
        t0 = time.perf_counter()
        r = posters[i % clients].post(
            f"/api/v1/public/villages/{village}/objections", body, content_type="application/json"
        )
        post_times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 201, r.content
        if i % 10 == 0:
            t1 = time.perf_counter()
            viewer.get(f"/public/villages/{VILLAGE}/")
            during.append((time.perf_counter() - t1) * 1000)
    wall = time.perf_counter() - t_start
    limit = int(str(settings.TOUYAN_OBJECTION_RATE).split("/")[0])
    spam = Client(REMOTE_ADDR="10.250.250.250")
    codes = [
        spam.post(
            f"/api/v1/public/villages/{VILLAGE}/objections", json.dumps({"text": "x"}), content_type="application/json"
        ).status_code
        for _ in range(limit + 2)
    ]
    print(
        f"objections: {count} posted in {wall:.1f} s from {clients} clients over {villages} villages "
        f"= {count / wall * 60:,.0f} a minute in one process; each median {statistics.median(post_times):.1f} ms, "
        f"p95 {sorted(post_times)[int(count * 0.95) - 1]:.1f} ms"
    )
    print(
        f"page median alone {statistics.median(alone):.1f} ms, while objections are written "
        f"{statistics.median(during):.1f} ms"
    )
    print(f"one client past its limit of {limit}: last codes {codes[-3:]} (429 expected)")
    Objection.objects.filter(village__code__startswith="990101").delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["setup", "page", "objections"])
    parser.add_argument("--villages", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=200)
    args = parser.parse_args()
    _django()
    if args.step == "setup":
        setup(args.villages)
    elif args.step == "page":
        page(args.repeat)
    else:
        objections(args.count, args.clients, args.villages)


if __name__ == "__main__":
    main()
