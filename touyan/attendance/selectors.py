"""Scoped reads of attendance, and the monthly summary computed set-based (SPEC A4)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat, Left
from django.utils import timezone

from touyan.accounts.rules import is_village_cadre
from touyan.accounts.scope import assigned_villages, scope_filter, scope_prefix
from touyan.cadres.models import Person, Post, PostCode
from touyan.policy.selectors import policy_resolve, policy_resolve_many
from touyan.regions import rules as region_rules
from touyan.regions.models import Region
from touyan.regions.rules import CODE_LENGTH

from . import rules
from .models import BlockedPeriod, DutyAssignment, LeaveRequest, MonthLock, Presence, VillageFence
from .workcalendar import MonthCalendar, month_calendar

EXCUSING = (LeaveRequest.Status.APPROVED, LeaveRequest.Status.RETURNED)


def presences_in_scope(*, actor: Any) -> QuerySet[Presence]:
    if is_village_cadre(actor):
        return Presence.objects.filter(person_id=actor.cadre_id)
    return scope_filter(Presence.objects.all(), actor, "village__code")


def leaves_in_scope(*, actor: Any) -> QuerySet[LeaveRequest]:
    if is_village_cadre(actor):
        return LeaveRequest.objects.filter(Q(person_id=actor.cadre_id) | Q(village_id=actor.region_id))
    return scope_filter(LeaveRequest.objects.all(), actor, "village__code")


def duties_in_scope(*, actor: Any) -> QuerySet[DutyAssignment]:
    if is_village_cadre(actor):
        return DutyAssignment.objects.filter(village_id=actor.region_id)
    return scope_filter(DutyAssignment.objects.all(), actor, "village__code")


def is_locked(village_code: str, day: dt.date) -> bool:
    """WF-8: the village's township has locked the month of `day`."""
    township = village_code[:9].ljust(12, "0")
    return MonthLock.objects.filter(region_id=township, month=day.replace(day=1)).exists()


def month_locked(day: dt.date) -> Exists:
    """`is_locked` as an expression for a row with a `village_id` (a 12-digit village code): the
    village's township (the first 9 digits, then 000) has locked the month of `day` (WF-8)."""
    township = Concat(Left(OuterRef("village_id"), 9), Value("000"), output_field=CharField())
    return Exists(MonthLock.objects.filter(region_id=township, month=day.replace(day=1)))


@dataclass(frozen=True)
class SummaryRow:
    person_id: int
    name: str
    village_id: str
    village_name: str
    result: rules.MonthResult


def _village_range(prefix: str) -> Q:
    """The villages under a region prefix as a range of 12-digit codes: the same rows as a prefix
    match (codes are digits), but a range PostgreSQL estimates well and walks in an index."""
    if not prefix:
        return Q()
    return Q(village_id__gte=prefix.ljust(CODE_LENGTH, "0"), village_id__lte=prefix.ljust(CODE_LENGTH, "9"))


COMPLEX_CHUNK = 2000  # cadres a query when monthly_summary reads the dates of part months and leave


