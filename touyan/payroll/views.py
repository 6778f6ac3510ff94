"""Payroll pages (报酬待遇): the pay standard of a region, pay runs through WF-8 with their
payslips and files, a cadre's own payslips, bank accounts, insurance, rewards, honours,
condolence payments, departure allowances and the weak-collective-economy list.

Thin: reads go through access_* helpers and scoped selectors, writes through services;
every page answers 404 outside the user's region.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.scope import require, scope_filter
from touyan.assessment.models import Grade
from touyan.attendance.models import MonthLock
from touyan.audit.models import AuditEvent
from touyan.cadres.models import Person, Post
from touyan.cadres.selectors import access_cadre
from touyan.cadres.views import region_options
from touyan.core.errors import Conflict, DomainError, InvalidInput, NotFound
from touyan.core.jobs import access_job, job_start
from touyan.core.models import Job
from touyan.core.queue import enqueue
from touyan.core.views import AuthedRequest, crumbs, web_errors
from touyan.dashboards.navigation import current_region
from touyan.policy.selectors import policy_resolve
from touyan.regions import rules as region_rules
from touyan.regions.models import Region, RegionStat
from touyan.regions.selectors import access_region, visible_path

from . import benefits, outputs, rules
from .forms import (
    AdvanceForm,
    BankAccountForm,
    CondolenceForm,
    DecideForm,
    DepartureAdvanceForm,
    DepartureForm,
    HonourForm,
    InsuranceForm,
    RewardForm,
    RunOpenForm,
)
from .models import Adjustment, BankAccount, CollectiveReward, DepartureAllowance, PayRun
from .services import TRANSITIONS, access_payslip, access_run, payrun_advance, payrun_open, payslips_of_self
from .tasks import CALCULATE, calculate_run_task

S = PayRun.State
MODULE = gettext_lazy("报酬待遇")
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _can(request: AuthedRequest, capability: str) -> bool:
    return account_rules.has_capability(request.user.role, capability, is_superuser=request.user.is_superuser)


def _officials_only(request: AuthedRequest) -> None:
    """Village cadres see only their own payslips (我的工资条); every other payroll page is 404."""
    if request.user.role == Role.CADRE and not request.user.is_superuser:
        raise NotFound(_("未找到该页面"))


def _apply_errors(form: Any, exc: DomainError) -> None:
    for field, msgs in exc.field_errors().items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _region(request: AuthedRequest, code: str) -> Region:
    """A region named in the address, in the user's scope; a malformed code is a 404 too."""
    try:
        return access_region(actor=request.user, code=code)
    except InvalidInput as exc:
        raise NotFound(_("未找到该区域")) from exc


def _region_crumbs(request: AuthedRequest, label: str, region: Region) -> list[dict[str, Any]]:
    path = visible_path(actor=request.user, region=region)
    return [
        {"label": MODULE, "url": None},
        {"label": label, "url": None},
        *[{"label": r.name, "url": None} for r in path],
    ]


def _pick(request: AuthedRequest, region: Region, title: str, url_name: str, *args: Any) -> HttpResponse:
    """A prefecture or province is too wide for the page: choose one of its counties."""
    counties = Region.objects.filter(code__startswith=region.prefix, level=region_rules.COUNTY).order_by("code")
    links = [(c, reverse(url_name, args=[c.code, *args])) for c in counties]
    return render(
        request,
        "payroll/pick_region.html",
        {
            "title": title,
            "region": region,
            "links": links,
            "breadcrumbs": _region_crumbs(request, title, region),
        },
    )


def _current_code(request: AuthedRequest, *, village_up: bool = True) -> str | None:
    region = current_region(request)
    if region is None:
        return None
    if village_up and region.level == region_rules.VILLAGE and region.parent_id:
        return region.parent_id
    return region.code


def _year(raw: str | None, default: int) -> int:
    return int(raw) if raw and raw.isdigit() and 2000 <= int(raw) <= 2100 else default


# ---------------------------------------------------------------------------
# Pay standard (R-PAY-01…07): each post × grade with full attendance
# ---------------------------------------------------------------------------

POSTS = ("one_shoulder", "PS", "VD", "deputy")
FLOOR_KEYS = {"one_shoulder": "annual_floor_one_shoulder", "PS": "annual_floor_ps", "VD": "annual_floor_vd"}


