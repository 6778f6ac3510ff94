"""Scores and grades (R-ASMT-02/03/04, A3): bands, ballot tallies, the democratic score, the
annual score and its arithmetic in words; the typed assessment parameters."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

EXCELLENT = "excellent"
COMPETENT = "competent"
BASIC = "basically_competent"
INCOMPETENT = "incompetent"
GRADES = (EXCELLENT, COMPETENT, BASIC, INCOMPETENT)
GRADE_LABELS = {EXCELLENT: "优秀", COMPETENT: "称职", BASIC: "基本称职", INCOMPETENT: "不称职"}
TWO = Decimal("0.01")
FOUR = Decimal("0.0001")
SCORE_MIN, SCORE_MAX = Decimal(0), Decimal(100)


def q2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def q4(value: Decimal) -> Decimal:
    return value.quantize(FOUR, rounding=ROUND_HALF_UP)


def score_in_range(score: Decimal) -> bool:
    """Scores, review marks and year-end checks are 0–100 (R-ASMT-01/06/08)."""
    return SCORE_MIN <= score <= SCORE_MAX


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


def excellent_share_pct(excellent: int, total: int) -> Decimal | None:
    """The 优秀 share of a round in percent, one decimal (2 of 5 → 40.0), or None for no grades."""
    return (Decimal(100 * excellent) / total).quantize(Decimal("0.1")) if total else None


def over_excellent_quota(excellent: int, total: int, max_share: Decimal) -> bool:
    """R-ASMT-03: a township's 优秀 share of its annual grades above `excellent_max_share` (20 %):
    2 of 5 (40 %) is over, 1 of 5 (20 %) is not."""
    return bool(total) and Decimal(excellent) / total > max_share


@dataclass(frozen=True)
class AssessmentPolicy:
    """The assessment parameters of one region on one day (`policy/params.py`, group "asmt"),
    typed: the one place their keys are read is `selectors.assessment_policy`."""

    bands: Bands = Bands()
    excellent_max_share: Decimal = Decimal("0.20")
    w_work: Decimal = Decimal("0.7")
    w_demo: Decimal = Decimal("0.3")
    satisfaction_min: Decimal = Decimal("0.40")
    unqualified_admonish: Decimal = Decimal("0.30")
    competency_admonish_below: Decimal = Decimal("0.90")
    competency_exit_below: Decimal = Decimal("0.80")
    count_basic_as_competent: bool = False
    appeal_days: int = 5
    pledge_items_min: int = 2
    pledge_items_max: int = 5
    documents: tuple[int, ...] = field(default=(), compare=False)


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
        return Tally(
            self.excellent + other.excellent,
            self.competent + other.competent,
            self.basic + other.basic,
            self.incompetent + other.incompetent,
        )


def total_tally(tallies: Iterable[Tally]) -> Tally:
    return sum(tallies, Tally())


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
        satisfaction=q4(satisfaction),
        unqualified_share=q4(unqualified),
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


def annual_under(
    policy: AssessmentPolicy,
    quarterly: Sequence[Decimal],
    tally: Tally,
    *,
    target_adjustment: Decimal = Decimal(0),
    bonus: Decimal = Decimal(0),
    penalty: Decimal = Decimal(0),
) -> AnnualResult:
    """R-ASMT-02/04 with a region's parameters."""
    return annual(
        quarterly,
        tally,
        target_adjustment=target_adjustment,
        bonus=bonus,
        penalty=penalty,
        w_work=policy.w_work,
        w_demo=policy.w_demo,
        bands=policy.bands,
        satisfaction_min=policy.satisfaction_min,
        unqualified_admonish=policy.unqualified_admonish,
    )


@dataclass(frozen=True)
class AnnualFigures:
    """A stored annual result, as the explanation reads it."""

    quarter_scores: tuple[Decimal, ...]
    tally: Tally
    work_score: Decimal
    target_adjustment: Decimal
    demo_score: Decimal
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    grade: str


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def explain_annual(figures: AnnualFigures, policy: AssessmentPolicy) -> list[str]:
    """The arithmetic of R-ASMT-02/04 in words, line by line, from the stored result and the
    policy it used (the worked example reads "(92 + 85 + 78 + 88) ÷ 4 = 85.75")."""
    f, t = figures, figures.tally
    work = _("工作实绩 = (%(parts)s) ÷ %(n)s") % {
        "parts": " + ".join(_num(s) for s in f.quarter_scores),
        "n": len(f.quarter_scores),
    }
    if f.target_adjustment:
        sign = "+" if f.target_adjustment > 0 else "−"
        work += _(" %(sign)s 年终目标核查调整 %(v)s") % {"sign": sign, "v": abs(f.target_adjustment)}
    demo = democratic(t, satisfaction_min=policy.satisfaction_min, unqualified_admonish=policy.unqualified_admonish)
    demo_line = _(
        "民主测评 = (100×%(a)s + 80×%(b)s + 60×%(c)s + 0×%(d)s) ÷ %(v)s 张有效票 = %(s)s;满意率(优秀+称职)%(p)s%%"
    ) % {
        "a": t.excellent,
        "b": t.competent,
        "c": t.basic,
        "d": t.incompetent,
        "v": t.valid,
        "s": f.demo_score,
        "p": (demo.satisfaction * 100).quantize(Decimal("0.1")),
    }
    total = _("总分 = %(ww)s × %(w)s + %(wd)s × %(d)s") % {
        "ww": policy.w_work,
        "w": f.work_score,
        "wd": policy.w_demo,
        "d": f.demo_score,
    }
    if f.bonus:
        total += _(" + 加分 %(b)s") % {"b": f.bonus}
    if f.penalty:
        total += _(" − 扣分 %(p)s") % {"p": f.penalty}
    lines = [f"{work} = {f.work_score}", demo_line, f"{total} = {f.total}"]
    bands = policy.bands
    if demo.forced_incompetent:
        lines.append(_("满意率低于 %(m)s%%,按规定定为不称职") % {"m": policy.satisfaction_min * 100})
    else:
        lines.append(
            _("等次:%(g)s(优秀 ≥ %(e)s,称职 ≥ %(c)s,基本称职 ≥ %(b)s,其余为不称职)")
            % {"g": _(GRADE_LABELS[f.grade]), "e": bands.excellent_min, "c": bands.competent_min, "b": bands.basic_min}
        )
    if demo.admonition:
        share = (demo.unqualified_share * 100).quantize(Decimal("0.1"))
        lines.append(_("不称职票占 %(p)s%%,达到约谈比例") % {"p": share})
    return lines
