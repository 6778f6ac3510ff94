"""The audit app's side of `core.workflow`: how a declared step is written and who took the last one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models

from .models import AuditEvent
from .services import audit_record


class WorkflowAuditor:
    def record(
        self, *, actor: Any, action: str, obj: models.Model, changes: dict[str, Any], reason: str, region_code: str
    ) -> AuditEvent:
        code = region_code or getattr(obj, "village_id", None) or getattr(obj, "region_id", None) or ""
        return audit_record(actor=actor, action=action, obj=obj, region_code=str(code), changes=changes, reason=reason)

    def last_actor_id(self, *, obj: models.Model, actions: Sequence[str]) -> int | None:
        row = (
            AuditEvent.objects.filter(
                object_type=obj._meta.label_lower, object_id=str(obj.pk), action__in=list(actions), result="ok"
            )
            .order_by("-id")
            .values_list("actor_id", flat=True)
            .first()
        )
        return row
