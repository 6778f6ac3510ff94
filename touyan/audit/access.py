"""Routes of the audit log (accounts.access format): the auditor reads its region's events."""

from __future__ import annotations

from touyan.accounts.access import REGION, Rule, allow

ROUTES: dict[str, Rule] = {
    "audit:events": allow(auditor=REGION),
    "audit:export": allow(auditor=REGION),
}
