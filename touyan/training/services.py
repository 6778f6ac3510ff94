"""Writes of cadre development: events and their rolls, results, feedback and follow-ups (R-TRN-01/02),
certificates (R-TRN-03), secondments with their official-business days (R-TRN-05, A4), reserves and
1+1+N mentoring (R-TRN-06). Keyword-only, one transaction each, each audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts.rules import is_village_cadre
from touyan.attendance.services import official_business_mark
from touyan.attendance.workcalendar import workdays
from touyan.audit.services import audit_record
from touyan.cadres.models import EDUCATION_RANK, Person, PostCode
from touyan.cadres.selectors import access_cadre
from touyan.cadres.services import cadre_update
from touyan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from touyan.core.workflow import transition
from touyan.policy.selectors import policy_resolve

from . import rules, selectors
from .actions import TrainingAction
from .flows import ENROLMENT
from .models import (
    Attendee,
    Certificate,
    Enrolment,
    FollowUp,
    Kind,
    Level,
    Mentorship,
    MentorshipRecord,
    Programme,
    Reserve,
    Secondment,
    SecondmentLog,
    TrainingEvent,
)
from .totals import totals_refresh

MAX_DAYS = Decimal(366)


def _require_officer(actor: Any, message: str) -> None:
    if not selectors.is_officer(actor):
        raise Forbidden(message)


def _decimal(value: Any, field: str, errors: dict[str, str], *, places: int = 2) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = _("请填写数字")
        return None
    if not d.is_finite() or d < 0:
        errors[field] = _("不能为负数")
        return None
    if d > MAX_DAYS * 24:
        errors[field] = _("数值过大")
        return None
    return d.quantize(Decimal(1).scaleb(-places))


def _cadre_for_write(actor: Any, cadre_id: int) -> Person:
    """A cadre file in the actor's scope, for an officer's write (NotFound outside it)."""
    return access_cadre(actor=actor, cadre_id=cadre_id)


# --- events ---------------------------------------------------------------------------------------


@transaction.atomic
def event_create(
    *,
    actor: Any,
    title: str,
    level: str,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    days: Any,
    hours: Any = None,
    minutes: int | None = None,
    topic: str = "",
    place: str = "",
    courses: str = "",
    region_code: str | None = None,
) -> TrainingEvent:
    """A training event organised by the actor's region (or a region in it)."""
    _require_officer(actor, _("只有乡镇党委干部或组织部管理员可以新建培训"))
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = _("请填写培训名称")
    if level not in Level.values:
        errors["level"] = _("层级无效,可选: %(v)s") % {"v": ", ".join(Level.values)}
    if kind not in Kind.values:
        errors["kind"] = _("类别无效,可选: %(v)s") % {"v": ", ".join(Kind.values)}
    if end_date < start_date:
        errors["end_date"] = _("结束日期不能早于开始日期")
    d = _decimal(days, "days", errors, places=1)
    if d is None and "days" not in errors:
        errors["days"] = _("请填写天数")
    elif d is not None and d > (end_date - start_date).days + 1 and "end_date" not in errors:
        errors["days"] = _("天数不能超过起止日期之间的天数")
    h = _decimal(hours, "hours", errors)
    if minutes is not None and minutes < 0:
        errors["minutes"] = _("不能为负数")
    region_id = region_code or actor.region_id
    if region_id and not selectors.in_scope(actor, region_id):
        errors["region"] = _("主办地区不在您的管辖范围内")
    if errors or d is None:
        raise InvalidInput(errors=errors)
    event = TrainingEvent.objects.create(
        title=title.strip()[:120], level=level, kind=kind, region_id=region_id or None, topic=topic[:200],
        place=place[:120], courses=courses, start_date=start_date, end_date=end_date, days=d, hours=h,
        minutes=minutes, created_by=actor,
    )  # fmt: skip
    audit_record(
        actor=actor,
        action=TrainingAction.EVENT_CREATE,
        obj=event,
        region_code=region_id or "",
        changes={"title": [None, event.title], "level": [None, level], "kind": [None, kind],
                 "start_date": [None, start_date], "end_date": [None, end_date], "days": [None, d], "hours": [None, h]},
    )  # fmt: skip
    return event


