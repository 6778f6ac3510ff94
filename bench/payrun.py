"""Benchmark of the monthly pay run at national scale (issue #6).

Needs the data of bench/gen_cadres.py (1,000,000 cadres) in the DATABASE_URL database — a copy, since
`setup` writes to it. Steps (each one a separate invocation, so each is timed in a fresh process):

- `setup`: adds what a quarter-end run needs, set-based (INSERT … SELECT and COPY): each county's
  rural income for the previous year (and the new township staff pay, for young professional cadres),
  the month locks of every township for the quarter's three months, each full-time cadre's stored
  month results (attendance.MonthResult, as the lock writes them) for those months, a final Q1 grade
  per cadre, 1,000 approved departure allowances and 1,000 adjustments; and `--dense-county` grown to
  `--dense-people` cadres with the demo generator (bench/gen_cadres.py's rows) for the county figure.
- `county`: opens and calculates the run of one county through the app's path (payrun_open, then
  job_start + calculate_run_task.delay, eager as in the default setup), `--repeat` times, deleting
  the run between; prints seconds, queries, peak RSS.
- `national`: every county of the country in turn (SPEC WF-8: a run is a township's or a county's, and
  county finance approves it; there is no national run), each opened and calculated as above, in
  `--workers` processes (standing in for Celery workers; counties dealt round-robin). Prints the wall
  time end to end, queries, peak RSS per process, payslips and lines, then checks every run: lines sum
  to payslips and payslips to the run total, to the fen.
- `reset`: deletes the month's runs (untimed).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/touyan_bench_pay .venv/bin/python bench/payrun.py setup
    DATABASE_URL=… flock /tmp/touyan-bench.lock .venv/bin/python bench/payrun.py county
    DATABASE_URL=… flock /tmp/touyan-bench.lock .venv/bin/python bench/payrun.py national --workers 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

USERNAME = "bench_payroll"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def month_of(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%Y-%m").date()


class QueryCount:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.n += 1
        return execute(sql, params, many, context)


def bench_user() -> Any:
    from touyan.accounts.models import Role, User

    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User.objects.create_user(
            username=USERNAME, password=None, role=Role.ADMIN, region_id=None, is_superuser=True, is_staff=True
        )
    return user


def run_region(user: Any, code: str, month: dt.date) -> tuple[int, str]:
    """Open and calculate one run exactly as the pay run page does."""
    from touyan.core.jobs import job_start
    from touyan.payroll.models import PayRun
    from touyan.payroll.services import payrun_open
    from touyan.payroll.tasks import CALCULATE, calculate_run_task

    run = payrun_open(actor=user, region_code=code, month=month)
    job = job_start(actor=user, kind=CALCULATE, region_code=code, total=1, message="等待计算…")
    outcome = calculate_run_task.delay(run.pk, user.pk, job.pk).get()
    if "error" in outcome:
        raise SystemExit(f"run {code} refused: {outcome['error']}")
    fresh = PayRun.objects.get(pk=run.pk)
    return fresh.payslip_count, str(fresh.total)


def counties_with_cadres(month: dt.date) -> list[str]:
    """The regions a national month is paid in: each county with full-time cadres — or the township,
    where a township sits directly under a prefecture-level city (东莞, 中山, 儋州 …: no county)."""
    from django.db import connection

    last = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT CASE WHEN c.level = 'county' THEN c.code ELSE t.code END FROM "
            "(SELECT DISTINCT village_id FROM cadres_post WHERE full_time AND start_date <= %s "
            "AND (end_date IS NULL OR end_date >= %s)) p JOIN regions_region v ON v.code = p.village_id "
            "JOIN regions_region t ON t.code = v.parent_id JOIN regions_region c ON c.code = t.parent_id ORDER BY 1",
            [last, month],
        )
        return [r[0] for r in cursor.fetchall()]


def line_count(run_ids: list[int] | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if run_ids is None:
            cursor.execute("SELECT count(*) FROM payroll_payline")
        else:
            cursor.execute(
                "SELECT count(*) FROM payroll_payline l JOIN payroll_payslip s ON s.id = l.payslip_id "
                "WHERE s.run_id = ANY(%s)",
                [run_ids],
            )
        return int(cursor.fetchone()[0])


def check_sums(month: dt.date) -> None:
    """Lines sum to payslips and payslips to the run total, to the fen (SPEC A6.10)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM payroll_payslip s JOIN payroll_payrun r ON r.id = s.run_id "
            "LEFT JOIN (SELECT payslip_id, sum(amount) t FROM payroll_payline GROUP BY 1) l ON l.payslip_id = s.id "
            "WHERE r.month = %s AND s.total IS DISTINCT FROM l.t",
            [month],
        )
        bad_slips = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*), coalesce(sum(r.total), 0), coalesce(sum(r.payslip_count), 0), "
            "count(*) FILTER (WHERE r.total IS DISTINCT FROM s.t OR r.payslip_count <> coalesce(s.n, 0)) "
            "FROM payroll_payrun r LEFT JOIN (SELECT run_id, sum(total) t, count(*) n FROM payroll_payslip "
            "GROUP BY 1) s ON s.run_id = r.id WHERE r.month = %s",
            [month],
        )
        runs, total, slips, bad_runs = cursor.fetchone()
    print(f"check: {runs} runs, {slips:,} payslips, total ¥{total:,.2f}; payslips whose lines do not sum to "
          f"them: {bad_slips}; runs whose payslips do not sum to them: {bad_runs}")  # fmt: skip
    if bad_slips or bad_runs:
        raise SystemExit("sums do not match")


