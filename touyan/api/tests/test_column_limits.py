"""Every string an API input schema takes is limited as the column it goes to (issue 21, item 3:
"every string limited as its column"; over-length strings were a 500 on PostgreSQL).

Walks the OpenAPI document (every request body, nested objects and arrays included) and every
model's CharField: a string property whose name is a CharField of the operation's app (by name or
column; a foreign key to a region by its code) must declare `maxLength`, at most the column's
(the widest, if several models of the app have a column of that name: a schema does not say which
model it writes). A new schema that forgets fails here.
Choices (`enum`) and dates (`format`) are bounded otherwise and left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from touyan.api.api import api

DOC = api.get_openapi_schema()
COMPONENTS = DOC["components"]["schemas"]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def strings(schema: dict[str, Any], name: str = "", limit: int | None = None) -> Iterator[tuple[str, int | None]]:
    """(property name, maxLength) of every free string in a schema, however deep (a union's
    `maxLength` holds for each of its strings)."""
    schema = _resolve(schema)
    limit = schema.get("maxLength", limit)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            yield from strings(sub, name, limit)
    for prop, sub in schema.get("properties", {}).items():
        yield from strings(sub, prop)
    if schema.get("type") == "array" and "items" in schema:
        yield from strings(schema["items"], name)
    if schema.get("type") == "string" and "enum" not in schema and "const" not in schema and not schema.get("format"):
        yield name, limit


def column_limits() -> dict[str, dict[str, int]]:
    """Per app label: column name → the largest max_length of a CharField of that name (or a
    foreign key to a string key, as a region's code), over every concrete model of the app."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for model in apps.get_models():
        if model._meta.abstract or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            target = field.target_field if isinstance(field, models.ForeignKey) else field
            length = getattr(target, "max_length", None) if isinstance(target, models.CharField) else None
            if not length:
                continue
            for name in {field.name, field.attname}:
                known = out[model._meta.app_label].get(name)
                out[model._meta.app_label][name] = length if known is None else max(known, length)
    return out


def body_strings() -> Iterator[tuple[str, str, str, int | None]]:
    """(operation, app label, property name, maxLength) of every request body string."""
    for path, operations in DOC["paths"].items():
        for method, op in operations.items():
            app = op["operationId"].split("_")[1]  # touyan_<app>_api_<handler>
            for content in op.get("requestBody", {}).get("content", {}).values():
                for name, limit in strings(content["schema"]):
                    yield f"{method.upper()} {path}", app, name, limit


def test_the_walk_sees_the_schemas_and_the_columns() -> None:
    """The walk is not vacuous: it finds the cadre's name, the users' username and a region code."""
    limits = column_limits()
    assert limits["cadres"]["name"] == 50 and limits["cadres"]["village"] == 12
    found = {(op, name) for op, _app, name, _s in body_strings()}
    assert ("POST /api/v1/cadres", "name") in found
    assert ("POST /api/v1/users", "username") in found
    assert len(found) > 50


def test_every_input_string_that_maps_to_a_column_is_limited_as_the_column() -> None:
    limits = column_limits()
    problems = []
    for op, app, name, declared in body_strings():
        column = limits.get(app, {}).get(name)
        if column is None:
            continue
        if declared is None or declared > column:
            problems.append(f"{op}: {name} maxLength {declared}, column {column}")
    assert not problems, "\n".join(sorted(set(problems)))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/payroll/runs/1/advance", {"to": "village_notice", "note": "注" * 301}),  # the column holds 300
        ("/api/v1/selection/cases", {"purpose": "x" * 25, "village": "1" * 13, "post": "PSXXX"}),
    ],
)
def test_an_over_length_string_is_a_422_not_a_500(
    url: str, body: dict[str, Any], personas: dict[str, Any], api_client: Callable[[Any], Any]
) -> None:
    r = api_client(personas["national"]).post(url, body, content_type="application/json")
    assert r.status_code == 422, (r.status_code, r.content[:300])
    assert r["Content-Type"].startswith("application/json")
