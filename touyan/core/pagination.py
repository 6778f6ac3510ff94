"""Pagination for list endpoints: `{"items": [...], "total": n}` with page, page_size."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from .errors import InvalidInput

M = TypeVar("M", bound=Model)
MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000  # an offset beyond any list; a larger page number would overflow the SQL OFFSET


def page_bounds(page: int, page_size: int) -> tuple[int, int]:
    errors: dict[str, str] = {}
    if page < 1:
        errors["page"] = _("页码须从 1 开始")
    elif page > MAX_PAGE:
        errors["page"] = _("页码过大")
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
