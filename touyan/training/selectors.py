"""Scoped reads of cadre development: events, rolls, certificates, secondments, reserves; the
year's compliance of a region (R-TRN-01/02) and a region's reserve sufficiency (R-TRN-06), each a
few aggregate queries whatever the region's size; `reserve_trained_since` for selection."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts.models import Role
from touyan.accounts.rules import is_village_cadre
from touyan.accounts.scope import in_scope, scope_filter, scope_prefix
from touyan.cadres.models import Person, Post
from touyan.cadres.selectors import current_posts as current_posts_on
from touyan.core.errors import Forbidden, NotFound
from touyan.policy.selectors import policy_resolve, policy_resolve_many
from touyan.regions import rules as region_rules
from touyan.regions.models import Region
from touyan.regions.selectors import access_region as region_in_scope

from . import rules, totals
from .models import Attendee, Certificate, Reserve, Secondment, TrainingEvent, TrainingTotal

ZERO = Decimal(0)


def is_officer(actor: Any) -> bool:
    """A township officer or an admin (or the national administrator)."""
    return bool(getattr(actor, "is_authenticated", False)) and (
        actor.is_superuser or actor.role in (Role.ADMIN, Role.TOWNSHIP_OFFICER)
    )


def is_reader(actor: Any) -> bool:
    """Officials who read a region's development records: admins, township officers, liaisons."""
    return bool(getattr(actor, "is_authenticated", False)) and (
        actor.is_superuser or actor.role in (Role.ADMIN, Role.TOWNSHIP_OFFICER, Role.LIAISON)
    )


def require_reader_or_own(actor: Any) -> None:
    """Officials who read development records, or a cadre (their own): anyone else (an auditor,
    finance, a reviewer) has no business here — 403."""
    if not (is_reader(actor) or is_village_cadre(actor)):
        raise Forbidden(_("您的角色无权查看培养记录"))


def access_region(*, actor: Any, code: str) -> Region:
    """A region in the actor's scope (a cadre's scope is their own village), as
    `regions.selectors.access_region` (outside it NotFound, a malformed code InvalidInput);
    a role that reads no development records is refused first (403)."""
    require_reader_or_own(actor)
    return region_in_scope(actor=actor, code=code)


# --- events ---------------------------------------------------------------------------------------


def events_in_scope(*, actor: Any) -> QuerySet[TrainingEvent]:
    """Events organised in the actor's region, or by a region above it (the calendar a township
    sees holds the county's and the prefecture's courses); a cadre sees those above their village
    and those they attended."""
    prefix = scope_prefix(actor)
    if prefix is None or not (is_reader(actor) or is_village_cadre(actor)):
        return TrainingEvent.objects.none()
    if prefix == "":
        return TrainingEvent.objects.all()
    above = region_rules.ancestors(actor.region_id)[1:] if actor.region_id else []
    q = Q(region_id__in=above) | Q(region__isnull=True)
    if is_village_cadre(actor):
        q |= Q(attendees__person_id=actor.cadre_id)
    else:
        q |= Q(region__code__startswith=prefix)
    return TrainingEvent.objects.filter(q).distinct()


def may_organise(actor: Any, event: TrainingEvent) -> bool:
    """The organiser of an event: an officer or admin whose region holds the organising region (the
    national administrator for a national event)."""
    if not is_officer(actor):
        return False
    if actor.is_superuser:
        return True
    if event.region_id is None:
        return False
    return in_scope(actor, event.region_id)


def access_event(*, actor: Any, event_id: int, for_write: bool = False) -> TrainingEvent:
    event = events_in_scope(actor=actor).filter(pk=event_id).select_related("region").first()
    if event is None:
        raise NotFound(_("未找到该培训,或不在您的管辖范围内"))
    if for_write and not may_organise(actor, event):
        raise Forbidden(_("只有主办单位可以登记参训人员和成绩"))
    return event


def roll(*, actor: Any, event: TrainingEvent) -> QuerySet[Attendee]:
    """The event's roll as the actor may see it: officials the cadres of their region, a cadre
    their own row."""
    qs = event.attendees.select_related("person", "village")
    if is_village_cadre(actor):
        return qs.filter(person_id=actor.cadre_id)
    return scope_filter(qs, actor, "village__code")


