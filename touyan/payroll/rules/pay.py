"""Monthly pay, made exact (SPEC A6, R-PAY-01…07, R-POS-04). Pure: no ORM.

Every line carries its inputs (`basis`) so it can be explained and recomputed.
Money is Decimal rounded half up to the fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from touyan.core.money import to_fen
from touyan.policy.params import DEFAULTS
from touyan.policy.rules import perf_target_annual

from .params import Group, Params

ZERO = Decimal(0)
QUARTER_END = (3, 6, 9, 12)


@dataclass(frozen=True)
class PayPolicy(Group):
    """The monthly-pay parameters (R-PAY-02…07, R-POS-04, A6), named and defaulted as in policy/params.py."""

    base_standard_one_shoulder: Decimal = DEFAULTS["base_standard_one_shoulder"]
    base_standard_ps: Decimal = DEFAULTS["base_standard_ps"]
    base_standard_vd: Decimal = DEFAULTS["base_standard_vd"]
    deputy_ratio: Decimal = DEFAULTS["deputy_ratio"]
    base_multiple: Decimal = DEFAULTS["base_multiple"]
    reelection_uplift: Decimal = DEFAULTS["reelection_uplift"]
    uplift_compound: bool = DEFAULTS["uplift_compound"]
    term_gap_days: int = DEFAULTS["term_gap_days"]
    perf_share: Decimal = DEFAULTS["perf_share"]
    grade_factor_excellent: Decimal = DEFAULTS["grade_factor_excellent"]
    grade_factor_competent: Decimal = DEFAULTS["grade_factor_competent"]
    grade_factor_basic: Decimal = DEFAULTS["grade_factor_basic"]
    grade_factor_incompetent: Decimal = DEFAULTS["grade_factor_incompetent"]
    tier1_amount: Decimal = DEFAULTS["tier1_amount"]
    tier2_amount: Decimal = DEFAULTS["tier2_amount"]
    tier3_amount: Decimal = DEFAULTS["tier3_amount"]
    pension_subsidy: Decimal = DEFAULTS["pension_subsidy"]
    young_age_max: int = DEFAULTS["young_age_max"]
    young_pay_ratio: Decimal = DEFAULTS["young_pay_ratio"]
    young_degree_bonus_city: Decimal = DEFAULTS["young_degree_bonus_city"]
    young_degree_bonus_township: Decimal = DEFAULTS["young_degree_bonus_township"]

    @classmethod
    def from_params(cls, p: Params) -> PayPolicy:
        """From a resolved policy (touyan.policy.selectors.policy_resolve)."""
        return cls.of(p)

    @property
    def grade_factors(self) -> dict[str, Decimal]:
        """R-PAY-04: the performance factor of each quarterly grade."""
        return {
            "excellent": self.grade_factor_excellent,
            "competent": self.grade_factor_competent,
            "basically_competent": self.grade_factor_basic,
            "incompetent": self.grade_factor_incompetent,
        }

    @property
    def tier_amounts(self) -> tuple[Decimal, Decimal, Decimal]:
        """R-PAY-06: the monthly allowance of tiers 1, 2 and 3."""
        return (self.tier1_amount, self.tier2_amount, self.tier3_amount)


@dataclass(frozen=True)
class QuarterFacts:
    """For the run of a quarter's last month: the quarter's grade and attendance."""

    grade: str
    present: int  # Σ present days over the quarter's months
    required: int  # Σ required days


@dataclass(frozen=True)
class PayFacts:
    year: int
    month: int
    pay_post: str  # one_shoulder | PS | VD | deputy
    income_ref: Decimal | None  # the county's rural per-capita disposable income of year − 1
    consecutive_terms: int = 0
    professionalized_secretary: bool = False
    tier: int | None = None
    young_professional: bool = False
    full_time_college: bool = False
    ref_new_staff_monthly: Decimal | None = None
    quarter: QuarterFacts | None = None


@dataclass(frozen=True)
class Line:
    component: str  # base | performance | allowance | pension_subsidy | young_cadre | adjustment
    amount: Decimal
    basis: dict[str, Any]


class PayError(ValueError):
    """The pay cannot be computed from these facts; the message says what is missing."""


def base_standard(post: str, policy: PayPolicy) -> Decimal:
    """A6.1: one-shoulder 42,000; PS 36,000; VD 36,000; deputies and clerk 0.8 × PS."""
    return {
        "one_shoulder": policy.base_standard_one_shoulder,
        "PS": policy.base_standard_ps,
        "VD": policy.base_standard_vd,
        "deputy": policy.base_standard_ps * policy.deputy_ratio,
    }[post]


def monthly_share(annual: Decimal, month: int) -> Decimal:
    """A6.4: annual / 12 to the fen each month; December takes the remainder."""
    monthly = to_fen(annual / 12)
    return to_fen(annual - 11 * monthly) if month == 12 else monthly


def attendance_factor(present: int, required: int) -> Decimal:
    """A6.5: min(1, Σpresent / Σrequired), 1 when nothing was required, to 4 decimals."""
    if required <= 0:
        return Decimal(1)
    return min(Decimal(1), Decimal(present) / Decimal(required)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def base_annual(standard: Decimal, income_ref: Decimal, policy: PayPolicy) -> Decimal:
    """A6.2 / R-PAY-02: the year's base is the post's standard, or base_multiple × last year's rural
    per-capita disposable income where that is higher."""
    return max(standard, policy.base_multiple * income_ref)


def secretary_base_annual(policy: PayPolicy, income_ref: Decimal | None) -> Decimal:
    """A6.2 for the current village Party secretary (the base R-PAY-10 (a) takes its share of);
    the standard alone while the county's income of last year is not recorded."""
    standard = policy.base_standard_ps
    return standard if income_ref is None else base_annual(standard, income_ref, policy)


