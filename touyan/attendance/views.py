"""Attendance pages (SPEC A4, R-ATT-01…04, WF-4, WF-8): the cadre's sign-in, the village duty
book, the presence import, the duty roster and its gaps, leave, the monthly table with its
export and lock, the working-day calendar and blocked periods (the villages' location fences
are in views_fence).

Thin: reads go through the scoped selectors and `access_*` helpers (outside the scope: 404),
writes through the services; a service's InvalidInput/Conflict becomes an error beside the
field or a message, never a 500. No ranking anywhere (A4): tables sort by village and name.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.rules import is_village_cadre
from touyan.accounts.scope import require, scope_filter
from touyan.audit.services import audit_record
from touyan.cadres.models import PostCode
from touyan.cadres.selectors import access_cadre, cadres_in_scope, current_posts
from touyan.cadres.services import id_hash
from touyan.core.errors import Conflict, DomainError, InvalidInput, NotFound
from touyan.core.sheets import xlsx_workbook
from touyan.core.views import crumbs, web_errors
from touyan.policy.selectors import policy_resolve
from touyan.regions import rules as region_rules
from touyan.regions.current import current_region
from touyan.regions.models import Region
from touyan.regions.selectors import access_region

from . import rules
from .forms import (
    ABSENT,
    XLSX,
    CorrectionForm,
    DutyBookFormSet,
    PresenceImportForm,
    SignInForm,
)
from .models import DutyAssignment, LeaveRequest, Presence
from .selectors import (
    VillageCadre,
    cadre_month,
    cadres_by_id_hash,
    is_locked,
    village_cadres,
    village_has_fence,
)
from .services import (
    ImportRow,
    presence_import,
    presence_record,
)

WEEKDAYS = [
    gettext_lazy("一"), gettext_lazy("二"), gettext_lazy("三"), gettext_lazy("四"),
    gettext_lazy("五"), gettext_lazy("六"), gettext_lazy("日"),
]  # fmt: skip


# --- helpers ---


def has_cap(request: AuthedRequest, capability: str) -> bool:
    return account_rules.has_capability(request.user.role, capability, is_superuser=request.user.is_superuser)


def require_read(request: AuthedRequest) -> None:
    """Officers need CADRES_READ; a village cadre reads their own village (the scope says which)."""
    if not is_village_cadre(request.user):
        require(request.user, account_rules.CADRES_READ)


def region_or_404(request: AuthedRequest, code: str) -> Region:
    """The region of the address if it lies in scope; a malformed code is a 404 too."""
    try:
        return access_region(actor=request.user, code=code)
    except InvalidInput as exc:
        raise NotFound(exc.message) from exc


def village_or_404(request: AuthedRequest, code: str) -> Region:
    region = region_or_404(request, code)
    if region.level != region_rules.VILLAGE:
        raise NotFound(_("请选择一个村(社区)"))
    return region


def month_days_of(month: dt.date) -> list[dt.date]:
    return rules.month_days(month.year, month.month)


def shift_month(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def field_errors(form: Any, exc: DomainError) -> None:
    """A service's errors beside the form's fields (unknown fields go on top of the form)."""
    for name, msgs in exc.field_errors().items():
        target = {"start": "start_date", "end": "end_date", "date": "day", "cadres": None}.get(name, name)
        for msg in msgs:
            form.add_error(target if target in form.fields else None, msg)


def weeks_of(days: list[dt.date], cell: Any) -> list[list[Any]]:
    """A month as weeks starting on Monday; blanks (None) before the first and after the last day."""
    cells: list[Any] = [None] * days[0].weekday() + [cell(d) for d in days]
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


def month_label(month: dt.date) -> str:
    return _("%(y)s年%(m)s月") % {"y": month.year, "m": month.month}


def posts_label(posts: tuple[str, ...]) -> str:
    return "、".join(str(PostCode(p).label) for p in posts if p in PostCode.values)


# --- 1. sign-in (签到) ---


@login_required
@web_errors
def me(request: AuthedRequest) -> HttpResponse:
    """One big button: the cadre signs in for today (A4: web sign-in on any phone, no photo,
    no location unless the region turned location on). Where it is on and the village has a
    fence, the browser's position comes with the button and only inside/outside and the
    distance are kept; without a position the sign-in stands all the same (R-ATT-04)."""
    user = request.user
    if not is_village_cadre(request.user) or user.cadre_id is None:
        return render(
            request,
            "attendance/notice.html",
            {
                "title": _("签到"),
                "text": _("签到供村干部本人使用。乡镇可在“值班簿”或“导入在岗记录”中登记干部在岗。"),
                "breadcrumbs": crumbs((_("日常管理"), None), (_("签到"), None)),
            },
            status=403,
        )
    person = access_cadre(actor=user, cadre_id=user.cadre_id)
    today = timezone.localdate()
    if request.method == "POST":
        try:
            _record, created = presence_record(
                actor=user, cadre_id=person.pk, day=today, channel=Presence.Channel.WEB,
                position=SignInForm(request.POST).position,
            )  # fmt: skip
        except (InvalidInput, Conflict) as exc:
            messages.error(request, exc.message)
        else:
            if created:
                messages.success(request, _("签到成功"))
            else:
                messages.info(request, _("今天已经签到过了,无需重复签到"))
        return redirect("attendance:me")
    record = Presence.objects.filter(person_id=person.pk, date=today).first()
    month = cadre_month(person_id=person.pk, village_code=person.village_id, year=today.year, month=today.month)
    days = rules.month_days(today.year, today.month)

    def cell(day: dt.date) -> dict[str, Any]:
        if day in month.present:
            state = "present"
        elif day in month.leave:
            state = "leave"
        elif day > today:
            state = "future"
        elif day in month.workdays:
            state = "absent" if day < today else "today"
        else:
            state = "rest"
        return {"day": day, "state": state, "today": day == today, "work": day in month.workdays}

    on_leave = (
        LeaveRequest.objects.filter(
            person_id=person.pk, status=LeaveRequest.Status.APPROVED, start_date__lte=today, end_date__gte=today
        )
        .order_by("start_date")
        .first()
    )
    on_duty = DutyAssignment.objects.filter(village_id=person.village_id, date=today, person_id=person.pk).exists()
    location_check = policy_resolve(person.village_id, today)["location_check"]
    return render(
        request,
        "attendance/me.html",
        {
            "person": person,
            "today": today,
            "weekday": WEEKDAYS[today.weekday()],
            "record": record,
            "month": month,
            "remaining": sum(1 for d in month.workdays if d > today),
            "weeks": weeks_of(days, cell),
            "weekdays": WEEKDAYS,
            "on_leave": on_leave,
            "on_duty": on_duty,
            "pending": LeaveRequest.objects.filter(person_id=person.pk, status=LeaveRequest.Status.SUBMITTED).count(),
            "location_check": location_check,
            # the browser is asked for a position only where it will be checked (A4, R-DATA-01)
            "locate": location_check and record is None and village_has_fence(person.village_id),
            "breadcrumbs": crumbs((_("日常管理"), None), (_("签到"), None)),
        },
    )


# --- 2. the duty book (值班簿) ---


def village_picker(request: AuthedRequest, target: str, title: str, arg: dt.date) -> HttpResponse:
    """The villages of the current region, each linking to `target` (a page of one village)."""
    region = current_region(request)
    if region is None:
        return redirect("regions:switch")
    if region.level == region_rules.VILLAGE:
        return redirect(target, region.code, arg)
    villages = (
        scope_filter(Region.objects.filter(level=region_rules.VILLAGE), request.user, "code")
        .filter(code__startswith=region.prefix)
        .order_by("code")
        .values("code", "name", "parent__name")[:3000]
    )
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for v in villages:
        groups[v["parent__name"] or ""].append({"name": v["name"], "url": reverse(target, args=[v["code"], arg])})
    return render(
        request,
        "attendance/pick_village.html",
        {
            "title": title,
            "region": region,
            "groups": dict(groups),
            "breadcrumbs": crumbs((_("日常管理"), None), (title, None)),
        },
    )


@login_required
@web_errors
def duty_book_current(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    if is_village_cadre(request.user) and request.user.region_id:
        return redirect("attendance:duty_book", request.user.region_id, today)
    require(request.user, account_rules.CADRES_WRITE)
    return village_picker(request, "attendance:duty_book", _("值班簿"), today)


@login_required
@web_errors
def duty_book(request: AuthedRequest, village: str, day: dt.date) -> HttpResponse:
    """The village duty book (A4 channel 2): the day's duty officer, or the township, marks each
    cadre 在岗 / 公出 / 未到; the marks become presence records in one transaction. Pressing
    save twice adds nothing (one record per cadre per day)."""
    region = village_or_404(request, village)
    user = request.user
    today = timezone.localdate()
    officer = has_cap(request, account_rules.CADRES_WRITE)
    on_duty = list(
        DutyAssignment.objects.filter(village=region, date=day)
        .order_by("person__name")
        .values_list("person_id", "person__name")
    )
    if not officer and not (
        is_village_cadre(request.user) and day == today and user.cadre_id in {p for p, _n in on_duty}
    ):
        names = "、".join(n for _p, n in on_duty) or _("未排班")
        return render(
            request,
            "attendance/notice.html",
            {
                "title": _("值班簿"),
                "text": _("值班簿由当天值班的干部或乡镇填写。%(d)s 值班:%(names)s。")
                % {"d": day.isoformat(), "names": names},
                "breadcrumbs": crumbs((_("日常管理"), None), (_("值班簿"), None)),
            },
            status=403,
        )
    cadres = [c for c in village_cadres(village_code=region.code, first=day, last=day) if c.in_post(day)]
    by_id = {c.person_id: c for c in cadres}
    existing = {p.person_id: p for p in Presence.objects.filter(person_id__in=list(by_id), date=day)}
    todo = [c for c in cadres if c.person_id not in existing]
    locked = is_locked(region.code, day)
    writable = day <= today
    data = request.POST if request.method == "POST" and writable else None
    formset = DutyBookFormSet(data, initial=[{"cadre": c.person_id, "mark": ABSENT} for c in todo], prefix="m")
    correction = CorrectionForm(data) if locked and officer else None
    if data is not None and formset.is_valid() and (correction is None or correction.is_valid()):
        marks = [(f.cleaned_data["cadre"], f.cleaned_data["mark"]) for f in formset.forms if f.cleaned_data]
        strangers = [f for f in formset.forms if f.cleaned_data and f.cleaned_data["cadre"] not in by_id]
        for f in strangers:
            f.add_error("mark", _("不是本村在任干部"))
        if not strangers:
            reason = correction.cleaned_data["correction_reason"] if correction is not None else ""
            try:
                made = 0
                with transaction.atomic():
                    for cadre_id, mark in marks:
                        if mark == ABSENT:
                            continue
                        _r, created = presence_record(
                            actor=user, cadre_id=cadre_id, day=day, kind=mark,
                            channel=Presence.Channel.DUTY_BOOK, correction_reason=reason,
                        )  # fmt: skip
                        made += created
            except (InvalidInput, Conflict) as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("值班簿已保存,新登记 %(n)s 人") % {"n": made})
                return redirect("attendance:duty_book", region.code, day)
    rows = []
    for form in formset.forms:
        raw = str(form["cadre"].value() or "")
        cadre = by_id.get(int(raw)) if raw.isdigit() else None
        if cadre is None:  # a tampered or stale line: show it with its error
            cadre = VillageCadre(int(raw) if raw.isdigit() else 0, _("干部编号 %(n)s") % {"n": raw}, (), ())
        rows.append({"form": form, "cadre": cadre, "posts": posts_label(cadre.posts)})
    done = [
        {
            "cadre": c,
            "posts": posts_label(c.posts),
            "record": existing[c.person_id],
            # the time only when it was recorded that day (an import made later has no time of arrival)
            "at": timezone.localtime(existing[c.person_id].recorded_at)
            if timezone.localtime(existing[c.person_id].recorded_at).date() == day
            else None,
        }
        for c in cadres
        if c.person_id in existing
    ]
    return render(
        request,
        "attendance/duty_book.html",
        {
            "village": region,
            "day": day,
            "today": today,
            "weekday": WEEKDAYS[day.weekday()],
            "formset": formset,
            "rows": rows,
            "done": done,
            "writable": writable,
            "locked": locked,
            "correction": correction,
            "officer": officer,
            "on_duty": ", ".join(n for _p, n in on_duty),
            "prev_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1) if day < today else None,
            "breadcrumbs": crumbs(
                (_("日常管理"), None),
                (_("值班簿"), reverse("attendance:duty_book_current") if officer else None),
                (region.name, None),
            ),
        },
    )


# --- 3. the presence import (导入在岗记录) ---


@login_required
@web_errors
def presence_import_page(request: AuthedRequest) -> HttpResponse:
    """A township imports presence from an attendance machine or a spreadsheet (A4 channel 3):
    every row is checked first; on any error nothing is written and each row's problem is listed."""
    require(request.user, account_rules.CADRES_WRITE)
    form = PresenceImportForm(request.POST or None, request.FILES or None)
    errors: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        parsed = form.parsed
        errors = list(parsed.errors)
        by_hash = cadres_by_id_hash(
            actor=request.user, hashes=sorted({id_hash(r.id_number) for r in parsed.rows if r.id_number})
        )
        names = dict(
            cadres_in_scope(actor=request.user)
            .filter(pk__in={r.cadre_id for r in parsed.rows if r.cadre_id})
            .values_list("id", "name")
        )  # so that every row's problem is listed at once; presence_import checks again
        today = timezone.localdate()
        rows: list[ImportRow] = []
        lines: list[int] = []
        for raw in parsed.rows:
            cadre_id = raw.cadre_id or by_hash.get(id_hash(raw.id_number))
            if cadre_id is None or (raw.cadre_id and raw.cadre_id not in names):
                what = _("干部编号") if raw.cadre_id else _("身份证号")
                errors.append((raw.line, _("未找到该%(w)s对应的干部,或不在您的管辖范围内") % {"w": what}))
            elif raw.name and raw.cadre_id and names[raw.cadre_id] != raw.name:
                errors.append((raw.line, _("姓名“%(n)s”与干部编号不符,请核对") % {"n": raw.name}))
            elif raw.day > today:
                errors.append((raw.line, _("不能为将来的日期登记在岗")))
            else:
                rows.append(ImportRow(cadre_id, raw.day, raw.kind))
                lines.append(raw.line)
        if not errors and rows:
            try:
                created, already = presence_import(actor=request.user, rows=rows)
            except InvalidInput as exc:
                for key, msgs in exc.errors.items():
                    parts = key.split(".")
                    line = lines[int(parts[1])] if len(parts) > 1 and parts[1].isdigit() else 0
                    errors += [(line, m) for m in msgs]
            else:
                messages.success(
                    request,
                    _("导入完成:新登记 %(c)s 条;%(a)s 条此前已有记录,未重复登记。") % {"c": created, "a": already},
                )
                return redirect("attendance:import")
        errors.sort()
    return render(
        request,
        "attendance/import.html",
        {
            "form": form,
            "errors": errors[:200],
            "more": max(0, len(errors) - 200),
            "error_count": len(errors),
            "breadcrumbs": crumbs((_("日常管理"), None), (_("导入在岗记录"), None)),
        },
    )


