"""Monthly pay, made exact (SPEC A6, R-PAY-01…07, R-POS-04). Pure: no ORM.

Every line carries its inputs (`basis`) so it can be explained and recomputed.
Money is Decimal rounded half up to the fen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from touyan.core.money import to_fen

ZERO = Decimal(0)
QUARTER_END = (3, 6, 9, 12)


@dataclass(frozen=True)
class PayPolicy:
    base_standard_one_shoulder: Decimal = Decimal(42000)
    base_standard_ps: Decimal = Decimal(36000)
    base_standard_vd: Decimal = Decimal(36000)
    deputy_ratio: Decimal = Decimal("0.8")
    base_multiple: Decimal = Decimal(3)
    reelection_uplift: Decimal = Decimal("0.05")
    uplift_compound: bool = False
    perf_share: Decimal = Decimal("0.4")
    grade_factors: dict[str, Decimal] = field(
        default_factory=lambda: {"excellent": Decimal("1.2"), "competent": Decimal("1.0"),
                                 "basically_competent": Decimal("0.6"), "incompetent": ZERO}
    )  # fmt: skip
    tier_amounts: tuple[Decimal, Decimal, Decimal] = (Decimal(800), Decimal(600), Decimal(400))
    pension_subsidy: Decimal = Decimal(2000)
    young_pay_ratio: Decimal = Decimal("0.8")
    young_degree_bonus_city: Decimal = Decimal(500)
    young_degree_bonus_township: Decimal = Decimal(500)

    @classmethod
    def from_params(cls, p: Any) -> PayPolicy:
        """From a resolved policy (touyan.policy.selectors.policy_resolve)."""
        return cls(
            base_standard_one_shoulder=p["base_standard_one_shoulder"], base_standard_ps=p["base_standard_ps"],
            base_standard_vd=p["base_standard_vd"], deputy_ratio=p["deputy_ratio"], base_multiple=p["base_multiple"],
            reelection_uplift=p["reelection_uplift"], uplift_compound=p["uplift_compound"], perf_share=p["perf_share"],
            grade_factors={"excellent": p["grade_factor_excellent"], "competent": p["grade_factor_competent"],
                           "basically_competent": p["grade_factor_basic"],
                           "incompetent": p["grade_factor_incompetent"]},
            tier_amounts=(p["tier1_amount"], p["tier2_amount"], p["tier3_amount"]),
            pension_subsidy=p["pension_subsidy"], young_pay_ratio=p["young_pay_ratio"],
            young_degree_bonus_city=p["young_degree_bonus_city"],
            young_degree_bonus_township=p["young_degree_bonus_township"],
        )  # fmt: skip


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


def compute_pay(facts: PayFacts, policy: PayPolicy) -> list[Line]:
    """SPEC A6: a full-time cadre's monthly lines."""
    if facts.young_professional:
        return _young(facts, policy)
    if facts.income_ref is None:
        raise PayError("缺少上年农村居民人均可支配收入(区域年度统计)")
    standard = base_standard(facts.pay_post, policy)
    floor = policy.base_multiple * facts.income_ref
    base_annual = max(standard, floor)  # A6.2 / R-PAY-02
    n = facts.consecutive_terms
    uplift = (
        (Decimal(1) + policy.reelection_uplift) ** n
        if policy.uplift_compound
        else Decimal(1) + policy.reelection_uplift * n
    )  # A6.3 / R-PAY-05
    base_paid = base_annual * uplift
    lines = [
        Line("base", monthly_share(base_paid, facts.month), {
            "post": facts.pay_post, "base_standard": str(standard), "income_ref": str(facts.income_ref),
            "base_multiple": str(policy.base_multiple), "base_annual": str(base_annual), "consecutive_terms": n,
            "uplift": str(uplift), "base_annual_paid": str(base_paid), "december_remainder": facts.month == 12,
        }),
    ]  # fmt: skip
    if facts.month in QUARTER_END:
        if facts.quarter is None:
            raise PayError("本季度考核评价尚未定稿")
        perf_target = base_annual * policy.perf_share / (Decimal(1) - policy.perf_share)
        pot = perf_target / 4
        factor = policy.grade_factors[facts.quarter.grade]
        att = attendance_factor(facts.quarter.present, facts.quarter.required)
        lines.append(Line("performance", to_fen(pot * factor * att), {
            "perf_target_annual": str(to_fen(perf_target)), "quarter_pot": str(to_fen(pot)),
            "grade": facts.quarter.grade, "grade_factor": str(factor), "present": facts.quarter.present,
            "required": facts.quarter.required, "attendance_factor": str(att),
        }))  # fmt: skip
    if facts.professionalized_secretary and facts.tier in (1, 2, 3):
        amount = policy.tier_amounts[facts.tier - 1]
        lines.append(Line("allowance", to_fen(amount), {"tier": facts.tier, "monthly": str(amount)}))  # A6.6
    if facts.pay_post in ("one_shoulder", "PS", "VD"):
        lines.append(
            Line(
                "pension_subsidy",
                monthly_share(policy.pension_subsidy, facts.month),
                {"annual": str(policy.pension_subsidy)},
            )
        )  # A6.7 / R-PAY-07
    return lines


def _young(facts: PayFacts, policy: PayPolicy) -> list[Line]:
    """A6.8 / R-POS-04: young professional cadres are paid instead of A6.2–A6.5:
    ratio × a new township public-institution employee's monthly pay, + 500 + 500
    with a full-time college degree or higher."""
    if facts.ref_new_staff_monthly is None:
        raise PayError("缺少乡镇事业单位新进人员月工资(区域年度统计)")
    amount = policy.young_pay_ratio * facts.ref_new_staff_monthly
    bonus = (policy.young_degree_bonus_city + policy.young_degree_bonus_township) if facts.full_time_college else ZERO
    return [Line("young_cadre", to_fen(amount + bonus), {
        "ratio": str(policy.young_pay_ratio), "ref_new_staff_monthly": str(facts.ref_new_staff_monthly),
        "degree_bonus": str(bonus),
    })]  # fmt: skip
