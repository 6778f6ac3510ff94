"""Payroll's state machines, declared once (core.workflow): the pay run (WF-8), the departure
allowance (R-PAY-10) and the collective-economy reward (R-PAY-08).

Services take every step through `core.workflow.transition` (the pay run's calculation through
the batch path, which checks the same flow); pages show a step's button when `FLOW.can(...)`
says so. A guard is one more entry in a transition's `guards`; another app adds a check to the
reward's decision with `register_reward_check` (in its AppConfig.ready).

Each flow also names the colour of each state's tag (`TAGS`), the one place pages take it from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.core.errors import InvalidInput
from touyan.core.workflow import Flow, Guard, Transition

from . import rules
from .models import CollectiveReward, DepartureAllowance, PayRun

S = PayRun.State
DS = DepartureAllowance.State
RS = CollectiveReward.State


def _capable(capability: str) -> Any:
    def who(actor: Any, obj: Any) -> bool:
        return bool(getattr(actor, "is_authenticated", False)) and account_rules.has_capability(
            getattr(actor, "role", ""), capability, is_superuser=actor.is_superuser
        )

    return who


cadres_write = _capable(account_rules.CADRES_WRITE)
county = _capable(account_rules.POLICY_WRITE)


def township(actor: Any, obj: Any) -> bool:
    """WF-8: the township (or the county's organisation department) publicises and approves."""
    return bool(getattr(actor, "is_superuser", False)) or getattr(actor, "role", None) in (
        Role.TOWNSHIP_OFFICER,
        Role.ADMIN,
    )


def finance(actor: Any, obj: Any) -> bool:
    """WF-8: county finance approves, pays out and closes."""
    return bool(getattr(actor, "is_superuser", False)) or getattr(actor, "role", None) == Role.FINANCE


def note_given(field: str, message: str | Promise) -> Guard:
    """A step that needs a written reason (the form's `field`); pages ask without facts: no refusal."""

    def guard(obj: Any, facts: Mapping[str, Any]) -> None:
        if "note" in facts and not str(facts["note"]).strip():
            raise InvalidInput(errors={field: str(message)})

    return guard


def notice_period_over(run: Any, facts: Mapping[str, Any]) -> str | Promise | None:
    """WF-8: the village notice (村内公示) lasts `pay_notice_days` before the township approves."""
    if "today" not in facts:
        return None
    ends = rules.notice_running(facts.get("notice_from"), int(facts.get("notice_days") or 0), facts["today"])
    if ends is not None:
        return gettext("村内公示期未满,%(d)s 起方可审批") % {"d": ends.isoformat()}
    return None


def publicity_over(allowance: Any, facts: Mapping[str, Any]) -> str | Promise | None:
    """R-PAY-10 / WF-1: the departure allowance's public notice (公示) lasts `publicity_days` before
    the county approves (the same count as the pay run's notice: posted 04-01 for 5 days → 04-06)."""
    if "today" not in facts:
        return None
    ends = rules.notice_running(facts.get("notice_from"), int(facts.get("notice_days") or 0), facts["today"])
    if ends is not None:
        return gettext("公示期未满,%(d)s 起方可批准") % {"d": ends.isoformat()}
    return None


BY_TOWNSHIP = _("该步骤由乡镇办理")
BY_FINANCE = _("该步骤由县财政办理")
BY_COUNTY = _("该步骤由县委组织部办理")

PAYRUN = Flow(
    model=PayRun,
    action_prefix="payroll.run",
    transitions=(
        # Calculated by the batch path (services.runs): it checks this step for every run it writes.
        Transition("calculate", (S.OPEN, S.CALCULATED), S.CALCULATED, _("计算工资"), who=cadres_write),
        Transition("publicise", (S.CALCULATED,), S.NOTICE, _("开始村内公示"), who=township, refused=BY_TOWNSHIP),
        Transition(
            "approve_township",
            (S.NOTICE,),
            S.TOWNSHIP,
            _("乡镇审批"),
            who=township,
            refused=BY_TOWNSHIP,
            guards=(notice_period_over,),
        ),
        # Separation of duties: whoever approved for the township does not approve for finance.
        Transition(
            "approve_finance",
            (S.TOWNSHIP,),
            S.FINANCE,
            _("县财政审批"),
            who=finance,
            refused=BY_FINANCE,
            distinct_from=("approve_township",),
        ),
        Transition("disburse", (S.FINANCE,), S.DISBURSED, _("一卡通发放"), who=finance, refused=BY_FINANCE),
        Transition("close", (S.DISBURSED,), S.CLOSED, _("关闭批次"), who=finance, refused=BY_FINANCE),
    ),
)

DEPARTURE = Flow(
    model=DepartureAllowance,
    action_prefix="payroll.departure",
    transitions=(
        Transition("village_check", (DS.APPLIED,), DS.VILLAGE, _("村级审核"), who=cadres_write),
        Transition("township_check", (DS.VILLAGE,), DS.TOWNSHIP, _("乡镇审核"), who=cadres_write),
        Transition("publicise", (DS.TOWNSHIP,), DS.NOTICE, _("公示"), who=cadres_write),
        Transition(
            "approve",
            (DS.NOTICE,),
            DS.APPROVED,
            _("县级批准"),
            who=county,
            refused=BY_COUNTY,
            guards=(publicity_over,),
        ),
        Transition(
            "reject",
            (DS.APPLIED, DS.VILLAGE, DS.TOWNSHIP),
            DS.REJECTED,
            _("认定不符合条件"),
            who=cadres_write,
            guards=(note_given("note", _("不符合条件时请说明理由")),),
        ),
        # After the public notice only the county decides.
        Transition(
            "reject_after_notice",
            (DS.NOTICE,),
            DS.REJECTED,
            _("公示后认定不符合条件"),
            who=county,
            refused=BY_COUNTY,
            guards=(note_given("note", _("不符合条件时请说明理由")),),
        ),
        Transition("stop", (DS.APPROVED,), DS.STOPPED, _("停发"), who=cadres_write),
    ),
)

# Checks another app adds to the reward's decision (R-PAY-08: the village's 四议两公开 decision):
# guards (reward, facts) -> refusal or None, run before approval.
REWARD_CHECKS: list[Guard] = []


def register_reward_check(guard: Guard) -> None:
    if guard not in REWARD_CHECKS:
        REWARD_CHECKS.append(guard)


def _reward_checks(obj: Any, facts: Mapping[str, Any]) -> str | Promise | None:
    for guard in REWARD_CHECKS:
        message = guard(obj, facts)
        if message:
            return message
    return None


REWARD = Flow(
    model=CollectiveReward,
    action_prefix="payroll.reward",
    transitions=(
        Transition("approve", (RS.PROPOSED,), RS.APPROVED, _("乡镇批准"), who=cadres_write, guards=(_reward_checks,)),
        Transition(
            "reject",
            (RS.PROPOSED,),
            RS.REJECTED,
            _("驳回"),
            who=cadres_write,
            guards=(note_given("note", _("驳回时请说明理由")),),
        ),
    ),
)


def step_to(flow: Flow, obj: Any, target: str) -> Transition:
    """The step that moves obj to the `target` state (an API's and a form's `to`): the one that
    starts from obj's state, else the first that ends there (refused then for the state)."""
    ending = [t for t in flow.transitions if t.target == target and t.name != "calculate"]
    if not ending:
        raise InvalidInput(errors={"to": str(_("状态无效"))})
    state = flow.state_of(obj)
    return next((t for t in ending if state in t.source), ending[0])


# The colour of each state's tag (Bootstrap's text-bg-*), for every page and list.
TAGS: dict[type[models.Model], dict[str, str]] = {
    PayRun: {
        S.OPEN: "secondary",
        S.CALCULATED: "info",
        S.NOTICE: "warning",
        S.TOWNSHIP: "primary",
        S.FINANCE: "primary",
        S.DISBURSED: "success",
        S.CLOSED: "dark",
    },
    DepartureAllowance: {
        DS.APPLIED: "secondary",
        DS.VILLAGE: "info",
        DS.TOWNSHIP: "info",
        DS.NOTICE: "warning",
        DS.APPROVED: "success",
        DS.REJECTED: "danger",
        DS.STOPPED: "dark",
    },
    CollectiveReward: {RS.PROPOSED: "warning", RS.APPROVED: "success", RS.PAID: "success", RS.REJECTED: "danger"},
}


def tag_of(obj: models.Model) -> str:
    """The colour of obj's state tag."""
    return TAGS.get(type(obj), {}).get(str(getattr(obj, "state", "")), "secondary")
