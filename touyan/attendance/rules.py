"""The monthly attendance rule, made exact (SPEC A4, R-ATT-01…03). Pure: no ORM.

Workday: a day the statutory calendar marks as working (调休 included).
Present day: any calendar day with a sign-in, a duty-book entry or official
business. Excused day: a workday inside approved leave.
Required days: min(min_days, workdays(m)) − excused, floored at 0; for a part
month in post, round_half_up(min(min_days, workdays(m)) × workdays_in_post /
workdays(m)) − excused.
Shortfall = max(0, required − present); unexcused = workdays in post with
neither presence nor leave.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class MonthFacts:
    """What we know of one cadre in one month."""

    workdays: frozenset[dt.date]  # the month's statutory workdays
    in_post: tuple[dt.date, dt.date] | None  # first and last day in a full-time post within the month
    present: frozenset[dt.date]  # days with presence (any calendar day)
    leave: frozenset[dt.date]  # days inside approved leave (any calendar day)


@dataclass(frozen=True)
class MonthResult:
    required_days: int
    present_days: int
    excused_days: int
    shortfall_days: int
    unexcused_days: int
    workdays_in_post: int


def month_days(year: int, month: int) -> list[dt.date]:
    return [dt.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


@functools.cache
def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a month."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def month_result(facts: MonthFacts, min_days_per_month: int) -> MonthResult:
    """SPEC A4 / R-ATT-01: required, present, excused, shortfall and unexcused days."""
    if facts.in_post is None:
        return MonthResult(0, 0, 0, 0, 0, 0)
    first, last = facts.in_post
    in_post_days = {d for d in facts.workdays if first <= d <= last}
    base = min(min_days_per_month, len(facts.workdays))
    if len(in_post_days) == len(facts.workdays):
        target = base
    elif facts.workdays:
        target = round_half_up(Decimal(base) * len(in_post_days) / len(facts.workdays))
    else:
        target = 0
    excused = {d for d in in_post_days if d in facts.leave}
    present = {d for d in facts.present if first <= d <= last}
    required = max(0, target - len(excused))
    unexcused = {d for d in in_post_days if d not in facts.present and d not in facts.leave}
    return MonthResult(
        required_days=required,
        present_days=len(present),
        excused_days=len(excused),
        shortfall_days=max(0, required - len(present)),
        unexcused_days=len(unexcused),
        workdays_in_post=len(in_post_days),
    )


def in_post_span(
    spans: Iterable[tuple[dt.date, dt.date | None]], year: int, month: int
) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the month covered by any full-time post (A4: part month in post)."""
    lo, hi = month_bounds(year, month)
    first: dt.date | None = None
    last = lo
    for start, end in spans:  # a plain loop: the monthly summary calls this for every cadre
        if start > hi or (end is not None and end < lo):
            continue
        covered_from = start if start > lo else lo
        covered_to = hi if end is None or end > hi else end
        if first is None or covered_from < first:
            first = covered_from
        if covered_to > last:
            last = covered_to
    return None if first is None else (first, last)


def leave_days(start: dt.date, end: dt.date) -> frozenset[dt.date]:
    return frozenset(start + dt.timedelta(days=i) for i in range((end - start).days + 1))


def duty_gaps(days: Iterable[dt.date], on_duty: dict[dt.date, int], min_on_duty: int) -> list[tuple[dt.date, int]]:
    """R-ATT-01 "每天必须有人值班": the days with fewer than `min_on_duty` cadres on duty and present."""
    return [(d, on_duty.get(d, 0)) for d in days if on_duty.get(d, 0) < min_on_duty]


@dataclass(frozen=True)
class LeaveRoute:
    """R-ATT-02: who approves a leave of this length."""

    levels: tuple[str, ...]  # "secretary", "liaison_record", "township"


def leave_route(days: int, *, is_secretary: bool, secretary_max: int = 1, liaison_record_max: int = 3) -> LeaveRoute:
    """≤1 day: the secretary; 2–3 days: the secretary plus a record with the liaison
    official; >3 days: the township. The secretary's own leave goes to the liaison
    official, and over 1 day to the township."""
    if is_secretary:
        return LeaveRoute(("liaison",) if days <= secretary_max else ("liaison", "township"))
    if days <= secretary_max:
        return LeaveRoute(("secretary",))
    if days <= liaison_record_max:
        return LeaveRoute(("secretary", "liaison_record"))
    return LeaveRoute(("secretary", "township"))
