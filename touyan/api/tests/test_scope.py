"""Scope over every endpoint and page (SPEC A1, brief "Scoping").

Each persona — county A admin, township A1 officer, township B1 officer and
an anonymous user — asks for every API endpoint and page about a region
outside its own and is denied (403/404, 401 or a redirect to login), with
nothing written. A positive control shows the same request works inside the
region, so the denial is scope and not a broken URL. A meta-test fails when a
new endpoint or page is added without a row here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import COUNTY_A, COUNTY_B, PREFECTURE, TOWNSHIP_A1, TOWNSHIP_A2, TOWNSHIP_B1, VILLAGE_A1, VILLAGE_B1
from touyan.accounts.models import User
from touyan.audit.models import AuditEvent
from touyan.policy.models import PolicyDocument
from touyan.regions.models import RegionStat


@dataclass(frozen=True)
class Call:
    name: str  # the route it covers (URL pattern or OpenAPI path)
    method: str
    url: str  # {code} is filled with the target region
    body: dict[str, Any] | None = None
    api: bool = True
    admin_only: bool = False  # only an admin may do it even inside scope


CALLS: list[Call] = [
    Call("/api/v1/regions/{code}", "get", "/api/v1/regions/{code}"),
    Call("/api/v1/regions/{code}/children", "get", "/api/v1/regions/{code}/children"),
    Call("/api/v1/regions/{code}/stats", "get", "/api/v1/regions/{code}/stats"),
    Call(
        "/api/v1/regions/{code}/stats/{year}",
        "put",
        "/api/v1/regions/{code}/stats/2025",
        {"rural_income_per_capita": "14000"},
        admin_only=True,
    ),
    Call("/api/v1/policy/{region}", "get", "/api/v1/policy/{code}"),
    Call(
        "/api/v1/policy/{region}",
        "put",
        "/api/v1/policy/{code}",
        {"effective_from": "2026-01-01", "params": {"min_days_per_month": 20}},
        admin_only=True,
    ),
    Call(
        "/api/v1/users",
        "post",
        "/api/v1/users",
        {"username": "intruder", "password": "Long#enough1", "role": "auditor", "region": "{code}"},
        admin_only=True,
    ),
    Call("regions/<str:code>/", "get", "/regions/{code}/", api=False),
    Call(
        "regions/<str:code>/",
        "post",
        "/regions/{code}/",
        {"year": "2025", "rural_income_per_capita": "1"},
        api=False,
        admin_only=True,
    ),
    Call("regions/switch/", "get", "/regions/switch/?code={code}", api=False),
    Call("policy/<str:code>/", "get", "/policy/{code}/", api=False),
    Call(
        "policy/<str:code>/",
        "post",
        "/policy/{code}/",
        {"effective_from": "2026-01-01", "min_days_per_month": "20"},
        api=False,
        admin_only=True,
    ),
    Call(
        "accounts/users/",
        "post",
        "/accounts/users/",
        {"username": "intruder", "password": "Long#enough1", "role": "auditor", "region": "{code}"},
        api=False,
        admin_only=True,
    ),
]

# Routes that are not about a region: public, or scoped by the user alone (tested elsewhere).
UNSCOPED = {
    "/api/v1/auth/token",
    "/api/v1/users",
    "login/",
    "logout/",
    "",
    "regions/",
    "policy/",
    "accounts/users/",
    "audit/",
    "i18n/",
    "sysadmin/",
    "api/v1/",
}

OUTSIDE = {
    "county_a_admin": [COUNTY_B, TOWNSHIP_B1, VILLAGE_B1, PREFECTURE, "530000000000"],
    "township_a1": [TOWNSHIP_A2, COUNTY_A, TOWNSHIP_B1, VILLAGE_B1],
    "township_b1": [TOWNSHIP_A1, VILLAGE_A1, COUNTY_A, COUNTY_B],
    "anonymous": [VILLAGE_A1, TOWNSHIP_B1],
}
INSIDE = {"county_a_admin": TOWNSHIP_A1, "township_a1": VILLAGE_A1, "township_b1": VILLAGE_B1}


def _fill(value: Any, code: str) -> Any:
    if isinstance(value, str):
        return value.replace("{code}", code)
    if isinstance(value, dict):
        return {k: _fill(v, code) for k, v in value.items()}
    return value


def _send(client: Client, call: Call, code: str) -> Any:
    url = _fill(call.url, code)
    body = _fill(call.body, code) if call.body else None
    if call.api:
        return getattr(client, call.method)(
            url, data=json.dumps(body) if body else None, content_type="application/json"
        )
    return getattr(client, call.method)(url, data=body) if body else getattr(client, call.method)(url)


def _counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        RegionStat.objects.count(),
        PolicyDocument.objects.count(),
        AuditEvent.objects.exclude(action__startswith="auth.").count(),
    )


def _client_for(
    persona: str, personas: dict[str, User], api_client: Callable[..., Client], login: Callable[..., Client], api: bool
) -> Client:
    if persona == "anonymous":
        return Client()
    return api_client(personas[persona]) if api else login(personas[persona])


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(OUTSIDE))
@pytest.mark.parametrize("call", CALLS, ids=lambda c: f"{c.method} {c.url}")
def test_denied_outside_region(persona: str, call: Call, personas, api_client, login) -> None:
    client = _client_for(persona, personas, api_client, login, call.api)
    before = _counts()
    for code in OUTSIDE[persona]:
        r = _send(client, call, code)
        expected = ({401} if call.api else {302}) if persona == "anonymous" else {403, 404}
        assert r.status_code in expected, (persona, code, r.status_code, r.content[:300])
        if persona == "anonymous" and not call.api:
            assert r["Location"].startswith("/login/")
    assert _counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(INSIDE))
@pytest.mark.parametrize("call", CALLS, ids=lambda c: f"{c.method} {c.url}")
def test_allowed_inside_region(persona: str, call: Call, personas, api_client, login) -> None:
    """The positive control: inside its region the persona gets through (or is refused by role, not scope)."""
    client = _client_for(persona, personas, api_client, login, call.api)
    r = _send(client, call, INSIDE[persona])
    if call.admin_only and persona != "county_a_admin":
        assert r.status_code == 403, r.content[:300]
    else:
        assert r.status_code in {200, 201, 302}, (r.status_code, r.content[:500])


@pytest.mark.django_db
def test_lists_show_only_the_region(personas, api_client, login) -> None:
    r = api_client(personas["county_a_admin"]).get("/api/v1/users?page_size=200")
    assert r.status_code == 200
    names = {u["username"] for u in r.json()["items"]}
    assert names == {"county_a", "town_a1"}
    assert r.json()["total"] == 2
    page = login(personas["county_a_admin"]).get("/accounts/users/")
    assert b"town_a1" in page.content and b"town_b1" not in page.content and b"pref_admin" not in page.content
    # Township officers have no user list at all; auditors read only their region's events.
    assert api_client(personas["township_a1"]).get("/api/v1/users").status_code == 403
    assert login(personas["township_a1"]).get("/accounts/users/").status_code == 403
    assert login(personas["township_a1"]).get("/audit/").status_code == 403
    assert Client().get("/audit/").status_code == 302


def _routes() -> set[str]:
    found: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                route = prefix + str(p.pattern)
                if route in {"sysadmin/", "api/v1/", "i18n/"}:
                    found.add(route)
                    continue
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                found.add(prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "")
    return found


def test_every_route_has_a_scope_row() -> None:
    covered = {c.name for c in CALLS} | UNSCOPED
    missing = _routes() - covered
    assert not missing, f"add these pages to CALLS or UNSCOPED: {sorted(missing)}"


def test_every_api_operation_has_a_scope_row() -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    covered = {c.name for c in CALLS} | UNSCOPED
    missing = {p for p in paths if p not in covered}
    assert not missing, f"add these endpoints to CALLS or UNSCOPED: {sorted(missing)}"
