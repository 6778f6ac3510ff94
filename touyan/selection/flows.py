"""The state machines of selection (WF-1) and exit (WF-2), declared once (core.workflow).

CASE: nominated → joint_review → (R-ELIG-05, after the last department's reply) cleared /
rejected / soft_flag → (soft_flag: the township decides, with a reason) → cleared → publicity →
in_office; an objection during publicity sends the case back to township_review.
EXIT: proposed → (the exit audit report, R-FIN-03) county_review → decided → the township's
decision ends the post (handover, R-ORG-10) → filed. A recall goes from the county's approval
to the villagers' vote (statutory_procedure, 村组法 art.16): passed → decided, failed → in_office
(the cadre stays; the exit is closed). The exit is filed only when the handover checklist is done.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from touyan.accounts.models import Role
from touyan.accounts.scope import in_scope
from touyan.core.workflow import Flow, Transition

from .models import Case, Exit, ProfessionalList

S = Case.State
E = Exit.State
L = ProfessionalList.State


def _signed_in(actor: Any) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active)


def township(actor: Any, obj: Any) -> bool:
    """The township officer of the case's (exit's) village, or a national administrator."""
    if not _signed_in(actor):
        return False
    return actor.is_superuser or (actor.role == Role.TOWNSHIP_OFFICER and in_scope(actor, obj.village_id))


def county(actor: Any, obj: Any) -> bool:
    """A county (or higher) organisation-department admin whose region holds the village."""
    if not _signed_in(actor):
        return False
    return actor.is_superuser or (actor.role == Role.ADMIN and in_scope(actor, obj.village_id))


def system(actor: Any, obj: Any) -> bool:
    """Steps the services take themselves (the aggregation after the last reply)."""
    return _signed_in(actor)


def _outcome(expected: str) -> Any:
    def guard(obj: Any, facts: Mapping[str, Any]) -> str | None:
        if facts.get("outcome") != expected:
            return str(_("尚有部门未反馈意见,或结论不符"))
        return None

    return guard


def _after_publicity(obj: Any, facts: Mapping[str, Any]) -> str | None:
    start = facts.get("start_date")
    if obj.publicity_end is None or start is None or start <= obj.publicity_end:
        return str(
            _("任职日期须在公示期结束(%(d)s)之后") % {"d": obj.publicity_end.isoformat() if obj.publicity_end else "—"}
        )
    return None


def _audit_filed(obj: Any, facts: Mapping[str, Any]) -> str | None:
    if obj.audit_required and obj.audit_date is None:
        return str(_("专职干部(及财务、集体经济组织负责人)离任须先提交离任经济责任审计报告(R-FIN-03)"))
    return None


def _is_recall(obj: Any, facts: Mapping[str, Any]) -> str | None:
    return None if obj.trigger == "recall" else str(_("只有罢免须经村民会议表决"))


def _not_recall(obj: Any, facts: Mapping[str, Any]) -> str | None:
    return str(_("罢免须经村民会议表决后才能离任")) if obj.trigger == "recall" else None


def _recall_passed(obj: Any, facts: Mapping[str, Any]) -> str | None:
    if not facts.get("passed"):
        return str(_("罢免未获通过:须过半数登记选民投票,且得票过投票人数半数(村组法第十六条)"))
    return None


def _recall_failed(obj: Any, facts: Mapping[str, Any]) -> str | None:
    return str(_("罢免已获通过")) if facts.get("passed") else None


def _handover_complete(obj: Any, facts: Mapping[str, Any]) -> str | None:
    from .rules import handover_missing

    missing = handover_missing(obj.handover_items or [])
    if missing:
        return str(_("工作移交清单尚未完成:%(items)s(R-ORG-10)") % {"items": "、".join(i.label for i in missing)})
    return None


_TOWNSHIP = _("该步骤由乡镇党委办理")
_COUNTY = _("该步骤由县级组织部门办理")

CASE = Flow(
    model=Case,
    action_prefix="selection.case",
    transitions=(
        Transition(
            "submit",
            (S.NOMINATED, S.TOWNSHIP_REVIEW),
            S.JOINT_REVIEW,
            _("提交部门联审"),
            who=township,
            refused=_TOWNSHIP,
        ),
        Transition(
            "aggregate_clear", (S.JOINT_REVIEW,), S.CLEARED, _("联审通过"), who=system, guards=(_outcome("cleared"),)
        ),
        Transition(
            "aggregate_reject",
            (S.JOINT_REVIEW,),
            S.REJECTED,
            _("联审未通过"),
            who=system,
            guards=(_outcome("rejected"),),
        ),
        Transition(
            "aggregate_soft",
            (S.JOINT_REVIEW,),
            S.SOFT_FLAG,
            _("联审有不宜情形,待乡镇研究"),
            who=system,
            guards=(_outcome("soft_flag"),),
        ),
        Transition(
            "decide_clear",
            (S.SOFT_FLAG,),
            S.CLEARED,
            _("乡镇研究:同意"),
            who=township,
            reason_required=True,
            refused=_TOWNSHIP,
        ),
        Transition(
            "decide_reject",
            (S.SOFT_FLAG,),
            S.REJECTED,
            _("乡镇研究:不同意"),
            who=township,
            reason_required=True,
            refused=_TOWNSHIP,
        ),
        Transition("publicize", (S.CLEARED,), S.PUBLICITY, _("公示"), who=township, refused=_TOWNSHIP),
        Transition(
            "object",
            (S.PUBLICITY,),
            S.TOWNSHIP_REVIEW,
            _("公示有异议,退回乡镇复核"),
            who=township,
            reason_required=True,
            refused=_TOWNSHIP,
        ),
        Transition(
            "appoint",
            (S.PUBLICITY,),
            S.IN_OFFICE,
            _("任职并报县级备案"),
            who=township,
            guards=(_after_publicity,),
            refused=_TOWNSHIP,
        ),
        Transition(
            "withdraw",
            (S.NOMINATED, S.TOWNSHIP_REVIEW, S.SOFT_FLAG, S.CLEARED, S.PUBLICITY),
            S.WITHDRAWN,
            _("撤回"),
            who=township,
            reason_required=True,
            refused=_TOWNSHIP,
        ),
    ),
)

EXIT = Flow(
    model=Exit,
    action_prefix="selection.exit",
    transitions=(
        Transition(
            "report_audit", (E.PROPOSED,), E.COUNTY_REVIEW, _("提交离任经济责任审计报告"), who=county, refused=_COUNTY
        ),
        Transition(
            "approve",
            (E.PROPOSED, E.COUNTY_REVIEW),
            E.DECIDED,
            _("县级审核同意"),
            who=county,
            guards=(_audit_filed, _not_recall),
            refused=_COUNTY,
        ),
        Transition(
            "approve_recall",
            (E.PROPOSED, E.COUNTY_REVIEW),
            E.STATUTORY,
            _("县级审核同意,交村民会议表决"),
            who=county,
            guards=(_audit_filed, _is_recall),
            refused=_COUNTY,
        ),
        Transition(
            "vote_pass",
            (E.STATUTORY,),
            E.DECIDED,
            _("罢免表决通过"),
            who=township,
            guards=(_recall_passed,),
            refused=_TOWNSHIP,
        ),
        Transition(
            "vote_fail",
            (E.STATUTORY,),
            E.RETAINED,
            _("罢免表决未通过"),
            who=township,
            guards=(_recall_failed,),
            refused=_TOWNSHIP,
        ),
        Transition("complete", (E.DECIDED,), E.HANDOVER, _("乡镇任免:办理离任"), who=township, refused=_TOWNSHIP),
        Transition(
            "handover",
            (E.HANDOVER,),
            E.FILED,
            _("工作移交完成,报县级备案"),
            who=township,
            guards=(_handover_complete,),
            refused=_TOWNSHIP,
        ),
        Transition(
            "withdraw",
            (E.PROPOSED, E.COUNTY_REVIEW),
            E.WITHDRAWN,
            _("撤回"),
            who=township,
            reason_required=True,
            refused=_TOWNSHIP,
        ),
    ),
)


def county_of_list(actor: Any, obj: Any) -> bool:
    """A county (or higher) organisation-department admin whose region holds the list's township."""
    if not _signed_in(actor):
        return False
    return actor.is_superuser or (actor.role == Role.ADMIN and in_scope(actor, obj.township_id))


# The township's list of professionalised secretaries (专业化书记名单), filed by the county.
_LIST = _("名单由县级组织部门审核备案")
PROF_LIST = Flow(
    model=ProfessionalList,
    action_prefix="selection.list",
    transitions=(
        Transition(
            "approve", (L.PROPOSED,), L.APPROVED, _("审核备案专业化书记名单"), who=county_of_list, refused=_LIST
        ),
    ),
)
