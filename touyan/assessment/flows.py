"""The assessment state machines on `core.workflow` (WF-5, WF-6, R-ASMT-01/06/08).

Each step is audited as `assessment.<flow>.<step>`. Pages show a step's button when
`FLOW.can(actor, obj, step)` and the services take it through `transition()`, so both give the
same answer. Competency evaluations (WF-7) have no states: one ballot, one outcome.

Issue 16's rules are each one guard on one step here; the services already pass the facts they
read (`facts_of=selectors.<flow>_facts`, gathered after the row is locked, `selectors/facts.py`):
- the appeal window (WF-5, A7 "finalize → 409 before"): `appeal_window_over` on
  `PERIOD_FLOW.finalize` (the period's `appeal_until` against `facts["today"]`) and on
  `QUARTERLY_FLOW.finalize` (`facts["period"]`, None when no period covers the quarter);
- every cadre scored before publication: `all_scored` on `PERIOD_FLOW.publicise`
  (`facts["unscored"]`, a quarter's full-time cadres without a score);
- the 优秀 quota (R-ASMT-03): `within_excellent_quota` on `ANNUAL_FLOW.finalize`, with
  `rules.over_excellent_quota` over `facts["round"]` (the township's annual grades, this one
  included) and `facts["excellent_max_share"]`; the county's exception with a reason is a second
  transition from the same state (`reason_required=True`, `who=county`).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from touyan.accounts import rules as account_rules
from touyan.accounts.models import User
from touyan.core.workflow import Flow, Transition

from .models import AnnualAssessment, Period, Pledge, QuarterlyEvaluation, TargetPlan


def _has(actor: User, capability: str) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and account_rules.has_capability(
        actor.role, capability, is_superuser=actor.is_superuser
    )


def county(actor: User, obj: Any) -> bool:
    """The organisation department runs the periods (WF-5)."""
    return _has(actor, account_rules.POLICY_WRITE)


def assessor(actor: User, obj: Any) -> bool:
    """The township (and its liaisons) score, vet and review."""
    return _has(actor, account_rules.ASSESS)


def cadre_or_assessor(actor: User, obj: Any) -> bool:
    """The cadre's own steps (WF-6: submit, mid-year and year-end reports), or the township's on their behalf."""
    own = getattr(actor, "cadre_id", None)
    return (own is not None and own == obj.person_id) or assessor(actor, obj)


P = Period.State
PERIOD_FLOW = Flow(
    model=Period,
    action_prefix="assessment.period",
    transitions=(
        Transition("publicise", (P.OPEN,), P.PUBLICISED, _("进入公示"), who=county),
        Transition("finalize", (P.PUBLICISED,), P.FINAL, _("考核期定稿"), who=county),
        Transition("reopen", (P.PUBLICISED,), P.OPEN, _("退回评分(申诉)"), who=county),
    ),
)

Q = QuarterlyEvaluation.Status
QUARTERLY_FLOW = Flow(
    model=QuarterlyEvaluation,
    action_prefix="assessment.quarterly",
    state_field="status",
    transitions=(Transition("finalize", (Q.DRAFT,), Q.FINAL, _("季度评价定稿"), who=assessor),),
)

A = AnnualAssessment.Status
ANNUAL_FLOW = Flow(
    model=AnnualAssessment,
    action_prefix="assessment.annual",
    state_field="status",
    transitions=(Transition("finalize", (A.COMPUTED,), A.FINAL, _("年度考核定稿"), who=assessor),),
)

S = Pledge.State
PLEDGE_FLOW = Flow(
    model=Pledge,
    action_prefix="assessment.pledge",
    transitions=(
        Transition("submit", (S.DRAFTING,), S.VETTING, _("提交乡镇审核"), who=cadre_or_assessor),
        Transition("publicise", (S.VETTING,), S.PUBLICISED, _("审核通过并公示"), who=assessor),
        Transition("return", (S.VETTING,), S.DRAFTING, _("退回修改"), who=assessor, reason_required=True),
        Transition("midyear", (S.PUBLICISED,), S.MIDYEAR, _("提交年中报告"), who=cadre_or_assessor),
        Transition("yearend", (S.PUBLICISED, S.MIDYEAR), S.YEAREND, _("提交年终述诺"), who=cadre_or_assessor),
        Transition("review", (S.YEAREND,), S.SCORED, _("录入双评结果"), who=assessor),
        Transition(
            "withdraw",
            (S.DRAFTING, S.VETTING, S.PUBLICISED, S.MIDYEAR, S.YEAREND),
            S.WITHDRAWN,
            _("撤回承诺"),
            who=assessor,
            reason_required=True,
        ),
    ),
)

T = TargetPlan.State
TARGET_FLOW = Flow(
    model=TargetPlan,
    action_prefix="assessment.target",
    transitions=(
        Transition("review", (T.DRAFT,), T.REVIEWED, _("评审通过"), who=assessor),
        Transition("publicise", (T.REVIEWED,), T.PUBLICISED, _("已在村公示"), who=assessor),
        Transition("file", (T.PUBLICISED,), T.FILED, _("乡镇党委备案"), who=assessor),
        Transition("assess", (T.FILED,), T.ASSESSED, _("年终核查"), who=assessor),
    ),
)

# The old services' `to=<state>` calls, step by step (WF-5, WF-6, R-ASMT-06).
PERIOD_STEP_TO: dict[str, str] = {P.PUBLICISED: "publicise", P.FINAL: "finalize", P.OPEN: "reopen"}
PLEDGE_STEP_TO: dict[str, str] = {
    S.VETTING: "submit",
    S.PUBLICISED: "publicise",
    S.MIDYEAR: "midyear",
    S.YEAREND: "yearend",
}
TARGET_STEP_TO: dict[str, str] = {
    T.REVIEWED: "review",
    T.PUBLICISED: "publicise",
    T.FILED: "file",
    T.ASSESSED: "assess",
}