def uplift_factor(consecutive_terms: int, policy: PayPolicy) -> Decimal:
    """A6.3 / R-PAY-05: + reelection_uplift per consecutive term, simple or compound."""
    if policy.uplift_compound:
        return (Decimal(1) + policy.reelection_uplift) ** consecutive_terms
    return Decimal(1) + policy.reelection_uplift * consecutive_terms


def compute_pay(facts: PayFacts, policy: PayPolicy) -> list[Line]:
    """SPEC A6: a full-time cadre's monthly lines."""
    if facts.young_professional:
        return _young(facts, policy)
    if facts.income_ref is None:
        raise PayError("缺少上年农村居民人均可支配收入(区域年度统计)")
    standard = base_standard(facts.pay_post, policy)
    annual = base_annual(standard, facts.income_ref, policy)
    lines = [_base_line(facts, policy, standard, annual)]
    if facts.month in QUARTER_END:
        lines.append(_performance_line(facts, policy, annual))
    if facts.professionalized_secretary and facts.tier in (1, 2, 3):
        amount = policy.tier_amounts[facts.tier - 1]
        lines.append(Line("allowance", to_fen(amount), {"tier": facts.tier, "monthly": str(amount)}))  # A6.6
    if facts.pay_post in ("one_shoulder", "PS", "VD"):  # A6.7 / R-PAY-07
        subsidy = policy.pension_subsidy
        lines.append(Line("pension_subsidy", monthly_share(subsidy, facts.month), {"annual": str(subsidy)}))
    return lines


def _base_line(facts: PayFacts, policy: PayPolicy, standard: Decimal, annual: Decimal) -> Line:
    """A6.2–A6.4: the month's share of the base, raised for consecutive terms."""
    n = facts.consecutive_terms
    uplift = uplift_factor(n, policy)
    paid = annual * uplift
    basis = {
        "post": facts.pay_post,
        "base_standard": str(standard),
        "income_ref": str(facts.income_ref),
        "base_multiple": str(policy.base_multiple),
        "base_annual": str(annual),
        "consecutive_terms": n,
        "uplift": str(uplift),
        "base_annual_paid": str(paid),
        "december_remainder": facts.month == 12,
    }
    return Line("base", monthly_share(paid, facts.month), basis)


