"""Routes of payroll (accounts.access format).

Officials of the region (county admin, township officer, finance) read runs, payslips and
benefits; writes need cadres.write, the finance step is the finance office's (the flow checks
each step). A village cadre reads their own publicised payslips (OWN). The auditor has no row
here (SPEC A8).
"""

from __future__ import annotations

from touyan.accounts.access import OWN, REGION, Rule, allow

OFFICIALS = allow(admin=REGION, township_officer=REGION, finance=REGION)
WRITE = allow(admin=REGION, township_officer=REGION)
STEP = allow(admin=REGION, township_officer=REGION, finance=REGION)  # the flow says whose step
SLIP = allow(admin=REGION, township_officer=REGION, finance=REGION, cadre=OWN)

ROUTES: dict[str, Rule] = {
    "payroll:policy_current": OFFICIALS,
    "payroll:policy": OFFICIALS,  # the page refuses a change without policy.write
    "payroll:runs": OFFICIALS,
    "payroll:run_open": WRITE,
    "payroll:run": OFFICIALS,
    "payroll:run_calculate": WRITE,
    "payroll:run_status": OFFICIALS,
    "payroll:run_advance": STEP,
    "payroll:run_step": STEP,
    "payroll:run_summary": OFFICIALS,
    "payroll:run_payout": OFFICIALS,
    "payroll:payslip": SLIP,
    "payroll:payslip_pdf": SLIP,
    "payroll:me": allow(cadre=OWN),
    "payroll:bank": OFFICIALS,
    "payroll:insurance_current": OFFICIALS,
    "payroll:insurance": OFFICIALS,
    "payroll:insurance_save": WRITE,
    "payroll:rewards": OFFICIALS,
    "payroll:reward_new": WRITE,
    "payroll:reward": OFFICIALS,
    "payroll:reward_decide": STEP,
    "payroll:reward_approve": STEP,
    "payroll:reward_reject": STEP,
    "payroll:honours": OFFICIALS,
    "payroll:honour_new": WRITE,
    "payroll:condolences": OFFICIALS,
    "payroll:condolence_new": WRITE,
    "payroll:departures": OFFICIALS,
    "payroll:departure_new": WRITE,
    "payroll:departure": OFFICIALS,
    "payroll:departure_advance": STEP,
    "payroll:departure_step": STEP,
    "payroll:weak_current": OFFICIALS,
    "payroll:weak": OFFICIALS,
    "POST /api/v1/payroll/runs": WRITE,
    "GET /api/v1/payroll/runs/{run_id}": OFFICIALS,
    "POST /api/v1/payroll/runs/{run_id}/calculate": WRITE,
    "POST /api/v1/payroll/runs/{run_id}/advance": STEP,
    "GET /api/v1/payroll/runs/{run_id}/payslips": SLIP,
}
