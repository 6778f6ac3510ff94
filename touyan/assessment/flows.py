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

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from touyan.accounts import rules as account_rules
from touyan.accounts.models import User
from touyan.core.workflow import Flow, Transition

from . import rules
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


# --- guards: pure (obj, facts) -> refusal or None; a page asking without facts gets None ----------


def _finalizable_message(day: Any) -> str:
    return _g("申诉期未满,%(d)s 起方可定稿") % {"d": day.isoformat()}


def period_appeal_over(period: Any, facts: Mapping[str, Any]) -> str | Promise | None:
    """WF-5: a publicised period is final only once its appeal deadline (`appeal_until`, set
    `appeal_days` after publication) has come."""
    today = facts.get("today")
    if today is not None and rules.in_appeal_window(period.appeal_until, today):
        return _finalizable_message(period.appeal_until)
    return None


def quarterly_appeal_over(ev: Any, facts: Mapping[str, Any]) -> str | Promise | None:
    """WF-5 / A7: a quarterly score is final only after its appeal window (`appeal_days` after it
    was entered and publicised, or the period's deadline): 409 before; `appeal_days = 0` at once."""
    today, ends = facts.get("today"), facts.get("finalizable_from")
    if today is not None and rules.in_appeal_window(ends, today):
        return _finalizable_message(ends)
    return None


def all_scored(period: Any, facts: Mapping[str, Any]) -> str | Promise | None:
    """WF-5: a quarter is published only when every in-post cadre is scored or listed as an exception."""
    unscored = facts.get("unscored") or 0
    if unscored:
        return _g("尚有 %(n)s 名在岗干部未评分,请先评分或列为例外后再公示") % {"n": unscored}
    return None


def _over_quota(annual: Any, facts: Mapping[str, Any]) -> bool:
    counts, share = facts.get("round"), facts.get("excellent_max_share")
    if counts is None or share is None or annual.grade != rules.EXCELLENT:
        return False
    total = max(int(facts.get("round_size") or 0), sum(counts.values()))
    return rules.over_excellent_quota(counts.get(rules.EXCELLENT, 0), total, share)


def within_excellent_quota(annual: Any, facts: Mapping[str, Any]) -> str | Promise | None:
    """R-ASMT-03: a township's annual 优秀 above `excellent_max_share` (20 %) needs the county's exception."""
    if _over_quota(annual, facts):
        share = facts["excellent_max_share"]
        return _g("本乡镇年度优秀等次将超过 %(p)s%% 的比例上限,须由县委组织部说明理由后例外定稿") % {
            "p": f"{share * 100:.0f}"
        }
    return None


def quota_exceeded(annual: Any, facts: Mapping[str, Any]) -> str | Promise | None:
    """R-ASMT-03: the county's exception is for a grade that is over the quota, not a second way around the rule."""
    if "round" in facts and not _over_quota(annual, facts):
        return _g("未超过优秀比例上限,按正常程序定稿")
    return None


P = Period.State
PERIOD_FLOW = Flow(
    model=Period,
    action_prefix="assessment.period",
    transitions=(
        Transition("publicise", (P.OPEN,), P.PUBLICISED, _("进入公示"), who=county, guards=(all_scored,)),
        Transition("finalize", (P.PUBLICISED,), P.FINAL, _("考核期定稿"), who=county, guards=(period_appeal_over,)),
        Transition("reopen", (P.PUBLICISED,), P.OPEN, _("退回评分(申诉)"), who=county),
    ),
)

Q = QuarterlyEvaluation.Status
QUARTERLY_FLOW = Flow(
    model=QuarterlyEvaluation,
    action_prefix="assessment.quarterly",
    state_field="status",
    transitions=(
        Transition("finalize", (Q.DRAFT,), Q.FINAL, _("季度评价定稿"), who=assessor, guards=(quarterly_appeal_over,)),
    ),
)

A = AnnualAssessment.Status
ANNUAL_FLOW = Flow(
    model=AnnualAssessment,
    action_prefix="assessment.annual",
    state_field="status",
    transitions=(
        Transition(
            "finalize", (A.COMPUTED,), A.FINAL, _("年度考核定稿"), who=assessor, guards=(within_excellent_quota,)
        ),
        # R-ASMT-03: above the 优秀 quota only the county finalizes, with a reason (audited).
        Transition(
            "finalize_exception",
            (A.COMPUTED,),
            A.FINAL,
            _("超比例例外定稿"),
            who=county,
            guards=(quota_exceeded,),
            refused=_("超过优秀比例的例外定稿由县委组织部办理"),
            reason_required=True,
        ),
    ),
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
