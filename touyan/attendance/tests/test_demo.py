"""The demo's attendance (touyan.attendance.demo), on the test tree with a fixed today."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD, TOWNSHIP_A1, TOWNSHIP_B1, VILLAGE_A1
from touyan.accounts.models import Role, User
from touyan.attendance.demo import CADRE_USERNAME, load_demo_attendance
from touyan.attendance.models import BlockedPeriod, DutyAssignment, LeaveRequest, MonthLock, Presence, VillageFence
from touyan.attendance.selectors import TownshipTodo, duty_gap_list, monthly_summary, township_todo
from touyan.cadres.models import Post
from touyan.regions.current import SESSION_KEY
from touyan.regions.models import Region

TODAY = dt.date(2026, 12, 3)  # a Thursday
VILLAGE_A1_2 = "522301001002"


@pytest.fixture
def demo_township(personas: dict[str, User], make_cadre: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    home = [make_cadre(VILLAGE_A1, ("PS",)), make_cadre(VILLAGE_A1, ("VD",)), make_cadre(VILLAGE_A1, ("CLK",))]
    other = [make_cadre(VILLAGE_A1_2, ("VD",))] + [make_cadre(VILLAGE_A1_2, ("VM",)) for _ in range(3)]
    Post.objects.filter(person__in=home + other).update(full_time=True)
    return {"home": [p.pk for p in home], "other": [p.pk for p in other]}


def test_demo_attendance_fills_every_page_of_the_township_once(
    personas: dict[str, User], demo_township: dict[str, Any]
) -> None:
    """A4, R-ATT-01…03, WF-4, WF-8 on the demo's own data: the month before last locked, last month
    with two cadres short and one not back from leave, this month's roster with gaps, leave in
    every queue, and a cadre login on duty today who has not signed in yet."""
    township = Region.objects.get(code=TOWNSHIP_A1)
    secretary, director, clerk = demo_township["home"]
    returned, short_1, short_2, overdue = demo_township["other"]
    login = load_demo_attendance(
        actor=personas["national"], township=township, today=TODAY, password=PASSWORD, say=lambda _m: None
    )
    assert login is not None and login.username == CADRE_USERNAME and login.village_name == "坪东社区"
    user = User.objects.get(username=CADRE_USERNAME)
    assert user.role == Role.CADRE and user.cadre_id == secretary and user.region_id == VILLAGE_A1

    # WF-8: October locked; November as A4 computes it (21 workdays in November 2026).
    assert list(MonthLock.objects.values_list("region_id", "month")) == [(TOWNSHIP_A1, dt.date(2026, 10, 1))]
    november = {r.person_id: r.result for r in monthly_summary(prefix="522301001", year=2026, month=11)}
    assert set(november) == set(demo_township["home"] + demo_township["other"])
    assert (november[returned].required_days, november[returned].excused_days) == (19, 2)  # 19–20 Nov, returned
    assert november[returned].unexcused_days == 0
    assert november[short_1].unexcused_days == november[short_2].unexcused_days == 5
    # Leave 26–27 November, not reported back: 30 November is unexcused (R-ATT-03).
    assert (november[overdue].required_days, november[overdue].unexcused_days) == (19, 1)
    assert all(november[p].unexcused_days == 0 for p in (secretary, director, clerk))
    assert not Presence.objects.filter(person_id=overdue, date__gte=dt.date(2026, 11, 26)).exists()

    # WF-4: one returned, one approved and overdue, one at the township, one at the secretary.
    leaves = {lv.person_id: lv for lv in LeaveRequest.objects.all()}
    assert leaves[returned].status == LeaveRequest.Status.RETURNED
    assert leaves[returned].returned_on == dt.date(2026, 11, 21)
    assert leaves[overdue].status == LeaveRequest.Status.APPROVED
    assert (leaves[overdue].start_date, leaves[overdue].end_date) == (dt.date(2026, 11, 26), dt.date(2026, 11, 27))
    assert (leaves[director].days, leaves[director].next_level) == (5, "township")
    assert leaves[director].start_date == dt.date(2026, 12, 7)  # next Monday
    assert (leaves[clerk].days, leaves[clerk].next_level) == (1, "secretary")
    assert BlockedPeriod.objects.get().start_date == dt.date(2027, 6, 1)
    assert VillageFence.objects.get().village_id == VILLAGE_A1

    # R-ATT-01: the secretary is on duty today and has not signed in; 4 and 5 December are uncovered
    # in the second village and show on the township's gap list.
    assert DutyAssignment.objects.filter(village_id=VILLAGE_A1, date=TODAY, person_id=secretary).exists()
    assert not Presence.objects.filter(person_id=secretary, date=TODAY).exists()
    assert Presence.objects.filter(date=TODAY).count() == 1  # the second village's duty officer
    gaps = duty_gap_list(prefix="522301001", year=2026, month=12, villages=[(VILLAGE_A1_2, "栗坪村")])
    assert {dt.date(2026, 12, 4), dt.date(2026, 12, 5)} <= {day for day, _n in gaps[0]["gaps"]}

    # The cadre logs in with the demo password and sees today's sign-in button.
    c = Client()
    c.post("/login/", {"username": CADRE_USERNAME, "password": PASSWORD})
    page = c.get("/attendance/me/").content.decode()
    assert login.person_name in page and "签到" in page

    # Again: nothing more is written.
    counts = (Presence.objects.count(), LeaveRequest.objects.count(), DutyAssignment.objects.count())
    again = load_demo_attendance(
        actor=personas["national"], township=township, today=TODAY, password=PASSWORD, say=lambda _m: None
    )
    assert again == login
    assert (Presence.objects.count(), LeaveRequest.objects.count(), DutyAssignment.objects.count()) == counts


def test_demo_attendance_skips_a_township_without_a_staffed_village(personas: dict[str, User]) -> None:
    township = Region.objects.get(code=TOWNSHIP_A1)
    assert load_demo_attendance(actor=personas["national"], township=township, today=TODAY, password=PASSWORD) is None
    assert not Presence.objects.exists() and not User.objects.filter(username=CADRE_USERNAME).exists()


def test_workbench_shows_the_township_its_attendance_todos(
    personas: dict[str, User], demo_township: dict[str, Any], login: Any
) -> None:
    """R-ATT-01…03, WF-4, WF-8: the township's workbench counts what waits for it — on the demo's
    data one leave at the township, one not reported back, two villages with duty gaps (today's
    duty officer in the first has not signed in; in the second 1 December's duty officer is the
    cadre not back from leave, and 4–5 December are unrostered), and last month's shortfalls;
    another township sees only its own, and a county no such card."""
    township = Region.objects.get(code=TOWNSHIP_A1)
    load_demo_attendance(actor=personas["national"], township=township, today=TODAY, password=PASSWORD)
    todo = township_todo(actor=personas["township_a1"], township=township, today=TODAY)
    short = sum(1 for r in monthly_summary(prefix="522301001", year=2026, month=11) if r.result.shortfall_days)
    assert (todo.leave_waiting, todo.leave_overdue, todo.gap_villages, todo.gap_days) == (1, 1, 2, 4)
    assert (todo.last_month, todo.last_month_short, todo.last_month_locked) == (dt.date(2026, 11, 1), short, False)
    assert todo.lock_opens == dt.date(2026, 12, 4)  # after the 3rd (attendance_lock_day)

    page = login(personas["township_a1"]).get("/").content.decode()
    assert 'id="attendance-todo"' in page and "2 个村(社区)共 4 天" in page and "未锁定,2026-12-04 起可锁定" in page
    assert f'href="/attendance/monthly/{TOWNSHIP_A1}/2026-11/"' in page
    assert "12月值班缺口" in page and "11月出勤不足的干部" in page
    english = login(personas["township_a1"])
    english.cookies["django_language"] = "en"
    page_en = english.get("/").content.decode()
    assert "Duty gaps in December 2026" in page_en and "Cadres short of the required days in November 2026" in page_en
    b1 = login(personas["township_b1"])
    session = b1.session
    session[SESSION_KEY] = TOWNSHIP_A1  # a region outside the officer's scope is ignored
    session.save()
    other = b1.get("/").content.decode()
    assert "1 个村(社区)共 31 天" in other and "共 4 天" not in other  # its one village has no roster at all
    assert township_todo(actor=personas["township_b1"], township=Region.objects.get(code=TOWNSHIP_B1), today=TODAY) == (
        TownshipTodo(0, 0, 1, 31, dt.date(2026, 12, 1), dt.date(2026, 11, 1), 0, False, dt.date(2026, 12, 4))
    )
    assert 'id="attendance-todo"' not in login(personas["county_a_admin"]).get("/").content.decode()
