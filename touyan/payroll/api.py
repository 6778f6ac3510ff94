"""/api/v1/payroll (SPEC A7): runs, calculation, payslips, approvals."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from touyan.accounts.models import User
from touyan.accounts.rules import is_village_cadre
from touyan.attendance.api import parse_month
from touyan.core.pagination import Page, PageSize, paginate

from .models import PayLine, PayRun, Payslip
from .selectors import access_own_payslip_in_run, access_run
from .services import payrun_advance, payrun_calculate, payrun_open

router = Router(tags=["payroll"])


class RunIn(Schema):
    region: str = Field(max_length=12)
    month: str = Field(max_length=7)  # YYYY-MM


class RunOut(Schema):
    id: int
    region: str
    month: str
    status: str
    total: Decimal
    payslips: int

    @staticmethod
    def of(run: PayRun) -> RunOut:
        return RunOut(id=run.pk, region=run.region_id, month=run.month.strftime("%Y-%m"), status=run.state,
                      total=run.total, payslips=run.payslip_count)  # fmt: skip


class LineOut(Schema):
    component: str
    amount: Decimal
    basis: dict[str, object]


class PayslipOut(Schema):
    cadre: int
    total: Decimal
    lines: list[LineOut]


class PayslipPage(Schema):
    items: list[PayslipOut]
    total: int


class AdvanceIn(Schema):
    to: str = Field(max_length=24)
    note: str = Field("", max_length=300)


@router.post("/runs", response={201: RunOut}, summary="开设某月工资批次")
def post_run(request: HttpRequest, body: RunIn) -> Status[RunOut]:
    return Status(201, RunOut.of(payrun_open(actor=cast(User, request.user), region_code=body.region,
                                             month=parse_month(body.month))))  # fmt: skip


@router.get("/runs/{run_id}", response=RunOut, summary="一个工资批次")
def get_run(request: HttpRequest, run_id: int) -> RunOut:
    return RunOut.of(access_run(actor=cast(User, request.user), run_id=run_id))


@router.post("/runs/{run_id}/calculate", response=RunOut, summary="计算工资")
def calculate_run(request: HttpRequest, run_id: int) -> RunOut:
    return RunOut.of(payrun_calculate(actor=cast(User, request.user), run_id=run_id))


@router.post("/runs/{run_id}/advance", response=RunOut, summary="公示、审批、发放、关闭")
def advance_run(request: HttpRequest, run_id: int, body: AdvanceIn) -> RunOut:
    return RunOut.of(payrun_advance(actor=cast(User, request.user), run_id=run_id, to=body.to, note=body.note))


@router.get("/runs/{run_id}/payslips", response=PayslipPage, summary="工资条(逐项)")
def get_payslips(request: HttpRequest, run_id: int, page: Page = 1, page_size: PageSize = 200) -> PayslipPage:
    actor = cast(User, request.user)
    if is_village_cadre(actor):  # a village cadre: their own publicised payslip only (access OWN, SPEC A8)
        slip = access_own_payslip_in_run(actor=actor, run_id=run_id)
        qs = Payslip.objects.filter(pk=slip.pk)
    else:
        qs = access_run(actor=actor, run_id=run_id).payslips.all()
    qs = qs.order_by("village_id", "person_id").prefetch_related(
        Prefetch("lines", queryset=PayLine.objects.order_by("id"))
    )
    items, total = paginate(qs, page, page_size)
    return PayslipPage(
        items=[PayslipOut(cadre=s.person_id, total=s.total,
                          lines=[LineOut(component=x.component, amount=x.amount, basis=x.basis) for x in s.lines.all()])
               for s in items],
        total=total,
    )  # fmt: skip
