"""Benchmark of the roster import and export (issue #3, "Cadre files" item 5).

Owns nothing but its printout. Targets: importing a 100,000-row roster file ≤ 60 s, all or
nothing; exporting 150,000 rows ≤ 15 s with peak memory ≤ 300 MB and a fixed number of queries.

Steps, each in a fresh child process so that its peak RSS is its own:
  generate  write the 100,000-row roster (.xlsx with shared strings and date cells, as Excel
            writes it) over the bundled Qianxinan villages, plus a copy with one bad row at the end
  refused   import the copy with the bad row: must be refused with nothing written
  import    import the good file through the page's code path (import_roster_task: parse + bulk upsert)
  reimport  import the same file again: every row unchanged
  grow      add people through cadres_bulk_upsert until there are 150,000
  export    export all 150,000 through the page's code path (export_roster_task), queries counted

Runs `migrate` and loads the bundled regions itself; give it an empty database:

    psql -h 127.0.0.1 -U postgres -c 'drop database if exists touyan_bench_roster' \\
        -c 'create database touyan_bench_roster'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/touyan_bench_roster .venv/bin/python bench/roster_import_export.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "明华国建文军平志伟东海强晓光林永杰春秋玉兰芳红霞英秀梅丽娟敏静燕艳萍云龙凤金银山水清松柏"
DEPUTIES = ("PDS", "PCM", "VDD", "VM", "CLK", "ACC", "BK", "SM", "RSV")
EDUCATION = ("junior_high", "senior_high", "vocational", "college", "bachelor", "senior_high", "college")
ORIGIN = ("rich_farmer", "returned_graduate", "veteran", "migrant_worker", "dispatched", "other")
ETHNIC = ("汉族", "布依族", "苗族", "汉族", "彝族", "汉族")
DAYS = 14_600  # birth dates over 40 years; with the row number's quotient they keep ID numbers unique
BIRTH0 = dt.date(1960, 1, 1)


def peak_rss_mib() -> float:
    """Peak resident set size of this process (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic(i: int, villages: list[str]) -> dict[str, Any]:
    """Row i of the synthetic roster, in codes: valid, one holder per single seat per village."""
    from touyan.core.idnumber import check_char

    village = villages[i % len(villages)]
    k = i // len(villages)  # the k-th person of that village
    one_shoulder = (i % len(villages)) % 2 == 0  # every other village has a one-shoulder secretary
    singles = [["PS", "VD"], ["SD"], ["CEO"]] if one_shoulder else [["PS"], ["VD"], ["SD"], ["CEO"]]
    if k < len(singles):
        posts = singles[k]
    else:
        first = DEPUTIES[k % len(DEPUTIES)]
        posts = [first, "RSV"] if k % 7 == 0 and first != "RSV" else [first]
    birth = BIRTH0 + dt.timedelta(days=(i * 7) % DAYS)
    body = f"{village[:6]}{birth:%Y%m%d}{(i // DAYS) % 1000:03d}"
    party = i % 3 != 2
    head = posts[0] in ("PS", "VD")
    return {
        "name": SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 3) % len(GIVEN)],
        "id_number": body + check_char(body),
        "ethnicity": ETHNIC[i % len(ETHNIC)],
        "phone": f"1{38 + i % 10}{i:08d}",
        "political_status": "party_member" if party else "masses",
        "party_join_date": dt.date(birth.year + 25, 7, 1) if party else None,
        "education": EDUCATION[i % len(EDUCATION)],
        "full_time_education": i % 4 == 0,
        "origin": ORIGIN[i % len(ORIGIN)],
        "village": village,
        "posts": posts,
        "start_date": dt.date(2021, 4, 1) if k < 40 else dt.date(2021, 4, 1) + dt.timedelta(days=k % 300),
        "full_time": head,
        "professionalized": head,
        "tier": 1 + i % 3 if head else None,
        "term_year": 2021,
    }


def _villages() -> list[str]:
    from touyan.regions.models import Region

    return list(
        Region.objects.filter(level="village", code__startswith="5223").order_by("code").values_list("code", flat=True)
    )


def _actor() -> Any:
    from touyan.accounts.models import Role, User

    user, _ = User.objects.get_or_create(
        username="bench_roster", defaults={"role": Role.ADMIN, "region_id": "522300000000", "display_name": "基准测试"}
    )
    return user


