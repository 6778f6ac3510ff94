"""API v1 contract (SPEC A7): auth, users, regions, stats, policy."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conftest import COUNTY_A, PASSWORD, PREFECTURE, TOWNSHIP_A1, VILLAGE_A1
from touyan.accounts.models import ApiToken, User
from touyan.audit.models import AuditEvent
from touyan.regions.models import RegionStat


def put(client: Client, url: str, body: dict) -> Any:
    return client.put(url, data=json.dumps(body), content_type="application/json")


def post(client: Client, url: str, body: dict) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_openapi_document_is_served() -> None:
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for p in [
        "/api/v1/auth/token",
        "/api/v1/users",
        "/api/v1/regions/{code}",
        "/api/v1/regions/{code}/children",
        "/api/v1/regions/{code}/stats/{year}",
        "/api/v1/policy/{region}",
    ]:
        assert p in paths


@pytest.mark.django_db
def test_token_issue_and_use(personas) -> None:
    r = post(Client(), "/api/v1/auth/token", {"username": "county_a", "password": PASSWORD})
    assert r.status_code == 200
    token = r.json()["token"]
    stored = ApiToken.objects.get(user=personas["county_a_admin"])
    assert token not in stored.key_hash and len(stored.key_hash) == 64  # only the hash is stored
    c = Client(headers={"Authorization": f"Bearer {token}"})
    assert c.get(f"/api/v1/regions/{COUNTY_A}").json() == {
        "code": COUNTY_A,
        "name": "兴义市",
        "level": "county",
        "parent": PREFECTURE,
    }
    assert Client(headers={"Authorization": "Bearer ty_wrong"}).get(f"/api/v1/regions/{COUNTY_A}").status_code == 401


@pytest.mark.django_db
def test_expired_token_refused(personas) -> None:
    from django.utils import timezone

    r = post(Client(), "/api/v1/auth/token", {"username": "county_a", "password": PASSWORD})
    ApiToken.objects.update(expires_at=timezone.now())
    c = Client(headers={"Authorization": f"Bearer {r.json()['token']}"})
    assert c.get(f"/api/v1/regions/{COUNTY_A}").status_code == 401


@pytest.mark.django_db
def test_lockout_after_five_failures(personas) -> None:
    c = Client()
    for _ in range(4):
        assert post(c, "/api/v1/auth/token", {"username": "county_a", "password": "wrong"}).status_code == 403
    assert post(c, "/api/v1/auth/token", {"username": "county_a", "password": "wrong"}).status_code == 429
    # The right password no longer works: the account is locked out.
    r = post(c, "/api/v1/auth/token", {"username": "county_a", "password": PASSWORD})
    assert r.status_code == 429
    assert "锁定" in r.json()["detail"]
    assert AuditEvent.objects.filter(action="auth.lockout", actor_username="county_a").exists()
    assert AuditEvent.objects.filter(action="auth.login", result="failed").count() >= 5


@pytest.mark.django_db
def test_children_and_short_codes(api_client, personas) -> None:
    c = api_client(personas["county_a_admin"])
    r = c.get("/api/v1/regions/522301/children")
    assert r.status_code == 200
    assert [x["code"] for x in r.json()] == ["522301001000", "522301002000"]
    assert all(x["level"] == "township" for x in r.json())
    assert c.get("/api/v1/regions/52230").status_code == 422  # five digits: not a division code


@pytest.mark.django_db
def test_put_stats(api_client, personas) -> None:
    c = api_client(personas["county_a_admin"])
    r = put(
        c,
        f"/api/v1/regions/{COUNTY_A}/stats/2025",
        {"rural_income_per_capita": "14000", "ref_new_staff_monthly": "4500.50"},
    )
    assert r.status_code == 200
    assert r.json()["rural_income_per_capita"] == "14000"
    stat = RegionStat.objects.get(region_id=COUNTY_A, year=2025)
    assert str(stat.rural_income_per_capita) == "14000.00"
    r = put(c, f"/api/v1/regions/{COUNTY_A}/stats/2025", {"rural_income_per_capita": "14100"})
    assert r.status_code == 200 and RegionStat.objects.filter(region_id=COUNTY_A).count() == 1
    event = AuditEvent.objects.filter(action="regions.stat.put").latest("id")
    assert event.changes["rural_income_per_capita"] == ["14000.00", "14100"]
    bad = put(c, f"/api/v1/regions/{COUNTY_A}/stats/2025", {"rural_income_per_capita": "-1"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "rural_income_per_capita"
    assert put(c, f"/api/v1/regions/{COUNTY_A}/stats/1800", {"rural_income_per_capita": "1"}).status_code == 422
    # A township officer may read but not set statistics.
    t = api_client(personas["township_a1"])
    assert put(t, f"/api/v1/regions/{TOWNSHIP_A1}/stats/2025", {"rural_income_per_capita": "1"}).status_code == 403


@pytest.mark.django_db
def test_create_user(api_client, personas) -> None:
    c = api_client(personas["county_a_admin"])
    body = {"username": "town_a2", "password": "Long#enough1", "role": "township_officer", "region": "522301002"}
    r = post(c, "/api/v1/users", body)
    assert r.status_code == 201, r.content
    assert r.json() == {
        "id": r.json()["id"],
        "username": "town_a2",
        "role": "township_officer",
        "region": "522301002000",
        "display_name": "",
        "cadre": None,
        "department": "",  # A8: a reviewer's department (R-ELIG-04)
    }
    assert post(c, "/api/v1/users", body).status_code == 409
    bad_role = post(c, "/api/v1/users", body | {"username": "x1", "role": "king"})
    assert bad_role.status_code == 422 and bad_role.json()["detail"][0]["loc"][-1] == "role"
    wrong_level = post(c, "/api/v1/users", body | {"username": "x2", "region": COUNTY_A})
    assert wrong_level.status_code == 422 and wrong_level.json()["detail"][0]["loc"][-1] == "region"
    weak = post(c, "/api/v1/users", body | {"username": "x3", "password": "123"})
    assert weak.status_code == 422 and weak.json()["detail"][0]["loc"][-1] == "password"
    assert AuditEvent.objects.filter(action="accounts.user.create", object_id=str(r.json()["id"])).exists()
    assert User.objects.filter(username__in=["x1", "x2", "x3"]).count() == 0


@pytest.mark.django_db
def test_policy_get_and_put(api_client, personas) -> None:
    c = api_client(personas["county_a_admin"])
    r = put(c, f"/api/v1/policy/{COUNTY_A}", {"effective_from": "2026-01-01", "params": {"min_days_per_month": 20}})
    assert r.status_code == 201, r.content
    r = c.get(f"/api/v1/policy/{VILLAGE_A1}?on=2026-03-01")
    assert r.status_code == 200
    body = r.json()
    assert body["params"]["min_days_per_month"]["value"] == 20
    assert body["params"]["min_days_per_month"]["source"] == COUNTY_A
    assert body["params"]["perf_share"] == {
        "key": "perf_share",
        "value": "0.4",
        "source": None,
        "law": False,
        "rule": "R-PAY-04",
        "label": "绩效报酬占年度报酬比例",
    }
    assert body["params"]["term_years"]["law"] is True
    assert c.get(f"/api/v1/policy/{VILLAGE_A1}?on=2025-12-31").json()["params"]["min_days_per_month"]["value"] == 22
    locked = put(c, f"/api/v1/policy/{COUNTY_A}", {"effective_from": "2026-01-01", "params": {"term_years": 3}})
    assert locked.status_code == 422
    assert locked.json()["detail"][0]["loc"] == ["body", "params", "term_years"]
    floor = put(
        c,
        f"/api/v1/policy/{COUNTY_A}",
        {"effective_from": "2026-01-01", "params": {"base_standard_one_shoulder": 29000}},
    )
    assert floor.status_code == 422 and "一肩挑" in floor.json()["detail"][0]["msg"]
    no_date = put(c, f"/api/v1/policy/{COUNTY_A}", {"params": {}})
    assert no_date.status_code == 422 and no_date.json()["detail"][0]["loc"][-1] == "effective_from"


@pytest.mark.django_db
def test_english_messages(api_client, personas) -> None:
    c = api_client(personas["county_a_admin"])
    r = c.put(
        f"/api/v1/policy/{COUNTY_A}",
        data=json.dumps({"effective_from": "2026-01-01", "params": {"term_years": 3}}),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert r.status_code == 422
    assert "cannot be changed" in r.json()["detail"][0]["msg"]


def _token_statements(queries: Any) -> int:
    return sum(ApiToken._meta.db_table in q["sql"] for q in queries)


@pytest.mark.django_db
def test_token_is_checked_once_in_the_cache_window_and_refused_after_it(personas, monkeypatch) -> None:
    """Issue #4: a token found good is remembered for API_TOKEN_CACHE_SECONDS (10 s) by the
    process; a token revoked in the meantime works until the window ends, not after."""
    import datetime as dt
    from types import SimpleNamespace

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from touyan.accounts import services

    token = post(Client(), "/api/v1/auth/token", {"username": "county_a", "password": PASSWORD}).json()["token"]
    c = Client(headers={"Authorization": f"Bearer {token}"})
    with CaptureQueriesContext(connection) as first:
        assert c.get(f"/api/v1/regions/{COUNTY_A}").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert c.get(f"/api/v1/regions/{COUNTY_A}").status_code == 200
    assert _token_statements(first.captured_queries) >= 1
    assert _token_statements(second.captured_queries) == 0
    ApiToken.objects.update(revoked=True)
    assert c.get(f"/api/v1/regions/{COUNTY_A}").status_code == 200  # inside the window
    later = timezone.now() + dt.timedelta(seconds=11)
    monkeypatch.setattr(services, "timezone", SimpleNamespace(now=lambda: later))
    assert c.get(f"/api/v1/regions/{COUNTY_A}").status_code == 401


@pytest.mark.django_db
def test_token_cache_off_refuses_a_revoked_token_at_once(personas, settings) -> None:
    settings.API_TOKEN_CACHE_SECONDS = 0
    token = post(Client(), "/api/v1/auth/token", {"username": "county_a", "password": PASSWORD}).json()["token"]
    c = Client(headers={"Authorization": f"Bearer {token}"})
    assert c.get(f"/api/v1/regions/{COUNTY_A}").status_code == 200
    ApiToken.objects.update(revoked=True)
    assert c.get(f"/api/v1/regions/{COUNTY_A}").status_code == 401


@pytest.mark.django_db
def test_token_expiring_inside_the_window_is_not_remembered(personas) -> None:
    import datetime as dt

    from django.utils import timezone

    token = post(Client(), "/api/v1/auth/token", {"username": "county_a", "password": PASSWORD}).json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() + dt.timedelta(seconds=5))
    c = Client(headers={"Authorization": f"Bearer {token}"})
    assert c.get(f"/api/v1/regions/{COUNTY_A}").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now())
    assert c.get(f"/api/v1/regions/{COUNTY_A}").status_code == 401


@pytest.mark.django_db
def test_role_change_reaches_a_remembered_token_at_once(personas) -> None:
    """user_set_role forgets this process's remembered tokens: the new region applies to the next request."""
    from conftest import TOWNSHIP_A2
    from touyan.accounts.services import user_set_role

    token = post(Client(), "/api/v1/auth/token", {"username": "town_a1", "password": PASSWORD}).json()["token"]
    c = Client(headers={"Authorization": f"Bearer {token}"})
    assert c.get(f"/api/v1/regions/{TOWNSHIP_A1}").status_code == 200
    user_set_role(actor=personas["county_a_admin"], user_id=personas["township_a1"].pk, role="township_officer",
                  region_code=TOWNSHIP_A2)  # fmt: skip
    assert c.get(f"/api/v1/regions/{TOWNSHIP_A1}").status_code in (403, 404)
    assert c.get(f"/api/v1/regions/{TOWNSHIP_A2}").status_code == 200
