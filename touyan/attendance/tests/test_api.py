"""POST /api/v1/attendance/records with a position (SPEC A4 Compliance, A7): latitude and
longitude in, only inside/outside and the distance out; the OpenAPI document says so."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import COUNTY_A, VILLAGE_A1
from touyan.attendance import services
from touyan.attendance.models import Presence

URL = "/api/v1/attendance/records"


def _post(client: Client, body: dict) -> Any:
    return client.post(URL, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def located(personas) -> None:
    """County A checks location; 坪东社区 has a 500-m fence around 25.0918 N 104.8954 E."""
    from touyan.policy.services import policy_put

    policy_put(actor=personas["county_a_admin"], region_code=COUNTY_A, effective_from=timezone.localdate(),
               params={"location_check": True})  # fmt: skip
    services.fence_set(actor=personas["township_a1"], village_code=VILLAGE_A1, latitude=Decimal("25.0918"),
                       longitude=Decimal("104.8954"), radius_m=500)  # fmt: skip


@pytest.mark.django_db
def test_latitude_and_longitude_go_together(cadre_user, api_client, located) -> None:
    me = cadre_user()
    client = api_client(me)
    body = {"cadre": me.cadre_id, "date": timezone.localdate().isoformat()}
    r = _post(client, body | {"latitude": 25.0963})
    assert r.status_code == 422
    assert [d["loc"] for d in r.json()["detail"]] == [["body", "longitude"]] and "同时" in r.json()["detail"][0]["msg"]
    r = _post(client, body | {"longitude": 104.8954})
    assert r.status_code == 422 and [d["loc"] for d in r.json()["detail"]] == [["body", "latitude"]]
    r = _post(client, body | {"latitude": 95, "longitude": 104.8954})
    assert r.status_code == 422 and [d["loc"] for d in r.json()["detail"]] == [["body", "latitude"]]
    r = _post(client, body | {"latitude": "north", "longitude": 104.8954})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "latitude"
    assert Presence.objects.count() == 0


@pytest.mark.django_db
def test_the_answer_says_inside_or_outside_and_how_far(cadre_user, api_client, located) -> None:
    near, far = cadre_user(), cadre_user()
    today = timezone.localdate().isoformat()
    r = _post(api_client(near), {"cadre": near.cadre_id, "date": today, "latitude": 25.0963, "longitude": 104.8954})
    assert r.status_code == 201, r.content
    assert (r.json()["inside_fence"], r.json()["distance_m"]) == (True, 500)
    again = _post(api_client(near), {"cadre": near.cadre_id, "date": today, "latitude": 30, "longitude": 110})
    assert again.status_code == 200 and (again.json()["inside_fence"], again.json()["distance_m"]) == (True, 500)
    r = _post(api_client(far), {"cadre": far.cadre_id, "date": today, "latitude": "25.1098", "longitude": "104.8954"})
    assert r.status_code == 201 and r.json()["inside_fence"] is False and r.json()["distance_m"] == 2002
    assert set(Presence.objects.values_list("inside_fence", "distance_m")) == {(True, 500), (False, 2002)}


@pytest.mark.django_db
def test_a_client_can_no_longer_assert_inside_fence(cadre_user, api_client, located) -> None:
    """The old input fields are gone: a client that sends inside_fence/distance_m gets a sign-in
    without any location (the server alone decides, from a position)."""
    me = cadre_user()
    body = {"cadre": me.cadre_id, "date": timezone.localdate().isoformat(), "inside_fence": True, "distance_m": 3}
    r = _post(api_client(me), body)
    assert r.status_code == 201 and r.json()["inside_fence"] is None and r.json()["distance_m"] is None
    assert Presence.objects.get().inside_fence is None


def test_openapi_document_has_position_in_and_the_result_out() -> None:
    schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    record_in, record_out = schemas["RecordIn"]["properties"], schemas["RecordOut"]["properties"]
    assert {"latitude", "longitude"} <= set(record_in) and not {"inside_fence", "distance_m"} & set(record_in)
    assert {"inside_fence", "distance_m"} <= set(record_out) and not {"latitude", "longitude"} & set(record_out)
