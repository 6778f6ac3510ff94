"""Benchmark of the yearly training compliance (issue 18): `training.selectors.compliance` for a
province of ≈150,000 cadres with 10 trainings each (1.5 million attendee rows) in ≤ 3 s on PostgreSQL.

Data, made once per database (a synthetic province 99, so it never meets real division codes):
30 prefectures' worth of regions — 1 province, 10 prefectures, 100 counties, 1,000 townships,
30,000 villages — and 5 cadres per village (one secretary, professionalized in every other village;
a director; three members), written with COPY straight into cadres_person and cadres_post (the
compliance reads neither the encrypted ID nor the history, so those columns hold placeholders);
then 50 events of the year at every level and kind, and 10 attendances per cadre drawn from them,
with COPY into training_attendee, and VACUUM (ANALYZE).

Then it builds the per-cadre totals compliance reads (`training.totals.totals_rebuild`, what the
services keep row by row; timed once) and times `compliance(region=province, year)` --runs times
after one warm-up and prints the median, the SQL statements and time in SQL, the rows, the cadres
short of R-TRN-01/02, and a
digest of the result (equal digests = identical results). It also recomputes --check cadres one by
one from their attendee rows with the pure rule and compares. Load average and a CPU reference loop
are printed before and after (the machine is shared).

    psql -h 127.0.0.1 -U postgres -c 'create database wp_training'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wp_training \\
        flock /tmp/touyan-bench.lock .venv/bin/python bench/training_compliance.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PROVINCE = "990000000000"


def cpu_reference_ms() -> float:
    started = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i
    return (time.perf_counter() - started) * 1000


def machine_state(label: str) -> None:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{label}: load average {load}; CPU reference loop {cpu_reference_ms():.0f} ms", flush=True)


def _copy(cursor, table: str, columns: list[str], rows) -> int:  # type: ignore[no-untyped-def]
    n = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def generate(villages_per_township: int, cadres_per_village: int, attendances: int, year: int, seed: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from touyan.regions.models import Region
    from touyan.training.models import TrainingEvent

    rng = random.Random(seed)
    started = time.perf_counter()
    regions: list[tuple[str, str, str, str | None]] = [(PROVINCE, "基准省", "province", None)]
    villages: list[str] = []
    for p in range(1, 11):
        pref = f"99{p:02d}00000000"
        regions.append((pref, f"基准州{p}", "prefecture", PROVINCE))
        for c in range(1, 11):
            county = f"99{p:02d}{c:02d}000000"
            regions.append((county, f"基准县{p}-{c}", "county", pref))
            for t in range(1, 11):
                town = f"99{p:02d}{c:02d}{t:03d}000"
                regions.append((town, f"基准乡{p}-{c}-{t}", "township", county))
                for v in range(1, villages_per_township + 1):
                    code = f"99{p:02d}{c:02d}{t:03d}{v:03d}"
                    regions.append((code, f"基准村{v}", "village", town))
                    villages.append(code)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        raw = cur.cursor
        _copy(raw, "regions_region", ["code", "name", "level", "parent_id"], regions)
        people = []
        pid = 0
        posts = []
        post_id = 0
        for i, code in enumerate(villages):
            for k in range(cadres_per_village):
                pid += 1
                status = "party_member" if k < 4 or rng.random() < 0.5 else "masses"
                name = f"干部{pid}"
                people.append((pid, code, name, name, "x", f"h{pid:012d}", "990000********0000", "male",
                               dt.date(1980, 1, 1), "汉族", "", "", status, "college", False, "other", "", now, now,
                               ""))  # fmt: skip
                post = ("PS", "VD", "PCM", "VM", "VM")[k % 5]
                post_id += 1
                posts.append((post_id, pid, code, post, "party_org" if post in ("PS", "PCM") else "villagers_committee",
                              dt.date(2021, 4, 1), None, "", post in ("PS", "VD"), post == "PS" and i % 2 == 0,
                              None, "election", now))  # fmt: skip
        _copy(raw, "cadres_person",
              ["id", "village_id", "name", "name_search", "id_enc", "id_hash", "id_masked", "gender", "birth_date",
               "ethnicity", "phone_enc", "phone_masked", "political_status", "education", "full_time_education",
               "origin", "photo", "created_at", "updated_at", "id_tail_hash"], people)  # fmt: skip
        _copy(raw, "cadres_post",
              ["id", "person_id", "village_id", "post", "organisation", "start_date", "end_date", "end_reason",
               "full_time", "professionalized", "tier", "source", "created_at"], posts)  # fmt: skip
        cur.execute("SELECT setval(pg_get_serial_sequence('cadres_person', 'id'), %s)", [pid])
        cur.execute("SELECT setval(pg_get_serial_sequence('cadres_post', 'id'), %s)", [post_id])
        levels = ["national", "province", "prefecture", "county", "township"]
        kinds = ["central", "central", "political_rotation", "online", "practice"]
        events = []
        for e in range(50):
            start = dt.date(year, 1 + e % 12, 1 + e % 25)
            days = Decimal(1 + e % 5)
            events.append(
                TrainingEvent(title=f"基准培训{e}", level=levels[e % 5], kind=kinds[(e // 5) % 5], region_id=PROVINCE,
                              start_date=start, end_date=start + dt.timedelta(days=int(days) - 1), days=days)
            )  # fmt: skip
        TrainingEvent.objects.bulk_create(events)
        village_of = {p[0]: p[1] for p in people}

        def rows():  # type: ignore[no-untyped-def]
            for person in range(1, pid + 1):
                for ev in rng.sample(events, attendances):
                    yield (ev.pk, person, village_of[person], year, ev.start_date, ev.level, ev.kind, ev.days,
                           ev.days * 8, None, "", "", False, now)  # fmt: skip

        n = _copy(raw, "training_attendee",
                  ["event_id", "person_id", "village_id", "year", "date", "level", "kind", "days", "hours", "passed",
                   "result", "feedback", "report_submitted", "recorded_at"], rows())  # fmt: skip
    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE)")
    print(f"generated {len(villages):,} villages, {pid:,} cadres, {n:,} attendances in "
          f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
    assert Region.objects.filter(code=PROVINCE).exists()


def main() -> None:
    parser = argparse.ArgumentParser(description="Time training compliance over a province of ≈150,000 cadres.")
    parser.add_argument("--villages-per-township", type=int, default=30)
    parser.add_argument("--cadres-per-village", type=int, default=5)
    parser.add_argument("--attendances", type=int, default=10)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--check", type=int, default=200)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries

    from touyan.regions.models import Region
    from touyan.training import rules, selectors, totals
    from touyan.training.models import Attendee, TrainingTotal

    assert connection.vendor == "postgresql", "run on PostgreSQL"
    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code=PROVINCE).exists():
        generate(args.villages_per_township, args.cadres_per_village, args.attendances, args.year, args.seed)
    province = Region.objects.get(code=PROVINCE)
    today = dt.date(args.year, 12, 31)
    if not TrainingTotal.objects.filter(year=args.year).exists():  # COPY wrote the attendee rows alone
        t0 = time.perf_counter()
        n = totals.totals_rebuild(prefix=province.prefix, year=args.year)
        with connection.cursor() as cur:
            cur.execute("VACUUM (ANALYZE) training_trainingtotal")
        print(f"totals rebuilt from the attendee rows: {n:,} rows in {time.perf_counter() - t0:.1f} s", flush=True)
    machine_state("before")
    selectors.compliance(region=province, year=args.year, today=today)  # warm-up
    times, cpu = [], []
    settings.DEBUG = True
    result = []
    for _ in range(args.runs):
        reset_queries()
        t0, c0 = time.perf_counter(), time.process_time()
        result = selectors.compliance(region=province, year=args.year, today=today)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    queries = list(connection.queries)
    settings.DEBUG = False
    machine_state("after")
    digest = hashlib.sha256(
        "\n".join(f"{r.cadre}|{r.hours}|{r.prefecture_days}|{r.township_sessions}|{r.township_days}|"
                  f"{r.political_rotation_days}|{','.join(s.code for s in r.shortfalls)}" for r in result).encode()
    ).hexdigest()[:16]  # fmt: skip
    short01 = sum(1 for r in result if any(s.rule == "R-TRN-01" for s in r.shortfalls))
    short02 = sum(1 for r in result if any(s.rule == "R-TRN-02" for s in r.shortfalls))
    sql = sum(float(q["time"]) for q in queries)
    print(f"compliance({province.code}, {args.year}): {len(result):,} cadres; median {statistics.median(times):.2f} s "
          f"(runs {', '.join(f'{t:.2f}' for t in times)}; CPU {statistics.median(cpu):.2f} s); "
          f"{len(queries)} SQL statements, {sql:.2f} s in SQL; short of R-TRN-01 {short01:,}, of R-TRN-02 "
          f"{short02:,}; digest {digest}")  # fmt: skip
    # one by one, from the rows themselves, with the same pure rule
    policy = selectors.policy_resolve(province.code, today)
    req = selectors.requirements(policy)
    sample = random.Random(args.seed).sample(result, min(args.check, len(result)))
    for r in sample:
        rows = list(Attendee.objects.filter(person_id=r.cadre, year=args.year))
        session = [a for a in rows if a.level == "township" and a.kind not in rules.NOT_A_SESSION]
        facts = rules.CadreYear(
            posts=frozenset(r.posts),
            professionalized="PS" in r.posts and _prof(r.cadre),
            party_member=r.required_hours == 56 or r.required_hours == 32,
            hours=sum((a.hours for a in rows), Decimal(0)),
            prefecture_days=sum((a.days for a in rows if a.level in rules.PREFECTURE_UP
                                 and a.kind not in rules.NOT_A_SESSION), Decimal(0)),
            township_sessions=len(session),
            township_days=sum((a.days for a in session), Decimal(0)),
            rotation_days=sum((a.days for a in rows if a.kind == "political_rotation"), Decimal(0)),
            county_courses=sum(1 for a in rows if a.level in rules.COUNTY_UP and a.kind != "exam"),
        )  # fmt: skip
        one = rules.compliance(req, facts, as_of=today)
        assert (one.hours, one.shortfalls) == (r.hours, r.shortfalls), (r, one)
    print(f"checked {len(sample)} cadres one by one: identical")


def _prof(person_id: int) -> bool:
    from touyan.cadres.models import Post

    return Post.objects.filter(person_id=person_id, post="PS", professionalized=True).exists()


if __name__ == "__main__":
    main()