@transaction.atomic
def attendee_add(
    *,
    actor: Any,
    event_id: int,
    cadre_id: int,
    days: Any = None,
    hours: Any = None,
    passed: bool | None = None,
    result: str = "",
) -> tuple[Attendee, bool]:
    """Put a cadre on the roll, once: a repeat returns the existing row (`created=False`) and
    updates nothing but a result given with it. The hours are credited by the region's policy
    (R-TRN-01: 1 day = 8 h, an online course by its length) unless given."""
    event = selectors.access_event(actor=actor, event_id=event_id, for_write=True)
    person = _cadre_for_write(actor, cadre_id)
    errors: dict[str, str] = {}
    d = _decimal(days, "days", errors, places=1)
    h = _decimal(hours, "hours", errors)
    if d is not None and d > event.days:
        errors["days"] = _("参训天数不能超过培训天数(%(n)s 天)") % {"n": event.days}
    if errors:
        raise InvalidInput(errors=errors)
    existing = Attendee.objects.select_for_update().filter(event=event, person=person).first()
    if existing is not None:
        if passed is not None or result:
            _set_result(actor, existing, passed, result)
        return existing, False
    policy = policy_resolve(person.village_id, event.start_date)
    attended = d if d is not None else event.days
    if h is None:
        h = rules.credited_hours(
            selectors.hours_policy(policy),
            kind=event.kind,
            days=attended,
            hours=event.hours if d is None else None,
            minutes=event.minutes,
        )
    try:
        with transaction.atomic():
            row = Attendee.objects.create(
                event=event, person=person, village_id=person.village_id, year=event.start_date.year,
                date=event.start_date, level=event.level, kind=event.kind, days=attended, hours=h, passed=passed,
                result=result[:200], recorded_by=actor,
            )  # fmt: skip
    except IntegrityError:  # added at the same moment by another request
        return Attendee.objects.get(event=event, person=person), False
    totals_refresh(person_ids=[person.pk], years=[row.year])
    if event.kind not in (Kind.ONLINE, Kind.EXAM):
        official_business_mark(actor=actor, person_id=person.pk, days=_training_days(event, attended),
                               reason=_("培训:%(t)s") % {"t": event.title})  # fmt: skip
    audit_record(
        actor=actor,
        action=TrainingAction.ATTENDEE_ADD,
        obj=row,
        region_code=person.village_id,
        changes={"event": [None, event.pk], "cadre": [None, person.pk], "days": [None, attended], "hours": [None, h],
                 "passed": [None, passed]},
    )  # fmt: skip
    return row, True


def _training_days(event: TrainingEvent, attended: Decimal) -> list[dt.date]:
    """The days a training counts as present (A4: official business): from its first day, as many
    calendar days as attended (half a day counts as the day), within its dates."""
    n = min(int(attended.to_integral_value(rounding="ROUND_CEILING")), (event.end_date - event.start_date).days + 1)
    return [event.start_date + dt.timedelta(days=i) for i in range(n)]


def _set_result(actor: Any, row: Attendee, passed: bool | None, result: str) -> None:
    old = {"passed": row.passed, "result": row.result}
    if passed is not None:
        row.passed = passed
    if result:
        row.result = result[:200]
    row.save(update_fields=["passed", "result"])
    totals_refresh(person_ids=[row.person_id], years=[row.year])
    audit_record(
        actor=actor,
        action=TrainingAction.ATTENDEE_RESULT,
        obj=row,
        region_code=row.village_id,
        changes={"passed": [old["passed"], row.passed], "result": [old["result"], row.result]},
    )


@transaction.atomic
def attendee_result(*, actor: Any, event_id: int, cadre_id: int, passed: bool | None, result: str = "") -> Attendee:
    """Results and exams are recorded for attendees only (the organiser)."""
    event = selectors.access_event(actor=actor, event_id=event_id, for_write=True)
    row = Attendee.objects.select_for_update().filter(event=event, person_id=cadre_id).first()
    if row is None or not selectors.in_scope(actor, row.village_id):
        raise NotFound(_("该干部未参加此培训,不能登记成绩"))
    _set_result(actor, row, passed, result)
    return row


