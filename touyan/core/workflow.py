"""Declared state machines (ENGINEERING habit 6): one shape for every workflow.

A `Flow` names its model's state field and its transitions. Each `Transition` says
where it may start (`source`), where it ends (`target`), who may take it (`who`, a
predicate over the actor and the object) and what must hold first (`guards`, pure
functions over the object and the facts the service gathered, each returning a
refusal message or None). Pages and services ask the same question:

    flow.can(actor, obj, "approve")             # show the button?
    transition(flow, actor=…, obj=…, name=…)    # do it, or refuse with the reason

`transition()` is the one service helper: inside one database transaction it locks
the row, checks state, actor and guards, sets the state (and any fields the caller
passes), saves only what changed and writes the audit event. Core is the ground
floor, so the audit writer is a hook the audit app registers (`set_auditor`).

Refusals map onto the domain errors: a wrong state or a failed guard → Conflict
(409), an actor who may not take the step → Forbidden (403), an unknown step →
InvalidInput (422). A guard may raise InvalidInput itself to name a field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .errors import Conflict, Forbidden, InvalidInput

Who = Callable[[Any, Any], bool]  # (actor, obj) -> may this actor take the step on this object?
Guard = Callable[[Any, Mapping[str, Any]], "str | Promise | None"]  # (obj, facts) -> refusal or None


class Auditor(Protocol):
    """What the audit app offers the workflow (registered in its AppConfig.ready)."""

    def record(
        self, *, actor: Any, action: str, obj: models.Model, changes: dict[str, Any], reason: str, region_code: str
    ) -> Any: ...

    def last_actor_id(self, *, obj: models.Model, actions: Sequence[str]) -> int | None: ...


_auditor: Auditor | None = None
_FLOWS: list[Flow] = []  # every declared flow, for the audit log's step names and the tests


def flows() -> list[Flow]:
    return list(_FLOWS)


def set_auditor(auditor: Auditor) -> None:
    global _auditor
    _auditor = auditor


def _audit() -> Auditor:
    if _auditor is None:  # pragma: no cover - the audit app is always installed
        raise RuntimeError("no auditor registered: install touyan.audit")
    return _auditor


def anyone(actor: Any, obj: Any) -> bool:
    return True


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple[str, ...]
    target: str
    label: str | Promise = ""
    who: Who = anyone
    guards: tuple[Guard, ...] = ()
    # Separation of duties: the actor must not be the one who took the step before this one
    # (any of `distinct_from`, by the audit trail of this object).
    distinct_from: tuple[str, ...] = ()
    # What the Forbidden message says when `who` refuses ("该步骤由县财政办理").
    refused: str | Promise = ""
    reason_required: bool = False
    # Where the step's target depends on the object (a leave's route: the last level's approval
    # grants it, an earlier one passes it on in the same state): fn(locked obj) -> state; `target`
    # stays the state the step can reach, for `sources_of` and the pages.
    target_of: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class Flow:
    """A state machine over `model.<state_field>`; audit actions are `<action_prefix>.<transition name>`."""

    model: type[models.Model]
    action_prefix: str
    transitions: tuple[Transition, ...]
    state_field: str = "state"
    _by_name: dict[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, Transition] = {}
        for t in self.transitions:
            if t.name in by_name:
                raise ValueError(f"duplicate transition {t.name!r} in {self.action_prefix}")
            by_name[t.name] = t
        object.__setattr__(self, "_by_name", by_name)
        _FLOWS.append(self)

    # --- reading -------------------------------------------------------------------------------
    def get(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError:
            raise InvalidInput(errors={"action": _("无效的操作")}) from None

    def names(self) -> list[str]:
        return list(self._by_name)

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.state_field))

    def action(self, name: str) -> str:
        return f"{self.action_prefix}.{name}"

    def refusal(self, actor: Any, obj: Any, name: str, facts: Mapping[str, Any] | None = None) -> Exception | None:
        """Why the actor may not take `name` on obj now (the error a service raises), or None."""
        t = self.get(name)
        state = self.state_of(obj)
        if state not in t.source:
            label = _state_label(obj, self.state_field)
            return Conflict(_("当前状态“%(s)s”不能进行该操作") % {"s": label}, field="state")
        if actor is None or not t.who(actor, obj):
            return Forbidden(t.refused or _("您的角色无权执行此操作"))
        if t.distinct_from and getattr(actor, "pk", None) is not None:
            previous = _audit().last_actor_id(obj=obj, actions=[self.action(n) for n in t.distinct_from])
            if previous is not None and previous == actor.pk:
                return Forbidden(_("同一人不能连续办理两级审批,请由其他人员办理"))
        for guard in t.guards:
            message = guard(obj, facts or {})
            if message:
                return Conflict(message)
        return None

    def can(self, actor: Any, obj: Any, name: str, facts: Mapping[str, Any] | None = None) -> bool:
        """May the actor take `name` on obj now? The same answer the service gives."""
        if name not in self._by_name:
            return False
        return self.refusal(actor, obj, name, facts) is None

    def available(self, actor: Any, obj: Any, facts: Mapping[str, Any] | None = None) -> list[Transition]:
        """The transitions the actor may take now, in declaration order (a page's buttons)."""
        return [t for t in self.transitions if self.refusal(actor, obj, t.name, facts) is None]

    def sources_of(self, target: str) -> set[str]:
        return {s for t in self.transitions if t.target == target for s in t.source}


def _state_label(obj: Any, state_field: str) -> str:
    display = getattr(obj, f"get_{state_field}_display", None)
    return str(display()) if callable(display) else str(getattr(obj, state_field))


def transition(
    flow: Flow,
    *,
    actor: Any,
    obj: models.Model,
    name: str,
    reason: str = "",
    facts: Mapping[str, Any] | None = None,
    facts_of: Callable[[Any], Mapping[str, Any]] | None = None,
    set_fields: Mapping[str, Any] | None = None,
    effect: Callable[[Any], Iterable[str] | None] | None = None,
    changes: Mapping[str, Any] | None = None,
    region_code: str = "",
) -> Any:
    """Take one step: lock, check, set, save, audit — all or nothing.

    `obj` is re-read under `select_for_update` (the caller has already checked that the actor may
    see it). `facts_of(locked_obj)` computes the guards' facts after the lock, for facts that two
    people could change at once; `facts` are given ones. `set_fields` are written with the state;
    `effect(locked_obj)` may change more fields (returning their names) or write related rows, in
    the same transaction. The audit event records the state change, the set fields, `changes` and
    `reason`."""
    with transaction.atomic():
        model = type(obj)
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        t = flow.get(name)
        gathered = dict(facts or {})
        if facts_of is not None:
            gathered.update(facts_of(locked))
        if t.reason_required and not reason.strip():
            raise InvalidInput(errors={"reason": _("请填写理由")})
        problem = flow.refusal(actor, locked, name, gathered)
        if problem is not None:
            raise problem
        old = flow.state_of(locked)
        target = t.target if t.target_of is None else t.target_of(locked)
        setattr(locked, flow.state_field, target)
        fields = {flow.state_field}
        audit_changes: dict[str, Any] = {flow.state_field: [old, target]}
        for key, value in (set_fields or {}).items():
            before = getattr(locked, key)
            setattr(locked, key, value)
            fields.add(key)
            if before != value:
                audit_changes[key] = [before, value]
        if effect is not None:
            fields.update(effect(locked) or ())
        locked.save(update_fields=sorted(fields))
        audit_changes.update(changes or {})
        _audit().record(
            actor=actor,
            action=flow.action(name),
            obj=locked,
            changes=audit_changes,
            reason=reason,
            region_code=region_code,
        )
        # The caller's instance follows the saved one.
        for key in fields:
            setattr(obj, key, getattr(locked, key))
        return locked
