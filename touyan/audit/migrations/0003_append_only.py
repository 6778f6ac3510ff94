"""The database itself refuses to change or delete an audit event.

PostgreSQL: a trigger on UPDATE and DELETE (TRUNCATE, used only by test
teardown and by an operator purging past the retention period, is not a row
event). SQLite: a trigger on UPDATE (Django's test teardown deletes rows)."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""
PG_DOWN = "DROP TRIGGER IF EXISTS auditevent_append_only ON audit_auditevent; DROP FUNCTION IF EXISTS audit_append_only();"
SQLITE_UP = """
CREATE TRIGGER auditevent_no_update BEFORE UPDATE ON audit_auditevent
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS auditevent_no_update;"


def up(apps, schema_editor):
    sql = {"postgresql": PG_UP, "sqlite": SQLITE_UP}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def down(apps, schema_editor):
    sql = {"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_actor_protect")]
    operations = [migrations.RunPython(up, down)]
