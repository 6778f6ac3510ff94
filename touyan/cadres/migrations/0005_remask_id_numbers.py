"""R-DATA-05: files masked the old way (first 6 + last 4, whose hidden digits are exactly the birth
date) get the new default mask (first 6 + last 1), in their history rows and in the audit events
that quoted the mask too; every file gets the keyed hash of its last four for the search."""

import re

from django.db import migrations

OLD_MASK = re.compile(r"^.{6}\*{8}.{4}$")
BATCH = 2000


def _remask(apps, schema_editor):
    from touyan.core import crypto, idnumber

    Person = apps.get_model("cadres", "Person")
    HistoricalPerson = apps.get_model("cadres", "HistoricalPerson")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    new_masks: dict[str, str] = {}  # old mask -> new
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
                new_masks[person.id_masked] = idnumber.mask_id(number)
                person.id_masked = by_person[person.pk] = new_masks[person.id_masked]
            changed.append(person)
        Person.objects.bulk_update(changed, ["id_tail_hash", "id_masked"], batch_size=BATCH)
    if not new_masks:
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
    for event in AuditEvent.objects.filter(object_type="cadres.person", changes__has_key="id_number").iterator():
        values = event.changes.get("id_number")
        if isinstance(values, list) and any(v in new_masks for v in values):
            event.changes["id_number"] = [new_masks.get(v, v) for v in values]
            AuditEvent.objects.filter(pk=event.pk).update(changes=event.changes)


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0004_id_tail_hash"),
        ("audit", "0004_lean_indexes"),
    ]

    operations = [migrations.RunPython(_remask, migrations.RunPython.noop)]
