"""The audit trail: append-only, written in the service's transaction, read by auditors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client

from conftest import COUNTY_A, COUNTY_B, PASSWORD
from touyan.audit.models import AuditEvent
from touyan.audit.selectors import audit_events
from touyan.audit.services import audit_record
from touyan.core.errors import Forbidden
from touyan.regions.services import region_stat_put


@pytest.mark.django_db
def test_events_cannot_be_changed_or_deleted(personas) -> None:
    event = audit_record(actor=personas["county_a_admin"], action="test.action", region_code=COUNTY_A)
    event.action = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.action"


@pytest.mark.django_db
def test_event_rolls_back_with_the_change(personas) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        region_stat_put(
            actor=personas["county_a_admin"], code=COUNTY_A, year=2025, rural_income_per_capita=Decimal("14000")
        )
        raise RuntimeError("fault after the service")
    assert not AuditEvent.objects.filter(action="regions.stat.put").exists()


@pytest.mark.django_db
def test_login_and_failed_login_are_recorded(personas) -> None:
    c = Client(REMOTE_ADDR="10.1.2.3")
    c.post("/login/", {"username": "county_a", "password": "wrong"})
    c.post("/login/", {"username": "county_a", "password": PASSWORD})
    failed = AuditEvent.objects.get(action="auth.login", result="failed")
    assert failed.actor_username == "county_a" and failed.region_code == COUNTY_A
    ok = AuditEvent.objects.get(action="auth.login", result="ok")
    assert ok.actor == personas["county_a_admin"] and ok.ip == "10.1.2.3"


@pytest.mark.django_db
def test_auditor_reads_only_the_region(personas, login) -> None:
    audit_record(actor=personas["county_a_admin"], action="test.a", region_code=COUNTY_A)
    audit_record(actor=personas["county_b_admin"], action="test.b", region_code=COUNTY_B)
    audit_record(actor=None, action="test.other", region_code="530100000000")
    seen = set(audit_events(actor=personas["auditor"]).values_list("action", flat=True))
    assert {"test.a", "test.b"} <= seen and "test.other" not in seen
    with pytest.raises(Forbidden):
        audit_events(actor=personas["county_a_admin"])
    page = login(personas["auditor"]).get("/audit/")
    assert page.status_code == 200 and b"test.a" in page.content and b"test.other" not in page.content


@pytest.mark.django_db
def test_database_refuses_to_rewrite_an_event(personas) -> None:
    """Even a raw UPDATE past the application fails: the trail is append-only."""
    from django.db import DatabaseError, connection

    event = audit_record(actor=personas["county_a_admin"], action="test.raw", region_code=COUNTY_A)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'rewritten' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.raw"
