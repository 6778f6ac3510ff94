"""Departure allowances (R-PAY-10): the list, an application, an allowance's page and each step
of flows.DEPARTURE (one POST URL per step)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from touyan.accounts import rules as account_rules
from touyan.accounts.scope import officials_only, require
from touyan.core.errors import Conflict, InvalidInput
from touyan.core.views import crumbs, web_errors

from .. import outputs
from ..flows import DEPARTURE
from ..forms import DepartureAdvanceForm, DepartureForm
from ..models import DepartureAllowance
from ..rules import notice_last_day
from ..selectors import access_departure, departures_in_scope
from ..selectors.pages import timeline
from ..services import departure_advance as advance
from ..services import departure_apply, departure_step
from ..services.departure import departure_notice_facts
from .common import MODULE, apply_errors, attempt, can, filtered, village_step

if TYPE_CHECKING:
    from touyan.accounts.requests import AuthedRequest

DS = DepartureAllowance.State
TITLE = gettext_lazy("离任生活补贴")
STEP_TEXT: dict[str, tuple[Any, Any]] = {
    # step of flows.DEPARTURE: (button, confirmation)
    "village_check": (gettext_lazy("村级审核通过"), gettext_lazy("确认村级已审核申请材料?")),
    "township_check": (gettext_lazy("乡镇审核通过"), gettext_lazy("确认乡镇已审核任职年限和资格?")),
    "publicise": (gettext_lazy("开始公示"), gettext_lazy("将在村内公示申请人和补贴标准。确定?")),
    "approve": (
        gettext_lazy("县级批准"),
        gettext_lazy("批准后按现任书记基本报酬重新核定月补贴,从起发月份起每月列入工资批次。确定批准?"),
    ),
    "reject": (gettext_lazy("不符合条件"), gettext_lazy("确定认定不符合条件?请在意见中说明理由。")),
    "reject_after_notice": (gettext_lazy("不符合条件"), gettext_lazy("确定认定不符合条件?请在意见中说明理由。")),
    "stop": (gettext_lazy("停发"), gettext_lazy("从停发月份起不再发放(如去世)。确定停发?")),
}


@login_required
@web_errors
def departures(request: AuthedRequest) -> HttpResponse:
    officials_only(request.user)
    region, code = filtered(request)
    state = request.GET.get("state") or ""
    qs = departures_in_scope(actor=request.user, region=region, state=state)
    context = {
        "page": Paginator(qs, 30).get_page(request.GET.get("page")),
        "region_filter": code,
        "state": state,
        "states": DS.choices,
        "can_write": can(request, account_rules.CADRES_WRITE),
        "breadcrumbs": crumbs((MODULE, None), (TITLE, None)),
    }
    return render(request, "payroll/departures.html", context)


@login_required
@web_errors
def departure_new(request: AuthedRequest) -> HttpResponse:
    officials_only(request.user)
    require(request.user, account_rules.CADRES_WRITE)
    form = DepartureForm(request.POST or None, initial={"village": request.GET.get("village", "")})
    village, groups = village_step(request, form, former=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            allowance = departure_apply(
                actor=request.user,
                cadre_id=d["cadre"],
                criminal=d["criminal"],
                expelled=d["expelled"],
                public_employment=d["public_employment"],
                pension_monthly=d["pension_monthly"] or Decimal(0),
                note=d["note"],
            )
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已受理申请,下一步:村级审核"))
            return redirect("payroll:departure", departure_id=allowance.pk)
    context = {
        "form": form,
        "village": village,
        "village_groups": groups,
        "breadcrumbs": crumbs((MODULE, None), (TITLE, reverse("payroll:departures")), (_("申请"), None)),
    }
    return render(request, "payroll/departure_new.html", context)


@login_required
@web_errors
def departure_detail(request: AuthedRequest, departure_id: int) -> HttpResponse:
    allowance = access_departure(actor=request.user, departure_id=departure_id)
    facts: dict[str, Any] = {}
    if allowance.state == DS.NOTICE:  # the county's button waits for the notice's end
        facts = {"today": timezone.localdate(), **departure_notice_facts(allowance)}
    notice_until = (
        notice_last_day(facts["notice_from"], int(facts["notice_days"] or 0), facts["today"]) if facts else None
    )
    actions = [
        {
            "name": t.name,
            "to": t.target,
            "label": STEP_TEXT[t.name][0],
            "confirm": STEP_TEXT[t.name][1],
            "danger": t.target in (DS.REJECTED, DS.STOPPED),
        }
        for t in DEPARTURE.available(request.user, allowance, facts)
    ]
    context = {
        "a": allowance,
        "words": outputs.departure_words(allowance),
        "actions": actions,
        "notice_until": notice_until,
        "timeline": timeline(allowance),
        "form": DepartureAdvanceForm(),
        "breadcrumbs": crumbs((MODULE, None), (TITLE, reverse("payroll:departures")), (allowance.person.name, None)),
    }
    return render(request, "payroll/departure.html", context)


def _form_errors(form: DepartureAdvanceForm) -> str:
    return "; ".join(str(e) for errs in form.errors.values() for e in errs)


@login_required
@require_POST
@web_errors
def departure_step_view(request: AuthedRequest, departure_id: int, step: str) -> HttpResponse:
    """One step of flows.DEPARTURE, with the note (required to reject) and the stop month."""
    if step not in STEP_TEXT:
        raise Http404(_("未找到该操作"))
    allowance = access_departure(actor=request.user, departure_id=departure_id)
    form = DepartureAdvanceForm({"to": step, **{k: request.POST.get(k, "") for k in ("note", "stop_month")}})
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("payroll:departure", departure_id=allowance.pk)
    d = form.cleaned_data

    def take() -> DepartureAllowance:
        return departure_step(
            actor=request.user, allowance=allowance, name=step, note=d["note"], stop_month=d["stop_month"]
        )

    attempt(request, take, _done)
    return redirect("payroll:departure", departure_id=allowance.pk)


def _done(allowance: DepartureAllowance) -> str:
    return _("已办理:%(s)s") % {"s": allowance.get_state_display()}


@login_required
@require_POST
@web_errors
def departure_advance(request: AuthedRequest, departure_id: int) -> HttpResponse:
    """The step that leads to the state `to` (the form of earlier pages; departure_step is one URL per step)."""
    allowance = access_departure(actor=request.user, departure_id=departure_id)
    form = DepartureAdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("payroll:departure", departure_id=allowance.pk)
    d = form.cleaned_data

    def take() -> DepartureAllowance:
        return advance(
            actor=request.user, departure_id=allowance.pk, to=d["to"], note=d["note"], stop_month=d["stop_month"]
        )

    attempt(request, take, _done)
    return redirect("payroll:departure", departure_id=allowance.pk)
