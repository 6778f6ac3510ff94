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


def test_every_parameter_has_its_own_sentence() -> None:
    """A parameter added later gets a sentence too (not just its name repeated)."""
    from touyan.policy.explain import sentence

    assert [p.key for p in PARAMS if sentence(p) == str(p.label)] == []


@pytest.mark.django_db
def test_numbers_are_number_inputs_with_their_bounds_and_catalogues_are_lists(login, personas) -> None:
    """Days, amounts and thresholds are number inputs with the parameter's bounds; a catalogue is its list
    of items (folded), never a text box."""
    page = _page(login(personas["county_a_admin"]), COUNTY_A)
    days = re.search(r'<input[^>]*name="objection_reply_days"[^>]*>', page)
    assert days is not None
    assert 'type="number"' in days[0] and 'min="1"' in days[0] and 'max="60"' in days[0] and 'step="1"' in days[0]
    assert "可填 1–60 天" in page
    amount = re.search(r'<input[^>]*name="major_matter_threshold"[^>]*>', page)
    assert amount is not None and 'type="number"' in amount[0] and 'min="0"' in amount[0]
    assert 'step="0.01"' in amount[0] and "max=" not in amount[0]
    assert 'name="disclosure_catalogue"' not in page and 'name="micro_power_catalogue"' not in page
    assert "<li>P01 党组织设置及班子成员分工</li>" in page
    assert re.search(r'<input[^>]*name="review_depts"[^>]*type="number"', page) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"), [("0", "应大于或等于 1"), ("61", "应小于或等于 60"), ("2.5", "应为整数"), ("十", "应为整数")]
)
def test_a_number_out_of_bounds_is_refused_in_chinese_on_its_field(login, personas, value, message) -> None:
    client = login(personas["county_a_admin"])
    r = client.post(f"/policy/{COUNTY_A}/", {"effective_from": "2026-12-07", "objection_reply_days": value})
    assert r.status_code == 200
    page = r.content.decode()
    assert "参数未保存:请修改标红的字段。" in page
    field = page.split('name="objection_reply_days"', 1)[1].split("</td>", 1)[0]
    assert f'<div class="invalid-feedback d-block">{message}</div>' in field


def test_percent_text_and_value() -> None:
    """Shares are stored as fractions and shown and typed as percentages (issue 16)."""
    from decimal import Decimal

    from touyan.policy.params import percent_text, percent_value

    assert percent_text(Decimal("0.20")) == "20" and percent_text(Decimal("0.055")) == "5.5"
    assert percent_value("20") == "0.2" and percent_value("20 %") == "0.2" and percent_value("５.５％") == "0.055"
    assert percent_value("abc") == "abc"


@pytest.mark.django_db
def test_shares_are_shown_and_typed_as_percentages(login, personas) -> None:
    from decimal import Decimal

    from touyan.policy.models import PolicyDocument

    county = login(personas["county_a_admin"])
    page = _page(county, COUNTY_A)
    row = page[page.index('for="f-excellent_max_share"') :][:2500]
    assert '20 <span class="small text-muted">%</span>' in row and "0.20" not in row
    r = county.post(f"/policy/{COUNTY_A}/", {"effective_from": "2026-01-01", "excellent_max_share": "25"})
    assert r.status_code == 302
    assert PolicyDocument.objects.get(region_id=COUNTY_A).params["excellent_max_share"] in (
        "0.25",
        0.25,
        Decimal("0.25"),
    )
    assert 'value="25"' in _page(county, COUNTY_A)
    r = county.post(f"/policy/{COUNTY_A}/", {"effective_from": "2026-02-01", "excellent_max_share": "150"})
    assert r.status_code == 200 and "请填写 0 到 100 之间的百分数" in r.content.decode()
