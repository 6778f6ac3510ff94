"""The standard-report task (reports.write_report: an XLSX workbook and a PDF) with its job's progress."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.utils.translation import gettext as _

from touyan.core.errors import DomainError
from touyan.core.jobs import job_dir, job_fail, job_finish, job_progress
from touyan.core.queue import job_attempt

from . import reports
from .figures import access_dashboard_region

log = logging.getLogger(__name__)
REPORT_KIND = "dashboards.report"
REPORT_FILE = "report.xlsx"
REPORT_PDF = "report.pdf"  # beside the workbook, from the same sheets


@shared_task
def standard_report_task(job_id: int, region_code: str, on: str) -> int:
    """Write the region's standard reports for its creator (scope checked again here)."""
    job = job_attempt(job_id)
    if job is None:
        return 0
    job_progress(job, done=0, message=_("正在生成报表…"))
    path = job_dir(job) / REPORT_FILE
    try:
        region = access_dashboard_region(actor=job.created_by, code=region_code)
        n = reports.write_report(
            region,
            dt.date.fromisoformat(on),
            path,
            progress=lambda d, t: job_progress(job, done=d, total=t),
            pdf=path.with_name(REPORT_PDF),
        )
    except DomainError as exc:
        job_fail(job, message=exc.message)
        return 0
    except Exception:
        job_fail(job, message=_("生成失败,请稍后重试或联系管理员"))
        raise
    job_finish(job, result=path, outcome={"sheets": n}, message=_("已生成 %(n)d 张报表") % {"n": n})
    return n
