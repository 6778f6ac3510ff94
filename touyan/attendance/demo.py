"""Demo attendance for `make demo` (issue #4): one township's work mechanism, so that its officer
and one of its cadres find something on every attendance page.

For the township (the first of the prefecture, whose officer's login is printed) and relative to
today: presence for the two months before this one and this month up to yesterday (SPEC A4:
workdays of the working-day calendar, a few days on official business, two cadres clearly short;
the duty officers on their days, weekends included, and today),
the month before last locked (WF-8), a duty roster drawn for last month and copied to this month
with two uncovered days in one village (R-ATT-01), four leave requests in the states WF-4 knows
(returned, waiting for the township, waiting for the secretary, and one not reported back, whose
days after the end are unexcused: R-ATT-02, R-ATT-03), a flood-season blocked period declared by
the county for next summer, a location fence for one village (location checking stays off, A4),
and a login for that village's secretary, on duty today, who has not signed in yet.

Everything is written through the services by the given actor, so it leaves the audit trail real
use would. A township that already has presence records is left as it is.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from touyan.accounts.models import Role, User
from touyan.accounts.services import user_create
from touyan.cadres.models import Post
from touyan.regions import rules as region_rules
from touyan.regions.models import Region

from . import rules
from .models import DutyAssignment, LeaveRequest, Presence
from .services import (
    ImportRow,
    blocked_period_declare,
    duty_copy_month,
    duty_set,
    fence_set,
    leave_decide,
    leave_return,
    leave_submit,
    month_lock,
    presence_import,
)
from .workcalendar import workdays

CADRE_USERNAME = "cadre_demo"
# A made-up centre for the first village's fence (demo data, not the village's real position).
FENCE = (Decimal("25.092000"), Decimal("104.895000"), 800)


@dataclass(frozen=True)
class DemoCadreLogin:
    username: str
    person_name: str
    village_name: str


def _month_start(day: dt.date, back: int) -> dt.date:
    first = day.replace(day=1)
    for _ in range(back):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first


def _workdays_between(first: dt.date, last: dt.date) -> list[dt.date]:
    days: set[dt.date] = set()
    month = first.replace(day=1)
    while month <= last:
        days |= {d for d in workdays(month.year, month.month) if first <= d <= last}
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return sorted(days)


def _two_workdays_in_a_row(days: list[dt.date], before: dt.date) -> tuple[dt.date, dt.date]:
    """The last two consecutive calendar days, both workdays, that end before `before`."""
    pairs = [(a, b) for a, b in itertools.pairwise(days) if (b - a).days == 1 and b < before]
    return pairs[-1]


def _full_time(villages: list[str], on: dt.date) -> dict[str, list[tuple[int, str]]]:
    """(person id, post) of each village's full-time cadres in post on the day, the secretary first."""
    found: dict[str, list[tuple[int, str]]] = {v: [] for v in villages}
    rows = (
        Post.objects.filter(village_id__in=villages, full_time=True, start_date__lte=on)
        .exclude(end_date__lt=on)
        .order_by("village_id", "person_id")
        .values_list("village_id", "person_id", "post")
    )
    for village, person, post in rows:
        if all(person != p for p, _ in found[village]):
            found[village].append((person, post))
    for people in found.values():
        people.sort(key=lambda p: (p[1] != "PS", p[0]))
    return found


def load_demo_attendance(
    *, actor: Any, township: Region, today: dt.date, password: str, say: Callable[[str], None] = print
) -> DemoCadreLogin | None:
    """Write the township's demo attendance (see the module's docstring) once; return the demo
    cadre's login, or None when the township has no village with a secretary in a full-time post."""
    in_township = Region.objects.filter(parent=township, level=region_rules.VILLAGE)
    villages = list(in_township.order_by("code").values_list("code", flat=True))
    existing = User.objects.filter(username=CADRE_USERNAME).select_related("cadre", "region").first()
    if Presence.objects.filter(village_id__in=villages).exists():
        if existing is None or existing.cadre is None or existing.region is None:
            return None
        return DemoCadreLogin(existing.username, existing.cadre.name, existing.region.name)
    cadres = _full_time(villages, today)
    home = next((v for v in villages if cadres[v] and cadres[v][0][1] == "PS" and len(cadres[v]) >= 3), None)
    if home is None or sum(post != "PS" for v in villages if v != home for _p, post in cadres[v]) < 4:
        return None
    with transaction.atomic():
        login = _write(actor, township, villages, cadres, home, today, password)
    say(f"  演示考勤已就绪: {township.name} {len(villages)} 个村(社区), 近三个月签到、值班表、请假")
    return login


