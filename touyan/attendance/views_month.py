"""The month and the calendar (A4, WF-8): the monthly attendance table with its XLSX export and
the township's lock; the working-day calendar; periods in which no leave is granted.

No ranking (A4 compliance): rows sort by village and name, never by attendance.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.scope import require, scope_filter, scope_prefix
from touyan.audit.services import audit_record
from touyan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from touyan.core.sheets import xlsx_workbook
from touyan.core.views import crumbs, web_errors
from touyan.policy.selectors import policy_resolve
from touyan.regions import rules as region_rules
from touyan.regions.models import Region

from . import rules
from .forms import (
    XLSX,
    BlockedPeriodForm,
    CalendarDayForm,
)
from .models import CalendarDay
from .selectors import (
    blocked_periods_for,
    month_lock_of,
    month_locks_under,
    monthly_summary,
)
from .services import (
    CALENDAR_MAX_PREFIX,
    blocked_period_declare,
    calendar_day_set,
    month_lock,
)
from .views import (
    WEEKDAYS,
    field_errors,
    has_cap,
    month_days_of,
    month_label,
    region_or_404,
    shift_month,
    weeks_of,
)
from .workcalendar import MonthCalendar, month_calendar

# --- 7. the monthly table (月度考勤, WF-8) ---


def _summary(
    region: Region, month: dt.date, calendar: MonthCalendar | None = None, *, townships: bool = True
) -> tuple[list[Any], dict[str, str]]:
    """The A4 rows sorted by village and name (never by attendance), and each village's township
    (read only when asked: a township's or a village's page does not show them)."""
    rows = monthly_summary(prefix=region.prefix, year=month.year, month=month.month, calendar=calendar)
    rows.sort(key=lambda r: (r.village_id, r.name, r.person_id))
    if not townships:
        return rows, {}
    names = dict(Region.objects.filter(code__in={r.village_id for r in rows}).values_list("code", "parent__name"))
    return rows, names


def _flagged(rows: list[Any], calendar: MonthCalendar, today: dt.date) -> tuple[int, set[int]]:
    """The workdays left in the month after today, and the cadres to highlight: in a month that
    is over, everyone short (A4); in one still running, only who can no longer make it up."""
    left = sum(1 for d in calendar.workdays if d > today)
    return left, {r.person_id for r in rows if r.result.shortfall_days > left}


def _lock_context(request: AuthedRequest, region: Region, month: dt.date) -> dict[str, Any]:
    today = timezone.localdate()
    lock_day = policy_resolve(region.code, month)["attendance_lock_day"]
    opens = rules.lock_opens(month, lock_day)
    out: dict[str, Any] = {"lock_day": lock_day, "lock_opens": opens, "lock_ready": today >= opens}
    if region.level in (region_rules.TOWNSHIP, region_rules.VILLAGE):
        out["lock"] = month_lock_of(region_code=region.code, month=month)
        out["can_lock"] = (
            region.level == region_rules.TOWNSHIP
            and out["lock"] is None
            and has_cap(request, account_rules.CADRES_WRITE)
        )
    else:
        locks = month_locks_under(prefix=region.prefix, month=month)
        townships = Region.objects.filter(level=region_rules.TOWNSHIP, code__startswith=region.prefix).order_by("code")
        out["townships"] = [
            {"t": t, "lock": locks.get(t.code), "url": reverse("attendance:monthly", args=[t.code, month])}
            for t in townships[:500]
        ]
        out["locked_count"] = len(locks)
    return out


@login_required
@web_errors
def monthly(request: AuthedRequest, code: str, month: dt.date) -> HttpResponse:
    """The month's attendance of every full-time cadre (A4), by village and name; shortfalls
    highlighted; the township locks the month here (WF-8)."""
    region = region_or_404(request, code)
    require(request.user, account_rules.CADRES_READ)
    calendar = month_calendar(month.year, month.month)
    show_township = region.level not in (region_rules.TOWNSHIP, region_rules.VILLAGE)
    rows, townships = _summary(region, month, calendar, townships=show_township)
    today = timezone.localdate()
    last = month_days_of(month)[-1]
    left, flagged = _flagged(rows, calendar, today)
    short_only = request.GET.get("short") == "1"
    shown = [r for r in rows if r.person_id in flagged] if short_only else rows
    page = Paginator(shown, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "attendance/monthly.html",
        {
            "region": region,
            "month": month,
            "month_label": month_label(month),
            "page": page,
            "rows": [
                {"r": r, "township": townships.get(r.village_id, ""), "flag": r.person_id in flagged} for r in page
            ],
            "total": len(rows),
            "short_count": len(flagged),
            "short_only": short_only,
            "finished": today > last,
            "workdays_left": left,
            "show_township": show_township,
            "workdays": len(calendar.workdays),
            "min_days": policy_resolve(region.code, last)["min_days_per_month"],
            "prev": shift_month(month, -1),
            "next": shift_month(month, 1),
            **_lock_context(request, region, month),
            "breadcrumbs": crumbs((_("日常管理"), None), (_("月度考勤"), None), (region.name, None)),
        },
    )


@login_required
@web_errors
def monthly_export(request: AuthedRequest, code: str, month: dt.date) -> HttpResponse:
    """The same table as XLSX (no ID numbers, no ranking); every export is audited."""
    region = region_or_404(request, code)
    require(request.user, account_rules.CADRES_READ)
    rows, townships = _summary(region, month)
    left, flagged = _flagged(rows, month_calendar(month.year, month.month), timezone.localdate())
    lock = month_lock_of(region_code=region.code, month=month) if region.level != region_rules.COUNTY else None
    buffer = io.BytesIO()
    book = xlsx_workbook(buffer, {"in_memory": True})
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True})
    short = book.add_format({"bg_color": "#F8D7DA"})
    sheet = book.add_worksheet(_("月度考勤"))
    sheet.write(0, 0, _("%(r)s %(m)s 村干部考勤汇总") % {"r": region.name, "m": month_label(month)}, title)
    sheet.write(
        1,
        0,
        _("应出勤 = 每月在村天数与当月工作日取小 − 请假天数(任职不满月的按比例);尚差 = 应出勤 − 实际出勤。%(lock)s")
        % {"lock": _("本月已锁定。") if lock else _("本月尚未锁定,数字可能变动。")}
        + (_("本月尚未结束,数字截至今天;今后还有 %(n)s 个工作日,只标出已无法补足的。") % {"n": left} if left else ""),
    )
    header = [
        _("序号"), _("乡镇(街道)"), _("村(社区)"), _("姓名"), _("应出勤(天)"), _("实际出勤(天)"),
        _("请假(天)"), _("尚差(天)"), _("未出勤且未请假的工作日(天)"),
    ]  # fmt: skip
    sheet.write_row(3, 0, header, head)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 2, 16)
    sheet.set_column(3, 3, 10)
    sheet.set_column(4, 8, 12)
    for i, r in enumerate(rows, start=1):
        res = r.result
        values = [
            i, townships.get(r.village_id, ""), r.village_name, r.name, res.required_days, res.present_days,
            res.excused_days, res.shortfall_days, res.unexcused_days,
        ]  # fmt: skip
        sheet.write_row(3 + i, 0, values, short if r.person_id in flagged else None)
    sheet.freeze_panes(4, 0)
    book.close()
    audit_record(
        actor=request.user,
        action="attendance.monthly.export",
        region_code=region.code,
        object_type="attendance.month",
        object_id=f"{region.code}:{month:%Y-%m}",
        changes={"rows": [None, len(rows)]},
    )
    name = _("月度考勤_%(r)s_%(m)s.xlsx") % {"r": region.name, "m": month.strftime("%Y-%m")}
    return HttpResponse(
        buffer.getvalue(), content_type=XLSX, headers={"Content-Disposition": content_disposition_header(True, name)}
    )


@login_required
@require_POST
@web_errors
def monthly_lock(request: AuthedRequest, code: str, month: dt.date) -> HttpResponse:
    """锁定本月 (WF-8): after the lock, changes to the month need a correction with a reason."""
    region = region_or_404(request, code)
    try:
        month_lock(actor=request.user, region_code=region.code, month=month)
    except (InvalidInput, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(m)s 考勤已锁定") % {"m": month_label(month)})
    return redirect("attendance:monthly", region.code, month)


# --- 8. the working-day calendar (工作日历) ---


@login_required
@web_errors
def calendar_current(request: AuthedRequest) -> HttpResponse:
    return redirect("attendance:calendar", timezone.localdate().year)


def _can_set_calendar(request: AuthedRequest) -> bool:
    prefix = scope_prefix(request.user)
    return has_cap(request, account_rules.POLICY_WRITE) and prefix is not None and len(prefix) <= CALENDAR_MAX_PREFIX


@login_required
@web_errors
def calendar_year(request: AuthedRequest, year: int) -> HttpResponse:
    """The year's workdays, holidays and make-up workdays (A4), and the form to correct a day."""
    if not 2000 <= year <= 2100:
        raise NotFound(_("年份应在 2000–2100 之间"))
    can_set = _can_set_calendar(request)
    form = CalendarDayForm(request.POST or None, initial={"is_workday": "1"})
    if request.method == "POST":
        if not can_set:
            raise Forbidden(_("工作日历全辖区通用,只能由州(市)及以上组织部管理员修改"))
        if form.is_valid():
            d = form.cleaned_data
            try:
                calendar_day_set(actor=request.user, day=d["day"], is_workday=d["is_workday"], note=d["note"])
            except (InvalidInput, Conflict) as exc:
                field_errors(form, exc)
            else:
                kind = _("工作日") if d["is_workday"] else _("休息日")
                messages.success(request, _("已将 %(d)s 设为%(k)s") % {"d": d["day"].isoformat(), "k": kind})
                return redirect("attendance:calendar", d["day"].year)
    overrides = set(CalendarDay.objects.filter(date__year=year).values_list("date", flat=True))
    months = []
    confirmed = True
    for m in range(1, 13):
        cal = month_calendar(year, m)
        confirmed = confirmed and cal.confirmed

        def cell(day: dt.date, cal: Any = cal) -> dict[str, Any]:
            work, weekend, note = day in cal.workdays, day.weekday() >= 5, cal.notes.get(day, "")
            kind = day_kind(work=work, weekend=weekend, named=bool(note))
            return {"day": day, "kind": kind, "note": note, "override": day in overrides}

        days = rules.month_days(year, m)
        months.append(
            {
                "label": _("%(m)s月") % {"m": m},
                "weeks": weeks_of(days, cell),
                "workdays": len(cal.workdays),
                "holidays": note_runs(days, cal.notes),
            }
        )
    return render(
        request,
        "attendance/calendar.html",
        {
            "year": year,
            "months": months,
            "weekdays": WEEKDAYS,
            "confirmed": confirmed,
            "can_set": can_set,
            "form": form,
            "total": sum(m["workdays"] for m in months),
            "prev": year - 1,
            "next": year + 1,
            "breadcrumbs": crumbs((_("日常管理"), None), (_("工作日历"), None), (str(year), None)),
        },
    )


