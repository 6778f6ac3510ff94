"""The pay standard of a region (R-PAY-01…07): each post × grade with full attendance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.scope import officials_only
from touyan.core.views import web_errors

from ..selectors.pages import pay_standard_page
from .common import WIDE, can, pick, region_crumbs, region_of, year_of

if TYPE_CHECKING:
    from touyan.accounts.requests import AuthedRequest


@login_required
@web_errors
def policy_view(request: AuthedRequest, code: str) -> HttpResponse:
    officials_only(request.user)
    region = region_of(request, code)
    title = _("报酬标准")
    if region.level in WIDE:
        return pick(request, region, title, "payroll:policy")
    today = timezone.localdate()
    year = year_of(request.GET.get("year"), today.year)
    context = pay_standard_page(region=region, year=year, today=today) | {
        "region": region,
        "year": year,
        "years": list(range(today.year + 1, today.year - 4, -1)),
        "can_edit": can(request, account_rules.POLICY_WRITE),
        "breadcrumbs": region_crumbs(request, title, region),
    }
    return render(request, "payroll/policy.html", context)
