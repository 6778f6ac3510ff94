"""Routes of assessment (accounts.access format).

Scoring needs assessment.score (county admin, township officer, liaison); the period calendar and
the distribution need policy.write (admin). A village cadre reads and writes their own pledge and
reads their own evaluations (OWN), never a colleague's. The auditor has no row here (SPEC A8).
"""

from __future__ import annotations

from touyan.accounts.access import OWN, REGION, Rule, allow

ASSESS = allow(admin=REGION, township_officer=REGION, liaison=REGION)
ADMIN = allow(admin=REGION)
ME = allow(cadre=OWN)

ROUTES: dict[str, Rule] = {
    "assessment:periods_current": ADMIN,
    "assessment:periods": ADMIN,
    "assessment:period_open": ADMIN,
    "assessment:period_advance": ADMIN,
    "assessment:quarterly_current": ASSESS,
    "assessment:quarterly": ASSESS,
    "assessment:quarterly_save": ASSESS,
    "assessment:quarterly_finalize": ASSESS,
    "assessment:quarterly_finalize_all": ASSESS,
    "assessment:quarterly_correct": ASSESS,
    "assessment:annual_current": ASSESS,
    "assessment:annual": ASSESS,
    "assessment:annual_compute": ASSESS,
    "assessment:annual_finalize": ASSESS,
    "assessment:consequence_done": ASSESS,
    "assessment:competency_current": ASSESS,
    "assessment:competency": ASSESS,
    "assessment:competency_record": ASSESS,
    "assessment:pledges_current": ASSESS,
    "assessment:pledges": ASSESS,
    "assessment:pledge_publicise": ASSESS,
    "assessment:pledge_return": ASSESS,
    "assessment:pledge_withdraw": ASSESS,
    "assessment:pledge_review": ASSESS,
    "assessment:target_advance": ASSESS,
    "assessment:target_assess": ASSESS,
    "assessment:me": ME,
    "assessment:me_pledge_save": ME,
    "assessment:me_pledge_submit": ME,
    "assessment:me_midyear": ME,
    "assessment:me_yearend": ME,
    "assessment:me_target_save": ME,
    "assessment:pioneer_current": ASSESS,
    "assessment:pioneer": ASSESS,
    "assessment:pioneer_record": ASSESS,
    "assessment:stars_current": ASSESS,
    "assessment:stars": ASSESS,
    "assessment:star_rate": ASSESS,
    "assessment:distribution_current": ADMIN,
    "assessment:distribution": ADMIN,
    "POST /api/v1/assessments/quarterly": ASSESS,
    "GET /api/v1/assessments/quarterly/{evaluation_id}": allow(
        admin=REGION, township_officer=REGION, liaison=REGION, cadre=OWN
    ),
    "POST /api/v1/assessments/quarterly/{evaluation_id}/finalize": ASSESS,
    "POST /api/v1/assessments/quarterly/{evaluation_id}/corrections": ASSESS,
    "POST /api/v1/assessments/annual": ASSESS,
    "POST /api/v1/assessments/annual/{annual_id}/finalize": ASSESS,
    "POST /api/v1/assessments/competency": ASSESS,
}
