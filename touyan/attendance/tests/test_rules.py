"""SPEC A4 made exact, with the seed's numbers (S0: 22 days a month, holidays excepted)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from touyan.attendance import rules
from touyan.attendance.rules import MonthFacts
from touyan.attendance.workcalendar import month_calendar

D = dt.date


def facts(year: int, month: int, *, in_post=None, present=(), leave=()) -> MonthFacts:
    cal = month_calendar(year, month)
    days = rules.month_days(year, month)
    return MonthFacts(
        workdays=cal.workdays,
        in_post=in_post or (days[0], days[-1]),
        present=frozenset(present),
        leave=frozenset(leave),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("month", "workdays", "required"),
    [(1, 21, 21), (2, 16, 16), (3, 22, 22), (4, 21, 21), (5, 19, 19), (6, 21, 21), (7, 23, 22), (8, 21, 21),
     (9, 22, 22), (10, 18, 18), (11, 21, 21), (12, 23, 22)],
)  # fmt: skip
def test_required_days_every_month_of_2026(month: int, workdays: int, required: int) -> None:
    """R-ATT-01 / A4: min(22, workdays) for a cadre in post all month — February 16, March 22, July 22, October 18."""
    f = facts(2026, month)
    assert len(f.workdays) == workdays
    assert rules.month_result(f, 22).required_days == required


@pytest.mark.django_db
def test_leave_excuses_workdays_only() -> None:
    """A4: excused days are workdays inside approved leave; a weekend inside the leave excuses nothing."""
    leave = rules.leave_days(D(2026, 3, 5), D(2026, 3, 9))  # Thu–Mon: 3 workdays, 2 weekend days
    f = facts(2026, 3, leave=leave)
    r = rules.month_result(f, 22)
    assert r.excused_days == 3
    assert r.required_days == 22 - 3


@pytest.mark.django_db
def test_partial_month_is_prorated_half_up() -> None:
    """A4: appointed on 2026-03-16 → in post for 12 of March's 22 workdays: round(22 × 12 / 22) = 12;
    in July (23 workdays) from the 16th → 12 workdays in post: round(22 × 12 / 23) = round(11.478) = 11."""
    march = facts(2026, 3, in_post=(D(2026, 3, 16), D(2026, 3, 31)))
    assert rules.month_result(march, 22).workdays_in_post == 12
    assert rules.month_result(march, 22).required_days == 12
    july = facts(2026, 7, in_post=(D(2026, 7, 16), D(2026, 7, 31)))
    assert rules.month_result(july, 22).workdays_in_post == 12
    assert rules.month_result(july, 22).required_days == 11


@pytest.mark.django_db
def test_shortfall_and_unexcused() -> None:
    """A6 worked example's March: present 20 of 22 required → shortfall 2, and the two empty workdays are
    unexcused; a Saturday on duty counts as present."""
    cal = month_calendar(2026, 3)
    workdays = sorted(cal.workdays)
    present = set(workdays[:20]) | {D(2026, 3, 7)}  # plus a Saturday on duty
    r = rules.month_result(facts(2026, 3, present=present), 22)
    assert (r.required_days, r.present_days, r.shortfall_days, r.unexcused_days) == (22, 21, 1, 2)


def test_in_post_span() -> None:
    spans = [(D(2021, 4, 1), D(2026, 3, 15)), (D(2026, 3, 20), None)]
    assert rules.in_post_span(spans, 2026, 3) == (D(2026, 3, 1), D(2026, 3, 31))
    assert rules.in_post_span([(D(2026, 4, 2), None)], 2026, 3) is None
    assert rules.in_post_span([(D(2026, 3, 11), None)], 2026, 3) == (D(2026, 3, 11), D(2026, 3, 31))
    assert rules.in_post_span([(D(2021, 4, 1), D(2026, 3, 16))], 2026, 3) == (D(2026, 3, 1), D(2026, 3, 16))
    assert rules.in_post_span([(D(2026, 3, 20), D(2026, 3, 25)), (D(2026, 3, 5), D(2026, 3, 9))], 2026, 3) == (
        D(2026, 3, 5),
        D(2026, 3, 25),
    )
    assert rules.in_post_span([(D(2021, 4, 1), D(2026, 2, 28))], 2026, 3) is None
    assert rules.in_post_span([], 2026, 3) is None


def test_leave_route() -> None:
    """R-ATT-02: ≤1 day secretary; 2–3 days secretary + liaison record; >3 days the township;
    the secretary's own leave goes to the liaison official, over 1 day also the township."""
    assert rules.leave_route(1, is_secretary=False).levels == ("secretary",)
    assert rules.leave_route(3, is_secretary=False).levels == ("secretary", "liaison_record")
    assert rules.leave_route(5, is_secretary=False).levels == ("secretary", "township")
    assert rules.leave_route(1, is_secretary=True).levels == ("liaison",)
    assert rules.leave_route(2, is_secretary=True).levels == ("liaison", "township")


