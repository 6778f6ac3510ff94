"""The audit trail: append-only, written in the service's transaction, read by auditors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from conftest import COUNTY_A, COUNTY_B, PASSWORD
from touyan.audit.models import AuditEvent
from touyan.audit.selectors import audit_events
from touyan.audit.services import audit_record
from touyan.core.errors import Forbidden
from touyan.regionadmin.services import region_stat_put


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


@pytest.mark.django_db
def test_the_log_reads_in_chinese_with_object_names_and_field_labels(personas, login, make_cadre) -> None:
    """Issue 16: "登录", not "auth.login"; "干部 韦书记", not "cadres.person 3"; a changed field
    by its Chinese name with its choice labels ("学历:大专 → …"), ∅ for nothing."""
    from touyan.audit.display import rows_of

    person = make_cadre(name="韦书记")
    audit_record(actor=personas["county_a_admin"], action="auth.login", obj=personas["county_a_admin"],
                 region_code=COUNTY_A)  # fmt: skip
    audit_record(
        actor=personas["county_a_admin"],
        action="cadres.person.update",
        obj=person,
        region_code=COUNTY_A,
        changes={"education": ["college", None]},
    )
    rows = {r.event.action: r for r in rows_of(AuditEvent.objects.filter(region_code=COUNTY_A))}
    assert rows["auth.login"].action == "登录" and rows["auth.login"].name.startswith("county_a")
    update = rows["cadres.person.update"]
    assert update.action == "修改干部档案" and update.name == "韦书记" and update.kind
    change = update.changes[0]
    assert change.field != "education" and change.before != "college" and change.after == "∅"
    page = login(personas["auditor"]).get("/audit/").content.decode()
    assert "修改干部档案" in page and "韦书记" in page and "cadres.person " + str(person.pk) not in page


@pytest.mark.django_db
def test_filters_and_export(personas, login) -> None:
    """Filters by date, account, action and object; a bad date is a 400 with the field named; the
    export is the filtered rows as XLSX, and is audited itself."""
    import io

    from openpyxl import load_workbook

    audit_record(actor=personas["county_a_admin"], action="policy.put", region_code=COUNTY_A)
    audit_record(actor=personas["county_b_admin"], action="auth.login", region_code=COUNTY_B)
    auditor = login(personas["auditor"])
    page = auditor.get("/audit/?action=policy.put").content.decode()
    assert "保存政策参数" in page and "county_b" not in page
    assert "county_a" not in auditor.get("/audit/?who=county_b").content.decode().split("<tbody>")[1]
    assert auditor.get("/audit/?start=2026-99-99").status_code == 400
    assert auditor.get("/audit/?start=2026-12-09&end=2026-12-01").status_code == 400
    today = timezone.localdate().isoformat()
    r = auditor.get(f"/audit/export.xlsx?start={today}&end={today}&action=policy.put")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["时间", "账号", "来源地址", "操作"] and len(values) == 2 and values[1][3] == "保存政策参数"
    assert AuditEvent.objects.filter(action="audit.export").count() == 1
    assert login(personas["county_a_admin"]).get("/audit/export.xlsx").status_code == 403
