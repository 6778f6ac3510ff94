"""Writes of the exit (WF-2, R-FIN-03, R-ORG-10): the township opens it with its trigger (a
recall with its petition), the county files the audit report and approves, a recall goes to the
villagers' vote, the township's decision ends the post (pay stops after that month; the
departure allowance is checked with payroll's own rule and offered), the handover checklist is
done within `handover_days` and the exit is filed.

Every step goes through `core.workflow.transition` (flows.EXIT); the post is ended by the
cadres service, which files the change with the county (R-ORG-09).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts.models import Role
from touyan.accounts.scope import in_scope
from touyan.audit.services import audit_record
from touyan.cadres.services import post_end_for_exit, post_set_professional
from touyan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from touyan.core.workflow import transition
from touyan.policy.selectors import policy_resolve

from .. import rules
from ..actions import SelectionAction
from ..flows import EXIT, township
from ..models import Exit, Trigger
from ..selectors import access_exit, departure_check, is_official

END_REASON_OF = {
    "resignation": "resigned",
    "recall": "recalled",
    "automatic": "other",
    "organisational": "removed",
    "competency": "other",
    "age": "retired",
}


def _today() -> dt.date:
    return timezone.localdate()


def _recall_errors(post: Any, petition: dict[str, Any]) -> dict[str, str]:
    """WF-2 recall: only of a post the villagers elect, with a petition of ≥ 1/5 of the voters or
    ≥ 1/3 of the representatives (村组法 art.16)."""
    if post.post not in rules.RECALL_POSTS:
        return {"trigger": _("罢免只适用于村(居)委会和村务监督委员会成员;党组织职务按党内规定办理(组织处理)")}
    return rules.recall_petition_problems(
        petition.get("petition_by") or "",
        petition.get("signatures"),
        petition.get("registered_voters"),
        petition.get("representatives"),
    )


@transaction.atomic
def exit_create(
    *,
    actor: Any,
    post_id: int,
    trigger: str,
    reason: str,
    petition_by: str = "",
    signatures: int | None = None,
    registered_voters: int | None = None,
    representatives: int | None = None,
) -> Exit:
    """A8 POST /exits: the township opens an exit from a post, with its trigger; a recall with
    its petition (who signed, how many, out of how many: rules.recall_petition_problems)."""
    from touyan.cadres.models import Post

    post = Post.objects.select_related("person", "village").filter(pk=post_id).first()
    if post is None or not is_official(actor) or not in_scope(actor, post.village_id):
        raise NotFound(_("未找到该任职,或不在您的管辖范围内"))
    if not (actor.is_superuser or actor.role == Role.TOWNSHIP_OFFICER):
        raise Forbidden(_("您的角色无权执行此操作"))
    errors: dict[str, str] = {}
    if trigger not in Trigger.values:
        errors["trigger"] = _("退出情形无效,可选: %(v)s") % {"v": ", ".join(Trigger.values)}
    if not (reason or "").strip():
        errors["reason"] = _("请填写事由")
    petition = {
        "petition_by": petition_by,
        "signatures": signatures,
        "registered_voters": registered_voters,
        "representatives": representatives,
    }
    if trigger == Trigger.RECALL:
        errors.update(_recall_errors(post, petition))
    if errors:
        raise InvalidInput(errors=errors)
    if post.end_date is not None:
        raise Conflict(_("该任职已结束"), field="post")
    if Exit.objects.filter(post=post).exclude(state__in=[Exit.State.FILED, Exit.State.WITHDRAWN, Exit.State.RETAINED]):
        raise Conflict(_("该任职已有在办的离任事项"), field="post")
    recall = trigger == Trigger.RECALL
    obj = Exit.objects.create(
        post=post,
        cadre=post.person,
        village=post.village,
        trigger=trigger,
        reason=reason.strip()[:2000],
        # Leaving professional management (WF-7 → WF-2) keeps the post: no exit audit.
        audit_required=trigger != Trigger.COMPETENCY and rules.exit_needs_audit(post.post, post.full_time),
        petition_by=petition_by if recall else "",
        signatures=signatures if recall else None,
        registered_voters=registered_voters if recall else None,
        representatives=representatives if recall else None,
        created_by=actor,
    )
    changes: dict[str, Any] = {"post": [None, post.pk], "trigger": [None, trigger]}
    if recall:
        changes["petition"] = petition
    audit_record(actor=actor, action=SelectionAction.EXIT_CREATE, obj=obj, region_code=post.village_id, changes=changes)
    return obj


def exit_audit_report(*, actor: Any, exit_id: int, date: dt.date, findings: str, referred: bool = False) -> Exit:
    """A8 POST /exits/{id}/audit-report: the 离任经济责任审计 (R-FIN-03), by the county."""
    obj = access_exit(actor=actor, exit_id=exit_id)
    if not (findings or "").strip():
        raise InvalidInput(errors={"findings": _("请填写审计结论")})
    if date > _today():
        raise InvalidInput(errors={"date": _("审计报告日期不能晚于今天")})
    return transition(
        EXIT,
        actor=actor,
        obj=obj,
        name="report_audit",
        set_fields={"audit_date": date, "audit_findings": findings.strip()[:4000], "audit_referred": referred},
        region_code=obj.village_id,
    )


def exit_approve(*, actor: Any, exit_id: int) -> Exit:
    """A8 POST /exits/{id}/approve: the county's approval → decided; a recall → the villagers'
    vote (statutory_procedure). 409 while a required audit report is missing."""
    obj = access_exit(actor=actor, exit_id=exit_id)
    name = "approve_recall" if obj.trigger == Trigger.RECALL else "approve"
    return transition(EXIT, actor=actor, obj=obj, name=name, region_code=obj.village_id)


def exit_recall_vote(
    *, actor: Any, exit_id: int, date: dt.date, registered_voters: int, votes_cast: int, votes_for: int
) -> Exit:
    """WF-2 statutory procedure of a recall (村组法 art.16): the villagers' assembly votes; it
    passes with more than half of the registered voters voting and more than half of the votes
    cast for it → decided; otherwise the cadre stays in office and the exit is closed."""
    obj = access_exit(actor=actor, exit_id=exit_id)
    errors = rules.recall_vote_problems(registered_voters, votes_cast, votes_for)
    if date > _today():
        errors["date"] = _("表决日期不能晚于今天")
    if errors:
        raise InvalidInput(errors=errors)
    passed = rules.recall_passes(registered_voters, votes_cast, votes_for)
    return transition(
        EXIT,
        actor=actor,
        obj=obj,
        name="vote_pass" if passed else "vote_fail",
        facts={"passed": passed},
        set_fields={
            "vote_date": date,
            "registered_voters": registered_voters,
            "votes_cast": votes_cast,
            "votes_for": votes_for,
        },
        region_code=obj.village_id,
    )


def exit_complete(*, actor: Any, exit_id: int, end_date: dt.date) -> Exit:
    """A8 POST /exits/{id}/complete: the township's decision (乡镇任免): the post ends on
    `end_date` (pay stops after that month), the county's filing desk shows the exit, the
    handover is due within `handover_days` (R-ORG-10: 10 days), and the departure allowance
    (R-PAY-10) is checked by payroll's rule (`selectors.departure_check`). 409 before `decided`."""
    obj = access_exit(actor=actor, exit_id=exit_id)
    if end_date < obj.post.start_date:
        raise InvalidInput(errors={"end_date": _("离任日期不能早于任职日期")})
    days = policy_resolve(obj.village_id, end_date)["handover_days"]

    def effect(locked: Exit) -> list[str]:
        if locked.trigger == Trigger.COMPETENCY:
            # WF-7: out of professional management from the next day, not out of office.
            post_set_professional(
                actor=actor, post_id=locked.post_id, professionalized=False, tier=None, since=end_date + dt.timedelta(1)
            )
            locked.allowance_eligible = None
        else:
            post_end_for_exit(
                actor=actor, post_id=locked.post_id, end_date=end_date, end_reason=END_REASON_OF[locked.trigger]
            )
            locked.allowance_eligible = departure_check(locked.cadre, end_date).eligible
        locked.end_date = end_date
        locked.handover_due = end_date + dt.timedelta(days=days)
        return ["end_date", "handover_due", "allowance_eligible"]

    return transition(
        EXIT,
        actor=actor,
        obj=obj,
        name="complete",
        effect=effect,
        region_code=obj.village_id,
        changes={"end_date": end_date},
    )


