"""Handing long work to the task queue (Celery), and a task's first step on its job.

- `enqueue(task, *args)`: with a broker (`CELERY_BROKER_URL` set) the task goes to a worker. In the
  default setup (no broker) it runs in this process: in a background thread when
  `TOUYAN_EAGER_BACKGROUND` is on (the demo, a server without workers: the request answers at once
  and the job page shows the progress, issue 21 finding 5), inline otherwise (the tests).
- `job_attempt(job_id)`: tasks run with `acks_late` and `reject_on_worker_lost` (settings), so a
  task whose worker was killed is delivered again. Its job then says `running` from the first try;
  this counts the tries on the job, skips a job that has already ended (done, failed, or failed by
  the stale-job reaper) and fails one tried `TOUYAN_TASK_MAX_ATTEMPTS` times, so a job is never
  stuck and never loops.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery.signals import task_postrun
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.translation import gettext as _

from .jobs import job_fail
from .models import Job

log = logging.getLogger(__name__)


def _run_in_thread(task: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    def run() -> None:
        try:
            task.apply(args=args, kwargs=kwargs, throw=False)
        except Exception:  # the task marks its job failed; nothing may escape a thread
            log.exception("background task %s failed", getattr(task, "name", task))
        finally:
            connections.close_all()

    threading.Thread(target=run, name=f"touyan-{getattr(task, 'name', 'task')}", daemon=True).start()


def enqueue(task: Any, *args: Any, **kwargs: Any) -> None:
    """Queue `task(*args, **kwargs)` (after the current transaction commits)."""
    if settings.CELERY_TASK_ALWAYS_EAGER and getattr(settings, "TOUYAN_EAGER_BACKGROUND", False):
        transaction.on_commit(lambda: _run_in_thread(task, args, kwargs))
        return
    task.delay(*args, **kwargs)


def max_attempts() -> int:
    return max(1, int(getattr(settings, "TOUYAN_TASK_MAX_ATTEMPTS", 3)))


LOCK_CLASS = 52_230  # the first key of the advisory locks that say "a task is working on this job"


def _claim(job_id: int) -> bool:
    """On PostgreSQL, hold a session advisory lock on the job while this process works on it: a second
    delivery of the same task (the broker may deliver a message twice) finds it taken and stops. A
    killed worker's connection closes, which frees the lock for the delivery that retries it. Freed
    after each task (task_postrun below)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return True  # SQLite: one writer at a time anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, job_id])
        return bool(cursor.fetchone()[0])


@task_postrun.connect
def _release_claims(**_kwargs: Any) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql" and connection.connection is not None and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all()")


def job_attempt(job_id: int | None) -> Job | None:
    """The job to work on, with this try counted; None when it must not run (it has ended, another
    delivery of the task is working on it, or this try is one too many — then it is failed here)."""
    if job_id is None:
        return None
    if not _claim(job_id):
        log.warning("job %s: another delivery of its task is running; this one stops", job_id)
        return None
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return None
        attempts = int((job.outcome or {}).get("attempts", 0)) + 1
        job.outcome = {**(job.outcome or {}), "attempts": attempts}
        Job.objects.filter(pk=job.pk).update(outcome=job.outcome)
    if attempts > max_attempts():
        job_fail(job, message=_("任务多次中断,已停止。请稍后重新发起或联系管理员"), outcome={"attempts": attempts})
        return None
    return Job.objects.select_related("created_by").get(pk=job_id)