def reset(month: dt.date) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM payroll_payline l USING payroll_payslip s, payroll_payrun r "
            "WHERE l.payslip_id = s.id AND s.run_id = r.id AND r.month = %s",
            [month],
        )
        cursor.execute(
            "DELETE FROM payroll_payslip s USING payroll_payrun r WHERE s.run_id = r.id AND r.month = %s", [month]
        )
        cursor.execute("UPDATE payroll_adjustment SET run_id = NULL")
        cursor.execute(
            "DELETE FROM payroll_payrunstep p USING payroll_payrun r WHERE p.run_id = r.id AND r.month = %s", [month]
        )
        cursor.execute("DELETE FROM payroll_payrun WHERE month = %s", [month])
        # The deleted rows would otherwise stay in the indexes the next run writes to (autovacuum comes
        # later): a county run after a national reset took 1.6–2.0 s instead of 0.9 s.
        cursor.execute("VACUUM (ANALYZE) payroll_payline, payroll_payslip, payroll_payrun, payroll_payrunstep")
    print(f"reset: the runs of {month:%Y-%m} deleted (and the tables vacuumed)")


# ---------------------------------------------------------------------------
# setup
# ---------------------------------------------------------------------------


def densify(county: str, target: int) -> int:
    """Grow one county to `target` cadres: more committees in its villages, drawn by the demo
    generator and written with COPY as bench/gen_cadres.py writes them."""
    from django.db import connection, transaction
    from django.db.models import Model
    from django.utils import timezone

    from touyan.cadres.demo import demo_people
    from touyan.cadres.models import POST_ORG, Person, Post
    from touyan.cadres.selectors import normalize_name
    from touyan.cadres.services import ID_CONTEXT, PHONE_CONTEXT, id_hash
    from touyan.core import crypto, idnumber
    from touyan.regions import rules as region_rules
    from touyan.regions.models import Region

    lo, hi = county[:6].ljust(12, "0"), county[:6].ljust(12, "9")
    have = Person.objects.filter(village_id__gte=lo, village_id__lte=hi).count()
    if have >= target:
        return 0
    # One committee per village (a seat has one holder), so the county gets more villages: codes
    # 5xx under each of its townships, as many as the demo generator's mean committee needs.
    townships = list(
        Region.objects.filter(level=region_rules.TOWNSHIP, code__gte=lo, code__lte=hi).values_list("code", flat=True)
    )
    per_township = math.ceil((target - have) / 6.5 / len(townships))
    new = [
        Region(code=f"{t[:9]}{500 + i:03d}", name=f"新增{i + 1}村村民委员会", level=region_rules.VILLAGE, parent_id=t)
        for t in townships
        for i in range(per_township)
    ]
    Region.objects.bulk_create(new, ignore_conflicts=True)
    villages = [(r.code, r.name) for r in new]
    hashes = set(Person.objects.filter(village_id__gte=lo, village_id__lte=hi).values_list("id_hash", flat=True))
    now = timezone.now()

    def columns(model: type[Model]) -> tuple[list[str], list[str], dict[str, Any]]:
        fields = list(model._meta.concrete_fields)
        return (
            [str(f.column) for f in fields],
            [f.attname for f in fields],
            {f.attname: f.get_default() for f in fields},
        )

    person_cols, person_attnames, person_defaults = columns(Person)
    post_cols, post_attnames, post_defaults = columns(Post)
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM cadres_person")
        person_id = cursor.fetchone()[0] or 0
        cursor.execute("SELECT max(id) FROM cadres_post")
        post_id = cursor.fetchone()[0] or 0
    added = 0
    person_rows, post_rows = [], []
    for data in demo_people(villages, seed=9001, today=dt.date(2026, 11, 22)):
        if have + added >= target:
            break
        facts = idnumber.parse_id(data.id_number)
        hashed = id_hash(facts.number)
        if hashed in hashes:
            continue
        hashes.add(hashed)
        person_id += 1
        added += 1
        values = person_defaults | {
            "id": person_id, "village_id": data.village, "name": data.name,
            "name_search": normalize_name(data.name), "id_enc": crypto.encrypt(facts.number, context=ID_CONTEXT),
            "id_hash": hashed, "id_masked": idnumber.mask_id(facts.number, 6, 4), "gender": facts.gender,
            "birth_date": facts.birth_date, "ethnicity": data.ethnicity,
            "phone_enc": crypto.encrypt(data.phone, context=PHONE_CONTEXT),
            "phone_masked": idnumber.mask_phone(data.phone), "political_status": data.political_status,
            "party_join_date": data.party_join_date, "education": data.education,
            "full_time_education": data.full_time_education, "origin": data.origin, "photo": "",
            "created_at": now, "updated_at": now,
        }  # fmt: skip
        person_rows.append(tuple(values[a] for a in person_attnames))
        for p in data.posts:
            post_id += 1
            values = post_defaults | {
                "id": post_id, "person_id": person_id, "village_id": data.village, "post": p.post,
                "organisation": str(POST_ORG[p.post]), "term_year": p.term_year, "start_date": p.start_date,
                "end_date": p.end_date, "end_reason": p.end_reason, "full_time": p.full_time,
                "professionalized": p.professionalized, "tier": p.tier, "source": p.source, "created_at": now,
                "created_by_id": None,
            }  # fmt: skip
            post_rows.append(tuple(values[a] for a in post_attnames))
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY cadres_person ({', '.join(person_cols)}) FROM STDIN") as copy:
            for row in person_rows:
                copy.write_row(row)
        with raw.copy(f"COPY cadres_post ({', '.join(post_cols)}) FROM STDIN") as copy:
            for row in post_rows:
                copy.write_row(row)
    with connection.cursor() as cursor:
        for table in ("cadres_person", "cadres_post"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    return added


def setup(month: dt.date, dense_county: str, dense_people: int) -> None:
    from django.db import connection

    from touyan.attendance.workcalendar import month_calendar
    from touyan.payroll.models import Adjustment, DepartureAllowance

    t0 = time.perf_counter()
    if dense_county:
        added = densify(dense_county, dense_people)
        print(f"dense county {dense_county}: {added:,} cadres added ({time.perf_counter() - t0:.0f} s)", flush=True)
    quarter_months = [dt.date(month.year, m, 1) for m in range(month.month - 2, month.month + 1)]
    if month.month % 3:
        quarter_months = [month]
    year = month.year
    with connection.cursor() as cursor:
        t = time.perf_counter()
        cursor.execute(
            "INSERT INTO regions_regionstat (region_id, year, rural_income_per_capita, ref_new_staff_monthly, is_demo, "
            "updated_at) SELECT c.code, %s, 9000 + (hashtext(c.code) & 8191), 3800 + (hashtext(c.code) & 1023), "
            "false, now() "
            "FROM regions_region c WHERE c.level IN ('county', 'prefecture') AND NOT EXISTS "
            "(SELECT 1 FROM regions_regionstat s WHERE s.region_id = c.code AND s.year = %s)",
            [year - 1, year - 1],
        )
        print(f"region stats: {cursor.rowcount:,} counties ({time.perf_counter() - t:.1f} s)", flush=True)
        for first in quarter_months:
            last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            workdays = len(month_calendar(first.year, first.month).workdays)
            required = min(22, workdays)
            t = time.perf_counter()
            cursor.execute(
                "INSERT INTO attendance_monthlock (region_id, month, locked_by_id, locked_at) "
                "SELECT DISTINCT rpad(left(village_id, 9), 12, '0'), %s::date, NULL::bigint, now() FROM cadres_post "
                "WHERE start_date <= %s AND (end_date IS NULL OR end_date >= %s) ON CONFLICT DO NOTHING",
                [first, last, first],
            )
            locks = cursor.rowcount
            # One stored result per full-time cadre, as month_lock writes them: every seventh cadre
            # missed 0–2 days, the rest were present on every required day.
            cursor.execute(
                "INSERT INTO attendance_monthresult (person_id, village_id, month, required_days, present_days, "
                "excused_days, shortfall_days, unexcused_days, workdays_in_post) "
                "SELECT p.id, p.village_id, %s::date, %s, %s - CASE WHEN p.id %% 7 = 0 THEN p.id %% 3 ELSE 0 END, 0, "
                "CASE WHEN p.id %% 7 = 0 THEN p.id %% 3 ELSE 0 END, CASE WHEN p.id %% 7 = 0 THEN p.id %% 3 ELSE 0 END, "
                "%s FROM cadres_person p WHERE EXISTS (SELECT 1 FROM cadres_post po WHERE po.person_id = p.id AND "
                "po.full_time AND po.start_date <= %s AND (po.end_date IS NULL OR po.end_date >= %s)) "
                "ON CONFLICT (person_id, month) DO NOTHING",
                [first, required, required, workdays, last, first],
            )
            print(f"{first:%Y-%m}: {locks:,} township locks, {cursor.rowcount:,} month results "
                  f"({time.perf_counter() - t:.1f} s)", flush=True)  # fmt: skip
        if month.month % 3 == 0:
            t = time.perf_counter()
            cursor.execute(
                "INSERT INTO assessment_quarterlyevaluation (person_id, village_id, year, quarter, score, grade, "
                "indicators, version, status, reason, policy_documents, scored_by_id, created_at, finalized_by_id, "
                "finalized_at) SELECT p.id, p.village_id, %s, %s, s.score, CASE WHEN s.score >= 90 THEN 'excellent' "
                "WHEN s.score >= 70 THEN 'competent' WHEN s.score >= 60 THEN 'basically_competent' "
                "ELSE 'incompetent' END, '{}', 1, 'final', '', '[]', NULL, now(), NULL, now() "
                "FROM cadres_person p CROSS JOIN LATERAL (SELECT (55 + (p.id * 7919) %% 45)::numeric AS score) s "
                "WHERE NOT EXISTS (SELECT 1 FROM assessment_quarterlyevaluation q WHERE q.person_id = p.id "
                "AND q.year = %s AND q.quarter = %s)",
                [year, month.month // 3, year, month.month // 3],
            )
            print(f"Q{month.month // 3} final grades: {cursor.rowcount:,} ({time.perf_counter() - t:.1f} s)")
        cursor.execute("SELECT id, village_id FROM cadres_person ORDER BY id DESC LIMIT 2000")
        former = cursor.fetchall()
    if not DepartureAllowance.objects.exists():
        DepartureAllowance.objects.bulk_create(
            DepartureAllowance(person_id=pid, village_id=v, strategy="pct_of_current_base",
                               monthly_amount=350 + i % 3 * 350, start_month=dt.date(year - 1, 1, 1),
                               state="approved", basis={"bench": True})
            for i, (pid, v) in enumerate(former[:1000])
        )  # fmt: skip
        Adjustment.objects.bulk_create(
            Adjustment(person_id=pid, village_id=v, kind=("adjustment", "honour", "condolence")[i % 3],
                       amount=(-120, 1000, 2000)[i % 3], reason="bench")
            for i, (pid, v) in enumerate(former[1000:])
        )  # fmt: skip
    with connection.cursor() as cursor:
        for table in ("attendance_monthresult", "assessment_quarterlyevaluation", "attendance_monthlock",
                      "regions_regionstat", "cadres_person", "cadres_post"):  # fmt: skip
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    bench_user()
    print(f"setup done in {time.perf_counter() - t0:.0f} s")


# ---------------------------------------------------------------------------
# timed steps
# ---------------------------------------------------------------------------


def _worker(args: tuple[list[str], dt.date]) -> dict[str, Any]:
    from django.db import connection

    counties, month = args
    user = bench_user()
    counter = QueryCount()
    slips = 0
    t = time.perf_counter()
    cpu = time.process_time()
    with connection.execute_wrapper(counter):
        for code in counties:
            n, _total = run_region(user, code, month)
            slips += n
    return {"seconds": time.perf_counter() - t, "cpu": time.process_time() - cpu, "queries": counter.n,
            "runs": len(counties), "payslips": slips, "rss_mb": rss_mb()}  # fmt: skip


def national(month: dt.date, workers: int) -> None:
    from django.db import connections

    from touyan.payroll.models import PayRun

    counties = counties_with_cadres(month)
    print(f"load average before: {os.getloadavg()}; {len(counties):,} counties with full-time cadres", flush=True)
    connections.close_all()
    t = time.perf_counter()
    if workers == 1:
        results = [_worker((counties, month))]
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_worker, [(counties[i::workers], month) for i in range(workers)])
    wall = time.perf_counter() - t
    load = os.getloadavg()
    runs = list(PayRun.objects.filter(month=month).values_list("id", flat=True))
    lines = line_count()
    slips = sum(r["payslips"] for r in results)
    print(f"national {month:%Y-%m}: {len(runs):,} county runs, {slips:,} payslips, {lines:,} lines in {wall:.1f} s "
          f"with {workers} worker(s); {wall / slips * 1e6:.0f} µs per payslip")  # fmt: skip
    for i, r in enumerate(results):
        print(f"  worker {i}: {r['runs']:,} runs, {r['payslips']:,} payslips, {r['seconds']:.1f} s, "
              f"CPU {r['cpu']:.1f} s, {r['queries']:,} queries, peak RSS {r['rss_mb']:.0f} MB")  # fmt: skip
    print(f"load average after: {load}")
    check_sums(month)


def _batch_worker(args: tuple[list[str], dt.date]) -> dict[str, Any]:
    """One stand-in Celery worker: calculate_runs_task for each of its prefixes in turn (eager)."""
    from django.db import connection

    from touyan.core.jobs import job_start
    from touyan.payroll.tasks import CALCULATE_MANY, calculate_runs_task

    prefixes, month = args
    user = bench_user()
    counter = QueryCount()
    t = time.perf_counter()
    cpu = time.process_time()
    totals: dict[str, Any] = {"runs": 0, "payslips": 0, "lines": 0, "skipped": 0, "refused": {}}
    with connection.execute_wrapper(counter):
        for prefix in prefixes:
            job = job_start(actor=user, kind=CALCULATE_MANY, region_code=prefix, total=1, message="等待计算…")
            outcome = calculate_runs_task.delay(month.isoformat(), prefix, user.pk, job.pk).get()
            if "error" in outcome:
                raise SystemExit(f"refused: {outcome['error']}")
            for key in ("runs", "payslips", "lines", "skipped"):
                totals[key] += outcome[key]
            totals["refused"].update(outcome["refused"])
    return totals | {"seconds": time.perf_counter() - t, "cpu": time.process_time() - cpu, "queries": counter.n,
                     "rss_mb": rss_mb(), "prefixes": len(prefixes)}  # fmt: skip


def national_batch(month: dt.date, prefix: str, workers: int) -> None:
    """Every county run of the month in one pass: job_start + calculate_runs_task.delay (eager),
    i.e. payruns_open_and_calculate_many over the prefix ("" = the country). With --workers N the
    provinces are dealt to N processes (standing in for Celery workers), largest first."""
    from django.db import connection, connections

    from touyan.payroll.models import PayRun

    print(f"load average before: {os.getloadavg()}", flush=True)
    if workers == 1:
        shares = [[prefix]]
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT left(village_id, 2), count(*) FROM cadres_post WHERE village_id LIKE %s GROUP BY 1 "
                "ORDER BY 2 DESC",
                [f"{prefix}%"],
            )
            provinces = cursor.fetchall()
        shares = [[] for _ in range(workers)]
        load = [0] * workers
        for code, n in provinces:  # largest first, to the least loaded worker
            i = load.index(min(load))
            shares[i].append(code)
            load[i] += n
    connections.close_all()
    t = time.perf_counter()
    if workers == 1:
        results = [_batch_worker((shares[0], month))]
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_batch_worker, [(share, month) for share in shares])
    wall = time.perf_counter() - t
    load_after = os.getloadavg()
    slips = sum(r["payslips"] for r in results)
    total = sum((t for t in PayRun.objects.filter(month=month).values_list("total", flat=True)), start=0)
    print(f"national-batch {month:%Y-%m} prefix {prefix or '(country)'}: {sum(r['runs'] for r in results):,} runs "
          f"opened and calculated ({sum(r['skipped'] for r in results):,} skipped, "
          f"{sum(len(r['refused']) for r in results):,} refused), {slips:,} payslips, "
          f"{sum(r['lines'] for r in results):,} lines, total ¥{total:,.2f} in {wall:.1f} s with {workers} "
          f"worker(s); {wall / max(slips, 1) * 1e6:.0f} µs per payslip")  # fmt: skip
    for i, r in enumerate(results):
        print(f"  worker {i}: {r['prefixes']} prefixes, {r['runs']:,} runs, {r['payslips']:,} payslips, "
              f"{r['seconds']:.1f} s, CPU {r['cpu']:.1f} s, {r['queries']:,} queries, "
              f"peak RSS {r['rss_mb']:.0f} MB")  # fmt: skip
        for code, why in list(r["refused"].items())[:10]:
            print(f"    refused {code}: {why}")
    print(f"load average after: {load_after}")
    check_sums(month)


