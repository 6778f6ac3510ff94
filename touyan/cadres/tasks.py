"""Celery tasks of cadre files: the roster export and import, each run as a Job with a progress bar.

Eager in the default setup (CELERY_TASK_ALWAYS_EAGER); with a broker they run on a worker that
shares MEDIA_ROOT (the job folders) with the web servers.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from celery import shared_task
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from touyan.audit.models import Result
from touyan.audit.services import audit_record
from touyan.core.errors import DomainError, InvalidInput
from touyan.core.jobs import job_dir, job_fail, job_finish, job_progress
from touyan.core.models import Job
from touyan.core.queue import job_attempt

from .excel import RosterInvalid, roster_import, write_error_report
from .export import roster_export
from .selectors import RosterFilters

EXPORT = "cadres.export"
IMPORT = "cadres.import"
SHOWN_ERRORS = 200  # errors kept on the job for the page; all of them are in the report file
EXPORT_FILE = "roster.xlsx"
REPORT_FILE = "errors.xlsx"

log = logging.getLogger(__name__)


@shared_task
def export_roster_task(job_id: int, filters_dict: dict[str, Any]) -> int:
    """Write the filtered roster of the job's creator to the job's folder (R-DATA-05: masked).
    Delivered again after a killed worker (acks_late): it simply writes the file again."""
    job = job_attempt(job_id)
    if job is None:  # ended already (or tried too often): nothing to do
        return 0
    job_progress(job, done=0, message=_("正在导出…"))
    path = job_dir(job) / EXPORT_FILE

    def progress(done: int, total: int) -> None:
        job_progress(job, done=done, total=total)

    try:
        n = roster_export(actor=job.created_by, filters=RosterFilters(**filters_dict), path=path, progress=progress)
    except DomainError as exc:
        job_fail(job, message=exc.message)
        return 0
    except Exception:
        job_fail(job, message=_("导出失败,请稍后重试或联系管理员"))
        raise
    job_finish(job, result=path, outcome={"rows": n}, message=_("已导出 %(n)d 人") % {"n": n})
    return n


class _ImportProgress:
    """Job progress of an import, with the phase in words: reading, checking, writing."""

    PHASES = (
        (1 / 3, gettext_noop("正在读取文件…")),
        (2 / 3, gettext_noop("正在校验…")),
        (1.01, gettext_noop("正在写入…")),
    )

    def __init__(self, job: Job) -> None:
        self.job, self.phase = job, ""

    def __call__(self, done: int, total: int) -> None:
        share = done / total if total else 0
        phase = next(text for limit, text in self.PHASES if share < limit)
        message = _(phase) if phase != self.phase else None
        self.phase = phase
        job_progress(self.job, done=done, total=total, message=message)


@shared_task
def import_roster_task(job_id: int, path: str) -> dict[str, int]:
    """Import an uploaded roster file (all or nothing); on errors keep a row-by-row report.

    The upload holds plaintext ID numbers (R-DATA-03), so it is deleted whatever happens: here, when
    the job ends (core.jobs), or by the stale-job reaper. Delivered again after a killed worker
    (acks_late): the import is one transaction, so the new try starts from nothing written."""
    job = job_attempt(job_id)
    upload = Path(path)
    if job is None:
        upload.unlink(missing_ok=True)
        return {}
    job_progress(job, done=0, message=_("正在读取文件…"))
    try:
        report = roster_import(actor=job.created_by, file=upload, progress=_ImportProgress(job))
    except RosterInvalid as exc:
        errors = exc.rows
        result = write_error_report(errors, job_dir(job) / REPORT_FILE)
        _audit_refused(job, len(errors))
        job_fail(
            job,
            message=exc.message,
            outcome={"error_count": len(errors), "errors": [e.as_dict() for e in errors[:SHOWN_ERRORS]]},
            result=result,
        )
        return {}
    except InvalidInput as exc:
        message = " ".join(m for msgs in exc.errors.values() for m in msgs) or exc.message
        _audit_refused(job, 1)
        job_fail(job, message=message, outcome={"error_count": 1, "errors": []})
        return {}
    except DomainError as exc:
        job_fail(job, message=exc.message)
        return {}
    except Exception:
        job_fail(job, message=_("导入失败,请稍后重试或联系管理员"))
        raise
    finally:
        upload.unlink(missing_ok=True)
    counts = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
    job_finish(
        job,
        outcome=counts,
        message=_("导入完成:新建 %(created)d 人,更新 %(updated)d 人,未变 %(unchanged)d 人") % counts,
    )
    return counts


def _audit_refused(job: Job, errors: int) -> None:
    """A refused import is audited too (who tried, how many errors; never the file's contents)."""
    with transaction.atomic():
        audit_record(
            actor=job.created_by,
            action="cadres.import",
            object_type="core.job",
            object_id=str(job.pk),
            region_code=job.region_code,
            changes={"errors": errors},
            result=Result.FAILED,
        )
