"""Validation messages in Chinese, with their field locations (issue 16: "Input should be greater
than or equal to 1" in the Chinese UI)."""

from __future__ import annotations

import json
import re

import pytest

from conftest import COUNTY_A
from touyan.core import validation

ENGLISH = re.compile(r"[A-Za-z]{4,}")


def test_messages_by_type() -> None:
    assert validation.message({"type": "greater_than_equal", "ctx": {"ge": 1}, "msg": "Input should be …"}) == (
        "应大于或等于 1"
    )
    assert validation.message({"type": "missing", "msg": "Field required"}) == "必填"
    assert validation.message({"type": "value_error", "msg": "Value error, 区划代码无效"}) == "区划代码无效"
    assert validation.message({"type": "something_new", "msg": "Some English"}) == "输入无效"


def _put(c, url: str, body: dict) -> dict:
    r = c.put(url, data=json.dumps(body), content_type="application/json")
    assert r.status_code == 422
    return r.json()


@pytest.mark.django_db
def test_api_422_messages_are_chinese_and_keep_their_location(api_client, personas) -> None:
    c = api_client(personas["county_a_admin"])
    missing = _put(c, f"/api/v1/policy/{COUNTY_A}", {"params": {}})["detail"]
    assert missing[0]["loc"][-1] == "effective_from" and missing[0]["msg"] == "必填"
    low = _put(c, f"/api/v1/policy/{COUNTY_A}", {"effective_from": "2026-01-01", "params": {"min_days_per_month": 0}})
    assert low["detail"][0]["loc"] == ["body", "params", "min_days_per_month"]
    assert low["detail"][0]["msg"] == "应大于或等于 1"
    bad_date = _put(c, f"/api/v1/policy/{COUNTY_A}", {"effective_from": "2026-99-99", "params": {}})["detail"]
    assert bad_date[0]["loc"][-1] == "effective_from" and "YYYY-MM-DD" in bad_date[0]["msg"]
    for item in [*missing, *low["detail"], *bad_date]:
        assert not ENGLISH.search(item["msg"].replace("YYYY-MM-DD", "")), item
