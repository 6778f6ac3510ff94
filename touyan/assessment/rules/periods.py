"""The calendar of assessment periods (WF-5) and the order of posts on the pages."""

from __future__ import annotations

import datetime as dt

# --- the calendar of periods (WF-5) ---------------------------------------------------------------------------------

QUARTER_MONTHS = {1: (1, 2, 3), 2: (4, 5, 6), 3: (7, 8, 9), 4: (10, 11, 12)}
PERIOD_NUMBERS: dict[str, range] = {"quarter": range(1, 5), "half": range(1, 3), "year": range(0, 1)}


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def half_of(day: dt.date) -> int:
    return 1 if day.month <= 6 else 2


def quarter_span(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, quarter * 3 - 2, 1)
    last = dt.date(year, 12, 31) if quarter == 4 else dt.date(year, quarter * 3 + 1, 1) - dt.timedelta(days=1)
    return first, last


def half_span(year: int, half: int) -> tuple[dt.date, dt.date]:
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))


def quarter_policy_day(year: int, quarter: int) -> dt.date:
    """The day whose policy a quarter's evaluation follows (the first of its last month)."""
    return dt.date(year, quarter * 3, 1)


def half_policy_day(year: int, half: int) -> dt.date:
    return dt.date(year, half * 6, 1)


def appeal_ends(published: dt.date, appeal_days: int) -> dt.date:
    """WF-5: the first day a publicised result may be made final: `appeal_days` after its
    publication (published 2026-04-01 with 5 days → 2026-04-06; with 0 days the same day)."""
    return published + dt.timedelta(days=max(appeal_days, 0))


def in_appeal_window(finalizable_from: dt.date | None, today: dt.date) -> bool:
    """WF-5 / A7: is the appeal window still open today (finalization refused, 409)?"""
    return finalizable_from is not None and today < finalizable_from


def first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


# Posts from the most senior down (the order of a township's lists).
POST_ORDER = ("PS", "VD", "PDS", "VDD", "CLK", "SD", "CEO", "ACC", "BK", "PCM", "VM", "SM", "FS", "RSV")


def post_rank(code: str) -> int:
    return POST_ORDER.index(code) if code in POST_ORDER else len(POST_ORDER)
