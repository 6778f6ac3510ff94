"""The working-day calendar: the one function every computation reads (SPEC A4).

Statutory workdays, holidays and make-up workdays (调休) come from the
`chinesecalendar` package; an administrator's CalendarDay entries override it
(the package lags the State Council's notice each November). For a year the
package does not know and no administrator has entered, Monday–Friday are
taken as workdays and the year is reported as unconfirmed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import CalendarDay
from .rules import month_days

HOLIDAY_NAMES = {
    "New Year's Day": gettext_lazy("元旦"),
    "Spring Festival": gettext_lazy("春节"),
    "Tomb-sweeping Day": gettext_lazy("清明节"),
    "Labour Day": gettext_lazy("劳动节"),
    "Dragon Boat Festival": gettext_lazy("端午节"),
    "National Day": gettext_lazy("国庆节"),
    "Mid-autumn Festival": gettext_lazy("中秋节"),
    "Anti-Fascist 70th Day": gettext_lazy("抗战胜利纪念日"),
}


@dataclass(frozen=True)
class MonthCalendar:
    year: int
    month: int
    workdays: frozenset[dt.date]
    confirmed: bool  # False: a year neither the package nor an administrator knows
    notes: dict[dt.date, str]


def _statutory(day: dt.date) -> bool | None:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def month_calendar(year: int, month: int) -> MonthCalendar:
    days = month_days(year, month)
    overrides = {c.date: c for c in CalendarDay.objects.filter(date__gte=days[0], date__lte=days[-1])}
    workdays: set[dt.date] = set()
    confirmed = True
    notes: dict[dt.date, str] = {}
    for day in days:
        if day in overrides:
            is_work: bool | None = overrides[day].is_workday
            if overrides[day].note:
                notes[day] = overrides[day].note
        else:
            is_work = _statutory(day)
            if is_work is None:
                confirmed = False
                is_work = day.weekday() < 5
            else:
                holiday = chinese_calendar.get_holiday_detail(day)[1]
                if holiday:
                    name = HOLIDAY_NAMES.get(str(holiday), str(holiday))
                    notes[day] = _("%(name)s调休上班") % {"name": name} if is_work else str(name)
        if is_work:
            workdays.add(day)
    return MonthCalendar(year, month, frozenset(workdays), confirmed, notes)


def workdays(year: int, month: int) -> frozenset[dt.date]:
    return month_calendar(year, month).workdays
