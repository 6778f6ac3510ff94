"""Load benchmark of `POST /api/v1/attendance/records` (issue #4): gunicorn with 2 workers on
PostgreSQL, loopback, wrk with 32 connections. Target: ≥ 1,000 records/s with p99 ≤ 50 ms.

Needs a PostgreSQL database with cadres in it — the one bench/monthly_summary.py fills
(`touyan_bench_att`), or any made by bench/gen_cadres.py. The script:

1. takes the --officers townships with the most cadres and makes (once) a township officer for each
   (`bench_att_<code>`, no password) with a fresh API token (stored hashed, as `token_issue` does);
2. writes a request file of distinct (token, cadre, day) triples: every cadre of those townships on
   consecutive past days from 2024-01-01, cadres interleaved, each with the token of its township's
   officer; removes the records earlier runs of this script wrote (recorded by the bench officers);
3. counts the SQL statements of one POST (django.test.Client, CaptureQueriesContext) and prints them;
4. starts gunicorn (`config.wsgi`, --workers, bench/att_settings.py: the project's settings and URLs
   plus a trivial view at /bench/trivial), warms it up, then runs wrk for --duration seconds against
   the trivial view and against the POST (bench/att_post.lua: a new cadre-day in every request, the
   officer's bearer token, a unique Idempotency-Key);
5. counts the records written, checks that a repeat POST returns 200 and writes nothing, stops
   gunicorn, and prints records/s, latency percentiles (wrk's, closed loop), the trivial view's
   requests/s and the ratio, with the load average and a CPU reference loop before and after.

The workers remember a checked token for TOUYAN_API_TOKEN_CACHE_SECONDS (default 10 s, see
docs/operations.md), so most POSTs carry no token query; TOUYAN_API_TOKEN_CACHE_SECONDS=0 measures
a token query in every request.

Run it under the shared bench lock (the machine has 2 cores and is shared):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/touyan_bench_att \\
        flock /tmp/touyan-bench.lock .venv/bin/python bench/attendance_post.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LUA = Path(__file__).resolve().parent / "att_post.lua"
FIRST_DAY = dt.date(2024, 1, 1)  # bench records go on days from here (not the summary bench's month)
PROBE_DAY = dt.date(2023, 12, 31)  # the query-count probe's day


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


def cpu_ms(pids: list[int]) -> float:
    """User + system CPU milliseconds the processes have used so far (from /proc)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    return total


def children_of(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(stat.parent.name))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return found