def cadre_trainings(*, person_id: int, year: int | None = None) -> QuerySet[Attendee]:
    qs = Attendee.objects.filter(person_id=person_id).select_related("event").order_by("-date", "-id")
    if year is not None:
        qs = qs.filter(year=year)
    return qs


# --- compliance (R-TRN-01/02) ---------------------------------------------------------------------


class ComplianceRow(NamedTuple):
    """One cadre's year (a tuple: a province makes 150,000 of them)."""

    cadre: int
    name: str
    village: str
    posts: tuple[str, ...]
    hours: Decimal
    required_hours: int
    prefecture_days: Decimal
    township_sessions: int
    township_days: Decimal
    political_rotation_days: Decimal
    shortfalls: tuple[rules.Shortfall, ...]
    pending: tuple[rules.Shortfall, ...] = ()  # owed after trainings: learning reports, follow-ups


def requirements(policy: Any) -> rules.Requirements:
    return rules.Requirements(
        hours_member=policy["study_hours_member"],
        hours_secretary=policy["study_hours_secretary"],
        prefecture_days=Decimal(policy["prof_prefecture_days"]),
        township_sessions=policy["prof_township_sessions"],
        township_days=Decimal(policy["prof_township_days"]),
        rotation_days=Decimal(policy["rotation_days_per_year"]),
        county_course=policy["county_course_required"],
        new_secretary_months=policy["new_secretary_training_months"],
        carry_over_max=Decimal(policy["carry_over_hours_max"]),
    )


def hours_policy(policy: Any) -> rules.HoursPolicy:
    return rules.HoursPolicy(
        hours_per_day=Decimal(policy["hours_per_day"]),
        online_full_minutes=policy["online_full_minutes"],
        online_half_minutes=policy["online_half_minutes"],
        online_short_hours=Decimal(policy["online_short_hours"]),
    )


def _dec(value: Any) -> Decimal:
    return Decimal(value or 0)


def _raw(qs: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of an ORM-built query without Django's per-row converters (a province's 150,000
    rows: the SQL is the ORM's, the fetch is the driver's)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _exact(value: Any, places: str) -> Decimal:
    """A sum as the database gave it: Decimal on PostgreSQL, a float or an int on SQLite."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value or 0)).quantize(Decimal(places))


NO_SUMS = (ZERO, ZERO, 0, ZERO, ZERO, 0, 0, 0)
# One row per cadre in post in the region during the year: the posts (comma-joined, in no order), whether one is
# a professionalized secretary's, the latest secretary's start, the person's name, village and
# political status, and their totals of the year (and of the last, where surplus is carried).
_POSTS_AGG = {"postgresql": "string_agg(p.post, ',')", "sqlite": "group_concat(p.post, ',')"}
_TOTALS = (
    "hours",
    "prefecture_days",
    "township_sessions",
    "township_days",
    "rotation_days",
    "county_courses",
    "reports_missing",
    "follow_ups_missing",
)
_PREVIOUS_SQL = """LEFT JOIN {total} prev
    ON prev.person_id = x.person_id AND prev.year = %s AND prev.village_id LIKE %s"""
_YEAR_SQL = """
SELECT x.person_id, c.name, c.village_id, c.political_status, x.posts, x.prof, x.ps_start,
       t.hours, t.prefecture_days, t.township_sessions, t.township_days, t.rotation_days, t.county_courses,
       t.reports_missing, t.follow_ups_missing, {previous_hours}
FROM (
    SELECT p.person_id, {posts} AS posts,
           MAX(CASE WHEN p.post = 'PS' AND p.professionalized THEN 1 ELSE 0 END) AS prof,
           MAX(CASE WHEN p.post = 'PS' THEN p.start_date END) AS ps_start
    FROM {post} p
    WHERE p.village_id LIKE %s AND p.start_date <= %s AND (p.end_date IS NULL OR p.end_date >= %s)
      AND p.post <> 'RSV'
    GROUP BY p.person_id
) x
JOIN {person} c ON c.id = x.person_id
LEFT JOIN {total} t ON t.person_id = x.person_id AND t.year = %s AND t.village_id LIKE %s
{previous}
ORDER BY c.village_id, x.person_id
"""


def _year_rows(prefix: str, year: int, previous: bool) -> list[tuple[Any, ...]]:
    """The rows of `_YEAR_SQL`, one per cadre (one statement; on SQLite the sums' Decimals are
    restored). On PostgreSQL without JIT compilation (its planner overrated the join and spent more
    time compiling than running it) and with room to sort in memory, for this statement only."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    totals.totals_current(prefix=prefix, year=year)
    if previous:
        totals.totals_current(prefix=prefix, year=year - 1)
    pg = connection.vendor == "postgresql"
    total = TrainingTotal._meta.db_table
    sql = _YEAR_SQL.format(
        posts=_POSTS_AGG["postgresql" if pg else "sqlite"],
        post=Post._meta.db_table,
        person=Person._meta.db_table,
        total=total,
        previous=_PREVIOUS_SQL.format(total=total) if previous else "",
        previous_hours="prev.hours" if previous else "NULL",
    )
    like = prefix + "%"
    params: list[Any] = [like, last, first, year, like] + ([year - 1, like] if previous else [])
    with transaction.atomic(), connection.cursor() as cursor:
        if pg:
            cursor.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        if pg:
            cursor.execute("RESET jit")
            cursor.execute("RESET work_mem")
    rows = rows if pg else [_restored(r) for r in rows]
    return _one_per_cadre(rows, prefix, year)


