"""No rule id on the pay pages for a township officer (issue 16): rule ids stay in docstrings,
tests and the administrators' folded 技术信息."""

from __future__ import annotations

import re

import pytest

from conftest import TOWNSHIP_A1

RULE_ID = re.compile(r"\b(?:R-[A-Z]+-\d+|WF-\d+)\b")
PAGES = [
    f"/payroll/policy/{TOWNSHIP_A1}/",
    "/payroll/runs/",
    f"/payroll/insurance/{TOWNSHIP_A1}/2026/",
    "/payroll/rewards/",
    "/payroll/honours/",
    "/payroll/condolences/",
    "/payroll/departures/",
    f"/payroll/weak/{TOWNSHIP_A1}/2025/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_pay_pages_show_no_rule_id(login, personas, url) -> None:
    r = login(personas["township_a1"]).get(url, follow=True)
    assert r.status_code == 200
    found = RULE_ID.search(r.content.decode())
    assert found is None, found
