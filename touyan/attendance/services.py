"""Writes to attendance: presence by three channels, the duty roster, leave (WF-4),
month locks and corrections, the villages' location fences (SPEC A4, R-ATT-01…04, WF-8).
Every write is audited."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.rules import is_village_cadre
from touyan.accounts.scope import in_scope, require, scope_prefix
from touyan.audit.models import AuditEvent
from touyan.audit.services import audit_event, audit_record
from touyan.cadres.models import Person
from touyan.cadres.selectors import access_cadre, current_posts
from touyan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from touyan.core.statements import fetch_one, guarded_insert_available, insert_guarded_with_event, insert_with_event
from touyan.core.workflow import transition
from touyan.policy.selectors import policy_resolve
from touyan.regions import rules as region_rules
from touyan.regions.models import Region
from touyan.regions.selectors import access_region

from . import rules
from .flows import LEAVE, remaining_levels
from .models import (
    BlockedPeriod,
    CalendarDay,
    DutyAssignment,
    LeaveApproval,
    LeaveRequest,
    MonthLock,
    MonthResult,
    Presence,
    VillageFence,
)
from .selectors import cadre_month, is_locked, leaves_in_scope, monthly_summary


def _is_self(actor: Any, person: Person | int) -> bool:
    person_id = person if isinstance(person, int) else person.pk
    return getattr(actor, "role", None) == Role.CADRE and actor.cadre_id == person_id


def _is_officer(actor: Any) -> bool:
    """A township officer or an admin (or the national superuser): writes any channel in scope."""
    return bool(getattr(actor, "is_superuser", False)) or getattr(actor, "role", None) in (
        Role.TOWNSHIP_OFFICER,
        Role.ADMIN,
    )


def _is_officer_of(actor: Any, village_code: str) -> bool:
    """A township officer or admin whose region covers the village."""
    return _is_officer(actor) and in_scope(actor, village_code)


def _on_duty(actor: Any, village_code: str, day: dt.date) -> bool:
    return (
        getattr(actor, "role", None) == Role.CADRE
        and actor.cadre_id is not None
        and DutyAssignment.objects.filter(village_id=village_code, date=day, person_id=actor.cadre_id).exists()
    )


def _month_locked_sql() -> str:
    """SQL: the month (a parameter) of cadre row `p`'s village is locked. The village's township is
    the first 9 digits of its code and 000, as in `month_locked`."""
    lock = connection.ops.quote_name(MonthLock._meta.db_table)
    return (
        f"EXISTS (SELECT 1 FROM {lock} l"  # noqa: S608 (identifiers from the models)
        " WHERE l.region_id = SUBSTR(p.village_id, 1, 9) || '000' AND l.month = %s)"
    )


@functools.cache
def _presence_target_sql() -> str:
    person = connection.ops.quote_name(Person._meta.db_table)
    return (
        f"SELECT p.id, p.village_id, CASE WHEN {_month_locked_sql()} THEN 1 ELSE 0 END"  # noqa: S608 (identifiers from the models)
        f" FROM {person} p WHERE p.id = %s"
    )


def _presence_target(actor: Any, cadre_id: int, day: dt.date) -> tuple[int, str, bool]:
    """The cadre's id and village, and whether the village's month of `day` is locked (WF-8), in one
    hand-built statement (the check-in hot path, issue #4; see core.statements). A cadre-role user
    (a duty officer) reaches any cadre of their own village; anyone else a cadre in their scope, as
    `cadres_in_scope` (the same region rule, `in_scope`); otherwise NotFound. Who may write is
    decided after."""
    row = fetch_one(_presence_target_sql(), [connection.ops.adapt_datefield_value(day.replace(day=1)), cadre_id])
    if row is not None:
        person_id, village_id, locked = row
        reachable = village_id == actor.region_id if is_village_cadre(actor) else in_scope(actor, village_id)
        if reachable:
            return person_id, village_id, bool(locked)
    raise NotFound(_("未找到该干部档案,或不在您的管辖范围内"))


def presence_record(
    *,
    actor: Any,
    cadre_id: int,
    day: dt.date,
    kind: str = Presence.Kind.PRESENT,
    channel: str = Presence.Channel.WEB,
    position: tuple[Decimal, Decimal] | None = None,
    correction_reason: str = "",
) -> tuple[Presence, bool]:
    """One presence record per cadre per day (A4); a repeat returns the existing
    record and `created=False`. The cadre signs in for themself (web); the day's
    duty officer keeps the duty book for the village; a township officer may use
    any channel. A locked month needs a correction with a reason (WF-8).

    `position` (latitude, longitude) is the cadre's own web sign-in's, optional (A4 Compliance,
    R-ATT-04): where the village's `location_check` is on and the village has a fence, the
    record keeps only inside/outside and the distance (`rules.fence_check`), never the position
    (R-DATA-01: not in the record, not in the audit event). Location is a check, not a gate:
    without a position, with location off, without a fence, or for another channel or someone
    else's record, the sign-in stands and nothing about location is kept.

    The check-in hot path (issue #4): on PostgreSQL a plainly allowed new record without a
    position is one statement (`_presence_fast`). Otherwise one query finds the cadre and the
    lock, then the record and its audit event are inserted together; the unique constraint, not a
    prior read, tells a repeat, which then reads the existing record. Without a position nothing
    more is asked; with one, the fence and the policy."""
    if position is None:
        fast = _presence_fast(actor, cadre_id, day, kind, channel, correction_reason)
        if fast is not None:
            return fast, True
    person_id, village_id, locked = _presence_target(actor, cadre_id, day)
    errors: dict[str, str] = {}
    if kind not in Presence.Kind.values:
        errors["kind"] = _("类别无效,可选: present, official_business")
    if channel not in Presence.Channel.values:
        errors["channel"] = _("方式无效,可选: web, duty_book, import")
    if day > timezone.localdate():
        errors["date"] = _("不能为将来的日期登记在岗")
    if position is not None:
        errors |= rules.position_errors(*position)
    if errors:
        raise InvalidInput(errors=errors)
    allowed = (
        (channel == Presence.Channel.WEB and _is_self(actor, person_id) and day == timezone.localdate())
        or (channel == Presence.Channel.DUTY_BOOK and (_on_duty(actor, village_id, day)
                                                       or _is_officer_of(actor, village_id)))
        or (_is_officer_of(actor, village_id))
    )  # fmt: skip
    if not allowed:
        raise Forbidden(_("您不能为该干部在该日登记(本人只能当天签到,值班员只能登记本村当天值班簿)"))
    if locked and not correction_reason.strip():
        existing = Presence.objects.filter(person_id=person_id, date=day).first()
        if existing is not None:
            return existing, False
        raise Conflict(_("该月考勤已锁定,补登须填写更正事由"), field="date")
    inside_fence, distance_m = None, None
    if position is not None and channel == Presence.Channel.WEB and _is_self(actor, person_id):
        inside_fence, distance_m = _fence_result(village_id, day, position)
    try:
        record = _presence_insert(
            actor=actor, person_id=person_id, village_id=village_id, day=day, kind=kind, channel=channel,
            inside_fence=inside_fence, distance_m=distance_m, correction_reason=correction_reason,
        )  # fmt: skip
    except IntegrityError:
        existing = Presence.objects.filter(person_id=person_id, date=day).first()
        if existing is None:
            raise
        return existing, False
    return record, True


@functools.cache
def _presence_fast_source() -> str:
    person = connection.ops.quote_name(Person._meta.db_table)
    return (
        f"SELECT p.id, p.village_id FROM {person} p WHERE p.id = %s AND p.village_id LIKE %s"  # noqa: S608 (identifiers from the models)
        f" AND NOT {_month_locked_sql()}"
    )


def _presence_fast(actor: Any, cadre_id: int, day: dt.date, kind: str, channel: str, reason: str) -> Presence | None:
    """The check-in hot path (issue #4): a new record that is plainly allowed is written in one
    statement — the cadre looked up in the writer's reach, the month checked unlocked, the record
    and its audit event inserted — and returned; None means "take the ordinary path", which finds
    out and says why (out of reach, locked, a repeat, bad input). Plainly allowed, as in
    `presence_record`: a township officer or admin for a cadre in their scope, any channel; a cadre
    signing in for themself on the web today. PostgreSQL outside a transaction only."""
    if reason or not guarded_insert_available():
        return None
    if kind not in _KINDS or channel not in _CHANNELS:
        return None
    today = timezone.localdate()
    if day > today:
        return None
    if _is_officer(actor):
        prefix = scope_prefix(actor)
        if prefix is None:
            return None
        reach = prefix + "%"
    elif _is_self(actor, cadre_id) and channel == Presence.Channel.WEB and day == today and actor.region_id:
        reach = actor.region_id
    else:
        return None
    # The village comes from the cadre's row, into the record and the event's region (see below).
    record, event = _presence_and_event(actor=actor, person_id=cadre_id, village_id="", day=day, kind=kind,
                                        channel=channel)  # fmt: skip
    written = insert_guarded_with_event(
        record,
        event,
        source=_presence_fast_source(),
        source_params=[cadre_id, reach, connection.ops.adapt_datefield_value(day.replace(day=1))],
        from_source={"person_id": "id", "village_id": "village_id"},
        event_from_row={"region_code": "village_id"},
    )
    return record if written is not None else None


_KINDS, _CHANNELS = frozenset(Presence.Kind.values), frozenset(Presence.Channel.values)


def _fence_result(village_id: str, day: dt.date, position: tuple[Decimal, Decimal]) -> tuple[bool | None, int | None]:
    """(inside, distance) of a web sign-in against the village's fence when the village's
    `location_check` is on (A4); (None, None) when it is off or the village has no fence yet."""
    fence = VillageFence.objects.filter(village_id=village_id).values_list("latitude", "longitude", "radius_m").first()
    if fence is None or not policy_resolve(village_id, day)["location_check"]:
        return None, None
    latitude, longitude, radius = fence
    return rules.fence_check(latitude, longitude, radius, *position)


def _presence_and_event(
    *,
    actor: Any,
    person_id: int,
    village_id: str,
    day: dt.date,
    kind: str,
    channel: str,
    inside_fence: bool | None = None,
    distance_m: int | None = None,
    correction_reason: str = "",
) -> tuple[Presence, AuditEvent]:
    """A new presence record and the audit event that records it, both unsaved."""
    record = Presence(
        person_id=person_id, village_id=village_id, date=day, kind=kind, channel=channel,
        inside_fence=inside_fence, distance_m=distance_m,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    changes: dict[str, list[Any]] = {"date": [None, day], "kind": [None, kind], "channel": [None, channel]}
    if inside_fence is not None:  # the fence check's result, never the position (A4, R-DATA-01)
        changes |= {"inside_fence": [None, inside_fence], "distance_m": [None, distance_m]}
    event = audit_event(
        actor=actor,
        action="attendance.presence" + (".correct" if correction_reason else ""),
        object_type=Presence._meta.label_lower,
        region_code=village_id,
        reason=correction_reason,
        changes=changes,
    )
    return record, event


def _presence_insert(
    *,
    actor: Any,
    person_id: int,
    village_id: str,
    day: dt.date,
    kind: str,
    channel: str,
    inside_fence: bool | None,
    distance_m: int | None,
    correction_reason: str,
) -> Presence:
    """The record and its audit event, together or not at all (A4: one per cadre per day, by the
    unique constraint: a repeat raises IntegrityError and writes nothing). A plain record is one
    statement on PostgreSQL (`insert_with_event`, issue #4); a correction also refreshes the
    locked month's stored results, in the same transaction."""
    record, event = _presence_and_event(
        actor=actor, person_id=person_id, village_id=village_id, day=day, kind=kind, channel=channel,
        inside_fence=inside_fence, distance_m=distance_m, correction_reason=correction_reason,
    )  # fmt: skip
    if not correction_reason.strip():
        insert_with_event(record, event)
        return record
    with transaction.atomic():  # only a locked month needs a reason, and only it has stored results
        insert_with_event(record, event)
        month_result_refresh(person_id=person_id, village_code=village_id, start=day, end=day)
    return record


@dataclass(frozen=True)
class ImportRow:
    cadre_id: int
    day: dt.date
    kind: str = Presence.Kind.PRESENT


@transaction.atomic
def presence_import(*, actor: Any, rows: list[ImportRow]) -> tuple[int, int]:
    """A township officer imports presence from an attendance machine or a spreadsheet:
    all rows checked first, nothing written on any error; repeats are skipped.
    Returns (created, already_there)."""
    require(actor, account_rules.CADRES_WRITE)
    ids = {r.cadre_id for r in rows}
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids).only("id", "village_id")}
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    for i, r in enumerate(rows):
        person = people.get(r.cadre_id)
        if person is None or not in_scope(actor, person.village_id):
            errors[f"rows.{i}.cadre"] = [_("未找到该干部,或不在您的管辖范围内")]
        elif r.day > today:
            errors[f"rows.{i}.date"] = [_("不能为将来的日期登记在岗")]
        elif r.kind not in Presence.Kind.values:
            errors[f"rows.{i}.kind"] = [_("类别无效")]
        elif is_locked(person.village_id, r.day):
            errors[f"rows.{i}.date"] = [_("该月考勤已锁定")]
    if errors:
        raise InvalidInput(errors=errors)
    unique = {(r.cadre_id, r.day): r for r in rows}
    objs = [
        Presence(person_id=pid, village_id=people[pid].village_id, date=day, kind=r.kind,
                 channel=Presence.Channel.IMPORT, recorded_by=actor)
        for (pid, day), r in unique.items()
    ]  # fmt: skip
    before = Presence.objects.filter(person_id__in=ids).count()
    Presence.objects.bulk_create(objs, batch_size=2000, ignore_conflicts=True)
    created = Presence.objects.filter(person_id__in=ids).count() - before
    audit_record(
        actor=actor,
        action="attendance.import",
        region_code=actor.region_id or "",
        changes={"rows": [None, len(rows)], "created": [None, created]},
    )
    return created, len(unique) - created


@transaction.atomic
def official_business_mark(*, actor: Any, person_id: int, days: list[dt.date], reason: str) -> int:
    """Official business (公出: training, secondment) on the given days counts as present (A4): a
    record (kind official_business) for each day the cadre has none yet — a day already recorded
    stays as it is, so a repeat writes nothing; days may lie ahead (a secondment is planned). A
    locked month's stored results are refreshed. The calling service decides who may; one audit
    event. Returns how many records were written."""
    person = Person.objects.filter(pk=person_id).only("id", "village_id").first()
    if person is None or not days:
        return 0
    unique = sorted(set(days))
    had = set(Presence.objects.filter(person_id=person_id, date__in=unique).values_list("date", flat=True))
    new = [d for d in unique if d not in had]
    Presence.objects.bulk_create(
        [Presence(person_id=person_id, village_id=person.village_id, date=d, kind=Presence.Kind.OFFICIAL,
                  channel=Presence.Channel.IMPORT, recorded_by=actor if getattr(actor, "pk", None) else None)
         for d in new],
        batch_size=2000,
        ignore_conflicts=True,
    )  # fmt: skip
    if new:
        month_result_refresh(person_id=person_id, village_code=person.village_id, start=new[0], end=new[-1])
        audit_record(
            actor=actor,
            action="attendance.official_business",
            object_type=Presence._meta.label_lower,
            region_code=person.village_id,
            reason=reason[:300],
            changes={
                "cadre": [None, person_id],
                "days": [None, len(new)],
                "from": [None, new[0]],
                "to": [None, new[-1]],
            },
        )
    return len(new)


@transaction.atomic
def duty_set(*, actor: Any, village_code: str, day: dt.date, cadre_ids: list[int]) -> list[DutyAssignment]:
    """Set who is on duty in a village on a day (replaces that day's roster)."""
    require(actor, account_rules.CADRES_WRITE)
    village = access_region(actor=actor, code=village_code, field="village")
    if village.level != region_rules.VILLAGE:
        raise InvalidInput(errors={"village": _("请选择村(社区)")})
    valid = set(current_posts(day).filter(village=village, person_id__in=cadre_ids).values_list("person_id", flat=True))
    bad = [c for c in cadre_ids if c not in valid]
    if bad:
        raise InvalidInput(errors={"cadres": _("只能安排本村在任干部值班")})
    old = sorted(DutyAssignment.objects.filter(village=village, date=day).values_list("person_id", flat=True))
    DutyAssignment.objects.filter(village=village, date=day).delete()
    made = DutyAssignment.objects.bulk_create(
        [DutyAssignment(village=village, date=day, person_id=c, assigned_by=actor) for c in dict.fromkeys(cadre_ids)]
    )
    if old != sorted(cadre_ids):
        audit_record(
            actor=actor,
            action="attendance.duty.set",
            region_code=village.code,
            object_type="duty",
            object_id=f"{village.code}:{day}",
            changes={"cadres": [old, cadre_ids]},
        )
    return made


@transaction.atomic
def duty_copy_month(*, actor: Any, village_code: str, year: int, month: int) -> int:
    """Copy last month's pattern by weekday order: the n-th Monday gets last month's
    n-th Monday's cadres (still in post). Days already rostered are kept."""
    require(actor, account_rules.CADRES_WRITE)
    village = access_region(actor=actor, code=village_code, field="village")
    days = rules.month_days(year, month)
    prev_last = days[0] - dt.timedelta(days=1)
    prev_days = rules.month_days(prev_last.year, prev_last.month)
    by_slot: dict[tuple[int, int], list[int]] = {}
    for day, person in DutyAssignment.objects.filter(
        village=village, date__gte=prev_days[0], date__lte=prev_days[-1]
    ).values_list("date", "person_id"):
        by_slot.setdefault((day.weekday(), (day.day - 1) // 7), []).append(person)
    taken = set(
        DutyAssignment.objects.filter(village=village, date__gte=days[0], date__lte=days[-1]).values_list(
            "date", flat=True
        )
    )
    in_post = set(current_posts(days[0]).filter(village=village).values_list("person_id", flat=True))
    objs = []
    for day in days:
        if day in taken:
            continue
        slot = by_slot.get((day.weekday(), (day.day - 1) // 7)) or by_slot.get((day.weekday(), 0), [])
        objs += [
            DutyAssignment(village=village, date=day, person_id=p, assigned_by=actor) for p in slot if p in in_post
        ]
    DutyAssignment.objects.bulk_create(objs, ignore_conflicts=True)
    audit_record(
        actor=actor,
        action="attendance.duty.copy",
        region_code=village.code,
        object_type="duty",
        object_id=f"{village.code}:{year}-{month:02d}",
        changes={"assignments": [None, len(objs)]},
    )
    return len(objs)


def _blocked(village_code: str, start: dt.date, end: dt.date) -> BlockedPeriod | None:
    chain = region_rules.ancestors(village_code)
    return BlockedPeriod.objects.filter(region_id__in=chain, start_date__lte=end, end_date__gte=start).first()


@transaction.atomic
def leave_submit(*, actor: Any, cadre_id: int, start: dt.date, end: dt.date, reason: str) -> LeaveRequest:
    """WF-4 / R-ATT-02: a cadre asks for leave; the route follows its length;
    caps `leave_max_single` and `leave_max_year`; none in a declared blocked period."""
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    if not (_is_self(actor, person) or _is_officer_of(actor, person.village_id)):
        raise Forbidden(_("只能为本人请假"))
    policy = policy_resolve(person.village_id, start)
    errors: dict[str, str] = {}
    if end < start:
        errors["end_date"] = _("结束日期不能早于开始日期")
    if not (reason or "").strip():
        errors["reason"] = _("请填写请假事由")
    if errors:
        raise InvalidInput(errors=errors)
    days = (end - start).days + 1
    if days > policy["leave_max_single"]:
        raise InvalidInput(errors={"end_date": _("单次请假不能超过 %(n)s 天") % {"n": policy["leave_max_single"]}})
    taken = (
        LeaveRequest.objects.filter(person=person, start_date__year=start.year)
        .exclude(status__in=[LeaveRequest.Status.REJECTED, LeaveRequest.Status.CANCELLED])
        .aggregate(n=Sum("days"))["n"]
        or 0
    )
    if taken + days > policy["leave_max_year"]:
        raise InvalidInput(
            errors={
                "end_date": _("本年度已请假 %(t)s 天,再请 %(d)s 天将超过上限 %(n)s 天")
                % {"t": taken, "d": days, "n": policy["leave_max_year"]}
            }
        )
    blocked = _blocked(person.village_id, start, end)
    if blocked is not None:
        raise InvalidInput(
            errors={
                "start_date": _("%(from)s 至 %(to)s 为%(why)s,暂停请假")
                % {"from": blocked.start_date, "to": blocked.end_date, "why": blocked.reason}
            }
        )
    overlap = LeaveRequest.objects.filter(
        person=person, start_date__lte=end, end_date__gte=start,
        status__in=[LeaveRequest.Status.SUBMITTED, LeaveRequest.Status.APPROVED],
    ).exists()  # fmt: skip
    if overlap:
        raise Conflict(_("与已有请假时间重叠"), field="start_date")
    is_secretary = current_posts(start).filter(person=person, post="PS").exists()
    route = rules.leave_route(
        days,
        is_secretary=is_secretary,
        secretary_max=policy["leave_secretary_max_days"],
        liaison_record_max=policy["leave_liaison_record_max_days"],
    ).levels
    leave = LeaveRequest.objects.create(
        person=person, village_id=person.village_id, start_date=start, end_date=end, days=days, reason=reason.strip(),
        route=list(route), next_level=route[0], created_by=actor,
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="attendance.leave.submit",
        obj=leave,
        region_code=person.village_id,
        changes={"start_date": [None, start], "end_date": [None, end], "route": [None, list(route)]},
    )
    return leave


def _previous_approver(leave: LeaveRequest) -> int | None:
    """Who approved the level before the current one, if the leave is past its first level."""
    if not leave.route or leave.next_level == leave.route[0]:
        return None
    return (
        LeaveApproval.objects.filter(leave=leave, decision="approve")
        .order_by("-at", "-id")
        .values_list("approver_id", flat=True)
        .first()
    )


def approved_previous_level(actor: Any, leave: LeaveRequest) -> bool:
    """R-ATT-02: did the actor approve the level before this one (then not this one too)?"""
    return not rules.distinct_approver(_previous_approver(leave), getattr(actor, "pk", None))


def can_decide(actor: Any, leave: LeaveRequest) -> bool:
    """Who may act at the leave's current level (R-ATT-02); nobody approves two consecutive levels."""
    level = leave.next_level
    village = leave.village_id
    if not level or leave.status != LeaveRequest.Status.SUBMITTED:
        return False
    if actor.pk == leave.created_by_id and _is_self(actor, leave.person):
        return False  # nobody approves their own leave
    if not _may_act_at(actor, leave, level, village):
        return False
    return not approved_previous_level(actor, leave)


def _may_act_at(actor: Any, leave: LeaveRequest, level: str, village: str) -> bool:
    if level == "secretary":
        return (
            getattr(actor, "role", None) == Role.CADRE
            and actor.cadre_id is not None
            and current_posts(leave.start_date).filter(village_id=village, post="PS", person_id=actor.cadre_id).exists()
        ) or _is_officer_of(actor, village)
    if level in ("liaison", "liaison_record"):
        return (getattr(actor, "role", None) == Role.LIAISON and in_scope(actor, village)) or _is_officer_of(
            actor, village
        )
    if level == "township":
        return (actor.role == Role.TOWNSHIP_OFFICER and in_scope(actor, village)) or (
            actor.is_superuser or (actor.role == Role.ADMIN and in_scope(actor, village))
        )
    return False


def _leave_for_update(actor: Any, leave_id: int) -> LeaveRequest:
    leave = leaves_in_scope(actor=actor).select_for_update().filter(pk=leave_id).first()
    if leave is None:
        raise NotFound(_("未找到该请假"))
    return leave


@transaction.atomic
def leave_decide(*, actor: Any, leave_id: int, approve: bool, note: str = "") -> LeaveRequest:
    """Approve or reject at the current level (flows.LEAVE); approval moves to the next level or
    grants the leave. A liaison record (2–3 days) is noted, it does not hold the leave."""
    leave = _leave_for_update(actor, leave_id)
    if not can_decide(actor, leave):
        if leave.status == LeaveRequest.Status.SUBMITTED and approved_previous_level(actor, leave):
            raise Forbidden(_("同一人不能连续办理两级审批,请由其他人员办理"))
        raise Forbidden(_("该请假当前不由您审批"))
    level = leave.next_level
    remaining = remaining_levels(leave) if approve else []

    def record(locked: LeaveRequest) -> None:  # after the checks: the approval row is the step's
        decision = "approve" if approve else "reject"
        LeaveApproval.objects.create(leave=locked, level=level, approver=actor, decision=decision, note=note[:300])
        if approve and not remaining and "liaison_record" in locked.route:
            LeaveApproval.objects.create(
                leave=locked, level="liaison_record", approver=None, decision="record", note=_("报包村干部备案")
            )

    decided: LeaveRequest = transition(
        LEAVE,
        actor=actor,
        obj=leave,
        name="approve" if approve else "reject",
        set_fields={"next_level": remaining[0] if remaining else ""},
        effect=record,
        changes={"level": [level, None]},
        reason=note,
        region_code=leave.village_id,
    )
    if decided.status == LeaveRequest.Status.APPROVED:
        month_result_refresh(
            person_id=leave.person_id, village_code=leave.village_id, start=leave.start_date, end=leave.end_date
        )
    return decided


def may_return(actor: Any, leave: LeaveRequest) -> bool:
    """销假 (R-ATT-03) is the cadre's own or an official's of the village."""
    return _is_self(actor, leave.person) or _is_officer_of(actor, leave.village_id)


@transaction.atomic
def leave_return(*, actor: Any, leave_id: int, returned_on: dt.date) -> LeaveRequest:
    """销假 (R-ATT-03, flows.LEAVE): report back. Days after the end without presence are unexcused."""
    leave = _leave_for_update(actor, leave_id)
    if not may_return(actor, leave):
        raise Forbidden(_("只能由本人或乡镇销假"))
    if leave.status != LeaveRequest.Status.APPROVED:
        raise InvalidInput(errors={"status": _("只有已批准的请假可以销假")})
    if returned_on < leave.start_date:
        raise InvalidInput(errors={"returned_on": _("销假日期不能早于请假开始日期")})
    approved_end = leave.end_date
    end_date, days = leave.end_date, leave.days
    if returned_on <= leave.end_date:  # back early: the leave ends the day before
        end_date = max(leave.start_date, returned_on - dt.timedelta(days=1))
        days = (end_date - leave.start_date).days + 1
    returned: LeaveRequest = transition(
        LEAVE,
        actor=actor,
        obj=leave,
        name="return",
        set_fields={"returned_on": returned_on, "end_date": end_date, "days": days},
        region_code=leave.village_id,
    )
    month_result_refresh(
        person_id=leave.person_id, village_code=leave.village_id, start=leave.start_date, end=approved_end
    )
    return returned


@transaction.atomic
def blocked_period_declare(*, actor: Any, region_code: str, start: dt.date, end: dt.date, reason: str) -> BlockedPeriod:
    """A county declares a period without leave (flood or fire season, R-ATT-02)."""
    require(actor, account_rules.POLICY_WRITE)
    region = access_region(actor=actor, code=region_code)
    if end < start or not reason.strip():
        raise InvalidInput(errors={"end_date" if end < start else "reason": _("请填写正确的起止日期和原因")})
    period = BlockedPeriod.objects.create(
        region=region, start_date=start, end_date=end, reason=reason.strip(), created_by=actor
    )
    audit_record(
        actor=actor,
        action="attendance.blocked.declare",
        obj=period,
        region_code=region.code,
        changes={"start_date": [None, start], "end_date": [None, end], "reason": [None, reason]},
    )
    return period


@transaction.atomic
def month_lock(*, actor: Any, region_code: str, month: dt.date, today: dt.date | None = None) -> MonthLock:
    """WF-8: the township locks a month after day `attendance_lock_day` of the next month."""
    require(actor, account_rules.CADRES_WRITE)
    region = access_region(actor=actor, code=region_code)
    if region.level != region_rules.TOWNSHIP:
        raise InvalidInput(errors={"region": _("按乡镇(街道)锁定考勤")})
    first = month.replace(day=1)
    day = today or timezone.localdate()
    lock_day = policy_resolve(region.code, first)["attendance_lock_day"]
    if day < rules.lock_opens(first, lock_day):
        raise InvalidInput(errors={"month": _("须在次月 %(d)s 日之后锁定,以便村里核对") % {"d": lock_day}})
    try:
        with transaction.atomic():
            lock = MonthLock.objects.create(region=region, month=first, locked_by=actor)
    except IntegrityError as exc:
        raise Conflict(_("该月已锁定"), field="month") from exc
    results = month_results_store(prefix=region.prefix, month=first)
    audit_record(
        actor=actor,
        action="attendance.month.lock",
        obj=lock,
        region_code=region.code,
        changes={"month": [None, first.strftime("%Y-%m")], "results": [None, results]},
    )
    return lock


def month_results_store(*, prefix: str, month: dt.date) -> int:
    """WF-8 / A4: keep every full-time cadre's month under the prefix as it stands at the lock
    (one `MonthResult` row each, set-based), so the pay run reads one row per cadre and month
    instead of every presence record. Called inside the lock's transaction."""
    first = month.replace(day=1)
    rows = monthly_summary(prefix=prefix, year=first.year, month=first.month)
    MonthResult.objects.filter(
        village_id__gte=prefix.ljust(12, "0"), village_id__lte=prefix.ljust(12, "9"), month=first
    ).delete()
    MonthResult.objects.bulk_create(
        [MonthResult(person_id=r.person_id, village_id=r.village_id, month=first, **_result_fields(r.result))
         for r in rows],
        batch_size=2000,
    )  # fmt: skip
    return len(rows)


def _result_fields(result: rules.MonthResult) -> dict[str, int]:
    return {
        "required_days": result.required_days,
        "present_days": result.present_days,
        "excused_days": result.excused_days,
        "shortfall_days": result.shortfall_days,
        "unexcused_days": result.unexcused_days,
        "workdays_in_post": result.workdays_in_post,
    }


def month_result_refresh(*, person_id: int, village_code: str, start: dt.date, end: dt.date) -> None:
    """A correction after the lock (a late presence record, a leave approved or reported back, a
    post begun or ended on a past date) recomputes the cadre's stored month for each month from
    start to end that the village's township has locked (A4, WF-8), with the same pure rule as
    the monthly summary; a month the cadre no longer holds a full-time post in loses its row.
    One query finds the locked months, so a date years back costs no query per month."""
    township = village_code[:9].ljust(12, "0")
    locked = MonthLock.objects.filter(region_id=township, month__gte=start.replace(day=1), month__lte=end)
    for month in locked.order_by("month").values_list("month", flat=True):
        found = cadre_month(person_id=person_id, village_code=village_code, year=month.year, month=month.month)
        if found.full_time:
            MonthResult.objects.update_or_create(
                person_id=person_id,
                month=month,
                defaults={"village_id": village_code, **_result_fields(found.result)},
            )
        else:
            MonthResult.objects.filter(person_id=person_id, month=month).delete()


def locked_months_refresh(since: Mapping[str, dt.date]) -> int:
    """Full-time posts imported or changed by a roster import (`cadres.hooks.posts_imported`) on
    dates inside months a township has already locked change those months' stored results, which
    the pay run reads (A4, WF-8): each such township-month is recomputed, set-based. One query."""
    locks = MonthLock.objects.filter(region_id__in=list(since)).values_list("region_id", "month")
    touched = sorted((t, m) for t, m in locks if m >= since[t].replace(day=1))
    for township, month in touched:
        month_results_store(prefix=region_rules.prefix_of(township), month=month)
    return len(touched)


CALENDAR_MAX_PREFIX = 4  # prefecture or above: the calendar is one for the whole installation


@transaction.atomic
def calendar_day_set(*, actor: Any, day: dt.date, is_workday: bool, note: str = "") -> CalendarDay:
    """An administrator adds or corrects one day of the working-day calendar (A4: the
    `chinesecalendar` package lags the State Council's notice each November).

    The calendar has no region: a day changed here moves every region's required days and,
    through them, pay. So besides POLICY_WRITE the actor's scope must be a prefecture or wider
    (the top of a prefecture installation), and a month some township has already locked
    (WF-8) cannot change any more."""
    require(actor, account_rules.POLICY_WRITE)
    prefix = scope_prefix(actor)
    if prefix is None or len(prefix) > CALENDAR_MAX_PREFIX:
        raise Forbidden(_("工作日历全辖区通用,只能由州(市)及以上组织部管理员修改"))
    note = (note or "").strip()
    if len(note) > 50:
        raise InvalidInput(errors={"note": _("说明不能超过 50 个字")})
    if MonthLock.objects.filter(month=day.replace(day=1)).exists():
        raise Conflict(_("%(m)s 已有乡镇锁定考勤,不能再修改该月的工作日历") % {"m": day.strftime("%Y-%m")}, field="day")
    old = CalendarDay.objects.select_for_update().filter(date=day).first()
    before = [old.is_workday, old.note] if old is not None else [None, None]
    entry, _created = CalendarDay.objects.update_or_create(
        date=day, defaults={"is_workday": is_workday, "note": note, "updated_by": actor}
    )
    if before != [is_workday, note]:
        audit_record(
            actor=actor,
            action="attendance.calendar.set",
            object_type="attendance.calendarday",
            object_id=day.isoformat(),
            changes={"is_workday": [before[0], is_workday], "note": [before[1], note]},
        )
    return entry


def _fence_village(actor: Any, village_code: str) -> Region:
    require(actor, account_rules.CADRES_WRITE)
    village = access_region(actor=actor, code=village_code, field="village")
    if village.level != region_rules.VILLAGE:
        raise InvalidInput(errors={"village": _("请选择村(社区)")})
    return village


FENCE_PLACES = Decimal("0.000001")  # six decimal places of a degree: about 0.1 m


@transaction.atomic
def fence_set(*, actor: Any, village_code: str, latitude: Decimal, longitude: Decimal, radius_m: int) -> VillageFence:
    """A township or county officer sets a village's location fence (A4 Compliance): a centre in
    China and a radius of 50–5,000 m (`rules.fence_errors`). The fence is the village's, not a
    person's: its centre is kept, and its changes are audited like the other admin data."""
    village = _fence_village(actor, village_code)
    errors = rules.fence_errors(latitude, longitude, radius_m)
    if errors:
        raise InvalidInput(errors=errors)
    latitude, longitude = latitude.quantize(FENCE_PLACES), longitude.quantize(FENCE_PLACES)
    fence = VillageFence.objects.select_for_update().filter(village=village).first()
    before = [fence.latitude, fence.longitude, fence.radius_m] if fence is not None else [None, None, None]
    if fence is None:
        fence = VillageFence(village=village)
    fence.latitude, fence.longitude, fence.radius_m, fence.updated_by = latitude, longitude, radius_m, actor
    fence.save()
    after = [latitude, longitude, radius_m]
    if before != after:
        audit_record(
            actor=actor,
            action="attendance.fence.set",
            object_type=VillageFence._meta.label_lower,
            object_id=village.code,
            region_code=village.code,
            changes={k: [b, a] for k, b, a in zip(("latitude", "longitude", "radius_m"), before, after, strict=True)},
        )
    return fence


@transaction.atomic
def fence_clear(*, actor: Any, village_code: str) -> bool:
    """Remove a village's fence (A4): its web sign-ins keep no location any more, even with
    `location_check` on. False when there was none."""
    village = _fence_village(actor, village_code)
    old = VillageFence.objects.select_for_update().filter(village=village).first()
    if old is None:
        return False
    old.delete()
    audit_record(
        actor=actor,
        action="attendance.fence.clear",
        object_type=VillageFence._meta.label_lower,
        object_id=village.code,
        region_code=village.code,
        changes={k: [getattr(old, k), None] for k in ("latitude", "longitude", "radius_m")},
    )
    return True