def _annual(post: str, grade: str, income: Decimal, policy: rules.PayPolicy, year: int) -> dict[str, Decimal]:
    """A year of pay with full attendance at one grade, by component (SPEC A6, 12 runs summed)."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    for month in range(1, 13):
        facts = rules.PayFacts(
            year=year, month=month, pay_post=post, income_ref=income, quarter=rules.QuarterFacts(grade, 1, 1)
        )
        for line in rules.compute_pay(facts, policy):
            out[line.component] += line.amount
    return out


@login_required
def policy_current(request: AuthedRequest) -> HttpResponse:
    code = _current_code(request, village_up=False)
    return redirect("payroll:policy", code=code) if code else redirect("regions:switch")


@login_required
@web_errors
def policy_view(request: AuthedRequest, code: str) -> HttpResponse:
    _officials_only(request)
    region = _region(request, code)
    title = _("报酬标准")
    if region.level in (region_rules.PROVINCE, region_rules.PREFECTURE):
        return _pick(request, region, title, "payroll:policy")
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today.year)
    on = today if year == today.year else dt.date(year, 12, 31) if year < today.year else dt.date(year, 1, 1)
    resolved = policy_resolve(region.code, on)
    policy = rules.PayPolicy.from_params(resolved)
    county = region.code[:6].ljust(12, "0")
    stat = RegionStat.objects.filter(region_id=county, year=year - 1).first()
    income = stat.rural_income_per_capita if stat else None
    grades = list(Grade.choices)
    rows = []
    for post in POSTS:
        standard = rules.base_standard(post, policy)
        floor_base = policy.base_multiple * (income or Decimal(0))
        by_grade = {g: _annual(post, g, income or Decimal(0), policy, year) for g, _label in grades}
        competent = by_grade["competent"]
        floor = resolved[FLOOR_KEYS[post]] if post in FLOOR_KEYS else None
        at_competent = competent["base"] + competent["performance"]
        rows.append(
            {
                "post": outputs.POST_LABELS[post],
                "standard": standard,
                "floor_base": floor_base,
                "floor_text": _("收入 %(m)s 倍 %(v)s")
                % {"m": outputs.num(policy.base_multiple), "v": outputs.format_yuan(floor_base)},
                "base": competent["base"],
                "base_from_floor": floor_base > standard,
                "pension": competent.get("pension_subsidy", Decimal(0)),
                "grades": [
                    {"label": label, "perf": by_grade[g]["performance"], "total": sum(by_grade[g].values(), Decimal(0))}
                    for g, label in grades
                ],
                "floor": floor,
                "at_competent": at_competent,
                "breach": floor is not None and at_competent < floor,
            }
        )
    return render(
        request,
        "payroll/policy.html",
        {
            "region": region,
            "year": year,
            "years": list(range(today.year + 1, today.year - 4, -1)),
            "income": income,
            "income_year": year - 1,
            "policy": policy,
            "resolved": resolved,
            "rows": rows,
            "grades": grades,
            "tiers": [(i + 1, a, a * 12) for i, a in enumerate(policy.tier_amounts)],
            "breaches": [r for r in rows if r["breach"]],
            "can_edit": _can(request, account_rules.POLICY_WRITE),
            "breadcrumbs": _region_crumbs(request, title, region),
        },
    )


# ---------------------------------------------------------------------------
# Runs (WF-8)
# ---------------------------------------------------------------------------

STAGES: tuple[tuple[str, Any], ...] = (
    (S.OPEN, gettext_lazy("开设批次")),
    (S.CALCULATED, gettext_lazy("计算工资")),
    (S.NOTICE, gettext_lazy("村内公示")),
    (S.TOWNSHIP, gettext_lazy("乡镇审批")),
    (S.FINANCE, gettext_lazy("县财政审批")),
    (S.DISBURSED, gettext_lazy("一卡通发放")),
    (S.CLOSED, gettext_lazy("关闭")),
)
STATE_TAGS: dict[str, str] = {
    S.OPEN: "secondary",
    S.CALCULATED: "info",
    S.NOTICE: "warning",
    S.TOWNSHIP: "primary",
    S.FINANCE: "primary",
    S.DISBURSED: "success",
    S.CLOSED: "dark",
}
ADVANCE_TEXT: dict[str, tuple[Any, Any, str]] = {
    # to: (button, confirmation, icon)
    S.NOTICE: (
        gettext_lazy("开始村内公示"),
        gettext_lazy(
            "将在各村公示本批次村干部报酬(三务公开)。公示后不能再重新计算,发现错误只能在下月批次中更正。确定开始公示?"
        ),
        "megaphone",
    ),
    S.TOWNSHIP: (
        gettext_lazy("乡镇审批通过"),
        gettext_lazy("确认公示期满、无异议,乡镇审批通过后报县财政审批。确定审批通过?"),
        "check2-square",
    ),
    S.FINANCE: (
        gettext_lazy("县财政审批通过"),
        gettext_lazy("县财政审批通过后即可下载一卡通发放文件。确定审批通过?"),
        "bank",
    ),
    S.DISBURSED: (
        gettext_lazy("确认已发放"),
        gettext_lazy("确认已通过一卡通把本批次全部金额发放到每人账户?此操作不能撤销。"),
        "cash-coin",
    ),
    S.CLOSED: (
        gettext_lazy("关闭批次"),
        gettext_lazy("关闭后本批次不能再作任何修改,更正只能列入以后的批次。确定关闭?"),
        "lock",
    ),
}
WAITING: dict[str, Any] = {
    S.OPEN: gettext_lazy("等待乡镇计算工资"),
    S.CALCULATED: gettext_lazy("等待乡镇核对后开始村内公示"),
    S.NOTICE: gettext_lazy("公示中,等待乡镇审批"),
    S.TOWNSHIP: gettext_lazy("等待县财政审批"),
    S.FINANCE: gettext_lazy("等待县财政通过一卡通发放"),
    S.DISBURSED: gettext_lazy("已发放,等待县财政关闭批次"),
    S.CLOSED: gettext_lazy("已关闭,不能再修改"),
}
COLUMNS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    ("base", gettext_lazy("基本报酬"), ("base", "young_cadre")),
    ("performance", gettext_lazy("绩效报酬"), ("performance",)),
    ("subsidy", gettext_lazy("补贴"), ("allowance", "pension_subsidy")),
)


def _may_advance(user: Any, to: str) -> bool:
    who = TRANSITIONS[to][1]
    if user.is_superuser:
        return True
    if who == "township":
        return user.role in (Role.TOWNSHIP_OFFICER, Role.ADMIN)
    return user.role == Role.FINANCE


def _run_region_choices(request: AuthedRequest) -> list[tuple[str, str]]:
    qs = scope_filter(
        Region.objects.filter(level__in=[region_rules.COUNTY, region_rules.TOWNSHIP]), request.user, "code"
    )
    return [
        (c, ("　" if lvl == region_rules.TOWNSHIP else "") + n)
        for c, n, lvl in qs.order_by("code").values_list("code", "name", "level")[:1000]
    ]


@login_required
@web_errors
def runs(request: AuthedRequest) -> HttpResponse:
    if request.user.role == Role.CADRE and not request.user.is_superuser:
        return redirect("payroll:me")
    can_open = _can(request, account_rules.CADRES_WRITE)
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        with contextlib.suppress(region_rules.BadCode):  # a 9-digit code names the same region as 12 digits
            data["region"] = region_rules.normalize_code(data.get("region", ""))
    form = RunOpenForm(
        data,
        initial={
            "region": request.user.region_id,
            "month": (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m"),
        },
    )
    form.fields["region"].choices = _run_region_choices(request)  # type: ignore[attr-defined]
    if request.method == "POST":
        require(request.user, account_rules.CADRES_WRITE)
        if form.is_valid():
            try:
                run = payrun_open(
                    actor=request.user, region_code=form.cleaned_data["region"], month=form.cleaned_data["month"]
                )
            except (InvalidInput, Conflict) as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request, _("已开设 %(m)s 工资批次,下一步:计算工资") % {"m": run.month.strftime("%Y-%m")}
                )
                return redirect("payroll:run", run_id=run.pk)
    qs = scope_filter(PayRun.objects.select_related("region", "calculated_by"), request.user, "region__code")
    region_filter = request.GET.get("region") or ""
    if region_filter:
        region = _region(request, region_filter)  # outside the scope: 404
        qs = qs.filter(Q(region__code__startswith=region.prefix) | Q(region_id__in=region_rules.ancestors(region.code)))
    state = request.GET.get("state") or ""
    if state in S.values:
        qs = qs.filter(state=state)
    page = Paginator(qs.order_by("-month", "region_id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "payroll/runs.html",
        {
            "form": form,
            "page": page,
            "can_open": can_open,
            "states": S.choices,
            "state": state,
            "region_filter": region_filter,
            "tags": STATE_TAGS,
            "region_choices": form.fields["region"].choices,  # type: ignore[attr-defined]
            "breadcrumbs": crumbs((MODULE, None), (_("工资发放"), None)),
        },
    )


def _stages(run: PayRun) -> list[dict[str, Any]]:
    steps = list(run.steps.select_related("actor"))
    latest = {s.state: s for s in steps}
    recalcs = sum(1 for s in steps if s.state == S.CALCULATED)
    order = [s for s, _label in STAGES]
    reached = order.index(run.state)
    out = []
    for i, (state, label) in enumerate(STAGES):
        step = latest.get(state)
        out.append(
            {
                "label": label,
                "done": i <= reached,
                "current": i == reached,
                "step": step,
                "who": (step.actor.display_name or step.actor.username) if step and step.actor else "",
                "times": recalcs if state == S.CALCULATED and recalcs > 1 else 0,
            }
        )
    return out


def _lock_note(run: PayRun) -> str:
    """The attendance lock that WF-8 starts from, in words."""
    locks = MonthLock.objects.filter(region__code__startswith=run.region.prefix, month=run.month)
    if run.region.level == region_rules.TOWNSHIP:
        lock = locks.select_related("locked_by").first()
        if lock is None:
            return ""
        who = (lock.locked_by.display_name or lock.locked_by.username) if lock.locked_by else ""
        return _("%(m)s 考勤已于 %(t)s 锁定 %(w)s") % {
            "m": run.month.strftime("%Y-%m"),
            "t": timezone.localtime(lock.locked_at).strftime("%Y-%m-%d %H:%M"),
            "w": who,
        }
    return _("%(n)s 个乡镇已锁定 %(m)s 考勤") % {"n": locks.count(), "m": run.month.strftime("%Y-%m")}


@login_required
@web_errors
def run_detail(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = access_run(actor=request.user, run_id=run_id)
    user = request.user
    can_calc = _can(request, account_rules.CADRES_WRITE) and run.state in (S.OPEN, S.CALCULATED)
    actions = [
        {"to": to, "label": text[0], "confirm": text[1], "icon": text[2]}
        for to, text in ADVANCE_TEXT.items()
        if TRANSITIONS[to][0] == run.state and _may_advance(user, to)
    ]
    if run.state == S.FINANCE and actions:
        actions[0]["confirm"] = _("确认已通过一卡通把合计 %(t)s 发放到 %(n)s 人的账户?此操作不能撤销。") % {
            "t": outputs.format_yuan(run.total),
            "n": run.payslip_count,
        }
    villages = list(
        run.payslips.values("village_id", "village__name", "village__parent__name")
        .annotate(n=Count("id"), total=Sum("total"))
        .order_by("village_id")
    )
    village = request.GET.get("village") or ""
    slips = (
        run.payslips.select_related("person", "village").prefetch_related("lines").order_by("village_id", "person_id")
    )
    if village:
        slips = slips.filter(village_id=village)
    page = Paginator(slips, 50).get_page(request.GET.get("page"))
    rows = []
    for slip in page:
        totals = outputs.line_totals(list(slip.lines.all()))
        cols = [sum((totals.get(c, Decimal(0)) for c in comps), Decimal(0)) for _k, _l, comps in COLUMNS]
        known = {c for _k, _l, comps in COLUMNS for c in comps}
        rows.append(
            {"slip": slip, "cols": cols, "other": sum((v for k, v in totals.items() if k not in known), Decimal(0))}
        )
    job: Job | None = None
    if (request.GET.get("job") or "").isdigit():
        try:
            job = access_job(actor=user, job_id=int(request.GET["job"]), kind=CALCULATE)
        except NotFound:
            job = None
    missing = outputs.payout_missing_accounts(run) if run.state != S.OPEN else []
    return render(
        request,
        "payroll/run.html",
        {
            "run": run,
            "stages": _stages(run),
            "lock_note": _lock_note(run),
            "actions": actions,
            "can_calc": can_calc,
            "waiting": WAITING[run.state] if not actions and not can_calc else "",
            "tag": STATE_TAGS[run.state],
            "villages": villages,
            "village": village,
            "page": page,
            "rows": rows,
            "columns": [c[1] for c in COLUMNS],
            "job": job,
            "missing": missing,
            "is_finance": user.role == Role.FINANCE,
            "payout_ready": run.state in outputs.PAYOUT_STATES,
            "advance_form": AdvanceForm(),
            "breadcrumbs": crumbs(
                (MODULE, None), (_("工资发放"), reverse("payroll:runs")), (f"{run.region.name} {run.month:%Y-%m}", None)
            ),
        },
    )


@login_required
@require_POST
@web_errors
def run_calculate(request: AuthedRequest, run_id: int) -> HttpResponse:
    """Start the calculation as a task; the run page shows its progress and result."""
    run = access_run(actor=request.user, run_id=run_id)
    require(request.user, account_rules.CADRES_WRITE)
    if run.state not in (S.OPEN, S.CALCULATED):
        messages.error(request, _("该批次已进入公示或审批,不能重新计算;更正请列入下月批次"))
        return redirect("payroll:run", run_id=run.pk)
    job = job_start(actor=request.user, kind=CALCULATE, region_code=run.region_id, total=1, message=_("等待计算…"))
    enqueue(calculate_run_task, run.pk, request.user.pk, job.pk)
    return redirect(f"{reverse('payroll:run', args=[run.pk])}?job={job.pk}")


@login_required
@web_errors
def run_status(request: AuthedRequest, run_id: int) -> HttpResponse:
    """The calculation's progress (polled by htmx every second); reloads the page when done."""
    run = access_run(actor=request.user, run_id=run_id)
    raw = request.GET.get("job") or ""
    job = access_job(actor=request.user, job_id=int(raw), kind=CALCULATE) if raw.isdigit() else None
    response = render(request, "payroll/_run_job.html", {"run": run, "job": job})
    if job is not None and job.finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
