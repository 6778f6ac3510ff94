"""The county's grade distribution (R-ASMT-03): grades per township (stacked bars with the numbers
below) and the check of `excellent_max_share`; townships over it are flagged."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.scope import require
from touyan.core.views import web_errors
from touyan.regions import rules as region_rules

from .. import rules, selectors, status
from ..forms import DistributionForm
from .common import HIGHER, check_year, head, page_region


@login_required
@web_errors
def distribution(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    require(request.user, account_rules.POLICY_WRITE)
    region = page_region(request.user, code, *HIGHER, region_rules.TOWNSHIP)
    check_year(year)
    form = DistributionForm(request.GET or None)
    quarter = form.quarter()
    data = selectors.distribution(region=region, year=year, quarter=quarter)
    chart = {
        "categories": [r.name for r in data.rows],
        "series": [{"name": status.label("grade", g), "data": [r.counts[g] for r in data.rows]} for g in rules.GRADES],
        "flags": [r.over for r in data.rows],
        "unit": _("人"),
    }
    return render(
        request,
        "assessment/distribution.html",
        {
            "region": region,
            "year": year,
            "form": form,
            "quarter": quarter,
            "rows": data.rows,
            "chart": chart,
            "grades": [status.label("grade", g) for g in rules.GRADES],
            "totals": [data.totals[g] for g in rules.GRADES],
            "total": data.total,
            "over": data.over,
            "basis": selectors.QUARTER_LABEL[quarter] if quarter else _("年度考核"),
            "chart_height": max(220, 34 * len(data.rows) + 80),
            "breadcrumbs": head(region, _("等次分布")),
        },
    )