def _one_per_cadre(rows: list[tuple[Any, ...]], prefix: str, year: int) -> list[tuple[Any, ...]]:
    """A cadre whose year has totals in two villages of the region (moved during the year) comes
    back once per total: keep one row and put the sums of all their totals in it (rare)."""
    twice = {rows[i][0] for i in range(1, len(rows)) if rows[i][0] == rows[i - 1][0]}
    if not twice:
        return rows
    sums: dict[tuple[int, int], tuple[Any, ...]] = {}
    for row in (
        TrainingTotal.objects.filter(person_id__in=twice, year__in=(year, year - 1), village__code__startswith=prefix)
        .values("person_id", "year")
        .annotate(**{f"sum_{f}": Sum(f) for f in _TOTALS})
        .values_list("person_id", "year", *[f"sum_{f}" for f in _TOTALS])
        .order_by()
    ):
        sums[(row[0], row[1])] = row[2:]
    out: list[tuple[Any, ...]] = []
    for r in rows:
        if out and out[-1][0] == r[0]:
            continue
        if r[0] in twice:
            this = sums.get((r[0], year), NO_SUMS)
            before = sums.get((r[0], year - 1))
            r = (*r[:7], *this, r[15] if r[15] is None else before[0] if before else None)
        out.append(r)
    return out


