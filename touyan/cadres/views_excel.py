"""Pages of the roster import and export: the template, the upload, starting an export, the job
page with its self-refreshing progress bar, and the scoped, audited download of a job's file.

Thin: the work is `roster_import` / `roster_export` run as Celery tasks (touyan.cadres.tasks).
"""

from __future__ import annotations

import dataclasses

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.scope import require
from touyan.audit.services import audit_record
from touyan.core.errors import NotFound
from touyan.core.forms import StyledForm
from touyan.core.jobs import access_job, job_file, job_start, job_upload
from touyan.core.models import Job
from touyan.core.queue import enqueue
from touyan.core.views import crumbs, web_errors
from touyan.regions.selectors import access_region, region_options

from .excel import roster_template
from .forms import RosterFilterForm
from .tasks import EXPORT, IMPORT, export_roster_task, import_roster_task
from .views import _filters as roster_filters

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 50 * 1024 * 1024
KIND_LABELS = {EXPORT: gettext_lazy("导出花名册"), IMPORT: gettext_lazy("导入花名册")}


class ImportForm(StyledForm):
    file = forms.FileField(
        label=gettext_lazy("花名册文件"),
        help_text=gettext_lazy("请使用下载的模板填写,保存为 .xlsx;不超过 50 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 文件(旧版 .xls 请先另存为 .xlsx)"))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件超过 50 MB,请分批导入"))
        return upload


def _roster_url() -> str:
    try:
        return reverse("cadres:roster")
    except NoReverseMatch:
        return "/cadres/"


def _crumbs(label: str) -> list[dict[str, object]]:
    return crumbs((_("干部档案"), None), (_("花名册"), _roster_url()), (label, None))


@login_required
@web_errors
def template_download(request: AuthedRequest) -> HttpResponse:
    """The import template, with the villages of the user's scope and their codes."""
    require(request.user, account_rules.CADRES_WRITE)
    return HttpResponse(
        roster_template(actor=request.user),
        content_type=XLSX,
        headers={"Content-Disposition": content_disposition_header(True, _("干部花名册导入模板.xlsx"))},
    )


@login_required
@web_errors
def import_page(request: AuthedRequest) -> HttpResponse:
    """Upload a filled template; the import runs as a job and its result shows below the form."""
    require(request.user, account_rules.CADRES_WRITE)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        started = job_start(actor=request.user, kind=IMPORT, region_code=request.user.region_id or "")
        path = job_upload(started)
        with path.open("wb") as fh:
            for chunk in form.cleaned_data["file"].chunks():
                fh.write(chunk)
        enqueue(import_roster_task, started.pk, str(path))
        return redirect(f"{reverse('cadres_excel:import')}?job={started.pk}")
    job: Job | None = None
    if (request.GET.get("job") or "").isdigit():
        job = access_job(actor=request.user, job_id=int(request.GET["job"]), kind=IMPORT)
    return render(
        request,
        "cadres/excel/import.html",
        {"form": form, "job": job, "roster_url": _roster_url(), "breadcrumbs": _crumbs(_("导入"))},
    )


@login_required
@web_errors
@require_POST
def export_start(request: AuthedRequest) -> HttpResponse:
    """Start exporting the roster with the filters of the page it was on: its query string, posted
    as the field "query" or left on the form's action URL."""
    require(request.user, account_rules.CADRES_READ)
    query = request.POST.get("query")
    params = QueryDict(query) if query is not None else request.GET
    form = RosterFilterForm(params or None)
    form.fields["region"].choices = region_options(request.user)  # type: ignore[attr-defined]
    if params.get("region"):
        access_region(actor=request.user, code=params["region"])  # outside the scope: 404
    filters = roster_filters(form)
    job = job_start(actor=request.user, kind=EXPORT, region_code=request.user.region_id or "")
    enqueue(export_roster_task, job.pk, dataclasses.asdict(filters))
    return redirect("cadres_excel:job", job_id=job.pk)


def _status_context(job: Job) -> dict[str, object]:
    return {"job": job, "kind_label": KIND_LABELS.get(job.kind, job.kind), "roster_url": _roster_url()}


@login_required
@web_errors
def job_page(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = access_job(actor=request.user, job_id=job_id)
    context = _status_context(job) | {"breadcrumbs": _crumbs(str(KIND_LABELS.get(job.kind, job.kind)))}
    return render(request, "cadres/excel/job.html", context)


@login_required
@web_errors
def job_status(request: AuthedRequest, job_id: int) -> HttpResponse:
    """The progress partial the job page polls (htmx, every second while the job runs)."""
    job = access_job(actor=request.user, job_id=job_id)
    return render(request, "cadres/excel/_job_status.html", _status_context(job))


@login_required
def job_download(request: AuthedRequest, job_id: int) -> FileResponse:
    """The job's file (the export, or an import's error report): only for its creator, audited."""
    try:
        job = access_job(actor=request.user, job_id=job_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    path = job_file(job)
    if path is None:
        raise Http404(_("文件不存在或已被清理"))
    stamp = timezone.localtime(job.finished_at or job.created_at).strftime("%Y%m%d-%H%M")
    name = _("干部花名册-%(t)s.xlsx") if job.kind == EXPORT else _("花名册导入错误报告-%(t)s.xlsx")
    audit_record(
        actor=request.user,
        action=f"{job.kind}.download",
        obj=job,
        region_code=job.region_code,
        changes={"rows": job.outcome.get("rows", job.outcome.get("error_count"))},
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=name % {"t": stamp}, content_type=XLSX)
