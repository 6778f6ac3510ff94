"""The duty roster pages (R-ATT-01 "每天必须有人值班"): one village's month, copying last
month's roster, and every village's duty gaps for the township (A4 duty coverage).

Thin: reads through selectors after `access_region`, writes through `duty_set` / `duty_copy_month`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.rules import is_village_cadre
from touyan.accounts.scope import require
from touyan.core.errors import InvalidInput
from touyan.core.views import crumbs, web_errors
from touyan.policy.selectors import policy_resolve
from touyan.regions import rules as region_rules
from touyan.regions.models import Region

from .selectors import (
    duty_gap_list,
    duty_roster,
    rostered_villages,
    village_cadres,
)
from .services import (
    duty_copy_month,
    duty_set,
)
from .views import (
    WEEKDAYS,
    has_cap,
    month_days_of,
    month_label,
    region_or_404,
    require_read,
    shift_month,
    village_or_404,
    village_picker,
    weeks_of,
)
from .workcalendar import month_calendar

# --- 4. the duty roster (排班) and 5. its gaps (值班缺口) ---


@login_required
@web_errors
def roster_current(request: AuthedRequest) -> HttpResponse:
    month = timezone.localdate().replace(day=1)
    if is_village_cadre(request.user) and request.user.region_id:
        return redirect("attendance:roster", request.user.region_id, month)
    require(request.user, account_rules.CADRES_READ)
    return village_picker(request, "attendance:roster", _("排班"), month)


def _roster_post(request: AuthedRequest, region: Region, days: list[dt.date], assigned: dict[dt.date, set[int]]) -> int:
    """Save the days the form showed whose cadres changed (duty_set per day, one transaction)."""
    shown = {d for d in days if d.isoformat() in set(request.POST.getlist("day"))}
    wanted: dict[dt.date, list[int]] = defaultdict(list)
    for value in request.POST.getlist("duty"):
        raw_day, _sep, raw_id = value.partition(":")
        try:
            day = dt.date.fromisoformat(raw_day)
        except ValueError:
            continue
        if day in shown and raw_id.isdigit() and int(raw_id) not in wanted[day]:
            wanted[day].append(int(raw_id))
    changed = [d for d in sorted(shown) if set(wanted[d]) != assigned.get(d, set())]
    with transaction.atomic():
        for day in changed:
            try:
                duty_set(actor=request.user, village_code=region.code, day=day, cadre_ids=wanted[day])
            except InvalidInput as exc:
                raise InvalidInput(_("%(d)s:%(m)s") % {"d": day.isoformat(), "m": exc.message}) from exc
    return len(changed)


@login_required
@web_errors
def roster(request: AuthedRequest, village: str, month: dt.date) -> HttpResponse:
    """The month's duty roster of one village (R-ATT-01 "每天必须有人值班"): the township sets
    who is on duty each day; days that still lack someone on duty are highlighted."""
    region = village_or_404(request, village)
    require_read(request)
    can_edit = has_cap(request, account_rules.CADRES_WRITE)
    days = month_days_of(month)
    assigned = duty_roster(village_code=region.code, first=days[0], last=days[-1])
    if request.method == "POST":
        require(request.user, account_rules.CADRES_WRITE)
        try:
            n = _roster_post(request, region, days, assigned)
        except InvalidInput as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("排班已保存(改动 %(n)s 天)") % {"n": n})
            return redirect("attendance:roster", region.code, month)
    cal = month_calendar(month.year, month.month)
    cadres = village_cadres(village_code=region.code, first=days[0], last=days[-1])
    names = {c.person_id: c.name for c in cadres}
    gaps_found = duty_gap_list(
        prefix=region.code, year=month.year, month=month.month, villages=[(region.code, region.name)]
    )
    gap_days = dict(gaps_found[0]["gaps"]) if gaps_found else {}
    today = timezone.localdate()

    def cell(day: dt.date) -> dict[str, Any]:
        on = assigned.get(day, set())
        gap = day in gap_days
        return {
            "day": day,
            "weekday": WEEKDAYS[day.weekday()],
            "work": day in cal.workdays,
            "note": cal.notes.get(day, ""),
            "today": day == today,
            "gap": gap,
            "gap_text": (
                _("无人值班") if not on else _("值班人员今天还没有签到") if day == today else _("值班人员未到岗")
            )
            if gap
            else "",
            "on_names": [names.get(p, "") for p in on],
            "choices": [
                {"id": c.person_id, "name": c.name, "checked": c.person_id in on}
                for c in cadres
                if c.in_post(day) or c.person_id in on
            ],
        }

    weeks = weeks_of(days, cell)
    return render(
        request,
        "attendance/roster.html",
        {
            "village": region,
            "month": month,
            "month_label": month_label(month),
            "weeks": weeks,
            "weekdays": WEEKDAYS,
            "can_edit": can_edit,
            "gap_count": len(gap_days),
            "has_cadres": bool(cadres),
            "duty_days_all": policy_resolve(region.code, days[-1])["duty_days"] == "all",
            "prev": shift_month(month, -1),
            "next": shift_month(month, 1),
            "breadcrumbs": crumbs(
                (_("日常管理"), None),
                (_("排班"), reverse("attendance:roster_current") if not is_village_cadre(request.user) else None),
                (region.name, None),
                (month_label(month), None),
            ),
        },
    )


@login_required
@require_POST
@web_errors
def roster_copy(request: AuthedRequest, village: str, month: dt.date) -> HttpResponse:
    """复制上月排班: the n-th Monday gets last month's n-th Monday's cadres; rostered days are kept."""
    region = village_or_404(request, village)
    try:
        n = duty_copy_month(actor=request.user, village_code=region.code, year=month.year, month=month.month)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        if n:
            messages.success(request, _("已按上月排班复制 %(n)s 人次;本月已排的日期未改动。") % {"n": n})
        else:
            messages.warning(request, _("没有可复制的排班:上月未排班,或本月各天已排好。"))
    return redirect("attendance:roster", region.code, month)


@login_required
@web_errors
def gaps(request: AuthedRequest, code: str, month: dt.date) -> HttpResponse:
    """Every village's duty gaps in the month (A4 duty coverage), for the township to act on."""
    region = region_or_404(request, code)
    if region.level == region_rules.VILLAGE:
        return redirect("attendance:roster", region.code, month)
    require(request.user, account_rules.CADRES_READ)
    villages = list(
        Region.objects.filter(level=region_rules.VILLAGE, code__startswith=region.prefix)
        .order_by("code")
        .values_list("code", "name", "parent__name")
    )
    found = duty_gap_list(
        prefix=region.prefix, year=month.year, month=month.month, villages=[(c, n) for c, n, _t in villages]
    )
    townships = {c: t for c, _n, t in villages}
    days = month_days_of(month)
    rostered = rostered_villages(prefix=region.prefix, first=days[0], last=days[-1])
    rows = [
        {
            "code": g["village"],
            "name": g["name"],
            "township": townships.get(g["village"], ""),
            "count": len(g["gaps"]),
            "days": [d for d, _n in g["gaps"]],
            "none_rostered": g["village"] not in rostered,
            "url": reverse("attendance:roster", args=[g["village"], month]),
        }
        for g in found
    ]
    return render(
        request,
        "attendance/gaps.html",
        {
            "region": region,
            "month": month,
            "month_label": month_label(month),
            "rows": rows,
            "village_count": len(villages),
            "show_township": region.level != region_rules.TOWNSHIP,
            "prev": shift_month(month, -1),
            "next": shift_month(month, 1),
            "breadcrumbs": crumbs((_("日常管理"), None), (_("值班缺口"), None), (region.name, None)),
        },
    )
