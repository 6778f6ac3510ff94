"""/api/v1/exits (WF-2, SPEC A8): the township opens an exit (a recall with its petition), the
county files the audit report (R-FIN-03) and approves, a recall's vote (村组法 art.16), the
township's decision ends the post (pay stops after that month; the departure allowance checked
and offered, R-PAY-10), the handover checklist within 10 days (R-ORG-10) and the filing."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from touyan.core.pagination import paginate

from . import rules, selectors, services
from .models import Exit

exits_router = Router(tags=["exits"])


# --- exits (WF-2) -----------------------------------------------------------------------------------
class ExitIn(Schema):
    post: int
    trigger: str = Field(max_length=16)
    reason: str = ""
    # A recall's petition (村组法 art.16): signed by ≥ 1/5 of the voters or ≥ 1/3 of the representatives.
    petition_by: str = Field("", max_length=16)
    signatures: int | None = Field(None, ge=0, le=1_000_000)
    registered_voters: int | None = Field(None, ge=0, le=1_000_000)
    representatives: int | None = Field(None, ge=0, le=100_000)


class ChecklistItemOut(Schema):
    code: str
    label: str
    done: bool


class DepartureOut(Schema):
    """R-PAY-10 by payroll's rule; `apply_url` starts payroll's own application."""

    eligible: bool
    problems: list[str]
    start_month: dt.date | None
    applied: bool
    apply_url: str


class ExitOut(Schema):
    id: int
    state: str
    post: int
    cadre: int
    trigger: str = Field(max_length=16)
    audit_required: bool
    audit_date: dt.date | None
    end_date: dt.date | None
    handover_due: dt.date | None
    allowance_eligible: bool | None
    petition_by: str = ""
    signatures: int | None = None
    registered_voters: int | None = None
    representatives: int | None = None
    votes_cast: int | None = None
    votes_for: int | None = None
    vote_date: dt.date | None = None
    handover_checklist: list[ChecklistItemOut] = []
    handover_done_on: dt.date | None = None
    handover_overdue: bool = False
    departure: DepartureOut | None = None


def _exit_out(e: Exit, *, detail: bool = True) -> ExitOut:
    """One exit; `detail` adds payroll's live answer on the departure allowance (not in lists)."""
    done = set(e.handover_items or [])
    offer = selectors.departure_offer(e) if detail else None
    return ExitOut(
        id=e.pk,
        state=e.state,
        post=e.post_id,
        cadre=e.cadre_id,
        trigger=e.trigger,
        audit_required=e.audit_required,
        audit_date=e.audit_date,
        end_date=e.end_date,
        handover_due=e.handover_due,
        allowance_eligible=e.allowance_eligible,
        petition_by=e.petition_by,
        signatures=e.signatures,
        registered_voters=e.registered_voters,
        representatives=e.representatives,
        votes_cast=e.votes_cast,
        votes_for=e.votes_for,
        vote_date=e.vote_date,
        handover_checklist=[
            ChecklistItemOut(code=i.code, label=i.label, done=i.code in done) for i in rules.handover_checklist()
        ]
        if e.end_date
        else [],
        handover_done_on=e.handover_done_on,
        handover_overdue=rules.handover_overdue(e.handover_due, e.handover_done_on, timezone.localdate()),
        departure=DepartureOut(**offer.__dict__) if offer else None,
    )


class ExitPage(Schema):
    items: list[ExitOut]
    total: int


@exits_router.post("", response={201: ExitOut}, summary="提出离任")
def create_exit(request: HttpRequest, body: ExitIn) -> Status[ExitOut]:
    e = services.exit_create(
        actor=request.user,
        post_id=body.post,
        trigger=body.trigger,
        reason=body.reason,
        petition_by=body.petition_by,
        signatures=body.signatures,
        registered_voters=body.registered_voters,
        representatives=body.representatives,
    )
    return Status(201, _exit_out(e))


@exits_router.get("", response=ExitPage, summary="离任事项(本辖区)")
def list_exits(request: HttpRequest, page: int = 1, page_size: int = 50, state: str = "") -> ExitPage:
    qs = selectors.exits_in_scope(actor=request.user)
    if state:
        qs = qs.filter(state=state)
    items, total = paginate(qs.order_by("-id"), page, page_size)
    return ExitPage(items=[_exit_out(e, detail=False) for e in items], total=total)


@exits_router.get("/{exit_id}", response=ExitOut, summary="一个离任事项")
def get_exit(request: HttpRequest, exit_id: int) -> ExitOut:
    return _exit_out(selectors.access_exit(actor=request.user, exit_id=exit_id))


class AuditIn(Schema):
    date: dt.date
    findings: str
    referred: bool = False


@exits_router.post("/{exit_id}/audit-report", response=ExitOut, summary="离任经济责任审计报告")
def audit_report(request: HttpRequest, exit_id: int, body: AuditIn) -> ExitOut:
    return _exit_out(
        services.exit_audit_report(
            actor=request.user, exit_id=exit_id, date=body.date, findings=body.findings, referred=body.referred
        )
    )


@exits_router.post("/{exit_id}/approve", response=ExitOut, summary="县级审核同意")
def approve_exit(request: HttpRequest, exit_id: int) -> ExitOut:
    """→ decided; a recall → statutory_procedure (the villagers' vote, then `recall-vote`)."""
    return _exit_out(services.exit_approve(actor=request.user, exit_id=exit_id))


class VoteIn(Schema):
    date: dt.date
    registered_voters: int = Field(ge=0, le=1_000_000)
    votes_cast: int = Field(ge=0, le=1_000_000)
    votes_for: int = Field(ge=0, le=1_000_000)


@exits_router.post("/{exit_id}/recall-vote", response=ExitOut, summary="罢免表决结果")
def recall_vote(request: HttpRequest, exit_id: int, body: VoteIn) -> ExitOut:
    """村组法 art.16: passes with more than half of the registered voters voting and more than half
    of the votes cast → decided; otherwise → in_office (the cadre stays, the exit is closed)."""
    return _exit_out(
        services.exit_recall_vote(
            actor=request.user,
            exit_id=exit_id,
            date=body.date,
            registered_voters=body.registered_voters,
            votes_cast=body.votes_cast,
            votes_for=body.votes_for,
        )
    )


class EndIn(Schema):
    end_date: dt.date


@exits_router.post("/{exit_id}/complete", response=ExitOut, summary="乡镇任免:办理离任")
def complete_exit(request: HttpRequest, exit_id: int, body: EndIn) -> ExitOut:
    return _exit_out(services.exit_complete(actor=request.user, exit_id=exit_id, end_date=body.end_date))


class ItemsIn(Schema):
    items: list[str] = Field(max_length=20)


@exits_router.post("/{exit_id}/handover-items", response=ExitOut, summary="登记工作移交事项")
def handover_items(request: HttpRequest, exit_id: int, body: ItemsIn) -> ExitOut:
    """R-ORG-10: the checklist's items handed over so far (codes of `handover_checklist`)."""
    return _exit_out(services.exit_handover_items(actor=request.user, exit_id=exit_id, items=body.items))


class HandoverIn(Schema):
    done_on: dt.date | None = None
    items: list[str] | None = Field(None, max_length=20)


@exits_router.post("/{exit_id}/handover", response=ExitOut, summary="工作移交完成")
def handover_exit(request: HttpRequest, exit_id: int, body: HandoverIn) -> ExitOut:
    """R-ORG-10: every checklist item handed over (409 naming those missing) → filed with the county."""
    return _exit_out(
        services.exit_handover(actor=request.user, exit_id=exit_id, done_on=body.done_on, items=body.items)
    )