def run_wrk(url: str, script: Path, args: argparse.Namespace, duration: int, extra: list[str]) -> dict[str, float]:
    """One wrk run; also the CPU ms per request of the gunicorn workers, of the PostgreSQL backends they
    use, and of wrk itself (the machine is shared: CPU per request is the steadier figure)."""
    app, db = args.app_pids, args.db_pids
    before = (cpu_ms(app), cpu_ms(db), resource.getrusage(resource.RUSAGE_CHILDREN))
    cmd = [
        "wrk",
        "-t",
        str(args.threads),
        "-c",
        str(args.connections),
        "-d",
        f"{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
        "--",
        *extra,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    keys = ["duration_us", "requests", "connect", "read", "write", "status", "timeout", "p50", "p90", "p99", "max"]
    result = dict(zip(keys, (float(v) for v in line.split()[1:]), strict=True))
    wrk_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    n = max(result["requests"], 1)
    result["app_cpu"] = (cpu_ms(app) - before[0]) / n
    result["db_cpu"] = (cpu_ms(db) - before[1]) / n
    wrk_s = (wrk_usage.ru_utime + wrk_usage.ru_stime) - (before[2].ru_utime + before[2].ru_stime)
    result["wrk_cpu"] = wrk_s * 1000 / n
    return result


def describe(name: str, r: dict[str, float], ok: int | None = None) -> str:
    seconds = r["duration_us"] / 1e6
    rate = (ok if ok is not None else r["requests"]) / seconds
    errors = int(r["connect"] + r["read"] + r["write"] + r["timeout"])
    return (
        f"| {name} | {int(r['requests']):,} | {seconds:.1f} | {rate:,.0f} | {r['p50'] / 1000:.1f} | "
        f"{r['p90'] / 1000:.1f} | {r['p99'] / 1000:.1f} | {r['max'] / 1000:.1f} | {int(r['status'])} | {errors} | "
        f"{r['app_cpu']:.2f} | {r['db_cpu']:.2f} | {r['wrk_cpu']:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Load-test POST /api/v1/attendance/records with gunicorn and wrk.")
    parser.add_argument("--duration", type=int, default=30, help="seconds of each timed wrk run")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of untimed load on the trivial view first")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync, gthread)")
    parser.add_argument("--gunicorn-threads", type=int, default=1, help="threads per worker for gthread")
    parser.add_argument("--officers", type=int, default=100, help="township officers (tokens) to rotate over")
    parser.add_argument("--pairs", type=int, default=300_000, help="distinct cadre-days in the request file")
    parser.add_argument("--port", type=int, default=8741)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.att_settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.db.models.functions import Substr
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from touyan.accounts.models import ApiToken, Role, User
    from touyan.accounts.services import TOKEN_PREFIX, _hash_token
    from touyan.attendance.models import Presence
    from touyan.cadres.models import Person

    if connection.vendor != "postgresql":
        sys.exit("attendance_post needs PostgreSQL; set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        server = cursor.fetchone()[0]
    print(f"database: {connection.settings_dict['NAME']} ({server})")

    # 1. Officers and tokens.
    townships = [
        row["t"]
        for row in Person.objects.annotate(t=Substr("village_id", 1, 9))
        .values("t")
        .annotate(n=Count("id"))
        .order_by("-n", "t")[: args.officers]
    ]
    if not townships:
        sys.exit("no cadres in this database: run bench/monthly_summary.py or bench/gen_cadres.py first")
    tokens: dict[str, str] = {}
    officers: list[User] = []
    for t in townships:
        user, created = User.objects.get_or_create(
            username=f"bench_att_{t}", defaults={"role": Role.TOWNSHIP_OFFICER, "region_id": t + "000"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        officers.append(user)
        ApiToken.objects.filter(user=user).delete()
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        ApiToken.objects.create(
            user=user, key_hash=_hash_token(raw), prefix=raw[:10], expires_at=timezone.now() + dt.timedelta(days=1)
        )
        tokens[t] = raw

    # 2. The request file: distinct cadre-days, cadres interleaved; old bench records removed.
    cadres = list(
        Person.objects.annotate(t=Substr("village_id", 1, 9))
        .filter(t__in=townships)
        .order_by("id")
        .values_list("id", "t")
    )
    random.Random(4).shuffle(cadres)
    days_needed = -(-args.pairs // len(cadres))
    last_day = FIRST_DAY + dt.timedelta(days=days_needed - 1)
    if last_day >= timezone.localdate():
        sys.exit(f"{args.pairs} pairs over {len(cadres)} cadres reach {last_day}: ask for fewer --pairs")
    deleted, _detail = Presence.objects.filter(recorded_by__in=officers).delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) attendance_presence")
    requests_file = Path(tempfile.gettempdir()) / f"touyan-att-post-{os.getpid()}.tsv"
    with requests_file.open("w") as f:
        written = 0
        for i in range(days_needed):
            day = (FIRST_DAY + dt.timedelta(days=i)).isoformat()
            for pid, t in cadres:
                if written == args.pairs:
                    break
                f.write(f"{tokens[t]}\t{pid}\t{day}\n")
                written += 1
    print(
        f"{len(officers)} township officers with a token; {len(cadres):,} cadres; {written:,} distinct cadre-days "
        f"{FIRST_DAY}…{last_day}; {deleted:,} rows of earlier runs removed"
    )

    # 3. SQL statements of one POST (and of a repeat), through the whole Django stack.
    probe_pid, probe_t = cadres[0]
    Presence.objects.filter(person_id=probe_pid, date=PROBE_DAY).delete()
    client = Client(headers={"Authorization": f"Bearer {tokens[probe_t]}"})
    body = {"cadre": probe_pid, "date": PROBE_DAY.isoformat(), "channel": "duty_book"}
    client.post("/api/v1/attendance/records", body | {"date": "2023-12-30"}, content_type="application/json")
    for label, status in (("new record", 201), ("repeat (same cadre and day)", 200)):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/api/v1/attendance/records", body, content_type="application/json", headers={"Idempotency-Key": label}
            )
        assert response.status_code == status, (response.status_code, response.content)
        print(f"SQL statements of one POST, {label}: {len(queries.captured_queries)} (HTTP {response.status_code})")
        for q in queries.captured_queries:
            print(f"    {q['sql'][:160]}")
    Presence.objects.filter(person_id=probe_pid, date__in=[PROBE_DAY, dt.date(2023, 12, 30)]).delete()

    # 4. gunicorn and wrk.
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "bench.att_settings", "PYTHONPATH": str(ROOT)}
    server_cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.gunicorn_threads),
        "--bind",
        f"127.0.0.1:{args.port}",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
    ]
    print("server: " + " ".join(server_cmd[1:]))
    gunicorn = subprocess.Popen(server_cmd, env=env)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/bench/trivial", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        done_lua = Path(tempfile.gettempdir()) / f"touyan-att-done-{os.getpid()}.lua"
        done_lua.write_text(LUA.read_text().split("-- request --")[0])
        args.app_pids, args.db_pids = children_of(gunicorn.pid), []
        machine_state("before")
        run_wrk(f"{base}/bench/trivial", done_lua, args, args.warmup, [])

        # Warm the POST path too (requests on the probe's day, several at once so that every worker
        # gets some), so that each worker holds its connection and its backend is counted below.
        def warm(_i: int) -> None:
            request = urllib.request.Request(
                f"{base}/api/v1/attendance/records",
                data=f'{{"cadre": {probe_pid}, "date": "{PROBE_DAY}"}}'.encode(),
                headers={"Authorization": f"Bearer {tokens[probe_t]}", "Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request) as r:
                r.read()

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(warm, range(40 * args.workers)))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
            args.db_pids = [pid for (pid,) in cursor.fetchall()]
        if len(args.db_pids) < args.workers:
            print(f"warning: {len(args.db_pids)} backends for {args.workers} workers: PostgreSQL CPU is undercounted")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM attendance_presence")
            rows_before = cursor.fetchone()[0]
        trivial = run_wrk(f"{base}/bench/trivial", done_lua, args, args.duration, [])
        post = run_wrk(
            f"{base}/api/v1/attendance/records", LUA, args, args.duration, [str(requests_file), str(args.threads)]
        )
        time.sleep(2)  # requests wrk sent last may still be queued in the listen backlog
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM attendance_presence")
            created = cursor.fetchone()[0] - rows_before
        machine_state("after")

        # 5. A repeat changes nothing. (Line 0 is not sent: wrk calls request() once to check the script.)
        repeat_status = []
        for line in requests_file.read_text().splitlines()[1:4]:
            token, cadre_id, day = line.split("\t")
            with urllib.request.urlopen(
                urllib.request.Request(
                    f"{base}/api/v1/attendance/records",
                    data=f'{{"cadre": {cadre_id}, "date": "{day}", "channel": "duty_book"}}'.encode(),
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                        "Idempotency-Key": "repeat",
                    },
                )
            ) as r:
                repeat_status.append(r.status)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM attendance_presence")
            after_repeat = cursor.fetchone()[0] - rows_before
        Presence.objects.filter(person_id=probe_pid, date=PROBE_DAY).delete()
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        requests_file.unlink(missing_ok=True)

    seconds = post["duration_us"] / 1e6
    print()
    print(
        f"wrk -t {args.threads} -c {args.connections} -d {args.duration}s; gunicorn {args.workers} "
        f"{args.worker_class} workers"
    )
    print(
        "| endpoint | requests | s | per s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | socket errors "
        "| CPU ms/req gunicorn | CPU ms/req PostgreSQL | CPU ms/req wrk |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(describe("GET /bench/trivial (trivial view)", trivial))
    print(describe("POST /api/v1/attendance/records", post))
    rate = (post["requests"] - post["status"]) / seconds
    trivial_rate = trivial["requests"] / (trivial["duration_us"] / 1e6)
    print()
    print(
        f"records written: {created:,} (wrk counted {int(post['requests'] - post['status']):,} 2xx responses, "
        f"{rate:,.0f} records/s, in {seconds:.1f} s; rows include requests still queued when wrk stopped); "
        f"ratio to the trivial view: {rate / trivial_rate:.2f} ({trivial_rate:,.0f} req/s)"
    )
    print(f"repeat POSTs of 3 written cadre-days: HTTP {repeat_status}, rows added {after_repeat - created}")
    for name, r in (("trivial view", trivial), ("POST", post)):
        per_request = r["app_cpu"] + r["db_cpu"] + r["wrk_cpu"]
        print(
            f"{name}: {per_request:.2f} CPU ms a request in all → at most {2000 / per_request:,.0f}/s on two "
            f"otherwise idle cores (CPU-bound estimate; {2000 / (r['app_cpu'] + r['db_cpu']):,.0f}/s without wrk)"
        )
    met = rate >= 1000 and post["p99"] / 1000 <= 50
    print(f"target ≥ 1,000 records/s with p99 ≤ 50 ms: {'met' if met else 'NOT met'}")
    if post["requests"] > written:
        print(f"warning: {int(post['requests'])} requests but only {written} distinct pairs: raise --pairs")


if __name__ == "__main__":
    main()