@transaction.atomic
def feedback_submit(*, actor: Any, event_id: int, text: str, report: bool = False) -> Attendee:
    """A cadre's own learning report or feedback (R-TRN-02: a report after central training) —
    only someone on the roll may give it."""
    if not is_village_cadre(actor) or not actor.cadre_id:
        raise Forbidden(_("学习体会由参训干部本人提交"))
    event = selectors.access_event(actor=actor, event_id=event_id)
    row = Attendee.objects.select_for_update().filter(event=event, person_id=actor.cadre_id).first()
    if row is None:
        raise Forbidden(_("只有参训人员可以提交学习体会"))
    if not (text or "").strip():
        raise InvalidInput(errors={"text": _("请填写学习体会")})
    row.feedback = text.strip()[:4000]
    row.report_submitted = row.report_submitted or report
    row.save(update_fields=["feedback", "report_submitted"])
    totals_refresh(person_ids=[row.person_id], years=[row.year])
    audit_record(actor=actor, action=TrainingAction.FEEDBACK, obj=row, region_code=row.village_id,
                 changes={"report": [None, row.report_submitted]})  # fmt: skip
    return row


@transaction.atomic
def follow_up_record(
    *, actor: Any, event_id: int, cadre_id: int, talk_on: dt.date, makeup: str, note: str = ""
) -> FollowUp:
    """R-TRN-02: poor results → an admonition talk and make-up study, recorded against the attendance."""
    event = selectors.access_event(actor=actor, event_id=event_id, for_write=True)
    row = Attendee.objects.filter(event=event, person_id=cadre_id).first()
    if row is None or not selectors.in_scope(actor, row.village_id):
        raise NotFound(_("该干部未参加此培训"))
    if not (makeup or "").strip():
        raise InvalidInput(errors={"makeup": _("请填写补学安排")})
    f = FollowUp.objects.create(attendee=row, talk_on=talk_on, makeup=makeup.strip()[:200], note=note,
                                recorded_by=actor)  # fmt: skip
    totals_refresh(person_ids=[row.person_id], years=[row.year])
    audit_record(actor=actor, action=TrainingAction.FOLLOW_UP, obj=f, region_code=row.village_id,
                 changes={"talk_on": [None, talk_on], "makeup": [None, f.makeup]})  # fmt: skip
    return f


# --- certificates (R-TRN-03) ----------------------------------------------------------------------


@transaction.atomic
def certificate_create(
    *, actor: Any, cadre_id: int, kind: str, number: str, issued_on: dt.date, expires_on: dt.date | None = None
) -> Certificate:
    """A certificate on a cadre's file; a valid social-worker certificate pays its monthly
    allowance in every pay run of its months (payroll.lines, `certificate_allowance_<kind>`)."""
    _require_officer(actor, _("证书由乡镇党委干部或组织部管理员登记"))
    person = _cadre_for_write(actor, cadre_id)
    errors: dict[str, str] = {}
    if kind not in Certificate.CertKind.values:
        errors["kind"] = _("证书类别无效,可选: %(v)s") % {"v": ", ".join(Certificate.CertKind.values)}
    number = (number or "").strip()
    if not number:
        errors["number"] = _("请填写证书编号")
    elif len(number) > 60:
        errors["number"] = _("证书编号过长")
    if issued_on > timezone.localdate():
        errors["issued_on"] = _("发证日期不能晚于今天")
    if expires_on is not None and expires_on < issued_on:
        errors["expires_on"] = _("有效期不能早于发证日期")
    if errors:
        raise InvalidInput(errors=errors)
    if Certificate.objects.filter(kind=kind, number=number).exists():
        raise Conflict(_("该证书编号已登记"), field="number")
    try:
        with transaction.atomic():
            cert = Certificate.objects.create(
                person=person, village_id=person.village_id, kind=kind, number=number, issued_on=issued_on,
                expires_on=expires_on, created_by=actor,
            )  # fmt: skip
    except IntegrityError as exc:
        raise Conflict(_("该证书编号已登记"), field="number") from exc
    audit_record(
        actor=actor,
        action=TrainingAction.CERTIFICATE_CREATE,
        obj=cert,
        region_code=person.village_id,
        changes={"cadre": [None, person.pk], "kind": [None, kind], "issued_on": [None, issued_on],
                 "expires_on": [None, expires_on]},
    )  # fmt: skip
    return cert


