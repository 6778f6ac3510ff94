"""One pattern-ops index for action and for region_code instead of two each (issue #4: every write
adds an event). SQLite rebuilds the table to drop an index, and the rebuild loses the append-only
trigger of 0003, so it is made again."""

from django.conf import settings
from django.db import migrations, models

SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS auditevent_no_update BEFORE UPDATE ON audit_auditevent
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
"""


def sqlite_trigger_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(max_length=64, verbose_name="操作"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="region_code",
            field=models.CharField(blank=True, max_length=12, verbose_name="区域"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["action"], name="audit_action", opclasses=["varchar_pattern_ops"]),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["region_code"], name="audit_region", opclasses=["varchar_pattern_ops"]),
        ),
        migrations.RunPython(sqlite_trigger_again, migrations.RunPython.noop),
    ]
