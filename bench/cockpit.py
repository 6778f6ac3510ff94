"""The cockpit at scale (issue 20): a province's dashboard (≈30,000 villages, 150,000 cadres).

For the province, its first prefecture, county and township: the dashboard computed afresh (what
`GET /api/v1/dashboards/{code}` does; the first run with a cold database cache, then the best of
the next runs) with its number of queries, then the cockpit page served warm (figures from the cache,
TOUYAN_DASHBOARD_CACHE_SECONDS; docs/operations.md). `--presence` first writes a month of presence for
every full-time cadre (COPY), so that the attendance block has rows to read.

    psql -h 127.0.0.1 -U postgres -c 'create database touyan_bench_cockpit'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/touyan_bench_cockpit .venv/bin/python bench/gen_cadres.py \\
        --people 150000 --within 43
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/touyan_bench_cockpit .venv/bin/python bench/cockpit.py \\
        --province 430000000000 --on 2026-12-01 --presence

`--nation` first times the national cockpit (1,000,000 cadres: `gen_cadres.py --people 1000000`):
the overview of every province computed afresh, then the national page served warm.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description="Time the cockpit of a province and its first descendants.")
    parser.add_argument("--province", default="430000000000")
    parser.add_argument("--on", default="2026-12-01")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--presence", action="store_true", help="write last month's presence first (COPY)")
    parser.add_argument("--nation", action="store_true", help="first time the national cockpit (one row per province)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from touyan.accounts.models import Role, User
    from touyan.attendance.models import Presence
    from touyan.cadres.models import Post
    from touyan.dashboards import figures
    from touyan.regions.models import Region

    on = dt.date.fromisoformat(args.on)
    province = Region.objects.get(code=args.province)
    if args.presence:
        _presence(connection, Post, Presence, province.prefix, on)
    path = [province]
    for _level in ("prefecture", "county", "township"):
        child = Region.objects.filter(parent=path[-1]).order_by("code").first()
        if child is None:
            break
        path.append(child)
    admin = User.objects.filter(username="bench_cockpit").first() or User.objects.create_superuser(
        username="bench_cockpit", password="Bench#2026", role=Role.ADMIN
    )
    print(f"{connection.vendor} {connection.settings_dict['NAME']}; on {on}; load {os.getloadavg()[0]:.2f}")
    print("| region | level | villages | cadres | queries | first (s) | best of next (s) | warm page (ms) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    client = Client()
    client.force_login(admin)
    queries = [0]

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries[0] += 1
        return execute(sql, params, many, context)

    if args.nation:
        _nation(client, figures, connection, count, queries, on, args.runs, settings, override_settings)
    for region in path:
        times = []
        for _i in range(args.runs):
            queries[0] = 0
            with connection.execute_wrapper(count):
                started = time.perf_counter()
                data = figures.compute(region, on)
                times.append(time.perf_counter() - started)
        hosts = ["testserver", *settings.ALLOWED_HOSTS]
        with override_settings(TOUYAN_DASHBOARD_CACHE_SECONDS=900, ALLOWED_HOSTS=hosts, TOUYAN_REQUIRE_2FA_ROLES=()):
            figures.warm(region, on)
            url = f"/stats/cockpit/{region.code}/?on={on.isoformat()}"
            client.get(url)
            warm = []
            for _i in range(5):
                started = time.perf_counter()
                response = client.get(url)
                warm.append(time.perf_counter() - started)
                assert response.status_code == 200, response.status_code
        print(
            f"| {region.name} | {region.level} | {data['villages']['total']:,} | {data['cadres']['total']:,} | "
            f"{queries[0]} | {times[0]:.2f} | {min(times[1:] or times):.2f} | {min(warm) * 1000:.0f} |",
            flush=True,
        )


def _nation(client, figures, connection, count, queries, on, runs, settings, override_settings):  # type: ignore[no-untyped-def]
    """The national cockpit (`/stats/cockpit/?all=1`): its overview computed afresh (one row per
    province, `figures.nation_warm`) with its queries, then the page served warm (best of 5)."""
    from touyan.cadres.models import Post

    times = []
    for _i in range(runs):
        queries[0] = 0
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            rows = figures.nation_warm(on)["rows"]
            times.append(time.perf_counter() - started)
    hosts = ["testserver", *settings.ALLOWED_HOSTS]
    with override_settings(TOUYAN_DASHBOARD_CACHE_SECONDS=900, ALLOWED_HOSTS=hosts, TOUYAN_REQUIRE_2FA_ROLES=()):
        figures.nation_warm(on)
        url = f"/stats/cockpit/?all=1&on={on.isoformat()}"
        client.get(url)
        warm = []
        for _i in range(5):
            started = time.perf_counter()
            response = client.get(url)
            warm.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
    cadres = sum(r["cadres"] for r in rows)
    villages = sum(r["villages"] for r in rows)
    print(f"nation: {Post.objects.count():,} posts; provinces {len(rows)}")
    print(
        f"| 全国 | nation | {villages:,} | {cadres:,} | {queries[0]} | {times[0]:.2f} | "
        f"{min(times[1:] or times):.2f} | {min(warm) * 1000:.0f} |",
        flush=True,
    )


def _presence(connection: object, post_model: type, presence_model: type, prefix: str, on: dt.date) -> None:
    """Last month's workdays (Mon–Fri) for every full-time cadre in post, present in their village."""
    from django.db import connection as conn

    first = (on.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    last = on.replace(day=1) - dt.timedelta(days=1)
    if presence_model.objects.filter(date__gte=first, date__lte=last).exists():  # type: ignore[attr-defined]
        return
    started = time.perf_counter()
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    from django.db.models import Q
    from django.utils import timezone

    people = dict(
        post_model.objects.filter(  # type: ignore[attr-defined]
            Q(end_date__isnull=True) | Q(end_date__gte=first),
            village__code__startswith=prefix,
            full_time=True,
            start_date__lte=last,
        ).values_list("person_id", "village_id")
    )
    now = timezone.now()
    table = presence_model._meta.db_table  # type: ignore[attr-defined]
    with conn.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} (person_id, village_id, date, kind, channel, recorded_at) FROM STDIN") as copy:
            for pid, village in people.items():
                for d in days:
                    copy.write_row((pid, village, d, "present", "import", now))
        cursor.execute(f"VACUUM (ANALYZE) {table}")
    print(f"presence: {len(people) * len(days):,} rows in {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
