"""Page data of the township's boards, as plain data for the templates: the quarterly board
(R-ASMT-01), the annual assessment (R-ASMT-02…05) and the competency ballots (R-ASMT-07, WF-7).
Each is a handful of queries whatever the number of cadres; the buttons a row shows are the
flows' answers (`can`), the same the services give."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from touyan.accounts.models import Role, User
from touyan.cadres.models import PostCode
from touyan.regions import rules as region_rules
from touyan.regions.models import Region

from .. import rules
from ..flows import ANNUAL_FLOW, QUARTERLY_FLOW, within_excellent_quota
from ..models import AnnualAssessment, CompetencyEvaluation, Consequence, Period, QuarterlyEvaluation
from .people import Member, MonthPresence, QuarterState, assessed_in, members, quarter_attendance, quarter_states
from .records import assessment_policy, period_for, township_ranking
from .stats import consequences_for

QUARTER_LABEL: dict[int, str | Promise] = {1: _("第一季度"), 2: _("第二季度"), 3: _("第三季度"), 4: _("第四季度")}
HALF_LABEL: dict[int, str | Promise] = {1: _("上半年"), 2: _("下半年")}
QUARTERS = (1, 2, 3, 4)


def posts_label(codes: tuple[str, ...]) -> str:
    return "、".join(str(PostCode(c).label) for c in codes if c in PostCode.values)


def find_member(rows: list[Member], cadre_id: int | None) -> Member | None:
    return next((m for m in rows if m.person_id == cadre_id), None)


# --- the quarterly board (R-ASMT-01) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterRow:
    m: Member
    posts: str
    s: QuarterState
    att: list[MonthPresence]
    present: int
    required: int
    editable: bool  # no score yet, or a draft: the score box shows
    can_finalize: bool

    @property
    def short(self) -> bool:
        return bool(self.att) and self.present < self.required


@dataclass(frozen=True)
class QuarterlyBoard:
    township: Region
    year: int
    quarter: int
    people: list[Member]
    rows: list[QuarterRow]
    drafts: dict[int, Decimal]  # person → the draft's score (the score boxes' initial values)
    months: list[int]
    period: Period | None
    grades: list[tuple[str, int]]  # (grade, cadres)

    @property
    def editable(self) -> list[int]:
        return [r.m.person_id for r in self.rows if r.editable]

    @property
    def scored(self) -> int:
        return sum(n for _g, n in self.grades)

    @property
    def final(self) -> int:
        return sum(1 for r in self.rows if r.s.is_final)

    @property
    def missing(self) -> int:
        return len(self.rows) - self.scored

    @property
    def draft_count(self) -> int:
        return self.scored - self.final

    @property
    def quarter_label(self) -> str | Promise:
        return QUARTER_LABEL[self.quarter]


def quarterly_board(*, actor: User, township: Region, year: int, quarter: int, today: dt.date) -> QuarterlyBoard:
    """R-ASMT-01 (S0): every full-time cadre of the township (or of one village), the quarter's
    attendance beside the score, the state of each quarter."""
    prefix = township.prefix
    first, last = rules.quarter_span(year, quarter)
    also = assessed_in(QuarterlyEvaluation, prefix=prefix, year=year, quarter=quarter)
    people = members(prefix=prefix, first=first, last=last, full_time=True, also=also)
    states = quarter_states([m.person_id for m in people], year, [quarter])
    attendance = quarter_attendance(prefix=prefix, year=year, quarter=quarter, today=today)
    counts = dict.fromkeys(rules.GRADES, 0)
    rows, drafts = [], {}
    for m in people:
        s = states.get((m.person_id, quarter), QuarterState())
        att = attendance.get(m.person_id, [])
        if s.current is not None:
            counts[s.current.grade] += 1
            if s.is_draft:
                drafts[m.person_id] = s.current.score
        can = s.current is not None and QUARTERLY_FLOW.can(actor, s.current, "finalize")
        editable = s.current is None or s.is_draft
        present, required = sum(a.present for a in att), sum(a.required for a in att)
        rows.append(QuarterRow(m, posts_label(m.posts), s, att, present, required, editable, can))
    months = [mo for mo in rules.QUARTER_MONTHS[quarter] if dt.date(year, mo, 1) <= today]
    period = period_for(township.code, kind=Period.Kind.QUARTER, year=year, number=quarter)
    grades = [(g, counts[g]) for g in rules.GRADES]
    return QuarterlyBoard(township, year, quarter, people, rows, drafts, months, period, grades)


# --- the annual assessment (R-ASMT-02…05) ---------------------------------------------------------------------------


def annual_members(*, township: Region, year: int) -> list[Member]:
    also = assessed_in(AnnualAssessment, prefix=township.prefix, year=year)
    return members(
        prefix=township.prefix, first=dt.date(year, 1, 1), last=dt.date(year, 12, 31), full_time=True, also=also
    )


@dataclass(frozen=True)
class AnnualRow:
    m: Member
    posts: str
    quarters: list[QuarterState]
    a: AnnualAssessment | None
    selected: bool

    @property
    def ready(self) -> bool:
        return all(s.is_final for s in self.quarters)


@dataclass(frozen=True)
class AnnualDetail:
    m: Member
    posts: str
    quarters: list[tuple[str | Promise, QuarterState]]
    missing: str  # the quarters not final yet, in words
    first_missing: int
    a: AnnualAssessment | None
    explain: list[str]
    can_finalize: bool
    initial: dict[str, Any]  # the tally form's values
    quota_refusal: str = ""  # R-ASMT-03: why the ordinary 定稿 is refused (over the 优秀 quota)
    can_exception: bool = False  # the county may finalize it as an exception, with a reason


@dataclass(frozen=True)
class RankRow:
    rank: int
    m: Member | None
    total: Decimal
    grade: str


@dataclass(frozen=True)
class AnnualBoard:
    township: Region
    year: int
    rows: list[AnnualRow]
    detail: AnnualDetail | None
    sees_ranking: bool
    ranking: list[RankRow]
    consequences: list[Consequence]

    @property
    def open_consequences(self) -> int:
        return sum(1 for c in self.consequences if c.done_at is None)


def sees_ranking(user: User) -> bool:
    """Rankings within a township are for the township Party committee and the organisation
    department only (SPEC A4): not liaisons' working lists, never cadres or the public."""
    return bool(user.is_superuser or user.role in (Role.ADMIN, Role.TOWNSHIP_OFFICER))


