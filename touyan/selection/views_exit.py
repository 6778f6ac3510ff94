"""Pages of the exit (WF-2): the list (with the overdue handovers and the departure allowances
to start), opening an exit (a recall with its petition), one exit with its steps — the audit
report, the county's approval, a recall's vote, the township's decision, the handover checklist
(R-ORG-10) — and payroll's departure allowance offered (R-PAY-10). Thin: page data from
selectors, one service per POST."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touyan.accounts.models import Role
from touyan.accounts.requests import AuthedRequest
from touyan.cadres.models import Post
from touyan.core.errors import DomainError, InvalidInput
from touyan.core.views import crumbs, web_errors

from . import rules, selectors, services
from .flows import EXIT, township
from .models import Exit, Trigger
from .views import TONES, _error, _officer, _prefix

EXIT_FIELDS = {
    "report_audit": ("date", "findings", "referred"),
    "approve": (),
    "approve_recall": (),
    "complete": ("end_date",),
    "withdraw": ("reason",),
}


@login_required
@web_errors
def exits(request: AuthedRequest) -> HttpResponse:
    _officer(request)
    today = timezone.localdate()
    qs = selectors.exits_in_scope(actor=request.user).order_by("-id")
    prefix = _prefix(request)
    if prefix:
        qs = qs.filter(village__code__startswith=prefix)
    state = request.GET.get("state", "")
    if state in Exit.State.values:
        qs = qs.filter(state=state)
    if request.GET.get("overdue") == "1":
        qs = qs.filter(state=Exit.State.HANDOVER, handover_due__lt=today)
    if request.GET.get("allowance") == "1":
        qs = qs.filter(pk__in=selectors.departure_offers(actor=request.user).values("pk"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "selection/exits.html",
        {
            "page": page,
            "tones": TONES,
            "today": today,
            "state": state,
            "states": Exit.State.choices,
            "can_open": request.user.role == Role.TOWNSHIP_OFFICER,
            "breadcrumbs": crumbs((_("离任管理"), None)),
        },
    )


def _int_or_none(value: str | None, field: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 7:
        raise InvalidInput(errors={field: _("请填写人数(整数)")})
    return int(value)


@login_required
@web_errors
def exit_new(request: AuthedRequest) -> HttpResponse:
    _officer(request)
    from touyan.accounts.scope import scope_filter

    posts = (
        scope_filter(Post.objects.filter(end_date__isnull=True).exclude(post="RSV"), request.user, "village__code")
        .select_related("person", "village")
        .order_by("village_id", "post")[:1000]
    )
    if request.method == "POST":
        p = request.POST
        try:
            e = services.exit_create(
                actor=request.user,
                post_id=int(p.get("post", "0") or 0) if (p.get("post", "0") or "0").isdigit() else 0,
                trigger=p.get("trigger", ""),
                reason=p.get("reason", ""),
                petition_by=p.get("petition_by", "") if p.get("trigger") == Trigger.RECALL else "",
                signatures=_int_or_none(p.get("signatures"), "signatures"),
                registered_voters=_int_or_none(p.get("registered_voters"), "registered_voters"),
                representatives=_int_or_none(p.get("representatives"), "representatives"),
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("已提出离任"))
            return redirect("selection:exit", exit_id=e.pk)
    return render(
        request,
        "selection/exit_new.html",
        {
            "posts": posts,
            "selected": request.GET.get("post", ""),
            "triggers": Trigger.choices,
            "values": request.POST,
            "breadcrumbs": crumbs((_("离任管理"), reverse("selection:exits")), (_("提出离任"), None)),
        },
    )


@login_required
@web_errors
def exit_page(request: AuthedRequest, exit_id: int) -> HttpResponse:
    e = selectors.access_exit(actor=request.user, exit_id=exit_id)
    today = timezone.localdate()
    done = set(e.handover_items or [])
    return render(
        request,
        "selection/exit.html",
        {
            "e": e,
            "actions": [(t, EXIT_FIELDS[t.name]) for t in EXIT.available(request.user, e) if t.name in EXIT_FIELDS],
            "can_vote": EXIT.can(request.user, e, "vote_fail"),
            # The township ticks items and finishes (the service refuses it while an item is missing).
            "can_handover": e.state == Exit.State.HANDOVER and township(request.user, e),
            "is_township": e.state == Exit.State.HANDOVER and request.user.role == Role.TOWNSHIP_OFFICER,
            "checklist": [(i, i.code in done) for i in rules.handover_checklist()],
            "overdue": rules.handover_overdue(e.handover_due, e.handover_done_on, today),
            "offer": selectors.departure_offer(e),
            "today": today,
            "tones": TONES,
            "breadcrumbs": crumbs((_("离任管理"), reverse("selection:exits")), (e.cadre.name, None)),
        },
    )


def _vote(request: AuthedRequest, exit_id: int) -> None:
    p = request.POST
    numbers = {k: _int_or_none(p.get(k), k) for k in ("registered_voters", "votes_cast", "votes_for")}
    missing = {k: _("请填写人数(整数)") for k, v in numbers.items() if v is None}
    date = parse_date(p.get("date", "") or "")
    if date is None:
        missing["date"] = _("请填写表决日期")
    if missing:
        raise InvalidInput(errors=missing)
    assert date is not None
    services.exit_recall_vote(
        actor=request.user,
        exit_id=exit_id,
        date=date,
        registered_voters=numbers["registered_voters"] or 0,
        votes_cast=numbers["votes_cast"] or 0,
        votes_for=numbers["votes_for"] or 0,
    )


def _step(request: AuthedRequest, exit_id: int, name: str) -> None:
    p = request.POST
    if name == "report_audit":
        date = parse_date(p.get("date", "") or "") or timezone.localdate()
        services.exit_audit_report(
            actor=request.user,
            exit_id=exit_id,
            date=date,
            findings=p.get("findings", ""),
            referred=p.get("referred") == "on",
        )
    elif name in ("approve", "approve_recall"):
        services.exit_approve(actor=request.user, exit_id=exit_id)
    elif name == "vote":
        _vote(request, exit_id)
    elif name == "complete":
        end = parse_date(p.get("end_date", "") or "")
        if end is None:
            raise InvalidInput(errors={"end_date": _("请填写离任日期")})
        services.exit_complete(actor=request.user, exit_id=exit_id, end_date=end)
    elif name == "handover_items":
        services.exit_handover_items(actor=request.user, exit_id=exit_id, items=p.getlist("items"))
    elif name == "handover":  # the ticks are kept even when an item is still missing
        services.exit_handover_items(actor=request.user, exit_id=exit_id, items=p.getlist("items"))
        services.exit_handover(actor=request.user, exit_id=exit_id)
    elif name == "withdraw":
        services.exit_withdraw(actor=request.user, exit_id=exit_id, reason=p.get("reason", ""))
    else:
        raise InvalidInput(errors={"action": _("无效的操作")})


@login_required
@require_POST
@web_errors
def exit_action(request: AuthedRequest, exit_id: int) -> HttpResponse:
    try:
        _step(request, exit_id, request.POST.get("action", ""))
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已办理"))
    return redirect("selection:exit", exit_id=exit_id)
