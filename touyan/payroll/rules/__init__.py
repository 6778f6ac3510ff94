"""Payroll's pure rules (no ORM): the monthly pay (`pay`, SPEC A6), benefits (`benefits`,
R-PAY-07…12), the departure allowance (`departure`, R-PAY-10) and the typed parameter groups
(`params`). The monthly pay's names are re-exported here: `rules.compute_pay(facts, policy)`."""

from .notice import notice_ends, notice_last_day, notice_running
from .pay import (
    GRADES,
    POSTS,
    QUARTER_END,
    Line,
    PayError,
    PayFacts,
    PayPolicy,
    QuarterFacts,
    StandardRow,
    attendance_factor,
    base_annual,
    base_standard,
    compute_pay,
    monthly_share,
    pay_standard,
    secretary_base_annual,
    uplift_factor,
    year_at_grade,
)

__all__ = [
    "GRADES",
    "POSTS",
    "QUARTER_END",
    "Line",
    "PayError",
    "PayFacts",
    "PayPolicy",
    "QuarterFacts",
    "StandardRow",
    "attendance_factor",
    "base_annual",
    "base_standard",
    "compute_pay",
    "monthly_share",
    "notice_ends",
    "notice_last_day",
    "notice_running",
    "pay_standard",
    "secretary_base_annual",
    "uplift_factor",
    "year_at_grade",
]
