"""The access table of the home page and oversight (accounts.access): the structure statistics, the
cockpit, the alerts centre, the standard reports and their API.

Aggregate figures and alerts of a region are for its officials — admin, township officer, liaison
and finance, each within their own region (REGION); an auditor reads audit events, a reviewer their
department's reviews and a cadre their own file (SPEC A8): they are refused.
"""

from __future__ import annotations

from touyan.accounts.access import REGION, Rule, allow, everyone

STATS = allow(admin=REGION, township_officer=REGION, liaison=REGION, finance=REGION)
OFFICIALS = STATS

ROUTES: dict[str, Rule] = {
    "home": everyone(),
    "structure_current": STATS,
    "structure": STATS,
    "structure_export": STATS,
    # the cockpit, the alerts centre and the standard reports
    "cockpit_current": OFFICIALS,
    "cockpit": OFFICIALS,
    "cockpit_export": OFFICIALS,
    "alerts_current": OFFICIALS,
    "alerts": OFFICIALS,
    "alerts_export": OFFICIALS,
    "report_start": OFFICIALS,
    # a report job is seen by the user who started it only (core.jobs.access_job)
    "report_job": OFFICIALS,
    "report_status": OFFICIALS,
    "report_download": OFFICIALS,
    # API
    "GET /api/v1/dashboards/{code}": OFFICIALS,
    "GET /api/v1/alerts": OFFICIALS,
}
