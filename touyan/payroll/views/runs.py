"""Pay runs (WF-8): the list and opening a run, a run's page with its steps and payslips, the
calculation as a task, each approval step (one POST URL per step), the summary workbook and the
一卡通 payout file."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.rules import is_village_cadre
from touyan.accounts.scope import officials_only, require
from touyan.core.errors import Conflict, InvalidInput, NotFound
from touyan.core.jobs import access_job, job_start
from touyan.core.models import Job
from touyan.core.queue import enqueue
from touyan.core.views import crumbs, web_errors
from touyan.regions import rules as region_rules
from touyan.regions.selectors import region_filter

from .. import outputs
from ..flows import PAYRUN
from ..forms import AdvanceForm, RunOpenForm
from ..models import PayRun
from ..rules import notice_last_day
from ..selectors import access_run, runs_in_scope
from ..selectors.pages import COLUMNS, lock_note, run_payslips, run_region_choices, run_stages
from ..services import payrun_advance, payrun_open, payrun_step
from ..services.runs import payrun_facts
from ..tasks import CALCULATE, calculate_run_task
from .common import INVALID, MODULE, apply_errors, attempt, can, filtered

if TYPE_CHECKING:
    from touyan.accounts.requests import AuthedRequest

S = PayRun.State
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

STAGES: tuple[tuple[str, Any], ...] = (
    (S.OPEN, gettext_lazy("开设批次")),
    (S.CALCULATED, gettext_lazy("计算工资")),
    (S.NOTICE, gettext_lazy("村内公示")),
    (S.TOWNSHIP, gettext_lazy("乡镇审批")),
    (S.FINANCE, gettext_lazy("县财政审批")),
    (S.DISBURSED, gettext_lazy("一卡通发放")),
    (S.CLOSED, gettext_lazy("关闭")),
)
STEP_TEXT: dict[str, tuple[Any, Any, str]] = {
    # step of flows.PAYRUN: (button, confirmation, icon)
    "publicise": (
        gettext_lazy("开始村内公示"),
        gettext_lazy(
            "将在各村公示本批次村干部报酬(三务公开)。公示后不能再重新计算,发现错误只能在下月批次中更正。确定开始公示?"
        ),
        "megaphone",
    ),
    "approve_township": (
        gettext_lazy("乡镇审批通过"),
        gettext_lazy("确认公示期满、无异议,乡镇审批通过后报县财政审批。确定审批通过?"),
        "check2-square",
    ),
    "approve_finance": (
        gettext_lazy("县财政审批通过"),
        gettext_lazy("县财政审批通过后即可下载一卡通发放文件。确定审批通过?"),
        "bank",
    ),
    "disburse": (
        gettext_lazy("确认已发放"),
        gettext_lazy("确认已通过一卡通把本批次全部金额发放到每人账户?此操作不能撤销。"),
        "cash-coin",
    ),
    "close": (
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
COLUMN_LABELS = {
    "base": gettext_lazy("基本报酬"),
    "performance": gettext_lazy("绩效报酬"),
    "subsidy": gettext_lazy("补贴"),
}


def _open_form(request: AuthedRequest, data: Any = None) -> RunOpenForm:
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    form = RunOpenForm(data, initial={"region": request.user.region_id, "month": last_month.strftime("%Y-%m")})
    form.fields["region"].choices = run_region_choices(actor=request.user)  # type: ignore[attr-defined]
    return form


def _runs_page(request: AuthedRequest, form: RunOpenForm) -> HttpResponse:
    region, region_filter = filtered(request)
    state = request.GET.get("state") or ""
    qs = runs_in_scope(actor=request.user, region=region, state=state)
    context = {
        "form": form,
        "page": Paginator(qs, 30).get_page(request.GET.get("page")),
        "can_open": can(request, account_rules.CADRES_WRITE),
        "states": S.choices,
        "state": state,
        "region_filter": region_filter,
        "region_choices": form.fields["region"].choices,  # type: ignore[attr-defined]
        "breadcrumbs": crumbs((MODULE, None), (_("工资发放"), None)),
    }
    return render(request, "payroll/runs.html", context)


@login_required
@web_errors
def runs(request: AuthedRequest) -> HttpResponse:
    """The runs in scope; a POST opens one (as run_open)."""
    if is_village_cadre(request.user):
        return redirect("payroll:me")
    if request.method == "POST":
        return _open(request)
    return _runs_page(request, _open_form(request))


@login_required
@require_POST
@web_errors
def run_open(request: AuthedRequest) -> HttpResponse:
    """WF-8: open the month's run of a township or county (payrun_open)."""
    officials_only(request.user)
    return _open(request)