def step_setup() -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from touyan.cadres.models import Person
    from touyan.regions.importer import import_divisions

    call_command("migrate", verbosity=0, interactive=False)
    if Person.objects.exists():
        raise SystemExit("the database already has cadre files: give the benchmark an empty database")
    import_divisions()
    _actor()
    with connection.cursor() as cursor:
        cursor.execute("select version()" if connection.vendor == "postgresql" else "select sqlite_version()")
        server = cursor.fetchone()[0]
    return {
        "database": f"{connection.vendor} {connection.settings_dict['NAME']}",
        "server": server,
        "villages": len(_villages()),
    }


def step_generate(rows: int, folder: Path) -> dict[str, Any]:
    """The file a county would upload: Chinese labels, shared strings, date cells."""
    import xlsxwriter

    from touyan.cadres.excel import COLUMNS, SHEET
    from touyan.cadres.models import Education, Origin, PoliticalStatus, PostCode

    labels = {
        **{v: str(lb) for v, lb in Education.choices}, **{v: str(lb) for v, lb in Origin.choices},
        **{v: str(lb) for v, lb in PoliticalStatus.choices},
    }  # fmt: skip
    post_labels = {v: str(lb) for v, lb in PostCode.choices}
    villages = _villages()
    started = time.perf_counter()
    for name, bad_row in (("roster.xlsx", None), ("roster-bad.xlsx", rows - 2)):
        wb = xlsxwriter.Workbook(str(folder / name))
        ws = wb.add_worksheet(SHEET)
        date = wb.add_format({"num_format": "yyyy-mm-dd"})
        text = wb.add_format({"num_format": "@"})
        ws.write_row(0, 0, [c.header for c in COLUMNS])
        for i in range(rows):
            s = synthetic(i, villages)
            if i == bad_row:  # a wrong check digit near the end: the whole file must be refused
                s["id_number"] = s["id_number"][:17] + ("0" if s["id_number"][17] != "0" else "1")
            r = i + 1
            ws.write_string(r, 0, s["name"])
            ws.write_string(r, 1, s["id_number"], text)
            ws.write_string(r, 2, s["ethnicity"])
            ws.write_string(r, 3, s["phone"], text)
            ws.write_string(r, 4, labels[s["political_status"]])
            if s["party_join_date"]:
                ws.write_datetime(r, 5, dt.datetime.combine(s["party_join_date"], dt.time()), date)
            ws.write_string(r, 6, labels[s["education"]])
            ws.write_string(r, 7, "是" if s["full_time_education"] else "否")
            ws.write_string(r, 8, labels[s["origin"]])
            ws.write_string(r, 9, s["village"], text)
            ws.write_string(r, 10, "、".join(post_labels[p] for p in s["posts"]))
            ws.write_datetime(r, 11, dt.datetime.combine(s["start_date"], dt.time()), date)
            ws.write_string(r, 12, "是" if s["full_time"] else "否")
            ws.write_string(r, 13, "是" if s["professionalized"] else "否")
            if s["tier"]:
                ws.write_number(r, 14, s["tier"])
            ws.write_number(r, 15, s["term_year"])
        wb.close()
    size = (folder / "roster.xlsx").stat().st_size
    return {"seconds": round(time.perf_counter() - started, 1), "rows": rows, "file_mib": round(size / 2**20, 1)}


class QueryCounter:
    """Counts every query the ORM sends (without keeping their SQL, unlike CaptureQueriesContext)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.n += 1
        return execute(sql, params, many, context)


def step_import(folder: Path, name: str) -> dict[str, Any]:
    """Import through the page's path: a Job, the uploaded file in its folder, import_roster_task."""
    from django.conf import settings
    from django.db import connection

    from touyan.cadres.models import Filing, Person, Post
    from touyan.cadres.tasks import IMPORT, import_roster_task
    from touyan.core.jobs import job_dir, job_start

    settings.TOUYAN_JOB_ROOT = str(folder / "jobs")
    actor = _actor()
    job = job_start(actor=actor, kind=IMPORT, region_code=actor.region_id)
    upload = job_dir(job) / "upload.xlsx"
    shutil.copyfile(folder / name, upload)
    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        import_roster_task(job.pk, str(upload))
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    return {
        "seconds": round(seconds, 1), "status": job.status, "message": job.message[:120],
        "outcome": {k: v for k, v in job.outcome.items() if k != "errors"},
        "first_error": (job.outcome.get("errors") or [None])[0], "queries": counter.n,
        "people": Person.objects.count(), "posts": Post.objects.count(), "filings": Filing.objects.count(),
        "peak_rss_mib": round(peak_rss_mib()),
    }  # fmt: skip


