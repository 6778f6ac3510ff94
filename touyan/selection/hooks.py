"""What selection adds to the workbench (core.todos, registered in SelectionConfig.ready): a
county's overdue joint reviews (escalated, WF-1) and overdue handovers (R-ORG-10), a reviewer's
open reviews, a township's soft flags, handovers to finish within 10 days and departure
allowances to start in payroll (R-PAY-10)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from touyan.core.todos import Todo, TodoContext

from .selectors import Workbench, workbench


def selection_todos(user: Any, ctx: TodoContext) -> list[Todo]:
    w = workbench(actor=user, today=ctx.today)
    if w is None:
        return []
    group = str(_("选用管理"))
    out: list[Todo] = []
    if w.overdue_reviews is not None:
        out.append(
            Todo(str(_("逾期未反馈的部门联审")), w.overdue_reviews, reverse("selection:overdue"), icon="alarm",
                 urgent=True, group=group)
        )  # fmt: skip
    if w.open_reviews is not None:
        out.append(
            Todo(str(_("待反馈的联审任务")), w.open_reviews, reverse("selection:queue"), icon="clipboard2-check",
                 group=group)
        )  # fmt: skip
    if w.soft_flags is not None:
        out.append(
            Todo(str(_("待乡镇研究的选用人选")), w.soft_flags, reverse("selection:board") + "?state=soft_flag",
                 icon="person-exclamation", group=group)
        )  # fmt: skip
    out.extend(_exit_todos(w, group))
    return out


def _exit_todos(w: Workbench, group: str) -> list[Todo]:
    exits = reverse("selection:exits")
    out: list[Todo] = []
    if w.handover_overdue is not None:
        late = Todo(
            str(_("逾期未完成的工作移交")),
            w.handover_overdue,
            exits + "?state=handover&overdue=1",
            icon="box-seam",
            urgent=True,
            group=group,
            note=str(_("移交期限已过,请督促乡镇办结(村组法第二十条)")),
        )
        out.append(late)
    if w.handover_open is not None:
        due = w.handover_next_due
        out.append(Todo(str(_("待完成的工作移交")), w.handover_open, exits + "?state=handover", due=due, group=group))
    if w.departure_offers is not None:
        offers = Todo(
            str(_("可申请离任生活补贴的离任干部")),
            w.departure_offers,
            exits + "?allowance=1",
            icon="cash-coin",
            group=group,
        )
        out.append(offers)
    return out
