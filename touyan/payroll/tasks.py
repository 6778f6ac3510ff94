"""Celery tasks of payroll: calculating a run (WF-8) as a Job with a progress display.

Eager in the default setup (CELERY_TASK_ALWAYS_EAGER); with a broker it runs on a worker.
The calculation itself is one transaction (payrun_calculate): the job shows "正在计算…"
until it commits, then the result or the reason it was refused.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import shared_task
from django.utils.translation import gettext as _

from touyan.accounts.models import User
from touyan.core.errors import DomainError, InvalidInput
from touyan.core.jobs import job_fail, job_finish, job_progress
from touyan.core.models import Job
from touyan.core.money import format_yuan
from touyan.core.queue import job_attempt

from .services import payrun_calculate, payruns_open_and_calculate_many

CALCULATE = "payroll.calculate"
CALCULATE_MANY = "payroll.calculate_many"

log = logging.getLogger(__name__)


def _refused(job: Job | None, exc: DomainError) -> dict[str, Any]:
    """A calculation refused (nothing written): the job fails with the reason."""
    message = exc.text()
    if job is not None:
        if isinstance(exc, InvalidInput):
            job_fail(job, message=(_("未能计算:%(m)s") % {"m": message})[:480], outcome={"errors": exc.errors})
        else:
            job_fail(job, message=message)
    return {"error": message}


def _crashed(job: Job | None) -> None:
    if job is not None:
        job_fail(job, message=_("计算失败,请稍后重试或联系管理员"))


@shared_task
def calculate_run_task(run_id: int, user_id: int, job_id: int | None = None) -> dict[str, Any]:
    """Calculate every payslip of the run as the user who asked (their scope and role apply)."""
    user = User.objects.get(pk=user_id)
    job = job_attempt(job_id) if job_id else None
    if job_id and job is None:  # ended already, or tried too often after killed workers
        return {"skipped": True}
    if job is not None:
        job_progress(job, done=0, total=1, message=_("正在计算…"))
    try:
        run = payrun_calculate(actor=user, run_id=run_id)
    except DomainError as exc:
        return _refused(job, exc)
    except Exception:
        _crashed(job)
        log.exception("payroll calculation failed for run %s", run_id)
        raise
    outcome = {"payslips": run.payslip_count, "total": str(run.total)}
    if job is not None:
        job_finish(
            job,
            outcome=outcome,
            message=_("已计算 %(n)s 人,合计 %(t)s") % {"n": run.payslip_count, "t": format_yuan(run.total)},
        )
    return outcome


@shared_task
def calculate_runs_task(month: str, prefix: str, user_id: int, job_id: int | None = None) -> dict[str, Any]:
    """Open and calculate every county run of the month under the prefix in one pass
    (payruns_open_and_calculate_many), as the user who asked; "YYYY-MM-DD" month. Rerunning it
    after a failure resumes: regions already paid are skipped."""
    user = User.objects.get(pk=user_id)
    job = job_attempt(job_id) if job_id else None
    if job_id and job is None:
        return {"skipped": True}

    def progress(done: int, total: int) -> None:
        if job is not None:
            job_progress(job, done=done, total=total, message=_("正在计算…"))

    try:
        out = payruns_open_and_calculate_many(
            actor=user, month=dt.date.fromisoformat(month), prefix=prefix, progress=progress
        )
    except DomainError as exc:
        return _refused(job, exc)
    except Exception:
        _crashed(job)
        log.exception("payroll batch calculation failed for %s %s", prefix, month)
        raise
    outcome = {
        "runs": out.runs,
        "payslips": out.payslips,
        "lines": out.lines,
        "total": str(out.total),
        "skipped": len(out.skipped),
        "refused": out.refused,
    }
    if job is not None:
        job_finish(
            job,
            outcome=outcome,
            message=_("已计算 %(r)s 个批次 %(n)s 人,合计 %(t)s")
            % {"r": out.runs, "n": out.payslips, "t": format_yuan(out.total)},
        )
    return outcome


# The national batch over Celery workers (a group of per-province tasks), issue 21.
from .fanout import calculate_runs_fanout_task, calculate_runs_part_task  # noqa: E402, F401
