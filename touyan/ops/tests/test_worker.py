"""The task tests through a real Celery worker on the machine's Redis (issue 21, "a real task queue").

A worker process (`celery -A config worker`, prefork) is started against the test database and a
Redis database of our own (`TOUYAN_TEST_REDIS_URL`, default redis://127.0.0.1:6379/5) on a queue of
its own; the roster import and export and the pay run go through it; a pool process killed in the
middle of an import leaves nothing partial and the task is delivered again (acks_late +
reject_on_worker_lost) and ends done. Without Redis these tests are skipped, visibly.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from conftest import TOWNSHIP_A1
from touyan.core.jobs import job_start, job_upload
from touyan.core.models import Job
from touyan.payroll.tests.test_many import two_counties  # noqa: F401 (two demo counties at Q1's end)
from touyan.payroll.tests.test_services import worked_example  # noqa: F401 (the A6 fixture)

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("TOUYAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:  # no Redis here: skipped, visibly
        pytest.skip(f"Redis does not answer at {REDIS_URL}: the worker tests need it ({exc.__class__.__name__})")


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False)
    return [int(x) for x in out.stdout.split()]


class Worker:
    """A Celery worker subprocess on its own queue; `stop()` ends it (only it)."""

    def __init__(self, concurrency: int = 1) -> None:
        self.queue = f"touyan-test-{uuid.uuid4().hex[:8]}"
        self.log = Path(settings.BASE_DIR) / f".worker-{self.queue}.log"
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "TOUYAN_WORKER_DB": str(connection.settings_dict["NAME"]),
            "CELERY_BROKER_URL": REDIS_URL,
            "TOUYAN_TASK_VISIBILITY_SECONDS": "30",
            "TOUYAN_WORKER_QUEUE": self.queue,
        }
        if connection.vendor == "postgresql":
            env["DATABASE_URL"] = os.environ.get("DATABASE_URL", "")
        cmd = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork", "-c", str(concurrency),
               "-Q", self.queue, "--without-gossip", "--without-mingle", "--without-heartbeat",
               "-l", "INFO"]  # fmt: skip
        self.fh = self.log.open("w")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.fh, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if "ready." in self.log.read_text(errors="replace"):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise AssertionError("the Celery worker did not start:\n" + self.log.read_text(errors="replace")[-3000:])

    def pool(self) -> list[int]:
        return _children(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.fh.close()
        self.log.unlink(missing_ok=True)


def _reset_connections(app: Any) -> None:
    """Forget the app's broker connections (made for another broker URL, or none)."""
    from kombu import pools

    pools.reset()  # kombu's registry of connection pools (it would hand back a closed one)
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def worker(request: pytest.FixtureRequest) -> Iterator[Worker]:
    """A running worker, and this process sending its tasks to it (not running them eagerly)."""
    _redis_or_skip()
    from config.celery import app

    marker = request.node.get_closest_marker("concurrency")
    w = Worker(concurrency=marker.args[0] if marker else 1)
    saved = {k: app.conf.get(k) for k in ("task_always_eager", "broker_url", "task_default_queue")}
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL, task_default_queue=w.queue)
    _reset_connections(app)
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False, TOUYAN_EAGER_BACKGROUND=False):
            yield w
    finally:
        app.conf.update(saved)
        _reset_connections(app)
        w.stop()


def wait_job(job_id: int, seconds: float = 90) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_id)
        if job.finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not end in {seconds} s: {Job.objects.get(pk=job_id).status}")


def _roster(rows: int) -> bytes:
    """A roster of `rows` people (a new birth date for every 999, so the ID numbers stay valid)."""
    from touyan.cadres.tests.test_bulk import make_id
    from touyan.cadres.tests.test_excel import row, xlsx

    return xlsx([
        row(i % 999 + 1, 姓名=f"干部{i}", 身份证号=make_id(i % 999 + 1, birth=f"1985{1 + i // 999:02d}01"),
            手机号=f"139{i:08d}", 专职="否")  # part-time: no quota (R-POS-01) in one village
        for i in range(1, rows + 1)
    ])  # fmt: skip


