"""The database setup: SQLite in WAL mode with IMMEDIATE transactions, so that
concurrent writers queue instead of failing with "database is locked"."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from conftest import TREE
from touyan.audit.models import AuditEvent
from touyan.regionadmin.services import region_stat_put
from touyan.regions.models import RegionStat


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fail(personas) -> None:
    """16 threads each write 5 statistics (with their audit events) at once."""
    admin = personas["national"]
    villages = [code for code, _n, level, _p in TREE if level != "province"]
    errors: list[BaseException] = []
    start = threading.Barrier(16)

    def work(i: int) -> None:
        try:
            start.wait()
            for j in range(5):
                region_stat_put(
                    actor=admin,
                    code=villages[(i + j) % len(villages)],
                    year=2000 + i,
                    rural_income_per_capita=Decimal(10000 + j),
                )
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert RegionStat.objects.filter(year__gte=2000, year__lt=2016).count() == 16 * 5
    assert AuditEvent.objects.filter(action="regions.stat.put").count() == 16 * 5