def _restored(r: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row from SQLite, whose sums of decimal columns come back as floats or ints."""
    previous = None if r[15] is None else _exact(r[15], "0.01")
    if r[7] is None:
        return (*r[:15], previous)
    hours, pref, town, rotation = (_exact(r[i], p) for i, p in ((7, "0.01"), (8, "0.1"), (10, "0.1"), (11, "0.1")))
    return (*r[:7], hours, pref, r[9], town, rotation, *r[12:15], previous)


def _new_secretary(start: Any, req: rules.Requirements, year: int) -> dt.date | None:
    """The day a secretary took office if they count as new in the year (R-TRN-01: trained within
    6 months; the latest start, since a later start is the one still due)."""
    if start is None:
        return None
    if isinstance(start, str):  # SQLite
        start = dt.date.fromisoformat(start[:10])
    if start >= dt.date(year - 1, 1, 1) and rules.months_after(start, req.new_secretary_months) >= dt.date(year, 1, 1):
        return start  # type: ignore[no-any-return]
    return None


def _first_trainings(new_secretary: dict[int, dt.date], since: dt.date) -> dict[int, dt.date]:
    """The first training on or after taking office of each new secretary (few: those who took
    office since last year)."""
    first_after: dict[int, dt.date] = {}
    if not new_secretary:
        return first_after
    for pid, day in Attendee.objects.filter(person_id__in=list(new_secretary), date__gte=since).values_list(
        "person_id", "date"
    ):
        if day >= new_secretary[pid] and (pid not in first_after or day < first_after[pid]):
            first_after[pid] = day
    return first_after


def compliance(*, region: Region, year: int, today: dt.date | None = None) -> list[ComplianceRow]:
    """R-TRN-01/02 for every cadre in post in the region during the year (reserves aside): one
    statement joins the year's posts (grouped by cadre) to the kept totals (`totals.py`) of the
    year, and of the last where surplus is carried over; the requirements are the region's policy on
    the year's last day (or today). The pure rule runs once per distinct set of facts (cadres with
    the same posts and sums have the same result: 150,000 cadres have a few tens of thousands)."""
    today = today or timezone.localdate()
    as_of = min(dt.date(year, 12, 31), today)
    req = requirements(policy_resolve(region.code, as_of))
    rows = _year_rows(region.prefix, year, previous=req.carry_over_max > 0)
    new_secretary = {r[0]: d for r in rows if r[6] is not None and (d := _new_secretary(r[6], req, year))}
    first_after = _first_trainings(new_secretary, dt.date(year - 1, 1, 1))
    messages = rules.Messages.current()
    seen: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    posts_of: dict[str, tuple[tuple[str, ...], bool]] = {}
    out: list[ComplianceRow] = []
    append, get, party_statuses = out.append, seen.get, rules.PARTY_STATUSES  # a tight loop: 150,000 rows
    for r in rows:
        joined = r[4]
        if joined not in posts_of:
            codes = tuple(sorted(set(joined.split(","))))
            posts_of[joined] = (codes, rules.hours_only(frozenset(codes)))
        codes, hours_only = posts_of[joined]
        s = NO_SUMS if r[7] is None else r[7:15]
        party = r[3] in party_statuses
        if hours_only:  # the rule reads their hours alone: the other sums do not split the cache
            key: tuple[Any, ...] = (codes, party, s[0], r[15])
        else:
            pid = r[0]
            key = (codes, party, bool(r[5]), s, r[15], new_secretary.get(pid), first_after.get(pid))
        hit = get(key)
        if hit is None:
            facts = key[3] if not hours_only else (s[0], *NO_SUMS[1:])
            c = _evaluate(req, codes, party, key, facts, r[15], as_of, messages)
            hit = seen[key] = (c.hours, c.required_hours, c.shortfalls, c.pending)
        append(ComplianceRow(r[0], r[1], r[2], codes, hit[0], hit[1], s[1], s[2], s[3], s[4], hit[2], hit[3]))
    return out


def _evaluate(
    req: rules.Requirements,
    codes: tuple[str, ...],
    party: bool,
    key: tuple[Any, ...],
    s: tuple[Any, ...],
    previous_hours: Decimal | None,
    as_of: dt.date,
    messages: rules.Messages,
) -> rules.Compliance:
    """The pure rule on one cadre's facts (`key` as `compliance` builds it, `s` the sums)."""
    held = frozenset(codes)
    surplus = rules.surplus(req, held, party, previous_hours) if previous_hours is not None else ZERO
    secretary = len(key) == 7
    facts = rules.CadreYear(
        posts=held,
        professionalized=secretary and key[2],
        party_member=party,
        hours=s[0],
        prefecture_days=s[1],
        township_sessions=s[2],
        township_days=s[3],
        rotation_days=s[4],
        county_courses=s[5],
        reports_missing=s[6],
        follow_ups_missing=s[7],
        previous_surplus=surplus,
        secretary_since=key[5] if secretary else None,
        first_training_after=key[6] if secretary else None,
    )
    return rules.compliance(req, facts, as_of=as_of, messages=messages)


def compliance_for(*, actor: Any, region_code: str, year: int, today: dt.date | None = None) -> list[ComplianceRow]:
    """The compliance of a region in the actor's scope; a cadre reads their own row only."""
    region = access_region(actor=actor, code=region_code)
    rows = compliance(region=region, year=year, today=today)
    if is_village_cadre(actor):
        rows = [r for r in rows if r.cadre == actor.cadre_id]
    return rows


def coverage(rows: list[ComplianceRow]) -> dict[str, Any]:
    """Coverage (S0 全覆盖, S3 100 %): how many cadres were trained at all and how many are short."""
    total = len(rows)
    trained = sum(1 for r in rows if r.hours > 0)
    short = sum(1 for r in rows if r.shortfalls)
    share = (Decimal(trained) / total * 100).quantize(Decimal("0.1")) if total else Decimal(0)
    return {"total": total, "trained": trained, "short": short, "trained_share": share}


# --- certificates (R-TRN-03) ----------------------------------------------------------------------


def certificates_in_scope(*, actor: Any) -> QuerySet[Certificate]:
    if is_village_cadre(actor):
        return Certificate.objects.filter(person_id=actor.cadre_id)
    if not is_reader(actor):
        return Certificate.objects.none()
    return scope_filter(Certificate.objects.all(), actor, "village__code")