def step_grow(target: int) -> dict[str, Any]:
    """More people through the bulk path (the demo generator's), up to `target` files."""
    from touyan.cadres.bulk import cadres_bulk_upsert
    from touyan.cadres.models import Person
    from touyan.cadres.services import PersonIn, PostIn

    villages = _villages()
    have = Person.objects.count()
    people = []
    for i in range(have, target):
        s = synthetic(i, villages)
        attrs = {k: s[k] for k in ("full_time", "professionalized", "tier", "term_year", "start_date")}
        posts = [PostIn(post=p, **attrs) for p in s.pop("posts")]
        for k in ("full_time", "professionalized", "tier", "term_year", "start_date"):
            s.pop(k)
        people.append(PersonIn(**s, posts=posts))
    started = time.perf_counter()
    report = cadres_bulk_upsert(actor=_actor(), people=people, source="bench")
    return {
        "seconds": round(time.perf_counter() - started, 1), "created": report.created,
        "people": Person.objects.count(), "peak_rss_mib": round(peak_rss_mib()),
    }  # fmt: skip


def step_export(folder: Path) -> dict[str, Any]:
    """Export everything the prefecture admin sees through the page's path (export_roster_task)."""
    import dataclasses

    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from touyan.cadres.selectors import RosterFilters
    from touyan.cadres.tasks import EXPORT, export_roster_task
    from touyan.core.jobs import job_file, job_start

    settings.TOUYAN_JOB_ROOT = str(folder / "jobs")
    actor = _actor()
    job = job_start(actor=actor, kind=EXPORT, region_code=actor.region_id)
    base = peak_rss_mib()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        rows = export_roster_task(job.pk, dataclasses.asdict(RosterFilters()))
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    path = job_file(job)
    kinds: dict[str, int] = {}
    for q in ctx.captured_queries:
        word = q["sql"].split()[0].upper()
        kinds[word] = kinds.get(word, 0) + 1
    return {
        "seconds": round(seconds, 1), "rows": rows, "status": job.status, "queries": len(ctx.captured_queries),
        "query_kinds": kinds, "file_mib": round(path.stat().st_size / 2**20, 1) if path else None,
        "rss_before_mib": round(base), "peak_rss_mib": round(peak_rss_mib()),
    }  # fmt: skip


def _timed(step: Any, *args: Any) -> dict[str, Any]:
    """Run a step, adding its process CPU seconds and the machine's load average to its result."""
    cpu = time.process_time()
    result = step(*args)
    result["cpu_seconds"] = round(time.process_time() - cpu, 1)
    result["load_avg"] = [round(x, 1) for x in os.getloadavg()]
    return result


def child(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    folder = Path(args.folder)
    result: dict[str, Any]
    if args.step == "setup":
        result = step_setup()
    elif args.step == "generate":
        result = _timed(step_generate, args.rows, folder)
    elif args.step == "refused":
        result = _timed(step_import, folder, "roster-bad.xlsx")
    elif args.step in ("import", "reimport"):
        result = _timed(step_import, folder, "roster.xlsx")
    elif args.step == "grow":
        result = _timed(step_grow, args.export_rows)
    else:
        result = _timed(step_export, folder)
    print(json.dumps(result, ensure_ascii=False, default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description="Time the roster import (100,000 rows) and export (150,000 rows).")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the imported file")
    parser.add_argument("--export-rows", type=int, default=150_000, help="people on file when exporting")
    parser.add_argument("--step", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--folder", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        child(args)
        return
    print(f"python {platform.python_version()}, {os.cpu_count()} cpus, {dt.datetime.now():%Y-%m-%d %H:%M}")
    with tempfile.TemporaryDirectory(prefix="touyan-bench-roster-") as folder:
        for step in ("setup", "generate", "refused", "import", "reimport", "grow", "export"):
            command = [sys.executable, __file__, "--step", step, "--folder", folder]
            command += ["--rows", str(args.rows), "--export-rows", str(args.export_rows)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(done.stdout, done.stderr, sep="\n")
                raise SystemExit(f"step {step} failed")
            print(f"{step:>9}: {done.stdout.strip().splitlines()[-1]}", flush=True)


if __name__ == "__main__":
    main()
