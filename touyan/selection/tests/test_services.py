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
