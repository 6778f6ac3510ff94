"""What selection adds to the workbench (core.todos, registered in SelectionConfig.ready): a
county's overdue joint reviews (escalated, WF-1), a reviewer's open reviews, a township's soft flags."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from touyan.core.todos import Todo, TodoContext

from .selectors import workbench


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
    return out
