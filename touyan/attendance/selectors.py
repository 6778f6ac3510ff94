"""Scoped reads of attendance, and the monthly summary computed set-based (SPEC A4)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from touyan.accounts.models import Role
from touyan.accounts.scope import scope_filter
from touyan.cadres.models import Person, Post
from touyan.policy.selectors import policy_resolve_many

from . import rules
from .models import DutyAssignment, LeaveRequest, MonthLock, Presence
from .workcalendar import month_calendar

EXCUSING = (LeaveRequest.Status.APPROVED, LeaveRequest.Status.RETURNED)


def presences_in_scope(*, actor: Any) -> QuerySet[Presence]:
    if getattr(actor, "role", None) == Role.CADRE and not actor.is_superuser:
        return Presence.objects.filter(person_id=actor.cadre_id)
    return scope_filter(Presence.objects.all(), actor, "village__code")


def leaves_in_scope(*, actor: Any) -> QuerySet[LeaveRequest]:
    if getattr(actor, "role", None) == Role.CADRE and not actor.is_superuser:
        return LeaveRequest.objects.filter(Q(person_id=actor.cadre_id) | Q(village_id=actor.region_id))
    return scope_filter(LeaveRequest.objects.all(), actor, "village__code")


def duties_in_scope(*, actor: Any) -> QuerySet[DutyAssignment]:
    if getattr(actor, "role", None) == Role.CADRE and not actor.is_superuser:
        return DutyAssignment.objects.filter(village_id=actor.region_id)
    return scope_filter(DutyAssignment.objects.all(), actor, "village__code")


def is_locked(village_code: str, day: dt.date) -> bool:
    township = village_code[:9].ljust(12, "0")
    return MonthLock.objects.filter(region_id=township, month=day.replace(day=1)).exists()


@dataclass(frozen=True)
class SummaryRow:
    person_id: int
    name: str
    village_id: str
    village_name: str
    result: rules.MonthResult


def monthly_summary(*, prefix: str, year: int, month: int) -> list[SummaryRow]:
    """A4 for every full-time cadre under the region prefix in one month.

    Set-based: one query for the posts, one grouped count of presence, one for
    the leave that touches the month, and presence dates only for the few
    cadres whose month is not simple (part month in post, or leave)."""
    days = rules.month_days(year, month)
    first, last = days[0], days[-1]
    cal = month_calendar(year, month)
    posts = (
        Post.objects.filter(village__code__startswith=prefix, full_time=True, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values_list("person_id", "start_date", "end_date")
    )
    spans: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for person_id, start, end in posts:
        spans[person_id].append((start, end))
    if not spans:
        return []
    people = {
        p["id"]: p
        for p in Person.objects.filter(pk__in=list(spans)).values("id", "name", "village_id", "village__name")
    }
    in_post = {pid: rules.in_post_span(s, year, month) for pid, s in spans.items()}
    leave: dict[int, set[dt.date]] = defaultdict(set)
    for pid, start, end in LeaveRequest.objects.filter(
        person_id__in=list(spans), status__in=EXCUSING, start_date__lte=last, end_date__gte=first
    ).values_list("person_id", "start_date", "end_date"):
        leave[pid] |= {d for d in rules.leave_days(start, end) if first <= d <= last}
    complex_ids = {pid for pid, span in in_post.items() if span != (first, last)} | set(leave)
    workday_list = sorted(cal.workdays)
    counts = (
        Presence.objects.filter(person_id__in=list(spans), date__gte=first, date__lte=last)
        .values("person_id")
        .annotate(n=Count("id"), on_workdays=Count("id", filter=Q(date__in=workday_list)))
    )
    simple = {c["person_id"]: (c["n"], c["on_workdays"]) for c in counts}
    detailed: dict[int, set[dt.date]] = defaultdict(set)
    if complex_ids:
        for pid, day in Presence.objects.filter(
            person_id__in=list(complex_ids), date__gte=first, date__lte=last
        ).values_list("person_id", "date"):
            detailed[pid].add(day)
    policies = policy_resolve_many(list({p["village_id"] for p in people.values()}), last)
    rows: list[SummaryRow] = []
    for pid, span in in_post.items():
        person = people[pid]
        min_days = policies[person["village_id"]]["min_days_per_month"]
        if pid in complex_ids:
            facts = rules.MonthFacts(cal.workdays, span, frozenset(detailed[pid]), frozenset(leave[pid]))
            result = rules.month_result(facts, min_days)
        else:
            n, on_workdays = simple.get(pid, (0, 0))
            target = min(min_days, len(cal.workdays))
            result = rules.MonthResult(
                required_days=target,
                present_days=n,
                excused_days=0,
                shortfall_days=max(0, target - n),
                unexcused_days=len(cal.workdays) - on_workdays,
                workdays_in_post=len(cal.workdays),
            )
        rows.append(SummaryRow(pid, person["name"], person["village_id"], person["village__name"], result))
    rows.sort(key=lambda r: (r.village_id, r.person_id))
    return rows


def duty_coverage(*, prefix: str, year: int, month: int) -> dict[str, dict[dt.date, int]]:
    """Per village, per day: how many rostered cadres were on duty and present (R-ATT-01)."""
    days = rules.month_days(year, month)
    rostered = DutyAssignment.objects.filter(
        village__code__startswith=prefix, date__gte=days[0], date__lte=days[-1]
    ).values_list("village_id", "date", "person_id")
    present = set(
        Presence.objects.filter(village__code__startswith=prefix, date__gte=days[0], date__lte=days[-1]).values_list(
            "person_id", "date"
        )
    )
    coverage: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for village, day, person in rostered:
        if (person, day) in present or day > dt.date.today():
            coverage[village][day] += 1
    return coverage


def duty_gap_list(*, prefix: str, year: int, month: int, villages: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Every village's duty gaps in the month, for the township (A4 "每天必须有人值班")."""
    coverage = duty_coverage(prefix=prefix, year=year, month=month)
    cal = month_calendar(year, month)
    out = []
    policies = policy_resolve_many([code for code, _name in villages])
    for code, name in villages:
        policy = policies[code]
        days = rules.month_days(year, month)
        if policy["duty_days"] == "workdays":
            days = [d for d in days if d in cal.workdays]
        gaps = rules.duty_gaps(days, coverage.get(code, {}), policy["min_on_duty"])
        if gaps:
            out.append({"village": code, "name": name, "gaps": gaps})
    return out
