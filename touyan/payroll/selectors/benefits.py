"""Payroll's benefit reads (R-PAY-07, 08, 10, 12): insurance coverage, the weak-collective-economy
list, the members a reward is shared by, and the departure allowance's inputs and monthly lines.
Each reads in a fixed number of queries and leaves the rules to `payroll.rules`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.cadres import rules as cadre_rules
from touyan.cadres.models import Person, Post
from touyan.core.errors import InvalidInput
from touyan.core.money import to_fen
from touyan.policy.selectors import policy_resolve, policy_resolve_many
from touyan.regions import rules as region_rules
from touyan.regions.models import Region, RegionStat

from ..calculation import code_range
from ..models import DepartureAllowance, Insurance, PayRun
from ..rules import benefits as benefit_rules
from ..rules.departure import DepartureFacts, DeparturePolicy
from ..rules.params import WeakParams
from ..rules.pay import PayPolicy, secretary_base_annual
from . import region_for_officials

if TYPE_CHECKING:
    from touyan.accounts.models import User

ZERO = Decimal(0)
DS = DepartureAllowance.State


# ---------------------------------------------------------------------------
# Insurance (R-PAY-07)
# ---------------------------------------------------------------------------


@dataclass
class CoverageRow:
    person: Person
    posts: list[str]
    insurance: Insurance | None


@dataclass
class CoverageGroup:
    township: Region
    rows: list[CoverageRow] = field(default_factory=list)

    def count(self, attr: str) -> int:
        return sum(1 for r in self.rows if r.insurance is not None and getattr(r.insurance, attr))


def insurance_coverage(*, actor: User, region_code: str, year: int) -> tuple[Region, list[CoverageGroup]]:
    """R-PAY-07: the full-time cadres in office during the year under a region, with their
    enrolment, grouped by township (a fixed number of queries)."""
    region = region_for_officials(actor=actor, code=region_code)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    posts = (
        Post.objects.filter(village__code__startswith=region.prefix, full_time=True, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values_list("person_id", "post")
    )
    held: dict[int, list[str]] = defaultdict(list)
    for pid, code in posts:
        held[pid].append(code)
    people = Person.objects.filter(pk__in=held).select_related("village").order_by("village_id", "id")
    enrolled = {i.person_id: i for i in Insurance.objects.filter(person_id__in=held, year=year)}
    townships = {
        r.code: r
        for r in Region.objects.filter(code__startswith=region.prefix, level=region_rules.TOWNSHIP).order_by("code")
    }
    groups: dict[str, CoverageGroup] = {}
    for person in people:
        code = person.village_id[:9].ljust(region_rules.CODE_LENGTH, "0")
        if code not in townships:
            continue
        group = groups.setdefault(code, CoverageGroup(townships[code]))
        group.rows.append(CoverageRow(person, sorted(held[person.pk]), enrolled.get(person.pk)))
    return region, [groups[c] for c in sorted(groups)]


# ---------------------------------------------------------------------------
# Weak collective economy (R-PAY-12)
# ---------------------------------------------------------------------------


@dataclass
class WeakVillage:
    village: Region
    income: Decimal | None
    previous_income: Decimal | None
    weak: bool
    sharp_fall: bool
    secretaries: list[str]


@dataclass
class WeakTownship:
    township: Region
    villages: list[WeakVillage]
    with_data: int
    weak: int
    share: Decimal
    flagged: bool
    bonus_cut: Decimal


def _incomes(codes: list[str], year: int) -> dict[tuple[str, int], Decimal]:
    stats = RegionStat.objects.filter(region_id__in=codes, year__in=[year, year - 1])
    return {(s.region_id, s.year): s.collective_income or ZERO for s in stats.exclude(collective_income__isnull=True)}


def _secretaries(codes: list[str], day: dt.date) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for village_id, name in (
        Post.objects.filter(village_id__in=codes, post="PS", start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("village_id", "person__name")
    ):
        out[village_id].append(name)
    return out


def weak_villages(*, actor: User, region_code: str, year: int) -> tuple[Region, list[WeakTownship]]:
    """R-PAY-12: villages whose collective income of the year is below weak_income (10,000) are
    weak (软弱涣散 trigger; their current secretary is not to be nominated for the next term);
    a township where weak villages make up ≥ weak_township_share (50 %) of the villages with
    figures has its secretary's bonus cut by weak_bonus_cut (10 %). Villages without a figure are
    listed as missing and left out of the share. Works for a county or a township."""
    region = region_for_officials(actor=actor, code=region_code)
    if region.level not in (region_rules.COUNTY, region_rules.TOWNSHIP):
        raise InvalidInput(errors={"region": _("请选择县或乡镇")})
    villages = list(
        Region.objects.filter(code__startswith=region.prefix, level=region_rules.VILLAGE)
        .select_related("parent")
        .order_by("code")
    )
    codes = [v.code for v in villages]
    income = _incomes(codes, year)
    params = {code: WeakParams.of(p) for code, p in policy_resolve_many(codes, dt.date(year, 12, 31)).items()}
    secretaries = _secretaries(codes, timezone.localdate())
    by_township: dict[str, list[WeakVillage]] = defaultdict(list)
    for v in villages:
        now, before = income.get((v.code, year)), income.get((v.code, year - 1))
        weak = benefit_rules.is_weak(now, params[v.code].weak_income)
        fall = benefit_rules.sharp_fall(now, before)
        by_township[v.parent_id or ""].append(
            WeakVillage(v, now, before, weak, fall, secretaries.get(v.code, []) if weak else [])
        )
    townships = {t.code: t for t in Region.objects.filter(code__in=by_township)}
    out = []
    for code in sorted(by_township):
        rows = by_township[code]
        policy = params[rows[0].village.code]
        with_data, share, flagged = benefit_rules.weak_share(
            [r.income for r in rows], [r.weak for r in rows], policy.weak_township_share
        )
        n_weak = sum(1 for r in rows if r.weak)
        cut = policy.weak_bonus_cut if flagged else ZERO
        out.append(WeakTownship(townships[code], rows, with_data, n_weak, share, flagged, cut))
    return region, out


# ---------------------------------------------------------------------------
# Collective-economy reward (R-PAY-08)
# ---------------------------------------------------------------------------


def reward_eligible(*, village_code: str, year: int, min_months: int, today: dt.date | None = None) -> list[Any]:
    """R-PAY-08: the village's 两委 members in office at the reference day (31 December of the
    year, or today if earlier) who have held a post there for at least `min_months` months."""
    day = min(dt.date(year, 12, 31), today or timezone.localdate())
    posts = (
        Post.objects.filter(village_id=village_code, post__in=benefit_rules.TWO_COMMITTEE_POSTS, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("person")
        .order_by("person_id", "start_date")
    )
    people: dict[int, Person] = {}
    first: dict[int, tuple[dt.date, str]] = {}
    for p in posts:
        people[p.person_id] = p.person
        if p.person_id not in first or p.start_date < first[p.person_id][0]:
            first[p.person_id] = (p.start_date, p.post)
    return [
        {"person": people[pid], "post": post, "months": months, "eligible": eligible}
        for pid, post, months, eligible in benefit_rules.reward_members(first, day, min_months)
    ]


# ---------------------------------------------------------------------------
# Departure allowance (R-PAY-10)
# ---------------------------------------------------------------------------


def secretary_base_for(village_code: str, on: dt.date) -> Decimal:
    """A6.2 for the village's county on a day: the current secretary base (rules.secretary_base_annual)."""
    policy = PayPolicy.from_params(policy_resolve(village_code, on))
    county = village_code[:6].ljust(region_rules.CODE_LENGTH, "0")
    stat = RegionStat.objects.filter(region_id=county, year=on.year - 1).first()
    return secretary_base_annual(policy, stat.rural_income_per_capita if stat else None)


