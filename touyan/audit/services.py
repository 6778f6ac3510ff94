"""audit_record(): the one way to write an AuditEvent.

Call it inside the service's transaction so the event commits or rolls back
with the change it describes.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from touyan.core.statements import insert_returning_pk

from .middleware import current_ip
from .models import AuditEvent, Result


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def audit_record(*, actor: Any, action: str, **details: Any) -> AuditEvent:
    """Write one audit event; `details` are `audit_event`'s (obj, object_type, object_id,
    region_code, changes, result, reason, username). `changes` maps field → [old, new]."""
    event = audit_event(actor=actor, action=action, **details)
    insert_returning_pk(event)  # as AuditEvent.objects.create(), the INSERT built once per process
    return event


def audit_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    region_code: str = "",
    changes: dict[str, Any] | None = None,
    result: str = Result.OK,
    reason: str = "",
    username: str = "",
) -> AuditEvent:
    """The unsaved event `audit_record` writes (also for a service that writes it together with its
    row in one statement, `core.statements.insert_with_event`). `changes` maps field → [old, new]
    (or any detail)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent(
        actor=actor if authenticated else None,
        actor_username=(actor.get_username() if authenticated else username)[:150],
        ip=current_ip.get(),
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        region_code=region_code,
        changes=_plain(changes or {}),
        result=result,
        reason=reason[:500],
    )


def audit_record_many(
    *, actor: Any, action: str, records: list[tuple[models.Model, str, dict[str, Any]]], reason: str = ""
) -> list[AuditEvent]:
    """audit_record for many objects of one action in one INSERT (set-based batch work):
    `records` are (object, region code, changes)."""
    return AuditEvent.objects.bulk_create(
        [
            audit_event(actor=actor, action=action, obj=obj, region_code=region_code, changes=changes, reason=reason)
            for obj, region_code, changes in records
        ],
        batch_size=2000,
    )


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as field → [old, new]."""
    return {k: [old.get(k), new.get(k)] for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)}