@transaction.atomic
def certificate_revoke(*, actor: Any, certificate_id: int, on: dt.date, reason: str) -> Certificate:
    _require_officer(actor, _("证书由乡镇党委干部或组织部管理员注销"))
    cert = selectors.certificates_in_scope(actor=actor).select_for_update().filter(pk=certificate_id).first()
    if cert is None:
        raise NotFound(_("未找到该证书"))
    if not (reason or "").strip():
        raise InvalidInput(errors={"reason": _("请填写注销原因")})
    cert.revoked_on = on
    cert.save(update_fields=["revoked_on"])
    audit_record(actor=actor, action=TrainingAction.CERTIFICATE_REVOKE, obj=cert, region_code=cert.village_id,
                 reason=reason[:300], changes={"revoked_on": [None, on]})  # fmt: skip
    return cert


# --- secondments (R-TRN-05) -----------------------------------------------------------------------


def _workdays_between(start: dt.date, end: dt.date) -> list[dt.date]:
    out: list[dt.date] = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.extend(d for d in workdays(y, m) if start <= d <= end)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return sorted(out)


@transaction.atomic
def secondment_create(
    *,
    actor: Any,
    cadre_id: int,
    host: str,
    host_level: str,
    start_date: dt.date,
    end_date: dt.date,
    post_title: str = "",
) -> Secondment:
    """A secondment (挂职) with pay and duties kept; each of its workdays is recorded as official
    business (A4: counts as present) through attendance, once."""
    _require_officer(actor, _("挂职由乡镇党委干部或组织部管理员登记"))
    person = _cadre_for_write(actor, cadre_id)
    errors: dict[str, str] = {}
    if not (host or "").strip():
        errors["host"] = _("请填写挂职单位")
    if host_level not in Secondment.HostLevel.values:
        errors["host_level"] = _("挂职层级无效,可选: city, township")
    if end_date < start_date:
        errors["end_date"] = _("结束日期不能早于开始日期")
    elif (end_date - start_date).days > 3 * 366:
        errors["end_date"] = _("挂职期限过长")
    if errors:
        raise InvalidInput(errors=errors)
    if Secondment.objects.filter(person=person, start_date__lte=end_date, end_date__gte=start_date).exists():
        raise Conflict(_("该干部在此期间已有挂职"), field="start_date")
    s = Secondment.objects.create(
        person=person, village_id=person.village_id, host=host.strip()[:120], host_level=host_level,
        post_title=post_title[:60], start_date=start_date, end_date=end_date, created_by=actor,
    )  # fmt: skip
    days = _workdays_between(start_date, end_date)
    official_business_mark(actor=actor, person_id=person.pk, days=days, reason=_("挂职:%(h)s") % {"h": s.host})
    s.present_days = len(days)
    s.save(update_fields=["present_days"])
    audit_record(
        actor=actor,
        action=TrainingAction.SECONDMENT_CREATE,
        obj=s,
        region_code=person.village_id,
        changes={"cadre": [None, person.pk], "host": [None, s.host], "host_level": [None, host_level],
                 "start_date": [None, start_date], "end_date": [None, end_date], "workdays": [None, len(days)]},
    )  # fmt: skip
    return s


def secondment_short(s: Secondment) -> bool:
    """R-TRN-05: shorter than the region's minimum (1 month)."""
    months = policy_resolve(s.village_id, s.start_date)["secondment_min_months"]
    return not rules.secondment_long_enough(s.start_date, s.end_date, months)


