"""Pagination for list endpoints: `{"items": [...], "total": n}` with page, page_size."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from pydantic import Field

from .errors import InvalidInput

M = TypeVar("M", bound=Model)
MAX_PAGE_SIZE = 500
MAX_PAGE = 2**31 - 1  # a page number the database's offset can hold (issue 21: page ≥ 2^63 was a 500)

# For API signatures and schemas: bounds in the OpenAPI document, 422 outside them.
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]


def page_bounds(page: int, page_size: int) -> tuple[int, int]:
    errors: dict[str, str] = {}
    if not 1 <= page <= MAX_PAGE:
        errors["page"] = _("页码须在 1 到 %(n)s 之间") % {"n": MAX_PAGE}
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        errors["page_size"] = _("每页条数须在 1 到 %(n)s 之间") % {"n": MAX_PAGE_SIZE}
    if errors:
        raise InvalidInput(errors=errors)
    start = (page - 1) * page_size
    return start, start + page_size


def paginate(qs: QuerySet[M], page: int, page_size: int) -> tuple[list[M], int]:
    start, end = page_bounds(page, page_size)
    return list(qs[start:end]), qs.count()


def page_body(items: list[Any], total: int) -> dict[str, Any]:
    return {"items": items, "total": total}
