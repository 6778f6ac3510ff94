"""Selection personas: joint-review officers of 公安 and 纪委监委 in county A (兴义市), one of 公安
in county B; county A reviews with those two departments (review_depts), so a case has two reviews."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import COUNTY_A, COUNTY_B, PASSWORD
from touyan.accounts.models import Role, User
from touyan.policy.services import policy_put


def reviewer(username: str, county: str, department: str) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, role=Role.REVIEWER, region_id=county, department=department
    )


@pytest.fixture
def depts(personas: dict[str, User]) -> dict[str, User]:
    policy_put(
        actor=personas["national"],
        region_code=COUNTY_A,
        effective_from=dt.date(2020, 1, 1),
        params={"review_depts": ["police", "discipline"]},
    )
    return {
        "police": reviewer("police_a", COUNTY_A, "police"),
        "discipline": reviewer("discipline_a", COUNTY_A, "discipline"),
        "police_b": reviewer("police_b", COUNTY_B, "police"),
    }


@pytest.fixture
def sel(personas: dict[str, User], depts: dict[str, User]) -> dict[str, Any]:
    return {
        **depts,
        "township": personas["township_a1"],
        "county": personas["county_a_admin"],
        "outsider": personas["township_b1"],
        "county_b": personas["county_b_admin"],
    }