@web_errors
def run_advance(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = access_run(actor=request.user, run_id=run_id)
    form = AdvanceForm(request.POST)
    if form.is_valid():
        to = form.cleaned_data["to"]
        try:
            payrun_advance(actor=request.user, run_id=run.pk, to=to, note=form.cleaned_data["note"])
        except (InvalidInput, Conflict) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已办理:%(s)s") % {"s": S(to).label})
    else:
        messages.error(request, _("请求无效,请刷新页面后重试"))
    return redirect("payroll:run", run_id=run.pk)


@login_required
@web_errors
def run_summary(request: AuthedRequest, run_id: int) -> HttpResponse:
    name, content = outputs.summary_file(actor=request.user, run_id=run_id)
    return HttpResponse(
        content, content_type=XLSX, headers={"Content-Disposition": content_disposition_header(True, name)}
    )


@login_required
@web_errors
def run_payout(request: AuthedRequest, run_id: int) -> HttpResponse:
    """The 一卡通 payout file: county finance only (a township officer gets 403); audited."""
    try:
        file = outputs.payout_file(actor=request.user, run_id=run_id)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("payroll:run", run_id=run_id)
    response = HttpResponse(file.content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, file.filename) or "attachment"
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------
# Payslips
# ---------------------------------------------------------------------------


@login_required
@web_errors
def payslip_detail(request: AuthedRequest, payslip_id: int) -> HttpResponse:
    slip = access_payslip(actor=request.user, payslip_id=payslip_id)
    own = request.user.role == Role.CADRE
    account = BankAccount.objects.filter(person_id=slip.person_id).first()
    can_bank = not own and (_can(request, account_rules.CADRES_WRITE) or request.user.role == Role.FINANCE)
    if own:
        trail = crumbs((_("我的工资条"), reverse("payroll:me")), (slip.run.month.strftime("%Y-%m"), None))
    else:
        trail = crumbs(
            (MODULE, None),
            (_("工资发放"), reverse("payroll:runs")),
            (f"{slip.run.region.name} {slip.run.month:%Y-%m}", reverse("payroll:run", args=[slip.run_id])),
            (slip.person.name, None),
        )
    return render(
        request,
        "payroll/payslip.html",
        {
            "slip": slip,
            "run": slip.run,
            "lines": outputs.slip_lines(slip),
            "own": own,
            "account": account,
            "can_bank": can_bank,
            "tag": STATE_TAGS[slip.run.state],
            "breadcrumbs": trail,
        },
    )


@login_required
@web_errors
def payslip_pdf(request: AuthedRequest, payslip_id: int) -> HttpResponse:
    slip = access_payslip(actor=request.user, payslip_id=payslip_id)
    name = _("工资条-%(m)s-%(n)s.pdf") % {"m": slip.run.month.strftime("%Y-%m"), "n": slip.person.name}
    response = HttpResponse(outputs.payslip_pdf(slip), content_type=PDF)
    response["Content-Disposition"] = content_disposition_header(False, name) or "inline"
    return response


@login_required
def my_payslips(request: AuthedRequest) -> HttpResponse:
    slips = payslips_of_self(actor=request.user) if request.user.role == Role.CADRE else []
    return render(
        request,
        "payroll/me.html",
        {
            "slips": slips,
            "is_cadre": request.user.role == Role.CADRE,
            "tags": STATE_TAGS,
            "breadcrumbs": crumbs((_("我的工资条"), None)),
        },
    )


@login_required
@web_errors
def bank_account(request: AuthedRequest, cadre_id: int) -> HttpResponse:
    """Set a cadre's 一卡通 account (encrypted; shown masked)."""
    _officials_only(request)
    person = access_cadre(actor=request.user, cadre_id=cadre_id)
    if not (_can(request, account_rules.CADRES_WRITE) or request.user.role == Role.FINANCE):
        require(request.user, account_rules.CADRES_WRITE)
    current = BankAccount.objects.filter(person=person).first()
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) or not nxt.startswith("/"):
        nxt = ""
    form = BankAccountForm(request.POST or None, initial={"bank": current.bank if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            record = benefits.bank_account_set(actor=request.user, cadre_id=person.pk, **form.cleaned_data)
        except InvalidInput as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, _("已保存 %(n)s 的一卡通账号 %(a)s") % {"n": person.name, "a": record.account_masked}
            )
            return redirect(nxt or reverse("payroll:bank", args=[person.pk]))
    response = render(
        request,
        "payroll/bank.html",
        {
            "person": person,
            "current": current,
            "form": form,
            "next": nxt,
            "breadcrumbs": crumbs((MODULE, None), (person.name, None), (_("一卡通账号"), None)),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------
# Insurance (R-PAY-07)
# ---------------------------------------------------------------------------


@login_required
def insurance_current(request: AuthedRequest) -> HttpResponse:
    code = _current_code(request)
    if not code:
        return redirect("regions:switch")
    return redirect("payroll:insurance", code=code, year=timezone.localdate().year)


@login_required
@web_errors
def insurance(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    _officials_only(request)
    region = _region(request, code)
    title = _("保险参保")
    if region.level in (region_rules.PROVINCE, region_rules.PREFECTURE):
        return _pick(request, region, title, "payroll:insurance", year)
    can_write = _can(request, account_rules.CADRES_WRITE)
    if request.method == "POST":
        require(request.user, account_rules.CADRES_WRITE)
        form = InsuranceForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            person = access_cadre(actor=request.user, cadre_id=d["cadre"])
            if not region_rules.is_under(person.village_id, region.prefix):
                raise NotFound(_("未找到该干部档案,或不在您的管辖范围内"))
            try:
                benefits.insurance_set(
                    actor=request.user,
                    cadre_id=person.pk,
                    year=year,
                    pension=d["pension"],
                    health_check=d["health_check"],
                    accident=d["accident"],
                )
            except InvalidInput as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已保存 %(n)s 的 %(y)s 年参保情况") % {"n": person.name, "y": year})
            return redirect(f"{reverse('payroll:insurance', args=[region.code, year])}#c{person.pk}")
        messages.error(request, _("请求无效,请刷新页面后重试"))
    region, groups = benefits.insurance_coverage(actor=request.user, region_code=region.code, year=year)
    summary = [
        {
            "township": g.township,
            "n": len(g.rows),
            "pension": g.count("pension"),
            "health_check": g.count("health_check"),
            "accident": g.count("accident"),
        }
        for g in groups
    ]
    detail = region.level in (region_rules.TOWNSHIP, region_rules.VILLAGE)
    return render(
        request,
        "payroll/insurance.html",
        {
            "region": region,
            "year": year,
            "years": list(range(timezone.localdate().year + 1, 2019, -1)),
            "groups": groups if detail else [],
            "summary": summary,
            "detail": detail,
            "can_write": can_write,
            "total": {k: sum(s[k] for s in summary) for k in ("n", "pension", "health_check", "accident")},
            "breadcrumbs": _region_crumbs(request, title, region),
        },
    )


# ---------------------------------------------------------------------------
# Rewards (R-PAY-08), honours (R-PAY-09), condolence (R-PAY-11)
# ---------------------------------------------------------------------------


def _region_filter(request: AuthedRequest, qs: Any) -> tuple[Any, str]:
    code = request.GET.get("region") or ""
    if code:
        region = _region(request, code)  # outside the scope: 404
        qs = qs.filter(village__code__startswith=region.prefix)
    return qs, code


def _timeline(obj: Any) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("at", "id")[:50]
    )


@login_required
@web_errors
def rewards(request: AuthedRequest) -> HttpResponse:
    _officials_only(request)
    qs, code = _region_filter(request, benefits.rewards_in_scope(actor=request.user))
    qs = qs.annotate(increase=F("income") - F("previous_income"))
    page = Paginator(qs.order_by("-year", "village_id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "payroll/rewards.html",
        {
            "page": page,
            "region_filter": code,
            "can_write": _can(request, account_rules.CADRES_WRITE),
            "breadcrumbs": crumbs((MODULE, None), (_("集体经济发展奖励"), None)),
        },
    )


@login_required
@web_errors
def reward_new(request: AuthedRequest) -> HttpResponse:
    _officials_only(request)
    require(request.user, account_rules.CADRES_WRITE)
    last_year = timezone.localdate().year - 1
    form = RewardForm(request.POST or None, initial={"village": request.GET.get("village", ""), "year": last_year})
    form.fields["village"].choices = [("", _("请选择")), *region_options(request.user, villages_only=True)]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            reward = benefits.reward_propose(
                actor=request.user,
                village_code=d["village"],
                year=d["year"],
                income=d["income"],
                previous_income=d["previous_income"],
                decision_ref=d["decision_ref"],
            )
        except (InvalidInput, Conflict) as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已申报,等待乡镇审批"))
            return redirect("payroll:reward", reward_id=reward.pk)
    preview: list[Any] = []
    policy = None
    village = (request.POST.get("village") or request.GET.get("village") or "").strip()
    if village:
        region: Region | None = None
        if request.method == "GET":
            region = _region(request, village)  # outside the scope: 404
        else:
            try:
                region = access_region(actor=request.user, code=village)
            except (NotFound, InvalidInput):
                region = None
        if region is not None and region.level == region_rules.VILLAGE:
            policy = policy_resolve(region.code)
            year = _year(request.POST.get("year") or request.GET.get("year"), last_year)
            preview = benefits.reward_eligible(
                village_code=region.code, year=year, min_months=policy["reward_min_months_in_post"]
            )
    return render(
        request,
        "payroll/reward_new.html",
        {
            "form": form,
            "village_groups": [c for c in form.fields["village"].choices if isinstance(c[1], list)],  # type: ignore[attr-defined]
            "preview": preview,
            "policy": policy,
            "defaults": policy_resolve(request.user.region_id) if request.user.region_id else policy_resolve(None),
            "breadcrumbs": crumbs(
                (MODULE, None), (_("集体经济发展奖励"), reverse("payroll:rewards")), (_("申报"), None)
            ),
        },
    )


@login_required
@web_errors
def reward_detail(request: AuthedRequest, reward_id: int) -> HttpResponse:
    reward = benefits.access_reward(actor=request.user, reward_id=reward_id)
    increase = reward.income - reward.previous_income
    policy = policy_resolve(reward.village_id, dt.date(reward.year, 12, 31))
    return render(
        request,
        "payroll/reward.html",
        {
            "reward": reward,
            "increase": increase,
            "policy": policy,
            "timeline": _timeline(reward),
            "can_decide": reward.state == CollectiveReward.State.PROPOSED and _can(request, account_rules.CADRES_WRITE),
            "adjustments": Adjustment.objects.filter(
                kind=Adjustment.Kind.REWARD, village_id=reward.village_id, reason__startswith=str(reward.year)
            ).select_related("run", "person"),
            "form": DecideForm(),
            "breadcrumbs": crumbs(
                (MODULE, None),
                (_("集体经济发展奖励"), reverse("payroll:rewards")),
                (f"{reward.village.name} {reward.year}", None),
            ),
        },
    )


@login_required
@require_POST
@web_errors
def reward_decide(request: AuthedRequest, reward_id: int) -> HttpResponse:
    reward = benefits.access_reward(actor=request.user, reward_id=reward_id)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请求无效,请刷新页面后重试"))
        return redirect("payroll:reward", reward_id=reward.pk)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        benefits.reward_approve(
            actor=request.user, reward_id=reward.pk, approve=approve, note=form.cleaned_data["note"]
        )
    except (InvalidInput, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已批准,奖励将在该村下一个工资批次发放") if approve else _("已驳回"))
    return redirect("payroll:reward", reward_id=reward.pk)


ONE_OFF: dict[str, dict[str, Any]] = {
    Adjustment.Kind.HONOUR: {
        "title": gettext_lazy("表彰奖励"),
        "list": "payroll:honours",
        "new": "payroll:honour_new",
        "form": HonourForm,
        "rule": "R-PAY-09",
    },
    Adjustment.Kind.CONDOLENCE: {
        "title": gettext_lazy("慰问金"),
        "list": "payroll:condolences",
        "new": "payroll:condolence_new",
        "form": CondolenceForm,
        "rule": "R-PAY-11",
    },
}


def _one_off_list(request: AuthedRequest, kind: str) -> HttpResponse:
    _officials_only(request)
    conf = ONE_OFF[kind]
    qs, code = _region_filter(request, benefits.adjustments_in_scope(actor=request.user, kind=kind))
    page = Paginator(qs.order_by("-created_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "payroll/adjustments.html",
        {
            "conf": conf,
            "kind": kind,
            "page": page,
            "region_filter": code,
            "can_write": _can(request, account_rules.CADRES_WRITE),
            "breadcrumbs": crumbs((MODULE, None), (conf["title"], None)),
        },
    )


def _cadre_choices(request: AuthedRequest, village: str, *, former: bool = False) -> list[tuple[Any, str]]:
    """The people of a village in scope, for step two of a form (former cadres marked)."""
    if not village:
        return []
    try:
        region = access_region(actor=request.user, code=village)
    except (NotFound, InvalidInput):
        return []
    if region.level != region_rules.VILLAGE:
        return []
    today = timezone.localdate()
    current = Post.objects.filter(person=OuterRef("pk"), start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    people = Person.objects.filter(village_id=region.code).annotate(in_office=Exists(current)).order_by("name")
    if not former:
        people = people.filter(in_office=True)
    label = _("(已离任)")
    return [("", _("请选择")), *((p.pk, f"{p.name}{'' if p.in_office else label}") for p in people)]


def _village_step(request: AuthedRequest, form: Any, *, former: bool = False) -> tuple[str, list[Any]]:
    """Step one picks the village (a GET form above); the POST form carries it hidden and offers
    that village's cadres. Returns the village and the picker's optgroups."""
    village = (request.POST.get("village") or request.GET.get("village") or "").strip()
    if village and request.method == "GET":
        _region(request, village)  # outside the scope: 404 (a POST gets a field error instead)
    choices = [("", _("请选择")), *region_options(request.user, villages_only=True)]
    form.fields["village"].choices = choices
    form.fields["village"].widget = forms.HiddenInput()
    form.fields["cadre"].choices = _cadre_choices(request, village, former=former)
    return village, [c for c in choices if isinstance(c[1], list)]


def _one_off_new(request: AuthedRequest, kind: str) -> HttpResponse:
    _officials_only(request)
    require(request.user, account_rules.CADRES_WRITE)
    conf = ONE_OFF[kind]
    form = conf["form"](request.POST or None, initial={"village": request.GET.get("village", "")})
    village, groups = _village_step(request, form)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if kind == Adjustment.Kind.HONOUR:
                adj = benefits.honour_award(actor=request.user, cadre_id=d["cadre"], level=d["level"], title=d["title"])
            else:
                adj = benefits.condolence_grant(actor=request.user, cadre_id=d["cadre"], kind=d["kind"])
        except InvalidInput as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("已登记 %(n)s %(a)s,将在下一个工资批次发放")
                % {"n": adj.person.name, "a": outputs.format_yuan(adj.amount)},
            )
            return redirect(conf["list"])
    defaults = policy_resolve(village) if village and form.fields["cadre"].choices else None
    return render(
        request,
        "payroll/adjustment_new.html",
        {
            "conf": conf,
            "kind": kind,
            "form": form,
            "village": village,
            "village_groups": groups,
            "policy": defaults,
            "breadcrumbs": crumbs((MODULE, None), (conf["title"], reverse(conf["list"])), (_("登记"), None)),
        },
    )


@login_required
@web_errors
def honours(request: AuthedRequest) -> HttpResponse:
    return _one_off_list(request, Adjustment.Kind.HONOUR)


@login_required
@web_errors
def honour_new(request: AuthedRequest) -> HttpResponse:
    return _one_off_new(request, Adjustment.Kind.HONOUR)


@login_required
@web_errors
def condolences(request: AuthedRequest) -> HttpResponse:
    return _one_off_list(request, Adjustment.Kind.CONDOLENCE)


@login_required
@web_errors
def condolence_new(request: AuthedRequest) -> HttpResponse:
    return _one_off_new(request, Adjustment.Kind.CONDOLENCE)


# ---------------------------------------------------------------------------
# Departure allowances (R-PAY-10)
# ---------------------------------------------------------------------------

DEPARTURE_TEXT: dict[str, tuple[Any, Any]] = {
    DepartureAllowance.State.VILLAGE: (gettext_lazy("村级审核通过"), gettext_lazy("确认村级已审核申请材料?")),
    DepartureAllowance.State.TOWNSHIP: (gettext_lazy("乡镇审核通过"), gettext_lazy("确认乡镇已审核任职年限和资格?")),
    DepartureAllowance.State.NOTICE: (gettext_lazy("开始公示"), gettext_lazy("将在村内公示申请人和补贴标准。确定?")),
    DepartureAllowance.State.APPROVED: (
        gettext_lazy("县级批准"),
        gettext_lazy("批准后按现任书记基本报酬重新核定月补贴,从起发月份起每月列入工资批次。确定批准?"),
    ),
    DepartureAllowance.State.REJECTED: (
        gettext_lazy("不符合条件"),
        gettext_lazy("确定认定不符合条件?请在意见中说明理由。"),
    ),
    DepartureAllowance.State.STOPPED: (gettext_lazy("停发"), gettext_lazy("从停发月份起不再发放(如去世)。确定停发?")),
}
DEPARTURE_TAGS = {
    "applied": "secondary",
    "village_checked": "info",
    "township_checked": "info",
    "public_notice": "warning",
    "approved": "success",
    "rejected": "danger",
    "stopped": "dark",
}


@login_required
@web_errors
def departures(request: AuthedRequest) -> HttpResponse:
    _officials_only(request)
    qs, code = _region_filter(request, benefits.departures_in_scope(actor=request.user))
    state = request.GET.get("state") or ""
    if state in DepartureAllowance.State.values:
        qs = qs.filter(state=state)
    page = Paginator(qs.order_by("-created_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "payroll/departures.html",
        {
            "page": page,
            "region_filter": code,
            "state": state,
            "states": DepartureAllowance.State.choices,
            "tags": DEPARTURE_TAGS,
            "can_write": _can(request, account_rules.CADRES_WRITE),
            "breadcrumbs": crumbs((MODULE, None), (_("离任生活补贴"), None)),
        },
    )


@login_required
@web_errors
def departure_new(request: AuthedRequest) -> HttpResponse:
    _officials_only(request)
    require(request.user, account_rules.CADRES_WRITE)
    form = DepartureForm(request.POST or None, initial={"village": request.GET.get("village", "")})
    village, groups = _village_step(request, form, former=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            allowance = benefits.departure_apply(
                actor=request.user,
                cadre_id=d["cadre"],
                criminal=d["criminal"],
                expelled=d["expelled"],
                public_employment=d["public_employment"],
                pension_monthly=d["pension_monthly"] or Decimal(0),
                note=d["note"],
            )
        except (InvalidInput, Conflict) as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已受理申请,下一步:村级审核"))
            return redirect("payroll:departure", departure_id=allowance.pk)
    return render(
        request,
        "payroll/departure_new.html",
        {
            "form": form,
            "village": village,
            "village_groups": groups,
            "breadcrumbs": crumbs(
                (MODULE, None), (_("离任生活补贴"), reverse("payroll:departures")), (_("申请"), None)
            ),
        },
    )


def _departure_words(a: DepartureAllowance) -> str:
    b = a.basis or {}
    if a.strategy == "pct_of_current_base" and "pct" in b:
        post = _("书记") if b.get("post") == "PS" else _("主任")
        text = _(
            "按%(post)s任职:连续 %(cy)s 年 %(cm)s 个月、累计 %(ty)s 年 %(tm)s 个月,"
            "享受现任书记基本报酬 %(base)s 元的 %(pct)s"
        ) % {
            "post": post,
            "cy": b["continuous_months"] // 12,
            "cm": b["continuous_months"] % 12,
            "ty": b["total_months"] // 12,
            "tm": b["total_months"] % 12,
            "base": outputs.num(b["secretary_base_annual"]),
            "pct": outputs.pct(b["pct"]),
        }
        if b.get("post") == "VD":
            text += _(" × 80%(主任)")
        text += _(",÷ 12 个月")
    elif a.strategy == "per_term":
        text = _("按任职届数:%(n)s 届 × 每届每月 %(r)s 元") % {"n": b.get("terms"), "r": b.get("rate")}
    else:
        text = _("按任职年限档次:累计 %(y)s 年") % {"y": int(b.get("total_months", 0)) // 12}
    if b.get("pension_monthly"):
        text += _(";已领养老金 %(p)s 元/月,只补差额") % {"p": b["pension_monthly"]}
    return text + "。"


@login_required
@web_errors
def departure_detail(request: AuthedRequest, departure_id: int) -> HttpResponse:
    allowance = benefits.access_departure(actor=request.user, departure_id=departure_id)
    actions = [
        {"to": to, "label": t[0], "confirm": t[1], "danger": to in ("rejected", "stopped")}
        for to, t in DEPARTURE_TEXT.items()
        if benefits.departure_can(request.user, allowance, to)
    ]
    return render(
        request,
        "payroll/departure.html",
        {
            "a": allowance,
            "words": _departure_words(allowance),
            "actions": actions,
            "tag": DEPARTURE_TAGS[allowance.state],
            "timeline": _timeline(allowance),
            "form": DepartureAdvanceForm(),
            "breadcrumbs": crumbs(
                (MODULE, None), (_("离任生活补贴"), reverse("payroll:departures")), (allowance.person.name, None)
            ),
        },
    )


@login_required
@require_POST
@web_errors
def departure_advance(request: AuthedRequest, departure_id: int) -> HttpResponse:
    allowance = benefits.access_departure(actor=request.user, departure_id=departure_id)
    form = DepartureAdvanceForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            benefits.departure_advance(
                actor=request.user, departure_id=allowance.pk, to=d["to"], note=d["note"], stop_month=d["stop_month"]
            )
        except (InvalidInput, Conflict) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已办理:%(s)s") % {"s": DepartureAllowance.State(d["to"]).label})
    else:
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("payroll:departure", departure_id=allowance.pk)


# ---------------------------------------------------------------------------
# Weak collective economy (R-PAY-12)
# ---------------------------------------------------------------------------


@login_required
def weak_current(request: AuthedRequest) -> HttpResponse:
    code = _current_code(request)
    if not code:
        return redirect("regions:switch")
    return redirect("payroll:weak", code=code, year=timezone.localdate().year - 1)


@login_required
@web_errors
def weak(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    _officials_only(request)
    region = _region(request, code)
    title = _("集体经济薄弱村")
    if region.level in (region_rules.PROVINCE, region_rules.PREFECTURE):
        return _pick(request, region, title, "payroll:weak", year)
    if region.level == region_rules.VILLAGE and region.parent_id:
        return redirect("payroll:weak", code=region.parent_id, year=year)
    region, townships = benefits.weak_villages(actor=request.user, region_code=region.code, year=year)
    policy = policy_resolve(region.code, dt.date(year, 12, 31))
    weak_rows = [v for t in townships for v in t.villages if v.weak]
    return render(
        request,
        "payroll/weak.html",
        {
            "region": region,
            "year": year,
            "years": list(range(timezone.localdate().year, 2019, -1)),
            "townships": townships,
            "policy": policy,
            "weak_rows": weak_rows,
            "flagged": [t for t in townships if t.flagged],
            "missing": sum(len(t.villages) - t.with_data for t in townships),
            "breadcrumbs": _region_crumbs(request, title, region),
        },
    )
