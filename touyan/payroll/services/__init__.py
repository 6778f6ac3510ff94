"""Payroll's writes (keyword-only, typed, atomic, audited): pay runs (`runs`, on the batch path
of `batch`), benefits (`benefits`) and the departure allowance (`departure`)."""

from .benefits import (
    BANK_CONTEXT,
    Enrolment,
    adjustment_add,
    bank_account_number,
    bank_account_set,
    condolence_grant,
    honour_award,
    insurance_set,
    insurance_set_many,
    reward_approve,
    reward_propose,
)
from .departure import departure_advance, departure_apply, departure_step
from .runs import ManyRuns, payrun_advance, payrun_calculate, payrun_open, payrun_step, payruns_open_and_calculate_many

__all__ = [
    "BANK_CONTEXT",
    "Enrolment",
    "ManyRuns",
    "adjustment_add",
    "bank_account_number",
    "bank_account_set",
    "condolence_grant",
    "departure_advance",
    "departure_apply",
    "departure_step",
    "honour_award",
    "insurance_set",
    "insurance_set_many",
    "payrun_advance",
    "payrun_calculate",
    "payrun_open",
    "payrun_step",
    "payruns_open_and_calculate_many",
    "reward_approve",
    "reward_propose",
]
