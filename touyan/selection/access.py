"""The access table of selection and exit (accounts.access): every page and API route with its roles.

Township officers and county admins reach the cases and exits of their region (REGION); a
joint-review department's officer reaches their own department's reviews in their county
(DEPARTMENT) — and of a case only their department's opinion. The services check the step:
the township nominates, submits, decides, publicises and appoints; the county audits and approves.
"""

from __future__ import annotations

from touyan.accounts.access import DEPARTMENT, REGION, Rule, allow

OFFICIALS = allow(admin=REGION, township_officer=REGION)
TOWNSHIP = allow(township_officer=REGION, admin=REGION)  # the flows' `who` narrows each step
READERS = allow(admin=REGION, township_officer=REGION, liaison=REGION, finance=REGION)

ROUTES: dict[str, Rule] = {
    # pages
    "selection:board": OFFICIALS,
    "selection:case_new": OFFICIALS,
    "selection:case": allow(admin=REGION, township_officer=REGION, reviewer=DEPARTMENT),
    "selection:case_action": OFFICIALS,
    "selection:record_new": OFFICIALS,
    "selection:queue": allow(reviewer=DEPARTMENT),
    "selection:queue_answer": allow(reviewer=DEPARTMENT),
    "selection:queue_clear": allow(reviewer=DEPARTMENT),
    "selection:quotas": OFFICIALS,
    "selection:overdue": allow(admin=REGION),
    "selection:prof_lists": OFFICIALS,
    "selection:prof_list_propose": allow(township_officer=REGION),
    "selection:prof_list_approve": allow(admin=REGION),
    "selection:exits": OFFICIALS,
    "selection:exit_new": allow(township_officer=REGION),
    "selection:exit": OFFICIALS,
    "selection:exit_action": OFFICIALS,
    # API
    "GET /api/v1/cadres/{cadre_id}/eligibility": READERS,
    "POST /api/v1/selection/cases": OFFICIALS,
    "GET /api/v1/selection/cases": OFFICIALS,
    "POST /api/v1/selection/cases/submit-round": TOWNSHIP,
    "GET /api/v1/selection/cases/{case_id}": allow(admin=REGION, township_officer=REGION, reviewer=DEPARTMENT),
    "POST /api/v1/selection/cases/{case_id}/submit": TOWNSHIP,
    "POST /api/v1/selection/cases/{case_id}/decide": TOWNSHIP,
    "POST /api/v1/selection/cases/{case_id}/publicize": TOWNSHIP,
    "POST /api/v1/selection/cases/{case_id}/object": TOWNSHIP,
    "POST /api/v1/selection/cases/{case_id}/appoint": TOWNSHIP,
    "POST /api/v1/selection/professional-lists": allow(township_officer=REGION),
    "POST /api/v1/selection/professional-lists/{list_id}/approve": allow(admin=REGION),
    "POST /api/v1/selection/careers": OFFICIALS,
    "GET /api/v1/selection/careers/figures": OFFICIALS,
    "GET /api/v1/selection/reviews": allow(reviewer=DEPARTMENT),
    "POST /api/v1/selection/reviews/clear": allow(reviewer=DEPARTMENT),
    "GET /api/v1/selection/reviews/overdue": allow(admin=REGION),
    "POST /api/v1/selection/reviews/{review_id}": allow(reviewer=DEPARTMENT),
    "POST /api/v1/exits": allow(township_officer=REGION),
    "GET /api/v1/exits": OFFICIALS,
    "GET /api/v1/exits/{exit_id}": OFFICIALS,
    "POST /api/v1/exits/{exit_id}/audit-report": allow(admin=REGION),
    "POST /api/v1/exits/{exit_id}/approve": allow(admin=REGION),
    "POST /api/v1/exits/{exit_id}/complete": allow(township_officer=REGION),
    "POST /api/v1/exits/{exit_id}/recall-vote": allow(township_officer=REGION),
    "POST /api/v1/exits/{exit_id}/handover-items": allow(township_officer=REGION),
    "POST /api/v1/exits/{exit_id}/handover": allow(township_officer=REGION),
}