def _as_date(value: Any) -> dt.date:
    """A date read by a raw cursor: PostgreSQL returns dates, SQLite their ISO text."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _summary_sql(
    *, prefix: str, first: dt.date, last: dt.date, workdays: list[dt.date]
) -> tuple[tuple[str, list[Any]], tuple[str, list[Any]]]:
    """The two statements of the monthly summary (A4), plain SQL for PostgreSQL and SQLite:

    1. each full-time cadre in post in the month under the region (the region as a code range on the
       post's village), the posts grouped per cadre into the first and last day in post within the
       month (as `rules.in_post_span`; `whole` = the whole month), with name and village, ordered by
       village and cadre;
    2. the month's presence rows counted per cadre, all and on workdays — for the whole country ("")
       without a selection (cadres without a post drop out in Python), under a prefix only the rows of
       the cadres of statement 1 (a subquery, not a list of ids).

    Two statements rather than one join: joined, PostgreSQL runs both aggregates again in each
    parallel worker and misestimates the join (JIT compiling for seconds)."""
    post, person, region, presence = (m._meta.db_table for m in (Post, Person, Region, Presence))
    in_region = "AND po.village_id >= %s AND po.village_id <= %s" if prefix else ""
    region_params = [prefix.ljust(CODE_LENGTH, "0"), prefix.ljust(CODE_LENGTH, "9")] if prefix else []
    posts_where = f"""po.full_time = %s AND po.start_date <= %s AND (po.end_date IS NULL OR po.end_date >= %s)
        {in_region}"""
    posts_params: list[Any] = [True, last, first, *region_params]
    posts_sql = f"""
        SELECT p.person_id, pe.name, pe.village_id, v.name,
               CASE WHEN p.first_day = %s AND p.last_day = %s THEN 1 ELSE 0 END, p.first_day, p.last_day
        FROM (
            SELECT po.person_id,
                   MIN(CASE WHEN po.start_date > %s THEN po.start_date ELSE %s END) AS first_day,
                   MAX(CASE WHEN po.end_date IS NULL OR po.end_date > %s THEN %s ELSE po.end_date END) AS last_day
            FROM {post} po
            WHERE {posts_where}
            GROUP BY po.person_id
        ) p
        JOIN {person} pe ON pe.id = p.person_id
        JOIN {region} v ON v.code = pe.village_id
        ORDER BY pe.village_id, p.person_id
    """  # noqa: S608 - table names from the models, fixed fragments, values as parameters
    of_cadres = f"AND pr.person_id IN (SELECT po.person_id FROM {post} po WHERE {posts_where})" if prefix else ""  # noqa: S608
    on_workdays = ", ".join(["%s"] * len(workdays)) or "NULL"
    counts_sql = f"""
        SELECT pr.person_id, COUNT(*), SUM(CASE WHEN pr.date IN ({on_workdays}) THEN 1 ELSE 0 END)
        FROM {presence} pr
        WHERE pr.date >= %s AND pr.date <= %s {of_cadres}
        GROUP BY pr.person_id
    """  # noqa: S608 - table names from the models, fixed fragments, values as parameters
    return (
        (posts_sql, [first, last, first, first, last, last, *posts_params]),
        (counts_sql, [*workdays, first, last, *(posts_params if prefix else [])]),
    )


def monthly_summary(*, prefix: str, year: int, month: int, calendar: MonthCalendar | None = None) -> list[SummaryRow]:
    """A4 (R-ATT-01) for every full-time cadre under the region prefix in one month.

    Set-based (issue #4: 150,000 cadres in seconds, no per-cadre query): the cadres' full-time posts
    in the month grouped per cadre into the span in post, with name and village, in village and cadre
    order, and the month's presence counted per cadre — two plain-SQL statements (`_summary_sql`) read
    with a plain cursor, without the ORM's per-row converters; then the leave that touches the month
    (cadres selected by a subquery on those posts; for the whole country ("") no selection at all) and
    presence dates only for the cadres whose month is not simple (part month in post, or leave): a few
    per cent, by id, COMPLEX_CHUNK a query. Those go through `rules.month_result`; a simple cadre's
    month follows from the counts, and equal results share one frozen `MonthResult`. A caller that
    has the month's `calendar` already (the monthly page) passes it."""
    days = rules.month_days(year, month)
    first, last = days[0], days[-1]
    known = calendar is not None and (calendar.year, calendar.month) == (year, month)
    cal = calendar if known and calendar is not None else month_calendar(year, month)
    n_workdays = len(cal.workdays)
    posts_sql, counts_sql = _summary_sql(prefix=prefix, first=first, last=last, workdays=sorted(cal.workdays))
    with connection.cursor() as cursor:
        cursor.execute(*posts_sql)
        found = cursor.fetchall()
        if not found:
            return []
        cursor.execute(*counts_sql)
        counts = {pid: (n, on_workdays) for pid, n, on_workdays in cursor.fetchall()}
    posts = (
        Post.objects.filter(_village_range(prefix), full_time=True, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .order_by()
    )
    leaves = LeaveRequest.objects.filter(status__in=EXCUSING, start_date__lte=last, end_date__gte=first)
    if prefix:
        leaves = leaves.filter(person_id__in=posts.values("person_id"))
    leave: dict[int, set[dt.date]] = defaultdict(set)
    for pid, start, end in leaves.values_list("person_id", "start_date", "end_date"):
        leave[pid] |= {d for d in rules.leave_days(start, end) if first <= d <= last}
    # Leave of a cadre outside the posts (possible for the whole country) is ignored below.
    complex_ids = {row[0] for row in found if not row[4]} | set(leave)
    detailed: dict[int, set[dt.date]] = defaultdict(set)
    # The few complex cadres (a few per cent) by id, in chunks: each chunk is read through the
    # (person, date) unique index instead of a scan of the month's rows.
    in_month = Presence.objects.filter(date__gte=first, date__lte=last)
    ordered = sorted(complex_ids)
    for i in range(0, len(ordered), COMPLEX_CHUNK):
        for pid, day in in_month.filter(person_id__in=ordered[i : i + COMPLEX_CHUNK]).values_list("person_id", "date"):
            detailed[pid].add(day)
    policies = policy_resolve_many(list({row[2] for row in found}), last)
    target = {code: min(p["min_days_per_month"], n_workdays) for code, p in policies.items()}
    shared: dict[tuple[int, int, int], rules.MonthResult] = {}
    rows: list[SummaryRow] = []
    append = rows.append
    for pid, name, village_id, village_name, whole, first_day, last_day in found:
        if pid in complex_ids:
            span = (first, last) if whole else (_as_date(first_day), _as_date(last_day))
            facts = rules.MonthFacts(cal.workdays, span, frozenset(detailed[pid]), frozenset(leave[pid]))
            result = rules.month_result(facts, policies[village_id]["min_days_per_month"])
        else:
            required = target[village_id]
            n, on_workdays = counts.get(pid, (0, 0))
            key = (required, n, on_workdays)
            result = shared.get(key)  # type: ignore[assignment]
            if result is None:
                result = shared[key] = rules.MonthResult(
                    required_days=required,
                    present_days=n,
                    excused_days=0,
                    shortfall_days=max(0, required - n),
                    unexcused_days=n_workdays - on_workdays,
                    workdays_in_post=n_workdays,
                )
        append(SummaryRow(pid, name, village_id, village_name, result))
    # Already in this order from the database; sorted again so the order never depends on a collation.
    rows.sort(key=lambda r: (r.village_id, r.person_id))
    return rows


def month_presence_days(*, prefix: str, year: int, month: int) -> list[tuple[int, int, int]]:
    """(person_id, present days, required days) of every full-time cadre under the prefix in the
    month (A4, from `monthly_summary`): what `cadres.hooks.month_presence` answers for assessment."""
    return [
        (row.person_id, row.result.present_days, row.result.required_days)
        for row in monthly_summary(prefix=prefix, year=year, month=month)
    ]


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
    today = timezone.localdate()
    for village, day, person in rostered:
        if (person, day) in present or day > today:
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


# --- Reads of the attendance pages (views check scope first with access_region / access_cadre) ---


@dataclass(frozen=True)
class VillageCadre:
    """A cadre holding a post in a village during a period, with the posts' spans."""

    person_id: int
    name: str
    posts: tuple[str, ...]  # post codes, the highest first
    spans: tuple[tuple[dt.date, dt.date | None], ...]

    def in_post(self, day: dt.date) -> bool:
        return any(start <= day and (end is None or end >= day) for start, end in self.spans)


def village_cadres(*, village_code: str, first: dt.date, last: dt.date) -> list[VillageCadre]:
    """The village's cadres in post on any day from `first` to `last` (one query), ordered by
    their highest post, then name: the list of the duty book and the duty roster."""
    order = {code: i for i, code in enumerate(PostCode.values)}
    found: dict[int, dict[str, Any]] = {}
    for pid, name, post, start, end in (
        Post.objects.filter(village_id=village_code, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .exclude(post__in=["RSV"])  # reserves (后备干部) hold no seat and keep no duty
        .values_list("person_id", "person__name", "post", "start_date", "end_date")
    ):
        entry = found.setdefault(pid, {"name": name, "posts": [], "spans": []})
        entry["posts"].append(post)
        entry["spans"].append((start, end))
    people = [
        VillageCadre(
            pid,
            e["name"],
            tuple(sorted(set(e["posts"]), key=lambda c: order.get(c, 99))),
            tuple(e["spans"]),
        )
        for pid, e in found.items()
    ]
    people.sort(key=lambda c: (order.get(c.posts[0], 99), c.name, c.person_id))
    return people


def duty_roster(*, village_code: str, first: dt.date, last: dt.date) -> dict[dt.date, set[int]]:
    """Who is rostered on each day of the period in the village."""
    out: dict[dt.date, set[int]] = defaultdict(set)
    for day, person in DutyAssignment.objects.filter(
        village_id=village_code, date__gte=first, date__lte=last
    ).values_list("date", "person_id"):
        out[day].add(person)
    return out


@dataclass(frozen=True)
class CadreMonth:
    """One cadre's month for their own sign-in page (A4)."""

    result: rules.MonthResult
    full_time: bool  # the A4 requirement applies to full-time posts only
    workdays: frozenset[dt.date]
    present: frozenset[dt.date]
    leave: frozenset[dt.date]
    notes: dict[dt.date, str]


def cadre_month(*, person_id: int, village_code: str, year: int, month: int) -> CadreMonth:
    """A4 for one cadre and one month, computed by the same pure rule as `monthly_summary`.
    The caller passes a person it has already accessed (the signed-in cadre)."""
    days = rules.month_days(year, month)
    first, last = days[0], days[-1]
    cal = month_calendar(year, month)
    spans = list(
        Post.objects.filter(person_id=person_id, full_time=True, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values_list("start_date", "end_date")
    )
    present = frozenset(
        Presence.objects.filter(person_id=person_id, date__gte=first, date__lte=last).values_list("date", flat=True)
    )
    leave: set[dt.date] = set()
    for start, end in LeaveRequest.objects.filter(
        person_id=person_id, status__in=EXCUSING, start_date__lte=last, end_date__gte=first
    ).values_list("start_date", "end_date"):
        leave |= {d for d in rules.leave_days(start, end) if first <= d <= last}
    min_days = policy_resolve(village_code, last)["min_days_per_month"]
    facts = rules.MonthFacts(cal.workdays, rules.in_post_span(spans, year, month), present, frozenset(leave))
    return CadreMonth(
        rules.month_result(facts, min_days), bool(spans), cal.workdays, present, frozenset(leave), cal.notes
    )


def month_lock_of(*, region_code: str, month: dt.date) -> MonthLock | None:
    """The lock of a township's month (a village's month is locked by its township)."""
    township = region_code[:9].ljust(12, "0")
    return MonthLock.objects.select_related("locked_by").filter(region_id=township, month=month.replace(day=1)).first()


def month_locks_under(*, prefix: str, month: dt.date) -> dict[str, MonthLock]:
    """The locks of every township under a region for one month, by township code."""
    return {
        lock.region_id: lock
        for lock in MonthLock.objects.select_related("locked_by").filter(
            region__code__startswith=prefix, month=month.replace(day=1)
        )
    }


def blocked_periods_for(*, actor: Any) -> QuerySet[BlockedPeriod]:
    """Blocked periods that concern the actor: declared for their region, above it or below it."""
    prefix = scope_prefix(actor)
    if prefix is None:
        return BlockedPeriod.objects.none()
    if prefix == "":
        return BlockedPeriod.objects.select_related("region", "created_by")
    above = region_rules.ancestors(actor.region_id)
    return BlockedPeriod.objects.select_related("region", "created_by").filter(
        Q(region_id__in=above) | Q(region__code__startswith=prefix)
    )


def cadres_by_id_hash(*, actor: Any, hashes: list[str]) -> dict[str, int]:
    """Cadre ids by the keyed hash of their ID number, only within the actor's scope (R-DATA-03)."""
    from touyan.cadres.selectors import cadres_in_scope

    return dict(cadres_in_scope(actor=actor).filter(id_hash__in=hashes).values_list("id_hash", "id"))


def rostered_villages(*, prefix: str, first: dt.date, last: dt.date) -> set[str]:
    """The villages under a region with anyone on the roster in the period (one grouped query)."""
    return set(
        DutyAssignment.objects.filter(village__code__startswith=prefix, date__gte=first, date__lte=last)
        .values_list("village_id", flat=True)
        .distinct()
    )


def villages_with_fences(*, actor: Any, prefix: str, q: str = "") -> QuerySet[Region, Any]:
    """The villages under `prefix` in the actor's scope, each with its location fence or None
    (A4), in code order, in one query; `q` filters by name."""
    villages = scope_filter(Region.objects.filter(level=region_rules.VILLAGE), actor, "code").filter(
        code__startswith=prefix
    )
    if q:
        villages = villages.filter(name__contains=q)
    return villages.order_by("code").values(
        "code", "name", "parent__name", "fence__latitude", "fence__longitude", "fence__radius_m", "fence__updated_at"
    )


def village_has_fence(village_code: str) -> bool:
    return VillageFence.objects.filter(village_id=village_code).exists()


# --- The township's attendance to-dos on the workbench (工作台) ---

TOWNSHIP_LEAVE_LEVELS = frozenset({"township", "liaison"})  # the township also stands in for the liaison


@dataclass(frozen=True)
class TownshipTodo:
    """What waits for a township officer (R-ATT-01…03, WF-4, WF-8), counted for the workbench."""

    leave_waiting: int  # submitted, now at the township's (or the liaison's) level
    leave_overdue: int  # approved, ended, not reported back (销假)
    gap_villages: int  # villages with a duty gap this month
    gap_days: int
    month: dt.date  # this month's first day
    last_month: dt.date
    last_month_short: int  # full-time cadres short of the A4 requirement last month
    last_month_locked: bool
    lock_opens: dt.date  # the first day the township may lock last month


def township_todo(*, actor: Any, township: Region, today: dt.date) -> TownshipTodo:
    """A handful of set-based queries over one township (its 10–40 villages); the caller has
    checked that the township is in the actor's scope."""
    leaves = leaves_in_scope(actor=actor).filter(village__code__startswith=township.prefix)
    month = today.replace(day=1)
    last_month = (month - dt.timedelta(days=1)).replace(day=1)
    assigned = assigned_villages(actor)  # a liaison's villages only (the ASSIGNED reach)
    villages = [
        (code, name)
        for code, name in Region.objects.filter(parent=township, level=region_rules.VILLAGE)
        .order_by("code")
        .values_list("code", "name")
        if assigned is None or code in assigned
    ]
    gaps = duty_gap_list(prefix=township.prefix, year=month.year, month=month.month, villages=villages)
    short = [
        r
        for r in monthly_summary(prefix=township.prefix, year=last_month.year, month=last_month.month)
        if assigned is None or r.village_id in assigned
    ]
    lock_day = policy_resolve(township.code, last_month)["attendance_lock_day"]
    return TownshipTodo(
        leave_waiting=leaves.filter(status=LeaveRequest.Status.SUBMITTED, next_level__in=TOWNSHIP_LEAVE_LEVELS).count(),
        leave_overdue=leaves.filter(status=LeaveRequest.Status.APPROVED, end_date__lt=today).count(),
        gap_villages=len(gaps),
        gap_days=sum(len(g["gaps"]) for g in gaps),
        month=month,
        last_month=last_month,
        last_month_short=sum(1 for r in short if r.result.shortfall_days),
        last_month_locked=month_lock_of(region_code=township.code, month=last_month) is not None,
        lock_opens=rules.lock_opens(last_month, lock_day),
    )
