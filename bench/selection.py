"""Benchmark of selection (issue 17): a county's election round — 2,000 cases × 10 departments
submitted at once ≤ 10 s; a reviewer's queue page of 200 items ≤ 100 ms with a constant number of
queries; the quota board of the county.

Steps (each its own invocation):

- `setup`: a county of `--townships` × `--villages` villages under a benchmark tree (codes 9903…),
  one candidate per village (a part-time 村委会委员, written set-based) and a nominated case each.
- `round`: resets the cases to nominated and submits the whole round (`selection.services.round_submit`),
  timing it; prints the reviews written and the queries.
- `board`: the quota board alone (run `setup --townships 300` first for a province's 30,000 villages).
- `queue`: the 公安 reviewer's queue page through the API (`GET /api/v1/selection/reviews?page_size=200`)
  `--repeat` times in-process; median, p95, queries. And the county's quota board (selectors).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wp_selection .venv/bin/python bench/selection.py setup
    DATABASE_URL=… flock /tmp/touyan-bench.lock .venv/bin/python bench/selection.py round
    DATABASE_URL=… flock /tmp/touyan-bench.lock .venv/bin/python bench/selection.py queue
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

PROVINCE, PREFECTURE, COUNTY = "990000000000", "990300000000", "990301000000"


def _django() -> None:
    import django

    django.setup()


def setup(townships: int, villages: int) -> None:
    from django.db import transaction

    from touyan.accounts.models import Role, User
    from touyan.cadres.models import Person, Post
    from touyan.core import crypto, idnumber
    from touyan.regions.models import Region
    from touyan.selection.models import Case

    with transaction.atomic():
        Case.objects.filter(village__code__startswith="990301").delete()
        Post.objects.filter(village__code__startswith="990301").delete()
        Person.objects.filter(village__code__startswith="990301").delete()
        tree = [
            (PROVINCE, "基准省", "province", None),
            (PREFECTURE, "基准市", "prefecture", PROVINCE),
            (COUNTY, "基准县", "county", PREFECTURE),
        ]
        for t in range(1, townships + 1):
            town = f"990301{t:03d}000"
            tree.append((town, f"基准{t}镇", "township", COUNTY))
            tree += [(f"990301{t:03d}{v:03d}", f"基准{t}镇{v}村", "village", town) for v in range(1, villages + 1)]
        Region.objects.bulk_create(
            [Region(code=c, name=n, level=lv, parent_id=p) for c, n, lv, p in tree],
            ignore_conflicts=True,
            batch_size=5000,
        )
        codes = [c for c, _n, level, _p in tree if level == "village"]
        people = []
        for i, code in enumerate(codes):
            body = f"990301{1970 + i % 30}0101{i % 1000:03d}"
            number = body + idnumber.check_char(body)
            people.append(
                Person(
                    village_id=code,
                    name=f"候选{i}",
                    name_search=f"候选{i}",
                    id_enc=crypto.encrypt(number, context="id_number"),
                    id_hash=f"bench-selection-{i}",
                    id_masked=idnumber.mask_id(number, 6, 1),
                    gender="male",
                    birth_date=dt.date(1970 + i % 30, 1, 1),
                    political_status="party_member",
                    education="college",
                )
            )
        Person.objects.bulk_create(people, batch_size=5000)
        people = list(Person.objects.filter(village__code__startswith="990301").order_by("id"))
        Post.objects.bulk_create(
            [
                Post(
                    person=p,
                    village_id=p.village_id,
                    post="VM",
                    organisation="villagers_committee",
                    start_date=dt.date(2021, 4, 1),
                )
                for p in people
            ],
            batch_size=2000,
        )
        Case.objects.bulk_create(
            [
                Case(cadre=p, village_id=p.village_id, purpose="election", post="VM", election_round="基准换届")
                for p in people
            ],
            batch_size=2000,
        )
        if not User.objects.filter(username="bench_police").exists():
            User.objects.create_user(
                username="bench_police", password="Bench#2026x", role=Role.REVIEWER, region_id=COUNTY,
                department="police",
            )  # fmt: skip
        if not User.objects.filter(username="bench_admin").exists():
            User.objects.create_superuser(username="bench_admin", password="Bench#2026x", role=Role.ADMIN)
    print(f"setup: {len(codes)} villages, {len(people)} candidates and nominated cases")


def run_round() -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from touyan.accounts.models import User
    from touyan.selection.models import Case, Review
    from touyan.selection.services import round_submit

    with transaction.atomic():
        Review.objects.filter(county=COUNTY).delete()
        Case.objects.filter(village__code__startswith="990301").update(state="nominated", submitted_on=None)
    ids = list(Case.objects.filter(village__code__startswith="990301").values_list("pk", flat=True))
    admin = User.objects.get(username="bench_admin")
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        n = round_submit(actor=admin, case_ids=ids)
        elapsed = time.perf_counter() - start
    reviews = Review.objects.filter(county=COUNTY).count()
    print(
        f"round: {n} cases submitted, {reviews} reviews written in {elapsed:.2f} s, {len(ctx.captured_queries)} queries"
    )


def queue(repeat: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from touyan.accounts.models import User
    from touyan.selection.selectors import quota_board

    police = User.objects.get(username="bench_police")
    c = Client()
    c.force_login(police)
    url = "/api/v1/selection/reviews?page_size=200&page=3"
    for _ in range(5):
        assert c.get(url).status_code == 200
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        r = c.get(url)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        r = c.get(url)
    items = len(r.json()["items"])
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"queue: {items} items, median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
        f"{len(ctx.captured_queries)} queries"
    )
    admin = User.objects.get(username="bench_admin")
    board_times = []
    for _ in range(5):
        start = time.perf_counter()
        rows = quota_board(actor=admin, prefix="990301")
        board_times.append((time.perf_counter() - start) * 1000)
    print(
        f"quota board: {len(rows)} townships, {sum(r.villages for r in rows)} villages, "
        f"median {statistics.median(board_times):.1f} ms"
    )


def board() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from touyan.accounts.models import User
    from touyan.selection.selectors import quota_board

    admin = User.objects.get(username="bench_admin")
    quota_board(actor=admin, prefix="990301")
    times = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            rows = quota_board(actor=admin, prefix="990301")
            times.append((time.perf_counter() - start) * 1000)
    print(
        f"quota board: {len(rows)} townships, {sum(r.villages for r in rows)} villages, "
        f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms, {len(ctx.captured_queries)} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["setup", "round", "queue", "board"])
    parser.add_argument("--townships", type=int, default=20)
    parser.add_argument("--villages", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    _django()
    if args.step == "setup":
        setup(args.townships, args.villages)
    elif args.step == "round":
        run_round()
    elif args.step == "board":
        board()
    else:
        queue(args.repeat)


if __name__ == "__main__":
    main()
