"""Collective-economy rewards (R-PAY-08: proposal, the township's decision — one POST URL for
approving, one for rejecting), honours (R-PAY-09) and condolence payments (R-PAY-11)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from touyan.accounts import rules as account_rules
from touyan.accounts.scope import officials_only, require
from touyan.core.errors import Conflict, InvalidInput, NotFound
from touyan.core.views import crumbs, web_errors
from touyan.policy.selectors import policy_resolve
from touyan.regions import rules as region_rules
from touyan.regions.models import Region
from touyan.regions.selectors import access_region

from .. import outputs
from ..flows import REWARD
from ..forms import CondolenceForm, DecideForm, HonourForm, RewardForm
from ..models import Adjustment
from ..selectors import access_reward, adjustments_in_scope, rewards_in_scope
from ..selectors.benefits import reward_eligible
from ..selectors.pages import timeline
from ..services import condolence_grant, honour_award, reward_approve, reward_propose
from .common import (
    INVALID,
    MODULE,
    apply_errors,
    attempt,
    can,
    filtered,
    region_of,
    village_options,
    village_step,
    year_of,
)

if TYPE_CHECKING:
    from touyan.accounts.requests import AuthedRequest

REWARDS = gettext_lazy("集体经济发展奖励")


@login_required
@web_errors
def rewards(request: AuthedRequest) -> HttpResponse:
    officials_only(request.user)
    region, code = filtered(request)
    qs = rewards_in_scope(actor=request.user, region=region).annotate(increase=F("income") - F("previous_income"))
    context = {
        "page": Paginator(qs, 30).get_page(request.GET.get("page")),
        "region_filter": code,
        "can_write": can(request, account_rules.CADRES_WRITE),
        "breadcrumbs": crumbs((MODULE, None), (REWARDS, None)),
    }
    return render(request, "payroll/rewards.html", context)


def _reward_preview(request: AuthedRequest, last_year: int) -> tuple[list[Any], Any]:
    """The chosen village's 两委 members and whether each shares (R-PAY-08), before proposing."""
    village = (request.POST.get("village") or request.GET.get("village") or "").strip()
    if not village:
        return [], None
    region: Region | None = None
    if request.method == "GET":
        region = region_of(request, village)  # outside the scope: 404
    else:
        try:
            region = access_region(actor=request.user, code=village)
        except (NotFound, InvalidInput):
            region = None
    if region is None or region.level != region_rules.VILLAGE:
        return [], None
    policy = policy_resolve(region.code)
    year = year_of(request.POST.get("year") or request.GET.get("year"), last_year)
    members = reward_eligible(village_code=region.code, year=year, min_months=policy["reward_min_months_in_post"])
    return members, policy


@login_required
@web_errors
def reward_new(request: AuthedRequest) -> HttpResponse:
    officials_only(request.user)
    require(request.user, account_rules.CADRES_WRITE)
    last_year = timezone.localdate().year - 1
    form = RewardForm(request.POST or None, initial={"village": request.GET.get("village", ""), "year": last_year})
    form.fields["village"].choices = village_options(request)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            reward = reward_propose(
                actor=request.user,
                village_code=d["village"],
                year=d["year"],
                income=d["income"],
                previous_income=d["previous_income"],
                decision_ref=d["decision_ref"],
            )
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已申报,等待乡镇审批"))
            return redirect("payroll:reward", reward_id=reward.pk)
    preview, policy = _reward_preview(request, last_year)
    context = {
        "form": form,
        "village_groups": [c for c in form.fields["village"].choices if isinstance(c[1], list)],  # type: ignore[attr-defined]
        "preview": preview,
        "policy": policy,
        "defaults": policy_resolve(request.user.region_id) if request.user.region_id else policy_resolve(None),
        "breadcrumbs": crumbs((MODULE, None), (REWARDS, reverse("payroll:rewards")), (_("申报"), None)),
    }
    return render(request, "payroll/reward_new.html", context)


