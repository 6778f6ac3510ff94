"""The data of payroll's pages, as plain values (the views only render them): the pay standard
of a region, a run's progress, village totals and payslip rows, pickers, an object's timeline.
Each reads in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, Model, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts.scope import scope_filter
from touyan.assessment.models import Grade
from touyan.attendance.models import MonthLock
from touyan.audit.models import AuditEvent
from touyan.cadres.models import Person, Post
from touyan.core.errors import InvalidInput, NotFound
from touyan.policy.selectors import policy_resolve
from touyan.regions import rules as region_rules
from touyan.regions.models import Region, RegionStat
from touyan.regions.selectors import access_region

from .. import outputs, rules
from ..models import PayRun
from ..rules.params import FloorParams

if TYPE_CHECKING:
    from touyan.accounts.models import User

S = PayRun.State
ZERO = Decimal(0)


# ---------------------------------------------------------------------------
# The pay standard (R-PAY-01…07)
# ---------------------------------------------------------------------------


def standard_day(year: int, today: dt.date) -> dt.date:
    """The day whose policy a year's standard shows: today for this year, else its last or first day."""
    if year == today.year:
        return today
    return dt.date(year, 12, 31) if year < today.year else dt.date(year, 1, 1)


def pay_standard_page(*, region: Region, year: int, today: dt.date) -> dict[str, Any]:
    """Each post × grade with full attendance for a year (rules.pay_standard), with the floors of
    R-PAY-02 and the county's income of the year before (A6.2)."""
    resolved = policy_resolve(region.code, standard_day(year, today))
    policy = rules.PayPolicy.from_params(resolved)
    county = region.code[:6].ljust(region_rules.CODE_LENGTH, "0")
    stat = RegionStat.objects.filter(region_id=county, year=year - 1).first()
    income = stat.rural_income_per_capita if stat else None
    floors = FloorParams.of(resolved)
    table = rules.pay_standard(policy, {p: floors.of_post(p) for p in rules.POSTS}, income, year)
    grades = list(Grade.choices)
    rows = [
        {
            "post": outputs.POST_LABELS[r.post],
            "standard": r.standard,
            "floor_base": r.floor_base,
            "floor_text": _("收入 %(m)s 倍 %(v)s")
            % {"m": outputs.num(policy.base_multiple), "v": outputs.format_yuan(r.floor_base)},
            "base": r.base,
            "base_from_floor": r.base_from_floor,
            "pension": r.pension,
            "grades": [{"label": label, "perf": r.performance[g], "total": r.totals[g]} for g, label in grades],
            "floor": r.floor,
            "at_competent": r.at_competent,
            "breach": r.breach,
        }
        for r in table
    ]
    return {
        "income": income,
        "income_year": year - 1,
        "policy": policy,
        "resolved": resolved,
        "rows": rows,
        "grades": grades,
        "tiers": [(i + 1, a, a * 12) for i, a in enumerate(policy.tier_amounts)],
        "breaches": [r for r in rows if r["breach"]],
    }


# ---------------------------------------------------------------------------
# A pay run's page (WF-8)
# ---------------------------------------------------------------------------

# Payslip columns of the run page: label, components.
COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("base", "young_cadre")),
    ("performance", ("performance",)),
    ("subsidy", ("allowance", "pension_subsidy")),
)


def run_stages(run: PayRun, stages: tuple[tuple[str, Any], ...]) -> list[dict[str, Any]]:
    """Each stage of WF-8 with whether it is done, the step that reached it (who, when) and how
    many times the run was calculated."""
    steps = list(run.steps.select_related("actor"))
    latest = {s.state: s for s in steps}
    recalcs = sum(1 for s in steps if s.state == S.CALCULATED)
    order = [s for s, _label in stages]
    reached = order.index(run.state)
    out = []
    for i, (state, label) in enumerate(stages):
        step = latest.get(state)
        out.append(
            {
                "label": label,
                "done": i <= reached,
                "current": i == reached,
                "step": step,
                "who": (step.actor.display_name or step.actor.username) if step and step.actor else "",
                "times": recalcs if state == S.CALCULATED and recalcs > 1 else 0,
            }
        )
    return out


