"""Reads of the audit trail, for the auditor role only (separation of duties)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from touyan.accounts import rules
from touyan.accounts.scope import require, scope_prefix

from .models import AuditEvent


def audit_events(*, actor: Any) -> QuerySet[AuditEvent]:
    """Events in the auditor's region (events with no region — logins — only nationally)."""
    require(actor, rules.AUDIT_READ)
    prefix = scope_prefix(actor)
    qs = AuditEvent.objects.all()
    if prefix:
        qs = qs.filter(region_code__startswith=prefix)
    return qs
