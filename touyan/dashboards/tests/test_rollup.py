"""The county's and prefecture's workbench roll-up (issue 16): duty gaps this month and last
month's shortfalls, with counts, due dates and links; periods waiting to be finalized."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import COUNTY_A, PREFECTURE, VILLAGE_A1
from touyan.core import todos
from touyan.regions.models import Region


def _found(user, code):
    ctx = todos.TodoContext(region=Region.objects.get(code=code), today=timezone.localdate())
    return {t.label: t for t in todos.for_user(user, ctx)}


@pytest.mark.django_db
def test_county_and_prefecture_list_duty_gaps_and_shortfalls(login, personas, make_cadre) -> None:
    make_cadre(village=VILLAGE_A1, posts=("PS",))  # full time, never signed in: short last month
    today = timezone.localdate()
    month, last = today.replace(day=1), (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for user, code in ((personas["county_a_admin"], COUNTY_A), (personas["prefecture_admin"], PREFECTURE)):
        found = _found(user, code)
        gaps = found[f"{month:%Y-%m} 值班缺口"]
        assert gaps.count >= 1 and gaps.url == f"/attendance/gaps/{code}/{month:%Y-%m}/" and gaps.urgent
        short = found[f"{last:%Y-%m} 出勤不足的干部"]
        assert short.count == 1 and short.url == f"/attendance/monthly/{code}/{last:%Y-%m}/" and short.due
    page = login(personas["county_a_admin"]).get("/").content.decode()
    assert "值班缺口" in page and f'href="/attendance/gaps/{COUNTY_A}/{month:%Y-%m}/"' in page
    # not a township officer's (its attendance card has them), nor another county's
    assert not any("值班缺口" in label for label in _found(personas["township_a1"], COUNTY_A))
    assert not any("值班缺口" in label for label in _found(personas["county_b_admin"], COUNTY_A))


@pytest.mark.django_db
def test_a_publicised_period_waits_to_be_finalized(personas) -> None:
    from touyan.assessment.models import Period

    Period.objects.create(
        region_id=COUNTY_A, kind="half", year=2026, number=1, state="publicised", appeal_until=timezone.localdate()
    )
    item = _found(personas["county_a_admin"], COUNTY_A)["公示中、待定稿的考核期"]
    assert item.count == 1 and item.url == f"/assessment/periods/{COUNTY_A}/" and "可定稿" in item.note
    assert "公示中、待定稿的考核期" not in _found(personas["county_b_admin"], "522302000000")
