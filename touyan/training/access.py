"""The access table of cadre development (accounts.access): every page and API route with its roles.

Officials reach the cadres of their region (REGION: county admin, township officer; ASSIGNED: a
liaison's villages, read only); a cadre reaches their own record (OWN: their trainings, feedback,
certificates, secondment log). Writes need an officer or admin: the services check it, and an
event's roll is kept by its organiser (an officer whose region holds the organising region).
"""

from __future__ import annotations

from touyan.accounts.access import ASSIGNED, OWN, REGION, Rule, allow

OFFICERS = allow(admin=REGION, township_officer=REGION)
READERS = allow(admin=REGION, township_officer=REGION, liaison=ASSIGNED)
READERS_AND_OWN = allow(admin=REGION, township_officer=REGION, liaison=ASSIGNED, cadre=OWN)

ROUTES: dict[str, Rule] = {
    # pages
    "training:calendar": READERS_AND_OWN,
    "training:event_new": OFFICERS,
    "training:event": READERS_AND_OWN,
    "training:roll_call": OFFICERS,
    "training:result": OFFICERS,
    "training:roll_import": OFFICERS,
    "training:roll_template": OFFICERS,
    "training:report": READERS,
    "training:report_xlsx": READERS,
    "training:feedback": allow(cadre=OWN),
    "training:me": allow(cadre=OWN),
    "training:cadre": READERS_AND_OWN,
    "training:compliance": READERS,
    "training:reserves": READERS,
    "training:reserve_new": OFFICERS,
    "training:certificates": READERS,
    "training:certificate_new": OFFICERS,
    "training:secondments": READERS,
    "training:secondment_new": OFFICERS,
    "training:export_ledger": READERS,
    "training:export_reserves": READERS,
    # API
    "POST /api/v1/training/events": OFFICERS,
    "GET /api/v1/training/events": READERS_AND_OWN,
    "GET /api/v1/training/events/{event_id}": READERS_AND_OWN,
    "POST /api/v1/training/events/{event_id}/attendees": OFFICERS,
    "GET /api/v1/training/events/{event_id}/attendees": READERS_AND_OWN,
    "POST /api/v1/training/events/{event_id}/attendees/{cadre_id}/result": OFFICERS,
    "POST /api/v1/training/events/{event_id}/feedback": allow(cadre=OWN),
    "POST /api/v1/training/events/{event_id}/attendees/{cadre_id}/follow-up": OFFICERS,
    "GET /api/v1/training/compliance": READERS_AND_OWN,
    "POST /api/v1/training/programmes": OFFICERS,
    "POST /api/v1/training/programmes/{programme_id}/enrolments": OFFICERS,
    "POST /api/v1/training/enrolments/{enrolment_id}/progress": OFFICERS,
    "POST /api/v1/training/enrolments/{enrolment_id}/graduate": OFFICERS,
    "POST /api/v1/reserves/{reserve_id}/mentorships": OFFICERS,
    "POST /api/v1/reserves/mentorships/{mentorship_id}/records": OFFICERS,
    "POST /api/v1/certificates": OFFICERS,
    "GET /api/v1/certificates": READERS_AND_OWN,
    "POST /api/v1/reserves": OFFICERS,
    "GET /api/v1/reserves": READERS_AND_OWN,
    "GET /api/v1/reserves/sufficiency": READERS,
    "POST /api/v1/secondments": OFFICERS,
    "GET /api/v1/secondments": READERS_AND_OWN,
    "POST /api/v1/secondments/{secondment_id}/logs": allow(admin=REGION, township_officer=REGION, cadre=OWN),
    "POST /api/v1/secondments/{secondment_id}/appraisal": OFFICERS,
}
