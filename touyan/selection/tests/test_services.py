"""Services of selection beyond the contract rows: a review is not repeated within its validity."""

from __future__ import annotations

import pytest

from touyan.selection import services
from touyan.selection.models import Case, Review

pytestmark = pytest.mark.django_db


def test_a_review_is_not_repeated_within_its_validity(sel, make_cadre) -> None:
    """R-ELIG-05: the same person is not reviewed twice within review_validity_days (180)."""
    person = make_cadre(posts=())
    first = services.case_create(
        actor=sel["township"], cadre_id=person.pk, purpose="election", village=person.village_id, post="VM"
    )
    services.case_submit(actor=sel["township"], case_id=first.pk)
    for dept in ("police", "discipline"):
        review = Review.objects.get(case=first, department=dept)
        services.review_answer(actor=sel[dept], review_id=review.pk, result="clear")
    Case.objects.filter(pk=first.pk).update(state="withdrawn")  # cleared, then not taken up
    second = services.case_create(
        actor=sel["township"], cadre_id=person.pk, purpose="appointment", village=person.village_id, post="CLK"
    )
    services.case_submit(actor=sel["township"], case_id=second.pk)
    second.refresh_from_db()
    assert second.state == "cleared"
    assert set(Review.objects.filter(case=second).values_list("result", flat=True)) == {"clear"}


def test_career_channels_and_the_county_figures(api_client, sel, make_cadre) -> None:
    """S3 三个通道 / R-TRN-07: records of the three channels and the county's figures."""
    a, b = make_cadre(posts=("PS",)), make_cadre(posts=("VD",))
    town = api_client(sel["township"])
    for cadre, channel in ((a, "township_leadership"), (b, "civil_service"), (b, "public_institution")):
        r = town.post(
            "/api/v1/selection/careers",
            {"cadre": cadre.pk, "channel": channel, "date": "2026-06-01"},
            content_type="application/json",
        )
        assert r.status_code == 201
    bad = town.post(
        "/api/v1/selection/careers",
        {"cadre": a.pk, "channel": "x", "date": "2026-06-01"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    figures = api_client(sel["county"]).get("/api/v1/selection/careers/figures?region=522301000000").json()
    assert figures == {"township_leadership": 1, "civil_service": 1, "public_institution": 1, "total": 3}
    assert api_client(sel["county_b"]).get("/api/v1/selection/careers/figures?region=522301000000").status_code == 404