def certificate_allowances(month: dt.date, lo: str, hi: str) -> list[tuple[int, str, str, Decimal, dict[str, Any]]]:
    """R-TRN-03 for a pay run: (person, village, kind, amount, basis) of each cadre in post in the
    month who holds a valid social-worker certificate, at the village's `certificate_allowance_<kind>`
    (0 = no line). Two queries and one policy read per village that has such a cadre."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    certs: dict[int, list[rules.HeldCertificate]] = defaultdict(list)
    numbers: dict[tuple[int, str], str] = {}
    for pid, cert_kind, number, issued, expires, revoked in (
        Certificate.objects.filter(
            village_id__gte=lo, village_id__lte=hi, kind__in=rules.SOCIAL_WORKER_KINDS, issued_on__lte=last
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=first))
        .values_list("person_id", "kind", "number", "issued_on", "expires_on", "revoked_on")
    ):
        certs[pid].append(rules.HeldCertificate(cert_kind, issued, expires, revoked))
        numbers[(pid, cert_kind)] = number
    if not certs:
        return []
    in_post = dict(
        Post.objects.filter(person_id__in=list(certs), start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .exclude(post="RSV")
        .values_list("person_id", "village__code")
    )
    policies = policy_resolve_many(sorted(set(in_post.values())), last)  # as the pay run reads its policy
    out = []
    for pid, held in sorted(certs.items()):
        village = in_post.get(pid)
        if village is None:
            continue
        kind = rules.allowance_kind(held, first, last)
        if kind is None:
            continue
        policy = policies[village]
        amount = Decimal(policy[f"certificate_allowance_{kind}"]).quantize(Decimal("0.01"))
        if amount <= 0:
            continue
        out.append((pid, village, kind, amount, {"certificate": numbers[(pid, kind)], "kind": kind}))
    return out


def expiring_certificates(*, actor: Any, today: dt.date, within_days: int) -> QuerySet[Certificate]:
    return (
        certificates_in_scope(actor=actor)
        .filter(revoked_on__isnull=True, expires_on__isnull=False, expires_on__lte=today + dt.timedelta(within_days))
        .select_related("person")
        .order_by("expires_on")
    )


# --- secondments (R-TRN-05) -----------------------------------------------------------------------


def secondments_in_scope(*, actor: Any) -> QuerySet[Secondment]:
    if is_village_cadre(actor):
        return Secondment.objects.filter(person_id=actor.cadre_id)
    if not is_reader(actor):
        return Secondment.objects.none()
    return scope_filter(Secondment.objects.all(), actor, "village__code")


def access_secondment(*, actor: Any, secondment_id: int) -> Secondment:
    s = secondments_in_scope(actor=actor).select_related("person").filter(pk=secondment_id).first()
    if s is None:
        raise NotFound(_("未找到该挂职记录,或不在您的管辖范围内"))
    return s


@dataclass(frozen=True)
class QuotaRow:
    township: str
    name: str
    prof_secretaries: int
    city: int
    township_posts: int
    required_city: int
    required_township: int
    short: bool


def secondment_quotas(*, region: Region, year: int, today: dt.date | None = None) -> list[QuotaRow]:
    """R-TRN-05 for every township of the region in the year: its professionalized secretaries and
    the secretaries it seconded to city and to township agencies (two aggregate queries)."""
    today = today or timezone.localdate()
    policy = policy_resolve(region.code, min(today, dt.date(year, 12, 31)))
    prefix = region.prefix
    towns = list(
        Region.objects.filter(code__startswith=prefix, level="township").order_by("code").values_list("code", "name")
    )
    prof: dict[str, int] = defaultdict(int)
    for village, n in (
        current_posts_on(today)
        .filter(village__code__startswith=prefix, post="PS", professionalized=True)
        .values_list("village_id", flat=False)
        .annotate(n=Count("person_id", distinct=True))
        .values_list("village_id", "n")
        .order_by()
    ):
        prof[village[:9] + "000"] += n
    sent: dict[tuple[str, str], int] = defaultdict(int)
    for village, level, n in (
        Secondment.objects.filter(village__code__startswith=prefix, start_date__year=year)
        .values("village_id", "host_level")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("village_id", "host_level", "n")
        .order_by()
    ):
        sent[(village[:9] + "000", level)] += n
    out = []
    for code, name in towns:
        q = rules.secondment_quota(
            prof[code], sent[(code, "city")], sent[(code, "township")],
            city_per_township=policy["secondment_city_per_township"],
            township_share=Decimal(policy["secondment_township_share"]),
        )  # fmt: skip
        out.append(QuotaRow(code, name, prof[code], sent[(code, "city")], sent[(code, "township")], q.required_city,
                            q.required_township, q.short))  # fmt: skip
    return out


# --- reserves (R-TRN-06) --------------------------------------------------------------------------


def reserves_in_scope(*, actor: Any) -> QuerySet[Reserve]:
    if is_village_cadre(actor):
        return Reserve.objects.filter(person_id=actor.cadre_id)
    if not is_reader(actor):
        return Reserve.objects.none()
    return scope_filter(Reserve.objects.all(), actor, "village__code")


@dataclass(frozen=True)
class SufficiencyRow:
    village: str
    name: str
    professionalized: bool
    secretary_reserves: int
    required: int
    posts_without_reserve: tuple[str, ...]
    short: bool
    local_talents: int = 0
    talents_required: int = 0
    talents_short: bool = False


def sufficiency(*, region: Region, today: dt.date | None = None) -> list[SufficiencyRow]:
    """R-TRN-06 for every village of the region: its professionalized secretary, its reserves by
    post and its other posts' holders, in three aggregate queries."""
    today = today or timezone.localdate()
    policy = policy_resolve(region.code, today)
    prefix = region.prefix
    villages = list(
        Region.objects.filter(code__startswith=prefix, level="village").order_by("code").values_list("code", "name")
    )
    holders: dict[str, dict[str, int]] = defaultdict(dict)
    prof: set[str] = set()
    for village, post, n, n_prof in (
        Post.objects.filter(village__code__startswith=prefix, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .exclude(post="RSV")
        .values("village_id", "post")
        .annotate(n=Count("person_id", distinct=True), n_prof=Count("id", filter=Q(professionalized=True)))
        .values_list("village_id", "post", "n", "n_prof")
        .order_by()
    ):
        holders[village][post] = n
        if post == "PS" and n_prof:
            prof.add(village)
    reserves: dict[str, dict[str, int]] = defaultdict(dict)
    talents: dict[str, int] = defaultdict(int)
    for village, post, n, n_talent in (
        Reserve.objects.filter(village__code__startswith=prefix, since__lte=today)
        .filter(Q(until__isnull=True) | Q(until__gt=today))
        .values("village_id", "target_post")
        .annotate(n=Count("id"), n_talent=Count("id", filter=Q(source=Reserve.Source.LOCAL_TALENT)))
        .values_list("village_id", "target_post", "n", "n_talent")
        .order_by()
    ):
        reserves[village][post] = n
        talents[village] += n_talent
    need_talents = policy["local_talents_per_village"]
    out = []
    for code, name in villages:
        pool = rules.VillagePool(
            professionalized=code in prof,
            secretary_reserves=reserves[code].get("PS", 0) if code in reserves else 0,
            post_holders=holders.get(code, {}),
            post_reserves=reserves.get(code, {}),
            local_talents=talents.get(code, 0),
        )
        result = rules.sufficiency(
            pool,
            per_prof_village=policy["reserves_per_prof_village"],
            per_post=policy["reserves_per_post"],
            talents=need_talents,
        )
        out.append(
            SufficiencyRow(
                code,
                name,
                pool.professionalized,
                pool.secretary_reserves,
                result.required,
                result.posts_without_reserve,
                result.short,
                pool.local_talents,
                need_talents,
                result.talents_short,
            )
        )
    return out


def reserve_trained_since(person_id: int) -> dt.date | None:
    """The day the person became a reserve (the earliest of their reserve records still held, or
    held until they took a post): selection's "trained ≥ 1 year as a reserve" (R-TRN-06)."""
    return Reserve.objects.filter(person_id=person_id).aggregate(d=Min("since"))["d"]


def reserve_long_enough(person_id: int, village_code: str, on: dt.date) -> bool:
    """R-TRN-06 for selection: a new secretary comes from the reserves, trained ≥ `reserve_trained_years`
    (1) by `on` (the village's policy)."""
    years = policy_resolve(village_code, on)["reserve_trained_years"]
    return rules.trained_years(reserve_trained_since(person_id), on) >= years


def people_in_region(*, region: Region) -> QuerySet[Person]:
    return Person.objects.filter(village__code__startswith=region.prefix)
