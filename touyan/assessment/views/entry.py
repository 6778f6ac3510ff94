"""The menu's entries (no code in the address): the page of the current region, or a choice of the
regions under it at the page's level."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.scope import in_scope, require
from touyan.core.views import crumbs, web_errors
from touyan.regions import rules as region_rules
from touyan.regions.current import current_region
from touyan.regions.models import Region

from .. import rules, selectors
from .common import level_label


@dataclass(frozen=True)
class Entry:
    title: str | Promise
    capability: str
    level: str  # the level the page is about


ENTRIES = {
    "periods": Entry(gettext_lazy("考核期"), account_rules.POLICY_WRITE, region_rules.COUNTY),
    "quarterly": Entry(gettext_lazy("季度评价"), account_rules.ASSESS, region_rules.TOWNSHIP),
    "annual": Entry(gettext_lazy("年度考核"), account_rules.ASSESS, region_rules.TOWNSHIP),
    "competency": Entry(gettext_lazy("胜任度测评"), account_rules.ASSESS, region_rules.TOWNSHIP),
    "pledges": Entry(gettext_lazy("承诺与目标"), account_rules.ASSESS, region_rules.TOWNSHIP),
    "pioneer": Entry(gettext_lazy("先锋指数"), account_rules.ASSESS, region_rules.VILLAGE),
    "stars": Entry(gettext_lazy("星级评定"), account_rules.ASSESS, region_rules.TOWNSHIP),
    "distribution": Entry(gettext_lazy("等次分布"), account_rules.POLICY_WRITE, region_rules.COUNTY),
}
# The township's pages that also open for one village (a liaison bound to a village).
VILLAGE_TOO = ("quarterly", "annual", "competency", "pledges")


def page_url(page: str, code: str, today: dt.date) -> str:
    """The page about a region for today: this quarter, this half, this year."""
    args: tuple[Any, ...] = (code, today.year)
    if page == "quarterly":
        args = (code, today.year, rules.quarter_of(today))
    elif page == "competency":
        args = (code, today.year, rules.half_of(today))
    elif page == "periods":
        args = (code,)
    return reverse(f"assessment:{page}", args=args)


def _choices(region: Region, level: str, page: str, today: dt.date) -> dict[str, list[dict[str, str]]]:
    """The regions at `level` under the region, grouped by their parent (at most 800)."""
    groups: dict[str, list[dict[str, str]]] = {}
    for r in selectors.regions_at(region=region, level=level):
        label = r.parent.name if r.parent else ""
        groups.setdefault(label, []).append({"name": r.name, "url": page_url(page, r.code, today)})
    return groups


@login_required
@web_errors
def entry(request: AuthedRequest, page: str) -> HttpResponse:
    """The menu's link: the page for the current region, or a choice of the regions under it."""
    spec = ENTRIES[page]
    require(request.user, spec.capability)
    region = current_region(request)
    if region is None:
        return redirect("regions:switch")
    today = timezone.localdate()
    want = region_rules.LEVELS.index(spec.level)
    have = region_rules.LEVELS.index(region.level)
    if page in ("periods", "distribution") and have <= want:
        return redirect(page_url(page, region.code, today))
    if have >= want:
        code = region_rules.prefix_of(region.code, spec.level).ljust(region_rules.CODE_LENGTH, "0")
        if not in_scope(request.user, code) and page in VILLAGE_TOO:
            code = region.code  # a liaison bound to a village: that village's page
        return redirect(page_url(page, code, today))
    context = {
        "title": spec.title,
        "region": region,
        "groups": _choices(region, spec.level, page, today),
        "level_label": level_label(spec.level),
        "breadcrumbs": crumbs((_("考核评价"), None), (spec.title, None)),
    }
    return render(request, "assessment/choose.html", context)
