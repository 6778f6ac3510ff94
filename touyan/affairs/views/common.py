"""Helpers of the village-affairs pages: the villages a user works on, errors beside their fields."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from touyan.core.errors import DomainError, InvalidInput
from touyan.regions.selectors import narrow_to_region, region_filter

from ..selectors import villages_in_scope

TONES = {
    "draft": "secondary",
    "proposed": "info",
    "consulted": "info",
    "deliberated": "info",
    "resolved": "primary",
    "resolution_published": "primary",
    "implementing": "warning",
    "result_published": "primary",
    "closed": "success",
    "rejected": "danger",
    "signing": "warning",
    "booked": "success",
    "refused": "danger",
    "reviewed": "info",
    "published": "success",
    "open": "warning",
    "answered": "success",
}
MAX_CHOICES = 2000
M = TypeVar("M", bound=Model)


def village_choices(request: HttpRequest) -> list[tuple[str, str]]:
    """The villages the user works on, as choices "名称(乡镇)"."""
    return [
        (v.code, f"{v.name}({v.parent.name})" if v.parent else v.name)
        for v in villages_in_scope(actor=request.user).select_related("parent")[:MAX_CHOICES]
    ]


def village_filtered(request: HttpRequest, qs: QuerySet[M]) -> tuple[QuerySet[M], str]:
    """The list's ?village= filter (`regions.selectors.narrow_to_region`: outside the user's
    villages a 404, a malformed code a 400), and the code of the village it names ("" for none)."""
    narrowed, village = narrow_to_region(
        qs, actor=request.user, code=request.GET.get("village"), field="village__code", param="village"
    )
    return narrowed, village.code if village is not None else ""


def village_code(request: HttpRequest) -> str:
    """The code of the village named by ?village= (checked as `village_filtered`), or ""."""
    village = region_filter(actor=request.user, code=request.GET.get("village"), param="village")
    return village.code if village is not None else ""


def show_error(request: HttpRequest, form: forms.Form | None, exc: DomainError) -> None:
    """A domain error beside its fields (or as a message when it names none)."""
    placed = False
    if form is not None and isinstance(exc, InvalidInput):
        for field, msgs in exc.field_errors().items():
            if field in form.fields:
                for m in msgs:
                    form.add_error(field, m)
                placed = True
    if not placed:
        messages.error(request, exc.text() if isinstance(exc, InvalidInput) else exc.message)
    else:
        messages.error(request, _("未保存:请修改标红的字段。"))


def int_or_none(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None
