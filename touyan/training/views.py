"""Pages of cadre development (Chinese, phone-friendly): the training calendar and an event's page
with its roll call, a cadre's own training record, the township's compliance board (who is short of
what), the reserve board, certificates, secondments, and the XLSX ledgers 培训台账 and 后备干部名册.

Thin: the selectors decide what a user sees (outside: 404), the services decide the rest."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touyan.accounts.requests import AuthedRequest
from touyan.accounts.rules import is_village_cadre
from touyan.cadres.models import Person, PostCode
from touyan.cadres.selectors import access_cadre, current_posts
from touyan.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from touyan.core.sheets import xlsx_workbook
from touyan.core.views import crumbs, web_errors
from touyan.policy.selectors import policy_resolve
from touyan.regions.selectors import narrow_to_region

from . import rules, selectors, services
from .forms import CertificateForm, EventForm, FeedbackForm, ReserveForm, ResultForm, SecondmentForm
from .models import Attendee, Kind, Level, Reserve

ROLL_MAX = 300
POST_LABELS = dict(PostCode.choices)


def _error(request: AuthedRequest, form: Any, exc: DomainError) -> None:
    placed = False
    if form is not None and isinstance(exc, InvalidInput):
        for field, msgs in exc.field_errors().items():
            if field in form.fields:
                for m in msgs:
                    form.add_error(field, m)
                placed = True
    if not placed:
        messages.error(request, exc.text() if isinstance(exc, InvalidInput) else exc.message)


def _year(request: AuthedRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _region(request: AuthedRequest) -> Any:
    code = (request.GET.get("region") or request.user.region_id or "").strip()
    if not code:  # a user without a region of their own: the region they are looking at
        from touyan.regions.current import current_region

        here = current_region(request)
        code = here.code if here is not None else ""
    if not code:
        raise NotFound(_("请选择区域"))
    return selectors.access_region(actor=request.user, code=code)


def _require_reader(request: AuthedRequest) -> None:
    if not selectors.is_reader(request.user):
        raise Forbidden(_("您的角色无权查看此页"))


def _form_page(
    request: AuthedRequest, form: Any, title: str, back: tuple[str, str], help_text: str = ""
) -> HttpResponse:
    return render(
        request,
        "training/form.html",
        {"form": form, "title": title, "help": help_text, "breadcrumbs": crumbs(back, (title, None))},
    )


# --- calendar and events --------------------------------------------------------------------------


@login_required
@web_errors
def calendar(request: AuthedRequest) -> HttpResponse:
    """The year's trainings by month (the region's and those above it)."""
    year = _year(request)
    events = list(
        selectors.events_in_scope(actor=request.user)
        .filter(start_date__year=year)
        .select_related("region")
        .order_by("start_date", "id")
    )
    months: dict[int, list[Any]] = {}
    for e in events:
        months.setdefault(e.start_date.month, []).append(e)
    return render(
        request,
        "training/calendar.html",
        {
            "year": year,
            "months": sorted(months.items()),
            "may_create": selectors.is_officer(request.user),
            "is_cadre": is_village_cadre(request.user),
            "breadcrumbs": crumbs((_("干部培养"), None)),
        },
    )


@login_required
@web_errors
def event_new(request: AuthedRequest) -> HttpResponse:
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            e = services.event_create(
                actor=request.user, title=d["title"], level=d["level"], kind=d["kind"], start_date=d["start_date"],
                end_date=d["end_date"], days=d["days"], hours=d["hours"], minutes=d["minutes"], topic=d["topic"],
                place=d["place"], courses=d["courses"],
            )  # fmt: skip
        except DomainError as exc:
            _error(request, form, exc)
        else:
            messages.success(request, _("已新建培训,请点名登记参训人员"))
            return redirect("training:event", event_id=e.pk)
    return _form_page(
        request, form, _("新建培训"), (_("培训日历"), reverse("training:calendar")),
        _("学时按每天8学时、半天4学时认定;网络课程按时长认定(≥30分钟1学时,15–30分钟0.5学时,不足15分钟0.25学时)。"),
    )  # fmt: skip


def _candidates(request: AuthedRequest, event: Any, on_roll: set[int]) -> list[Any]:
    """Cadres the organiser may put on the roll: those in post in their region (a village filter
    for a large one)."""
    prefix = selectors.scope_prefix(request.user) or ""
    qs = current_posts().exclude(person_id__in=on_roll).select_related("person", "village")
    qs, _village = narrow_to_region(
        qs.filter(village__code__startswith=prefix),
        actor=request.user,
        code=request.GET.get("village"),
        field="village__code",
        param="village",
    )
    seen: dict[int, Any] = {}
    for p in qs.order_by("village_id", "person_id")[: ROLL_MAX * 2]:
        row = seen.setdefault(p.person_id, {"person": p.person, "village": p.village, "posts": []})
        row["posts"].append(POST_LABELS.get(p.post, p.post))
    return list(seen.values())[:ROLL_MAX]


@login_required
@web_errors
def event(request: AuthedRequest, event_id: int) -> HttpResponse:
    e = selectors.access_event(actor=request.user, event_id=event_id)
    roll = list(selectors.roll(actor=request.user, event=e))
    organiser = selectors.may_organise(request.user, e)
    mine = next((a for a in roll if a.person_id == request.user.cadre_id), None) if request.user.cadre_id else None
    return render(
        request,
        "training/event.html",
        {
            "event": e,
            "roll": roll,
            "organiser": organiser,
            "candidates": _candidates(request, e, {a.person_id for a in roll}) if organiser else [],
            "mine": mine,
            "feedback_form": FeedbackForm(initial={"text": mine.feedback}) if mine else None,
            "breadcrumbs": crumbs((_("培训日历"), reverse("training:calendar")), (e.title, None)),
        },
    )


@login_required
@require_POST
@web_errors
def roll_call(request: AuthedRequest, event_id: int) -> HttpResponse:
    """Roll call on a phone: the ticked cadres are put on the roll (each once)."""
    ids = [int(x) for x in request.POST.getlist("cadre") if x.isdigit()][:ROLL_MAX]
    added = 0
    try:
        for pid in ids:
            _row, created = services.attendee_add(actor=request.user, event_id=event_id, cadre_id=pid)
            added += created
    except DomainError as exc:
        _error(request, None, exc)
    else:
        messages.success(request, _("已登记 %(n)s 人参训") % {"n": added})
    return redirect("training:event", event_id=event_id)


@login_required
@require_POST
@web_errors
def result(request: AuthedRequest, event_id: int) -> HttpResponse:
    form = ResultForm(request.POST)
    if form.is_valid():
        try:
            services.attendee_result(
                actor=request.user, event_id=event_id, cadre_id=form.cleaned_data["cadre"],
                passed=form.cleaned_data["passed"], result=form.cleaned_data["result"],
            )  # fmt: skip
        except DomainError as exc:
            _error(request, None, exc)
        else:
            messages.success(request, _("已登记成绩"))
    return redirect("training:event", event_id=event_id)


@login_required
@require_POST
@web_errors
def feedback(request: AuthedRequest, event_id: int) -> HttpResponse:
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_submit(
                actor=request.user, event_id=event_id, text=form.cleaned_data["text"],
                report=form.cleaned_data["report"],
            )  # fmt: skip
        except DomainError as exc:
            _error(request, None, exc)
        else:
            messages.success(request, _("已提交"))
    else:
        messages.error(request, _("请填写学习体会"))
    return redirect("training:event", event_id=event_id)


# --- a cadre's record -----------------------------------------------------------------------------


def _record(request: AuthedRequest, person: Person, back: tuple[str, str | None]) -> HttpResponse:
    year = _year(request)
    trainings = list(selectors.cadre_trainings(person_id=person.pk, year=year))
    rows = selectors.compliance(region=person.village, year=year)
    mine = next((r for r in rows if r.cadre == person.pk), None)
    return render(
        request,
        "training/record.html",
        {
            "person": person,
            "year": year,
            "trainings": trainings,
            "row": mine,
            "certificates": list(person.certificates.all()),
            "secondments": list(person.secondments.all()),
            "reserves": list(person.reserve_records.all()),
            "breadcrumbs": crumbs(back, (person.name, None)),
        },
    )


@login_required
@web_errors
def me(request: AuthedRequest) -> HttpResponse:
    """The cadre's own training record, on a phone."""
    if not request.user.cadre_id:
        raise NotFound(_("您的账号未关联干部档案"))
    person = access_cadre(actor=request.user, cadre_id=request.user.cadre_id)
    return _record(request, person, (_("我的培训"), None))


