"""Bounds on every number and date the API takes (issue 21, item 3): out of bounds is a 422
naming the field, never a 500 from the database or from date arithmetic.

- ids: whole numbers 1…2^63−1, never a boolean (`"cadre": true` is not cadre 1);
- record dates (attendance, leave, votes, returns): within a sane window of today;
- months: within the years the working-day calendar knows (2000 to next year);
- a person's dates (party membership, posts): not before 1921 / 1950, not in the far future.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field

from .errors import InvalidInput

MAX_ID = 2**63 - 1
FIRST_YEAR = 2000  # the first year of the calendar and of any month the system keeps
RECORD_YEARS_BACK = 10
RECORD_YEARS_AHEAD = 2


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(_("应为编号(整数),不能是真假值"))
    return value


Id = Annotated[int, BeforeValidator(_not_bool), Field(ge=1, le=MAX_ID)]
Count = Annotated[int, BeforeValidator(_not_bool), Field(ge=0, le=10_000_000)]
Year = Annotated[int, BeforeValidator(_not_bool), Field(ge=FIRST_YEAR, le=2100)]


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def record_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    day = today or timezone.localdate()
    return _years_from(day, -RECORD_YEARS_BACK), _years_from(day, RECORD_YEARS_AHEAD)


def _record_date(value: dt.date) -> dt.date:
    low, high = record_window()
    if value < low:
        raise ValueError(_("日期不能早于 %(a)s(太久以前)") % {"a": low.isoformat()})
    if value > high:
        raise ValueError(_("日期不能晚于 %(b)s(太远的将来)") % {"b": high.isoformat()})
    return value


def _party_date(value: dt.date) -> dt.date:
    if not dt.date(1921, 7, 1) <= value <= timezone.localdate():
        raise ValueError(_("入党时间须在 1921-07-01 至今天之间"))
    return value


def _post_date(value: dt.date) -> dt.date:
    high = _years_from(timezone.localdate(), RECORD_YEARS_AHEAD)
    if not dt.date(1950, 1, 1) <= value <= high:
        raise ValueError(_("任职日期须在 1950-01-01 至 %(b)s 之间") % {"b": high.isoformat()})
    return value


RecordDate = Annotated[dt.date, AfterValidator(_record_date)]
PartyDate = Annotated[dt.date, AfterValidator(_party_date)]
PostDate = Annotated[dt.date, AfterValidator(_post_date)]


def month_bounds(today: dt.date | None = None) -> tuple[int, int]:
    return FIRST_YEAR, (today or timezone.localdate()).year + 1


def check_month(first: dt.date, field: str = "month") -> dt.date:
    """A month within the calendar's known years, or InvalidInput naming the field."""
    low, high = month_bounds()
    if not low <= first.year <= high:
        raise InvalidInput(errors={field: _("月份须在 %(a)s-01 至 %(b)s-12 之间") % {"a": low, "b": high}})
    return first
