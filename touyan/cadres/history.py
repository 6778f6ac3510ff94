"""The timeline of a cadre's file (一人一档, R-ORG-09): every change, who made it,
when, old → new, from the history django-simple-history keeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from .models import Person, Post, PostCode

HIDDEN = {"id", "history_id", "history_date", "history_type", "history_user", "history_change_reason",
          "created_at", "created_by", "person", "village", "id_hash", "organisation",
          "birth_date"}  # the birth date only in a reveal (R-DATA-05)  # fmt: skip
KIND = {"+": _("新建"), "~": _("修改"), "-": _("删除")}


@dataclass(frozen=True)
class Entry:
    at: datetime
    who: str
    title: str
    changes: list[tuple[str, str, str]]


def _label(model: Any, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _show(record: Any, field: str) -> str:
    value = getattr(record, field)
    display = getattr(record, f"get_{field}_display", None)
    if display is not None and value not in (None, ""):
        return str(display())
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    return "" if value is None else str(value)


def _entries(records: list[Any], model: Any, title: Any) -> list[Entry]:
    out: list[Entry] = []
    previous: dict[Any, Any] = {}
    kept = {f.name for f in model.history.model._meta.fields}
    fields = [f.name for f in model._meta.fields if f.name in kept and f.name not in HIDDEN]
    for rec in records:  # oldest first
        before = previous.get(rec.id)
        if before is None:
            changes = [(_label(model, f), "", _show(rec, f)) for f in fields if _show(rec, f)]
        else:
            changes = [
                (_label(model, f), _show(before, f), _show(rec, f))
                for f in fields
                if getattr(before, f) != getattr(rec, f)
            ]
        previous[rec.id] = rec
        if changes or rec.history_type != "~":
            who = getattr(rec.history_user, "display_name", "") or getattr(rec.history_user, "username", "") or "—"
            out.append(
                Entry(at=rec.history_date, who=who, title=f"{KIND[rec.history_type]}{title(rec)}", changes=changes)
            )
    return out


def timeline(person: Person) -> list[Entry]:
    """Newest first; two queries whatever the number of changes."""
    people = list(person.history.select_related("history_user").order_by("history_date", "history_id"))
    posts = list(
        Post.history.filter(person_id=person.pk).select_related("history_user").order_by("history_date", "history_id")
    )
    entries = _entries(people, Person, lambda r: _("档案"))
    entries += _entries(posts, Post, lambda r: _("任职:%(post)s") % {"post": PostCode(r.post).label})
    return sorted(entries, key=lambda e: e.at, reverse=True)