def _tally_initial(a: AnnualAssessment) -> dict[str, Any]:
    initial: dict[str, Any] = {"bonus": a.bonus, "penalty": a.penalty, "target_adjustment": a.target_adjustment}
    for t in a.tallies.all():
        initial |= {
            f"{t.group}-excellent": t.excellent,
            f"{t.group}-competent": t.competent,
            f"{t.group}-basic": t.basic,
            f"{t.group}-incompetent": t.incompetent,
        }
    return initial


def _explain(a: AnnualAssessment, scores: list[Decimal]) -> list[str]:
    tally = rules.total_tally(rules.Tally(t.excellent, t.competent, t.basic, t.incompetent) for t in a.tallies.all())
    figures = rules.AnnualFigures(
        tuple(scores), tally, a.work_score, a.target_adjustment, a.demo_score, a.bonus, a.penalty, a.total, a.grade
    )
    return rules.explain_annual(figures, assessment_policy(a.village_id, dt.date(a.year, 12, 31)))


def _annual_detail(actor: User, m: Member, quarters: list[QuarterState], a: AnnualAssessment | None) -> AnnualDetail:
    missing = [q for q, s in zip(QUARTERS, quarters, strict=True) if not s.is_final]
    scores = [s.current.score for s in quarters if s.current is not None]
    from .facts import annual_facts

    facts = annual_facts(a) if a is not None and a.status == AnnualAssessment.Status.COMPUTED else {}
    return AnnualDetail(
        m=m,
        posts=posts_label(m.posts),
        quarters=[(QUARTER_LABEL[q], s) for q, s in zip(QUARTERS, quarters, strict=True)],
        missing="、".join(str(QUARTER_LABEL[q]) for q in missing),
        first_missing=missing[0] if missing else 1,
        a=a,
        explain=_explain(a, scores) if a is not None and not missing else [],
        can_finalize=a is not None and ANNUAL_FLOW.can(actor, a, "finalize", facts),
        initial={"cadre": m.person_id} | (_tally_initial(a) if a is not None else {}),
        quota_refusal=str(within_excellent_quota(a, facts) or "") if a is not None else "",
        can_exception=a is not None and ANNUAL_FLOW.can(actor, a, "finalize_exception", facts),
    )