@login_required
@web_errors
def cadre(request: AuthedRequest, cadre_id: int) -> HttpResponse:
    if is_village_cadre(request.user) and cadre_id != request.user.cadre_id:
        raise NotFound(_("未找到该干部档案,或不在您的管辖范围内"))
    if not (is_village_cadre(request.user) or selectors.is_reader(request.user)):
        raise Forbidden(_("您的角色无权查看此页"))
    person = access_cadre(actor=request.user, cadre_id=cadre_id)
    return _record(request, person, (_("培训达标"), reverse("training:compliance")))


# --- boards ---------------------------------------------------------------------------------------


@login_required
@web_errors
def compliance(request: AuthedRequest) -> HttpResponse:
    """Who is short of what this year (R-TRN-01/02), and the region's coverage."""
    _require_reader(request)
    region, year = _region(request), _year(request)
    rows = selectors.compliance(region=region, year=year)
    short = [r for r in rows if r.shortfalls or r.pending]
    show = short if request.GET.get("all") != "1" else rows
    return render(
        request,
        "training/compliance.html",
        {
            "region": region,
            "year": year,
            "rows": show[:500],
            "more": max(len(show) - 500, 0),
            "coverage": selectors.coverage(rows),
            "all": request.GET.get("all") == "1",
            "post_labels": POST_LABELS,
            "breadcrumbs": crumbs((_("干部培养"), reverse("training:calendar")), (_("培训达标"), None)),
        },
    )