def day_kind(*, work: bool, weekend: bool, named: bool) -> str:
    """How a calendar day is drawn: a workday, a make-up workday (调休上班), a holiday, or a weekend."""
    if work:
        return "makeup" if weekend else "work"
    return "rest" if weekend and not named else "holiday"


def note_runs(days: list[dt.date], notes: dict[dt.date, str]) -> list[str]:
    """Consecutive days with the same note as one line: "1–3日 元旦", "4日 元旦调休上班"."""
    runs: list[tuple[int, int, str]] = []
    for day in days:
        note = notes.get(day)
        if note is None:
            continue
        if runs and runs[-1][2] == note and runs[-1][1] == day.day - 1:
            runs[-1] = (runs[-1][0], day.day, note)
        else:
            runs.append((day.day, day.day, note))
    return [
        (_("%(a)s日") % {"a": a} if a == b else _("%(a)s–%(b)s日") % {"a": a, "b": b}) + f" {note}"
        for a, b, note in runs
    ]


# --- 9. blocked periods (暂停请假期) ---


def _declare_choices(request: AuthedRequest, limit: int = 800) -> list[tuple[str, str]]:
    levels = [region_rules.PROVINCE, region_rules.PREFECTURE, region_rules.COUNTY, region_rules.TOWNSHIP]
    qs = scope_filter(Region.objects.all(), request.user, "code").order_by("code")
    while len(levels) > 1 and qs.filter(level__in=levels).count() > limit:
        levels.pop()
    indent = {region_rules.COUNTY: "　", region_rules.TOWNSHIP: "　　"}
    rows = qs.filter(level__in=levels).values_list("code", "name", "level")
    return [(code, indent.get(level, "") + name) for code, name, level in rows]