def annual_board(
    *, actor: User, township: Region, year: int, people: list[Member], selected: Member | None
) -> AnnualBoard:
    """R-ASMT-02…05: per cadre the four quarters and the result; for the selected cadre the
    tallies, the arithmetic and whether it may be finalized; the consequences to carry out; the
    township's ranking for officers only (SPEC A4)."""
    ids = [m.person_id for m in people]
    states = quarter_states(ids, year)
    annuals = {a.person_id: a for a in AnnualAssessment.objects.filter(person_id__in=ids, year=year)}
    rows = []
    for m in people:
        quarters = [states.get((m.person_id, q), QuarterState()) for q in QUARTERS]
        rows.append(AnnualRow(m, posts_label(m.posts), quarters, annuals.get(m.person_id), selected == m))
    detail = None
    if selected is not None:
        quarters = [states.get((selected.person_id, q), QuarterState()) for q in QUARTERS]
        detail = _annual_detail(actor, selected, quarters, annuals.get(selected.person_id))
    ranked = sees_ranking(actor) and township.level == region_rules.TOWNSHIP
    ranking = []
    if ranked:
        names = {m.person_id: m for m in people}
        for pid, total, rank in township_ranking(township_prefix=township.prefix, year=year):
            a = annuals.get(pid)
            ranking.append(RankRow(rank, names.get(pid), total, a.get_grade_display() if a else ""))
    consequences = list(consequences_for(prefix=township.prefix, year=year))
    return AnnualBoard(township, year, rows, detail, ranked, ranking, consequences)


# --- competency ballots (R-ASMT-07, WF-7) ---------------------------------------------------------------------------


def competency_members(*, township: Region, year: int, half: int) -> list[Member]:
    first, last = rules.half_span(year, half)
    also = assessed_in(CompetencyEvaluation, prefix=township.prefix, year=year, half=half)
    return members(prefix=township.prefix, first=first, last=last, professionalized=True, also=also)


@dataclass(frozen=True)
class CompetencyRow:
    m: Member
    posts: str
    e: CompetencyEvaluation | None
    selected: bool

    @property
    def key(self) -> str:
        """The row's state tag (status "outcome"): the outcome, or none before the ballot."""
        return self.e.outcome if self.e else "none"

    @property
    def rate(self) -> Decimal | None:
        return (self.e.rate * 100).quantize(Decimal("0.01")) if self.e else None


@dataclass(frozen=True)
class CompetencyBoard:
    township: Region
    year: int
    half: int
    rows: list[CompetencyRow]
    selected: Member | None
    selected_eval: CompetencyEvaluation | None
    policy: rules.AssessmentPolicy
    consequences: list[Consequence] = field(default_factory=list)

    @property
    def half_label(self) -> str | Promise:
        return HALF_LABEL[self.half]


def competency_board(
    *, township: Region, year: int, half: int, people: list[Member], selected: Member | None
) -> CompetencyBoard:
    ids = [m.person_id for m in people]
    evaluations = {e.person_id: e for e in CompetencyEvaluation.objects.filter(person_id__in=ids, year=year, half=half)}
    rows = [CompetencyRow(m, posts_label(m.posts), evaluations.get(m.person_id), selected == m) for m in people]
    policy = assessment_policy(township.code, rules.half_policy_day(year, half))
    source = f"competency:{year}H{half}"
    consequences = [c for c in consequences_for(prefix=township.prefix, year=year) if c.source == source]
    chosen = evaluations.get(selected.person_id) if selected else None
    return CompetencyBoard(township, year, half, rows, selected, chosen, policy, consequences)
