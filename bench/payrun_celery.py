"""The national pay batch through real Celery workers on Redis (issue 21).

Needs the database of `bench/payrun.py setup` (1,000,000 cadres) in DATABASE_URL and Redis. Starts
`celery -A config worker -c N` (prefork: N worker processes, the default 3) on a queue of its own
and a Redis database of its own (`--redis`, default redis://127.0.0.1:6379/5), sends
`calculate_runs_fanout_task` for the month (one task per province, largest first, a Celery group),
waits for the job to end, and prints the wall time from sending to the job's end, the parts, the
payslips, lines and total, and the sums check of bench/payrun.py. Compare the total with
`bench/payrun.py national-batch` (the single-process path) on the same data; `bench/payrun.py reset`
between the two.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wp_security_bench \\
        flock /tmp/touyan-bench.lock .venv/bin/python bench/payrun_celery.py --workers 3
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def start_worker(workers: int, redis: str, queue: str, log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "CELERY_BROKER_URL": redis,
        "TOUYAN_TASK_QUEUE": queue,
    }
    cmd = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork", "-c", str(workers),
           "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while "ready." not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the worker did not start:\n" + log.read_text(errors="replace")[-3000:])
        time.sleep(0.2)
    return proc


def main() -> None:
    parser = argparse.ArgumentParser(description="National pay batch over Celery workers (issue 21)")
    parser.add_argument("--month", default="2026-03")
    parser.add_argument("--prefix", default="")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args()

    queue = f"touyan-bench-{uuid.uuid4().hex[:8]}"
    os.environ["CELERY_BROKER_URL"] = args.redis
    os.environ["TOUYAN_TASK_QUEUE"] = queue
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.db import connections
    from payrun import bench_user, check_sums, line_count, month_of

    from config.celery import app
    from touyan.core.jobs import job_start
    from touyan.core.models import Job
    from touyan.payroll.fanout import FAN_OUT, calculate_runs_fanout_task
    from touyan.payroll.models import PayRun

    app.conf.update(task_always_eager=False, broker_url=args.redis, task_default_queue=queue)
    month = month_of(args.month)
    user = bench_user()
    job = job_start(actor=user, kind=FAN_OUT, region_code=args.prefix, message="bench")
    connections.close_all()
    log = ROOT / f".bench-worker-{queue}.log"
    worker = start_worker(args.workers, args.redis, queue, log)
    print(f"load average before: {os.getloadavg()}", flush=True)
    try:
        t = time.perf_counter()
        calculate_runs_fanout_task.delay(month.isoformat(), args.prefix, user.pk, job.pk)
        last = -1
        while True:
            row = Job.objects.get(pk=job.pk)
            if row.finished:
                break
            if row.done != last and row.total:
                print(f"  {time.perf_counter() - t:6.1f} s: {row.done:,}/{row.total:,} ({row.percent} %)", flush=True)
                last = row.done
            time.sleep(1)
        wall = time.perf_counter() - t
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    print(f"load average after: {os.getloadavg()}")
    out = row.outcome
    total = sum((x for x in PayRun.objects.filter(month=month).values_list("total", flat=True)), start=0)
    print(f"celery-batch {month:%Y-%m} prefix {args.prefix or '(country)'}: {row.status}, "
          f"{len(out.get('parts', {}))} parts over {args.workers} worker processes, {out.get('runs', 0):,} runs, "
          f"{out.get('payslips', 0):,} payslips, {line_count():,} lines, total ¥{total:,.2f} "
          f"(job: ¥{out.get('total')}) in {wall:.1f} s; progress {row.done:,}/{row.total:,}")  # fmt: skip
    if row.status != "done":
        print(row.message)
        print(log.read_text(errors="replace")[-3000:])
    log.unlink(missing_ok=True)
    check_sums(month)


if __name__ == "__main__":
    main()