@login_required
@web_errors
def blocked(request: AuthedRequest) -> HttpResponse:
    """Periods without leave (flood or fire season, R-ATT-02): the county declares; everyone sees."""
    require(request.user, account_rules.CADRES_READ)
    can_declare = has_cap(request, account_rules.POLICY_WRITE)
    form = BlockedPeriodForm(request.POST or None, initial={"region": request.user.region_id})
    choices = [("", _("请选择")), *_declare_choices(request)] if can_declare else []
    form.fields["region"].choices = choices  # type: ignore[attr-defined]
    if request.method == "POST":
        require(request.user, account_rules.POLICY_WRITE)
        if form.is_valid():
            d = form.cleaned_data
            try:
                period = blocked_period_declare(
                    actor=request.user, region_code=d["region"], start=d["start_date"], end=d["end_date"],
                    reason=d["reason"],
                )  # fmt: skip
            except (InvalidInput, Conflict) as exc:
                field_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("已发布:%(f)s 至 %(t)s 暂停请假(%(why)s)")
                    % {"f": period.start_date.isoformat(), "t": period.end_date.isoformat(), "why": period.reason},
                )
                return redirect("attendance:blocked")
    today = timezone.localdate()
    periods = [
        {"p": p, "active": p.start_date <= today <= p.end_date, "past": p.end_date < today}
        for p in blocked_periods_for(actor=request.user).order_by("-start_date")[:200]
    ]
    return render(
        request,
        "attendance/blocked.html",
        {
            "form": form,
            "can_declare": can_declare,
            "periods": periods,
            "breadcrumbs": crumbs((_("日常管理"), None), (_("暂停请假期"), None)),
        },
    )
