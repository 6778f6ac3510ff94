"""What assessments lead to (R-ASMT-05/07/08): consequences, the competency rate and outcome,
pledge items and the dual review's score."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .scores import EXCELLENT, INCOMPETENT, AssessmentPolicy, q2, q4

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
