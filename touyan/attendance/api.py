"""/api/v1/attendance and /api/v1/leave-requests (SPEC A7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from touyan.accounts.rules import is_village_cadre
from touyan.core.bounds import Id, RecordDate, check_month
from touyan.core.errors import InvalidInput
from touyan.core.pagination import Page, PageSize, page_bounds
from touyan.core.text import Text
from touyan.regions import rules as region_rules
from touyan.regions.selectors import access_region

from .models import LeaveRequest, Presence
from .selectors import monthly_summary
from .services import leave_decide, leave_return, leave_submit, month_lock, presence_record

router = Router(tags=["attendance"])
leave_router = Router(tags=["leave"])


class RecordIn(Schema):
    cadre: Id
    date: RecordDate
    kind: str = Field("present", max_length=16)
    channel: str = Field("web", max_length=10)
    # The cadre's own web sign-in may send where they are, both or neither (A4): it is checked
    # against the village's fence where location_check is on, and never kept.
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    correction_reason: Text = Field("", max_length=300)


class RecordOut(Schema):
    id: int
    cadre: int
    date: dt.date
    kind: str
    channel: str
    inside_fence: bool | None  # A4: null when location was not checked
    distance_m: int | None

    @staticmethod
    def of(p: Presence) -> RecordOut:
        return RecordOut(id=p.pk, cadre=p.person_id, date=p.date, kind=p.kind, channel=p.channel,
                         inside_fence=p.inside_fence, distance_m=p.distance_m)  # fmt: skip


class LeaveIn(Schema):
    cadre: Id
    start_date: RecordDate
    end_date: RecordDate
    reason: Text = Field(max_length=300)


class LeaveOut(Schema):
    id: int
    status: str
    next_level: str
    route: list[str]
    days: int

    @staticmethod
    def of(leave: LeaveRequest) -> LeaveOut:
        return LeaveOut(id=leave.pk, status=leave.status, next_level=leave.next_level, route=leave.route,
                        days=leave.days)  # fmt: skip


class DecisionIn(Schema):
    note: Text = Field("", max_length=300)


class ReturnIn(Schema):
    returned_on: RecordDate


class LockIn(Schema):
    region: str = Field(max_length=12)
    month: str = Field(max_length=7)  # YYYY-MM


class LockOut(Schema):
    region: str
    month: str


class MonthRow(Schema):
    cadre: int
    name: str
    village: str
    required_days: int
    present_days: int
    excused_days: int
    shortfall_days: int
    unexcused_days: int


class MonthPage(Schema):
    items: list[MonthRow]
    total: int


def parse_month(raw: str, field: str = "month") -> dt.date:
    try:
        first = dt.datetime.strptime(raw, "%Y-%m").date()
    except ValueError as exc:
        raise InvalidInput(errors={field: _("月份格式为 YYYY-MM")}) from exc
    return check_month(first, field)


@router.post("/records", response={200: RecordOut, 201: RecordOut}, summary="登记在岗(签到/值班簿/导入)")
def post_record(request: HttpRequest, body: RecordIn) -> Status[RecordOut]:
    """The same cadre and date again returns 200 and the existing record (idempotent;
    an `Idempotency-Key` header is accepted and changes nothing more). `latitude` and
    `longitude` go together; the answer says only whether the sign-in was inside the village's
    fence and how far from its centre (A4), null when location was not checked."""
    position = None
    if body.latitude is not None and body.longitude is not None:
        position = (body.latitude, body.longitude)
    elif body.latitude is not None or body.longitude is not None:
        missing = "longitude" if body.longitude is None else "latitude"
        raise InvalidInput(errors={missing: _("纬度和经度须同时提供,或都不提供")})
    record, created = presence_record(
        actor=request.user, cadre_id=body.cadre, day=body.date, kind=body.kind, channel=body.channel,
        position=position, correction_reason=body.correction_reason,
    )  # fmt: skip
    return Status(201 if created else 200, RecordOut.of(record))


@router.post("/locks", response={201: LockOut}, summary="乡镇锁定某月考勤")
def post_lock(request: HttpRequest, body: LockIn) -> Status[LockOut]:
    lock = month_lock(actor=request.user, region_code=body.region, month=parse_month(body.month))
    return Status(201, LockOut(region=lock.region_id, month=lock.month.strftime("%Y-%m")))


@router.get("/monthly", response=MonthPage, summary="月度考勤汇总(A4)")
def get_monthly(request: HttpRequest, region: str, month: str, page: Page = 1, page_size: PageSize = 200) -> MonthPage:
    area = access_region(actor=request.user, code=region)
    first = parse_month(month)
    start, end = page_bounds(page, page_size)
    rows = monthly_summary(prefix=region_rules.prefix_of(area.code), year=first.year, month=first.month)
    if is_village_cadre(request.user):  # a village cadre: their own row only (access OWN, SPEC A8)
        own = getattr(request.user, "cadre_id", None)
        rows = [r for r in rows if r.person_id == own]
    return MonthPage(
        items=[
            MonthRow(cadre=r.person_id, name=r.name, village=r.village_id, required_days=r.result.required_days,
                     present_days=r.result.present_days, excused_days=r.result.excused_days,
                     shortfall_days=r.result.shortfall_days, unexcused_days=r.result.unexcused_days)
            for r in rows[start:end]
        ],
        total=len(rows),
    )  # fmt: skip


@leave_router.post("", response={201: LeaveOut}, summary="请假")
def post_leave(request: HttpRequest, body: LeaveIn) -> Status[LeaveOut]:
    leave = leave_submit(actor=request.user, cadre_id=body.cadre, start=body.start_date, end=body.end_date,
                         reason=body.reason)  # fmt: skip
    return Status(201, LeaveOut.of(leave))


@leave_router.post("/{leave_id}/approve", response=LeaveOut, summary="审批同意")
def approve_leave(request: HttpRequest, leave_id: int, body: DecisionIn | None = None) -> LeaveOut:
    return LeaveOut.of(
        leave_decide(actor=request.user, leave_id=leave_id, approve=True, note=body.note if body else "")
    )


@leave_router.post("/{leave_id}/reject", response=LeaveOut, summary="审批驳回")
def reject_leave(request: HttpRequest, leave_id: int, body: DecisionIn | None = None) -> LeaveOut:
    return LeaveOut.of(
        leave_decide(actor=request.user, leave_id=leave_id, approve=False, note=body.note if body else "")
    )


@leave_router.post("/{leave_id}/return", response=LeaveOut, summary="销假")
def return_leave(request: HttpRequest, leave_id: int, body: ReturnIn) -> LeaveOut:
    return LeaveOut.of(leave_return(actor=request.user, leave_id=leave_id, returned_on=body.returned_on))
