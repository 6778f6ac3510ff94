"""Attendance's state machine (core.workflow): a leave request (R-ATT-02, R-ATT-03).

submitted → (each level of its route approves in turn; the last one) approved → returned (销假);
submitted → rejected at any level. Audit actions `attendance.leave.<step>`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from touyan.core.workflow import Flow, Transition

from .models import LeaveRequest

L = LeaveRequest.Status
_NOT_YOURS = _("该请假当前不由您审批")


def decider(actor: Any, leave: Any) -> bool:
    """Who may act at the leave's current level (services.can_decide, R-ATT-02)."""
    from .services import can_decide

    return can_decide(actor, leave)


def self_or_township(actor: Any, leave: Any) -> bool:
    """The cadre themselves or an official of the village (销假, R-ATT-03)."""
    from .services import may_return

    return may_return(actor, leave)


def after_approval(leave: Any) -> str:
    """The last level's approval grants the leave; an earlier one passes it on, still submitted."""
    return L.SUBMITTED if remaining_levels(leave) else L.APPROVED


def remaining_levels(leave: Any) -> list[str]:
    """The levels of the route after the current one that still decide (a liaison record does not)."""
    level = leave.next_level
    return [lv for lv in leave.route[leave.route.index(level) + 1 :] if lv != "liaison_record"]


LEAVE = Flow(
    model=LeaveRequest,
    action_prefix="attendance.leave",
    state_field="status",
    transitions=(
        Transition(
            "approve",
            (L.SUBMITTED,),
            L.APPROVED,
            _("请假审批同意"),
            who=decider,
            refused=_NOT_YOURS,
            target_of=after_approval,
        ),
        Transition("reject", (L.SUBMITTED,), L.REJECTED, _("请假审批驳回"), who=decider, refused=_NOT_YOURS),
        Transition(
            "return", (L.APPROVED,), L.RETURNED, _("销假"), who=self_or_township, refused=_("只能由本人或乡镇销假")
        ),
    ),
)
