"""Pages of 四议两公开 (WF-3) and of spending with joint sign-off (R-FIN-01/02, 村账乡代管).

Thin: the selectors decide what a user sees (outside: 404), the services decide the rest; the
buttons shown are the flows' `available` answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touyan.accounts.requests import AuthedRequest
from touyan.core.errors import DomainError
from touyan.core.views import crumbs, web_errors
from touyan.policy.selectors import policy_resolve_many

from .. import relations, rules, selectors, services
from ..flows import DECISION, SPEND
from ..forms import DecisionForm, ReasonForm, SignForm, SpendForm, StepForm
from ..models import Decision, DecisionStep, Expenditure, Objection
from .common import TONES, show_error, village_choices, village_filtered


@login_required
@web_errors
def home(request: AuthedRequest) -> HttpResponse:
    """村务 at a glance: what waits for the user, and the alerts (disclosures due, objections overdue)."""
    user, today = request.user, timezone.localdate()
    villages = list(selectors.villages_in_scope(actor=user).select_related("parent")[:500])
    decisions = selectors.decisions_in_scope(actor=user).exclude(state__in=["closed", "rejected"])
    spends = list(selectors.expenditures_in_scope(actor=user).filter(state="signing")[:200])
    mine = [e for e in spends if e.next_role and relations.signer_may(e.next_role, user, e.village_id)]
    objections = selectors.objections_in_scope(actor=user).filter(state=Objection.State.OPEN)
    due = (
        selectors.disclosures_due(
            villages=villages[:60], policies=policy_resolve_many([v.code for v in villages[:60]], today), today=today
        )
        if villages
        else []
    )
    context = {
        "villages": villages,
        "decisions_open": decisions.count(),
        "decisions": list(decisions[:8]),
        "mine": mine[:10],
        "objections_open": objections.count(),
        "objections_overdue": objections.filter(reply_due__lt=today).count(),
        "due_overdue": [d for d in due if d.overdue][:20],
        "due_count": len(due),
        "drafts": selectors.items_in_scope(actor=user).exclude(state="published").count(),
        "tones": TONES,
        "is_village": user.role == "cadre",
        "breadcrumbs": crumbs((_("村务管理"), None)),
    }
    return render(request, "affairs/home.html", context)


# --- decisions -----------------------------------------------------------------------------------


@login_required
@web_errors
def decisions(request: AuthedRequest) -> HttpResponse:
    qs, village = village_filtered(request, selectors.decisions_in_scope(actor=request.user))
    state = request.GET.get("state", "")
    if state in Decision.State.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "affairs/decisions.html",
        {
            "page": page,
            "states": Decision.State.choices,
            "state": state,
            "villages": village_choices(request),
            "village": village,
            "tones": TONES,
            "breadcrumbs": crumbs((_("村务管理"), reverse("affairs:home")), (_("四议两公开"), None)),
        },
    )


@login_required
@web_errors
def decision_new(request: AuthedRequest) -> HttpResponse:
    form = DecisionForm(request.POST or None, villages=village_choices(request))
    if request.method == "POST" and form.is_valid():
        try:
            d = services.decision_create(
                actor=request.user,
                village_code=form.cleaned_data["village"],
                title=form.cleaned_data["title"],
                category=form.cleaned_data["category"],
                amount=form.cleaned_data["amount"],
            )
        except DomainError as exc:
            show_error(request, form, exc)
        else:
            messages.success(request, _("已新建事项 %(r)s,请登记第一步:党组织提议") % {"r": d.ref})
            return redirect("affairs:decision", decision_id=d.pk)
    return render(
        request,
        "affairs/form.html",
        {
            "form": form,
            "title": _("新建四议两公开事项"),
            "help": _(
                "村规民约、发展规划和预算、集体土地和资产处置、集体举债、项目和公益事业、补偿款分配,以及金额达到重大事项标准的开支,须经四议两公开。"
            ),
            "breadcrumbs": crumbs((_("四议两公开"), reverse("affairs:decisions")), (_("新建"), None)),
        },
    )


def _step_form(decision: Decision, steps: dict[int, DecisionStep]) -> StepForm | None:
    nxt = rules.next_step(set(steps), decision.merged_1_2)
    if decision.state in ("closed", "rejected") or nxt is None:
        return None
    return StepForm(initial={"step": nxt, "sc_signed": True, "date": timezone.localdate()})


@login_required
@web_errors
def decision(request: AuthedRequest, decision_id: int, form: StepForm | None = None) -> HttpResponse:
    d = selectors.access_decision(actor=request.user, decision_id=decision_id)
    steps = selectors.current_steps(d)
    step_form = form or _step_form(d, steps)
    can_record = relations.is_head(request.user, d.village_id) or relations.is_township(request.user, d.village_id)
    rows = [
        {"n": n, "label": rules.STEP_LABELS[n], "s": steps.get(n), "merged": d.merged_1_2 and n == 2}
        for n in range(1, 7)
    ]
    policy = policy_resolve_many([d.village_id])[d.village_id]
    return render(
        request,
        "affairs/decision.html",
        {
            "d": d,
            "rows": rows,
            "step_form": step_form if can_record else None,
            "next_label": rules.STEP_LABELS.get(int(step_form["step"].value())) if step_form else "",
            "can_reject": DECISION.can(request.user, d, "reject"),
            "can_revise": DECISION.can(request.user, d, "revise"),
            "is_supervisor": relations.is_supervisor(request.user, d.village_id),
            "reason_form": ReasonForm(),
            "needs": rules.needs_decision(d.category, d.amount, policy["major_matter_threshold"]),
            "items": list(d.items.all()),
            "spends": list(d.expenditures.all()),
            "tones": TONES,
            "may_merge": d.state == "draft",
            "files": {s.pk: list(s.files.all()) for s in steps.values()},
            "breadcrumbs": crumbs((_("四议两公开"), reverse("affairs:decisions")), (d.ref, None)),
        },
    )


def _step_in(data: dict[str, Any]) -> services.StepIn:
    return services.StepIn(
        step=data["step"],
        date=data["date"],
        due=data.get("due") or 0,
        present=data.get("present") or 0,
        yes=data.get("yes") or 0,
        no=data.get("no") or 0,
        kind=data.get("kind") or "",
        households_due=data.get("households_due"),
        households_present=data.get("households_present"),
        merge_1_2=bool(data.get("merge_1_2")),
        supervisors_present=data.get("supervisors_present"),
        township_present=bool(data.get("township_present")),
        sc_signed=bool(data.get("sc_signed")),
        note=data.get("note") or "",
    )


@login_required
@web_errors
@require_POST
def decision_step(request: AuthedRequest, decision_id: int) -> HttpResponse:
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("未保存:请修改标红的字段。"))
        return decision(request, decision_id, form=form)
    try:
        d = services.decision_step(actor=request.user, decision_id=decision_id, data=_step_in(form.cleaned_data))
    except DomainError as exc:
        show_error(request, form, exc)
        return decision(request, decision_id, form=form)
    messages.success(request, _("已登记,当前状态:%(s)s") % {"s": d.get_state_display()})
    return redirect("affairs:decision", decision_id=decision_id)


@login_required
@web_errors
@require_POST
def decision_reject(request: AuthedRequest, decision_id: int) -> HttpResponse:
    try:
        services.decision_reject(actor=request.user, decision_id=decision_id, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        show_error(request, None, exc)
    return redirect("affairs:decision", decision_id=decision_id)


@login_required
@web_errors
@require_POST
def decision_revise(request: AuthedRequest, decision_id: int) -> HttpResponse:
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            services.decision_revise(
                actor=request.user,
                decision_id=decision_id,
                data=_step_in(form.cleaned_data),
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("已修改并重新提议"))
        except DomainError as exc:
            show_error(request, None, exc)
    else:
        messages.error(request, _("请填写党组织重新提议的会议情况"))
    return redirect("affairs:decision", decision_id=decision_id)


@login_required
@web_errors
@require_POST
def step_sign(request: AuthedRequest, decision_id: int, step: int) -> HttpResponse:
    try:
        services.step_countersign(actor=request.user, decision_id=decision_id, step=step)
        messages.success(request, _("已签字确认"))
    except DomainError as exc:
        show_error(request, None, exc)
    return redirect("affairs:decision", decision_id=decision_id)


@login_required
@web_errors
@require_POST
def step_file(request: AuthedRequest, decision_id: int, step: int) -> HttpResponse:
    d = selectors.access_decision(actor=request.user, decision_id=decision_id)
    row = DecisionStep.objects.filter(decision=d, round=d.round, step=step).first()
    upload = request.FILES.get("file")
    if row is None or upload is None:
        messages.error(request, _("请选择要上传的文件"))
    else:
        try:
            services.attachment_add(actor=request.user, owner=row, upload=upload, kind=request.POST.get("kind", ""))
            messages.success(request, _("已上传"))
        except DomainError as exc:
            show_error(request, None, exc)
    return redirect("affairs:decision", decision_id=decision_id)


# --- spending ------------------------------------------------------------------------------------------


@login_required
@web_errors
def spending(request: AuthedRequest) -> HttpResponse:
    """The township's accountant view (村账乡代管): every village's spending, what waits for whom."""
    qs, village = village_filtered(request, selectors.expenditures_in_scope(actor=request.user))
    state = request.GET.get("state", "")
    if state in Expenditure.State.values:
        qs = qs.filter(state=state)
    totals = qs.aggregate(n=Count("id"), total=Sum("amount"), waiting=Count("id", filter=Q(state="signing")))
    by_village = (
        qs.values("village_id", "village__name")
        .annotate(n=Count("id"), total=Sum("amount"), booked=Sum("amount", filter=Q(state="booked")))
        .order_by("village_id")[:200]
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "affairs/spending.html",
        {
            "page": page,
            "totals": totals,
            "by_village": by_village,
            "villages": village_choices(request),
            "village": village,
            "state": state,
            "states": Expenditure.State.choices,
            "tones": TONES,
            "labels": rules.SIGNER_LABELS,
            "breadcrumbs": crumbs((_("村务管理"), reverse("affairs:home")), (_("联审联签"), None)),
        },
    )


@login_required
@web_errors
def spend_new(request: AuthedRequest) -> HttpResponse:
    form = SpendForm(request.POST or None, villages=village_choices(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            e = services.expenditure_create(
                actor=request.user,
                village_code=data["village"],
                amount=data["amount"] or Decimal(0),
                purpose=data["purpose"],
                payee=data["payee"],
                decision_id=data["decision"],
                is_works=data["is_works"],
            )
        except DomainError as exc:
            show_error(request, form, exc)
        else:
            messages.success(request, _("已登记,等待审签"))
            return redirect("affairs:spend", expenditure_id=e.pk)
    return render(
        request,
        "affairs/form.html",
        {
            "form": form,
            "title": _("登记村级支出"),
            "help": _(
                "经办人取得有效票据并注明用途后登记;按金额档次依次由监委会审核、书记或主任审批(或两委会议及包村干部、乡镇审批),最后由乡镇代理会计审核记账。"
            ),
            "breadcrumbs": crumbs((_("联审联签"), reverse("affairs:spending")), (_("登记支出"), None)),
        },
    )


@login_required
@web_errors
def spend(request: AuthedRequest, expenditure_id: int) -> HttpResponse:
    e = selectors.access_expenditure(actor=request.user, expenditure_id=expenditure_id)
    done = {s.position: s for s in e.signoffs.all()}
    rows = [
        {
            "role": r,
            "label": rules.SIGNER_LABELS.get(r, r),
            "s": done.get(i),
            "next": i == e.next_index and e.state == "signing",
        }
        for i, r in enumerate(e.signers)
    ]
    can_sign = e.next_role is not None and relations.signer_may(e.next_role, request.user, e.village_id)
    closed = bool(e.decision_id) and e.decision is not None and e.decision.state == "closed"
    return render(
        request,
        "affairs/spend.html",
        {
            "e": e,
            "rows": rows,
            "can_sign": can_sign and e.created_by_id != request.user.pk,
            "sign_form": SignForm(),
            "blocked": e.needs_decision and not closed,
            "can_link": e.state == "signing"
            and (relations.is_head(request.user, e.village_id) or relations.is_township(request.user, e.village_id)),
            "decisions": list(
                selectors.decisions_in_scope(actor=request.user).filter(village_id=e.village_id, state="closed")[:50]
            ),
            "files": list(e.files.all()),
            "tones": TONES,
            "available": [t.name for t in SPEND.transitions],
            "breadcrumbs": crumbs((_("联审联签"), reverse("affairs:spending")), (f"#{e.pk}", None)),
        },
    )


@login_required
@web_errors
@require_POST
def spend_sign(request: AuthedRequest, expenditure_id: int) -> HttpResponse:
    approve = request.POST.get("approve", "1") == "1"
    try:
        e = services.expenditure_sign(
            actor=request.user, expenditure_id=expenditure_id, approve=approve, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("已签批,当前状态:%(s)s") % {"s": e.get_state_display()})
    except DomainError as exc:
        show_error(request, None, exc)
    return redirect("affairs:spend", expenditure_id=expenditure_id)


@login_required
@web_errors
@require_POST
def spend_link(request: AuthedRequest, expenditure_id: int) -> HttpResponse:
    raw = request.POST.get("decision", "")
    try:
        services.expenditure_link(
            actor=request.user, expenditure_id=expenditure_id, decision_id=int(raw) if raw.isdigit() else 0
        )
        messages.success(request, _("已关联决策事项"))
    except DomainError as exc:
        show_error(request, None, exc)
    return redirect("affairs:spend", expenditure_id=expenditure_id)


@login_required
@web_errors
@require_POST
def spend_file(request: AuthedRequest, expenditure_id: int) -> HttpResponse:
    e = selectors.access_expenditure(actor=request.user, expenditure_id=expenditure_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要上传的文件"))
    else:
        try:
            services.attachment_add(actor=request.user, owner=e, upload=upload, kind="invoice")
            messages.success(request, _("已上传"))
        except DomainError as exc:
            show_error(request, None, exc)
    return redirect("affairs:spend", expenditure_id=expenditure_id)
