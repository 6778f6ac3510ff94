"""Routes of the cadre files (accounts.access format).

Officials with cadres.read reach the files of their region; a village cadre reads their own file
(OWN); writes need cadres.write (county admin, township officer). The auditor reads audit
events, not files (SPEC A8): no row here names the auditor or the security administrator.
"""

from __future__ import annotations

from touyan.accounts.access import OWN, REGION, Rule, allow, everyone

READ = allow(admin=REGION, township_officer=REGION, liaison=REGION, finance=REGION, cadre=OWN)
OFFICIALS = allow(admin=REGION, township_officer=REGION, liaison=REGION, finance=REGION)
WRITE = allow(admin=REGION, township_officer=REGION)
# Every reveal attempt is audited, refused ones too (R-DATA-05): the route lets each role try and
# the service refuses, and records, anyone without cadres.reveal_id or outside the scope.
REVEAL = everyone(REGION)

ROUTES: dict[str, Rule] = {
    "cadres:roster": READ,
    "cadres:create": WRITE,
    "cadres:filings": OFFICIALS,
    "cadres:detail": READ,
    "cadres:edit": WRITE,
    "cadres:add_post": WRITE,
    "cadres:end_post": WRITE,
    "cadres:reveal": REVEAL,
    "cadres_excel:template": WRITE,
    "cadres_excel:import": WRITE,
    "cadres_excel:export": OFFICIALS,
    "cadres_excel:job": OFFICIALS,
    "cadres_excel:job_status": OFFICIALS,
    "cadres_excel:job_download": OFFICIALS,
    "POST /api/v1/cadres": WRITE,
    "GET /api/v1/cadres": READ,
    "GET /api/v1/cadres/{cadre_id}": READ,
    "PATCH /api/v1/cadres/{cadre_id}": WRITE,
    "POST /api/v1/cadres/{cadre_id}/posts": WRITE,
    "POST /api/v1/cadres/{cadre_id}/posts/{post_id}/end": WRITE,
    "POST /api/v1/cadres/{cadre_id}/reveal-id": REVEAL,
}
