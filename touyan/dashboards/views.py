"""The workbench (工作台): what lies in the current region, at a glance."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.rules import is_village_cadre
from touyan.accounts.scope import assigned_villages
from touyan.attendance.selectors import township_todo
from touyan.core import todos
from touyan.core.views import crumbs, web_errors
from touyan.regions import rules as region_rules
from touyan.regions.current import current_region
from touyan.regions.models import LEVEL_CHOICES, Region, RegionStat
from touyan.regions.selectors import count_descendants, region_children, region_roots, visible_path


def _cadre_home(request: AuthedRequest) -> HttpResponse:
    """A village cadre's home: today's sign-in, this month's attendance, the latest payslip and
    evaluation, leave in progress and what waits for them (a secretary approves leave)."""
    from touyan.assessment.models import AnnualAssessment, QuarterlyEvaluation
    from touyan.attendance.models import LeaveRequest, Presence
    from touyan.attendance.selectors import cadre_month
    from touyan.cadres.selectors import access_cadre
    from touyan.payroll.selectors import payslips_of_self

    user = request.user
    today = timezone.localdate()
    context: dict[str, object] = {"today": today, "breadcrumbs": crumbs((_("工作台"), None))}
    if user.cadre_id is None:
        return render(request, "dashboards/cadre_home.html", context | {"person": None})
    person = access_cadre(actor=user, cadre_id=user.cadre_id)
    month = cadre_month(person_id=person.pk, village_code=person.village_id, year=today.year, month=today.month)
    slips = payslips_of_self(actor=user)
    quarterly = (
        QuarterlyEvaluation.objects.filter(person=person, status=QuarterlyEvaluation.Status.FINAL)
        .order_by("-year", "-quarter", "-version")
        .first()
    )
    annual = (
        AnnualAssessment.objects.filter(person=person, status=AnnualAssessment.Status.FINAL).order_by("-year").first()
    )
    leaves = list(
        LeaveRequest.objects.filter(
            person=person, status__in=(LeaveRequest.Status.SUBMITTED, LeaveRequest.Status.APPROVED)
        ).order_by("start_date")[:5]
    )
    context |= {
        "person": person,
        "record": Presence.objects.filter(person_id=person.pk, date=today).first(),
        "month": month,
        "slip": slips[0] if slips else None,
        "slip_count": len(slips),
        "quarterly": quarterly,
        "annual": annual,
        "leaves": leaves,
        "todos": [t for t in todos.for_user(user, todos.TodoContext(region=None, today=today)) if t.count],
    }
    return render(request, "dashboards/cadre_home.html", context)


@login_required
@web_errors
def home(request: AuthedRequest) -> HttpResponse:
    if is_village_cadre(request.user):
        return _cadre_home(request)
    region = current_region(request)
    counts: list[dict[str, object]] = []
    stat = None
    path: list[Region] = []
    if region is not None:
        by_level = count_descendants(region)
        assigned = assigned_villages(request.user)
        if assigned is not None and region.level == region_rules.TOWNSHIP:  # a liaison's villages
            by_level = {region_rules.VILLAGE: len(assigned)}
        counts = [
            {"level": level, "label": label, "n": by_level[level]}
            for level, label in LEVEL_CHOICES
            if level in by_level
        ]
        stat = RegionStat.objects.filter(region=region).order_by("-year").first()
        path = visible_path(actor=request.user, region=region)
    roots = list(region_roots(actor=request.user)[:50]) if region is None else []
    children = (
        list(region_children(actor=request.user, region=region).annotate(n_children=Count("children")))
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
    waiting = todos.for_user(user, todos.TodoContext(region=region, today=timezone.localdate()))
    return render(
        request,
        "dashboards/home.html",
        {
            "region": region,
            "todo": todo,
            "todos": waiting,
            "todos_waiting": sum(1 for t in waiting if t.count),
            "counts": counts,
            "stat": stat,
            "path": path,
            "roots": roots,
            "children": children,
            "breadcrumbs": crumbs((_("工作台"), None)),
        },
    )
