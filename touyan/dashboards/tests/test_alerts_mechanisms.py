"""The alerts of the newer mechanisms (SPEC A8 `GET /api/v1/alerts`) on the scenario of
test_structure (county A): training shortfall (R-TRN-01), certificate expiring (R-TRN-03), reserves
short (R-TRN-06), joint review overdue (R-ELIG-04), professionalized share over the cap (R-POS-03) —
each with its rule, owner role, due date and state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import COUNTY_A
from touyan.accounts.models import Department
from touyan.cadres.models import Person, Post
from touyan.dashboards.tests.test_structure import V1, V2
from touyan.dashboards.tests.test_structure import county as county  # the scenario fixture
from touyan.selection.models import Case, Review
from touyan.training.models import Certificate

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 10)


def fetch(client: Any, kind: str) -> list[dict[str, Any]]:
    r = client.get(f"/api/v1/alerts?region={COUNTY_A}&on={ON.isoformat()}&kind={kind}")
    assert r.status_code == 200, r.content
    return r.json()["items"]


def test_certificate_expiring_and_expired(county: dict[str, Any], api_client: Any) -> None:
    """R-TRN-03: within `certificate_expiry_alert_days` (the policy's) of expiry, or past it: due on
    the expiry date, overdue once it has passed; a revoked certificate is no alert."""
    p = Person.objects.get(name="干部1")
    for number, expires, revoked in (
        ("A1", ON + dt.timedelta(days=20), None),
        ("A2", ON - dt.timedelta(days=3), None),
        ("A3", ON + dt.timedelta(days=5), ON - dt.timedelta(days=1)),
        ("A4", ON + dt.timedelta(days=900), None),
    ):
        Certificate.objects.create(
            person=p,
            village_id=V1,
            kind="social_worker",
            number=number,
            issued_on=dt.date(2020, 1, 1),
            expires_on=expires,
            revoked_on=revoked,
        )
    items = fetch(api_client(county["county_a_admin"]), "certificate_expiring")
    assert [(a["due_date"], a["state"]) for a in items] == [
        ((ON - dt.timedelta(days=3)).isoformat(), "overdue"),
        ((ON + dt.timedelta(days=20)).isoformat(), "open"),
    ]
    assert {a["rule"] for a in items} == {"R-TRN-03"} and {a["owner_role"] for a in items} == {"township_officer"}
    assert all(a["region"] == V1 and "干部1" in a["subject"] and a["resolution"] for a in items)


def test_training_shortfall_and_reserves_short(county: dict[str, Any], api_client: Any) -> None:
    """R-TRN-01: nobody trained yet in 2026 → each village with cadres short, due 31 December.
    R-TRN-06: no reserves → every village with posts short, due at once."""
    client = api_client(county["county_a_admin"])
    short = fetch(client, "training_shortfall")
    villages = sorted({p.village_id for p in Post.objects.filter(village__code__startswith="522301")})
    assert [a["region"] for a in short] == villages
    assert {(a["due_date"], a["state"], a["owner_role"]) for a in short} == {("2026-12-31", "open", "township_officer")}
    assert all(a["rule"].startswith("R-TRN-0") for a in short)
    reserves = fetch(client, "reserves_short")
    assert reserves and {(a["rule"], a["due_date"], a["state"]) for a in reserves} == {("R-TRN-06", None, "open")}
    assert all(a["subject"] and a["resolution"] for a in reserves)


def test_review_overdue_and_professionalized_share(county: dict[str, Any], api_client: Any) -> None:
    """R-ELIG-04: an unanswered review past its due date (case in joint review) is overdue, owned
    by the reviewing department; an answered one or one not yet due is none. R-POS-03: more
    professionalized secretaries than ½ of a township's villages."""
    p = Person.objects.get(name="干部1")
    case = Case.objects.create(cadre=p, village_id=V1, purpose="election", post="PS", state=Case.State.JOINT_REVIEW)
    Review.objects.create(
        case=case, county=COUNTY_A, department=Department.choices[0][0], due_date=ON - dt.timedelta(days=2)
    )
    Review.objects.create(
        case=case, county=COUNTY_A, department=Department.choices[1][0], due_date=ON + dt.timedelta(days=2)
    )
    Review.objects.create(
        case=case,
        county=COUNTY_A,
        department=Department.choices[2][0],
        due_date=ON - dt.timedelta(days=5),
        result="clear",
    )
    client = api_client(county["county_a_admin"])
    items = fetch(client, "review_overdue")
    assert [(a["rule"], a["region"], a["due_date"], a["state"], a["owner_role"]) for a in items] == [
        ("R-ELIG-04", V1, (ON - dt.timedelta(days=2)).isoformat(), "overdue", "reviewer")
    ]
    d = client.get(f"/api/v1/dashboards/{COUNTY_A}?on={ON.isoformat()}").json()["selection"]
    assert (d["joint_review_cases"], d["reviews_open"], d["reviews_overdue"]) == (1, 2, 1)
    Post.objects.filter(village_id__in=[V1, V2], post="PS").update(professionalized=True)
    over = fetch(client, "share_quota_exceeded")
    quota = client.get(f"/api/v1/dashboards/{COUNTY_A}?on={ON.isoformat()}").json()["selection"]["quota"]
    assert quota["prof_over_townships"] == len([a for a in over if a["rule"] == "R-POS-03"]) == 1
    assert all(a["owner_role"] == "admin" and a["due_date"] is None for a in over)
