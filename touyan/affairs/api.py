"""/api/v1/affairs (SPEC A8): decisions and their steps, spending and its signatures, disclosures
with review → publish, the objection queue, the catalogue, collective income, supervision records.
/api/v1/public (no login): a village's published items and villagers' objections.

Handlers parse, call one service or selector and answer; errors take the API's shape (422 naming
each field, 403/404, 409)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from touyan.core.bounds import Count, Id, RecordDate, Year
from touyan.core.pagination import Page, PageSize, paginate
from touyan.policy.selectors import policy_resolve
from touyan.regions.selectors import narrow_to_region

from . import rules, selectors, services, throttle
from .models import Decision, DisclosureItem, Expenditure, Objection

router = Router(tags=["affairs"])
public_router = Router(tags=["public"], auth=None)

CATEGORY_ALIASES = {
    "land": "land_assets",
    "assets": "land_assets",
    "asset": "land_assets",
    "budget": "plan_budget",
    "plan": "plan_budget",
    "loan": "borrowing",
    "works": "project",
    "public_works": "project",
    "reward": "collective_reward",
    "expenditure": "spending",
    "spend": "spending",
}


def _category(raw: str) -> str:
    """A category code (R-DEC-03); the contract leaves the codes open, so a known alias or a
    Chinese label is understood and anything else is filed as 其他事项."""
    text = (raw or "").strip()
    if text in Decision.Category.values:
        return text
    if text in CATEGORY_ALIASES:
        return CATEGORY_ALIASES[text]
    labels = {str(label): value for value, label in Decision.Category.choices}
    return labels.get(text, Decision.Category.OTHER)


class PageQuery(Schema):
    page: Page = 1
    page_size: PageSize = 50
    village: str | None = None
    state: str | None = None


# --- decisions ---------------------------------------------------------------------------------------


class DecisionIn(Schema):
    village: str = Field(max_length=12)
    title: str = Field(max_length=120)
    category: str = Field("other", max_length=20)
    amount: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)


class StepOut(Schema):
    step: int
    label: str
    date: dt.date
    kind: str
    due: int
    present: int
    yes: int
    no: int
    sc_signed: bool
    sc_countersigned: bool


class DecisionOut(Schema):
    id: int
    ref: str
    village: str = Field(max_length=12)
    title: str
    category: str
    amount: Decimal | None
    state: str
    round: int
    merged_1_2: bool
    needs_procedure: bool
    steps: list[StepOut] = []


class StateOut(Schema):
    id: int
    state: str


def _decision_out(d: Decision, with_steps: bool = False) -> DecisionOut:
    policy = policy_resolve(d.village_id)
    steps = []
    if with_steps:
        steps = [
            StepOut(
                step=s.step,
                label=str(rules.STEP_LABELS[s.step]),
                date=s.meeting_date,
                kind=s.kind,
                due=s.due,
                present=s.present,
                yes=s.yes,
                no=s.no,
                sc_signed=s.sc_signed,
                sc_countersigned=s.sc_signed_by_id is not None,
            )
            for _n, s in sorted(selectors.current_steps(d).items())
        ]
    return DecisionOut(
        id=d.pk,
        ref=d.ref,
        village=d.village_id,
        title=d.title,
        category=d.category,
        amount=d.amount,
        state=d.state,
        round=d.round,
        merged_1_2=d.merged_1_2,
        needs_procedure=rules.needs_decision(d.category, d.amount, policy["major_matter_threshold"]),
        steps=steps,
    )


@router.post("/decisions", response={201: DecisionOut}, summary="新建四议两公开事项")
def create_decision(request: HttpRequest, body: DecisionIn) -> Status[DecisionOut]:
    d = services.decision_create(
        actor=request.user,
        village_code=body.village,
        title=body.title,
        category=_category(body.category),
        amount=body.amount,
    )
    return Status(201, _decision_out(d))


@router.get("/decisions", response=dict, summary="四议两公开事项列表")
def list_decisions(request: HttpRequest, q: Query[PageQuery]) -> dict[str, Any]:
    qs = selectors.decisions_in_scope(actor=request.user)
    qs, _village = narrow_to_region(qs, actor=request.user, code=q.village, field="village__code", param="village")
    if q.state:
        qs = qs.filter(state=q.state)
    items, total = paginate(qs, q.page, q.page_size)
    return {"items": [_decision_out(d).dict() for d in items], "total": total}


@router.get("/decisions/{decision_id}", response=DecisionOut, summary="四议两公开事项")
def get_decision(request: HttpRequest, decision_id: int) -> DecisionOut:
    return _decision_out(selectors.access_decision(actor=request.user, decision_id=decision_id), with_steps=True)


class StepBody(Schema):
    step: int = Field(ge=1, le=6)
    date: RecordDate
    due: Count = 0
    present: Count = 0
    yes: Count = 0
    no: Count = 0
    kind: Literal["assembly", "representatives"] | None = None
    households_due: Count | None = None
    households_present: Count | None = None
    merge_1_2: bool = False
    supervisors_present: Count | None = None
    township_present: bool = False
    sc_signed: bool = True
    note: str = Field(default="", max_length=4000)


def _step_in(body: StepBody) -> services.StepIn:
    kind = body.kind or (rules.REPRESENTATIVES if body.step == 4 else "")
    return services.StepIn(
        step=body.step,
        date=body.date,
        due=body.due,
        present=body.present,
        yes=body.yes,
        no=body.no,
        kind=kind,
        households_due=body.households_due,
        households_present=body.households_present,
        merge_1_2=body.merge_1_2,
        supervisors_present=body.supervisors_present,
        township_present=body.township_present,
        sc_signed=body.sc_signed,
        note=body.note,
    )


@router.post("/decisions/{decision_id}/steps", response=StateOut, summary="登记四议两公开步骤")
def post_step(request: HttpRequest, decision_id: int, body: StepBody) -> StateOut:
    d = services.decision_step(actor=request.user, decision_id=decision_id, data=_step_in(body))
    return StateOut(id=d.pk, state=d.state)


class ReasonIn(Schema):
    reason: str = Field(max_length=300)


@router.post("/decisions/{decision_id}/reject", response=StateOut, summary="表决未通过")
def reject_decision(request: HttpRequest, decision_id: int, body: ReasonIn) -> StateOut:
    d = services.decision_reject(actor=request.user, decision_id=decision_id, reason=body.reason)
    return StateOut(id=d.pk, state=d.state)


class ReviseIn(StepBody):
    step: int = 1
    reason: str = Field(max_length=300)
    title: str = Field("", max_length=120)
    amount: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)


@router.post("/decisions/{decision_id}/revise", response=StateOut, summary="修改后重新提议")
def revise_decision(request: HttpRequest, decision_id: int, body: ReviseIn) -> StateOut:
    d = services.decision_revise(
        actor=request.user,
        decision_id=decision_id,
        data=_step_in(body),
        reason=body.reason,
        title=body.title,
        amount=body.amount,
    )
    return StateOut(id=d.pk, state=d.state)


@router.post("/decisions/{decision_id}/steps/{step}/countersign", response=StateOut, summary="监委会签字")
def countersign(request: HttpRequest, decision_id: int, step: int) -> StateOut:
    row = services.step_countersign(actor=request.user, decision_id=decision_id, step=step)
    return StateOut(id=row.decision_id, state=row.decision.state)


# --- spending ------------------------------------------------------------------------------------------


class SpendIn(Schema):
    village: str = Field(max_length=12)
    amount: Decimal = Field(max_digits=14, decimal_places=2)
    purpose: str = Field(max_length=200)
    payee: str = Field(default="", max_length=100)
    decision: Id | None = None
    is_works: bool = False


class SignerOut(Schema):
    role: str
    label: str
    signed: bool
    approve: bool | None
    by: str
    at: dt.datetime | None


class SpendOut(Schema):
    id: int
    village: str = Field(max_length=12)
    amount: Decimal
    purpose: str
    payee: str
    band: int
    signers: list[str]
    state: str
    next_signer: str | None
    needs_decision: bool
    decision: int | None
    works_audit: bool
    signatures: list[SignerOut] = []


def _spend_out(e: Expenditure, detail: bool = False) -> SpendOut:
    sigs: list[SignerOut] = []
    if detail:
        done = {s.position: s for s in e.signoffs.all()}
        for i, role in enumerate(e.signers):
            s = done.get(i)
            sigs.append(
                SignerOut(
                    role=role,
                    label=str(rules.SIGNER_LABELS.get(role, role)),
                    signed=s is not None,
                    approve=s.approve if s else None,
                    by=s.signer_name if s else "",
                    at=s.at if s else None,
                )
            )
    return SpendOut(
        id=e.pk,
        village=e.village_id,
        amount=e.amount,
        purpose=e.purpose,
        payee=e.payee,
        band=e.band,
        signers=list(e.signers),
        state=e.state,
        next_signer=e.next_role,
        needs_decision=e.needs_decision,
        decision=e.decision_id,
        works_audit=e.works_audit,
        signatures=sigs,
    )


@router.post("/expenditures", response={201: SpendOut}, summary="登记村级支出")
def create_spend(request: HttpRequest, body: SpendIn) -> Status[SpendOut]:
    e = services.expenditure_create(
        actor=request.user,
        village_code=body.village,
        amount=body.amount,
        purpose=body.purpose,
        payee=body.payee,
        decision_id=body.decision,
        is_works=body.is_works,
    )
    return Status(201, _spend_out(e))


@router.get("/expenditures", response=dict, summary="村级支出列表(村账乡代管)")
def list_spend(request: HttpRequest, q: Query[PageQuery]) -> dict[str, Any]:
    qs = selectors.expenditures_in_scope(actor=request.user)
    qs, _village = narrow_to_region(qs, actor=request.user, code=q.village, field="village__code", param="village")
    if q.state:
        qs = qs.filter(state=q.state)
    items, total = paginate(qs, q.page, q.page_size)
    return {"items": [_spend_out(e).dict() for e in items], "total": total}


@router.get("/expenditures/{expenditure_id}", response=SpendOut, summary="村级支出")
def get_spend(request: HttpRequest, expenditure_id: int) -> SpendOut:
    return _spend_out(selectors.access_expenditure(actor=request.user, expenditure_id=expenditure_id), detail=True)


class SignIn(Schema):
    decision: Literal["approve", "refuse"]
    reason: str = Field(default="", max_length=300)


@router.post("/expenditures/{expenditure_id}/sign", response=SpendOut, summary="审签")
def sign_spend(request: HttpRequest, expenditure_id: int, body: SignIn) -> SpendOut:
    e = services.expenditure_sign(
        actor=request.user, expenditure_id=expenditure_id, approve=body.decision == "approve", reason=body.reason
    )
    return _spend_out(e, detail=True)


class LinkIn(Schema):
    decision: Id


@router.post("/expenditures/{expenditure_id}/link", response=SpendOut, summary="关联四议两公开事项")
def link_spend(request: HttpRequest, expenditure_id: int, body: LinkIn) -> SpendOut:
    e = services.expenditure_link(actor=request.user, expenditure_id=expenditure_id, decision_id=body.decision)
    return _spend_out(e, detail=True)


# --- disclosures ---------------------------------------------------------------------------------------


class TableIn(Schema):
    columns: list[str] = []
    rows: list[list[str]] = []


class ItemIn(Schema):
    village: str = Field(max_length=12)
    item: str = Field(max_length=16)
    period: str = Field(max_length=10)
    title: str = Field(max_length=120)
    body: str = ""
    table: TableIn | None = None


class ItemOut(Schema):
    id: int
    village: str = Field(max_length=12)
    item: str
    category: str
    period: str
    title: str
    body: str
    state: str
    published_at: dt.datetime | None


def _item_out(i: DisclosureItem) -> ItemOut:
    return ItemOut(
        id=i.pk,
        village=i.village_id,
        item=i.item_code,
        category=i.category,
        period=i.period,
        title=i.title,
        body=i.body,
        state=i.state,
        published_at=i.published_at,
    )


@router.post("/disclosures", response={201: ItemOut}, summary="起草公开事项")
def create_item(request: HttpRequest, body: ItemIn) -> Status[ItemOut]:
    i = services.item_create(
        actor=request.user,
        village_code=body.village,
        item=body.item,
        period=body.period,
        title=body.title,
        body=body.body,
        table=body.table.dict() if body.table else None,
    )
    return Status(201, _item_out(i))


@router.get("/disclosures", response=dict, summary="公开事项列表")
def list_items(request: HttpRequest, q: Query[PageQuery]) -> dict[str, Any]:
    qs = selectors.items_in_scope(actor=request.user)
    qs, _village = narrow_to_region(qs, actor=request.user, code=q.village, field="village__code", param="village")
    if q.state:
        qs = qs.filter(state=q.state)
    items, total = paginate(qs, q.page, q.page_size)
    return {"items": [_item_out(i).dict() for i in items], "total": total}


@router.post("/disclosures/{item_id}/review", response=StateOut, summary="监委会审核")
def review_item(request: HttpRequest, item_id: int) -> StateOut:
    i = services.item_review(actor=request.user, item_id=item_id)
    return StateOut(id=i.pk, state=i.state)


@router.post("/disclosures/{item_id}/publish", response=StateOut, summary="发布公开事项")
def publish_item(request: HttpRequest, item_id: int) -> StateOut:
    i = services.item_publish(actor=request.user, item_id=item_id)
    return StateOut(id=i.pk, state=i.state)


class CatalogueQuery(Schema):
    village: str = Field(max_length=12)


@router.get("/catalogue", response=dict, summary="本地村务公开目录")
def catalogue(request: HttpRequest, q: Query[CatalogueQuery]) -> dict[str, Any]:
    village = selectors.access_village(actor=request.user, code=q.village)
    entries = [e.model_dump(mode="json") for e in policy_resolve(village.code)["disclosure_catalogue"]]
    return {"items": entries, "total": len(entries)}


# --- objections (the township's queue) -------------------------------------------------------------------


class ObjectionOut(Schema):
    id: int
    village: str = Field(max_length=12)
    item: int | None
    text: str
    filed_on: dt.date
    reply_due: dt.date
    state: str
    overdue: bool
    reply: str


def _objection_out(o: Objection, today: dt.date) -> ObjectionOut:
    return ObjectionOut(
        id=o.pk,
        village=o.village_id,
        item=o.item_id,
        text=o.text,
        filed_on=o.filed_on,
        reply_due=o.reply_due,
        state=o.state,
        overdue=o.state == Objection.State.OPEN and o.reply_due < today,
        reply=o.reply,
    )


@router.get("/objections", response=dict, summary="群众异议(待答复在前)")
def list_objections(request: HttpRequest, q: Query[PageQuery]) -> dict[str, Any]:
    qs = selectors.objections_in_scope(actor=request.user)
    qs, _village = narrow_to_region(qs, actor=request.user, code=q.village, field="village__code", param="village")
    if q.state:
        qs = qs.filter(state=q.state)
    items, total = paginate(qs, q.page, q.page_size)
    today = timezone.localdate()
    return {"items": [_objection_out(o, today).dict() for o in items], "total": total}


class ReplyIn(Schema):
    reply: str = Field(max_length=4000)


@router.post("/objections/{objection_id}/answer", response=StateOut, summary="答复异议")
def answer_objection(request: HttpRequest, objection_id: int, body: ReplyIn) -> StateOut:
    o = services.objection_answer(actor=request.user, objection_id=objection_id, reply=body.reply)
    return StateOut(id=o.pk, state=o.state)


# --- collective income, supervision ----------------------------------------------------------------------


class IncomeIn(Schema):
    income: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)


@router.put("/collective/{village}/{year}", response=dict, summary="录入村集体经济经营收入")
def put_income(request: HttpRequest, village: str, year: Year, body: IncomeIn) -> dict[str, Any]:
    stat = services.collective_income_put(actor=request.user, village_code=village, year=year, income=body.income)
    return {"village": stat.region_id, "year": stat.year, "income": stat.collective_income}


class SupervisionIn(Schema):
    kind: Literal["reminder", "admonition", "sc_report", "finding"]
    date: RecordDate
    subject: str = Field(max_length=200)
    cadre: Id | None = None
    village: str = Field("", max_length=12)
    findings: str = Field(default="", max_length=4000)
    follow_up: str = Field(default="", max_length=4000)


@router.post("/supervision", response={201: dict}, summary="登记监督记录")
def create_supervision(request: HttpRequest, body: SupervisionIn) -> Status[dict[str, Any]]:
    r = services.supervision_create(
        actor=request.user,
        kind=body.kind,
        date=body.date,
        subject=body.subject,
        village_code=body.village,
        cadre_id=body.cadre,
        findings=body.findings,
        follow_up=body.follow_up,
    )
    return Status(201, {"id": r.pk, "kind": r.kind, "level": r.level})


# --- public (云公开): no login ------------------------------------------------------------------------------


class PublicQuery(Schema):
    category: str = Field("", max_length=40)
    period: str = Field("", max_length=12)
    year: Year | None = None
    q: str = Field(default="", max_length=50)
    page: Page = 1
    page_size: PageSize = 50


def public_item_dict(i: DisclosureItem, files: list[Any]) -> dict[str, Any]:
    """What the public sees of an item: never an ID or phone number (R-DATA-05)."""
    return {
        "id": i.pk,
        "item": i.item_code,
        "category": i.category,
        "period": i.period,
        "title": rules.redact_personal(i.title),
        "body": rules.redact_personal(i.body),
        "table": rules.redact_table(i.table),
        "published_at": i.published_at.date().isoformat() if i.published_at else None,
        "attachments": [{"name": f.name, "url": f"/public/files/{f.pk}/"} for f in files],
    }


@public_router.get("/villages/{code}/disclosures", response=dict, summary="村务公开(无需登录)")
def public_disclosures(request: HttpRequest, code: str, q: Query[PublicQuery]) -> dict[str, Any]:
    village = selectors.public_village(code)
    qs = selectors.public_items(village_code=village.code, category=q.category, period=q.period, year=q.year, q=q.q)
    items, total = paginate(qs.prefetch_related("files"), q.page, q.page_size)
    return {"items": [public_item_dict(i, list(i.files.all())) for i in items], "total": total}


class ObjectionIn(Schema):
    item: Id | None = None
    text: str = Field(max_length=1000)
    contact: str | None = Field(default=None, max_length=50)


class ObjectionCreated(Schema):
    id: int
    reply_due: dt.date


@public_router.post(
    "/villages/{code}/objections", response={201: ObjectionCreated, 429: dict}, summary="群众提出异议(无需登录)"
)
def public_objection(request: HttpRequest, code: str, body: ObjectionIn) -> Any:
    ok, retry = throttle.allow(request)
    if not ok:
        response: HttpResponse = JsonResponse({"detail": _("提交过于频繁,请稍后再试")}, status=429)
        response["Retry-After"] = str(retry)
        return response
    o = services.objection_file(village_code=code, text=body.text, item_id=body.item, contact=body.contact or "")
    return Status(201, ObjectionCreated(id=o.pk, reply_due=o.reply_due))
