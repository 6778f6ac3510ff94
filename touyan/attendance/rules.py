"""The monthly attendance rule, made exact (SPEC A4, R-ATT-01…03). Pure: no ORM.

Workday: a day the statutory calendar marks as working (调休 included).
Present day: any calendar day with a sign-in, a duty-book entry or official
business. Excused day: a workday inside approved leave.
Required days: min(min_days, workdays(m)) − excused, floored at 0; for a part
month in post, round_half_up(min(min_days, workdays(m)) × workdays_in_post /
workdays(m)) − excused.
Shortfall = max(0, required − present); unexcused = workdays in post with
neither presence nor leave.
Location fence (A4 Compliance, R-ATT-04): a web sign-in's position is checked against the
village's fence (a centre and a radius) and only inside/outside and the distance are kept.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _


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


def lock_opens(month: dt.date, lock_day: int) -> dt.date:
    """WF-8: the first day a township may lock `month`: the day after day `attendance_lock_day`
    of the next month, so that the villages can check the month first."""
    next_month = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return next_month.replace(day=lock_day) + dt.timedelta(days=1)


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


def distinct_approver(previous_approver_id: int | None, actor_id: int | None) -> bool:
    """R-ATT-02 (separation of duties): a user who approved one level of a leave does not approve
    the next one — a township officer who signed for the secretary leaves the township's level
    to a colleague. No earlier level, or another user: allowed."""
    return previous_approver_id is None or previous_approver_id != actor_id


# --- location fences for web sign-in (A4 Compliance, R-ATT-04, R-DATA-01) ---

EARTH_RADIUS_M = 6_371_008.8  # the mean Earth radius (IUGG), in metres
FENCE_RADIUS_MIN, FENCE_RADIUS_MAX, FENCE_RADIUS_DEFAULT = 50, 5000, 500
# A fence centre must lie in China's bounding box (a typo such as a swapped latitude and longitude
# lands far outside it): latitude 3°–54° N (曾母暗沙 to 漠河), longitude 73°–136° E (帕米尔 to 抚远).
CHINA_LATITUDE = (Decimal(3), Decimal(54))
CHINA_LONGITUDE = (Decimal(73), Decimal(136))

Number = float | int | Decimal


def distance_m(lat1: Number, lng1: Number, lat2: Number, lng2: Number) -> int:
    """A4: the great-circle distance between two points (degrees), by the haversine formula on a
    sphere of radius 6,371,008.8 m, rounded half up to whole metres."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return math.floor(2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h))) + 0.5)


def fence_check(centre_lat: Number, centre_lng: Number, radius_m: int, lat: Number, lng: Number) -> tuple[bool, int]:
    """A4 / R-ATT-04: (inside, distance in whole metres) of a sign-in position against a village's
    fence. The whole-metre distance, the one that is kept, decides: on the boundary is inside, so
    the stored distance and inside/outside never disagree. Only these two are kept (R-DATA-01)."""
    distance = distance_m(centre_lat, centre_lng, lat, lng)
    return distance <= radius_m, distance


def _between(value: Decimal, low: Decimal | int, high: Decimal | int) -> bool:
    return value.is_finite() and low <= value <= high


def position_errors(latitude: Decimal, longitude: Decimal) -> dict[str, str]:
    """A4: a sign-in position is a latitude in −90…90 and a longitude in −180…180 (degrees)."""
    errors: dict[str, str] = {}
    if not _between(latitude, -90, 90):
        errors["latitude"] = _("纬度须在 -90 到 90 之间")
    if not _between(longitude, -180, 180):
        errors["longitude"] = _("经度须在 -180 到 180 之间")
    return errors


def fence_errors(latitude: Decimal, longitude: Decimal, radius_m: int) -> dict[str, str]:
    """A4: a village's fence has its centre in China (`CHINA_LATITUDE`, `CHINA_LONGITUDE`) and a
    radius of 50–5,000 m."""
    errors: dict[str, str] = {}
    if not _between(latitude, *CHINA_LATITUDE):
        lo, hi = CHINA_LATITUDE
        errors["latitude"] = _("中心纬度须在 %(lo)s 到 %(hi)s 之间(北纬,度)") % {"lo": lo, "hi": hi}
    if not _between(longitude, *CHINA_LONGITUDE):
        lo, hi = CHINA_LONGITUDE
        errors["longitude"] = _("中心经度须在 %(lo)s 到 %(hi)s 之间(东经,度)") % {"lo": lo, "hi": hi}
    if not FENCE_RADIUS_MIN <= radius_m <= FENCE_RADIUS_MAX:
        errors["radius_m"] = _("半径须在 %(lo)s 到 %(hi)s 米之间") % {"lo": FENCE_RADIUS_MIN, "hi": FENCE_RADIUS_MAX}
    return errors
