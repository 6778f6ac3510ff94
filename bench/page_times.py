"""Server time of the main pages (issue 21, "Performance"): each page rendered through the whole
Django stack (middleware, view, template) with the test client, logged in as the role that uses it,
on the database of DATABASE_URL (the demo, plus the pay run of bench/load_setup.py).

For each page: the median and p99 of --runs requests after --warmup untimed ones, the median CPU
time of this process (Python: middleware, view, template; steadier than wall time on a shared
machine), the median time in SQL and the number of SQL statements of one request
(CaptureQueriesContext). A CPU reference loop is timed before and after (the machine is shared).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/touyan_load .venv/bin/python bench/page_times.py
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


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def cpu_reference_ms() -> float:
    started = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i
    return (time.perf_counter() - started) * 1000


def cases(township: str) -> list[tuple[str, str, str]]:
    """(login, label, url) of every timed page."""
    from touyan.payroll.models import PayRun, Payslip

    county = township[:6]
    today = dt.date.today()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    town = f"town_{township[:9]}"
    out = [
        (town, "roster /cadres/ (township)", "/cadres/"),
        (f"admin_{county}", "roster /cadres/ (county)", "/cadres/"),
        (town, "roster search /cadres/?q=张", "/cadres/?q=张"),
        (town, f"monthly /attendance/monthly/ {last_month}", f"/attendance/monthly/{township}/{last_month}/"),
    ]
    run = PayRun.objects.filter(region_id=township).order_by("-month").first()
    if run is not None:
        month = run.month.strftime("%Y-%m")
        out.append((town, f"monthly /attendance/monthly/ {month} (locked)", f"/attendance/monthly/{township}/{month}/"))
        out.append((town, "payslips /payroll/runs/<id>/", f"/payroll/runs/{run.pk}/"))
        slip = Payslip.objects.filter(run=run).order_by("pk").first()
        if slip is not None:
            out.append((town, "payslip /payroll/payslips/<id>/", f"/payroll/payslips/{slip.pk}/"))
    out.append(("cadre_demo", "my payslips /payroll/me/ (cadre)", "/payroll/me/"))
    out.append((town, "workbench / (township)", "/"))
    out.append((f"admin_{county}", "workbench / (county)", "/"))
    out.append((f"admin_{township[:4]}", "workbench / (prefecture)", "/"))
    return out


def time_case(client: object, url: str, runs: int, warmup: int) -> tuple[float, float, float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        client.get(url)  # type: ignore[attr-defined]
    walls: list[float] = []
    cpus: list[float] = []
    sqls: list[float] = []
    queries = 0
    status = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)  # type: ignore[attr-defined]
            walls.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        sqls.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        queries = len(ctx.captured_queries)
        status = response.status_code
    median, p99 = statistics.median(walls), percentile(walls, 0.99)
    return median, p99, statistics.median(cpus), statistics.median(sqls), queries, status


def main() -> None:
    parser = argparse.ArgumentParser(description="Server time of the main pages (test client).")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--township", default="522301001000")
    parser.add_argument("--only", default="", help="only the pages whose label contains this text")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("TOUYAN_REQUIRE_2FA_ROLES", "")  # the administrators' pages without a TOTP code
    import django

    django.setup()
    from django.test import Client

    from touyan.accounts.models import User

    print(f"load {os.getloadavg()[0]:.2f}, CPU reference {cpu_reference_ms():.0f} ms")
    print("| page | login | median ms | p99 ms | CPU ms (median) | SQL ms (median) | queries | status |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for login, label, url in cases(args.township):
        if args.only and args.only not in label:
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=login))
        med, p99, cpu, sql, queries, status = time_case(client, url, args.runs, args.warmup)
        print(f"| {label} | {login} | {med:.1f} | {p99:.1f} | {cpu:.1f} | {sql:.1f} | {queries} | {status} |")
    print(f"load {os.getloadavg()[0]:.2f}, CPU reference {cpu_reference_ms():.0f} ms")


if __name__ == "__main__":
    main()
