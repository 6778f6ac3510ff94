"""Standard reports (统计报表): start the task from the cockpit, follow its progress, download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touyan.accounts.requests import AuthedRequest
from touyan.audit.services import audit_record
from touyan.core.errors import NotFound
from touyan.core.jobs import access_job, job_file, job_start
from touyan.core.models import Job
from touyan.core.queue import enqueue
from touyan.core.views import web_errors

from . import reports
from .actions import DashboardsAction
from .figures import access_dashboard_region
from .tasks import REPORT_KIND, REPORT_PDF, standard_report_task
from .views_structure import XLSX, _day

PDF = "application/pdf"


@login_required
@web_errors
@require_POST
def report_start(request: AuthedRequest, code: str) -> HttpResponse:
    """Queue the region's standard reports for the day shown (audited), then show the job."""
    region = access_dashboard_region(actor=request.user, code=code)
    _form, on = _day(request)
    day = on or timezone.localdate()
    job = job_start(actor=request.user, kind=REPORT_KIND, region_code=region.code, message=_("排队中…"))
    audit_record(
        actor=request.user,
        action=DashboardsAction.REPORT_START,
        obj=job,
        region_code=region.code,
        changes={"on": [None, day.isoformat()]},
    )
    enqueue(standard_report_task, job.pk, region.code, day.isoformat())
    return redirect("report_job", job_id=job.pk)


def _context(job: Job) -> dict[str, object]:
    return {"job": job, "reports": reports.registered(), "cockpit_url": reverse("cockpit", args=[job.region_code])}


@login_required
@web_errors
def report_job(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = access_job(actor=request.user, job_id=job_id, kind=REPORT_KIND)
    crumbs = [{"label": _("统计分析"), "url": None}, {"label": _("统计报表"), "url": None}]
    return render(request, "dashboards/report_job.html", _context(job) | {"breadcrumbs": crumbs})


@login_required
@web_errors
def report_status(request: AuthedRequest, job_id: int) -> HttpResponse:
    """The progress partial the job page polls (htmx, every second while the job runs)."""
    job = access_job(actor=request.user, job_id=job_id, kind=REPORT_KIND)
    return render(request, "dashboards/_report_status.html", _context(job))


@login_required
def report_download(request: AuthedRequest, job_id: int) -> FileResponse:
    """The workbook, or with ?format=pdf the PDF: only for the user who started the job; audited."""
    try:
        job = access_job(actor=request.user, job_id=job_id, kind=REPORT_KIND)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    path = job_file(job)
    as_pdf = request.GET.get("format") == "pdf"
    if path is not None and as_pdf:
        path = path.with_name(REPORT_PDF)
    if path is None or not path.is_file():
        raise Http404(_("文件不存在或已被清理"))
    audit_record(
        actor=request.user,
        action=DashboardsAction.REPORT_DOWNLOAD,
        obj=job,
        region_code=job.region_code,
        changes={"format": [None, "pdf" if as_pdf else "xlsx"]},
    )
    stamp = timezone.localtime(job.finished_at or job.created_at).strftime("%Y%m%d-%H%M")
    ext, kind = ("pdf", PDF) if as_pdf else ("xlsx", XLSX)
    name = _("统计报表-%(c)s-%(t)s") % {"c": job.region_code, "t": stamp} + f".{ext}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=kind)
