"""The access table of village affairs (accounts.access): every page and API route with its roles.

Officials reach the villages of their region (REGION: county admin, township officer; ASSIGNED: a
liaison's villages); a village cadre reaches their own village (VILLAGE) — and within it the
services check the post (secretary, supervision committee, any cadre) each step needs. The public
pages and the two public API routes need no login (PUBLIC).
"""

from __future__ import annotations

from touyan.accounts.access import ASSIGNED, OWN, PUBLIC, REGION, VILLAGE, Rule, allow

OFFICIALS_AND_VILLAGE = allow(admin=REGION, township_officer=REGION, liaison=ASSIGNED, cadre=VILLAGE)
VILLAGE_WORK = allow(township_officer=REGION, liaison=ASSIGNED, cadre=VILLAGE)  # writes: the services check the post
TOWNSHIP = allow(admin=REGION, township_officer=REGION)

ROUTES: dict[str, Rule] = {
    # pages
    "affairs:home": OFFICIALS_AND_VILLAGE,
    "affairs:decisions": OFFICIALS_AND_VILLAGE,
    "affairs:decision_new": allow(township_officer=REGION, cadre=VILLAGE),
    "affairs:decision": OFFICIALS_AND_VILLAGE,
    "affairs:decision_step": allow(township_officer=REGION, cadre=VILLAGE),
    "affairs:decision_reject": allow(township_officer=REGION, cadre=VILLAGE),
    "affairs:decision_revise": allow(township_officer=REGION, cadre=VILLAGE),
    "affairs:step_sign": allow(cadre=VILLAGE),
    "affairs:step_file": allow(township_officer=REGION, cadre=VILLAGE),
    "affairs:spending": OFFICIALS_AND_VILLAGE,
    "affairs:spend_new": allow(admin=REGION, township_officer=REGION, cadre=VILLAGE),
    "affairs:spend": OFFICIALS_AND_VILLAGE,
    "affairs:spend_sign": VILLAGE_WORK,
    "affairs:spend_link": allow(township_officer=REGION, cadre=VILLAGE),
    "affairs:spend_file": allow(township_officer=REGION, cadre=VILLAGE),
    "affairs:items": OFFICIALS_AND_VILLAGE,
    "affairs:item_new": allow(admin=REGION, township_officer=REGION, cadre=VILLAGE),
    "affairs:item": OFFICIALS_AND_VILLAGE,
    "affairs:item_action": allow(township_officer=REGION, cadre=VILLAGE),
    "affairs:item_file": allow(township_officer=REGION, cadre=VILLAGE),
    "affairs:pay_notice": TOWNSHIP,
    "affairs:objections": OFFICIALS_AND_VILLAGE,
    "affairs:objection_answer": allow(township_officer=REGION, cadre=VILLAGE),
    "affairs:powers": OFFICIALS_AND_VILLAGE,
    "affairs:collective": TOWNSHIP,
    "affairs:collective_template": TOWNSHIP,
    "affairs:supervision": allow(admin=REGION, township_officer=REGION, cadre=OWN),
    "affairs:supervision_new": allow(admin=REGION, township_officer=REGION, cadre=VILLAGE),
    "affairs:cadre_supervision": allow(admin=REGION, township_officer=REGION, cadre=OWN),
    "affairs:public_links": OFFICIALS_AND_VILLAGE,
    # public pages (云公开)
    "public:village": PUBLIC,
    "public:powers": PUBLIC,
    "public:qr": PUBLIC,
    "public:poster": PUBLIC,
    "public:objection": PUBLIC,
    "public:file": PUBLIC,
    # API
    "POST /api/v1/affairs/decisions": allow(township_officer=REGION, cadre=VILLAGE),
    "GET /api/v1/affairs/decisions": OFFICIALS_AND_VILLAGE,
    "GET /api/v1/affairs/decisions/{decision_id}": OFFICIALS_AND_VILLAGE,
    "POST /api/v1/affairs/decisions/{decision_id}/steps": allow(township_officer=REGION, cadre=VILLAGE),
    "POST /api/v1/affairs/decisions/{decision_id}/reject": allow(township_officer=REGION, cadre=VILLAGE),
    "POST /api/v1/affairs/decisions/{decision_id}/revise": allow(township_officer=REGION, cadre=VILLAGE),
    "POST /api/v1/affairs/decisions/{decision_id}/steps/{step}/countersign": allow(cadre=VILLAGE),
    "POST /api/v1/affairs/expenditures": allow(township_officer=REGION, cadre=VILLAGE),
    "GET /api/v1/affairs/expenditures": OFFICIALS_AND_VILLAGE,
    "GET /api/v1/affairs/expenditures/{expenditure_id}": OFFICIALS_AND_VILLAGE,
    "POST /api/v1/affairs/expenditures/{expenditure_id}/sign": VILLAGE_WORK,
    "POST /api/v1/affairs/expenditures/{expenditure_id}/link": allow(township_officer=REGION, cadre=VILLAGE),
    "POST /api/v1/affairs/disclosures": allow(township_officer=REGION, cadre=VILLAGE),
    "GET /api/v1/affairs/disclosures": OFFICIALS_AND_VILLAGE,
    "POST /api/v1/affairs/disclosures/{item_id}/review": allow(cadre=VILLAGE),
    "POST /api/v1/affairs/disclosures/{item_id}/publish": allow(township_officer=REGION, cadre=VILLAGE),
    "GET /api/v1/affairs/catalogue": OFFICIALS_AND_VILLAGE,
    "GET /api/v1/affairs/objections": OFFICIALS_AND_VILLAGE,
    "POST /api/v1/affairs/objections/{objection_id}/answer": allow(township_officer=REGION, cadre=VILLAGE),
    "PUT /api/v1/affairs/collective/{village}/{year}": TOWNSHIP,
    "POST /api/v1/affairs/supervision": allow(admin=REGION, township_officer=REGION, cadre=VILLAGE),
    "GET /api/v1/public/villages/{code}/disclosures": PUBLIC,
    "POST /api/v1/public/villages/{code}/objections": PUBLIC,
}
