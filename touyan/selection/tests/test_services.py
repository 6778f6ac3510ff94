"""Services of selection beyond the contract rows: a review is not repeated within its validity."""

from __future__ import annotations

import pytest
from django.utils import timezone

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


def test_the_roster_import_keeps_the_quotas(personas) -> None:
    """R-POS-01 and R-POS-03 on the import path: nothing is written when a quota would break."""
    import datetime as dt

    from conftest import VILLAGE_A1, make_id
    from touyan.cadres.bulk import cadres_bulk_upsert
    from touyan.cadres.models import Person
    from touyan.cadres.services import PersonIn, PostIn
    from touyan.core.errors import Conflict

    def person(seq: int, post: str, village: str = VILLAGE_A1, **post_fields: object) -> PersonIn:
        return PersonIn(
            name=f"导入{seq}", id_number=make_id("522301", "19800101", seq), village=village, education="college",
            political_status="party_member",
            posts=[PostIn(post=post, start_date=dt.date(2024, 1, 1), **post_fields)],  # type: ignore[arg-type]
        )  # fmt: skip

    four = [person(i, p, full_time=True) for i, p in enumerate(("PS", "VD", "PDS", "CLK"), start=1)]
    with pytest.raises(Conflict, match="R-POS-01"):
        cadres_bulk_upsert(actor=personas["county_a_admin"], people=four)
    assert not Person.objects.exists()
    two = [
        person(11, "PS", professionalized=True),
        person(12, "PS", village="522301001002", professionalized=True),
    ]
    with pytest.raises(Conflict, match="R-POS-03"):
        cadres_bulk_upsert(actor=personas["county_a_admin"], people=two)
    assert cadres_bulk_upsert(actor=personas["county_a_admin"], people=two[:1]).created == 1


def test_leaving_professional_management_keeps_the_post(sel, make_cadre) -> None:
    """WF-7 → WF-2 (trigger competency): out of professional management, not out of office."""
    import datetime as dt

    from touyan.cadres.models import Post

    person = make_cadre(posts=())
    Post.objects.create(person=person, village_id=person.village_id, post="PS", organisation="party_org",
                        start_date=dt.date(2021, 4, 1), full_time=True, professionalized=True, tier=2)  # fmt: skip
    post = Post.objects.get(person=person)
    e = services.exit_create(actor=sel["township"], post_id=post.pk, trigger="competency", reason="胜任率低于80%")
    assert not e.audit_required
    services.exit_approve(actor=sel["county"], exit_id=e.pk)
    end = timezone.localdate()
    services.exit_complete(actor=sel["township"], exit_id=e.pk, end_date=end)
    current = Post.objects.get(person=person, end_date__isnull=True)
    assert current.post == "PS" and not current.professionalized and current.start_date == end + dt.timedelta(1)
