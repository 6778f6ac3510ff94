"""The county's assessment periods (WF-5): open one; publicise (the appeal window), finalize, or
reopen scoring on appeal — the buttons are PERIOD_FLOW's steps the user may take."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.scope import require
from touyan.core.views import web_errors
from touyan.regions import rules as region_rules
from touyan.regions.models import Region

from .. import rules, selectors, services
from ..forms import PeriodOpenForm
from .common import (
    FORM_ERRORS,
    HIGHER,
    action_view,
    apply_errors,
    back,
    dispatch,
    first_error,
    head,
    page_region,
    positive_int,
)


def _county(request: AuthedRequest, code: str) -> Region:
    require(request.user, account_rules.POLICY_WRITE)
    return page_region(request.user, code)


def _render(request: AuthedRequest, region: Region, form: PeriodOpenForm) -> HttpResponse:
    today = timezone.localdate()
    appeal_days = selectors.assessment_policy(region.code).appeal_days
    return render(
        request,
        "assessment/periods.html",
        {
            "region": region,
            "rows": selectors.period_rows(actor=request.user, region=region, today=today),
            "form": form,
            "appeal_days": appeal_days,
            "appeal_until": today + dt.timedelta(days=appeal_days),
            "breadcrumbs": head(region, _("考核期")),
        },
    )


@login_required
@web_errors
def periods(request: AuthedRequest, code: str) -> HttpResponse:
    """WF-5: the periods a county opened for its townships, and the form to open one."""
    region = _county(request, code)
    if (elsewhere := _below_county(region)) is not None:
        return elsewhere
    if request.method == "POST":
        url = reverse("assessment:periods", args=(region.code,))
        return dispatch(request, {"open": _open, "advance": _advance, "exempt": _exempt}, url, region)
    today = timezone.localdate()
    form = PeriodOpenForm(initial={"year": today.year, "which": f"quarter-{rules.quarter_of(today)}"})
    return _render(request, region, form)


def _below_county(region: Region) -> HttpResponse | None:
    """Periods belong to a county or higher: below it, the county's page (nothing is done)."""
    if region.level in HIGHER:
        return None
    county = region_rules.prefix_of(region.code, region_rules.COUNTY).ljust(region_rules.CODE_LENGTH, "0")
    return redirect("assessment:periods", code=county)


def _open(request: AuthedRequest, region: Region) -> HttpResponse:
    """Open a period (WF-5)."""
    if (elsewhere := _below_county(region)) is not None:
        return elsewhere
    form = PeriodOpenForm(request.POST)
    if form.is_valid():
        kind, number = form.kind_number()
        try:
            year = form.cleaned_data["year"]
            services.period_open(actor=request.user, region_code=region.code, kind=kind, year=year, number=number)
        except FORM_ERRORS as exc:
            apply_errors(form, exc, {"number": "which", "kind": "which"})
        else:
            messages.success(request, _("已开启考核期"))
            return back(request, reverse("assessment:periods", args=(region.code,)))
    return _render(request, region, form)


def _advance(request: AuthedRequest, region: Region) -> HttpResponse:
    """One step of a period of this region: `period` and the state it moves `to`."""
    if (elsewhere := _below_county(region)) is not None:
        return elsewhere
    period = selectors.access_period(
        actor=request.user, period_id=positive_int(request.POST.get("period")) or 0, region_code=region.code
    )
    try:
        services.period_advance(actor=request.user, period_id=period.pk, to=request.POST.get("to", ""))
    except FORM_ERRORS as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, _("考核期状态已更新"))
    return back(request, reverse("assessment:periods", args=(region.code,)))


def _exempt(request: AuthedRequest, region: Region) -> HttpResponse:
    """List an unscored in-post cadre as an exception of a quarter, with a reason (WF-5)."""
    if (elsewhere := _below_county(region)) is not None:
        return elsewhere
    period = selectors.access_period(
        actor=request.user, period_id=positive_int(request.POST.get("period")) or 0, region_code=region.code
    )
    try:
        services.period_exempt(
            actor=request.user,
            period_id=period.pk,
            cadre_id=positive_int(request.POST.get("cadre")) or 0,
            reason=request.POST.get("reason", ""),
        )
    except FORM_ERRORS as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, _("已列为本期例外"))
    return back(request, reverse("assessment:periods", args=(region.code,)))


period_open = action_view("period_open", _open, _county)
period_exempt = action_view("period_exempt", _exempt, _county)
period_advance = action_view("period_advance", _advance, _county)
