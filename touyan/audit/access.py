"""Routes of the audit log (accounts.access format): the auditor reads audit events (SPEC A8),
as does an administrator of the region."""

from __future__ import annotations

from touyan.accounts.access import REGION, Rule, allow

ROUTES: dict[str, Rule] = {
    "audit:events": allow(auditor=REGION, admin=REGION, security_admin=REGION),
}
