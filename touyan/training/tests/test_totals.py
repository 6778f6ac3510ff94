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


def test_learning_report_owed_after_concentrated_training(personas, api_client, cadre_user, login) -> None:
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
    assert "1 次集中培训后未提交学习体会" in login(sec).get("/training/me/?year=2026").content.decode()
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


def test_a_cadre_with_totals_in_two_villages_is_one_row_with_both(personas, api_client, make_cadre) -> None:
    """A cadre who moved within the township during the year: one row, the trainings of both villages."""
    from touyan.regions.models import Region
    from touyan.training.totals import totals_refresh

    c = api_client(personas["township_a1"])
    member = make_cadre(posts=("PCM",))
    _attend(c, _event(c, days=2), member.pk)
    _attend(c, _event(c, days=3, start_date="2026-04-01", end_date="2026-04-03"), member.pk)
    other = Region.objects.filter(code__startswith=TOWNSHIP_A1[:9], level="village").exclude(code=member.village_id)
    first = Attendee.objects.filter(person=member).order_by("date").first()
    assert first is not None and other.exists()
    Attendee.objects.filter(pk=first.pk).update(village_id=other.first().pk)  # type: ignore[union-attr]
    totals_refresh(person_ids=[member.pk], years=[2026])
    assert TrainingTotal.objects.filter(person=member, year=2026).count() == 2
    r = c.get(f"/api/v1/training/compliance?region={TOWNSHIP_A1}&year=2026")
    rows = [i for i in r.json()["items"] if i["cadre"] == member.pk]
    assert len(rows) == 1 and D(rows[0]["hours"]) == 40


def test_surplus_carried_over_from_last_year(personas, api_client, make_cadre) -> None:
    """R-TRN-01 [cfg]: with carry-over allowed, last year's hours above 56 count this year (up to the cap)."""
    from .test_api import _policy

    c = api_client(personas["township_a1"])
    _policy(api_client(personas["national"]), TOWNSHIP_A1, {"carry_over_hours_max": "16"})
    member = make_cadre(posts=("PCM",))
    _attend(c, _event(c, days=9, start_date="2025-03-02", end_date="2025-03-10"), member.pk)  # 72 h: 16 over
    _attend(c, _event(c, days=5, start_date="2026-03-02", end_date="2026-03-06"), member.pk)  # 40 h
    row = _row(c, TOWNSHIP_A1, member.pk)
    assert D(row["hours"]) == 56 and "hours" not in _codes(row["shortfalls"])


def test_new_secretary_untrained_six_months_after_taking_office(personas, api_client, make_cadre) -> None:
    import datetime as dt

    c = api_client(personas["township_a1"])
    sec = make_cadre(posts=("PS",))
    trained = make_cadre(village="522301001002", posts=("PS",))
    Post.objects.filter(person__in=[sec, trained], post="PS").update(start_date=dt.date(2026, 2, 1))
    _attend(c, _event(c, level="county", days=1, start_date="2026-03-02", end_date="2026-03-02"), trained.pk)
    assert "new_secretary" in _codes(_row(c, TOWNSHIP_A1, sec.pk)["shortfalls"])
    assert "new_secretary" not in _codes(_row(c, TOWNSHIP_A1, trained.pk)["shortfalls"])
