"""One dashboard block per mechanism (SPEC A8): attendance, assessment, payroll, village affairs.

Each block reads the region's rows with a fixed number of set-based queries (the mechanisms' own
selectors where they exist) and returns aggregates only. Definitions are in each function's
docstring; shares are decimals 0–1 to 4 places, money strings with 2 decimals (`figures`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Sum

from touyan.affairs import figures as affairs_figures
from touyan.affairs import rules as affairs_rules
from touyan.affairs.models import DisclosureItem, Objection
from touyan.affairs.selectors import DueItem, disclosures_due
from touyan.assessment.models import AnnualAssessment, Grade, QuarterlyEvaluation
from touyan.attendance.selectors import SummaryRow, duty_gap_list, monthly_summary
from touyan.cadres.models import PostCode
from touyan.cadres.selectors import current_posts
from touyan.payroll import rules as pay_rules
from touyan.payroll.models import Insurance, Payslip
from touyan.payroll.rules.params import FloorParams
from touyan.payroll.selectors.pages import pay_standard_page
from touyan.policy.selectors import policy_resolve, policy_resolve_many
from touyan.regions import rules as region_rules
from touyan.regions.models import Region

from . import money, share
from .core import code_range, team_posts, villages_of

GRADES = tuple(Grade.values)
# Above this many villages (a large county has ≈600) the alerts centre lists overdue disclosures per
# township (counted set-based, affairs.figures) rather than item by item.
DISCLOSURE_VILLAGE_LIMIT = 600


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


# --- attendance (R-ATT-01, SPEC A4) ------------------------------------------------------------


def attendance_rows(region: Region, month: dt.date) -> list[SummaryRow]:
    return monthly_summary(prefix=region.prefix, year=month.year, month=month.month)


def _compliance(rows: list[SummaryRow], month: dt.date) -> dict[str, Any]:
    short = [r for r in rows if r.result.shortfall_days]
    return {
        "month": month.strftime("%Y-%m"),
        "full_time_cadres": len(rows),
        "met": len(rows) - len(short),
        "short": len(short),
        "compliance_share": share(len(rows) - len(short), len(rows)),
        "shortfall_days": sum(r.result.shortfall_days for r in short),
    }


@dataclass(frozen=True)
class VillageGaps:
    village: str
    name: str
    days: tuple[dt.date, ...]


def duty_gaps_until(region: Region, on: dt.date) -> list[VillageGaps]:
    """R-ATT-01 "每天必须有人值班": each village's days from the 1st of on's month to `on` with fewer
    than `min_on_duty` cadres rostered and present (attendance.duty_gap_list)."""
    villages = list(villages_of(region).order_by("code").values_list("code", "name"))
    if not villages:
        return []
    out = []
    for g in duty_gap_list(prefix=region.prefix, year=on.year, month=on.month, villages=villages):
        days = tuple(d for d, _n in g["gaps"] if d <= on)
        if days:
            out.append(VillageGaps(g["village"], g["name"], days))
    return out


def attendance_block(region: Region, on: dt.date) -> dict[str, Any]:
    """A4 for the month of `on` (so far: presence up to today against the month's requirement) and
    for the month before (closed): full-time cadres in post, `met` (no shortfall), `short`,
    `compliance_share` = met ÷ full-time cadres, `shortfall_days` summed; duty coverage of on's
    month up to `on`: villages with a gap and gap days (village-days)."""
    month = month_start(on)
    last = previous_month(on)
    gaps = duty_gaps_until(region, on)
    return {
        **_compliance(attendance_rows(region, month), month),
        "duty_gap_villages": len(gaps),
        "duty_gap_days": sum(len(g.days) for g in gaps),
        "previous_month": _compliance(attendance_rows(region, last), last),
    }


# --- assessment (R-ASMT-01…03) ---------------------------------------------------------------


def _grades(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    out = dict.fromkeys(GRADES, 0)
    for grade, n in rows:
        out[grade] = out.get(grade, 0) + n
    return out


def latest_quarter(on: dt.date) -> tuple[int, int]:
    """The last quarter that ended before `on`."""
    q = (on.month - 1) // 3  # quarters fully before on's quarter in on's year
    return (on.year, q) if q else (on.year - 1, 4)


def assessment_year(region: Region, on: dt.date) -> int:
    """The latest year ≤ on's year with annual assessments under the region, else on's year − 1."""
    found = AnnualAssessment.objects.filter(code_range(region.prefix), year__lte=on.year).aggregate(y=Max("year"))
    return int(found["y"] or on.year - 1)


def assessment_block(region: Region, on: dt.date) -> dict[str, Any]:
    """Grades: the annual assessments (computed and final) of the latest year ≤ on's year that has
    any (else on's year − 1), and each cadre's latest quarterly version for the last quarter ended
    before `on`; `excellent_share` = 优秀 ÷ assessed."""
    annual = AnnualAssessment.objects.filter(code_range(region.prefix))
    year = assessment_year(region, on)
    counts = _grades(annual.filter(year=year).values_list("grade").annotate(n=Count("pk")).order_by())
    n = sum(counts.values())
    qy, qn = latest_quarter(on)
    seen: set[int] = set()
    quarter = dict.fromkeys(GRADES, 0)
    for pid, grade in (
        QuarterlyEvaluation.objects.filter(code_range(region.prefix), year=qy, quarter=qn)
        .order_by("person_id", "-version")
        .values_list("person_id", "grade")
    ):
        if pid not in seen:
            seen.add(pid)
            quarter[grade] += 1
    return {
        "year": year,
        "assessed": n,
        "grades": counts,
        "excellent_share": share(counts[Grade.EXCELLENT], n),
        "quarter": f"{qy}-Q{qn}",
        "quarter_assessed": len(seen),
        "quarter_grades": quarter,
    }


# --- payroll (R-PAY-01, 02, 07) --------------------------------------------------------------

PAY_POSTS = ("one_shoulder", "PS", "VD", "other")


def pay_post_of(has_ps: bool, has_vd: bool) -> str:
    if has_ps and has_vd:
        return "one_shoulder"
    return "PS" if has_ps else "VD" if has_vd else "other"


def payroll_block(region: Region, on: dt.date) -> dict[str, Any]:
    """Pay of the latest month ≤ on's month with payslips under the region: payslips, total,
    average per payslip; per pay post (one_shoulder = current PS and VD, PS, VD, other) the payslips
    and average monthly total beside the post's annual floor ÷ 12 (R-PAY-02: 42,000 PS/VD, 50,000
    one-shoulder); the pay standard of the region's policy (county and below: the year at 称职 with
    full attendance, floor, and base ≥ base_multiple × the county's income, A6.2) with the posts
    that break a floor; insurance (R-PAY-07): full-time cadres with pension insurance for on's
    year ÷ full-time cadres."""
    slips = Payslip.objects.filter(code_range(region.prefix))
    month = slips.filter(run__month__lte=month_start(on)).aggregate(m=Max("run__month"))["m"]
    policy = policy_resolve(region.code, on)
    floors = FloorParams.of(policy)
    out: dict[str, Any] = {"month": month.strftime("%Y-%m") if month else None}
    in_month = slips.filter(run__month=month) if month else slips.none()
    total = in_month.aggregate(total=Sum("total"), n=Count("pk"))
    out |= {
        "payslips": total["n"],
        "total": money(total["total"] or Decimal(0)),
        "average": money(Decimal(total["total"]) / total["n"]) if total["n"] else None,
    }
    heads = current_posts(on).filter(person=OuterRef("person_id"), village_id=OuterRef("village_id"))
    by_post: dict[str, dict[str, Any]] = {}
    rows = (
        in_month.annotate(has_ps=Exists(heads.filter(post=PostCode.PS)), has_vd=Exists(heads.filter(post=PostCode.VD)))
        .values("has_ps", "has_vd")
        .annotate(n=Count("pk"), total=Sum("total"))
        .order_by()
    )
    for r in rows:
        key = pay_post_of(r["has_ps"], r["has_vd"])
        entry = by_post.setdefault(key, {"n": 0, "total": Decimal(0)})
        entry["n"] += r["n"]
        entry["total"] += r["total"]
    posts = []
    for key in PAY_POSTS:
        e = by_post.get(key, {"n": 0, "total": Decimal(0)})
        floor = floors.of_post(key) if key != "other" else None
        average = e["total"] / e["n"] if e["n"] else None
        posts.append(
            {
                "post": key,
                "payslips": e["n"],
                "average": money(average),
                "annual_floor": money(floor),
                "floor_monthly": money(floor / 12) if floor is not None else None,
            }
        )
    out["posts"] = posts
    out["standard"] = _standard(region, on)
    out["insurance"] = _insurance(region, on)
    return out


def _standard(region: Region, on: dt.date) -> dict[str, Any] | None:
    if region.level not in (region_rules.COUNTY, region_rules.TOWNSHIP, region_rules.VILLAGE):
        return None
    page = pay_standard_page(region=region, year=on.year, today=on)
    rows = [
        {
            "post": code,
            "at_competent": money(r["at_competent"]),
            "floor": money(r["floor"]),
            "floor_base": money(r["floor_base"]),
            "base": money(r["base"]),
            "breach": r["breach"],
        }
        for code, r in zip(pay_rules.POSTS, page["rows"], strict=True)
    ]
    return {
        "year": on.year,
        "income": money(page["income"]),
        "rows": rows,
        "breaches": sum(1 for r in rows if r["breach"]),
    }


def _insurance(region: Region, on: dt.date) -> dict[str, Any]:
    full_time = team_posts(region, on).filter(full_time=True).values("person_id")
    n = full_time.distinct().count()
    insured = (
        Insurance.objects.filter(code_range(region.prefix), year=on.year, pension=True, person_id__in=full_time)
        .values("person_id")
        .distinct()
        .count()
    )
    return {"year": on.year, "full_time_cadres": n, "pension_insured": insured, "pension_share": share(insured, n)}


# --- village affairs (R-OPEN-01…03): affairs.figures, set-based at every level ---------------


@dataclass(frozen=True)
class Disclosures:
    due: int  # (village, catalogue item) pairs whose last closed period must be posted
    missing: list[DueItem]

    @property
    def overdue(self) -> list[DueItem]:
        return [d for d in self.missing if d.overdue]


def disclosure_state(region: Region, on: dt.date) -> Disclosures | None:
    """R-OPEN-01/02 item by item (affairs.disclosures_due), for the alerts of a county or smaller
    (at most DISCLOSURE_VILLAGE_LIMIT villages); None above. The figures use `affairs_block`'s
    set-based count at every level."""
    if villages_of(region).count() > DISCLOSURE_VILLAGE_LIMIT:
        return None
    villages = list(villages_of(region).order_by("code"))
    if not villages:
        return Disclosures(0, [])
    policies = policy_resolve_many([v.code for v in villages], on)
    due = 0
    for v in villages:
        p = policies[v.code]
        for entry in p["disclosure_catalogue"]:
            schedule = affairs_rules.effective_schedule(
                entry.schedule, finance_period=p["finance_period"], party_period=p["party_affairs_period"]
            )
            if affairs_rules.last_closed_period(schedule, on) is not None:
                due += 1
    return Disclosures(due, disclosures_due(villages=villages, policies=policies, today=on))


def overdue_objections(region: Region, on: dt.date) -> Any:
    """R-OPEN-03: objections still open after their reply date."""
    return Objection.objects.filter(
        code_range(region.prefix), state=Objection.State.OPEN, reply_due__lt=on, filed_on__lte=on
    ).order_by("reply_due", "pk")


def affairs_block(region: Region, on: dt.date) -> dict[str, Any]:
    """Disclosure timeliness (R-OPEN-01/02, affairs.figures.timeliness, at every level): `due`
    (village, periodic item) pairs of the last closed periods, `published` of them, `waiting` (not
    yet past the deadline), `overdue` (past the deadline, unpublished), `on_time_share` =
    (due − overdue) ÷ due; items published up to `on`. Objections (R-OPEN-03): filed up to `on`,
    still open, open past the reply date, answered after the reply date."""
    t = affairs_figures.timeliness(region.prefix, on)
    disclosures = {
        "due": t.due,
        "published": t.published,
        "waiting": t.waiting,
        "overdue": t.overdue,
        "on_time_share": share(t.due - t.overdue, t.due),
    }
    published = DisclosureItem.objects.filter(
        code_range(region.prefix), state=DisclosureItem.State.PUBLISHED, published_at__date__lte=on
    ).count()
    objections = Objection.objects.filter(code_range(region.prefix), filed_on__lte=on).aggregate(
        filed=Count("pk"),
        open=Count("pk", filter=Q(state=Objection.State.OPEN)),
        overdue=Count("pk", filter=Q(state=Objection.State.OPEN, reply_due__lt=on)),
        answered_late=Count("pk", filter=Q(state=Objection.State.ANSWERED, replied_at__date__gt=F("reply_due"))),
    )
    return {"disclosures": disclosures, "published_items": published, "objections": objections}
