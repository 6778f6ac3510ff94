"""The dashboard API (SPEC A8): every figure against a direct count of the scenario in
test_structure (county A on 2026-03-01), scope and roles."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import COUNTY_A, COUNTY_B, PREFECTURE, TOWNSHIP_A1
from touyan.dashboards.tests.test_structure import ON, county  # noqa: F401 - the scenario fixture

pytestmark = pytest.mark.django_db


def test_api_cadres_and_villages_equal_a_direct_count(county: dict[str, Any], api_client: Any) -> None:  # noqa: F811
    r = api_client(county["county_a_admin"]).get(f"/api/v1/dashboards/{COUNTY_A}?on={ON.isoformat()}")
    assert r.status_code == 200, r.content
    body = r.json()
    print(body)
    assert body["cadres"]["total"] == 8
