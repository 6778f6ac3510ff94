"""Benchmark of the roster (花名册) at scale (issue #3): the page and the API, for four personas.

Needs the data of bench/gen_cadres.py in the DATABASE_URL database. Creates (once) four bench
users — a national admin, an admin of a province, of a county in it, and an officer of a township in
that county — logs each in with django.test.Client.force_login, and times, over --runs requests after
--warmup untimed ones:

- the roster page `/cadres/` (first page, 20 rows);
- the roster page filtered by a county `/cadres/?region=<county>` (the township officer: their township);
- `GET /api/v1/cadres?region=<scope>` first page (50 rows): the province for the national and provincial
  admins, the county for the county admin, the township for the officer;
- `GET /api/v1/cadres?q=<a name>`: a name search across the whole scope.

Each case also reports the median time spent in SQL. Then the roster selector alone (first page of 20
with its posts, and the count, exact and — where it applies — estimated), and the SQL queries of one
request at page_size 20 and 200 (CaptureQueriesContext), page and API, which must be the same. Prints
Markdown tables for bench/RESULTS.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/touyan_bench_1m .venv/bin/python bench/roster.py
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Case:
    persona: str
    label: str
    url: str


@dataclass
class Timing:
    case: Case
    median_ms: float
    p95_ms: float
    sql_ms: float  # median time in SQL (client side: sent, run, fetched)
    queries: int
    total: str


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def cpu_reference_ms() -> float:
    """A fixed pure-Python loop: how fast this machine is right now (the bench machine is shared)."""
    started = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description="Time the roster page and API for four personas.")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--province", default="520000000000", help="the provincial admin's province")
    parser.add_argument("--only", default="", help="run only the cases whose label contains this text")
    parser.add_argument(
        "--exact-count",
        action="store_true",
        help="make the page and the API count every roster exactly (as before they opted in to "
        "RosterQuerySet.with_estimated_count), for comparison",
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from touyan.accounts.models import Role, User
    from touyan.cadres.models import Person
    from touyan.regions.models import Region

    # The test client's host. Not setup_test_environment(): its instrumented template rendering copies
    # every context and would add tens of milliseconds a page that real requests do not pay.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0, interactive=False)
    if args.exact_count:
        # In this process only: the page and the API ask for an estimate, and get the exact count.
        from touyan.cadres.selectors import RosterQuerySet

        RosterQuerySet.with_estimated_count = lambda self: self  # type: ignore[method-assign]
    with connection.cursor() as cursor:
        cursor.execute("select version()" if connection.vendor == "postgresql" else "select sqlite_version()")
        server = cursor.fetchone()[0]
    cadres = Person.objects.count()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']} ({server}); {cadres:,} cadres")
    print(f"count: {'exact (--exact-count)' if args.exact_count else 'estimated beyond the threshold, as served'}")
    print(f"load average before: {os.getloadavg()}; CPU reference loop {cpu_reference_ms():.0f} ms")

    province = Region.objects.get(code=args.province)
    by_county = (
        Person.objects.filter(village__code__startswith=province.prefix)
        .values("village__parent__parent")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert by_county is not None, "no cadres in the province: run bench/gen_cadres.py first"
    county = Region.objects.get(code=by_county["village__parent__parent"])
    by_township = (
        Person.objects.filter(village__code__startswith=county.prefix)
        .values("village__parent")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert by_township is not None
    township = Region.objects.get(code=by_township["village__parent"])
    name = Person.objects.filter(village__code__startswith=township.prefix).order_by("id").values_list("name")[0][0]
    print(f"province {province.code} {province.name}; county {county.code} {county.name}; ", end="")
    print(f"township {township.code} {township.name}; name searched: {name}")

    def user(username: str, role: str, region: Region | None) -> User:
        found = User.objects.filter(username=username).first()
        if found is None:
            found = User.objects.create_user(
                username=username,
                password=None,
                role=role,
                region=region,
                is_superuser=region is None,
                is_staff=region is None,
                display_name=username,
            )
        return found

    personas = {
        "national admin": (user("bench_national", Role.ADMIN, None), province),
        f"province admin ({province.name})": (user("bench_province", Role.ADMIN, province), province),
        f"county admin ({county.name})": (user("bench_county", Role.ADMIN, county), county),
        f"township officer ({township.name})": (user("bench_township", Role.TOWNSHIP_OFFICER, township), township),
    }
    cases: list[Case] = []
    for persona, (_u, api_region) in personas.items():
        roster_region = township if api_region is township else county
        cases += [
            Case(persona, "page /cadres/", "/cadres/"),
            Case(persona, f"page /cadres/?region={roster_region.prefix}", f"/cadres/?region={roster_region.code}"),
            Case(persona, f"API ?region={api_region.prefix}", f"/api/v1/cadres?region={api_region.code}"),
            Case(persona, "API ?q=<name>", f"/api/v1/cadres?q={name}"),
        ]
    clients: dict[str, Client] = {}
    for persona, (u, _r) in personas.items():
        clients[persona] = Client()
        clients[persona].force_login(u)

    results: list[Timing] = []
    for case in cases:
        if args.only and args.only not in case.label:
            continue
        client = clients[case.persona]
        for _ in range(args.warmup):
            response = client.get(case.url)
            assert response.status_code == 200, (case, response.status_code, response.content[:300])
        times, sql_times = [], []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = client.get(case.url)
                times.append((time.perf_counter() - t) * 1000)
            sql_times.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        if case.url.startswith("/api/"):
            total = str(response.json()["total"])
        else:  # the count the page shows: "共 N 人"
            found = re.search(r"共(约?) ?([0-9,]+) 人", response.content.decode())
            total = (found.group(1) + found.group(2)) if found else "?"
        results.append(
            Timing(
                case, statistics.median(times), percentile(times, 0.95), statistics.median(sql_times), len(ctx), total
            )
        )
        r = results[-1]
        print(f"  {case.persona:<28} {case.label:<34} median {r.median_ms:7.1f} ms  p95 {r.p95_ms:7.1f} ms  "
              f"SQL {r.sql_ms:6.1f} ms  {r.queries:>2} queries  {total}", flush=True)  # fmt: skip

    # The roster selector alone (what touyan/cadres/selectors.py owns): the first page of 20 with its
    # posts, and the count, without HTTP, templates or serialisation.
    from touyan.cadres.selectors import RosterFilters
    from touyan.cadres.selectors import roster as roster_selector

    print("\nroster selector only: first page of 20 (with posts) + count, median of --runs")
    selector_rows: list[tuple[str, str, float, float, str]] = []
    for persona, (u, _r) in personas.items():
        for label, filters in (
            ("scope", RosterFilters()),
            (f"region {county.prefix}", RosterFilters(region=county.prefix)),
        ):
            if persona.startswith("township") and label != "scope":
                continue
            for estimated in (False, True):
                page_ms, count_ms = [], []
                n = 0
                for _ in range(args.warmup + args.runs):
                    qs = roster_selector(actor=u, filters=filters)
                    qs = qs.with_estimated_count() if estimated else qs
                    t = time.perf_counter()
                    list(qs[:20])
                    t1 = time.perf_counter()
                    n = qs.count()
                    t2 = time.perf_counter()
                    page_ms.append((t1 - t) * 1000)
                    count_ms.append((t2 - t1) * 1000)
                kind = "estimated" if qs.count_is_estimate else "exact"
                page_med = statistics.median(page_ms[args.warmup :])
                count_med = statistics.median(count_ms[args.warmup :])
                if estimated and kind == "exact":
                    continue  # the same as the exact row above
                selector_rows.append((persona, f"{label}, count {kind}", page_med, count_med, f"{n:,}"))
                what = f"{label}, count {kind}"
                print(f"  {persona:<28} {what:<34} page {page_med:7.1f} ms  count {count_med:7.1f} ms  {n:,}")

    print("\nqueries per request by page size (must not grow with the page):")
    counts: list[tuple[str, str, int, int]] = []
    for persona, (_u, api_region) in personas.items():
        client = clients[persona]
        per_size = {}
        for kind, base in (
            ("page", "/cadres/?page_size="),
            ("API", f"/api/v1/cadres?region={api_region.code}&page_size="),
        ):
            for size in (20, 200):
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(f"{base}{size}")
                assert response.status_code == 200
                per_size[(kind, size)] = len(ctx)
            counts.append((persona, kind, per_size[(kind, 20)], per_size[(kind, 200)]))
            print(f"  {persona:<28} {kind:<5} page_size 20: {per_size[(kind, 20)]:>2}  200: {per_size[(kind, 200)]:>2}")

    print("\n| persona | request | median ms | p95 ms | of which SQL (median) ms | SQL queries | total |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.case.persona} | `{r.case.label}` | {r.median_ms:.1f} | {r.p95_ms:.1f} | {r.sql_ms:.1f} "
            f"| {r.queries} | {r.total} |"
        )
    print("\n| persona | roster selector | first page of 20, ms | count, ms | count |")
    print("|---|---|---:|---:|---:|")
    for persona, label, page_med, count_med, n_text in selector_rows:
        print(f"| {persona} | {label} | {page_med:.1f} | {count_med:.1f} | {n_text} |")
    print("\n| persona | request | queries at page_size 20 | at page_size 200 |")
    print("|---|---|---:|---:|")
    for persona, kind, q20, q200 in counts:
        print(f"| {persona} | {kind} | {q20} | {q200} |")
    print(f"\nload average after: {os.getloadavg()}; CPU reference loop {cpu_reference_ms():.0f} ms")
    slow = [r for r in results if r.median_ms > 100]
    print(f"\n{len(results) - len(slow)} of {len(results)} cases with a median ≤ 100 ms")


if __name__ == "__main__":
    main()
