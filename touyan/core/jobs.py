"""Services of `Job` (long work shown with a progress bar): start, progress, finish, fail, and
`access_job`, the one way to fetch a job (only the user who started it sees it).

Progress writes are throttled (the page polls once a second): an UPDATE when the work moved 1 %
and half a second passed, or when a second passed; so at most one per 1 % and two a second.
Inside a long transaction on PostgreSQL (the roster import writes everything in one, R-DATA-03
all-or-nothing) progress is written through a short second connection, so the job page sees it
before the transaction commits; when that cannot be done (SQLite, the row is not committed yet,
or it is locked) it is written in the transaction.

Result files live under `job_root()` (settings.TOUYAN_JOB_ROOT, default MEDIA_ROOT/jobs), one
folder per job; they are served only through the job's download view, never as static media.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import NotFound
from .models import Job

MIN_STEP = 0.01  # 1 % of the work
MIN_SECONDS = 1.0
SIDE_LOCK_TIMEOUT = "200ms"

_written: dict[int, tuple[int, float]] = {}  # job id -> (done, monotonic time) last written
_no_side: set[int] = set()  # jobs whose row the main transaction holds: write progress there


UPLOAD_PREFIX = "upload"  # an upload kept for a job's task: `upload.xlsx` in the job's folder


def job_root() -> Path:
    root = getattr(settings, "TOUYAN_JOB_ROOT", None) or Path(settings.MEDIA_ROOT) / "jobs"
    return Path(root)


def job_dir(job: Job) -> Path:
    """The job's own folder for its upload and result file (created on demand)."""
    folder = job_root() / str(job.pk)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def job_upload(job: Job, suffix: str = ".xlsx") -> Path:
    """Where a job's uploaded file waits for its task; removed when the job ends (job_finish,
    job_fail, the stale-job reaper), whatever happens: an upload may hold plaintext ID numbers."""
    return job_dir(job) / f"{UPLOAD_PREFIX}{suffix}"


def job_uploads_remove(job_id: int) -> int:
    """Delete the job's uploads; returns how many were removed."""
    folder = job_root() / str(job_id)
    removed = 0
    if folder.is_dir():
        for path in folder.glob(f"{UPLOAD_PREFIX}*"):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def job_file(job: Job) -> Path | None:
    """The job's result file, if it has one and it still exists inside the job root."""
    if not job.result_path:
        return None
    root = job_root().resolve()
    path = (root / job.result_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def job_start(*, actor: Any, kind: str, region_code: str = "", total: int = 0, message: str = "") -> Job:
    """Record a piece of long work before it is queued."""
    return Job.objects.create(
        kind=kind,
        created_by=actor if getattr(actor, "pk", None) else None,
        region_code=region_code,
        total=max(total, 0),
        message=message[:500],
    )


def job_progress(job: Job, *, done: int, total: int | None = None, message: str | None = None) -> bool:
    """Note progress; write it when it moved 1 % or a second passed. Returns True if written."""
    first = job.status != Job.Status.RUNNING
    changed_text = message is not None and message[:500] != job.message
    changed_total = total is not None and total != job.total
    job.done = max(done, 0)
    if total is not None:
        job.total = max(total, 0)
    if message is not None:
        job.message = message[:500]
    now = time.monotonic()
    last_done, last_at = _written.get(job.pk, (0, 0.0))
    step = max(1, int(job.total * MIN_STEP)) if job.total else 1
    moved, waited = job.done - last_done, now - last_at
    due = (moved >= step and waited >= MIN_SECONDS / 2) or (moved > 0 and waited >= MIN_SECONDS)
    due = due or bool(job.total and job.done >= job.total and moved > 0)
    if not (first or changed_text or changed_total or due):
        return False
    job.status = Job.Status.RUNNING
    job.started_at = job.started_at or timezone.now()
    values = {
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "started_at": job.started_at,
    }
    if not _write_beside_transaction(job.pk, values):
        Job.objects.filter(pk=job.pk).update(**values)
    _written[job.pk] = (job.done, now)
    return True


def job_finish(
    job: Job, *, outcome: dict[str, Any] | None = None, result: Path | None = None, message: str = ""
) -> Job:
    """The work is done; `result` (a file inside the job's folder) becomes downloadable."""
    job.status = Job.Status.DONE
    if job.total:
        job.done = job.total
    return _close(job, outcome=outcome, result=result, message=message)


def job_fail(job: Job, *, message: str, outcome: dict[str, Any] | None = None, result: Path | None = None) -> Job:
    """The work failed; `message` says why in Chinese (no personal data), `result` may be an error report."""
    job.status = Job.Status.FAILED
    return _close(job, outcome=outcome, result=result, message=message)


def access_job(*, actor: Any, job_id: int, kind: str | None = None) -> Job:
    """A job the actor started, or NotFound (another user's job does not exist for them)."""
    qs = Job.objects.filter(pk=job_id, created_by_id=getattr(actor, "pk", None) or -1)
    if kind is not None:
        qs = qs.filter(kind=kind)
    job = qs.first()
    if job is None or not getattr(actor, "is_authenticated", False):
        raise NotFound(_("未找到该任务"))
    return job


def _close(job: Job, *, outcome: dict[str, Any] | None, result: Path | None, message: str) -> Job:
    job.message = message[:500]
    job.finished_at = timezone.now()
    job.started_at = job.started_at or job.finished_at
    if outcome is not None:
        job.outcome = outcome
    if result is not None:
        job.result_path = Path(result).resolve().relative_to(job_root().resolve()).as_posix()
    job.save(
        update_fields=[
            "status", "done", "total", "message", "outcome", "result_path", "started_at", "finished_at",
        ]
    )  # fmt: skip
    _written.pop(job.pk, None)
    _no_side.discard(job.pk)
    job_uploads_remove(job.pk)
    return job


def _write_beside_transaction(job_id: int, values: dict[str, Any]) -> bool:
    """On PostgreSQL inside a transaction, UPDATE the job through a short-lived second
    connection (autocommit) so others see the progress now. False when not possible."""
    main = connections[DEFAULT_DB_ALIAS]
    if not main.in_atomic_block or main.vendor != "postgresql" or job_id in _no_side:
        return False
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = main.ops.quote_name(Job._meta.db_table)
    sets = ", ".join(f"{main.ops.quote_name(k)} = %s" for k in values if k != "started_at")
    started = main.ops.quote_name("started_at")
    pk = main.ops.quote_name(Job._meta.pk.column or "id")
    try:
        with side.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = '{SIDE_LOCK_TIMEOUT}'")
            cursor.execute(
                f"UPDATE {table} SET {sets}, {started} = COALESCE({started}, %s) WHERE {pk} = %s",  # noqa: S608
                [*(v for k, v in values.items() if k != "started_at"), values["started_at"], job_id],
            )
            return cursor.rowcount == 1  # 0: the job is not committed yet (e.g. inside a test)
    except DatabaseError:  # the main transaction holds the row: stop trying for this job
        _no_side.add(job_id)
        return False
    finally:
        side.close()
