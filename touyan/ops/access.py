"""Routes of the operations app (accounts.access format)."""

from __future__ import annotations

from touyan.accounts.access import PUBLIC, Rule

ROUTES: dict[str, Rule] = {
    "healthz": PUBLIC,  # A8: anyone, no login
}