@login_required
@web_errors
def reward_detail(request: AuthedRequest, reward_id: int) -> HttpResponse:
    reward = access_reward(actor=request.user, reward_id=reward_id)
    paid = Adjustment.objects.filter(
        kind=Adjustment.Kind.REWARD, village_id=reward.village_id, reason__startswith=str(reward.year)
    )
    context = {
        "reward": reward,
        "increase": reward.income - reward.previous_income,
        "policy": policy_resolve(reward.village_id, dt.date(reward.year, 12, 31)),
        "timeline": timeline(reward),
        "can_decide": REWARD.can(request.user, reward, "approve"),
        "adjustments": paid.select_related("run", "person"),
        "form": DecideForm(),
        "breadcrumbs": crumbs(
            (MODULE, None), (REWARDS, reverse("payroll:rewards")), (f"{reward.village.name} {reward.year}", None)
        ),
    }
    return render(request, "payroll/reward.html", context)


def _decide(request: AuthedRequest, reward_id: int, *, approve: bool) -> HttpResponse:
    reward = access_reward(actor=request.user, reward_id=reward_id)
    note = (request.POST.get("note") or "")[:300]
    done = _("已批准,奖励将在该村下一个工资批次发放") if approve else _("已驳回")
    attempt(
        request,
        lambda: reward_approve(actor=request.user, reward_id=reward.pk, approve=approve, note=note),
        lambda _reward: done,
    )
    return redirect("payroll:reward", reward_id=reward.pk)


@login_required
@require_POST
@web_errors
def reward_approve_view(request: AuthedRequest, reward_id: int) -> HttpResponse:
    """R-PAY-08: the township approves a proposed reward (its shares are paid in the next run)."""
    return _decide(request, reward_id, approve=True)


@login_required
@require_POST
@web_errors
def reward_reject(request: AuthedRequest, reward_id: int) -> HttpResponse:
    """R-PAY-08: the township rejects a proposed reward, with a reason."""
    return _decide(request, reward_id, approve=False)


@login_required
@require_POST
@web_errors
def reward_decide(request: AuthedRequest, reward_id: int) -> HttpResponse:
    """The decision as the earlier form sent it (`decision` = approve | reject)."""
    form = DecideForm(request.POST)
    if not form.is_valid():
        access_reward(actor=request.user, reward_id=reward_id)  # outside the scope: 404
        messages.error(request, INVALID)
        return redirect("payroll:reward", reward_id=reward_id)
    return _decide(request, reward_id, approve=form.cleaned_data["decision"] == "approve")


# ---------------------------------------------------------------------------
# Honours (R-PAY-09) and condolence payments (R-PAY-11): one-off payments in the next run
# ---------------------------------------------------------------------------

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
    officials_only(request.user)
    conf = ONE_OFF[kind]
    region, code = filtered(request)
    qs = adjustments_in_scope(actor=request.user, kind=kind, region=region)
    context = {
        "conf": conf,
        "kind": kind,
        "page": Paginator(qs, 30).get_page(request.GET.get("page")),
        "region_filter": code,
        "can_write": can(request, account_rules.CADRES_WRITE),
        "breadcrumbs": crumbs((MODULE, None), (conf["title"], None)),
    }
    return render(request, "payroll/adjustments.html", context)


def _grant(request: AuthedRequest, kind: str, d: dict[str, Any]) -> Adjustment:
    if kind == Adjustment.Kind.HONOUR:
        return honour_award(actor=request.user, cadre_id=d["cadre"], level=d["level"], title=d["title"])
    return condolence_grant(actor=request.user, cadre_id=d["cadre"], kind=d["kind"])


def _one_off_new(request: AuthedRequest, kind: str) -> HttpResponse:
    officials_only(request.user)
    require(request.user, account_rules.CADRES_WRITE)
    conf = ONE_OFF[kind]
    form = conf["form"](request.POST or None, initial={"village": request.GET.get("village", "")})
    village, groups = village_step(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            adj = _grant(request, kind, form.cleaned_data)
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            done = {"n": adj.person.name, "a": outputs.format_yuan(adj.amount)}
            messages.success(request, _("已登记 %(n)s %(a)s,将在下一个工资批次发放") % done)
            return redirect(conf["list"])
    context = {
        "conf": conf,
        "kind": kind,
        "form": form,
        "village": village,
        "village_groups": groups,
        "policy": policy_resolve(village) if village and form.fields["cadre"].choices else None,
        "breadcrumbs": crumbs((MODULE, None), (conf["title"], reverse(conf["list"])), (_("登记"), None)),
    }
    return render(request, "payroll/adjustment_new.html", context)


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
