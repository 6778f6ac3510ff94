"""R-DATA-05: files masked the old way (first 6 + last 4, whose hidden digits are exactly the birth
date) get the new default mask (first 6 + last 1), in their history rows too; every file gets the
keyed hash of its last four for the search. Audit events that quoted an old mask are left as they
are: the trail is append-only (a database trigger refuses UPDATE), and it shows no birth date."""

import re

from django.db import migrations

OLD_MASK = re.compile(r"^.{6}\*{8}.{4}$")
BATCH = 2000


def _remask(apps, schema_editor):
    from touyan.core import crypto, idnumber

    Person = apps.get_model("cadres", "Person")
    HistoricalPerson = apps.get_model("cadres", "HistoricalPerson")
    by_person: dict[int, str] = {}  # person id -> new mask
    last = 0
    while True:
        batch = list(Person.objects.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            break
        last = batch[-1].pk
        changed = []
        for person in batch:
            number = crypto.decrypt(person.id_enc, context="id_number")
            person.id_tail_hash = crypto.blind_index(idnumber.tail(number), context="id_tail")
            if OLD_MASK.match(person.id_masked or ""):
                person.id_masked = by_person[person.pk] = idnumber.mask_id(number)
            changed.append(person)
        Person.objects.bulk_update(changed, ["id_tail_hash", "id_masked"], batch_size=BATCH)
    if not by_person:
        return
    last = 0
    while True:
        rows = list(HistoricalPerson.objects.filter(history_id__gt=last).order_by("history_id")[:BATCH])
        if not rows:
            break
        last = rows[-1].history_id
        stale = [r for r in rows if r.id in by_person and r.id_masked != by_person[r.id]]
        for r in stale:
            r.id_masked = by_person[r.id]
        HistoricalPerson.objects.bulk_update(stale, ["id_masked"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0004_id_tail_hash"),
    ]

    operations = [migrations.RunPython(_remask, migrations.RunPython.noop)]
