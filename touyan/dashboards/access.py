"""Routes of the home page and the structure statistics (accounts.access format)."""

from __future__ import annotations

from touyan.accounts.access import REGION, Rule, allow, everyone

STATS = allow(admin=REGION, township_officer=REGION, liaison=REGION, finance=REGION)

ROUTES: dict[str, Rule] = {
    "home": everyone(),
    "structure_current": STATS,
    "structure": STATS,
    "structure_export": STATS,
}
