"""Pledges (WF-6 一诺双评, R-ASMT-08) and secretaries' target plans (R-ASMT-06): drafted by the
cadre, then each step through `flows.PLEDGE_FLOW` / `flows.TARGET_FLOW`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.models import User
from touyan.audit.services import audit_record
from touyan.cadres.selectors import access_cadre
from touyan.core.errors import Conflict, InvalidInput
from touyan.core.workflow import transition

from .. import rules
from ..actions import AssessmentAction
from ..flows import PLEDGE_FLOW, PLEDGE_STEP_TO, TARGET_FLOW, TARGET_STEP_TO
from ..models import Pledge, TargetPlan
from ..selectors import access_pledge, access_target_plan, assessment_policy
from .common import check_score, require_assessor

REPORTS = ("midyear", "yearend")


@transaction.atomic
def pledge_save(*, actor: User, cadre_id: int, year: int, items: list[str]) -> Pledge:
    """WF-6: a cadre's pledge of 2–5 items (R-ASMT-08), editable while drafting."""
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    if not (
        getattr(actor, "cadre_id", None) == person.pk
        or account_rules.has_capability(actor.role, account_rules.ASSESS, is_superuser=actor.is_superuser)
    ):
        raise InvalidInput(errors={"cadre": _("只能填写本人的承诺")})
    policy = assessment_policy(person.village_id)
    clean = rules.clean_items(items)
    if not policy.pledge_items_min <= len(clean) <= policy.pledge_items_max:
        message = _("承诺事项须为 %(a)s–%(b)s 条") % {"a": policy.pledge_items_min, "b": policy.pledge_items_max}
        raise InvalidInput(errors={"items": message})
    pledge, _created = Pledge.objects.get_or_create(
        person=person, year=year, defaults={"village_id": person.village_id}
    )
    if pledge.state != Pledge.State.DRAFTING:
        raise Conflict(_("承诺已提交审核,不能修改"), field="items")
    old = pledge.items
    pledge.items = clean
    pledge.save(update_fields=["items"])
    audit_record(
        actor=actor,
        action=AssessmentAction.PLEDGE_SAVE,
        obj=pledge,
        region_code=person.village_id,
        changes={"items": [old, clean]},
    )
    return pledge


def _pledge_step(
    actor: User, pledge_id: int, step: str, *, set_fields: dict[str, Any] | None = None, reason: str = ""
) -> Pledge:
    pledge = access_pledge(actor=actor, pledge_id=pledge_id)
    done: Pledge = transition(PLEDGE_FLOW, actor=actor, obj=pledge, name=step, set_fields=set_fields, reason=reason)
    return done


@transaction.atomic
def pledge_submit(*, actor: User, cadre_id: int, year: int, items: list[str]) -> Pledge:
    """WF-6: save the pledge and submit it for the township's vetting, both or neither."""
    pledge = pledge_save(actor=actor, cadre_id=cadre_id, year=year, items=items)
    return _pledge_step(actor, pledge.pk, "submit")


@transaction.atomic
def pledge_publicise(*, actor: User, pledge_id: int) -> Pledge:
    """The township's vetting passes: the pledge is publicised in the village (WF-6)."""
    return _pledge_step(actor, pledge_id, "publicise")


@transaction.atomic
def pledge_report(*, actor: User, pledge_id: int, step: str, report: str) -> Pledge:
    """The cadre's mid-year report or year-end 述诺 (WF-6); `step` is "midyear" or "yearend"."""
    if step not in REPORTS:
        raise InvalidInput(errors={"state": _("当前状态不能进行该步骤")})
    if not report.strip():
        raise InvalidInput(errors={"report": _("请填写报告内容")})
    return _pledge_step(actor, pledge_id, step, set_fields={f"{step}_report": report.strip()})


