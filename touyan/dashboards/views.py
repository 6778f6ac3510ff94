"""The workbench (工作台): what lies in the current region, at a glance."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.attendance.selectors import township_todo
from touyan.core.views import AuthedRequest, crumbs, web_errors
from touyan.regions import rules as region_rules
from touyan.regions.models import LEVEL_CHOICES, Region, RegionStat
from touyan.regions.selectors import count_descendants, region_roots, visible_path
from touyan.selection.selectors import workbench as selection_workbench

from .navigation import current_region


@login_required
@web_errors
def home(request: AuthedRequest) -> HttpResponse:
    region = current_region(request)
    counts: list[dict[str, object]] = []
    stat = None
    path: list[Region] = []
    if region is not None:
        by_level = count_descendants(region)
        counts = [
            {"level": level, "label": label, "n": by_level[level]}
            for level, label in LEVEL_CHOICES
            if level in by_level
        ]
        stat = RegionStat.objects.filter(region=region).order_by("-year").first()
        path = visible_path(actor=request.user, region=region)
    roots = list(region_roots(actor=request.user)[:50]) if region is None else []
    children = (
        list(Region.objects.filter(parent=region).annotate(n_children=Count("children")).order_by("code"))
        if region is not None
        else []
    )
    user = request.user
    reads_cadres = account_rules.has_capability(user.role, account_rules.CADRES_READ, is_superuser=user.is_superuser)
    todo = (
        township_todo(actor=user, township=region, today=timezone.localdate())
        if region is not None and region.level == region_rules.TOWNSHIP and reads_cadres
        else None
    )
    return render(
        request,
        "dashboards/home.html",
        {
            "region": region,
            "todo": todo,
            "selection": selection_workbench(actor=user),
            "counts": counts,
            "stat": stat,
            "path": path,
            "roots": roots,
            "children": children,
            "breadcrumbs": crumbs((_("工作台"), None)),
        },
    )
