"""Pure assessment rules: grades, democratic evaluation, the annual score and its arithmetic,
consequences, competency rate, star ratings, pioneer points, the township ranking, and the
calendar of periods (R-ASMT-01…08, R-PTY-02/03, R-POS-03, A3, WF-5). No ORM: numbers and
codes in, dataclasses out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
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


# --- consequences (R-ASMT-05/07): the kinds are `Consequence.Kind` values -------------------------------------------

ADMONITION = "admonition_talk"
SELF_CRITICISM = "self_criticism"
CRITICISM_NOTICE = "criticism_notice"
BONUS_WITHHELD = "bonus_withheld"
PRAISE = "praise"
EXIT_REVIEW = "exit_review"
LEAVE_PROFESSIONAL = "leave_professional"


@dataclass(frozen=True)
class ConsequenceDue:
    kind: str
    note: str = ""


def annual_consequences(grade_: str, *, previous_grade: str | None, admonition: bool) -> list[ConsequenceDue]:
    """R-ASMT-05: 优秀 → praise; 不称职 → self-criticism, a notice of criticism and the bonus
    withheld, and with a 不称职 the year before the exit review (村组法 art. 33); 不称职 ballots at
    the admonition share → an admonition talk (R-ASMT-04)."""
    due: list[ConsequenceDue] = []
    if grade_ == EXCELLENT:
        due.append(ConsequenceDue(PRAISE))
    if grade_ == INCOMPETENT:
        due += [ConsequenceDue(SELF_CRITICISM), ConsequenceDue(CRITICISM_NOTICE), ConsequenceDue(BONUS_WITHHELD)]
        if previous_grade == INCOMPETENT:
            due.append(ConsequenceDue(EXIT_REVIEW, _("连续两年不称职(村组法第三十三条)")))
    if admonition:
        due.append(ConsequenceDue(ADMONITION, _("不称职票达到约谈比例")))
    return due


# --- competency (R-ASMT-07) -----------------------------------------------------------------------------------------


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
COMPETENCY_GROUPS = frozenset({"party_members", "representatives", "liaison", "township"})


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
    rate = q4(Decimal(yes) / valid)
    if rate < exit_below:
        return rate, EXIT
    if rate < admonish_below:
        return rate, ADMONISH
    return rate, OK


def competency_under(policy: AssessmentPolicy, tallies: Mapping[str, CompetencyTally]) -> tuple[Decimal, str]:
    """R-ASMT-07 with a region's parameters: only members' and representatives' votes count."""
    return competency(
        tallies.get("party_members", CompetencyTally()),
        tallies.get("representatives", CompetencyTally()),
        count_basic_as_competent=policy.count_basic_as_competent,
        admonish_below=policy.competency_admonish_below,
        exit_below=policy.competency_exit_below,
    )


def competency_consequence(outcome: str, rate: Decimal, first_of_next: dt.date) -> ConsequenceDue | None:
    """R-ASMT-07: below the admonition rate a talk; below the exit rate professional management
    ends from the first of next month."""
    pct = f"{rate * 100:.1f}"
    if outcome == ADMONISH:
        return ConsequenceDue(ADMONITION, _("胜任率 %(r)s%% 低于 90%%") % {"r": pct})
    if outcome == EXIT:
        return ConsequenceDue(
            LEAVE_PROFESSIONAL, _("胜任率 %(r)s%% 低于 80%%,自 %(d)s 起退出职业化管理") % {"r": pct, "d": first_of_next}
        )
    return None


# --- pledges (R-ASMT-08) and targets (R-ASMT-06) ----------------------------------------------------------------------


def clean_items(items: Iterable[str]) -> list[str]:
    """Pledge items and goals as typed, without blank lines."""
    return [i.strip() for i in items if i and i.strip()]


def pledge_score(democratic_score: Decimal, organisational_score: Decimal) -> Decimal:
    """一诺双评 (R-ASMT-08): the mean of the democratic and the organisational review."""
    return q2((democratic_score + organisational_score) / 2)


# --- stars (R-PTY-03) and pioneer points (R-PTY-02) -----------------------------------------------------------------


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


# R-PTY-02's typical model: yearly caps of the basic duties (60) and the pioneer role (40).
PIONEER_CAPS: dict[str, Decimal] = {
    "study": Decimal(20),
    "organisational_life": Decimal(20),
    "duties": Decimal(20),
    "service": Decimal(20),
    "governance": Decimal(10),
    "urgent_tasks": Decimal(10),
}
PIONEER_BONUS, PIONEER_PENALTY = "bonus", "penalty"
PIONEER_ITEMS = (*PIONEER_CAPS, PIONEER_BONUS, PIONEER_PENALTY)


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
        if code == PIONEER_BONUS:
            total += min(value, bonus_cap)
        elif code == PIONEER_PENALTY:
            total += max(value, penalty_floor)
        else:
            total += min(value, caps.get(code, value))
    return q2(total)


def pioneer_sign_ok(item: str, points: Decimal) -> bool:
    """R-PTY-02: a penalty is negative, every other entry positive."""
    return (item == PIONEER_PENALTY) == (points < 0)


# --- the township ranking (A4 officers only; R-POS-03) -------------------------------------------------------------


def competition_ranks(totals: Sequence[Decimal]) -> list[int]:
    """Ranks of totals sorted best first, equal totals sharing a rank ("1224")."""
    ranks: list[int] = []
    for i, total in enumerate(totals):
        ranks.append(ranks[-1] if i and total == totals[i - 1] else i + 1)
    return ranks


def in_top_share(rank: int, out_of: int, share: Decimal) -> bool:
    """R-POS-03: last year's assessment in the township's top `share` (½ by default): the rank
    is within share × the number assessed (5 assessed, top half → ranks 1 and 2)."""
    return out_of > 0 and Decimal(rank) <= share * out_of


# --- the calendar of periods (WF-5) ---------------------------------------------------------------------------------

QUARTER_MONTHS = {1: (1, 2, 3), 2: (4, 5, 6), 3: (7, 8, 9), 4: (10, 11, 12)}
PERIOD_NUMBERS: dict[str, range] = {"quarter": range(1, 5), "half": range(1, 3), "year": range(0, 1)}


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def half_of(day: dt.date) -> int:
    return 1 if day.month <= 6 else 2


def quarter_span(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, quarter * 3 - 2, 1)
    last = dt.date(year, 12, 31) if quarter == 4 else dt.date(year, quarter * 3 + 1, 1) - dt.timedelta(days=1)
    return first, last


def half_span(year: int, half: int) -> tuple[dt.date, dt.date]:
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))


def quarter_policy_day(year: int, quarter: int) -> dt.date:
    """The day whose policy a quarter's evaluation follows (the first of its last month)."""
    return dt.date(year, quarter * 3, 1)


def half_policy_day(year: int, half: int) -> dt.date:
    return dt.date(year, half * 6, 1)


def first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


# Posts from the most senior down (the order of a township's lists).
POST_ORDER = ("PS", "VD", "PDS", "VDD", "CLK", "SD", "CEO", "ACC", "BK", "PCM", "VM", "SM", "FS", "RSV")


def post_rank(code: str) -> int:
    return POST_ORDER.index(code) if code in POST_ORDER else len(POST_ORDER)
