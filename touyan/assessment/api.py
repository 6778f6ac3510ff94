"""/api/v1/assessments (SPEC A7): quarterly, annual and competency evaluations."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from touyan.accounts.requests import AuthedRequest as HttpRequest  # behind the router's auth: a request of a real User
from touyan.core.bounds import Id
from touyan.core.errors import NotFound

from . import rules
from .models import QuarterlyEvaluation
from .selectors import quarterlies_in_scope
from .services import (
    annual_compute,
    annual_finalize,
    competency_record,
    quarterly_correct,
    quarterly_finalize,
    quarterly_score,
)

router = Router(tags=["assessments"])


class QuarterlyIn(Schema):
    cadre: Id
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)
    score: Decimal = Field(max_digits=5, decimal_places=2)


class QuarterlyOut(Schema):
    id: int
    cadre: int
    year: int
    quarter: int
    score: Decimal
    grade: str
    status: str
    version: int

    @staticmethod
    def of(ev: QuarterlyEvaluation) -> QuarterlyOut:
        return QuarterlyOut(id=ev.pk, cadre=ev.person_id, year=ev.year, quarter=ev.quarter, score=ev.score,
                            grade=ev.grade, status=ev.status, version=ev.version)  # fmt: skip


class CorrectionIn(Schema):
    score: Decimal = Field(max_digits=5, decimal_places=2)
    reason: str = Field(max_length=300)


class TallyIn(Schema):
    excellent: int = Field(default=0, ge=0)
    competent: int = Field(default=0, ge=0)
    basically_competent: int = Field(default=0, ge=0)
    incompetent: int = Field(default=0, ge=0)


class AnnualIn(Schema):
    cadre: Id
    year: int = Field(ge=2000, le=2100)
    tallies: dict[str, TallyIn]
    bonus: Decimal = Field(default=Decimal(0), ge=0, le=10)
    penalty: Decimal = Field(default=Decimal(0), ge=0, le=100)
    target_adjustment: Decimal = Field(default=Decimal(0), ge=-20, le=20)


class AnnualOut(Schema):
    id: int
    work_score: Decimal
    demo_score: Decimal
    total: Decimal
    grade: str
    status: str


class CompetencyTallyIn(Schema):
    competent: int = Field(default=0, ge=0)
    basically_competent: int = Field(default=0, ge=0)
    incompetent: int = Field(default=0, ge=0)


class CompetencyIn(Schema):
    cadre: Id
    year: int = Field(ge=2000, le=2100)
    half: int = Field(ge=1, le=2)
    tallies: dict[str, CompetencyTallyIn]


class CompetencyOut(Schema):
    id: int
    rate: Decimal
    outcome: str


def _evaluation(request: HttpRequest, evaluation_id: int) -> QuarterlyEvaluation:
    ev = quarterlies_in_scope(actor=request.user).filter(pk=evaluation_id).first()
    if ev is None:
        raise NotFound(_("未找到该评价"))
    return ev


@router.post("/quarterly", response={201: QuarterlyOut}, summary="季度评价打分")
def post_quarterly(request: HttpRequest, body: QuarterlyIn) -> Status[QuarterlyOut]:
    ev = quarterly_score(actor=request.user, cadre_id=body.cadre, year=body.year, quarter=body.quarter,
                         score=body.score)  # fmt: skip
    return Status(201, QuarterlyOut.of(ev))


@router.get("/quarterly/{evaluation_id}", response=QuarterlyOut, summary="一条季度评价")
def get_quarterly(request: HttpRequest, evaluation_id: int) -> QuarterlyOut:
    return QuarterlyOut.of(_evaluation(request, evaluation_id))


@router.post("/quarterly/{evaluation_id}/finalize", response=QuarterlyOut, summary="季度评价定稿")
def finalize_quarterly(request: HttpRequest, evaluation_id: int) -> QuarterlyOut:
    _evaluation(request, evaluation_id)
    return QuarterlyOut.of(quarterly_finalize(actor=request.user, evaluation_id=evaluation_id))


@router.post("/quarterly/{evaluation_id}/corrections", response={201: QuarterlyOut}, summary="更正已定稿评价(新版本)")
def correct_quarterly(request: HttpRequest, evaluation_id: int, body: CorrectionIn) -> Status[QuarterlyOut]:
    _evaluation(request, evaluation_id)
    ev = quarterly_correct(actor=request.user, evaluation_id=evaluation_id, score=body.score, reason=body.reason)
    return Status(201, QuarterlyOut.of(ev))


@router.post("/annual", response={201: AnnualOut}, summary="计算年度考核")
def post_annual(request: HttpRequest, body: AnnualIn) -> Status[AnnualOut]:
    tallies = {g: rules.Tally(t.excellent, t.competent, t.basically_competent, t.incompetent)
               for g, t in body.tallies.items()}  # fmt: skip
    a = annual_compute(actor=request.user, cadre_id=body.cadre, year=body.year, tallies=tallies, bonus=body.bonus,
                       penalty=body.penalty, target_adjustment=body.target_adjustment)  # fmt: skip
    return Status(201, AnnualOut(id=a.pk, work_score=a.work_score, demo_score=a.demo_score, total=a.total,
                                 grade=a.grade, status=a.status))  # fmt: skip


class FinalizeIn(Schema):
    reason: str = Field("", max_length=300)  # the county's exception above the 优秀 quota (R-ASMT-03)


@router.post("/annual/{annual_id}/finalize", response=AnnualOut, summary="年度考核定稿")
def finalize_annual(request: HttpRequest, annual_id: int, body: FinalizeIn | None = None) -> AnnualOut:
    a = annual_finalize(actor=request.user, annual_id=annual_id, reason=body.reason if body else "")
    return AnnualOut(id=a.pk, work_score=a.work_score, demo_score=a.demo_score, total=a.total, grade=a.grade,
                     status=a.status)  # fmt: skip


@router.post("/competency", response={201: CompetencyOut}, summary="半年胜任度测评")
def post_competency(request: HttpRequest, body: CompetencyIn) -> Status[CompetencyOut]:
    tallies = {g: rules.CompetencyTally(t.competent, t.basically_competent, t.incompetent)
               for g, t in body.tallies.items()}  # fmt: skip
    ev = competency_record(actor=request.user, cadre_id=body.cadre, year=body.year, half=body.half, tallies=tallies)
    return Status(201, CompetencyOut(id=ev.pk, rate=ev.rate, outcome=ev.outcome))
