"""Template filters: money in yuan, whole numbers with thousands separators."""

from __future__ import annotations

from decimal import Decimal

from django import template

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
