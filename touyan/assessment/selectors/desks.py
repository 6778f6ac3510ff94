"""Page data of the other assessment pages, as plain data: the county's periods (WF-5), the
township's pledge and target desk (WF-6, R-ASMT-06/08), the cadre's own page, pioneer points
(R-PTY-01/02), stars (R-PTY-03) and the grade distribution (R-ASMT-03). Buttons follow the
flows' `can`/`available`, the same answer the services give."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from touyan.accounts.models import User
from touyan.audit.models import AuditEvent
from touyan.cadres.models import Person
from touyan.regions import rules as region_rules
from touyan.regions.models import Region

from .. import rules
from ..flows import PERIOD_FLOW, PLEDGE_FLOW, TARGET_FLOW
from ..models import AnnualAssessment, Period, PioneerEntry, Pledge, StarRating, TargetPlan
from .boards import HALF_LABEL, QUARTER_LABEL, posts_label
from .facts import unscored_members
from .people import Member, QuarterState, assessed_in, is_secretary, members, quarter_states
from .records import assessment_policy
from .stats import GradeCounts, grade_distribution, periods_progress, pioneer_board

# --- periods (WF-5) -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodRow:
    p: Period
    label: str
    progress: tuple[int, int] | None  # (scored, final) of a quarter's cadres
    steps: tuple[str, ...]  # PERIOD_FLOW's steps the actor may take now
    today: dt.date
    unscored: tuple[Any, ...] = ()  # an open quarter's in-post cadres without a score (WF-5)

    @property
    def appeal_open(self) -> bool:
        """WF-5: the appeal window runs until the day before `appeal_until` (the first day to finalize)."""
        return rules.in_appeal_window(self.p.appeal_until, self.today)

    @property
    def notice_last_day(self) -> dt.date | None:
        """While the window runs, its last day (the page's "公示期至 …" in place of 定稿)."""
        if self.p.state != Period.State.PUBLICISED or not self.appeal_open or self.p.appeal_until is None:
            return None
        return self.p.appeal_until - dt.timedelta(days=1)

    @property
    def days_left(self) -> int | None:
        return (self.p.appeal_until - self.today).days if self.p.appeal_until else None


def period_label(p: Period) -> str:
    if p.kind == Period.Kind.QUARTER:
        return _("%(y)s年%(q)s评价") % {"y": p.year, "q": QUARTER_LABEL[p.number]}
    if p.kind == Period.Kind.HALF:
        return _("%(y)s年%(h)s胜任度评价") % {"y": p.year, "h": HALF_LABEL[p.number]}
    return _("%(y)s年度考核") % {"y": p.year}


def period_rows(*, actor: User, region: Region, today: dt.date) -> list[PeriodRow]:
    items = list(Period.objects.filter(region=region).select_related("opened_by").order_by("-year", "kind", "number"))
    quarters = {p.year for p in items if p.kind == Period.Kind.QUARTER}
    progress = periods_progress(prefix=region.prefix, years=quarters)
    return [
        PeriodRow(
            p,
            period_label(p),
            progress.get((p.year, p.number)) if p.kind == Period.Kind.QUARTER else None,
            tuple(t.name for t in PERIOD_FLOW.available(actor, p, {"today": today})),
            today,
            tuple(unscored_members(p)) if p.state == Period.State.OPEN and p.kind == Period.Kind.QUARTER else (),
        )
        for p in items
    ]


# --- pledges and targets: the township's desk (WF-6, R-ASMT-06/08) ---------------------------------------------------


@dataclass(frozen=True)
class DeskRow:
    m: Member
    posts: str
    p: Pledge | None
    t: TargetPlan | None
    secretary: bool
    pledge_steps: frozenset[str]  # PLEDGE_FLOW steps the actor may take now
    target_steps: frozenset[str]

    @property
    def key(self) -> str:
        return self.p.state if self.p else "none"

    @property
    def target_next(self) -> str | None:
        """The target plan's next step without a form (review, publicise, file), by its state."""
        if self.t is None:
            return None
        state = self.t.state
        return next((t.name for t in TARGET_FLOW.transitions if state in t.source and t.name != "assess"), None)

    @property
    def may_target_next(self) -> bool:
        return self.target_next is not None and self.target_next in self.target_steps

    @property
    def target_next_label(self) -> str:
        return str(TARGET_FLOW.get(self.target_next).label) if self.target_next else ""


@dataclass(frozen=True)
class PledgeDesk:
    township: Region
    year: int
    people: list[Member]
    rows: list[DeskRow]  # every cadre of the year; the page filters by state
    pledge_of: dict[int, Pledge]
    plan_of: dict[int, TargetPlan]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.rows:
            out[r.key] = out.get(r.key, 0) + 1
        return out


def pledge_desk(*, actor: User, township: Region, year: int) -> PledgeDesk:
    prefix = township.prefix
    also = assessed_in(Pledge, prefix=prefix, year=year) | assessed_in(TargetPlan, prefix=prefix, year=year)
    people = members(prefix=prefix, first=dt.date(year, 1, 1), last=dt.date(year, 12, 31), also=also)
    ids = [m.person_id for m in people]
    pledge_of = {p.person_id: p for p in Pledge.objects.filter(person_id__in=ids, year=year)}
    plan_of = {t.person_id: t for t in TargetPlan.objects.filter(person_id__in=ids, year=year)}
    rows = []
    for m in people:
        p, t = pledge_of.get(m.person_id), plan_of.get(m.person_id)
        rows.append(
            DeskRow(
                m,
                posts_label(m.posts),
                p,
                t,
                "PS" in m.posts,
                frozenset(s.name for s in PLEDGE_FLOW.available(actor, p)) if p else frozenset(),
                frozenset(s.name for s in TARGET_FLOW.available(actor, t)) if t else frozenset(),
            )
        )
    return PledgeDesk(township, year, people, rows, pledge_of, plan_of)


# --- the cadre's own page (phone) -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MyQuarter:
    q: int
    label: str | Promise
    e: Any  # the final QuarterlyEvaluation, or None


@dataclass(frozen=True)
class MyAssessment:
    person: Person
    year: int
    quarters: list[MyQuarter]
    annual: AnnualAssessment | None
    pledge: Pledge | None
    plan: TargetPlan | None
    secretary: bool
    return_note: str
    policy: rules.AssessmentPolicy
    pledge_steps: frozenset[str]


def pledge_of(*, person_id: int, year: int) -> Pledge | None:
    return Pledge.objects.filter(person_id=person_id, year=year).first()


def drafts_targets(*, person_id: int, year: int, today: dt.date) -> bool:
    """Whether the cadre writes a target plan (R-ASMT-06): the Party secretary, or one who has a plan."""
    return is_secretary(person_id, today) or TargetPlan.objects.filter(person_id=person_id, year=year).exists()


def return_note(pledge: Pledge | None) -> str:
    """The township's latest note when it sent the pledge back (kept in the audit log)."""
    if pledge is None or pledge.state != Pledge.State.DRAFTING:
        return ""
    note = (
        AuditEvent.objects.filter(action=PLEDGE_FLOW.action("return"), object_id=str(pledge.pk))
        .order_by("-at")
        .values_list("reason", flat=True)
        .first()
    )
    return note or ""


def my_assessment(*, actor: User, person: Person, year: int, today: dt.date) -> MyAssessment:
    """A cadre's own results (final ones only), pledge and target plan. No ranking (SPEC A4)."""
    pledge = pledge_of(person_id=person.pk, year=year)
    plan = TargetPlan.objects.filter(person=person, year=year).first()
    states = quarter_states([person.pk], year)
    quarters = [MyQuarter(q, QUARTER_LABEL[q], states.get((person.pk, q), QuarterState()).final) for q in (1, 2, 3, 4)]
    annual = AnnualAssessment.objects.filter(person=person, year=year, status=AnnualAssessment.Status.FINAL).first()
    return MyAssessment(
        person=person,
        year=year,
        quarters=quarters,
        annual=annual,
        pledge=pledge,
        plan=plan,
        secretary=is_secretary(person.pk, today) or plan is not None,
        return_note=return_note(pledge),
        policy=assessment_policy(person.village_id),
        pledge_steps=frozenset(t.name for t in PLEDGE_FLOW.available(actor, pledge)) if pledge else frozenset(),
    )


# --- pioneer points (R-PTY-01/02) and stars (R-PTY-03) --------------------------------------------------------------


@dataclass(frozen=True)
class PioneerRow:
    m: Member
    posts: str
    cells: list[dict[str, Any]]  # per item: {"value", "capped"}
    total: Decimal | None


def pioneer_members(*, village: Region, year: int) -> list[Member]:
    entered = set(
        PioneerEntry.objects.filter(village=village, date__year=year).values_list("person_id", flat=True).distinct()
    )
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return members(prefix=village.code, first=first, last=last, exclude_posts=("FS",), party_only=True, also=entered)


def pioneer_rows(*, village: Region, year: int, people: list[Member]) -> list[PioneerRow]:
    """Each Party member's yearly sums per item, capped ones marked, and the capped total — listed
    by village and post, never ranked (SPEC A4)."""
    board = pioneer_board(village_code=village.code, year=year, caps=rules.PIONEER_CAPS)
    rows = []
    for m in people:
        sums = board.get(m.person_id, {})
        cells = []
        for code in rules.PIONEER_ITEMS:
            value, cap = sums.get(code), rules.PIONEER_CAPS.get(code)
            cells.append({"value": value, "capped": value is not None and cap is not None and value > cap})
        rows.append(PioneerRow(m, posts_label(m.posts), cells, sums.get("total")))
    return rows


def pioneer_recent(*, village: Region, year: int, limit: int = 30) -> list[PioneerEntry]:
    return list(
        PioneerEntry.objects.filter(village=village, date__year=year)
        .select_related("person")
        .order_by("-date", "-id")[:limit]
    )


@dataclass(frozen=True)
class StarRow:
    v: Region
    r: StarRating | None

    @property
    def stars(self) -> str:
        return "★" * self.r.stars + "☆" * (5 - self.r.stars) if self.r else ""


def star_rows(*, township: Region, year: int) -> list[StarRow]:
    villages = list(
        Region.objects.filter(code__startswith=township.prefix, level=region_rules.VILLAGE).order_by("code")
    )
    ratings = {r.village_id: r for r in StarRating.objects.filter(village__in=villages, year=year)}
    return [StarRow(v, ratings.get(v.code)) for v in villages]


# --- the menu's choice of regions ------------------------------------------------------------------------------------


def regions_at(*, region: Region, level: str, limit: int = 800) -> list[Region]:
    """The regions at `level` under the region (with their parents), in code order, at most `limit`."""
    qs = Region.objects.filter(code__startswith=region.prefix, level=level).select_related("parent").order_by("code")
    return list(qs[:limit])


# --- the county's grade distribution (R-ASMT-03) --------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    rows: list[GradeCounts]
    totals: dict[str, int]  # grade → cadres

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    @property
    def over(self) -> list[GradeCounts]:
        return [r for r in self.rows if r.over]


def distribution(*, region: Region, year: int, quarter: int | None) -> Distribution:
    rows = grade_distribution(prefix=region.prefix, year=year, quarter=quarter)
    return Distribution(rows, {g: sum(r.counts[g] for r in rows) for g in rules.GRADES})