@login_required
@web_errors
def reserves(request: AuthedRequest) -> HttpResponse:
    """The reserve pool per village (R-TRN-06): short villages first."""
    _require_reader(request)
    region = _region(request)
    rows = selectors.sufficiency(region=region)
    pool = list(
        selectors.reserves_in_scope(actor=request.user)
        .filter(village__code__startswith=region.prefix, until__isnull=True)
        .select_related("person", "village")[:500]
    )
    return render(
        request,
        "training/reserves.html",
        {
            "region": region,
            "rows": sorted(rows, key=lambda r: (not r.short, r.village))[:500],
            "short": sum(1 for r in rows if r.short),
            "talents_short": sum(1 for r in rows if r.talents_short),
            "pool": pool,
            "post_labels": POST_LABELS,
            "today": timezone.localdate(),
            "may_create": selectors.is_officer(request.user),
            "breadcrumbs": crumbs((_("干部培养"), reverse("training:calendar")), (_("后备干部"), None)),
        },
    )


@login_required
@web_errors
def reserve_new(request: AuthedRequest) -> HttpResponse:
    form = ReserveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.reserve_create(
                actor=request.user, cadre_id=d["cadre"], village_code=d["village"], target_post=d["target_post"],
                source=d["source"], since=d["since"],
            )  # fmt: skip
        except DomainError as exc:
            _error(request, form, exc)
        else:
            messages.success(request, _("已纳入后备干部"))
            return redirect("training:reserves")
    return _form_page(request, form, _("纳入后备干部"), (_("后备干部"), reverse("training:reserves")))


@login_required
@web_errors
def certificates(request: AuthedRequest) -> HttpResponse:
    _require_reader(request)
    today = timezone.localdate()
    days = policy_resolve(request.user.region_id, today)["certificate_expiry_alert_days"]
    return render(
        request,
        "training/certificates.html",
        {
            "certificates": list(selectors.certificates_in_scope(actor=request.user).select_related("person")[:500]),
            "expiring": list(selectors.expiring_certificates(actor=request.user, today=today, within_days=days)[:200]),
            "may_create": selectors.is_officer(request.user),
            "breadcrumbs": crumbs((_("干部培养"), reverse("training:calendar")), (_("证书"), None)),
        },
    )


@login_required
@web_errors
def certificate_new(request: AuthedRequest) -> HttpResponse:
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.certificate_create(
                actor=request.user, cadre_id=d["cadre"], kind=d["kind"], number=d["number"],
                issued_on=d["issued_on"], expires_on=d["expires_on"],
            )  # fmt: skip
        except DomainError as exc:
            _error(request, form, exc)
        else:
            messages.success(request, _("已登记证书"))
            return redirect("training:certificates")
    return _form_page(
        request, form, _("登记证书"), (_("证书"), reverse("training:certificates")),
        _("持有社会工作者职业资格证书的社区干部,按政策参数每月发放证书津贴。"),
    )  # fmt: skip


