"""Pages of selection and exit: the township's selection board (cases by state), a case with its
actions, a reviewer's queue (phone-friendly, a page cleared in one action), the county's quota
board and overdue reviews, exits. Thin: page data from selectors, one service per POST."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touyan.accounts.models import Department, Role
from touyan.accounts.requests import AuthedRequest
from touyan.cadres.models import PostCode
from touyan.cadres.rules import age_on
from touyan.core.errors import DomainError, InvalidInput
from touyan.core.urlparams import query_int
from touyan.core.views import crumbs, web_errors
from touyan.regions.current import current_region

from . import selectors, services
from .flows import CASE
from .models import Case, Purpose, RecordKind, RecordLevel, Review

TONES = {
    "nominated": "secondary",
    "township_review": "warning",
    "joint_review": "info",
    "cleared": "success",
    "rejected": "danger",
    "soft_flag": "warning",
    "publicity": "primary",
    "in_office": "success",
    "withdrawn": "secondary",
    "proposed": "secondary",
    "county_review": "info",
    "statutory_procedure": "info",
    "decided": "primary",
    "handover": "warning",
    "filed": "success",
    "pending": "secondary",
    "overdue": "danger",
    "answered": "success",
}


def _error(request: AuthedRequest, exc: DomainError) -> None:
    messages.error(request, exc.text() if isinstance(exc, InvalidInput) else exc.message)


def _prefix(request: AuthedRequest) -> str:
    region = current_region(request)
    return region.prefix if region is not None else ""


def _officer(request: AuthedRequest) -> None:
    if not selectors.is_official(request.user):
        raise PermissionDenied(_("您的角色无权查看选用管理"))


# --- the selection board ----------------------------------------------------------------------------
@login_required
@web_errors
def board(request: AuthedRequest) -> HttpResponse:
    _officer(request)
    state = request.GET.get("state", "")
    prefix = _prefix(request)
    all_cases = selectors.board(actor=request.user, prefix=prefix)
    counts = selectors.state_counts(all_cases)
    qs = all_cases.filter(state=state) if state else all_cases
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "selection/board.html",
        {
            "page": page,
            "state": state,
            "states": [(s.value, s.label, counts.get(s.value, 0)) for s in Case.State],
            "tones": TONES,
            "is_county": request.user.role == Role.ADMIN or request.user.is_superuser,
            "breadcrumbs": crumbs((_("选用管理"), None)),
        },
    )


@login_required
@web_errors
def case_new(request: AuthedRequest) -> HttpResponse:
    _officer(request)
    values: dict[str, Any] = {"cadre": request.GET.get("cadre", ""), "purpose": "election", "post": "VM"}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in ("cadre", "purpose", "post", "tier", "election_round")}
        values["full_time"] = request.POST.get("full_time") == "on"
        try:
            from touyan.cadres.selectors import access_cadre

            cadre_id = int(values["cadre"] or 0)
            person = access_cadre(actor=request.user, cadre_id=cadre_id)
            case = services.case_create(
                actor=request.user,
                cadre_id=cadre_id,
                purpose=values["purpose"],
                village=person.village_id,
                post=values["post"],
                full_time=values["full_time"],
                professionalized=values["purpose"] in ("professional_secretary", "young_professional"),
                tier=int(values["tier"]) if values.get("tier") else None,
                election_round=values.get("election_round", ""),
            )
        except ValueError:
            messages.error(request, _("请填写干部档案编号"))
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("已提名,请核对资格条件后提交部门联审"))
            return redirect("selection:case", case_id=case.pk)
    return render(
        request,
        "selection/case_new.html",
        {
            "values": values,
            "purposes": Purpose.choices,
            "posts": [c for c in PostCode.choices if c[0] not in ("RSV", "FS")],
            "breadcrumbs": crumbs((_("选用管理"), reverse("selection:board")), (_("提名人选"), None)),
        },
    )


ACTION_FIELDS = {
    "submit": (),
    "decide_clear": ("reason",),
    "decide_reject": ("reason",),
    "publicize": ("start_date",),
    "object": ("reason",),
    "appoint": ("start_date",),
    "withdraw": ("reason",),
}


@login_required
@web_errors
def case(request: AuthedRequest, case_id: int) -> HttpResponse:
    c = selectors.access_case(actor=request.user, case_id=case_id)
    today = timezone.localdate()
    official = selectors.is_official(request.user)
    opinions = [(r, selectors.review_state(r, today)) for r in selectors.opinions_for(actor=request.user, case=c)]
    elig = selectors.eligibility_for(c.cadre, c.purpose, post=c.post, tier=c.tier) if official else None
    actions = [t for t in CASE.available(request.user, c) if t.name in ACTION_FIELDS] if official else []
    return render(
        request,
        "selection/case.html",
        {
            "c": c,
            "age": age_on(c.cadre.birth_date, today),
            "opinions": opinions,
            "elig": elig,
            "records": selectors.records_of(actor=request.user, person=c.cadre),
            "actions": [(t, ACTION_FIELDS[t.name]) for t in actions],
            "official": official,
            "today": today,
            "tones": TONES,
            "kinds": RecordKind.choices,
            "levels": RecordLevel.choices,
            "breadcrumbs": crumbs(
                (_("选用管理"), reverse("selection:board") if official else None), (c.cadre.name, None)
            ),
        },
    )


@login_required
@require_POST
@web_errors
def case_action(request: AuthedRequest, case_id: int) -> HttpResponse:
    name = request.POST.get("action", "")
    reason = request.POST.get("reason", "").strip()
    start = parse_date(request.POST.get("start_date", "") or "")
    try:
        if name == "submit":
            services.case_submit(actor=request.user, case_id=case_id)
        elif name in ("decide_clear", "decide_reject"):
            services.case_decide(
                actor=request.user, case_id=case_id, decision=name.removeprefix("decide_"), reason=reason
            )
        elif name in ("publicize", "appoint"):
            if start is None:
                raise InvalidInput(errors={"start_date": _("请填写日期")})
            fn = services.case_publicize if name == "publicize" else services.case_appoint
            fn(actor=request.user, case_id=case_id, start_date=start)
        elif name == "object":
            services.case_object(actor=request.user, case_id=case_id, reason=reason)
        elif name == "withdraw":
            services.case_withdraw(actor=request.user, case_id=case_id, reason=reason)
        else:
            raise InvalidInput(errors={"action": _("无效的操作")})
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已办理"))
    return redirect("selection:case", case_id=case_id)


@login_required
@require_POST
@web_errors
def record_new(request: AuthedRequest, case_id: int) -> HttpResponse:
    c = selectors.access_case(actor=request.user, case_id=case_id)
    _officer(request)
    try:
        date = parse_date(request.POST.get("date", "") or "")
        if date is None:
            raise InvalidInput(errors={"date": _("请填写日期")})
        services.record_add(
            actor=request.user,
            cadre_id=c.cadre_id,
            kind=request.POST.get("kind", ""),
            level=request.POST.get("level", ""),
            date=date,
            effect_until=parse_date(request.POST.get("effect_until", "") or ""),
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已登记"))
    return redirect("selection:case", case_id=case_id)


# --- the reviewer's queue ---------------------------------------------------------------------------
@login_required
@web_errors
def queue(request: AuthedRequest) -> HttpResponse:
    if not selectors.is_reviewer(request.user):
        raise PermissionDenied(_("只有联审部门账号使用此页面"))
    today = timezone.localdate()
    show_all = request.GET.get("all") == "1"
    qs = selectors.reviews_for(actor=request.user, open_only=not show_all)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "r": r,
            "state": selectors.review_state(r, today),
            "age": age_on(r.case.cadre.birth_date, today),
        }
        for r in page.object_list
    ]
    return render(
        request,
        "selection/queue.html",
        {
            "page": page,
            "rows": rows,
            "show_all": show_all,
            "department": Department(request.user.department).label,
            "results": Review.Result.choices,
            "tones": TONES,
            "breadcrumbs": crumbs((_("联审任务"), None)),
        },
    )


@login_required
@require_POST
@web_errors
def queue_answer(request: AuthedRequest, review_id: int) -> HttpResponse:
    try:
        services.review_answer(
            actor=request.user,
            review_id=review_id,
            result=request.POST.get("result", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("意见已反馈"))
    return redirect("selection:queue")


@login_required
@require_POST
@web_errors
def queue_clear(request: AuthedRequest) -> HttpResponse:
    ids = [int(x) for x in request.POST.getlist("review") if x.isdigit()]
    try:
        n = services.reviews_clear(actor=request.user, review_ids=ids)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已对 %(n)s 名人选反馈无异议") % {"n": n})
    return redirect("selection:queue")


# --- the county's boards ----------------------------------------------------------------------------
@login_required
@web_errors
def quotas(request: AuthedRequest) -> HttpResponse:
    _officer(request)
    region = current_region(request)
    rows = selectors.quota_board(actor=request.user, prefix=region.prefix if region else "")
    return render(
        request,
        "selection/quotas.html",
        {
            "rows": rows,
            "region": region,
            "careers": selectors.career_figures(actor=request.user, prefix=region.prefix if region else ""),
            "breadcrumbs": crumbs((_("选用管理"), reverse("selection:board")), (_("职数与比例"), None)),
        },
    )


@login_required
@web_errors
def overdue(request: AuthedRequest) -> HttpResponse:
    _officer(request)
    if request.user.role != Role.ADMIN and not request.user.is_superuser:
        raise PermissionDenied(_("逾期联审由县级组织部门督办"))
    rows = list(selectors.overdue_reviews(actor=request.user).order_by("due_date")[:500])
    return render(
        request,
        "selection/overdue.html",
        {
            "rows": rows,
            "breadcrumbs": crumbs((_("选用管理"), reverse("selection:board")), (_("逾期联审"), None)),
        },
    )


# --- the yearly professionalisation list -------------------------------------------------------------
@login_required
@web_errors
def prof_lists(request: AuthedRequest) -> HttpResponse:
    _officer(request)
    region = current_region(request)
    year = query_int(request.GET.get("year"), lo=2000, hi=2100) or timezone.localdate().year
    township = region if region is not None and region.level == "township" else None
    rows = selectors.list_candidates(actor=request.user, township=township, year=year) if township else []
    lists = selectors.lists_in_scope(actor=request.user).filter(year=year)
    if region is not None:
        lists = lists.filter(township__code__startswith=region.prefix)
    return render(
        request,
        "selection/prof_lists.html",
        {
            "township": township,
            "year": year,
            "rows": rows,
            "lists": list(lists.order_by("township_id")[:500]),
            "may_propose": request.user.role == Role.TOWNSHIP_OFFICER and township is not None,
            "may_approve": request.user.role == Role.ADMIN or request.user.is_superuser,
            "breadcrumbs": crumbs((_("选用管理"), reverse("selection:board")), (_("专业化书记名单"), None)),
        },
    )


@login_required
@require_POST
@web_errors
def prof_list_propose(request: AuthedRequest) -> HttpResponse:
    entries = []
    for key in request.POST:
        if key.startswith("tier_") and request.POST[key]:
            entries.append((int(key.removeprefix("tier_")), int(request.POST[key])))
    year = int(request.POST.get("year", "0") or 0)
    try:
        services.prof_list_propose(
            actor=request.user, township=request.POST.get("township", ""), year=year, entries=entries
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("名单已上报县级组织部门"))
    return redirect(f"{reverse('selection:prof_lists')}?year={year}")


@login_required
@require_POST
@web_errors
def prof_list_approve(request: AuthedRequest, list_id: int) -> HttpResponse:
    try:
        plist = services.prof_list_approve(actor=request.user, list_id=list_id)
    except DomainError as exc:
        _error(request, exc)
        return redirect("selection:prof_lists")
    messages.success(request, _("名单已审核备案"))
    return redirect(f"{reverse('selection:prof_lists')}?year={plist.year}")
