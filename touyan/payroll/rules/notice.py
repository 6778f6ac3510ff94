"""The village notice of cadre pay (WF-8 村内公示, R-OPEN-04) lasts its period. Pure."""

from __future__ import annotations

import datetime as dt


def notice_ends(started: dt.date, notice_days: int) -> dt.date:
    """WF-8: the first day the township may approve a run publicised on `started`:
    `pay_notice_days` later (posted 2026-04-01 for 5 days → 2026-04-06; 0 days → the same day)."""
    return started + dt.timedelta(days=max(notice_days, 0))


def notice_running(started: dt.date | None, notice_days: int, today: dt.date) -> dt.date | None:
    """WF-8: while the notice still runs, the day it ends (approval refused until then); else None."""
    if started is None:
        return None
    ends = notice_ends(started, notice_days)
    return ends if today < ends else None


def notice_last_day(started: dt.date | None, notice_days: int, today: dt.date) -> dt.date | None:
    """While the notice runs, its last day (pages show "公示期至 2026-04-05" for a notice posted
    2026-04-01 for 5 days, in place of the next step's button); else None."""
    ends = notice_running(started, notice_days, today)
    return ends - dt.timedelta(days=1) if ends is not None else None
