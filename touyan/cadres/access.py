"""Routes of the cadre files added with issue 16 (accounts.access format); the app's older pages
are listed in touyan/api/tests/test_scope.py."""

from __future__ import annotations

from touyan.accounts.access import REGION, Rule, allow

ROUTES: dict[str, Rule] = {
    "cadres:filings": allow(admin=REGION),  # the county files or returns its townships' changes
}
