"""Payroll pages (报酬待遇): thin views over the selectors and services, one action per POST URL.
Every page answers 404 outside the user's region; village cadres have only their own payslips."""

from .departures import departure_advance, departure_detail, departure_new, departure_step_view, departures
from .insurance import insurance, insurance_save
from .payslips import bank_account, bank_import, bank_import_template, my_payslips, payslip_detail, payslip_pdf
from .rewards import (
    condolence_new,
    condolences,
    honour_new,
    honours,
    reward_approve_view,
    reward_decide,
    reward_detail,
    reward_new,
    reward_reject,
    rewards,
)
from .runs import (
    run_advance,
    run_calculate,
    run_detail,
    run_open,
    run_payout,
    run_status,
    run_step,
    run_summary,
    runs,
)
from .standard import policy_view
from .weak import weak

__all__ = [
    "bank_account",
    "bank_import",
    "bank_import_template",
    "condolence_new",
    "condolences",
    "departure_advance",
    "departure_detail",
    "departure_new",
    "departure_step_view",
    "departures",
    "honour_new",
    "honours",
    "insurance",
    "insurance_save",
    "my_payslips",
    "payslip_detail",
    "payslip_pdf",
    "policy_view",
    "reward_approve_view",
    "reward_decide",
    "reward_detail",
    "reward_new",
    "reward_reject",
    "rewards",
    "run_advance",
    "run_calculate",
    "run_detail",
    "run_open",
    "run_payout",
    "run_status",
    "run_step",
    "run_summary",
    "runs",
    "weak",
]