@login_required
@web_errors
def import_template(request: AuthedRequest) -> HttpResponse:
    """The import template: the data sheet, how to fill it, and the scope's cadres with their numbers."""
    require(request.user, account_rules.CADRES_WRITE)
    people: dict[int, dict[str, Any]] = {}
    for pid, name, village, township, post in (
        current_posts()
        .filter(person__in=cadres_in_scope(actor=request.user))
        .exclude(post="RSV")
        .order_by("village_id", "person__name", "person_id")
        .values_list("person_id", "person__name", "village__name", "village__parent__name", "post")[:30000]
    ):
        entry = people.setdefault(pid, {"name": name, "village": village, "township": township, "posts": []})
        entry["posts"].append(str(PostCode(post).label))
    buffer = io.BytesIO()
    book = xlsx_workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    text = book.add_format({"num_format": "@"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet(_("在岗记录"))
    sheet.write_row(0, 0, [_("干部编号"), _("身份证号"), _("姓名"), _("日期"), _("类别")], head)
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 1, 22, text)
    sheet.set_column(2, 2, 10)
    sheet.set_column(3, 3, 12, day)
    sheet.set_column(4, 4, 8)
    sheet.data_validation(1, 4, 20000, 4, {"validate": "list", "source": [str(_("在岗")), str(_("公出"))]})
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet(_("填写说明"))
    notes.set_column(0, 0, 100)
    for i, line in enumerate(
        [
            _("每行一人一天。“干部编号”和“身份证号”填一个即可(干部编号见“干部名单”表);身份证号须填完整 18 位。"),
            _("“姓名”可不填;填了会与干部编号核对,不一致的行会报错。"),
            _("“日期”写成 2026-03-02;“类别”填“在岗”或“公出”(公出含培训、挂职),不填按“在岗”。"),
            _("导入前会检查全部行;有任何一行出错,整个文件都不会写入,请改正后重新上传整个文件。"),
            _("同一人同一天已有签到、值班簿或导入记录的,不再重复登记。已锁定月份的记录不能导入。"),
        ]
    ):
        notes.write(i, 0, line)
    roster = book.add_worksheet(_("干部名单"))
    roster.write_row(0, 0, [_("干部编号"), _("姓名"), _("乡镇(街道)"), _("村(社区)"), _("现任职务")], head)
    roster.set_column(0, 1, 10)
    roster.set_column(2, 3, 16)
    roster.set_column(4, 4, 30)
    for i, (pid, p) in enumerate(people.items(), start=1):
        roster.write_row(i, 0, [pid, p["name"], p["township"] or "", p["village"], "、".join(p["posts"])])
    book.close()
    audit_record(
        actor=request.user,
        action="attendance.import.template",
        region_code=request.user.region_id or "",
        changes={"cadres": [None, len(people)]},
    )
    return HttpResponse(
        buffer.getvalue(),
        content_type=XLSX,
        headers={"Content-Disposition": content_disposition_header(True, _("在岗记录导入模板.xlsx"))},
    )
