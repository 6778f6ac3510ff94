"""Template filters: money in yuan, whole numbers with thousands separators, a month in a heading,
a share as a percentage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils.dateformat import format as date_format
from django.utils.translation import pgettext

from touyan.core.money import format_yuan

register = template.Library()


@register.filter
def yuan(value: Decimal | None) -> str:
    """`¥3,850.00`, or an em dash for no value."""
    return format_yuan(value) if value is not None else "—"


@register.filter
def thousands(value: int | None) -> str:
    """`1,234` (as money: the same separator in Chinese and English), or an em dash for no value."""
    return f"{value:,}" if value is not None else "—"


@register.filter
def month_heading(value: dt.date) -> str:
    """`12月` in Chinese, `December 2026` in English: the month a heading speaks of."""
    return date_format(value, pgettext("date format of a month in a heading", "n月"))


@register.filter
def percent(value: Decimal | float | None) -> str:
    """A share stored as a fraction shown as a percentage: 0.2 → `20%`, 0.055 → `5.5%`; an em dash
    for no value."""
    if value is None or value == "":
        return "—"
    number = (Decimal(str(value)) * 100).quantize(Decimal("0.01")).normalize()
    return f"{number:f}%"
