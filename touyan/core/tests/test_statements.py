"""core.statements: the hand-built INSERTs write what the ORM writes (issue #4 hot path)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError

from conftest import VILLAGE_A1
from touyan.attendance.models import Presence
from touyan.audit.models import AuditEvent
from touyan.audit.services import audit_event
from touyan.core.statements import insert_returning_pk, insert_with_event

COMPARED = ["actor_id", "actor_username", "ip", "action", "object_type", "object_id", "region_code", "changes",
            "result", "reason"]  # fmt: skip


def test_insert_returning_pk_writes_what_create_writes(personas: dict[str, Any]) -> None:
    fields = dict(actor=personas["township_a1"], actor_username="town_a1", ip="10.1.2.3", action="x.test",
                  object_type="t", object_id="7", region_code=VILLAGE_A1, changes={"a": [None, "二"]})  # fmt: skip
    by_orm = AuditEvent.objects.create(**fields)
    event = AuditEvent(**fields)
    pk = insert_returning_pk(event)
    assert pk == event.pk and pk != by_orm.pk and not event._state.adding
    rows = {r["id"]: r for r in AuditEvent.objects.filter(pk__in=[pk, by_orm.pk]).values("id", "at", *COMPARED)}
    assert {k: v for k, v in rows[pk].items() if k not in ("id", "at")} == {
        k: v for k, v in rows[by_orm.pk].items() if k not in ("id", "at")
    }
    assert rows[pk]["at"] == event.at and abs(rows[pk]["at"] - rows[by_orm.pk]["at"]) < dt.timedelta(minutes=1)


def _presence(cadre: Any, day: dt.date, actor: Any) -> tuple[Presence, AuditEvent]:
    record = Presence(person_id=cadre.pk, village_id=VILLAGE_A1, date=day, kind="present", channel="duty_book",
                      recorded_by=actor)  # fmt: skip
    event = audit_event(actor=actor, action="attendance.presence", object_type="attendance.presence",
                        region_code=VILLAGE_A1, changes={"date": [None, day]})  # fmt: skip
    return record, event


@pytest.mark.django_db(transaction=True)
def test_insert_with_event_writes_both_or_neither(personas: dict[str, Any], make_cadre: Any) -> None:
    """Outside a transaction (the web request's case: one statement on PostgreSQL) and inside one."""
    from django.db import transaction

    cadre = make_cadre(posts=("PS",))
    actor = personas["township_a1"]
    day = dt.date(2026, 3, 2)
    record, event = _presence(cadre, day, actor)
    pk = insert_with_event(record, event)
    assert Presence.objects.get(pk=pk).person_id == cadre.pk
    stored = AuditEvent.objects.get(action="attendance.presence", object_id=str(pk))
    assert stored.actor_id == actor.pk and stored.changes == {"date": [None, "2026-03-02"]}
    events = AuditEvent.objects.count()
    with pytest.raises(IntegrityError):  # the same cadre-day again: neither row
        insert_with_event(*_presence(cadre, day, actor))
    assert Presence.objects.filter(person_id=cadre.pk).count() == 1 and AuditEvent.objects.count() == events
    with transaction.atomic():  # inside a transaction: a savepoint, the outer work goes on
        with pytest.raises(IntegrityError):
            insert_with_event(*_presence(cadre, day, actor))
        insert_with_event(*_presence(cadre, day + dt.timedelta(days=1), actor))
    assert Presence.objects.filter(person_id=cadre.pk).count() == 2 and AuditEvent.objects.count() == events + 1


@pytest.mark.django_db
def test_hot_path_statements_are_prepared_on_postgresql() -> None:
    """The server-binding cursor's statements are prepared after their fifth use on a connection
    (settings: prepare_threshold; Django turns it off by default), and the ORM's are not."""
    from django.db import connection

    from touyan.core.statements import fetch_one

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    sql = "SELECT %s::int + 1 AS touyan_prepare_probe"
    for i in range(6):
        assert fetch_one(sql, [i]) == (i + 1,)
    for _ in range(6):
        list(AuditEvent.objects.filter(action="touyan_orm_probe").values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("touyan_prepare_probe" in s for s in prepared), prepared
    assert not any("touyan_orm_probe" in s for s in prepared), prepared


@pytest.mark.parametrize(("raw", "threshold"), [(None, 5), ("3", 3), ("0", None)])
def test_prepare_threshold_setting(raw: str | None, threshold: int | None) -> None:
    """TOUYAN_DB_PREPARE_THRESHOLD: 5 by default; 0 turns prepared statements off (PgBouncer < 1.21)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TOUYAN_DB_PREPARE_THRESHOLD"}
    env |= {"DATABASE_URL": "postgres://touyan@127.0.0.1:5432/touyan"} | (
        {"TOUYAN_DB_PREPARE_THRESHOLD": raw} if raw is not None else {}
    )
    code = "from config.settings import base; print(base.DATABASES['default']['OPTIONS']['prepare_threshold'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == str(threshold)


@pytest.mark.django_db
def test_hot_path_runs_without_prepared_statements_on_postgresql() -> None:
    """With prepare_threshold None (TOUYAN_DB_PREPARE_THRESHOLD=0) nothing is prepared and the
    server-binding statements still answer."""
    from django.db import connection

    from touyan.core.statements import fetch_one

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    connection.ensure_connection()
    connection.connection.prepare_threshold = None
    for i in range(8):
        assert fetch_one("SELECT %s::int + 2 AS touyan_unprepared_probe", [i]) == (i + 2,)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert not any("touyan_unprepared_probe" in s for s in prepared), prepared
    connection.connection.prepare_threshold = 5


@pytest.mark.django_db
def test_query_log_names_prepared_statements_too() -> None:
    """Django's query log (DEBUG, CaptureQueriesContext) shows a prepared statement's SQL, not None."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from touyan.core.statements import fetch_one

    with CaptureQueriesContext(connection) as captured:
        for i in range(8):
            fetch_one("SELECT CAST(%s AS integer) AS touyan_log_probe", [i])
    assert len(captured.captured_queries) == 8
    assert all("touyan_log_probe" in (q["sql"] or "") for q in captured.captured_queries), captured.captured_queries
