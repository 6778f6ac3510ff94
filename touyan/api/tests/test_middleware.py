"""The short middleware chain of bearer-token API requests (touyan/api/middleware.py, issue #4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client, RequestFactory
from django.utils import timezone

from touyan.api.middleware import API_CSP, is_bearer_api
from touyan.attendance.models import Presence


def test_which_requests_take_the_short_chain() -> None:
    rf = RequestFactory()
    bearer = {"Authorization": "Bearer ty_x"}
    assert is_bearer_api(rf.post("/api/v1/attendance/records", headers=bearer))
    assert not is_bearer_api(rf.post("/api/v1/attendance/records"))  # the page's session + CSRF
    assert not is_bearer_api(rf.post("/api/v1/auth/token", headers=bearer))  # axes counts failures there
    assert not is_bearer_api(rf.get("/cadres/", headers=bearer))  # pages


def test_bearer_request_is_served_with_api_headers(personas: dict[str, Any], make_cadre: Any, api_client: Any) -> None:
    cadre = make_cadre(posts=("PS",))
    client = api_client(personas["township_a1"])
    day = timezone.localdate() - dt.timedelta(days=1)
    response = client.post("/api/v1/attendance/records", {"cadre": cadre.pk, "date": str(day)},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201
    assert response.headers["Content-Security-Policy"] == API_CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert not hasattr(response.wsgi_request, "session")  # the page middleware did not run
    assert response.headers["Content-Length"] == str(len(response.content))
    assert response.headers["Content-Language"] == "zh-hans" and "Accept-Language" in response.headers["Vary"]
    # Language follows Accept-Language for API clients, as on the full chain.
    response = client.post("/api/v1/attendance/records", {"cadre": cadre.pk, "date": "2999-01-01"},
                           content_type="application/json", headers={"Accept-Language": "en"})  # fmt: skip
    assert response.status_code == 422 and "future" in str(response.json()).lower()
    assert response.headers["Content-Language"] == "en"
    response = client.post("/api/v1/attendance/records", {"cadre": cadre.pk, "date": "2999-01-01"},
                           content_type="application/json", headers={"Accept-Language": "zh-CN,en;q=0.8"})  # fmt: skip
    assert response.status_code == 422 and "将来" in str(response.json())


def test_bad_token_is_refused_even_with_a_session(personas: dict[str, Any], make_cadre: Any) -> None:
    cadre = make_cadre(posts=("PS",))
    client = Client(headers={"Authorization": "Bearer ty_not-a-token"})
    client.force_login(personas["township_a1"])
    day = timezone.localdate() - dt.timedelta(days=1)
    response = client.post("/api/v1/attendance/records", {"cadre": cadre.pk, "date": str(day)},
                           content_type="application/json")  # fmt: skip
    assert response.status_code in (401, 403)
    assert not Presence.objects.filter(person_id=cadre.pk).exists()
    # Without the bearer header the same session is served by the full chain (the pages' API use).
    session_only = Client()
    session_only.force_login(personas["township_a1"])
    assert session_only.get(f"/api/v1/cadres/{cadre.pk}").status_code == 200
