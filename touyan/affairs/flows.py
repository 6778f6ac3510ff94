"""The state machines of village affairs, declared once (core.workflow).

DECISION is WF-3: draft → proposed(1) → consulted(2) → deliberated(3) → resolved(4) →
resolution_published(5) → implementing → result_published(6) → closed; steps 1–2 merged in a
one-shoulder village (R-DEC-02); any voting step may end `rejected`, and a revision starts again at
`proposed`. SPEND is the joint sign-off (R-FIN-01/02), ITEM the disclosure review (R-OPEN-03),
OBJECTION the answer to a villager (R-OPEN-03).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from touyan.core.workflow import Flow, Transition

from . import relations
from .models import Decision, DisclosureItem, Expenditure, Objection

S = Decision.State


def _village_head_or_township(actor: Any, obj: Any) -> bool:
    return relations.is_head(actor, obj.village_id) or relations.is_township(actor, obj.village_id)


def _sc_signed_disclosures(obj: Any, facts: Mapping[str, Any]) -> str | None:
    if not facts.get("sc_signed_5_6", False):
        return str(_("决议公开和实施结果公开须经村务监督委员会签字确认"))
    return None


STEP_OF: dict[str, int] = {
    "propose": 1,
    "propose_merged": 1,
    "consult": 2,
    "deliberate": 3,
    "resolve": 4,
    "publish_resolution": 5,
    "publish_result": 6,
}
_REFUSED = _("四议两公开各步骤由村党组织书记(主任)或乡镇党委干部登记")

DECISION = Flow(
    model=Decision,
    action_prefix="affairs.decision",
    transitions=(
        Transition("propose", (S.DRAFT,), S.PROPOSED, _("党组织提议"), who=_village_head_or_township, refused=_REFUSED),
        Transition(
            "propose_merged",
            (S.DRAFT,),
            S.CONSULTED,
            _("党组织提议并经两委会商议(合并)"),
            who=_village_head_or_township,
            refused=_REFUSED,
        ),
        Transition(
            "consult", (S.PROPOSED,), S.CONSULTED, _("两委会商议"), who=_village_head_or_township, refused=_REFUSED
        ),
        Transition(
            "deliberate",
            (S.CONSULTED,),
            S.DELIBERATED,
            _("党员大会审议"),
            who=_village_head_or_township,
            refused=_REFUSED,
        ),
        Transition(
            "resolve",
            (S.DELIBERATED,),
            S.RESOLVED,
            _("村民(代表)会议决议"),
            who=_village_head_or_township,
            refused=_REFUSED,
        ),
        Transition(
            "publish_resolution",
            (S.RESOLVED,),
            S.RESOLUTION_PUBLISHED,
            _("决议公开"),
            who=_village_head_or_township,
            refused=_REFUSED,
        ),
        Transition(
            "start",
            (S.RESOLUTION_PUBLISHED,),
            S.IMPLEMENTING,
            _("开始实施"),
            who=_village_head_or_township,
            refused=_REFUSED,
        ),
        Transition(
            "publish_result",
            (S.RESOLUTION_PUBLISHED, S.IMPLEMENTING),
            S.RESULT_PUBLISHED,
            _("实施结果公开"),
            who=_village_head_or_township,
            refused=_REFUSED,
        ),
        Transition(
            "close",
            (S.RESULT_PUBLISHED,),
            S.CLOSED,
            _("办结"),
            who=_village_head_or_township,
            guards=(_sc_signed_disclosures,),
            refused=_REFUSED,
        ),
        Transition(
            "reject",
            (S.PROPOSED, S.CONSULTED, S.DELIBERATED, S.RESOLVED),
            S.REJECTED,
            _("表决未通过"),
            who=_village_head_or_township,
            reason_required=True,
            refused=_REFUSED,
        ),
        Transition(
            "revise",
            (S.REJECTED,),
            S.PROPOSED,
            _("修改后重新提议"),
            who=_village_head_or_township,
            reason_required=True,
            refused=_REFUSED,
        ),
    ),
)


# --- joint sign-off (R-FIN-01/02) -------------------------------------------------------------------
E = Expenditure.State


def _next_signer(actor: Any, obj: Any) -> bool:
    role = obj.next_role
    return role is not None and relations.signer_may(role, actor, obj.village_id)


def _decision_closed(obj: Any, facts: Mapping[str, Any]) -> str | None:
    if obj.needs_decision and not facts.get("decision_closed", False):
        return str(_("该笔支出须经四议两公开程序,请先关联已办结的决策事项"))
    return None


def _not_signed_before(obj: Any, facts: Mapping[str, Any]) -> str | None:
    if facts.get("signed_before", False):
        return str(_("同一人不能在同一笔支出上签两次,请由下一位审签人办理"))
    return None


def _is_last(obj: Any, facts: Mapping[str, Any]) -> str | None:
    return None if obj.next_index == len(obj.signers) - 1 else str(_("还有后续审签人"))


def _not_last(obj: Any, facts: Mapping[str, Any]) -> str | None:
    return None if obj.next_index < len(obj.signers) - 1 else str(_("这是最后一道审签"))


_NOT_YOUR_TURN = _("还没轮到您审签:请等待上一位审签人,或由当前审签人办理")
SPEND = Flow(
    model=Expenditure,
    action_prefix="affairs.spend",
    transitions=(
        Transition(
            "sign",
            (E.SIGNING,),
            E.SIGNING,
            _("审签同意"),
            who=_next_signer,
            guards=(_decision_closed, _not_signed_before, _not_last),
            refused=_NOT_YOUR_TURN,
        ),
        Transition(
            "book",
            (E.SIGNING,),
            E.BOOKED,
            _("审核入账"),
            who=_next_signer,
            guards=(_decision_closed, _not_signed_before, _is_last),
            refused=_NOT_YOUR_TURN,
        ),
        Transition(
            "refuse", (E.SIGNING,), E.REFUSED, _("拒签"), who=_next_signer, reason_required=True, refused=_NOT_YOUR_TURN
        ),
    ),
)


# --- disclosure (R-OPEN-03) -------------------------------------------------------------------------
I = DisclosureItem.State  # noqa: E741


def _supervisor(actor: Any, obj: Any) -> bool:
    return relations.is_supervisor(actor, obj.village_id)


ITEM = Flow(
    model=DisclosureItem,
    action_prefix="affairs.item",
    transitions=(
        Transition(
            "review",
            (I.DRAFT,),
            I.REVIEWED,
            _("监委会审核"),
            who=_supervisor,
            refused=_("公开事项须由本村村务监督委员会成员审核"),
        ),
        Transition(
            "publish",
            (I.REVIEWED,),
            I.PUBLISHED,
            _("公开"),
            who=_village_head_or_township,
            refused=_("由村党组织书记(主任)或乡镇党委干部发布"),
        ),
        Transition(
            "reopen",
            (I.REVIEWED,),
            I.DRAFT,
            _("退回修改"),
            who=_village_head_or_township,
            reason_required=True,
            refused=_("由村党组织书记(主任)或乡镇党委干部退回"),
        ),
    ),
)


# --- objections (R-OPEN-03) -------------------------------------------------------------------------
O = Objection.State  # noqa: E741

OBJECTION = Flow(
    model=Objection,
    action_prefix="affairs.objection",
    transitions=(
        Transition(
            "answer",
            (O.OPEN,),
            O.ANSWERED,
            _("答复异议"),
            who=_village_head_or_township,
            refused=_("由乡镇党委干部或村党组织书记(主任)答复"),
        ),
    ),
)
