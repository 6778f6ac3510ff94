"""The weak-collective-economy list (R-PAY-12) of a county or township."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts.scope import officials_only
from touyan.core.views import web_errors
from touyan.policy.selectors import policy_resolve
from touyan.regions import rules as region_rules

from ..selectors.benefits import weak_villages
from .common import WIDE, pick, region_crumbs, region_of

if TYPE_CHECKING:
    from touyan.accounts.requests import AuthedRequest


@login_required
@web_errors
def weak(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    officials_only(request.user)
    region = region_of(request, code)
    title = _("集体经济薄弱村")
    if region.level in WIDE:
        return pick(request, region, title, "payroll:weak", year)
    if region.level == region_rules.VILLAGE and region.parent_id:
        return redirect("payroll:weak", code=region.parent_id, year=year)
    region, townships = weak_villages(actor=request.user, region_code=region.code, year=year)
    context = {
        "region": region,
        "year": year,
        "years": list(range(timezone.localdate().year, 2019, -1)),
        "townships": townships,
        "policy": policy_resolve(region.code, dt.date(year, 12, 31)),
        "weak_rows": [v for t in townships for v in t.villages if v.weak],
        "flagged": [t for t in townships if t.flagged],
        "missing": sum(len(t.villages) - t.with_data for t in townships),
        "breadcrumbs": region_crumbs(request, title, region),
    }
    return render(request, "payroll/weak.html", context)
