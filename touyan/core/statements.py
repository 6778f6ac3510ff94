"""Hand-built SQL for the check-in hot path (issue #4: ≥ 1,000 records/s on two workers).

Building a query through the ORM costs about a CPU millisecond a statement on our machines — more
than the database spends running it. These helpers build each statement once per process and
then only bind parameters. They keep the ORM's meaning: `insert_returning_pk` sends the INSERT that
`Model.objects.create()` sends (defaults, `auto_now_add`, JSON and other adaptations come from the
fields themselves); it does not send `pre_save`/`post_save` signals, so it is only for models
without receivers or history (presence records, audit events). The statements run through
Django's cursor, so they are counted and logged like every other query.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.sql import InsertQuery


def _db() -> BaseDatabaseWrapper:
    # The wrapper itself, not the `connection` proxy (each attribute of which is a thread-local lookup).
    return connections[DEFAULT_DB_ALIAS]


def _cursor(connection: BaseDatabaseWrapper) -> Any:
    """Django's cursor; on PostgreSQL one that binds parameters on the server, so that psycopg
    prepares a statement after its fifth use on a connection and PostgreSQL stops parsing and
    planning it on every check-in (the project's other queries keep Django's client-side binding)."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        wrapper: Any = connection
        return wrapper._prepare_cursor(_server_binding_cursor()(connection.connection))


@functools.cache
def _server_binding_cursor() -> type:
    import psycopg

    class ServerBindingCursor(psycopg.Cursor):  # type: ignore[type-arg]
        """psycopg's cursor, remembering the query of a prepared execution too: Django's query log
        (DEBUG, CaptureQueriesContext) reads it from `_query`, which psycopg sets only when it sends
        the statement's text."""

        def _send_query_prepared(self, name: bytes, pgq: Any, *, binary: bool | None = None) -> None:
            self._query = pgq
            super()._send_query_prepared(name, pgq, binary=binary)

    return ServerBindingCursor


_INSERTS: dict[tuple[type[Model], str], tuple[str, list[Field[Any, Any]]]] = {}


def _insert_statement(connection: BaseDatabaseWrapper, obj: Model) -> tuple[str, list[Field[Any, Any]]]:
    model = type(obj)
    key = (model, connection.vendor)
    cached = _INSERTS.get(key)
    if cached is None:
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
        query = InsertQuery(model)
        query.insert_values(fields, [obj])
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = [meta.pk]
        statements = compiler.as_sql()
        if len(statements) != 1 or not connection.features.can_return_columns_from_insert:
            raise RuntimeError(f"{meta.label}: the database cannot return the new id from one INSERT")
        cached = (statements[0][0], fields)
        _INSERTS[key] = cached
    return cached


def insert_returning_pk(obj: Model) -> int:
    """INSERT one new instance as `create()` would and set its primary key. Raises IntegrityError
    on a constraint violation, like `create()`. Call it inside `transaction.atomic()` when the row
    must be written together with others."""
    connection = _db()
    sql, fields = _insert_statement(connection, obj)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with _cursor(connection) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    obj.pk = row[0]
    _mark_saved(connection, obj)
    return int(obj.pk)


def fetch_one(sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    """The first row of a hand-written, portable SELECT (SQLite and PostgreSQL), or None."""
    with _cursor(_db()) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


_PAIRS: dict[tuple[type[Model], type[Model]], str] = {}


def insert_with_event(obj: Model, event: Model, *, link: str = "object_id") -> int:
    """INSERT a new row and the event that records it in one statement, the event's `link` field
    set to the row's new id (as text). On PostgreSQL this is one data-modifying WITH: atomic on its
    own, one round trip, no BEGIN/COMMIT; a constraint violation writes neither. Elsewhere the two
    INSERTs run in one transaction. Returns the new id."""
    connection = _db()
    if connection.vendor != "postgresql" or not connection.get_autocommit():
        with transaction.atomic():
            insert_returning_pk(obj)
            setattr(event, link, str(obj.pk))
            insert_returning_pk(event)
        return int(obj.pk)
    first_sql, first_fields = _insert_statement(connection, obj)
    event_fields = [f for f in _insert_statement(connection, event)[1] if f.attname != link]
    key = (type(obj), type(event))
    sql = _PAIRS.get(key)
    if sql is None:
        q = connection.ops.quote_name
        columns = ", ".join(q(str(f.column)) for f in event_fields)
        table, pk = str(event._meta.db_table), str(obj._meta.pk.column)  # type: ignore[union-attr]
        link_column = str(next(f.column for f in event._meta.concrete_fields if f.attname == link))
        values = ", ".join(["%s"] * len(event_fields))
        sql = (
            f"WITH new AS ({first_sql}), event AS (INSERT INTO {q(table)}"  # noqa: S608 (identifiers from the models)
            f" ({columns}, {q(link_column)})"
            f" SELECT {values}, CAST(new.{q(pk)} AS varchar) FROM new)"
            f" SELECT {q(pk)} FROM new"
        )
        _PAIRS[key] = sql
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in first_fields]
    params += [f.get_db_prep_save(f.pre_save(event, True), connection) for f in event_fields]
    with _cursor(connection) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    obj.pk = row[0]
    setattr(event, link, str(obj.pk))
    _mark_saved(connection, obj, event)
    return int(obj.pk)


