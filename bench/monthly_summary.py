"""Benchmark of the monthly attendance summary (issue #4): `monthly_summary` for ≈150,000 full-time
cadres with a month of presence (≈3.3 million records) in ≤ 5 s on PostgreSQL.

Data, made once per database (database `touyan_bench_att` in the commands below):

1. cadres: when the database has none, bench/gen_cadres.py is run with --people (default 340,000,
   which gives ≈150,000 with a full-time post; demo committees are ≈44 % full-time);
2. the month (--month, default 2026-03, 22 workdays): when it has no presence yet, ≈1 % of the
   full-time posts in it are made part-month (every 97th starts on the 11th, every 89th ends on the
   16th), ≈1.5 % of the cadres get an approved leave of 1–5 days (some returned) and 0.3 % one still
   waiting for approval; then one presence row per cadre-day with COPY: each workday in post with
   probability 0.95, each weekend or holiday day in post with 0.03 (duty), kinds and channels mixed;
   then VACUUM (ANALYZE).

Then it times `monthly_summary(prefix=…, year, month)` for the whole country ("") and for the
province with the most cadres, --runs times each after one warm-up, and prints the median, the SQL
statements and time in SQL, the rows, and a digest of the result (equal digests = identical results,
to compare code before and after a change). It also recomputes --check cadres one by one with
`cadre_month` (the per-cadre path of the same pure rule) and compares. The load average and a CPU
reference loop are printed before and after (the machine is shared). Run it under the bench lock:

    psql -h 127.0.0.1 -U postgres -c 'create database touyan_bench_att'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/touyan_bench_att \\
        flock /tmp/touyan-bench.lock .venv/bin/python bench/monthly_summary.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cpu_reference_ms() -> float:
    """A fixed pure-Python loop: how fast this machine is right now (the bench machine is shared)."""
    started = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i
    return (time.perf_counter() - started) * 1000


def machine_state(label: str) -> None:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{label}: load average {load}; CPU reference loop {cpu_reference_ms():.0f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Time monthly_summary over ≈150,000 full-time cadres.")
    parser.add_argument("--people", type=int, default=340_000, help="cadres to generate when there are none")
    parser.add_argument("--month", default="2026-03", help="YYYY-MM")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--province", default="", help="the province to time as well (default: the largest)")
    parser.add_argument("--check", type=int, default=300, help="cadres to recompute one by one and compare")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.db.models import Count, Q
    from django.db.models.functions import Substr
    from django.utils import timezone

    from touyan.attendance import rules
    from touyan.attendance.models import LeaveRequest, Presence
    from touyan.attendance.selectors import cadre_month, monthly_summary
    from touyan.attendance.workcalendar import month_calendar
    from touyan.cadres.models import Person, Post

    if connection.vendor != "postgresql":
        sys.exit("monthly_summary bench needs PostgreSQL (COPY); set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0, interactive=False)
    year, month = (int(x) for x in args.month.split("-"))
    days = rules.month_days(year, month)
    first, last = days[0], days[-1]
    workdays = month_calendar(year, month).workdays

    if not Person.objects.exists():
        print(f"no cadres: running bench/gen_cadres.py --people {args.people} …", flush=True)
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "gen_cadres.py"), "--people", str(args.people)], check=True
        )

    in_month = Post.objects.filter(full_time=True, start_date__lte=last).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first)
    )
    if not Presence.objects.filter(date__gte=first, date__lte=last).exists():
        started = time.perf_counter()
        rng = random.Random(args.seed)
        with connection.cursor() as cursor:
            # Part-month posts: appointed on the 11th, or leaving on the 16th.
            cursor.execute(
                "UPDATE cadres_post SET start_date = %s WHERE id %% 97 = 0 AND full_time AND start_date <= %s "
                "AND (end_date IS NULL OR end_date >= %s)",
                [first + dt.timedelta(days=10), last, first],
            )
            appointed = cursor.rowcount
            cursor.execute(
                "UPDATE cadres_post SET end_date = %s, end_reason = 'resigned' WHERE id %% 89 = 0 AND full_time "
                "AND start_date <= %s AND end_date IS NULL",
                [first + dt.timedelta(days=15), first],
            )
            leaving = cursor.rowcount
        spans: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
        for pid, start, end in in_month.values_list("person_id", "start_date", "end_date").iterator(chunk_size=20000):
            spans[pid].append((start, end))
        village = dict(Person.objects.filter(pk__in=list(spans)).values_list("id", "village_id").iterator(20000))
        now = timezone.now()
        leave_rows = []
        for pid in sorted(spans):
            roll = rng.random()
            if roll < 0.018:
                start = first + dt.timedelta(days=rng.randrange(len(days) - 5))
                end = start + dt.timedelta(days=rng.randrange(5))
                status = ("approved", "returned", "submitted")[0 if roll < 0.012 else 1 if roll < 0.015 else 2]
                returned = end + dt.timedelta(days=1) if status == "returned" else None
                leave_rows.append(
                    (
                        pid,
                        village[pid],
                        start,
                        end,
                        (end - start).days + 1,
                        "家中有事",
                        status,
                        '["secretary"]',
                        "" if status != "submitted" else "secretary",
                        returned,
                        now,
                    )
                )
        leave_days = {r[0]: (r[2], r[3]) for r in leave_rows if r[6] != "submitted"}
        kinds = ["present"] * 19 + ["official_business"]
        channels = ["web"] * 16 + ["duty_book"] * 3 + ["import"]
        presence_rows = 0
        cols = "person_id, village_id, date, kind, channel, inside_fence, distance_m, recorded_by_id, recorded_at"
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY attendance_presence ({cols}) FROM STDIN") as copy:
                for pid in sorted(spans):
                    span = rules.in_post_span(spans[pid], year, month)
                    if span is None:
                        continue
                    lo, hi = span
                    on_leave = leave_days.get(pid)
                    for day in days:
                        if day < lo or day > hi or (on_leave and on_leave[0] <= day <= on_leave[1]):
                            continue
                        if rng.random() < (0.95 if day in workdays else 0.03):
                            copy.write_row(
                                (pid, village[pid], day, rng.choice(kinds), rng.choice(channels), None, None, None, now)
                            )
                            presence_rows += 1
            leave_cols = (
                "person_id, village_id, start_date, end_date, days, reason, status, route, next_level, "
                "returned_on, created_at"
            )
            with raw.copy(f"COPY attendance_leaverequest ({leave_cols}) FROM STDIN") as copy:
                for row in leave_rows:
                    copy.write_row(row)
            for table in ("attendance_presence", "attendance_leaverequest", "cadres_post", "cadres_person"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        print(
            f"month {args.month} prepared in {time.perf_counter() - started:.0f} s: {len(spans):,} cadres with a "
            f"full-time post in it ({appointed} posts now start on the 11th, {leaving} end on the 16th), "
            f"{presence_rows:,} presence rows, {len(leave_rows):,} leave requests",
            flush=True,
        )

    full_time = in_month.values("person_id").distinct().count()
    month_rows = Presence.objects.filter(date__gte=first, date__lte=last).count()
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        server = cursor.fetchone()[0]
        cursor.execute("select count(*) from attendance_presence")
        all_rows = cursor.fetchone()[0]
    province = (
        args.province
        or (
            Person.objects.filter(pk__in=in_month.values("person_id"))
            .annotate(p=Substr("village_id", 1, 2))
            .values("p")
            .annotate(n=Count("id"))
            .order_by("-n")[0]["p"]
        )
    )
    print(f"database: {connection.settings_dict['NAME']} ({server})")
    print(
        f"month {args.month}: {len(workdays)} workdays; {full_time:,} cadres with a full-time post in it; "
        f"{month_rows:,} presence rows in the month ({all_rows:,} in the table)"
    )

    def digest(rows: list) -> str:  # type: ignore[type-arg]
        h = hashlib.sha256()
        for r in rows:
            h.update(repr((r.person_id, r.name, r.village_id, r.village_name, r.result)).encode())
        return h.hexdigest()[:16]

    machine_state("before")
    print(f"| region | rows | median s ({args.runs} runs) | min–max s | of which SQL s | SQL statements | digest |")
    print("|---|---:|---:|---:|---:|---:|---|")
    results = {}
    settings_debug = connection.force_debug_cursor
    for label, prefix in (("whole country", ""), (f"province {province}", province)):
        times, sql_times = [], []
        rows: list = []  # type: ignore[type-arg]
        for run in range(args.runs + 1):
            connection.force_debug_cursor = True
            reset_queries()
            started = time.perf_counter()
            rows = monthly_summary(prefix=prefix, year=year, month=month)
            elapsed = time.perf_counter() - started
            queries = list(connection.queries)
            connection.force_debug_cursor = settings_debug
            if run:  # the first is the warm-up
                times.append(elapsed)
                sql_times.append(sum(float(q["time"]) for q in queries))
        results[prefix] = rows
        print(
            f"| {label} | {len(rows):,} | {statistics.median(times):.2f} | {min(times):.2f}–{max(times):.2f} | "
            f"{statistics.median(sql_times):.2f} | {len(queries)} | {digest(rows)} |",
            flush=True,
        )
    machine_state("after")

    # The set-based result agrees with the per-cadre path of the same rule.
    sample = random.Random(args.seed).sample(results[""], min(args.check, len(results[""])))
    complex_ids = set(
        LeaveRequest.objects.filter(start_date__lte=last, end_date__gte=first).values_list("person_id", flat=True)
    )
    complex_ids |= {r.person_id for r in results[""] if r.result.workdays_in_post != len(workdays)}
    sample += [r for r in results[""] if r.person_id in complex_ids][: args.check]
    wrong = [
        r.person_id
        for r in sample
        if cadre_month(person_id=r.person_id, village_code=r.village_id, year=year, month=month).result != r.result
    ]
    print(
        f"checked {len(sample)} cadres one by one with cadre_month ({len(complex_ids)} part-month or with leave "
        f"in the month): {len(wrong)} differ {wrong[:10]}"
    )


if __name__ == "__main__":
    main()
