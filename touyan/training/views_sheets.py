"""Spreadsheet pages of cadre development: an event's attendance imported from XLSX (besides the
roll call on a phone; all or nothing, with a row report) and the yearly development report (a page
and its XLSX). Thin, as views.py: the selectors decide what a user sees, the services the rest."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from touyan.core.errors import InvalidInput
from touyan.core.views import crumbs, web_errors

from . import selectors
from .forms import RollImportForm
from .rollimport import RollImportInvalid, read_roll_file, roll_import, roll_template
from .views import AuthedRequest, _region, _require_reader, _xlsx, _year
from .yearly import ReportRow, development_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@web_errors
def roll_import_page(request: AuthedRequest, event_id: int) -> HttpResponse:
    """Attendance of an event from a spreadsheet (the organiser): all or nothing, every row's
    problems listed; each row is put on the roll as the phone roll call puts it."""
    event = selectors.access_event(actor=request.user, event_id=event_id, for_write=True)
    form = RollImportForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_roll_file(form.cleaned_data["file"].read())
            result = roll_import(actor=request.user, event_id=event.pk, rows=rows)
        except RollImportInvalid as exc:
            problems = exc.rows
            form.add_error(None, exc.message)
        except InvalidInput as exc:
            for message in exc.field_errors().get("file", []) or [exc.text()]:
                form.add_error("file", message)
        else:
            messages.success(
                request,
                _("已登记 %(n)s 人参训(%(a)s 人原已在名单上)") % {"n": result.added, "a": result.already},
            )
            return redirect("training:event", event_id=event.pk)
    context = {
        "event": event,
        "form": form,
        "problems": problems,
        "breadcrumbs": crumbs(
            (_("培训日历"), reverse("training:calendar")),
            (event.title, reverse("training:event", args=[event.pk])),
            (_("导入点名册"), None),
        ),
    }
    response = render(request, "training/roll_import.html", context, status=422 if problems else 200)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@web_errors
def roll_import_template(request: AuthedRequest, event_id: int) -> HttpResponse:
    event = selectors.access_event(actor=request.user, event_id=event_id, for_write=True)
    response = HttpResponse(roll_template(event.title), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"点名册-{event.title}.xlsx")
    return response


HEADER = (
    gettext_lazy("区域"),
    gettext_lazy("干部"),
    gettext_lazy("参训"),
    gettext_lazy("参训率(%)"),
    gettext_lazy("未达标"),
    gettext_lazy("待交报告/约谈"),
    gettext_lazy("学时合计"),
    gettext_lazy("后备干部"),
    gettext_lazy("书记后备"),
    gettext_lazy("后备未达标村"),
    gettext_lazy("乡土人才"),
    gettext_lazy("乡土人才不足村"),
    gettext_lazy("导师帮带"),
    gettext_lazy("帮带记录"),
    gettext_lazy("挂职"),
)


def _cells(r: ReportRow) -> list[Any]:
    return [
        r.name,
        r.cadres,
        r.trained,
        float(r.trained_share),
        r.short,
        r.pending,
        float(r.hours),
        r.reserves,
        r.secretary_reserves,
        r.villages_short,
        r.local_talents,
        r.talents_short,
        r.mentorships,
        r.mentoring_records,
        r.secondments,
    ]


@login_required
@web_errors
def report(request: AuthedRequest) -> HttpResponse:
    """The yearly development report of a village or township (by village; above: by township)."""
    _require_reader(request)
    region, year = _region(request), _year(request)
    rows, total = development_report(region=region, year=year)
    return render(
        request,
        "training/report.html",
        {
            "region": region,
            "year": year,
            "rows": rows[:500],
            "more": len(rows) > 500,
            "total": total,
            "breadcrumbs": crumbs((_("干部培养"), reverse("training:calendar")), (_("年度培养报告"), None)),
        },
    )


@login_required
@web_errors
def report_xlsx(request: AuthedRequest) -> HttpResponse:
    _require_reader(request)
    region, year = _region(request), _year(request)
    rows, total = development_report(region=region, year=year)
    header = [str(h) for h in HEADER]
    body = [_cells(r) for r in rows] + [[_("合计"), *_cells(total)[1:]]]
    return _xlsx(f"年度培养报告-{region.name}-{year}.xlsx", _("年度培养报告"), header, body)
