"""Insurance enrolment (R-PAY-07): a county's summary by township, a township's table of its
full-time cadres; a township's whole table is saved in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touyan.accounts import rules as account_rules
from touyan.accounts.scope import officials_only, require
from touyan.core.errors import InvalidInput
from touyan.core.views import web_errors
from touyan.regions import rules as region_rules
from touyan.regions.models import Region

from ..forms import InsuranceForm
from ..models import Insurance
from ..selectors.benefits import insurance_coverage
from ..selectors.pages import coverage_summary
from ..services import Enrolment, insurance_set_many
from .common import INVALID, WIDE, can, pick, region_crumbs, region_of

if TYPE_CHECKING:
    from touyan.accounts.requests import AuthedRequest

TITLE = "保险参保"


def _page(request: AuthedRequest, code: str) -> Region:
    officials_only(request.user)
    return region_of(request, code)


def _save(request: AuthedRequest, region: Region, year: int, rows: list[Enrolment]) -> list[Insurance] | None:
    try:
        return insurance_set_many(actor=request.user, year=year, rows=rows, region_code=region.code)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return None


def _row(post: QueryDict, pk: int) -> Enrolment:
    """A row of the table form: what is ticked for cadre pk."""
    return Enrolment(pk, f"pension_{pk}" in post, f"health_check_{pk}" in post, f"accident_{pk}" in post)


@login_required
@web_errors
def insurance(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    """The coverage page; a POST records one cadre's enrolment (as insurance_save, one row)."""
    region = _page(request, code)
    title = _(TITLE)
    if region.level in WIDE:
        return pick(request, region, title, "payroll:insurance", year)
    if request.method == "POST":
        require(request.user, account_rules.CADRES_WRITE)
        form = InsuranceForm(request.POST)
        if not form.is_valid():
            messages.error(request, INVALID)
        else:
            d = form.cleaned_data
            row = Enrolment(d["cadre"], d["pension"], d["health_check"], d["accident"])
            saved = _save(request, region, year, [row])
            if saved:
                messages.success(
                    request, _("已保存 %(n)s 的 %(y)s 年参保情况") % {"n": saved[0].person.name, "y": year}
                )
            return redirect(f"{reverse('payroll:insurance', args=[region.code, year])}#c{d['cadre']}")
    region, groups = insurance_coverage(actor=request.user, region_code=region.code, year=year)
    summary, total = coverage_summary(groups)
    detail = region.level in (region_rules.TOWNSHIP, region_rules.VILLAGE)
    context = {
        "region": region,
        "year": year,
        "years": list(range(timezone.localdate().year + 1, 2019, -1)),
        "groups": groups if detail else [],
        "summary": summary,
        "detail": detail,
        "can_write": can(request, account_rules.CADRES_WRITE),
        "total": total,
        "breadcrumbs": region_crumbs(request, title, region),
    }
    return render(request, "payroll/insurance.html", context)


@login_required
@require_POST
@web_errors
def insurance_save(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    """R-PAY-07: a township's table of enrolments (`cadre` for each row, `pension_<id>`,
    `health_check_<id>`, `accident_<id>` ticked) in one transaction: all rows or none."""
    region = _page(request, code)
    ids = [int(raw) for raw in request.POST.getlist("cadre") if raw.isdigit()]
    if not ids:
        messages.error(request, INVALID)
    else:
        rows = [_row(request.POST, pk) for pk in ids]
        if _save(request, region, year, rows):
            messages.success(request, _("已保存 %(n)s 人的 %(y)s 年参保情况") % {"n": len(rows), "y": year})
    return redirect("payroll:insurance", code=region.code, year=year)