def _open(request: AuthedRequest) -> HttpResponse:
    data = request.POST.copy()
    with contextlib.suppress(region_rules.BadCode):  # a 9-digit code names the same region as 12 digits
        data["region"] = region_rules.normalize_code(data.get("region", ""))
    form = _open_form(request, data)
    require(request.user, account_rules.CADRES_WRITE)
    if form.is_valid():
        try:
            d = form.cleaned_data
            run = payrun_open(actor=request.user, region_code=d["region"], month=d["month"])
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已开设 %(m)s 工资批次,下一步:计算工资") % {"m": run.month.strftime("%Y-%m")})
            return redirect("payroll:run", run_id=run.pk)
    return _runs_page(request, form)


def _notice_facts(run: PayRun) -> dict[str, Any]:
    """The guards' facts while the village notice runs (the button waits for its end), else none."""
    return payrun_facts(run) if run.state == S.NOTICE else {}


def _notice_until(facts: dict[str, Any]) -> dt.date | None:
    if not facts:
        return None
    return notice_last_day(facts.get("notice_from"), int(facts.get("notice_days") or 0), facts["today"])


def _actions(request: AuthedRequest, run: PayRun, facts: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The approval steps the user may take now (flows.PAYRUN.can, with the notice period's
    facts: no 乡镇审批 button before the notice ends), as buttons."""
    actions = []
    for t in PAYRUN.available(request.user, run, facts):
        if t.name in STEP_TEXT:
            label, confirm, icon = STEP_TEXT[t.name]
            actions.append({"name": t.name, "to": t.target, "label": label, "confirm": confirm, "icon": icon})
    if run.state == S.FINANCE and actions:
        actions[0]["confirm"] = _("确认已通过一卡通把合计 %(t)s 发放到 %(n)s 人的账户?此操作不能撤销。") % {
            "t": outputs.format_yuan(run.total),
            "n": run.payslip_count,
        }
    return actions


def _job(request: AuthedRequest) -> Job | None:
    raw = request.GET.get("job") or ""
    if not raw.isdigit():
        return None
    try:
        return access_job(actor=request.user, job_id=int(raw), kind=CALCULATE)
    except NotFound:
        return None


@login_required
@web_errors
def run_detail(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = access_run(actor=request.user, run_id=run_id)
    facts = _notice_facts(run)
    actions = _actions(request, run, facts)
    can_calc = PAYRUN.can(request.user, run, "calculate")
    chosen = region_filter(actor=request.user, code=request.GET.get("village"), param="village")
    village = chosen.code if chosen is not None else ""
    context = run_payslips(run=run, village=village, page_number=request.GET.get("page")) | {
        "run": run,
        "stages": run_stages(run, STAGES),
        "lock_note": lock_note(run),
        "actions": actions,
        "can_calc": can_calc,
        "waiting": WAITING[run.state] if not actions and not can_calc else "",
        "notice_until": _notice_until(facts),
        "village": village,
        "columns": [COLUMN_LABELS[key] for key, _comps in COLUMNS],
        "job": _job(request),
        "missing": outputs.payout_missing_accounts(run) if run.state != S.OPEN else [],
        "is_finance": request.user.role == Role.FINANCE,
        "payout_ready": run.state in outputs.PAYOUT_STATES,
        "advance_form": AdvanceForm(),
        "breadcrumbs": crumbs(
            (MODULE, None), (_("工资发放"), reverse("payroll:runs")), (f"{run.region.name} {run.month:%Y-%m}", None)
        ),
    }
    return render(request, "payroll/run.html", context)


@login_required
@require_POST
@web_errors
def run_calculate(request: AuthedRequest, run_id: int) -> HttpResponse:
    """Start the calculation as a task; the run page shows its progress and result."""
    run = access_run(actor=request.user, run_id=run_id)
    require(request.user, account_rules.CADRES_WRITE)
    if run.state not in PAYRUN.get("calculate").source:
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
def run_step(request: AuthedRequest, run_id: int, step: str) -> HttpResponse:
    """One WF-8 approval step (flows.PAYRUN), with an optional note."""
    if step not in STEP_TEXT:
        raise Http404(_("未找到该操作"))
    run = access_run(actor=request.user, run_id=run_id)
    form = AdvanceForm({"to": step, "note": request.POST.get("note", "")})
    note = form.cleaned_data["note"] if form.is_valid() else ""
    attempt(request, lambda: payrun_step(actor=request.user, run=run, name=step, note=note), _done)
    return redirect("payroll:run", run_id=run.pk)


@login_required
@require_POST
@web_errors
def run_advance(request: AuthedRequest, run_id: int) -> HttpResponse:
    """The step that leads to the state `to` (the form of earlier pages; run_step is one URL per step)."""
    run = access_run(actor=request.user, run_id=run_id)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, INVALID)
        return redirect("payroll:run", run_id=run.pk)
    d = form.cleaned_data
    attempt(request, lambda: payrun_advance(actor=request.user, run_id=run.pk, to=d["to"], note=d["note"]), _done)
    return redirect("payroll:run", run_id=run.pk)


def _done(run: PayRun) -> str:
    return _("已办理:%(s)s") % {"s": run.get_state_display()}


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
