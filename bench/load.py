"""Loopback load test (issue 21, "Performance"): gunicorn on PostgreSQL with the demo data, loaded by
locust (bench/locustfile.py: 200 simulated users of every role, 3–10 s think time) for 5 minutes.

Steps: with --setup, (re)create the database of DATABASE_URL, `migrate`, `load_demo` (Qianxinan's
regions, ≈8,800 cadres, the demo township's attendance and logins); then bench/load_setup.py (the
township's pay run, calculated); start gunicorn (`--workers`, bench/load_settings.py: the project's
settings with a server-timing middleware, bench/timing.py) on 127.0.0.1:--port; run locust headless;
stop gunicorn. It prints locust's figures per request name and in total (requests, failures, median,
p99, requests/s), the server time per route from the middleware (median, p99), and the load average
and a CPU reference loop before and after (the bench machine is shared).

    .venv/bin/pip install -r requirements/bench.txt -c requirements/constraints.txt   # locust, once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/touyan_load .venv/bin/python bench/load.py --setup
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"


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


def machine() -> str:
    return f"load {os.getloadavg()[0]:.2f}, CPU reference loop {cpu_reference_ms():.0f} ms"


def setup(env: dict[str, str]) -> None:
    url = urlparse(env["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    for sql in (f'drop database if exists "{name}"', f'create database "{name}"'):
        subprocess.run(["psql", admin, "-q", "-c", sql], check=True)
    subprocess.run([str(PY), "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([str(PY), "manage.py", "load_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def wait_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz")


def print_locust(prefix: Path) -> None:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    print("\n| request (locust) | requests | failures | median ms | p99 ms | requests/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        name = r["Name"] if r["Name"].startswith(r["Type"]) else f"{r['Type']} {r['Name']}"
        name = "**total**" if r["Name"] == "Aggregated" else name
        print(
            f"| {name} | {r['Request Count']} | {r['Failure Count']} | {r['50%']} | {r['99%']} | "
            f"{float(r['Requests/s']):.1f} |"
        )
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(
        f"\nrequests {total['Request Count']}, errors {total['Failure Count']}, "
        f"median {total['50%']} ms, p99 {total['99%']} ms, {float(total['Requests/s']):.1f} requests/s"
    )


def print_server(folder: Path) -> None:
    times: dict[str, list[float]] = defaultdict(list)
    bad: dict[str, int] = defaultdict(int)
    for path in folder.glob("timing-*.tsv"):
        for line in path.read_text(encoding="utf-8").splitlines():
            route, status, ms = line.split("\t")
            times[route].append(float(ms))
            bad[route] += int(status) >= 500
    print("\n| route (server time, middleware) | requests | 5xx | median ms | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    for route in sorted(times, key=lambda r: -len(times[r])):
        v = times[route]
        print(f"| {route} | {len(v)} | {bad[route]} | {statistics.median(v):.1f} | {percentile(v, 0.99):.1f} |")


def run(args: argparse.Namespace, env: dict[str, str], out: Path) -> None:
    sessions = out / "sessions.json"
    setup_cmd = [str(PY), "bench/load_setup.py", "--sessions", str(sessions)]
    run_id = subprocess.run(setup_cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.split()[-1]
    for old in out.glob("timing-*.tsv"):
        old.unlink()
    server_env = env | {
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "TOUYAN_REQUIRE_2FA_ROLES": "",
        "TOUYAN_TIMING_DIR": str(out),
        "PYTHONPATH": str(ROOT),
    }
    gunicorn = [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "-w", str(args.workers)]
    gunicorn += ["-b", f"127.0.0.1:{args.port}", "--access-logfile", "/dev/null", "--timeout", "60"]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=server_env)
    try:
        wait_up(args.port)
        print(f"gunicorn: {args.workers} workers on 127.0.0.1:{args.port}; pay run {run_id}; {machine()}")
        locust = [args.locust, "-f", "bench/locustfile.py", "--headless", "-u", str(args.users)]
        locust += ["-r", str(args.spawn_rate), "--run-time", args.run_time, "--host", f"http://127.0.0.1:{args.port}"]
        locust += ["--csv", str(out / "load"), "--only-summary", "--stop-timeout", "10"]
        locust_env = env | {"TOUYAN_LOAD_RUN": run_id, "TOUYAN_LOAD_SESSIONS": str(sessions)}
        subprocess.run(locust, cwd=ROOT, env=locust_env, check=False)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"after: {machine()}")
    print_locust(out / "load")
    print_server(out)


def main() -> None:
    parser = argparse.ArgumentParser(description="Load test: gunicorn on PostgreSQL, locust headless.")
    parser.add_argument("--setup", action="store_true", help="recreate the database with the demo data first")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--run-time", default="5m")
    parser.add_argument("--locust", default=shutil.which("locust") or str(ROOT / ".venv" / "bin" / "locust"))
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = parser.parse_args()
    env = dict(os.environ)
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database")
    if not Path(args.locust).exists():
        raise SystemExit(
            f"no locust at {args.locust}: pip install -r requirements/bench.txt -c requirements/constraints.txt"
        )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"before: {machine()}")
    if args.setup:
        setup(env)
    run(args, env, out)


if __name__ == "__main__":
    main()
