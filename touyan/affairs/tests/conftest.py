"""Village-affairs personas: in 坪东社区 (VILLAGE_A1) a one-shoulder secretary, a supervision-committee
director and a member, a committee member; the township A1 officer, a liaison of township A1."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache

from conftest import VILLAGE_A1
from touyan.accounts.models import Role, User


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    """Each test starts with no objection counted against the test client's address."""
    cache.clear()


@pytest.fixture
def village(personas: dict[str, User], cadre_user: Callable[..., User]) -> dict[str, Any]:
    secretary = cadre_user(VILLAGE_A1, ("PS", "VD"), username="sec_a1", name="李书记")
    director = cadre_user(VILLAGE_A1, ("SD",), username="sd_a1", name="王监督")
    member = cadre_user(VILLAGE_A1, ("SM",), username="sm_a1", name="赵监督")
    clerk = cadre_user(VILLAGE_A1, ("VM",), username="vm_a1", name="张委员", phone="13812345678")
    liaison = User.objects.create_user(
        username="liaison_a1", password="Persona#2026", role=Role.LIAISON, region_id="522301001000"
    )
    return {
        "code": VILLAGE_A1,
        "secretary": secretary,
        "director": director,
        "member": member,
        "clerk": clerk,
        "liaison": liaison,
        "township": personas["township_a1"],
        "outsider": personas["township_b1"],
        "county": personas["county_a_admin"],
    }