def lock_note(run: PayRun) -> str:
    """The attendance lock that WF-8 starts from, in words."""
    locks = MonthLock.objects.filter(region__code__startswith=run.region.prefix, month=run.month)
    if run.region.level != region_rules.TOWNSHIP:
        return _("%(n)s 个乡镇已锁定 %(m)s 考勤") % {"n": locks.count(), "m": run.month.strftime("%Y-%m")}
    lock = locks.select_related("locked_by").first()
    if lock is None:
        return ""
    who = (lock.locked_by.display_name or lock.locked_by.username) if lock.locked_by else ""
    return _("%(m)s 考勤已于 %(t)s 锁定 %(w)s") % {
        "m": run.month.strftime("%Y-%m"),
        "t": timezone.localtime(lock.locked_at).strftime("%Y-%m-%d %H:%M"),
        "w": who,
    }


def run_payslips(*, run: PayRun, village: str, page_number: Any) -> dict[str, Any]:
    """The run's village totals and one page of its payslips, each with its pay columns (COLUMNS)
    and the rest as "other"; a fixed number of queries whatever the page size."""
    villages = list(
        run.payslips.values("village_id", "village__name", "village__parent__name")
        .annotate(n=Count("id"), total=Sum("total"))
        .order_by("village_id")
    )
    slips = (
        run.payslips.select_related("person", "village").prefetch_related("lines").order_by("village_id", "person_id")
    )
    if village:
        slips = slips.filter(village_id=village)
    paginator = Paginator(slips, 50)
    # The count is the village totals' (no second COUNT over the run's payslips).
    paginator.count = sum(v["n"] for v in villages if not village or v["village_id"] == village)  # type: ignore[misc]
    page: Page[Any] = paginator.get_page(page_number)
    known = {c for _k, comps in COLUMNS for c in comps}
    rows = []
    for slip in page:
        totals = outputs.line_totals(list(slip.lines.all()))
        cols = [sum((totals.get(c, ZERO) for c in comps), ZERO) for _k, comps in COLUMNS]
        other = sum((v for k, v in totals.items() if k not in known), ZERO)
        rows.append({"slip": slip, "cols": cols, "other": other})
    return {"villages": villages, "page": page, "rows": rows}


def run_region_choices(*, actor: User) -> list[tuple[str, str]]:
    """The counties and townships a run may be opened for, townships indented."""
    qs = scope_filter(Region.objects.filter(level__in=[region_rules.COUNTY, region_rules.TOWNSHIP]), actor, "code")
    return [
        (c, ("　" if lvl == region_rules.TOWNSHIP else "") + n)
        for c, n, lvl in qs.order_by("code").values_list("code", "name", "level")[:1000]
    ]


# ---------------------------------------------------------------------------
# Pickers and timelines
# ---------------------------------------------------------------------------


def cadre_choices(*, actor: User, village: str, former: bool = False) -> list[tuple[Any, str]]:
    """The people of a village in scope, for step two of a form (former cadres marked)."""
    if not village:
        return []
    try:
        region = access_region(actor=actor, code=village)
    except (NotFound, InvalidInput):
        return []
    if region.level != region_rules.VILLAGE:
        return []
    today = timezone.localdate()
    current = Post.objects.filter(person=OuterRef("pk"), start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    people = Person.objects.filter(village_id=region.code).annotate(in_office=Exists(current)).order_by("name")
    if not former:
        people = people.filter(in_office=True)
    label = _("(已离任)")
    return [("", _("请选择")), *((p.pk, f"{p.name}{'' if p.in_office else label}") for p in people)]


def timeline(obj: Model) -> list[AuditEvent]:
    """The object's audit trail, oldest first (the page's 办理记录)."""
    events = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return list(events.order_by("at", "id")[:50])


def coverage_summary(groups: list[Any]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """R-PAY-07: per township, how many full-time cadres and how many enrolled in each; the total."""
    summary = [
        {
            "township": g.township,
            "n": len(g.rows),
            "pension": g.count("pension"),
            "health_check": g.count("health_check"),
            "accident": g.count("accident"),
        }
        for g in groups
    ]
    total = {k: sum(s[k] for s in summary) for k in ("n", "pension", "health_check", "accident")}
    return summary, total