def test_import_and_export_run_on_the_worker(worker: Worker, personas) -> None:
    from touyan.cadres.models import Person
    from touyan.cadres.tasks import EXPORT, IMPORT, export_roster_task, import_roster_task
    from touyan.core.queue import enqueue

    admin = personas["county_a_admin"]
    job = job_start(actor=admin, kind=IMPORT, region_code=admin.region_id)
    upload = job_upload(job)
    upload.write_bytes(_roster(40))
    enqueue(import_roster_task, job.pk, str(upload))
    done = wait_job(job.pk)
    assert done.status == Job.Status.DONE, done.message
    assert Person.objects.count() == 40 and not upload.exists()
    export = job_start(actor=admin, kind=EXPORT, region_code=admin.region_id)
    enqueue(export_roster_task, export.pk, {"in_office": True})
    done = wait_job(export.pk)
    assert done.status == Job.Status.DONE and done.outcome["rows"] == 40 and done.result_path


def test_the_pay_run_is_calculated_on_the_worker(worker: Worker, personas, worked_example) -> None:  # noqa: F811
    from decimal import Decimal

    from touyan.payroll.models import PayRun
    from touyan.payroll.services import payrun_open
    from touyan.payroll.tasks import CALCULATE, calculate_run_task

    officer = personas["township_a1"]
    run = payrun_open(actor=officer, region_code=TOWNSHIP_A1, month=dt.date(2026, 3, 1))
    job = job_start(actor=officer, kind=CALCULATE, region_code=TOWNSHIP_A1)
    calculate_run_task.delay(run.pk, officer.pk, job.pk)
    done = wait_job(job.pk)
    assert done.status == Job.Status.DONE, done.message
    assert PayRun.objects.get(pk=run.pk).total == Decimal("11379.37")  # SPEC A6's worked example


def test_a_pool_process_killed_mid_import_leaves_nothing_partial_and_the_task_runs_again(
    worker: Worker, personas
) -> None:
    """acks_late + reject_on_worker_lost: SIGKILL of the process running the import; the import was
    one transaction (nothing of it stays), the message is delivered again, and the job ends done
    with every row once."""
    from touyan.cadres.models import Person
    from touyan.cadres.tasks import IMPORT, import_roster_task

    admin = personas["county_a_admin"]
    rows = 4000  # long enough to be killed mid-way (part-time posts import faster)
    job = job_start(actor=admin, kind=IMPORT, region_code=admin.region_id)
    upload = job_upload(job)
    upload.write_bytes(_roster(rows))
    import_roster_task.delay(job.pk, str(upload))
    deadline = time.monotonic() + 60
    while Job.objects.get(pk=job.pk).status != Job.Status.RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # inside the import's transaction
    assert not Job.objects.get(pk=job.pk).finished, "the import ended before it could be killed: make it larger"
    pool = worker.pool()
    assert pool, "no pool process"
    for pid in pool:
        os.kill(pid, signal.SIGKILL)
    assert Person.objects.count() == 0  # nothing partial
    done = wait_job(job.pk, seconds=180)
    assert done.status == Job.Status.DONE, done.message
    assert Person.objects.count() == rows and not upload.exists()
    log = worker.log.read_text(errors="replace")
    assert "signal 9" in log or "WorkerLostError" in log, log[-2000:]  # it was killed, and ran again


@pytest.mark.concurrency(3)
def test_the_national_batch_fans_out_over_worker_processes(worker: Worker, personas, two_counties) -> None:  # noqa: F811
    """The batch as a Celery group over 3 worker processes: the parent job's progress is its parts'
    sum, and the payslips and lines are those of the single pass, to the fen."""
    from touyan.payroll import services
    from touyan.payroll.fanout import FAN_OUT, calculate_runs_fanout_task
    from touyan.payroll.tests.test_many import MARCH, forget_runs, snapshot

    national = personas["national"]
    single = services.payruns_open_and_calculate_many(actor=national, month=MARCH, prefix="5223")
    expected = snapshot()
    forget_runs()
    job = job_start(actor=national, kind=FAN_OUT, region_code="5223")
    calculate_runs_fanout_task.delay(MARCH.isoformat(), "5223", national.pk, job.pk)
    try:
        done = wait_job(job.pk, seconds=180)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{worker.log.read_text(errors='replace')[-4000:]}") from None
    assert done.status == Job.Status.DONE, done.message
    assert snapshot() == expected and done.outcome["payslips"] == single.payslips
    assert len(done.outcome["parts"]) == 2 and done.total > 0 and done.done == done.total