def departure_policy_for(village_code: str, on: dt.date) -> DeparturePolicy:
    """The village's R-PAY-10 parameters on a day, with the current secretary base."""
    return DeparturePolicy.of(policy_resolve(village_code, on), secretary_base_for(village_code, on))


def departure_facts_of(person: Person, **declared: Any) -> DepartureFacts:
    """A former cadre's service (every post held) and standing, with what the applicant declared."""
    posts = list(Post.objects.filter(person=person).order_by("start_date"))
    return DepartureFacts(
        gender=person.gender,
        birth_date=person.birth_date,
        spans=tuple(cadre_rules.Span(p.post, p.start_date, p.end_date) for p in posts),
        end_reasons=tuple(p.end_reason for p in posts if p.end_date),
        **declared,
    )


@dataclass(frozen=True)
class DepartureLine:
    """One former cadre's allowance for a run's month (component "departure")."""

    person_id: int
    village_id: str
    amount: Decimal
    basis: dict[str, Any]


def departure_lines_for_run(run: PayRun) -> list[DepartureLine]:
    """R-PAY-10: the lines approved departure allowances add to a run — one per former cadre
    in the run's region whose allowance has started by the run's month and not stopped."""
    return departure_lines_between(run.month, *code_range(run.region.prefix))


def departure_lines_between(month: dt.date, lo: str, hi: str) -> list[DepartureLine]:
    """departure_lines_for_run for the villages lo…hi (inclusive codes): many runs' in one query."""
    month = month.replace(day=1)
    rows = (
        DepartureAllowance.objects.filter(
            village_id__gte=lo,
            village_id__lte=hi,
            state__in=[DS.APPROVED, DS.STOPPED],  # a stopped one is still paid before its stop month
            start_month__lte=month,
        )
        .filter(Q(stop_month__isnull=True) | Q(stop_month__gt=month))
        .order_by("person_id", "id")
        .values("id", "person_id", "village_id", "monthly_amount", "strategy")
    )
    return [
        DepartureLine(
            person_id=r["person_id"],
            village_id=r["village_id"],
            amount=to_fen(r["monthly_amount"]),
            basis={
                "departure": r["id"],
                "strategy": r["strategy"],
                "monthly": str(r["monthly_amount"]),
                "reason": "离任生活补贴",
            },
        )
        for r in rows
    ]