def _write(
    actor: Any,
    township: Region,
    villages: list[str],
    cadres: dict[str, list[tuple[int, str]]],
    home: str,
    today: dt.date,
    password: str,
) -> DemoCadreLogin:
    rng = random.Random(5223)  # noqa: S311 - demo data, not security
    first = _month_start(today, 2)
    last_month = _month_start(today, 1)
    past = _workdays_between(first, today - dt.timedelta(days=1))
    secretary, (leaver, _p1), (waiter, _p2) = cadres[home][0][0], cadres[home][1], cadres[home][2]
    others = [p for v in villages if v != home for p, post in cadres[v] if post != "PS"]
    returned, overdue = others[0], others[-1]
    short = set(others[1:3])
    this_month = rules.month_days(today.year, today.month)
    last_month_days = [d for d in past if last_month <= d < this_month[0]]

    # Leave (WF-4): returned, not reported back, waiting for the township, waiting for the secretary.
    away: dict[int, tuple[dt.date, dt.date]] = {}  # person: first and last day not in the village
    a_start, a_end = _two_workdays_in_a_row(last_month_days, last_month + dt.timedelta(days=20))
    leave = leave_submit(actor=actor, cadre_id=returned, start=a_start, end=a_end, reason="家中有事(演示)")
    _approve(actor, leave)
    leave_return(actor=actor, leave_id=leave.pk, returned_on=a_end + dt.timedelta(days=1))
    away[returned] = (a_start, a_end)
    d_start, d_end = _two_workdays_in_a_row(past, past[-3] if len(past) >= 3 else today)
    leave = leave_submit(actor=actor, cadre_id=overdue, start=d_start, end=d_end, reason="外出就医(演示)")
    _approve(actor, leave)
    away[overdue] = (d_start, today)  # not back: the days after the end are unexcused
    ahead = today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)  # next Monday
    leave = leave_submit(
        actor=actor, cadre_id=leaver, start=ahead, end=ahead + dt.timedelta(days=4), reason="照顾住院亲属(演示)"
    )
    leave_decide(actor=actor, leave_id=leave.pk, approve=True, note="村党组织书记同意,报乡镇审批")
    leave_submit(actor=actor, cadre_id=waiter, start=ahead, end=ahead, reason="办理个人事务(演示)")

    # Duty roster (R-ATT-01): last month one cadre a day in turn, copied to this month; two days
    # uncovered in the second village; the demo secretary on duty today.
    for village in villages:
        people = [p for p, _post in cadres[village]]
        if not people:
            continue
        day = last_month
        while day < this_month[0]:
            duty_set(actor=actor, village_code=village, day=day, cadre_ids=[people[day.day % len(people)]])
            day += dt.timedelta(days=1)
        duty_copy_month(actor=actor, village_code=village, year=today.year, month=today.month)
    gap_village = next(v for v in villages if v != home and cadres[v])
    for day in [d for d in this_month if d > today][:2] or this_month[:2]:
        duty_set(actor=actor, village_code=gap_village, day=day, cadre_ids=[])
    duty_set(actor=actor, village_code=home, day=today, cadre_ids=[secretary])

    # Presence (A4): workdays up to yesterday, and the duty (on weekends and holidays it counts too;
    # today's duty officers have signed in, but for the demo cadre), by the township's import; the
    # month before last then locked (WF-8).
    duty: dict[int, set[dt.date]] = {}
    for person, day in (
        DutyAssignment.objects.filter(village_id__in=villages, date__gte=last_month, date__lte=today)
        .exclude(person_id=secretary, date=today)  # the demo cadre has not signed in yet today
        .values_list("person_id", "date")
    ):
        duty.setdefault(person, set()).add(day)
    rows = []
    for village in villages:
        for person, _post in cadres[village]:
            absent = set(rng.sample(last_month_days, 5)) if person in short else set()
            for day in sorted(set(past) | duty.get(person, set())):
                start, end = away.get(person, (today, dt.date.min))
                if start <= day <= end or day in absent:
                    continue
                kind = Presence.Kind.OFFICIAL if rng.random() < 0.06 else Presence.Kind.PRESENT
                rows.append(ImportRow(cadre_id=person, day=day, kind=kind))
    presence_import(actor=actor, rows=rows)
    month_lock(actor=actor, region_code=township.code, month=first, today=today)

    blocked_period_declare(
        actor=actor,
        region_code=township.parent_id or township.code,
        start=dt.date(today.year + 1, 6, 1),
        end=dt.date(today.year + 1, 8, 31),
        reason="汛期(演示)",
    )
    fence_set(actor=actor, village_code=home, latitude=FENCE[0], longitude=FENCE[1], radius_m=FENCE[2])
    user = user_create(
        actor=actor,
        username=CADRE_USERNAME,
        password=password,
        role=Role.CADRE,
        region_code=home,
        display_name="村党组织书记(演示)",
        cadre_id=secretary,
    )
    return DemoCadreLogin(user.username, user.cadre.name if user.cadre else "", user.region.name if user.region else "")


def _approve(actor: Any, leave: LeaveRequest) -> None:
    while leave.status == LeaveRequest.Status.SUBMITTED:
        leave = leave_decide(actor=actor, leave_id=leave.pk, approve=True, note="同意")
