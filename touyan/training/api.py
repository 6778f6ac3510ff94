"""/api/v1/training, /certificates, /reserves, /secondments (SPEC A8): training events and their
rolls, the year's compliance of a region (R-TRN-01/02), certificates (R-TRN-03), reserves and their
sufficiency (R-TRN-06), secondments (R-TRN-05). Handlers parse, call one service or selector and
answer; errors take the API's shape (422 naming each field, 403/404, 409)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from touyan.accounts.rules import is_village_cadre
from touyan.core.errors import Forbidden
from touyan.core.pagination import page_bounds
from touyan.regions.selectors import narrow_to_region

from . import selectors, services
from .models import Attendee, Certificate, Reserve, Secondment, TrainingEvent

router = Router(tags=["training"])
certificates_router = Router(tags=["training"])
reserves_router = Router(tags=["training"])
secondments_router = Router(tags=["training"])

LEVEL_ALIASES = {"city": "prefecture", "central": "national", "provincial": "province"}
KIND_ALIASES = {"rotation": "political_rotation", "training": "central", "course": "central"}


# --- events ---------------------------------------------------------------------------------------


class EventIn(Schema):
    title: str = Field(max_length=120)
    level: str = Field(max_length=12)
    kind: str = Field(max_length=32)
    start_date: dt.date
    end_date: dt.date
    days: Decimal = Field(ge=0, max_digits=5, decimal_places=1)
    hours: Decimal | None = Field(default=None, ge=0, max_digits=6, decimal_places=2)
    minutes: int | None = Field(default=None, ge=0, le=100000)
    topic: str = Field(default="", max_length=200)
    place: str = Field(default="", max_length=120)
    courses: str = Field(default="", max_length=4000)
    region: str | None = Field(None, max_length=12)


class EventOut(Schema):
    id: int
    title: str
    level: str
    kind: str
    region: str | None
    start_date: dt.date
    end_date: dt.date
    days: Decimal
    hours: Decimal | None
    minutes: int | None
    place: str
    attendees: int | None = None


def _event_out(e: TrainingEvent, attendees: int | None = None) -> EventOut:
    return EventOut(
        id=e.pk, title=e.title, level=e.level, kind=e.kind, region=e.region_id, start_date=e.start_date,
        end_date=e.end_date, days=e.days, hours=e.hours, minutes=e.minutes, place=e.place, attendees=attendees,
    )  # fmt: skip


@router.post("/events", response={201: EventOut}, summary="新建培训")
def create_event(request: HttpRequest, body: EventIn) -> Status[EventOut]:
    e = services.event_create(
        actor=request.user,
        title=body.title,
        level=LEVEL_ALIASES.get(body.level, body.level),
        kind=KIND_ALIASES.get(body.kind, body.kind),
        start_date=body.start_date,
        end_date=body.end_date,
        days=body.days,
        hours=body.hours,
        minutes=body.minutes,
        topic=body.topic,
        place=body.place,
        courses=body.courses,
        region_code=body.region,
    )
    return Status(201, _event_out(e))


class EventQuery(Schema):
    page: int = 1
    page_size: int = 50
    year: int | None = Field(default=None, ge=2000, le=2100)
    level: str | None = None
    kind: str | None = None


@router.get("/events", response=dict, summary="培训日历")
def list_events(request: HttpRequest, q: Query[EventQuery]) -> dict[str, Any]:
    selectors.require_reader_or_own(request.user)
    qs = selectors.events_in_scope(actor=request.user)
    if q.year:
        qs = qs.filter(start_date__year=q.year)
    if q.level:
        qs = qs.filter(level=q.level)
    if q.kind:
        qs = qs.filter(kind=q.kind)
    start, end = page_bounds(q.page, q.page_size)
    return {"items": [_event_out(e).dict() for e in qs[start:end]], "total": qs.count()}


@router.get("/events/{event_id}", response=EventOut, summary="培训")
def get_event(request: HttpRequest, event_id: int) -> EventOut:
    e = selectors.access_event(actor=request.user, event_id=event_id)
    return _event_out(e, selectors.roll(actor=request.user, event=e).count())


class AttendeeIn(Schema):
    cadre: int
    days: Decimal | None = Field(default=None, ge=0, max_digits=5, decimal_places=1)
    hours: Decimal | None = Field(default=None, ge=0, max_digits=6, decimal_places=2)
    passed: bool | None = None
    result: str = Field(default="", max_length=200)


class AttendeeOut(Schema):
    id: int
    event: int
    cadre: int
    name: str
    days: Decimal
    hours: Decimal
    passed: bool | None
    result: str
    report_submitted: bool


def _attendee_out(a: Attendee) -> AttendeeOut:
    return AttendeeOut(
        id=a.pk, event=a.event_id, cadre=a.person_id, name=a.person.name, days=a.days, hours=a.hours,
        passed=a.passed, result=a.result, report_submitted=a.report_submitted,
    )  # fmt: skip


@router.post("/events/{event_id}/attendees", response={200: AttendeeOut, 201: AttendeeOut}, summary="登记参训")
def add_attendee(request: HttpRequest, event_id: int, body: AttendeeIn) -> Status[AttendeeOut]:
    row, created = services.attendee_add(
        actor=request.user, event_id=event_id, cadre_id=body.cadre, days=body.days, hours=body.hours,
        passed=body.passed, result=body.result,
    )  # fmt: skip
    return Status(201 if created else 200, _attendee_out(row))


@router.get("/events/{event_id}/attendees", response=dict, summary="参训名单")
def list_attendees(request: HttpRequest, event_id: int) -> dict[str, Any]:
    e = selectors.access_event(actor=request.user, event_id=event_id)
    rows = list(selectors.roll(actor=request.user, event=e))
    return {"items": [_attendee_out(a).dict() for a in rows], "total": len(rows)}


class ResultIn(Schema):
    passed: bool | None = None
    result: str = Field(default="", max_length=200)


@router.post("/events/{event_id}/attendees/{cadre_id}/result", response=AttendeeOut, summary="登记成绩")
def record_result(request: HttpRequest, event_id: int, cadre_id: int, body: ResultIn) -> AttendeeOut:
    row = services.attendee_result(
        actor=request.user, event_id=event_id, cadre_id=cadre_id, passed=body.passed, result=body.result
    )
    return _attendee_out(row)


class FollowUpIn(Schema):
    talk_on: dt.date
    makeup: str = Field(max_length=200)
    note: str = Field(default="", max_length=4000)


@router.post(
    "/events/{event_id}/attendees/{cadre_id}/follow-up", response={201: dict}, summary="约谈与补学(成绩不合格)"
)
def follow_up(request: HttpRequest, event_id: int, cadre_id: int, body: FollowUpIn) -> Status[dict[str, Any]]:
    """R-TRN-02: poor results → an admonition talk and make-up study, recorded."""
    f = services.follow_up_record(
        actor=request.user, event_id=event_id, cadre_id=cadre_id, talk_on=body.talk_on, makeup=body.makeup,
        note=body.note,
    )  # fmt: skip
    return Status(201, {"id": f.pk, "talk_on": f.talk_on.isoformat(), "makeup": f.makeup})


class FeedbackIn(Schema):
    text: str = Field(max_length=4000)
    report: bool = False


@router.post("/events/{event_id}/feedback", response=AttendeeOut, summary="提交学习体会(参训本人)")
def give_feedback(request: HttpRequest, event_id: int, body: FeedbackIn) -> AttendeeOut:
    row = services.feedback_submit(actor=request.user, event_id=event_id, text=body.text, report=body.report)
    return _attendee_out(row)


# --- compliance -----------------------------------------------------------------------------------


class ComplianceQuery(Schema):
    region: str
    year: int | None = Field(default=None, ge=2000, le=2100)
    page: int = 1
    page_size: int = 200
    short: bool | None = None
    cadre: int | None = None


class ShortfallOut(Schema):
    rule: str
    message: str


class ComplianceOut(Schema):
    cadre: int
    name: str
    village: str
    posts: list[str]
    hours: Decimal
    required_hours: int
    prefecture_days: Decimal
    township_sessions: int
    township_days: Decimal
    political_rotation_days: Decimal
    shortfalls: list[ShortfallOut]
    pending: list[ShortfallOut]  # owed after trainings: learning reports, admonition talks (R-TRN-02)


@router.get("/compliance", response=dict, summary="年度培训达标情况")
def get_compliance(request: HttpRequest, q: Query[ComplianceQuery]) -> dict[str, Any]:
    """R-TRN-01/02 for every cadre of the region in the year (default: this year)."""
    start, end = page_bounds(q.page, q.page_size)
    year = q.year or timezone.localdate().year
    rows = selectors.compliance_for(actor=request.user, region_code=q.region, year=year)
    if q.short is not None:
        rows = [r for r in rows if bool(r.shortfalls) == q.short]
    if q.cadre is not None:
        rows = [r for r in rows if r.cadre == q.cadre]
    items = [
        {
            "cadre": r.cadre,
            "name": r.name,
            "village": r.village,
            "posts": list(r.posts),
            "hours": _number(r.hours),
            "required_hours": r.required_hours,
            "prefecture_days": _number(r.prefecture_days),
            "township_sessions": r.township_sessions,
            "township_days": _number(r.township_days),
            "political_rotation_days": _number(r.political_rotation_days),
            "shortfalls": [{"rule": s.rule, "code": s.code, "message": s.message} for s in r.shortfalls],
            "pending": [{"rule": s.rule, "code": s.code, "message": s.message} for s in r.pending],
        }
        for r in rows[start:end]
    ]
    return {"items": items, "total": len(rows), "year": year, "coverage": _coverage(rows)}


def _number(value: Decimal) -> int | float:
    """Hours and days as JSON numbers (32, 4.5): they are counts, not money."""
    return int(value) if value == value.to_integral_value() else float(value)


def _coverage(rows: list[selectors.ComplianceRow]) -> dict[str, Any]:
    c = selectors.coverage(rows)
    return {**c, "trained_share": str(c["trained_share"])}


# --- certificates ---------------------------------------------------------------------------------


class CertificateIn(Schema):
    cadre: int
    kind: str = Field(max_length=32)
    number: str = Field(max_length=60)
    issued_on: dt.date
    expires_on: dt.date | None = None


class CertificateOut(Schema):
    id: int
    cadre: int
    kind: str
    number: str
    issued_on: dt.date
    expires_on: dt.date | None
    revoked_on: dt.date | None


def _cert_out(c: Certificate) -> CertificateOut:
    return CertificateOut(id=c.pk, cadre=c.person_id, kind=c.kind, number=c.number, issued_on=c.issued_on,
                          expires_on=c.expires_on, revoked_on=c.revoked_on)  # fmt: skip


@certificates_router.post("", response={201: CertificateOut}, summary="登记证书")
def create_certificate(request: HttpRequest, body: CertificateIn) -> Status[CertificateOut]:
    c = services.certificate_create(
        actor=request.user, cadre_id=body.cadre, kind=body.kind, number=body.number, issued_on=body.issued_on,
        expires_on=body.expires_on,
    )  # fmt: skip
    return Status(201, _cert_out(c))


class ListQuery(Schema):
    page: int = 1
    page_size: int = 50
    cadre: int | None = None
    village: str | None = None


@certificates_router.get("", response=dict, summary="证书列表")
def list_certificates(request: HttpRequest, q: Query[ListQuery]) -> dict[str, Any]:
    selectors.require_reader_or_own(request.user)
    qs = selectors.certificates_in_scope(actor=request.user)
    if q.cadre:
        qs = qs.filter(person_id=q.cadre)
    qs, _village = narrow_to_region(qs, actor=request.user, code=q.village, field="village__code", param="village")
    start, end = page_bounds(q.page, q.page_size)
    return {"items": [_cert_out(c).dict() for c in qs[start:end]], "total": qs.count()}


# --- reserves -------------------------------------------------------------------------------------


POST_ALIASES = {"secretary": "PS", "director": "VD", "member": "VM", "deputy_secretary": "PDS"}


class ReserveIn(Schema):
    cadre: int
    village: str = Field(max_length=12)
    target_post: str = Field("PS", max_length=4)
    source: str = Field("other", max_length=20)
    since: dt.date


class ReserveOut(Schema):
    id: int
    cadre: int
    village: str
    target_post: str
    source: str
    since: dt.date
    until: dt.date | None


def _reserve_out(r: Reserve) -> ReserveOut:
    return ReserveOut(id=r.pk, cadre=r.person_id, village=r.village_id, target_post=r.target_post,
                      source=r.source, since=r.since, until=r.until)  # fmt: skip


@reserves_router.post("", response={201: ReserveOut}, summary="纳入后备干部")
def create_reserve(request: HttpRequest, body: ReserveIn) -> Status[ReserveOut]:
    post = POST_ALIASES.get(body.target_post, body.target_post)
    r = services.reserve_create(
        actor=request.user, cadre_id=body.cadre, village_code=body.village, target_post=post, source=body.source,
        since=body.since,
    )  # fmt: skip
    return Status(201, _reserve_out(r))


@reserves_router.get("", response=dict, summary="后备干部名册")
def list_reserves(request: HttpRequest, q: Query[ListQuery]) -> dict[str, Any]:
    selectors.require_reader_or_own(request.user)
    qs = selectors.reserves_in_scope(actor=request.user)
    if q.cadre:
        qs = qs.filter(person_id=q.cadre)
    qs, _village = narrow_to_region(qs, actor=request.user, code=q.village, field="village__code", param="village")
    start, end = page_bounds(q.page, q.page_size)
    return {"items": [_reserve_out(r).dict() for r in qs[start:end]], "total": qs.count()}


class SufficiencyQuery(Schema):
    region: str
    page: int = 1
    page_size: int = 200


@reserves_router.get("/sufficiency", response=dict, summary="后备干部配备情况")
def get_sufficiency(request: HttpRequest, q: Query[SufficiencyQuery]) -> dict[str, Any]:
    """R-TRN-06 for every village of the region."""
    start, end = page_bounds(q.page, q.page_size)
    region = selectors.access_region(actor=request.user, code=q.region)
    if is_village_cadre(request.user):
        raise Forbidden(_("后备干部配备情况由组织部门和乡镇查看"))
    rows = selectors.sufficiency(region=region)
    items = [
        {
            "village": r.village,
            "name": r.name,
            "professionalized": r.professionalized,
            "secretary_reserves": r.secretary_reserves,
            "required": r.required,
            "posts_without_reserve": list(r.posts_without_reserve),
            "short": r.short,
            "local_talents": r.local_talents,
            "local_talents_required": r.talents_required,
            "local_talents_short": r.talents_short,
        }
        for r in rows[start:end]
    ]
    return {"items": items, "total": len(rows)}


# --- secondments ----------------------------------------------------------------------------------


class SecondmentIn(Schema):
    cadre: int
    host: str = Field(max_length=120)
    host_level: str = Field(max_length=10)
    start_date: dt.date
    end_date: dt.date
    post_title: str = Field(default="", max_length=60)


class SecondmentOut(Schema):
    id: int
    cadre: int
    host: str
    host_level: str
    start_date: dt.date
    end_date: dt.date
    present_days: int
    shorter_than_minimum: bool


def _secondment_out(s: Secondment) -> SecondmentOut:
    return SecondmentOut(id=s.pk, cadre=s.person_id, host=s.host, host_level=s.host_level, start_date=s.start_date,
                         end_date=s.end_date, present_days=s.present_days,
                         shorter_than_minimum=services.secondment_short(s))  # fmt: skip


@secondments_router.post("", response={201: SecondmentOut}, summary="登记挂职")
def create_secondment(request: HttpRequest, body: SecondmentIn) -> Status[SecondmentOut]:
    s = services.secondment_create(
        actor=request.user, cadre_id=body.cadre, host=body.host, host_level=body.host_level,
        start_date=body.start_date, end_date=body.end_date, post_title=body.post_title,
    )  # fmt: skip
    return Status(201, _secondment_out(s))


@secondments_router.get("", response=dict, summary="挂职列表")
def list_secondments(request: HttpRequest, q: Query[ListQuery]) -> dict[str, Any]:
    selectors.require_reader_or_own(request.user)
    qs = selectors.secondments_in_scope(actor=request.user)
    if q.cadre:
        qs = qs.filter(person_id=q.cadre)
    start, end = page_bounds(q.page, q.page_size)
    return {"items": [_secondment_out(s).dict() for s in qs[start:end]], "total": qs.count()}


class LogIn(Schema):
    date: dt.date
    text: str = Field(max_length=4000)


@secondments_router.post("/{secondment_id}/logs", response={201: dict}, summary="挂职工作日志")
def add_log(request: HttpRequest, secondment_id: int, body: LogIn) -> Status[dict[str, Any]]:
    entry = services.secondment_log(actor=request.user, secondment_id=secondment_id, date=body.date, text=body.text)
    return Status(201, {"id": entry.pk, "date": entry.date.isoformat()})


class AppraisalIn(Schema):
    appraisal: str = Field(max_length=4000)
    grade: str = Field(default="", max_length=24)


@secondments_router.post("/{secondment_id}/appraisal", response=SecondmentOut, summary="接收单位鉴定")
def appraise(request: HttpRequest, secondment_id: int, body: AppraisalIn) -> SecondmentOut:
    s = services.secondment_appraise(
        actor=request.user, secondment_id=secondment_id, appraisal=body.appraisal, grade=body.grade
    )
    return _secondment_out(s)


# --- education upgrade (R-TRN-04) and 1+1+N mentoring (R-TRN-06) -----------------------------------


class ProgrammeIn(Schema):
    title: str = Field(max_length=120)
    school: str = Field(max_length=120)
    target_education: str = Field(max_length=12)
    start_date: dt.date
    years: Decimal = Field(default=Decimal("2.5"), ge=0, max_digits=3, decimal_places=1)


@router.post("/programmes", response={201: dict}, summary="新建学历提升项目")
def create_programme(request: HttpRequest, body: ProgrammeIn) -> Status[dict[str, Any]]:
    p = services.programme_create(
        actor=request.user, title=body.title, school=body.school, target_education=body.target_education,
        start_date=body.start_date, years=body.years,
    )  # fmt: skip
    return Status(201, {"id": p.pk, "title": p.title, "school": p.school, "target_education": p.target_education})


class EnrolIn(Schema):
    cadre: int


def _enrolment_out(e: Any) -> dict[str, Any]:
    return {"id": e.pk, "programme": e.programme_id, "cadre": e.person_id, "state": e.state, "credits": e.credits,
            "progress": e.progress, "graduated_on": e.graduated_on.isoformat() if e.graduated_on else None}  # fmt: skip


@router.post("/programmes/{programme_id}/enrolments", response={200: dict, 201: dict}, summary="学历提升报名")
def enrol(request: HttpRequest, programme_id: int, body: EnrolIn) -> Status[dict[str, Any]]:
    e, created = services.enrolment_create(actor=request.user, programme_id=programme_id, cadre_id=body.cadre)
    return Status(201 if created else 200, _enrolment_out(e))


class ProgressIn(Schema):
    credits: int = Field(ge=0, le=1000)
    progress: str = Field(default="", max_length=200)


@router.post("/enrolments/{enrolment_id}/progress", response=dict, summary="登记学习进度")
def progress(request: HttpRequest, enrolment_id: int, body: ProgressIn) -> dict[str, Any]:
    e = services.enrolment_progress(
        actor=request.user, enrolment_id=enrolment_id, credits=body.credits, progress=body.progress
    )
    return _enrolment_out(e)


class GraduateIn(Schema):
    on: dt.date


@router.post("/enrolments/{enrolment_id}/graduate", response=dict, summary="学历提升毕业")
def graduate(request: HttpRequest, enrolment_id: int, body: GraduateIn) -> dict[str, Any]:
    return _enrolment_out(services.enrolment_graduate(actor=request.user, enrolment_id=enrolment_id, on=body.on))


class MentorshipIn(Schema):
    leader: str = Field(max_length=50)
    secretary: int | None = None
    members: list[int] = Field(default_factory=list, max_length=20)
    since: dt.date


@reserves_router.post("/{reserve_id}/mentorships", response={201: dict}, summary="建立1+1+N导师帮带")
def create_mentorship(request: HttpRequest, reserve_id: int, body: MentorshipIn) -> Status[dict[str, Any]]:
    m = services.mentorship_create(
        actor=request.user, reserve_id=reserve_id, leader=body.leader, secretary_id=body.secretary,
        member_ids=body.members, since=body.since,
    )  # fmt: skip
    return Status(201, {"id": m.pk, "reserve": reserve_id, "leader": m.leader})


class MentorshipRecordIn(Schema):
    date: dt.date
    text: str = Field(max_length=4000)


@reserves_router.post("/mentorships/{mentorship_id}/records", response={201: dict}, summary="导师帮带记录")
def mentorship_record(request: HttpRequest, mentorship_id: int, body: MentorshipRecordIn) -> Status[dict[str, Any]]:
    rec = services.mentorship_record(actor=request.user, mentorship_id=mentorship_id, date=body.date, text=body.text)
    return Status(201, {"id": rec.pk, "date": rec.date.isoformat()})


def mount(api: Any) -> None:
    """The app's routers under /api/v1 (one line in touyan/api/api.py)."""
    api.add_router("/training", router)
    api.add_router("/certificates", certificates_router)
    api.add_router("/reserves", reserves_router)
    api.add_router("/secondments", secondments_router)