def county(month: dt.date, code: str, repeat: int) -> None:
    from django.db import connection

    from touyan.payroll.models import PayRun

    user = bench_user()
    print(f"load average before: {os.getloadavg()}", flush=True)
    for i in range(repeat):
        if PayRun.objects.filter(month=month, region_id=code).exists():
            reset(month)
        counter = QueryCount()
        t = time.perf_counter()
        cpu = time.process_time()
        with connection.execute_wrapper(counter):
            slips, total = run_region(user, code, month)
        seconds = time.perf_counter() - t
        run_id = PayRun.objects.get(month=month, region_id=code).pk
        print(f"county {code} {month:%Y-%m} #{i + 1}: {slips:,} payslips, {line_count([run_id]):,} lines, "
              f"total ¥{total}, {seconds:.2f} s (CPU {time.process_time() - cpu:.2f} s), {counter.n} queries, "
              f"peak RSS {rss_mb():.0f} MB", flush=True)  # fmt: skip
    print(f"load average after: {os.getloadavg()}")
    check_sums(month)


def main() -> None:
    parser = argparse.ArgumentParser(description="Pay run benchmark (issue #6)")
    parser.add_argument("step", choices=["setup", "county", "national", "national-batch", "reset", "check"])
    parser.add_argument("--month", default="2026-03", type=month_of)
    parser.add_argument("--dense-county", default="520526000000", help="county grown to --dense-people cadres")
    parser.add_argument("--dense-people", type=int, default=10_000)
    parser.add_argument("--county", default="", help="county timed by `county` (default: --dense-county)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--prefix", default="", help="national-batch: the code prefix paid (default: the country)")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/payrun.py needs PostgreSQL; set DATABASE_URL=postgres://…")
    if args.step == "setup":
        setup(args.month, args.dense_county, args.dense_people)
    elif args.step == "county":
        county(args.month, args.county or args.dense_county, args.repeat)
    elif args.step == "national":
        national(args.month, args.workers)
    elif args.step == "national-batch":
        national_batch(args.month, args.prefix, args.workers)
    elif args.step == "reset":
        reset(args.month)
    else:
        check_sums(args.month)


if __name__ == "__main__":
    main()
