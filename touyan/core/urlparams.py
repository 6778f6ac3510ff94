"""Values typed into an address: months, days, years and numbers that are checked where they are read.

A hand-typed `/attendance/monthly/<code>/9999-12/` or `?on=2026-99-99` is a 404 or 400 page, never a
500 (issue 16 item 8). The path converters here (`yyyymm`, `isodate`, `year`) refuse a value outside
YEARS, so the view never computes a month after 9999-12; the query helpers raise `BadRequest`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import BadRequest
from django.urls import register_converter
from django.utils.translation import gettext as _

YEARS = range(2000, 2101)  # the years a page may show (the assessment pages' check_year too)
MAX_INT = 2**31 - 1


def _year_ok(year: int) -> int:
    if year not in YEARS:
        raise ValueError(year)
    return year


class MonthConverter:
    """YYYY-MM in the address, the month's first day in the view (a bad month is a 404)."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        return dt.date(_year_ok(int(value[:4])), int(value[5:7]), 1)

    def to_url(self, value: dt.date | str) -> str:
        return value.strftime("%Y-%m") if isinstance(value, dt.date) else str(value)


class DayConverter:
    """YYYY-MM-DD in the address, a date in the view (a bad date is a 404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        day = dt.date.fromisoformat(value)
        _year_ok(day.year)
        return day

    def to_url(self, value: dt.date | str) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value)


class YearConverter:
    """A year of YEARS in the address (year 0 or 99999 is a 404)."""

    regex = r"\d{1,9}"

    def to_python(self, value: str) -> int:
        return _year_ok(int(value))

    def to_url(self, value: int | str) -> str:
        return str(value)


register_converter(MonthConverter, "yyyymm")
register_converter(DayConverter, "isodate")
register_converter(YearConverter, "year")


def query_date(raw: str | None, *, default: dt.date | None = None, field: str = "on") -> dt.date | None:
    """An ISO date from the query or a form: blank → default; junk or a date outside YEARS → 400."""
    raw = (raw or "").strip()
    if not raw:
        return default
    try:
        value = dt.date.fromisoformat(raw)
        _year_ok(value.year)
    except ValueError as exc:
        raise BadRequest(_("日期无效(%(f)s):%(v)s,应为 YYYY-MM-DD") % {"f": field, "v": raw[:20]}) from exc
    return value


def query_month(raw: str | None, *, default: dt.date | None = None, field: str = "month") -> dt.date | None:
    """YYYY-MM from the query: blank → default; junk → 400."""
    raw = (raw or "").strip()
    if not raw:
        return default
    try:
        value = dt.datetime.strptime(raw[:7], "%Y-%m").date()
        _year_ok(value.year)
    except ValueError as exc:
        raise BadRequest(_("月份无效(%(f)s):%(v)s,应为 YYYY-MM") % {"f": field, "v": raw[:20]}) from exc
    return value


def query_int(raw: str | None, *, default: int | None = None, lo: int = 1, hi: int = MAX_INT) -> int | None:
    """A whole number lo…hi from the query: blank → default; junk or out of range → default (a
    page size or a page number: the page shows its default rather than an error)."""
    try:
        value = int((raw or "").strip())
    except ValueError:
        return default
    return value if lo <= value <= hi else default


def query_year(raw: str | None, *, default: int) -> int:
    """A year from the query: blank → default; junk or outside YEARS → 400."""
    if not (raw or "").strip():
        return default
    try:
        return _year_ok(int(str(raw).strip()))
    except ValueError as exc:
        raise BadRequest(_("年份无效:%(v)s") % {"v": str(raw)[:20]}) from exc