def _mark_saved(connection: BaseDatabaseWrapper, *instances: Model) -> None:
    """What `save()` records on an instance it has inserted."""
    for instance in instances:
        instance._state.adding = False
        instance._state.db = connection.alias


_GUARDED: dict[tuple[type[Model], type[Model], str], tuple[str, list[Field[Any, Any]], list[Field[Any, Any]]]] = {}


def insert_guarded_with_event(
    obj: Model,
    event: Model,
    *,
    source: str,
    source_params: list[Any],
    from_source: dict[str, str],
    event_from_row: dict[str, str],
    link: str = "object_id",
) -> tuple[Any, ...] | None:
    """INSERT a new row and the event that records it in one statement — but only when the SELECT
    `source` (its own parameters `source_params`) finds a row, and only when no unique constraint
    stops it (ON CONFLICT DO NOTHING). The fields named in `from_source` take the source's columns
    (attname → source column) instead of the instance's values; the event's fields in
    `event_from_row` take the new row's columns; the event's `link` field the new id. Returns the
    new id followed by the `from_source` columns in their order, or None when nothing was written
    (no source row, or a repeat): the caller then takes its ordinary path, which tells why.

    PostgreSQL in autocommit only (one data-modifying WITH is atomic by itself); callers check
    `guarded_insert_available()` first. The check-in hot path (issue #4): the lookup that decides
    whether a check-in may be written, the record and its audit event in one round trip."""
    connection = _db()
    key = (type(obj), type(event), source)
    cached = _GUARDED.get(key)
    if cached is None:
        q = connection.ops.quote_name
        meta, event_meta = obj._meta, event._meta
        fields = _insert_statement(connection, obj)[1]
        event_fields = _insert_statement(connection, event)[1]
        pk = str(meta.pk.column)  # type: ignore[union-attr]
        row_values = ", ".join(f"src.{q(from_source[f.attname])}" if f.attname in from_source else "%s" for f in fields)
        column_of = {f.attname: str(f.column) for f in meta.concrete_fields}
        returned = ", ".join(q(column_of[name]) for name in from_source)

        def event_value(f: Field[Any, Any]) -> str:
            if f.attname == link:
                return f"CAST(new.{q(pk)} AS varchar)"
            if f.attname in event_from_row:
                return f"new.{q(column_of[event_from_row[f.attname]])}"
            return "%s"

        sql = (
            f"WITH src AS ({source}),"  # noqa: S608 (identifiers from the models, source from the caller's code)
            f" new AS (INSERT INTO {q(str(meta.db_table))} ({', '.join(q(str(f.column)) for f in fields)})"
            f" SELECT {row_values} FROM src ON CONFLICT DO NOTHING RETURNING {q(pk)}, {returned}),"
            f" event AS (INSERT INTO {q(str(event_meta.db_table))}"
            f" ({', '.join(q(str(f.column)) for f in event_fields)})"
            f" SELECT {', '.join(event_value(f) for f in event_fields)} FROM new)"
            f" SELECT {q(pk)}, {returned} FROM new"
        )
        row_params = [f for f in fields if f.attname not in from_source]
        event_params = [f for f in event_fields if f.attname != link and f.attname not in event_from_row]
        cached = (sql, row_params, event_params)
        _GUARDED[key] = cached
    sql, row_params, event_params = cached
    params = list(source_params)
    params += [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in row_params]
    params += [f.get_db_prep_save(f.pre_save(event, True), connection) for f in event_params]
    with _cursor(connection) as cursor:
        cursor.execute(sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
    if row is None:
        return None
    obj.pk = row[0]
    for name, value in zip(from_source, row[1:], strict=True):
        setattr(obj, name, value)
    setattr(event, link, str(obj.pk))
    for name, attname in event_from_row.items():
        setattr(event, name, getattr(obj, attname))
    _mark_saved(connection, obj, event)
    return row


def guarded_insert_available() -> bool:
    """`insert_guarded_with_event` can run: PostgreSQL, outside a transaction."""
    connection = _db()
    return connection.vendor == "postgresql" and connection.get_autocommit()
