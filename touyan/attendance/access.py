"""Routes of attendance (accounts.access format).

Officials read their region; writes need cadres.write. A village cadre reads their own month
(OWN), their village's duty book and roster (VILLAGE), and files their own leave; never the
whole village's monthly sheet. The auditor has no row here (SPEC A8).
"""

from __future__ import annotations

from touyan.accounts.access import OWN, REGION, VILLAGE, Rule, allow

OFFICIALS = allow(admin=REGION, township_officer=REGION, liaison=REGION, finance=REGION)
WRITE = allow(admin=REGION, township_officer=REGION)
VILLAGE_BOOK = allow(admin=REGION, township_officer=REGION, liaison=REGION, finance=REGION, cadre=VILLAGE)
LEAVE = allow(admin=REGION, township_officer=REGION, liaison=REGION, finance=REGION, cadre=OWN)
# a leave's route names its approvers: the village secretary (a cadre of the village), the township
DECIDE = allow(admin=REGION, township_officer=REGION, liaison=REGION, cadre=VILLAGE)

ROUTES: dict[str, Rule] = {
    "attendance:me": allow(cadre=OWN),
    "attendance:duty_book_current": VILLAGE_BOOK,
    "attendance:duty_book": VILLAGE_BOOK,
    "attendance:import": WRITE,
    "attendance:import_template": WRITE,
    "attendance:roster_current": VILLAGE_BOOK,
    "attendance:roster": VILLAGE_BOOK,
    "attendance:roster_copy": WRITE,
    "attendance:gaps_current": OFFICIALS,
    "attendance:gaps": OFFICIALS,
    "attendance:leave_list": LEAVE,
    "attendance:leave_new": LEAVE,
    "attendance:leave_detail": LEAVE,
    "attendance:leave_decide": DECIDE,
    "attendance:leave_return": LEAVE,
    "attendance:monthly_current": OFFICIALS,
    "attendance:monthly": OFFICIALS,
    "attendance:monthly_export": OFFICIALS,
    "attendance:monthly_lock": WRITE,
    "attendance:calendar_current": OFFICIALS,
    "attendance:calendar": OFFICIALS,
    "attendance:blocked": OFFICIALS,  # the page refuses a declaration without policy.write
    "attendance:fences_current": WRITE,
    "attendance:fences": WRITE,
    "POST /api/v1/attendance/records": allow(admin=REGION, township_officer=REGION, cadre=OWN),
    "POST /api/v1/attendance/locks": WRITE,
    "GET /api/v1/attendance/monthly": allow(
        admin=REGION, township_officer=REGION, liaison=REGION, finance=REGION, cadre=OWN
    ),
    "POST /api/v1/leave-requests": LEAVE,
    "POST /api/v1/leave-requests/{leave_id}/approve": DECIDE,
    "POST /api/v1/leave-requests/{leave_id}/reject": DECIDE,
    "POST /api/v1/leave-requests/{leave_id}/return": LEAVE,
}
