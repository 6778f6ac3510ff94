"""The audit log in words (issue 16): each event's action by its Chinese name
(`actions.label_of`), its object by kind and name ("干部 韦书记", not "cadres.person 3") and its
changes by the field's Chinese name with choice labels ("离任原因:辞职 → ∅")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from .actions import label_of
from .models import AuditEvent

NOTHING = "∅"


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    action: str  # the Chinese name
    kind: str  # the object's kind ("干部"), or ""
    name: str  # the object's name ("韦书记"), or its id
    changes: list[Change]

    @property
    def object_text(self) -> str:
        return f"{self.kind} {self.name}".strip()


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _name_of(obj: Any) -> str:
    for attr in ("display_name", "name", "title", "username"):
        value = getattr(obj, attr, None)
        if value:
            username = getattr(obj, "username", None)
            if attr == "display_name" and username:
                return f"{username}({value})"
            return str(value)
    person = getattr(obj, "person", None)
    if person is not None and getattr(person, "name", None):
        return str(person.name)
    region = getattr(obj, "region", None)
    month = getattr(obj, "month", None)
    if region is not None and month is not None:
        return f"{region.name} {month:%Y-%m}"
    return f"#{obj.pk}"


def object_names(events: Iterable[AuditEvent]) -> dict[tuple[str, str], str]:
    """(object_type, object_id) → the object's name, one query per kind of object."""
    ids: dict[str, set[str]] = defaultdict(set)
    for e in events:
        if e.object_type and e.object_id:
            ids[e.object_type].add(e.object_id)
    out: dict[tuple[str, str], str] = {}
    for label, wanted in ids.items():
        model = _model(label)
        if model is None:
            continue
        related = [
            f.name
            for f in model._meta.get_fields()
            if f.name in ("person", "region") and isinstance(f, models.ForeignKey)
        ]
        keys = [k for k in wanted if k.isdigit()] if isinstance(model._meta.pk, models.AutoField) else list(wanted)
        try:
            rows = model._default_manager.select_related(*related).filter(pk__in=keys)
            for obj in rows:
                out[(label, str(obj.pk))] = _name_of(obj)
        except (ValueError, TypeError):  # pragma: no cover - an id of another shape
            continue
    return out


def kind_of(label: str) -> str:
    model = _model(label)
    return str(model._meta.verbose_name) if model is not None else label


def _value(field: models.Field[Any, Any] | None, value: Any) -> str:
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(_value(field, v) for v in value) or NOTHING
    if field is not None and getattr(field, "choices", None):
        labels = {str(k): str(v) for k, v in field.flatchoices}
        return labels.get(str(value), str(value))
    return str(value)


def changes_of(event: AuditEvent, model: type[models.Model] | None) -> list[Change]:
    out: list[Change] = []
    for key, pair in (event.changes or {}).items():
        field: Any = None
        name = key
        if model is not None:
            try:
                field = model._meta.get_field(key)
                if not getattr(field, "concrete", False):
                    field = None
                else:
                    name = str(getattr(field, "verbose_name", key))
            except Exception:
                field = None
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        out.append(Change(name, _value(field, before), _value(field, after)))
    return out


def rows_of(events: Iterable[AuditEvent]) -> list[EventRow]:
    """The page's (and the export's) rows for a page of events."""
    events = list(events)
    names = object_names(events)
    kinds: dict[str, str] = {}
    out = []
    for e in events:
        model = _model(e.object_type) if e.object_type else None
        if e.object_type and e.object_type not in kinds:
            kinds[e.object_type] = kind_of(e.object_type)
        kind = kinds.get(e.object_type, "")
        name = names.get((e.object_type, e.object_id), f"#{e.object_id}" if e.object_id else "")
        out.append(EventRow(e, label_of(e.action), kind, name, changes_of(e, model)))
    return out
