"""Action routes work without a body (review, publish)."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def test_review_without_body(api_client, village) -> None:
    clerk = api_client(village["clerk"])
    r = clerk.post(
        "/api/v1/affairs/disclosures",
        json.dumps({"village": village["code"], "item": "F01", "period": "2026-03", "title": "t", "body": "b"}),
        content_type="application/json",
    )
    iid = r.json()["id"]
    r = api_client(village["member"]).post(f"/api/v1/affairs/disclosures/{iid}/review")
    assert r.status_code == 200, r.content
    r = api_client(village["township"]).post(f"/api/v1/affairs/disclosures/{iid}/publish")
    assert r.status_code == 200, r.content
    r = api_client(village["township"]).post(f"/api/v1/affairs/disclosures/{iid}/publish")
    assert r.status_code == 409, r.content