@transaction.atomic
def secondment_log(*, actor: Any, secondment_id: int, date: dt.date, text: str) -> SecondmentLog:
    """An entry of the work log: by the seconded cadre or an officer."""
    s = selectors.access_secondment(actor=actor, secondment_id=secondment_id)
    if is_village_cadre(actor) and actor.cadre_id != s.person_id:
        raise Forbidden(_("工作日志由挂职干部本人填写"))
    if not (is_village_cadre(actor) or selectors.is_officer(actor)):
        raise Forbidden(_("您的角色无权填写工作日志"))
    errors: dict[str, str] = {}
    if not (text or "").strip():
        errors["text"] = _("请填写工作内容")
    if not s.start_date <= date <= s.end_date:
        errors["date"] = _("日期不在挂职期间内")
    if errors:
        raise InvalidInput(errors=errors)
    entry = SecondmentLog.objects.create(secondment=s, date=date, text=text.strip()[:4000], recorded_by=actor)
    audit_record(actor=actor, action=TrainingAction.SECONDMENT_LOG, obj=entry, region_code=s.village_id,
                 changes={"date": [None, date]})  # fmt: skip
    return entry


@transaction.atomic
def secondment_appraise(*, actor: Any, secondment_id: int, appraisal: str, grade: str = "") -> Secondment:
    """The host's written appraisal (feeds the annual assessment)."""
    _require_officer(actor, _("鉴定由乡镇党委干部或组织部管理员录入"))
    s = selectors.access_secondment(actor=actor, secondment_id=secondment_id)
    if not (appraisal or "").strip():
        raise InvalidInput(errors={"appraisal": _("请填写接收单位的书面鉴定")})
    s.appraisal, s.appraisal_grade = appraisal.strip()[:4000], grade[:24]
    s.save(update_fields=["appraisal", "appraisal_grade"])
    audit_record(actor=actor, action=TrainingAction.SECONDMENT_APPRAISE, obj=s, region_code=s.village_id,
                 changes={"grade": [None, s.appraisal_grade]})  # fmt: skip
    return s


# --- reserves (R-TRN-06) --------------------------------------------------------------------------

TARGET_POSTS = frozenset(PostCode.values) - {"RSV"}


@transaction.atomic
def reserve_create(
    *, actor: Any, cadre_id: int, village_code: str, target_post: str, source: str, since: dt.date
) -> Reserve:
    """A reserve for a post of a village (the pool, R-TRN-06)."""
    _require_officer(actor, _("后备干部由乡镇党委干部或组织部管理员登记"))
    person = _cadre_for_write(actor, cadre_id)
    errors: dict[str, str] = {}
    village = selectors.Region.objects.filter(code=village_code, level="village").first()
    if village is None or not selectors.in_scope(actor, village_code):
        errors["village"] = _("未找到该村(社区),或不在您的管辖范围内")
    if target_post not in TARGET_POSTS:
        errors["target_post"] = _("后备岗位无效")
    if source not in Reserve.Source.values:
        errors["source"] = _("来源无效,可选: %(v)s") % {"v": ", ".join(Reserve.Source.values)}
    if since > timezone.localdate():
        errors["since"] = _("纳入后备日期不能晚于今天")
    if errors:
        raise InvalidInput(errors=errors)
    if Reserve.objects.filter(
        person=person, village_id=village_code, target_post=target_post, until__isnull=True
    ).exists():
        raise Conflict(_("该干部已是此岗位的后备干部"), field="cadre")
    r = Reserve.objects.create(person=person, village_id=village_code, target_post=target_post, source=source,
                               since=since, created_by=actor)  # fmt: skip
    audit_record(
        actor=actor,
        action=TrainingAction.RESERVE_CREATE,
        obj=r,
        region_code=village_code,
        changes={"cadre": [None, person.pk], "target_post": [None, target_post], "source": [None, source],
                 "since": [None, since]},
    )  # fmt: skip
    return r