@login_required
@web_errors
def secondments(request: AuthedRequest) -> HttpResponse:
    _require_reader(request)
    rows = list(selectors.secondments_in_scope(actor=request.user).select_related("person", "village")[:500])
    year = _year(request)
    quotas = selectors.secondment_quotas(region=_region(request), year=year) if request.user.region_id else []
    return render(
        request,
        "training/secondments.html",
        {
            "year": year,
            "quotas": [q for q in quotas if q.prof_secretaries][:300],
            "rows": [(s, services.secondment_short(s)) for s in rows],
            "may_create": selectors.is_officer(request.user),
            "breadcrumbs": crumbs((_("干部培养"), reverse("training:calendar")), (_("挂职"), None)),
        },
    )


@login_required
@web_errors
def secondment_new(request: AuthedRequest) -> HttpResponse:
    form = SecondmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            s = services.secondment_create(
                actor=request.user, cadre_id=d["cadre"], host=d["host"], host_level=d["host_level"],
                start_date=d["start_date"], end_date=d["end_date"], post_title=d["post_title"],
            )  # fmt: skip
        except DomainError as exc:
            _error(request, form, exc)
        else:
            messages.success(request, _("已登记挂职,%(n)s 个工作日计为公出") % {"n": s.present_days})
            return redirect("training:secondments")
    return _form_page(
        request, form, _("登记挂职"), (_("挂职"), reverse("training:secondments")),
        _("挂职期间报酬待遇和村内职务保留,工作日计为在岗(公出)。挂职一般不少于1个月。"),
    )  # fmt: skip


# --- exports --------------------------------------------------------------------------------------


def _xlsx(filename: str, title: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    buf = io.BytesIO()
    wb = xlsx_workbook(buf, {"in_memory": True})
    sheet = wb.add_worksheet(title)
    bold = wb.add_format({"bold": True})
    sheet.write_row(0, 0, header, bold)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    sheet.set_column(0, len(header) - 1, 14)
    wb.close()
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@web_errors
def export_ledger(request: AuthedRequest) -> HttpResponse:
    """培训台账: every attendance of the region's cadres in the year."""
    _require_reader(request)
    region, year = _region(request), _year(request)
    levels, kinds = dict(Level.choices), dict(Kind.choices)
    qs = (
        Attendee.objects.filter(year=year, village__code__startswith=region.prefix)
        .select_related("person", "village", "event")
        .order_by("village_id", "person_id", "date")
    )
    rows = [
        [a.person.name, a.village.name, a.event.title, str(levels.get(a.level, a.level)),
         str(kinds.get(a.kind, a.kind)), a.event.start_date.isoformat(), a.event.end_date.isoformat(),
         float(a.days), float(a.hours),
         "" if a.passed is None else (_("合格") if a.passed else _("不合格")), a.result]
        for a in qs.iterator(chunk_size=2000)
    ]  # fmt: skip
    header = [_("姓名"), _("村(社区)"), _("培训名称"), _("层级"), _("类别"), _("开始日期"), _("结束日期"),
              _("天数"), _("学时"), _("考核"), _("成绩")]  # fmt: skip
    return _xlsx(f"培训台账-{region.name}-{year}.xlsx", _("培训台账"), header, rows)


@login_required
@web_errors
def export_reserves(request: AuthedRequest) -> HttpResponse:
    """后备干部名册: the region's reserves with their source and years as a reserve."""
    _require_reader(request)
    region, today = _region(request), timezone.localdate()
    sources = dict(Reserve.Source.choices)
    qs = (
        Reserve.objects.filter(village__code__startswith=region.prefix, until__isnull=True)
        .select_related("person", "village")
        .order_by("village_id", "target_post", "since")
    )
    rows = [
        [r.person.name, r.village.name, str(POST_LABELS.get(r.target_post, r.target_post)),
         str(sources.get(r.source, r.source)), r.since.isoformat(), rules.trained_years(r.since, today),
         r.person.get_education_display(), r.person.get_political_status_display()]
        for r in qs.iterator(chunk_size=2000)
    ]  # fmt: skip
    header = [_("姓名"), _("村(社区)"), _("后备岗位"), _("来源"), _("纳入日期"), _("后备年限"), _("学历"),
              _("政治面貌")]  # fmt: skip
    return _xlsx(f"后备干部名册-{region.name}.xlsx", _("后备干部名册"), header, rows)
