"""The kept per-cadre totals compliance reads (training/totals.py) and what a professionalized
secretary owes after trainings (R-TRN-02, S2 第六条: a learning report after each concentrated
training; after poor results an admonition talk and make-up study, recorded)."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from conftest import TOWNSHIP_A1
from touyan.cadres.models import Post
from touyan.training.models import Attendee, TrainingTotal

from .test_api import _attend, _event, _row

pytestmark = pytest.mark.django_db


def _codes(items: list[dict[str, Any]]) -> set[str]:
    return {i["code"] for i in items}


def test_totals_follow_every_roll_change(personas, api_client, make_cadre) -> None:
    c = api_client(personas["township_a1"])
    member = make_cadre(posts=("PCM",))
    _attend(c, _event(c, days=2), member.pk)
    _attend(c, _event(c, level="county", days=3, start_date="2026-04-01", end_date="2026-04-03"), member.pk)
    total = TrainingTotal.objects.get(person=member, year=2026)
    assert (total.attendances, total.hours, total.county_courses) == (2, D("40.00"), 1)
    assert D(_row(c, TOWNSHIP_A1, member.pk)["hours"]) == 40


def test_rows_written_around_the_services_are_counted(personas, api_client, make_cadre) -> None:
    """An attendee row written straight into the table (an import, a repair) is found by the count
    and the region's totals are rebuilt before compliance reads them."""
    c = api_client(personas["township_a1"])
    member = make_cadre(posts=("VM",))
    event = _event(c, days=2)
    _attend(c, event, member.pk)
    row = Attendee.objects.get(event_id=event, person=member)
    other = _event(c, days=5, start_date="2026-05-04", end_date="2026-05-08")
    Attendee.objects.create(
        event_id=other,
        person=member,
        village_id=row.village_id,
        year=2026,
        date=row.date,
        level="township",
        kind="central",
        days=D(5),
        hours=D(40),
    )
    assert D(_row(c, TOWNSHIP_A1, member.pk)["hours"]) == 56
    assert TrainingTotal.objects.get(person=member, year=2026).attendances == 2


def test_learning_report_owed_after_concentrated_training(personas, api_client, cadre_user) -> None:
    """R-TRN-02: a professionalized secretary owes a learning report after a concentrated training
    (shown as pending, apart from the shortfalls of training received); the report clears it."""
    c = api_client(personas["township_a1"])
    sec = cadre_user(posts=("PS",))
    Post.objects.filter(person_id=sec.cadre_id, post="PS").update(professionalized=True)
    event = _event(c, days=3, start_date="2026-03-02", end_date="2026-03-04")
    _attend(c, event, sec.cadre_id)
    row = _row(c, TOWNSHIP_A1, sec.cadre_id)
    assert _codes(row["pending"]) == {"learning_report"}
    assert "learning_report" not in _codes(row["shortfalls"])
    r = api_client(sec).post(
        f"/api/v1/training/events/{event}/feedback", {"text": "体会", "report": True}, content_type="application/json"
    )
    assert r.status_code == 200
    assert _row(c, TOWNSHIP_A1, sec.cadre_id)["pending"] == []


def test_poor_result_owes_an_admonition_talk_until_recorded(personas, api_client, make_cadre) -> None:
    c = api_client(personas["township_a1"])
    sec = make_cadre(posts=("PS",))
    Post.objects.filter(person=sec, post="PS").update(professionalized=True)
    member = make_cadre(posts=("VM",))
    event = _event(c, kind="exam", level="county")
    _attend(c, event, sec.pk, passed=False)
    _attend(c, event, member.pk, passed=False)
    assert _codes(_row(c, TOWNSHIP_A1, sec.pk)["pending"]) == {"follow_up"}
    assert _row(c, TOWNSHIP_A1, member.pk)["pending"] == []  # S2 asks it of professionalized secretaries
    body = {"talk_on": "2026-03-10", "makeup": "参加下一期补学"}
    r = c.post(f"/api/v1/training/events/{event}/attendees/{sec.pk}/follow-up", body, content_type="application/json")
    assert r.status_code == 201
    assert _row(c, TOWNSHIP_A1, sec.pk)["pending"] == []
