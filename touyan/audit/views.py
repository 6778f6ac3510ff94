"""The audit log page, for the auditor role (read-only; there is no edit view): events in words
(`display.py`), filtered by date, account, action and object, and exported as XLSX."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from touyan.accounts.requests import AuthedRequest
from touyan.core.forms import StyledForm
from touyan.core.sheets import xlsx_workbook
from touyan.core.views import crumbs, web_errors

from .actions import labels
from .display import kind_of, rows_of
from .models import AuditEvent
from .selectors import audit_events
from .services import audit_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_MAX = 50_000
OBJECT_TYPES = (
    "accounts.user",
    "cadres.person",
    "cadres.post",
    "attendance.leaverequest",
    "attendance.presence",
    "assessment.period",
    "assessment.quarterlyevaluation",
    "assessment.annualassessment",
    "payroll.payrun",
    "payroll.bankaccount",
    "policy.policydocument",
    "regions.region",
)


def _action_choices() -> list[tuple[str, str]]:
    known = sorted((code, str(label)) for code, label in labels().items() if not code.startswith("test."))
    return [("", str(_("全部操作")))] + [(code, f"{label}") for code, label in known]


class EventFilter(StyledForm):
    start = forms.DateField(label=gettext_lazy("从"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    who = forms.CharField(label=gettext_lazy("账号"), required=False, max_length=150)
    action = forms.CharField(label=gettext_lazy("操作"), required=False, max_length=64)
    object_type = forms.ChoiceField(label=gettext_lazy("对象类别"), required=False)
    object_id = forms.CharField(label=gettext_lazy("对象编号"), required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["object_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("全部对象")), *((t, kind_of(t)) for t in OBJECT_TYPES)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束日期不能早于开始日期"))
        return data


def _filtered(request: AuthedRequest) -> tuple[EventFilter, QuerySet[AuditEvent]]:
    qs = audit_events(actor=request.user)
    form = EventFilter(request.GET or None)
    if not form.is_valid():
        return form, qs.none() if request.GET and form.errors else qs
    d = form.cleaned_data
    tz = timezone.get_current_timezone()
    if d.get("start"):
        qs = qs.filter(at__gte=dt.datetime.combine(d["start"], dt.time.min, tzinfo=tz))
    if d.get("end"):
        qs = qs.filter(at__lt=dt.datetime.combine(d["end"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    if d.get("who"):
        qs = qs.filter(actor_username__icontains=d["who"].strip())
    if d.get("action"):
        qs = qs.filter(action__startswith=d["action"].strip())
    if d.get("object_type"):
        qs = qs.filter(object_type=d["object_type"])
    if d.get("object_id"):
        qs = qs.filter(object_id=d["object_id"].strip())
    return form, qs


@login_required
@web_errors
def events(request: AuthedRequest) -> HttpResponse:
    form, qs = _filtered(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/events.html",
        {
            "form": form,
            "page": page,
            "rows": rows_of(page.object_list),
            "actions": _action_choices(),
            "action": form.data.get("action", "") if form.is_bound else "",
            "query": query.urlencode(),
            "breadcrumbs": crumbs((_("系统设置"), None), (_("审计日志"), None)),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@web_errors
def export(request: AuthedRequest) -> HttpResponse:
    """The filtered events as XLSX (at most 50,000, newest first); the export is audited itself."""
    form, qs = _filtered(request)
    if form.is_bound and form.errors:
        return HttpResponse(_("筛选条件有误,请返回修改"), status=400, content_type="text/plain; charset=utf-8")
    out = io.BytesIO()
    book = xlsx_workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(_("审计日志"))
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    headers = [_("时间"), _("账号"), _("来源地址"), _("操作"), _("对象"), _("变更"), _("事由"), _("结果")]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
    widths = (20, 16, 16, 22, 28, 60, 30, 8)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    written = 0
    batch: list[AuditEvent] = []

    def flush() -> None:
        nonlocal written
        for row in rows_of(batch):
            e = row.event
            changes = ";".join(f"{c.field}:{c.before} → {c.after}" for c in row.changes)
            values = [
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_username or "—",
                e.ip or "",
                row.action,
                row.object_text,
                changes,
                e.reason,
                str(e.get_result_display()),
            ]
            written += 1
            for col, value in enumerate(values):
                sheet.write_string(written, col, str(value))
        batch.clear()

    for event in qs[:EXPORT_MAX].iterator(chunk_size=2000):
        batch.append(event)
        if len(batch) >= 2000:
            flush()
    flush()
    book.close()
    audit_record(
        actor=request.user,
        action="audit.export",
        region_code=request.user.region_id or "",
        changes={"rows": [None, written], "filter": [None, request.GET.urlencode()]},
    )
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    name = _("审计日志 %(d)s.xlsx") % {"d": timezone.localdate().isoformat()}
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
