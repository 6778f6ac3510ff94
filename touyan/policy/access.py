"""Routes of the policy parameters (accounts.access format): officials read them, an administrator
writes them. Auditors, security administrators and village cadres have no business here."""

from __future__ import annotations

from touyan.accounts.access import REGION, Rule, allow

READERS = allow(admin=REGION, township_officer=REGION, liaison=REGION, finance=REGION, reviewer=REGION)

ROUTES: dict[str, Rule] = {
    "policy:edit_current": READERS,
    "policy:edit": READERS,  # the page refuses a POST without policy.write
    "GET /api/v1/policy/{region}": READERS,
    "PUT /api/v1/policy/{region}": allow(admin=REGION),
}