@transaction.atomic
def reserve_end(*, actor: Any, reserve_id: int, until: dt.date, reason: str) -> Reserve:
    _require_officer(actor, _("后备干部由乡镇党委干部或组织部管理员调整"))
    r = selectors.reserves_in_scope(actor=actor).select_for_update().filter(pk=reserve_id).first()
    if r is None:
        raise NotFound(_("未找到该后备干部记录"))
    if r.until is not None:
        raise Conflict(_("该后备干部已退出"))
    if until < r.since:
        raise InvalidInput(errors={"until": _("退出日期不能早于纳入日期")})
    r.until = until
    r.save(update_fields=["until"])
    audit_record(actor=actor, action=TrainingAction.RESERVE_END, obj=r, region_code=r.village_id,
                 reason=reason[:300], changes={"until": [None, until]})  # fmt: skip
    return r


@transaction.atomic
def mentorship_create(
    *, actor: Any, reserve_id: int, leader: str, secretary_id: int | None, member_ids: list[int], since: dt.date
) -> Mentorship:
    """1+1+N: one liaison leader, the village secretary and N committee members mentor a reserve."""
    _require_officer(actor, _("导师帮带由乡镇党委干部或组织部管理员建立"))
    r = selectors.reserves_in_scope(actor=actor).filter(pk=reserve_id).first()
    if r is None:
        raise NotFound(_("未找到该后备干部记录"))
    if not (leader or "").strip():
        raise InvalidInput(errors={"leader": _("请填写包村领导")})
    ids = [i for i in [secretary_id, *member_ids] if i]
    found = set(Person.objects.filter(pk__in=ids, village_id=r.village_id).values_list("pk", flat=True))
    if set(ids) - found:
        raise InvalidInput(errors={"members": _("导师须是本村干部")})
    m = Mentorship.objects.create(reserve=r, leader=leader.strip()[:50], secretary_id=secretary_id, since=since,
                                  created_by=actor)  # fmt: skip
    m.members.set(member_ids)
    audit_record(actor=actor, action=TrainingAction.MENTORSHIP_CREATE, obj=m, region_code=r.village_id,
                 changes={"reserve": [None, r.pk], "members": [None, len(member_ids)]})  # fmt: skip
    return m


@transaction.atomic
def mentorship_record(*, actor: Any, mentorship_id: int, date: dt.date, text: str) -> MentorshipRecord:
    _require_officer(actor, _("帮带记录由乡镇党委干部或组织部管理员登记"))
    m = Mentorship.objects.filter(pk=mentorship_id).select_related("reserve").first()
    if m is None or not selectors.in_scope(actor, m.reserve.village_id):
        raise NotFound(_("未找到该帮带关系"))
    if not (text or "").strip():
        raise InvalidInput(errors={"text": _("请填写帮带内容")})
    rec = MentorshipRecord.objects.create(mentorship=m, date=date, text=text.strip()[:4000], recorded_by=actor)
    audit_record(actor=actor, action=TrainingAction.MENTORSHIP_RECORD, obj=rec, region_code=m.reserve.village_id,
                 changes={"date": [None, date]})  # fmt: skip
    return rec


# --- education upgrade (R-TRN-04) -----------------------------------------------------------------


@transaction.atomic
def programme_create(
    *, actor: Any, title: str, school: str, target_education: str, start_date: dt.date, years: Any = "2.5"
) -> Programme:
    """An education upgrade programme organised by the actor's region (R-TRN-04)."""
    _require_officer(actor, _("学历提升项目由乡镇党委干部或组织部管理员登记"))
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = _("请填写项目名称")
    if not (school or "").strip():
        errors["school"] = _("请填写合作院校")
    if target_education not in EDUCATION_RANK:
        errors["target_education"] = _("学历无效,可选: %(v)s") % {"v": ", ".join(EDUCATION_RANK)}
    y = _decimal(years, "years", errors, places=1)
    if errors:
        raise InvalidInput(errors=errors)
    p = Programme.objects.create(
        title=title.strip()[:120], school=school.strip()[:120], target_education=target_education,
        region_id=actor.region_id, start_date=start_date, years=y or Decimal("2.5"), created_by=actor,
    )  # fmt: skip
    audit_record(
        actor=actor,
        action=TrainingAction.PROGRAMME_CREATE,
        obj=p,
        region_code=actor.region_id or "",
        changes={"title": [None, p.title], "school": [None, p.school], "target": [None, target_education]},
    )
    return p


