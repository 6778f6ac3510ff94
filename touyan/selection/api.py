"""/api/v1/selection (WF-1), /api/v1/exits (WF-2) and /api/v1/cadres/{id}/eligibility (A7):
the contract rows of SPEC A7/A8. Handlers parse, call one service or selector and answer; errors
take the API's shape (422 naming each field, 403/404, 409)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from touyan.cadres.rules import age_on
from touyan.core.errors import InvalidInput, NotFound
from touyan.core.pagination import paginate
from touyan.regions.selectors import access_region, region_filter

from . import rules, selectors, services
from .api_exits import exits_router  # noqa: F401  (/api/v1/exits, WF-2)
from .models import Case, ProfessionalList, Review

router = Router(tags=["selection"])
eligibility_router = Router(tags=["cadres"])


# --- eligibility (A7) -------------------------------------------------------------------------------
class ViolationOut(Schema):
    rule: str
    message: str
    condition: str = ""
    bar: str = "hard"


class EligibilityOut(Schema):
    cadre: int
    purpose: str
    eligible: bool
    violations: list[ViolationOut]
    # Conditions with no data on file (no star rating, collective income or final annual
    # assessment): not met, so `eligible` is False; they are in `violations` too (bar "unverified").
    unverified: list[ViolationOut] = []


class EligibilityQuery(Schema):
    purpose: str = "professional_secretary"
    post: str = ""
    tier: int | None = None


def _violation(v: rules.Violation) -> ViolationOut:
    return ViolationOut(rule=v.rule, message=v.message, condition=v.condition, bar=v.bar)


@eligibility_router.get("/{cadre_id}/eligibility", response=EligibilityOut, summary="任职资格条件")
def eligibility(request: HttpRequest, cadre_id: int, q: Query[EligibilityQuery]) -> EligibilityOut:
    if q.purpose not in rules.PURPOSES:
        raise InvalidInput(errors={"purpose": f"purpose ∈ {', '.join(rules.PURPOSES)}"})
    result = selectors.eligibility_of(
        actor=request.user, cadre_id=cadre_id, purpose=q.purpose, post=q.post, tier=q.tier
    )
    return EligibilityOut(
        cadre=cadre_id,
        purpose=q.purpose,
        eligible=result.eligible,
        # Every reason `eligible` is False, an unverified condition included (selectors.Eligibility).
        violations=[_violation(v) for v in result.found],
        unverified=[_violation(v) for v in result.unverified],
    )


# --- cases (WF-1) -----------------------------------------------------------------------------------
class CaseIn(Schema):
    cadre: int
    purpose: str = Field(max_length=24)
    village: str = Field(max_length=12)
    post: str = Field(max_length=4)
    full_time: bool = False
    professionalized: bool = False
    tier: int | None = None
    election_round: str = Field("", max_length=40)


class OpinionOut(Schema):
    department: str
    result: str
    reason: str
    due_date: dt.date
    state: str


class CaseOut(Schema):
    id: int
    state: str
    purpose: str
    outcome: str
    cadre: int
    village: str
    post: str
    full_time: bool
    professionalized: bool
    tier: int | None
    decision_reason: str
    cleared_on: dt.date | None
    publicity_start: dt.date | None
    publicity_end: dt.date | None
    appointed_post: int | None
    overdue: bool  # a department has not answered by its due date (WF-1: escalated to the county)
    opinions: list[OpinionOut]


class StateOut(Schema):
    id: int
    state: str
    purpose: str | None = None
    post: int | None = None
    outcome: str = ""
    publicity_end: dt.date | None = None


def _case_out(request: HttpRequest, case: Case) -> CaseOut:
    today = timezone.localdate()
    opinions = selectors.opinions_for(actor=request.user, case=case)
    return CaseOut(
        id=case.pk,
        state=case.state,
        purpose=case.purpose,
        outcome=case.outcome,
        cadre=case.cadre_id,
        village=case.village_id,
        post=case.post,
        full_time=case.full_time,
        professionalized=case.professionalized,
        tier=case.tier,
        decision_reason=case.decision_reason,
        cleared_on=case.cleared_on,
        publicity_start=case.publicity_start,
        publicity_end=case.publicity_end,
        appointed_post=case.appointed_post_id,
        overdue=case.state == Case.State.JOINT_REVIEW and case.reviews.filter(result="", due_date__lt=today).exists(),
        opinions=[
            OpinionOut(
                department=r.department,
                result=r.result,
                reason=r.reason,
                due_date=r.due_date,
                state=selectors.review_state(r, today),
            )
            for r in opinions
        ],
    )


def _state(case: Case) -> StateOut:
    return StateOut(
        id=case.pk,
        state=case.state,
        purpose=case.purpose,
        post=case.appointed_post_id,
        outcome=case.outcome,
        publicity_end=case.publicity_end,
    )


class CaseRow(Schema):
    id: int
    state: str
    purpose: str
    outcome: str
    cadre: int
    name: str
    village: str
    post: str


class CasePage(Schema):
    items: list[CaseRow]
    total: int


class CaseQuery(Schema):
    region: str | None = None
    state: str = ""
    page: int = 1
    page_size: int = 50


@router.post("/cases", response={201: StateOut}, summary="提名选用人选")
def create_case(request: HttpRequest, body: CaseIn) -> Status[StateOut]:
    case = services.case_create(
        actor=request.user,
        cadre_id=body.cadre,
        purpose=body.purpose,
        village=body.village,
        post=body.post,
        full_time=body.full_time,
        professionalized=body.professionalized,
        tier=body.tier,
        election_round=body.election_round,
    )
    return Status(201, _state(case))


@router.get("/cases", response=CasePage, summary="选用案件(本辖区)")
def list_cases(request: HttpRequest, q: Query[CaseQuery]) -> CasePage:
    region = region_filter(actor=request.user, code=q.region)
    prefix = region.prefix if region is not None else None
    items, total = paginate(selectors.board(actor=request.user, prefix=prefix, state=q.state), q.page, q.page_size)
    return CasePage(
        items=[
            CaseRow(
                id=c.pk,
                state=c.state,
                purpose=c.purpose,
                outcome=c.outcome,
                cadre=c.cadre_id,
                name=c.cadre.name,
                village=c.village_id,
                post=c.post,
            )
            for c in items
        ],
        total=total,
    )


class RoundIn(Schema):
    cases: list[int]


class RoundOut(Schema):
    submitted: int


@router.post("/cases/submit-round", response=RoundOut, summary="整批提交联审(换届)")
def submit_round(request: HttpRequest, body: RoundIn) -> RoundOut:
    return RoundOut(submitted=services.round_submit(actor=request.user, case_ids=body.cases))


@router.get("/cases/{case_id}", response=CaseOut, summary="一个选用案件")
def get_case(request: HttpRequest, case_id: int) -> CaseOut:
    return _case_out(request, selectors.access_case(actor=request.user, case_id=case_id))


@router.post("/cases/{case_id}/submit", response=StateOut, summary="提交部门联审")
def submit_case(request: HttpRequest, case_id: int) -> StateOut:
    return _state(services.case_submit(actor=request.user, case_id=case_id))


class DecideIn(Schema):
    decision: str
    reason: str = ""


@router.post("/cases/{case_id}/decide", response=StateOut, summary="乡镇党委研究不宜情形")
def decide_case(request: HttpRequest, case_id: int, body: DecideIn) -> StateOut:
    return _state(services.case_decide(actor=request.user, case_id=case_id, decision=body.decision, reason=body.reason))


class DateIn(Schema):
    start_date: dt.date


@router.post("/cases/{case_id}/publicize", response=StateOut, summary="公示")
def publicize_case(request: HttpRequest, case_id: int, body: DateIn) -> StateOut:
    return _state(services.case_publicize(actor=request.user, case_id=case_id, start_date=body.start_date))


class CaseObjectionIn(Schema):
    reason: str = ""


@router.post("/cases/{case_id}/object", response=StateOut, summary="公示异议,退回乡镇复核")
def object_case(request: HttpRequest, case_id: int, body: CaseObjectionIn) -> StateOut:
    return _state(services.case_object(actor=request.user, case_id=case_id, reason=body.reason))


@router.post("/cases/{case_id}/appoint", response=StateOut, summary="任职(建立任职并报县级备案)")
def appoint_case(request: HttpRequest, case_id: int, body: DateIn) -> StateOut:
    return _state(services.case_appoint(actor=request.user, case_id=case_id, start_date=body.start_date))


# --- the yearly professionalisation list (S2 第十三条) ---------------------------------------------------
class EntryIn(Schema):
    cadre: int
    tier: int


class ProfListIn(Schema):
    township: str = Field(max_length=12)
    year: int
    entries: list[EntryIn]


class EntryOut(Schema):
    cadre: int
    name: str
    tier: int


class ProfListOut(Schema):
    id: int
    township: str
    year: int
    state: str
    entries: list[EntryOut]


def _list_out(plist: ProfessionalList) -> ProfListOut:
    return ProfListOut(
        id=plist.pk,
        township=plist.township_id,
        year=plist.year,
        state=plist.state,
        entries=[
            EntryOut(cadre=e.person_id, name=e.person.name, tier=e.tier)
            for e in plist.entries.select_related("person").order_by("tier", "id")
        ],
    )


@router.post("/professional-lists", response={201: ProfListOut}, summary="上报年度专业化书记名单(乡镇)")
def propose_list(request: HttpRequest, body: ProfListIn) -> Status[ProfListOut]:
    plist = services.prof_list_propose(
        actor=request.user, township=body.township, year=body.year, entries=[(e.cadre, e.tier) for e in body.entries]
    )
    return Status(201, _list_out(plist))


@router.post("/professional-lists/{list_id}/approve", response=ProfListOut, summary="审核备案专业化书记名单(县级)")
def approve_list(request: HttpRequest, list_id: int) -> ProfListOut:
    return _list_out(services.prof_list_approve(actor=request.user, list_id=list_id))


# --- career channels (S3 三个通道) --------------------------------------------------------------------
class CareerIn(Schema):
    cadre: int
    channel: str = Field(max_length=20)
    date: dt.date
    title: str = Field("", max_length=100)


class CareerOut(Schema):
    id: int
    cadre: int
    channel: str
    date: dt.date


class FiguresOut(Schema):
    township_leadership: int
    civil_service: int
    public_institution: int
    total: int


@router.post("/careers", response={201: CareerOut}, summary="登记晋升通道(进入乡镇领导班子、考录公务员、招聘事业编制)")
def record_career(request: HttpRequest, body: CareerIn) -> Status[CareerOut]:
    m = services.career_record(
        actor=request.user, cadre_id=body.cadre, channel=body.channel, date=body.date, title=body.title
    )
    return Status(201, CareerOut(id=m.pk, cadre=m.person_id, channel=m.channel, date=m.date))


@router.get("/careers/figures", response=FiguresOut, summary="三个通道的人数")
def career_figures(request: HttpRequest, region: str, year: int | None = None) -> FiguresOut:
    code = access_region(actor=request.user, code=region).prefix
    figures = selectors.career_figures(actor=request.user, prefix=code, year=year)
    if not figures:
        raise NotFound("未找到该区域,或不在您的管辖范围内")
    return FiguresOut(**figures)


# --- a reviewer's queue -----------------------------------------------------------------------------
class ReviewRow(Schema):
    id: int
    case: int
    department: str
    name: str
    id_number_masked: str
    gender: str
    age: int
    village: str
    village_name: str
    purpose: str
    due_date: dt.date
    state: str
    result: str


class ReviewPage(Schema):
    items: list[ReviewRow]
    total: int


class ReviewQuery(Schema):
    open: bool = False
    page: int = 1
    page_size: int = 50


def review_row(r: Review, today: dt.date) -> ReviewRow:
    person = r.case.cadre
    return ReviewRow(
        id=r.pk,
        case=r.case_id,
        department=r.department,
        name=person.name,
        id_number_masked=person.id_masked,
        gender=person.gender,
        age=age_on(person.birth_date, today),
        village=r.case.village_id,
        village_name=r.case.village.name,
        purpose=r.case.purpose,
        due_date=r.due_date,
        state=selectors.review_state(r, today),
        result=r.result,
    )


@router.get("/reviews", response=ReviewPage, summary="本部门联审任务")
def list_reviews(request: HttpRequest, q: Query[ReviewQuery]) -> ReviewPage:
    today = timezone.localdate()
    items, total = paginate(selectors.reviews_for(actor=request.user, open_only=q.open), q.page, q.page_size)
    return ReviewPage(items=[review_row(r, today) for r in items], total=total)


class ClearIn(Schema):
    reviews: list[int]


class ClearOut(Schema):
    cleared: int


@router.post("/reviews/clear", response=ClearOut, summary="本页人选一并反馈无异议")
def clear_reviews(request: HttpRequest, body: ClearIn) -> ClearOut:
    return ClearOut(cleared=services.reviews_clear(actor=request.user, review_ids=body.reviews))


class OverdueRow(Schema):
    id: int
    case: int
    department: str
    name: str
    village: str
    due_date: dt.date


class OverduePage(Schema):
    items: list[OverdueRow]
    total: int


@router.get("/reviews/overdue", response=OverduePage, summary="逾期未反馈的部门联审(县级督办)")
def list_overdue(request: HttpRequest, page: int = 1, page_size: int = 50) -> OverduePage:
    """WF-1: reviews past their due date without an answer, escalated to the county admin."""
    qs = selectors.overdue_reviews(actor=request.user).order_by("due_date", "id")
    items, total = paginate(qs, page, page_size)
    return OverduePage(
        items=[
            OverdueRow(
                id=r.pk,
                case=r.case_id,
                department=r.department,
                name=r.case.cadre.name,
                village=r.case.village_id,
                due_date=r.due_date,
            )
            for r in items
        ],
        total=total,
    )


class AnswerIn(Schema):
    result: str = Field(max_length=10)
    reason: str = ""


class AnswerOut(Schema):
    id: int
    case: int
    result: str
    state: str
    case_state: str


@router.post("/reviews/{review_id}", response=AnswerOut, summary="反馈联审意见")
def answer_review(request: HttpRequest, review_id: int, body: AnswerIn) -> AnswerOut:
    r = services.review_answer(actor=request.user, review_id=review_id, result=body.result, reason=body.reason)
    case_state = Case.objects.filter(pk=r.case_id).values_list("state", flat=True).get()
    return AnswerOut(id=r.pk, case=r.case_id, result=r.result, state="answered", case_state=case_state)
