"""The policy page in words (issue 16): parameters by their Chinese names with a sentence each; keys
and rule ids only in a folded 技术信息 for administrators."""

from __future__ import annotations

import re

import pytest

from conftest import COUNTY_A, TOWNSHIP_A1
from touyan.policy.params import PARAMS

RULE_ID = re.compile(r"\b(?:R-[A-Z]+-\d+|WF-\d+)\b")


def _page(client, code: str) -> str:
    r = client.get(f"/policy/{code}/")
    assert r.status_code == 200
    return r.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["township_a1", "county_a_admin"])
def test_policy_page_names_each_parameter_in_chinese_with_a_sentence(login, personas, who) -> None:
    page = _page(login(personas[who]), TOWNSHIP_A1 if who == "township_a1" else COUNTY_A)
    assert "每月在村工作天数" in page
    assert "村干部每月应在村坐班的天数,不足的影响绩效报酬。" in page
    assert "考核结果公布后,干部可在这些天内申诉;申诉期满才能最终确定。" in page
    assert "值班日(all=" not in page  # the choice's values in Chinese
    assert "每天" in page


@pytest.mark.django_db
def test_policy_page_shows_a_township_officer_no_key_and_no_rule_id(login, personas) -> None:
    page = _page(login(personas["township_a1"]), TOWNSHIP_A1)
    assert RULE_ID.search(page) is None, RULE_ID.search(page)
    for p in PARAMS:
        assert p.key not in page, p.key
    assert "技术信息" not in page


@pytest.mark.django_db
def test_policy_page_folds_keys_and_rule_ids_for_an_administrator(login, personas) -> None:
    page = _page(login(personas["county_a_admin"]), COUNTY_A)
    assert (
        '<details class="small text-muted policy-tech"><summary>技术信息</summary><code>term_years</code> · R-ORG-02'
        in page
    )
    # Outside the folded details no rule id is shown.
    unfolded = re.sub(r"<details.*?</details>", "", page, flags=re.S)
    assert RULE_ID.search(unfolded) is None
