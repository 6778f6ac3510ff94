"""Audit actions as enums, not free text (Zulip's AuditLogEventType).

Each app declares its actions once, in its own `actions.py`, as a subclass of
`AuditAction` whose members carry the code stored in `AuditEvent.action` and the
Chinese name the audit log shows:

    class PayrollAction(AuditAction):
        RUN_CALCULATE = "payroll.run.calculate", _("计算工资")

`label_of(code)` finds the name of any stored code (a workflow step's code is
`<flow prefix>.<transition>`; flows register their steps' names with `register`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise

_EXTRA: dict[str, str | Promise] = {}


class AuditAction(StrEnum):
    """Base of every app's action enum; a member is its stored code (a str) with a `label`."""

    label: str | Promise

    def __new__(cls, value: str, label: str | Promise = "") -> AuditAction:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member


def _all_subclasses(cls: type[AuditAction]) -> list[type[AuditAction]]:
    out: list[type[AuditAction]] = []
    sub: type[AuditAction]
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_all_subclasses(sub))
    return out


def register(code: str, label: str | Promise) -> None:
    """Name a code that is not an enum member (a declared workflow's steps)."""
    _EXTRA[code] = label


def labels() -> dict[str, str | Promise]:
    """Every known code → its name."""
    from touyan.core.workflow import flows

    out: dict[str, str | Promise] = dict(_EXTRA)
    for flow in flows():
        for t in flow.transitions:
            out.setdefault(flow.action(t.name), t.label or t.name)
    for enum_cls in _all_subclasses(AuditAction):
        member: Any
        for member in enum_cls:
            out[member.value] = member.label
    return out


def label_of(code: str) -> str:
    return str(labels().get(code, code))