def exit_handover_items(*, actor: Any, exit_id: int, items: Sequence[str]) -> Exit:
    """R-ORG-10: the checklist's items handed over so far (ticked; the list replaces the last)."""
    obj = access_exit(actor=actor, exit_id=exit_id)
    if obj.state != Exit.State.HANDOVER:
        raise Conflict(_("只有工作移交阶段可以登记移交事项"), field="state")
    if not township(actor, obj):
        raise Forbidden(_("该步骤由乡镇党委办理"))
    unknown = [i for i in items if i not in rules.HANDOVER_CODES]
    if unknown:
        raise InvalidInput(errors={"items": _("移交事项无效: %(v)s") % {"v": ", ".join(unknown)}})
    with transaction.atomic():
        locked = Exit.objects.select_for_update().get(pk=obj.pk)
        before = list(locked.handover_items or [])
        locked.handover_items = [c for c in rules.HANDOVER_CODES if c in set(items)]
        locked.save(update_fields=["handover_items"])
        audit_record(
            actor=actor,
            action=SelectionAction.EXIT_HANDOVER_ITEMS,
            obj=locked,
            region_code=locked.village_id,
            changes={"handover_items": [before, locked.handover_items]},
        )
    return locked


def exit_handover(
    *, actor: Any, exit_id: int, done_on: dt.date | None = None, items: Sequence[str] | None = None
) -> Exit:
    """R-ORG-10: the handover done — every item of the checklist handed over (409 naming those
    missing) — and the exit filed with the county (WF-2 `filed`). `items`, when given, are
    ticked first."""
    done_on = done_on or _today()
    with transaction.atomic():
        if items is not None:
            exit_handover_items(actor=actor, exit_id=exit_id, items=items)
        obj = access_exit(actor=actor, exit_id=exit_id)
        if obj.end_date and done_on < obj.end_date:
            raise InvalidInput(errors={"done_on": _("移交完成日期不能早于离任日期")})
        if done_on > _today():
            raise InvalidInput(errors={"done_on": _("移交完成日期不能晚于今天")})
        return transition(
            EXIT,
            actor=actor,
            obj=obj,
            name="handover",
            set_fields={"handover_done_on": done_on},
            changes={"late": rules.handover_overdue(obj.handover_due, None, done_on)},
            region_code=obj.village_id,
        )


def exit_withdraw(*, actor: Any, exit_id: int, reason: str) -> Exit:
    obj = access_exit(actor=actor, exit_id=exit_id)
    return transition(EXIT, actor=actor, obj=obj, name="withdraw", reason=reason, region_code=obj.village_id)
