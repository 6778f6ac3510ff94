"""Routes of payroll added with issue 16 (accounts.access format); the app's older pages are
listed in touyan/api/tests/test_scope.py."""

from __future__ import annotations

from touyan.accounts.access import REGION, Rule, allow

BANK = allow(admin=REGION, township_officer=REGION, finance=REGION)  # rows matched within the region

ROUTES: dict[str, Rule] = {
    "payroll:bank_import": BANK,
    "payroll:bank_import_template": BANK,
}