def _programme(actor: Any, programme_id: int) -> Programme:
    """A programme of the actor's region or of a region above it."""
    p = Programme.objects.filter(pk=programme_id).first()
    above = selectors.region_rules.ancestors(actor.region_id) if actor.region_id else []
    visible = p is not None and (
        actor.is_superuser or p.region_id is None or p.region_id in above or selectors.in_scope(actor, p.region_id)
    )
    if p is None or not visible:
        raise NotFound(_("未找到该学历提升项目"))
    return p


@transaction.atomic
def enrolment_create(*, actor: Any, programme_id: int, cadre_id: int) -> tuple[Enrolment, bool]:
    """A cadre enrols (once; again returns the enrolment)."""
    _require_officer(actor, _("报名由乡镇党委干部或组织部管理员登记"))
    p = _programme(actor, programme_id)
    person = _cadre_for_write(actor, cadre_id)
    existing = Enrolment.objects.filter(programme=p, person=person).first()
    if existing is not None:
        return existing, False
    e = Enrolment.objects.create(programme=p, person=person, village_id=person.village_id, created_by=actor)
    audit_record(actor=actor, action=TrainingAction.ENROLMENT_CREATE, obj=e, region_code=person.village_id,
                 changes={"programme": [None, p.pk], "cadre": [None, person.pk]})  # fmt: skip
    return e, True


def _enrolment(actor: Any, enrolment_id: int) -> Enrolment:
    e = Enrolment.objects.select_for_update().filter(pk=enrolment_id).first()
    if e is None or not selectors.in_scope(actor, e.village_id):
        raise NotFound(_("未找到该报名记录"))
    return e


@transaction.atomic
def enrolment_progress(*, actor: Any, enrolment_id: int, credits: int, progress: str = "") -> Enrolment:
    _require_officer(actor, _("学习进度由乡镇党委干部或组织部管理员登记"))
    e = _enrolment(actor, enrolment_id)
    if e.state != Enrolment.State.ENROLLED:
        raise Conflict(_("该学员已毕业或退学"))
    if credits < 0:
        raise InvalidInput(errors={"credits": _("不能为负数")})
    old = (e.credits, e.progress)
    e.credits, e.progress = credits, progress[:200]
    e.save(update_fields=["credits", "progress"])
    audit_record(actor=actor, action=TrainingAction.ENROLMENT_PROGRESS, obj=e, region_code=e.village_id,
                 changes={"credits": [old[0], credits], "progress": [old[1], e.progress]})  # fmt: skip
    return e


@transaction.atomic
def enrolment_graduate(*, actor: Any, enrolment_id: int, on: dt.date) -> Enrolment:
    """Graduation (R-TRN-04, flows.ENROLMENT): the cadre's file takes the programme's education when
    it is higher — through the cadre files' own update, so the file's history keeps the old value
    and the structure figures (college share) follow."""
    _require_officer(actor, _("毕业由乡镇党委干部或组织部管理员登记"))
    e = _enrolment(actor, enrolment_id)
    if on > timezone.localdate():
        raise InvalidInput(errors={"on": _("毕业日期不能晚于今天")})
    target = e.programme.target_education
    person = Person.objects.get(pk=e.person_id)

    def raise_education(_locked: Enrolment) -> None:
        if EDUCATION_RANK[target] > EDUCATION_RANK.get(person.education, -1):
            cadre_update(actor=actor, cadre_id=person.pk, changes={"education": target})

    graduated: Enrolment = transition(
        ENROLMENT,
        actor=actor,
        obj=e,
        name="graduate",
        set_fields={"graduated_on": on},
        effect=raise_education,
        changes={"education": [person.education, target]},
        region_code=e.village_id,
    )
    return graduated