def _performance_line(facts: PayFacts, policy: PayPolicy, annual: Decimal) -> Line:
    """A6.5 / R-PAY-04: a quarter of the performance target × the grade's factor × attendance."""
    if facts.quarter is None:
        raise PayError("本季度考核评价尚未定稿")
    target = perf_target_annual(annual, policy.perf_share)
    pot = target / 4
    factor = policy.grade_factors[facts.quarter.grade]
    att = attendance_factor(facts.quarter.present, facts.quarter.required)
    basis = {
        "perf_target_annual": str(to_fen(target)),
        "quarter_pot": str(to_fen(pot)),
        "grade": facts.quarter.grade,
        "grade_factor": str(factor),
        "present": facts.quarter.present,
        "required": facts.quarter.required,
        "attendance_factor": str(att),
    }
    return Line("performance", to_fen(pot * factor * att), basis)


def _young(facts: PayFacts, policy: PayPolicy) -> list[Line]:
    """A6.8 / R-POS-04: young professional cadres are paid instead of A6.2–A6.5:
    ratio × a new township public-institution employee's monthly pay, + 500 + 500
    with a full-time college degree or higher."""
    if facts.ref_new_staff_monthly is None:
        raise PayError("缺少乡镇事业单位新进人员月工资(区域年度统计)")
    amount = policy.young_pay_ratio * facts.ref_new_staff_monthly
    bonus = (policy.young_degree_bonus_city + policy.young_degree_bonus_township) if facts.full_time_college else ZERO
    basis = {
        "ratio": str(policy.young_pay_ratio),
        "ref_new_staff_monthly": str(facts.ref_new_staff_monthly),
        "degree_bonus": str(bonus),
    }
    return [Line("young_cadre", to_fen(amount + bonus), basis)]


# ---------------------------------------------------------------------------
# The pay standard of a region (R-PAY-01…07): each post × grade, a year with full attendance
# ---------------------------------------------------------------------------

POSTS = ("one_shoulder", "PS", "VD", "deputy")
GRADES = ("excellent", "competent", "basically_competent", "incompetent")


@dataclass(frozen=True)
class StandardRow:
    """One post's year at each grade with full attendance (SPEC A6, the 12 monthly runs summed)."""

    post: str
    standard: Decimal  # A6.1
    floor_base: Decimal  # base_multiple × income (A6.2)
    base: Decimal  # the year's base paid
    pension: Decimal
    performance: dict[str, Decimal]  # by grade
    totals: dict[str, Decimal]  # by grade: every line of the year
    floor: Decimal | None  # R-PAY-02: the post's annual floor (none for deputies)

    @property
    def base_from_floor(self) -> bool:
        return self.floor_base > self.standard

    @property
    def at_competent(self) -> Decimal:
        return self.base + self.performance["competent"]

    @property
    def breach(self) -> bool:
        """R-PAY-02: base + performance at 称职 with full attendance below the post's floor."""
        return self.floor is not None and self.at_competent < self.floor


def year_at_grade(post: str, grade: str, income: Decimal, policy: PayPolicy, year: int) -> dict[str, Decimal]:
    """A year of pay with full attendance at one grade, by component (SPEC A6, 12 runs summed)."""
    out: dict[str, Decimal] = {}
    for month in range(1, 13):
        quarter = QuarterFacts(grade, 1, 1)
        facts = PayFacts(year=year, month=month, pay_post=post, income_ref=income, quarter=quarter)
        for line in compute_pay(facts, policy):
            out[line.component] = out.get(line.component, ZERO) + line.amount
    return out


def pay_standard(
    policy: PayPolicy, floors: dict[str, Decimal | None], income: Decimal | None, year: int
) -> list[StandardRow]:
    """R-PAY-01…07: each post's year at each grade, with its floor (R-PAY-02); a missing income
    counts as 0 (the page says it is missing)."""
    rows = []
    ref = income or ZERO
    for post in POSTS:
        by_grade = {g: year_at_grade(post, g, ref, policy, year) for g in GRADES}
        competent = by_grade["competent"]
        rows.append(
            StandardRow(
                post=post,
                standard=base_standard(post, policy),
                floor_base=policy.base_multiple * ref,
                base=competent["base"],
                pension=competent.get("pension_subsidy", ZERO),
                performance={g: by_grade[g]["performance"] for g in GRADES},
                totals={g: sum(by_grade[g].values(), ZERO) for g in GRADES},
                floor=floors.get(post),
            )
        )
    return rows
