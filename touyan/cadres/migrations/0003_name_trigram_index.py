"""A trigram index for roster name search on PostgreSQL (issue #3, bench/RESULTS.md).

`name_search LIKE '%…%'` reads every row without it (0.4–0.7 s at a million files). SQLite has no
trigram index and its rosters are prefecture-sized, so nothing happens there. On a large existing
table, create the index by hand with CREATE INDEX CONCURRENTLY first; this migration then finds it.
"""

from django.db import migrations

CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS person_name_trgm ON cadres_person USING gin (name_search gin_trgm_ops)",
)
DROP = ("DROP INDEX IF EXISTS person_name_trgm",)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("cadres", "0002_roster_indexes")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
