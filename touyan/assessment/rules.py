"""Pure assessment rules: grades, democratic evaluation, the annual score,
competency rate, star ratings and pioneer points (R-ASMT-02…07, R-PTY-02/03, A3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

EXCELLENT = "excellent"
COMPETENT = "competent"
BASIC = "basically_competent"
INCOMPETENT = "incompetent"
GRADES = (EXCELLENT, COMPETENT, BASIC, INCOMPETENT)
GRADE_LABELS = {EXCELLENT: "优秀", COMPETENT: "称职", BASIC: "基本称职", INCOMPETENT: "不称职"}
TWO = Decimal("0.01")


def q2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Bands:
    """A3 / R-ASMT-03: ≥90 优秀, 70–89.99 称职, 60–69.99 基本称职, <60 不称职."""

    excellent_min: Decimal = Decimal(90)
    competent_min: Decimal = Decimal(70)
    basic_min: Decimal = Decimal(60)


def grade(score: Decimal, bands: Bands = Bands()) -> str:
    """R-ASMT-03: the grade a score falls in (bands read as ≥ lower bound)."""
    if score >= bands.excellent_min:
        return EXCELLENT
    if score >= bands.competent_min:
        return COMPETENT
    if score >= bands.basic_min:
        return BASIC
    return INCOMPETENT


@dataclass(frozen=True)
class Tally:
    """Ballot counts for one rater group: tallies only, never individual ballots (R-ASMT-04)."""

    excellent: int = 0
    competent: int = 0
    basic: int = 0
    incompetent: int = 0

    @property
    def valid(self) -> int:
        return self.excellent + self.competent + self.basic + self.incompetent

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.excellent + other.excellent, self.competent + other.competent, self.basic + other.basic,
                     self.incompetent + other.incompetent)  # fmt: skip


@dataclass(frozen=True)
class DemocraticResult:
    score: Decimal  # 0–100, two decimals
    satisfaction: Decimal  # (优秀 + 称职) / valid
    unqualified_share: Decimal  # 不称职 / valid
    forced_incompetent: bool  # satisfaction below the threshold (R-ASMT-04)
    admonition: bool  # 不称职 share at or above the threshold


def democratic(
    tally: Tally, *, satisfaction_min: Decimal = Decimal("0.40"), unqualified_admonish: Decimal = Decimal("0.30")
) -> DemocraticResult:
    """R-ASMT-04: score = (100·优秀 + 80·称职 + 60·基本称职 + 0·不称职) / valid ballots."""
    if tally.valid == 0:
        return DemocraticResult(Decimal(0), Decimal(0), Decimal(0), False, False)
    points = 100 * tally.excellent + 80 * tally.competent + 60 * tally.basic
    satisfaction = Decimal(tally.excellent + tally.competent) / tally.valid
    unqualified = Decimal(tally.incompetent) / tally.valid
    return DemocraticResult(
        score=q2(Decimal(points) / tally.valid),
        satisfaction=satisfaction.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
        unqualified_share=unqualified.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
        forced_incompetent=satisfaction < satisfaction_min,
        admonition=unqualified >= unqualified_admonish,
    )


@dataclass(frozen=True)
class AnnualResult:
    work_score: Decimal
    demo_score: Decimal
    total: Decimal
    grade: str
    admonition: bool


def annual(
    quarterly: Sequence[Decimal],
    tally: Tally,
    *,
    target_adjustment: Decimal = Decimal(0),
    bonus: Decimal = Decimal(0),
    penalty: Decimal = Decimal(0),
    w_work: Decimal = Decimal("0.7"),
    w_demo: Decimal = Decimal("0.3"),
    bands: Bands = Bands(),
    satisfaction_min: Decimal = Decimal("0.40"),
    unqualified_admonish: Decimal = Decimal("0.30"),
) -> AnnualResult:
    """R-ASMT-02: total = w_work × work + w_demo × democratic ± bonus/penalty, where work is the
    mean of the quarterly scores adjusted by the year-end target check; a satisfaction below
    the threshold makes the grade 不称职 whatever the score (R-ASMT-04)."""
    if not quarterly:
        raise ValueError("no quarterly scores")
    work = q2(sum(quarterly, Decimal(0)) / len(quarterly) + target_adjustment)
    demo = democratic(tally, satisfaction_min=satisfaction_min, unqualified_admonish=unqualified_admonish)
    total = q2(w_work * work + w_demo * demo.score + bonus - penalty)
    result_grade = INCOMPETENT if demo.forced_incompetent else grade(total, bands)
    return AnnualResult(work, demo.score, total, result_grade, demo.admonition)


@dataclass(frozen=True)
class CompetencyTally:
    competent: int = 0  # 胜任
    basic: int = 0  # 基本胜任
    incompetent: int = 0  # 不胜任

    @property
    def valid(self) -> int:
        return self.competent + self.basic + self.incompetent


ADMONISH = "admonish"
EXIT = "exit"
OK = "ok"


def competency(
    members: CompetencyTally,
    representatives: CompetencyTally,
    *,
    count_basic_as_competent: bool = False,
    admonish_below: Decimal = Decimal("0.90"),
    exit_below: Decimal = Decimal("0.80"),
) -> tuple[Decimal, str]:
    """R-ASMT-07 / A3: rate = 胜任 ÷ valid votes of Party members and villagers'
    representatives (基本胜任 is not 胜任 by default); <90 % → admonition talk,
    <80 % → leaves professional management."""
    valid = members.valid + representatives.valid
    if valid == 0:
        return Decimal(0), OK
    yes = members.competent + representatives.competent
    if count_basic_as_competent:
        yes += members.basic + representatives.basic
    rate = (Decimal(yes) / valid).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    if rate < exit_below:
        return rate, EXIT
    if rate < admonish_below:
        return rate, ADMONISH
    return rate, OK


def stars(score: Decimal, *, innovation: bool = False) -> int:
    """R-PTY-03: ≥90 with an innovation project → 5★; 80–89 → 4★ (≥90 without one also 4★);
    70–79 → 3★; 60–69 → 2★; <60 → 1★."""
    if score >= 90 and innovation:
        return 5
    if score >= 80:
        return 4
    if score >= 70:
        return 3
    if score >= 60:
        return 2
    return 1


@dataclass(frozen=True)
class PointItem:
    code: str
    points: Decimal


def pioneer_total(
    entries: Sequence[PointItem],
    caps: Mapping[str, Decimal],
    *,
    bonus_cap: Decimal = Decimal(10),
    penalty_floor: Decimal = Decimal(-20),
) -> Decimal:
    """R-PTY-02: points by item, each item capped per year; bonus items (code "bonus")
    capped at +10, penalties (code "penalty") floored at −20."""
    by_item: dict[str, Decimal] = {}
    for e in entries:
        by_item[e.code] = by_item.get(e.code, Decimal(0)) + e.points
    total = Decimal(0)
    for code, value in by_item.items():
        if code == "bonus":
            total += min(value, bonus_cap)
        elif code == "penalty":
            total += max(value, penalty_floor)
        else:
            total += min(value, caps.get(code, value))
    return q2(total)
