"""Load benchmark of villagers' objections over HTTP (issue 19): `POST /api/v1/public/villages/{code}/objections`
at ≥ 1,000 a minute across villages, rate-limited per client, while the village's public page keeps its
server time ≤ 50 ms.

As a deployment runs it: gunicorn (`--workers`, default 2, sync) with the production settings
(bench/public_settings.py: DEBUG off, Redis as the shared cache so the rate limit counts per client across
workers, one trusted proxy hop: each request carries the villager's address in X-Forwarded-For as nginx
would), on the PostgreSQL database `bench/public_page.py setup` filled. Load comes from `--procs` client
processes (default 2), each with `--threads` threads pacing their POSTs so that together they send `--rate`
objections a minute (open loop: a late request does not delay the schedule of the others; `--rate 0` =
closed loop, as fast as the threads go), over the `--villages` villages from distinct client addresses
(each used at most `--per-client` times, below the limit). One reader thread GETs the first village's
page every `--read-every` seconds during the run (its page is re-rendered after each objection on it).

Server time is gunicorn's own (`%(D)s` of its access log, microseconds from request read to response
written), per path; the client's wall time is printed beside it. Each run prints, for the reference, the
CPU reference loop, the load average and the trivial view and the page read alone (no objections) just
before, then the objections a minute that got 201, their server time, the page's server time while they
were written, the 429s (none expected), the objections in the database, and checks that one client past
its limit gets 429 with Retry-After.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h19 .venv/bin/python bench/public_page.py setup
    DATABASE_URL=… flock /tmp/touyan-bench.lock .venv/bin/python bench/public_objections.py --runs 3
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import multiprocessing as mp
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from attendance_post import cpu_reference_ms  # noqa: E402

VILLAGE = "990101001001"
PAGE = f"/public/villages/{VILLAGE}/"


def request(port: int, method: str, path: str, body: bytes | None = None, ip: str = "10.0.0.1") -> tuple[int, float]:
    """One request on a fresh connection (gunicorn's sync workers close each); (status, wall ms)."""
    headers = {"X-Forwarded-For": ip, "X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status, (time.perf_counter() - t0) * 1000
    finally:
        conn.close()


def client_proc(args: dict[str, Any], proc: int, start_at: float, out: Any) -> None:
    """One client process: `threads` threads, each sending every `step` seconds (open loop) or back to back."""
    n_threads, procs, villages = args["threads"], args["procs"], args["villages"]
    total_threads = n_threads * procs
    step = 60.0 * total_threads / args["rate"] if args["rate"] else 0.0
    results: list[tuple[int, float]] = []
    lock = threading.Lock()

    def worker(t: int) -> None:
        me = proc * n_threads + t
        n = 0
        while True:
            due = start_at + (n + me / total_threads) * step if step else time.time()
            if due >= start_at + args["duration"] or time.time() >= start_at + args["duration"]:
                return
            time.sleep(max(due - time.time(), 0))
            i = n * total_threads + me
            village = f"990101001{i % villages + 1:03d}"
            who = args["run"] * 1_000_000 + i // args["per_client"]
            ip = f"10.{who // 65536 % 256}.{who // 256 % 256}.{who % 256}"
            body = json.dumps({"text": f"第{i}条意见:支出明细请再细化"}).encode()
            res = request(args["port"], "POST", f"/api/v1/public/villages/{village}/objections", body, ip)
            with lock:
                results.append(res)
            n += 1

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    out.put(results)


def read_page(port: int, seconds: float, every: float) -> list[float]:
    times, end = [], time.time() + seconds
    while time.time() < end:
        status, ms = request(port, "GET", PAGE, ip="10.255.0.1")
        assert status == 200, status
        times.append(ms)
        time.sleep(every)
    return times


def server_times(log: Path, since: int) -> tuple[dict[str, list[float]], int]:
    """Gunicorn's access-log lines after byte `since`: path → server ms; and the new end."""
    data = log.read_bytes()
    out: dict[str, list[float]] = {}
    for line in data[since:].decode().splitlines():
        method, path, _status, micros = line.split()
        key = "POST objection" if method == "POST" else path.split("?")[0]
        out.setdefault(key, []).append(int(micros) / 1000)
    return out, len(data)


def med(xs: list[float]) -> str:
    if not xs:
        return "—"
    p95 = sorted(xs)[max(int(len(xs) * 0.95) - 1, 0)]
    return f"median {statistics.median(xs):6.1f} ms, p95 {p95:6.1f} ms ({len(xs)})"


def bench_env(redis: str) -> dict[str, str]:
    """The environment production requires, with throwaway secrets (the server and this process)."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.public_settings",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TOUYAN_DATA_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "TOUYAN_INDEX_KEY": secrets.token_urlsafe(40),
        "TOUYAN_CACHE_URL": redis,
        "TOUYAN_TRUSTED_PROXY_HOPS": "1",
    }


def start_server(args: argparse.Namespace, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "--workers", str(args.workers)]
    cmd += ["--bind", f"127.0.0.1:{args.port}", "--access-logfile", str(log), "--log-level", "warning"]
    cmd += ["--access-logformat", "%(m)s %(U)s%(q)s %(s)s %(D)s"]
    server = subprocess.Popen(cmd, env=env, cwd=ROOT)
    for _ in range(100):
        try:
            if request(args.port, "GET", "/bench/trivial")[0] in (200, 403):  # 403: no access row, anonymous
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start")


def one_run(args: argparse.Namespace, run: int, log: Path) -> dict[str, float]:
    from django.core.cache import cache

    from touyan.affairs.models import Objection

    Objection.objects.filter(village__code__startswith="990101").delete()
    cache.clear()  # the bench's own Redis database: rate-limit counters and page versions
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"run {run}: load average {load}; CPU reference loop {cpu_reference_ms():.0f} ms", flush=True)
    _, mark = server_times(log, 0)
    for _ in range(50):
        request(args.port, "GET", "/bench/trivial")
    read_page(args.port, 5, args.read_every)
    ref, mark = server_times(log, mark)
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    params = vars(args) | {"run": run}
    start_at = time.time() + 0.5
    procs = [ctx.Process(target=client_proc, args=(params, p, start_at, queue)) for p in range(args.procs)]
    for p in procs:
        p.start()
    time.sleep(max(start_at - time.time(), 0))
    during_wall = read_page(args.port, args.duration, args.read_every)
    results = [r for _ in procs for r in queue.get()]
    for p in procs:
        p.join()
    got, mark = server_times(log, mark)
    codes = [s for s, _ in results]
    ok = codes.count(201)
    per_min = ok / args.duration * 60
    print(f"  reference: trivial view {med(ref.get('/bench/trivial', []))}; page alone {med(ref.get(PAGE, []))}")
    print(
        f"  objections: {ok} × 201 in {args.duration} s = {per_min:,.0f} a minute "
        f"(429: {codes.count(429)}, other: {len(codes) - ok - codes.count(429)}); in the database "
        f"{Objection.objects.filter(village__code__startswith='990101').count()}"
    )
    print(f"  objection server time {med(got.get('POST objection', []))}; client {med([w for _, w in results])}")
    print(f"  page while written: server {med(got.get(PAGE, []))}; client {med(during_wall)}", flush=True)
    return {
        "per_min": per_min,
        "post": statistics.median(got.get("POST objection", [0])),
        "page": statistics.median(got.get(PAGE, [0])),
        "page_p95": sorted(got.get(PAGE, [0]))[max(int(len(got.get(PAGE, [0])) * 0.95) - 1, 0)],
        "ref_page": statistics.median(ref.get(PAGE, [0])),
        "trivial": statistics.median(ref.get("/bench/trivial", [0])),
    }


def limit_check(args: argparse.Namespace) -> None:
    from django.conf import settings

    limit = int(str(settings.TOUYAN_OBJECTION_RATE).split("/")[0])
    body = json.dumps({"text": "x"}).encode()
    path = f"/api/v1/public/villages/{VILLAGE}/objections"
    codes = [request(args.port, "POST", path, body, "10.254.254.254")[0] for _ in range(limit + 2)]
    print(f"one client past its limit of {limit} (across {args.workers} workers): last codes {codes[-3:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=60, help="seconds of each run")
    parser.add_argument("--rate", type=int, default=1200, help="objections a minute sent (0: closed loop)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--procs", type=int, default=2, help="client processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per client process")
    parser.add_argument("--villages", type=int, default=100)
    parser.add_argument("--per-client", type=int, default=10, help="objections per client address (limit 20)")
    parser.add_argument("--read-every", type=float, default=0.2, help="seconds between page reads")
    parser.add_argument("--port", type=int, default=8119)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    os.environ.update(bench_env(args.redis))
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("public_objections needs PostgreSQL; set DATABASE_URL=postgres://…")
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "access.log"
        log.touch()
        server = start_server(args, log)
        try:
            rows = [one_run(args, run, log) for run in range(1, args.runs + 1)]
            connection.close()
            limit_check(args)
        finally:
            server.terminate()
            server.wait(10)
    print(f"median of {len(rows)} runs (gunicorn {args.workers} workers, {args.procs} client processes):")
    for key in ("per_min", "post", "page", "page_p95", "ref_page", "trivial"):
        print(f"  {key:<9} {statistics.median(r[key] for r in rows):9.1f}")


if __name__ == "__main__":
    main()