@transaction.atomic
def pledge_advance(*, actor: User, pledge_id: int, to: str, report: str = "") -> Pledge:
    """The step that moves the pledge to the state `to`: submit for vetting (the cadre),
    publicise (township), mid-year and year-end reports (the cadre) — WF-6."""
    step = PLEDGE_STEP_TO.get(to)
    if step is None:
        raise InvalidInput(errors={"state": _("当前状态不能进行该步骤")})
    if step in REPORTS:
        return pledge_report(actor=actor, pledge_id=pledge_id, step=step, report=report)
    return _pledge_step(actor, pledge_id, step)


@transaction.atomic
def pledge_review(*, actor: User, pledge_id: int, democratic_score: Decimal, organisational_score: Decimal) -> Pledge:
    """Dual review (一诺双评): democratic by members and villagers, organisational by the
    township; the pledge's score is their mean."""
    require_assessor(actor)
    check_score(democratic_score, "democratic_score")
    check_score(organisational_score, "organisational_score")
    fields = {
        "democratic_score": democratic_score,
        "organisational_score": organisational_score,
        "score": rules.pledge_score(democratic_score, organisational_score),
    }
    return _pledge_step(actor, pledge_id, "review", set_fields=fields)


@transaction.atomic
def pledge_withdraw(*, actor: User, pledge_id: int, reason: str) -> Pledge:
    """A pledge is withdrawn only for objective reasons, explained publicly (WF-6)."""
    require_assessor(actor)
    if len((reason or "").strip()) < 4:
        raise InvalidInput(errors={"reason": _("请填写撤回的客观原因,将向群众公开说明")})
    reason = reason.strip()
    return _pledge_step(actor, pledge_id, "withdraw", set_fields={"withdrawal_reason": reason}, reason=reason)


@transaction.atomic
def pledge_return(*, actor: User, pledge_id: int, reason: str) -> Pledge:
    """Township vetting sends a pledge back to its cadre for revision, with a reason (WF-6, R-ASMT-08)."""
    require_assessor(actor)
    if len((reason or "").strip()) < 2:
        raise InvalidInput(errors={"reason": _("请填写退回修改的意见")})
    return _pledge_step(actor, pledge_id, "return", reason=reason.strip())


@transaction.atomic
def target_plan_save(*, actor: User, cadre_id: int, year: int, items: list[str]) -> TargetPlan:
    """R-ASMT-06: the secretary's annual goals, drafted by the village."""
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    clean = rules.clean_items(items)
    if not clean:
        raise InvalidInput(errors={"items": _("请至少填写一项目标")})
    plan, _created = TargetPlan.objects.get_or_create(
        person=person, year=year, defaults={"village_id": person.village_id}
    )
    if plan.state != TargetPlan.State.DRAFT:
        raise Conflict(_("目标已审核,不能修改"), field="items")
    plan.items = clean
    plan.save(update_fields=["items"])
    audit_record(
        actor=actor,
        action=AssessmentAction.TARGET_SAVE,
        obj=plan,
        region_code=person.village_id,
        changes={"items": [None, clean]},
    )
    return plan


@transaction.atomic
def target_plan_step(*, actor: User, plan_id: int, step: str, result_score: Decimal | None = None) -> TargetPlan:
    """R-ASMT-06 by the township: review, publicise, file, and assess at year end with the
    check's score (TARGET_FLOW)."""
    require_assessor(actor)
    plan = access_target_plan(actor=actor, plan_id=plan_id)
    fields: dict[str, Any] = {}
    if step == "assess":
        if result_score is None:
            raise InvalidInput(errors={"result_score": _("请填写年终核查得分")})
        check_score(result_score, "result_score")
        fields["result_score"] = result_score
    done: TargetPlan = transition(TARGET_FLOW, actor=actor, obj=plan, name=step, set_fields=fields)
    return done


@transaction.atomic
def target_plan_advance(*, actor: User, plan_id: int, to: str, result_score: Decimal | None = None) -> TargetPlan:
    """The step that moves the plan to the state `to` (R-ASMT-06)."""
    step = TARGET_STEP_TO.get(to)
    if step is None:
        raise InvalidInput(errors={"state": _("当前状态不能进行该步骤")})
    return target_plan_step(actor=actor, plan_id=plan_id, step=step, result_score=result_score)
