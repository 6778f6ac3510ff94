"""One bulk writer for set-based work: COPY on PostgreSQL, bulk INSERT elsewhere.

Django's `bulk_create` prepares every value of every row in Python; for hundreds of thousands of
rows (a national pay run, a roster import) COPY is several times faster. On PostgreSQL the rows'
primary keys are taken from the sequence first, in one query, so that callers can write child
rows that point at them. Errors of the driver come out as Django's (IntegrityError, …).

    rows = insert_rows(Payslip, [{"run_id": 1, "person_id": 7, ...}])   # each row gets its "id"
    ids = reserve_ids(Payslip, 2); copy_text(table, columns, "1\t…\n2\t…\n")   # text built by hand
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone

BATCH = 2000  # rows per INSERT where COPY is not available


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def escape(value: str) -> str:
    """A value for COPY's text format: backslash, tab and line breaks escaped."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def reserve_ids(model: type[Model], n: int) -> list[int]:
    """n primary keys from the table's sequence, in one query (PostgreSQL)."""
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, n],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy_statement(table: str, columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    return f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"


def copy_text(table: str, columns: Sequence[str], text: str) -> None:
    """COPY rows already in COPY's text format (tab-separated, `escape`d, one per line)."""
    statement = _copy_statement(table, columns)
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
        copy.write(text)  # through the driver's own cursor, under Django's wrapper


def copy_rows(
    table: str,
    fields: Sequence[Field[Any, Any]],
    rows: Sequence[Mapping[str, Any]],
    extra: Mapping[str, Any] | None = None,
) -> None:
    """COPY rows given as {attname: value} into `table`, one column per field: from the row, else
    the constant in `extra` (the driver adapts each value)."""
    constants = extra or {}
    sources = [(f.attname, None) if f.attname in rows[0] else (None, constants[f.attname]) for f in fields]
    statement = _copy_statement(table, [str(f.column) for f in fields])
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[name] if name is not None else const for name, const in sources])


def insert_rows(
    model: type[Model], rows: list[dict[str, Any]], *, ids: bool = True, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Insert new rows, given as {attname: value}; with `ids` each row gets its "id". Fields a row
    leaves out get what Django would give them (their default; `now` for auto_now fields), kept in
    the rows. COPY on PostgreSQL, bulk_create elsewhere."""
    if not rows:
        return rows
    if not is_postgres():
        return _bulk_create(model, rows)
    meta = model._meta
    if ids:
        for row, pk in zip(rows, reserve_ids(model, len(rows)), strict=True):
            row["id"] = pk
    fields = [f for f in meta.concrete_fields if not (f.primary_key and not ids)]
    stamp = now or timezone.now()
    for f in fields:
        if f.attname not in rows[0]:
            auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            value = stamp if auto else f.get_default()  # "" for non-null text, as Django does
            for row in rows:
                row[f.attname] = value
    copy_rows(meta.db_table, fields, rows)
    return rows


def _bulk_create(model: type[Model], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    created = model._default_manager.bulk_create([model(**row) for row in rows], batch_size=BATCH)
    for row, obj in zip(rows, created, strict=True):
        if obj.pk is None:  # SQLite before 3.35 does not return keys from bulk inserts
            raise RuntimeError("the database must return primary keys from bulk inserts")
        row["id"] = obj.pk
    return rows