def test_duty_gaps() -> None:
    days = [D(2026, 3, 1), D(2026, 3, 2), D(2026, 3, 3)]
    assert rules.duty_gaps(days, {D(2026, 3, 1): 1, D(2026, 3, 3): 2}, 1) == [(D(2026, 3, 2), 0)]


@pytest.mark.django_db
def test_unknown_year_falls_back_to_weekdays_until_entered() -> None:
    from touyan.attendance.models import CalendarDay

    cal = month_calendar(2030, 1)
    assert not cal.confirmed and len(cal.workdays) == 23
    CalendarDay.objects.create(date=D(2030, 1, 1), is_workday=False, note="元旦")
    assert D(2030, 1, 1) not in month_calendar(2030, 1).workdays


# --- location fences (A4 Compliance, R-ATT-04) ---

# 兴义市 (county A): a village office at 25.0918 N, 104.8954 E. One degree of latitude on a sphere
# of 6,371,008.8 m is 6,371,008.8 × π / 180 = 111,195.08 m, so 0.0045° north is 500.38 m.
XINGYI = (Decimal("25.0918"), Decimal("104.8954"))


@pytest.mark.parametrize(
    ("a", "b", "metres"),
    [
        ((0, 0), (1, 0), 111_195),  # one degree of a meridian
        ((0, 0), (0, 1), 111_195),  # one degree of the equator
        # along the 60° N parallel one degree is 55,597.5 m; the great circle between its ends is shorter,
        # 2R·asin(cos 60° · sin 0.5°) = 55,597.01 m
        ((60, 0), (60, 1), 55_597),
        ((0, 0), (0, 180), 20_015_114),  # half the circumference, π × 6,371,008.8 = 20,015,114.4
        (XINGYI, (Decimal("25.0963"), Decimal("104.8954")), 500),  # 0.0045° north: 500.38 m
        (XINGYI, XINGYI, 0),
    ],
)
def test_distance_is_the_haversine_distance_in_whole_metres(a, b, metres) -> None:
    """A4: haversine on a sphere of 6,371,008.8 m, rounded to whole metres; the same both ways."""
    assert rules.distance_m(*a, *b) == metres
    assert rules.distance_m(*b, *a) == metres


def test_fence_check_counts_the_boundary_as_inside() -> None:
    """A4: 500 m from the centre is inside a 500-m fence and outside a 499-m one; far away is
    outside, with the distance kept in both cases."""
    north = (Decimal("25.0963"), Decimal("104.8954"))
    assert rules.fence_check(*XINGYI, 500, *north) == (True, 500)
    assert rules.fence_check(*XINGYI, 499, *north) == (False, 500)
    assert rules.fence_check(*XINGYI, 50, *XINGYI) == (True, 0)
    # 兴仁市 (county B), about 0.36° west and 0.34° north: tens of kilometres away.
    inside, metres = rules.fence_check(*XINGYI, 5000, Decimal("25.4345"), Decimal("105.1862"))
    assert not inside and 45_000 < metres < 50_000


def test_position_and_fence_errors_name_the_field() -> None:
    assert rules.position_errors(Decimal("25.09"), Decimal("104.89")) == {}
    assert rules.position_errors(Decimal(-90), Decimal(180)) == {}
    assert set(rules.position_errors(Decimal("90.000001"), Decimal("104.89"))) == {"latitude"}
    assert set(rules.position_errors(Decimal("25"), Decimal("-180.5"))) == {"longitude"}
    assert set(rules.position_errors(Decimal("NaN"), Decimal("Infinity"))) == {"latitude", "longitude"}
    assert rules.fence_errors(*XINGYI, 500) == {}
    assert (
        rules.fence_errors(Decimal(3), Decimal(73), 50) == {}
        and rules.fence_errors(Decimal(54), Decimal(136), 5000) == {}
    )
    swapped = rules.fence_errors(XINGYI[1], XINGYI[0], 500)  # latitude and longitude swapped: outside China
    assert set(swapped) == {"latitude", "longitude"} and "3" in swapped["latitude"]
    assert set(rules.fence_errors(*XINGYI, 49)) == {"radius_m"}
    assert set(rules.fence_errors(*XINGYI, 5001)) == {"radius_m"}


def test_lock_opens_the_day_after_the_lock_day_of_the_next_month() -> None:
    """WF-8: with `attendance_lock_day` 3 (the default), November 2026 can be locked from
    4 December; December 2026 from 4 January 2027."""
    from touyan.attendance.rules import lock_opens

    assert lock_opens(dt.date(2026, 11, 1), 3) == dt.date(2026, 12, 4)
    assert lock_opens(dt.date(2026, 12, 15), 3) == dt.date(2027, 1, 4)
    assert lock_opens(dt.date(2026, 1, 31), 28) == dt.date(2026, 3, 1)


def test_distinct_approver() -> None:
    """R-ATT-02: the approver of the previous level (user 7) may not approve the next; user 8 may."""
    assert rules.distinct_approver(None, 7)
    assert not rules.distinct_approver(7, 7)
    assert rules.distinct_approver(7, 8)
