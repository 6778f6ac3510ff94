"""Leave pages (WF-4, R-ATT-02/03): asking, the approver's queue, details with the approval
history, 同意 / 驳回 and 销假.

Thin: `leaves_in_scope` decides what a user may see (outside: 404), the services decide the rest.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.rules import is_village_cadre
from touyan.accounts.scope import require
from touyan.cadres.selectors import cadres_in_scope, current_posts
from touyan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from touyan.core.views import crumbs, web_errors
from touyan.policy.selectors import policy_resolve

from .forms import (
    DecisionForm,
    LeaveForm,
    ReturnForm,
)
from .models import LeaveRequest
from .selectors import (
    TOWNSHIP_LEAVE_LEVELS,
    leaves_in_scope,
)
from .services import (
    can_decide,
    leave_decide,
    leave_return,
    leave_submit,
)
from .views import (
    field_errors,
    has_cap,
)

LEVEL_LABELS = {
    "secretary": gettext_lazy("村党组织书记审批"),
    "liaison_record": gettext_lazy("报包村干部备案"),
    "liaison": gettext_lazy("包村领导审批"),
    "township": gettext_lazy("乡镇党委审批"),
}
DECISION_LABELS = {"approve": gettext_lazy("同意"), "reject": gettext_lazy("驳回"), "record": gettext_lazy("已备案")}
STATUS_TONES: dict[str, str] = {
    LeaveRequest.Status.SUBMITTED: "warning",
    LeaveRequest.Status.APPROVED: "success",
    LeaveRequest.Status.REJECTED: "danger",
    LeaveRequest.Status.RETURNED: "secondary",
    LeaveRequest.Status.CANCELLED: "light",
}


# --- 6. leave (请假, WF-4) ---


def route_text(route: list[str]) -> str:
    return " → ".join(str(LEVEL_LABELS.get(level, level)) for level in route)


def _leave_rules_text(village_code: str | None) -> str:
    """R-ATT-02 as the region has set it, in one sentence."""
    p = policy_resolve(village_code)
    return _(
        "%(s)s 天以内由村党组织书记审批;%(l)s 天以内由书记审批并报包村干部备案;更长的经书记同意后报乡镇党委审批。"
        "书记本人请假由包村领导审批,超过 %(s)s 天再报乡镇党委。单次最多 %(one)s 天,全年最多 %(year)s 天。"
    ) % {
        "s": p["leave_secretary_max_days"],
        "l": p["leave_liaison_record_max_days"],
        "one": p["leave_max_single"],
        "year": p["leave_max_year"],
    }


def _leave_row(leave: LeaveRequest, today: dt.date) -> dict[str, Any]:
    return {
        "l": leave,
        "tone": STATUS_TONES.get(leave.status, "light"),
        "overdue": leave.status == LeaveRequest.Status.APPROVED and leave.end_date < today,
        "next_label": LEVEL_LABELS.get(leave.next_level, "") if leave.status == LeaveRequest.Status.SUBMITTED else "",
    }


def _own_levels(request: AuthedRequest) -> set[str]:
    """The approval levels that are the user's own work (R-ATT-02)."""
    if is_village_cadre(request.user):
        return {"secretary"}
    if request.user.role == Role.LIAISON:
        return {"liaison", "liaison_record"}
    return set(TOWNSHIP_LEAVE_LEVELS)


def _cadre_choices(request: AuthedRequest, limit: int = 3000) -> list[tuple[Any, Any]]:
    """Cadres in post in the user's scope, grouped by village, for an officer filing leave."""
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    seen: set[int] = set()
    for pid, name, village in (
        current_posts()
        .filter(person__in=cadres_in_scope(actor=request.user))
        .exclude(post="RSV")
        .order_by("village_id", "person__name")
        .values_list("person_id", "person__name", "village__name")[:limit]
    ):
        if pid not in seen:
            seen.add(pid)
            groups[village].append((pid, name))
    return list(groups.items())


@login_required
@web_errors
def leave_new(request: AuthedRequest) -> HttpResponse:
    """A cadre asks for leave; a township officer may file for a cadre of the township (WF-4)."""
    user = request.user
    self_service = is_village_cadre(request.user)
    if self_service and user.cadre_id is None:
        raise Forbidden(_("您的账号未关联干部档案,请联系乡镇"))
    if not self_service:
        require(user, account_rules.CADRES_WRITE)
    initial: dict[str, Any] = {}
    if (request.GET.get("cadre") or "").isdigit():
        initial["cadre"] = int(request.GET["cadre"])
    form = LeaveForm(
        request.POST or None, initial=initial, cadre_choices=None if self_service else _cadre_choices(request)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        cadre_id = user.cadre_id if self_service else d["cadre"]
        assert cadre_id is not None  # a self-service user without a file was refused above
        try:
            leave = leave_submit(
                actor=user, cadre_id=cadre_id, start=d["start_date"], end=d["end_date"], reason=d["reason"]
            )
        except (InvalidInput, Conflict) as exc:
            field_errors(form, exc)
        else:
            messages.success(
                request, _("请假已提交,共 %(n)s 天。审批流程:%(r)s") % {"n": leave.days, "r": route_text(leave.route)}
            )
            return redirect("attendance:leave_detail", leave.pk)
    return render(
        request,
        "attendance/leave_new.html",
        {
            "form": form,
            "self_service": self_service,
            "rules_text": _leave_rules_text(user.region_id),
            "breadcrumbs": crumbs(
                (_("日常管理"), None), (_("请假"), reverse("attendance:leave_list")), (_("新建请假"), None)
            ),
        },
    )


@login_required
@web_errors
def leave_list(request: AuthedRequest) -> HttpResponse:
    """My requests; for approvers the queue "待我审批"; for officers every request of the region."""
    user = request.user
    today = timezone.localdate()
    scope = leaves_in_scope(actor=user).select_related("person", "village", "village__parent")
    mine = [_leave_row(x, today) for x in scope.filter(person_id=user.cadre_id)[:100]] if user.cadre_id else []
    decidable = [
        x
        for x in scope.filter(status=LeaveRequest.Status.SUBMITTED).order_by("start_date", "id")[:500]
        if can_decide(user, x)
    ]
    # An officer may act for a village secretary (a vacant post, a secretary without a login),
    # but those requests are not the officer's own queue: they are listed apart.
    own = _own_levels(request)
    queue = [_leave_row(x, today) for x in decidable if x.next_level in own]
    for_village = [_leave_row(x, today) for x in decidable if x.next_level not in own]
    officer = not is_village_cadre(request.user) and has_cap(request, account_rules.CADRES_READ)
    status = request.GET.get("status") or ""
    page = None
    if officer:
        qs = scope
        if status == "overdue":
            qs = qs.filter(status=LeaveRequest.Status.APPROVED, end_date__lt=today)
        elif status in LeaveRequest.Status.values:
            qs = qs.filter(status=status)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "attendance/leave_list.html",
        {
            "mine": mine,
            "queue": queue,
            "for_village": for_village,
            "officer": officer,
            "page": page,
            "rows": [_leave_row(x, today) for x in page] if page is not None else [],
            "status": status,
            "statuses": [("", _("全部")), *LeaveRequest.Status.choices, ("overdue", _("逾期未销假"))],
            "can_file": is_village_cadre(request.user) or has_cap(request, account_rules.CADRES_WRITE),
            "breadcrumbs": crumbs((_("日常管理"), None), (_("请假"), None)),
        },
    )


def _leave(request: AuthedRequest, leave_id: int) -> LeaveRequest:
    leave = (
        leaves_in_scope(actor=request.user)
        .select_related("person", "village", "village__parent", "created_by", "created_by__cadre")
        .filter(pk=leave_id)
        .first()
    )
    if leave is None:
        raise NotFound(_("未找到该请假,或不在您的管辖范围内"))
    return leave


def _who(user: Any) -> str:
    """A user as people know them: their name, their cadre file's name, or the login."""
    return user.display_name or (user.cadre.name if user.cadre_id else "") or user.username


def _can_return(request: AuthedRequest, leave: LeaveRequest) -> bool:
    """销假: the cadre themself, or the township (leaves_in_scope already limits officers)."""
    if leave.status != LeaveRequest.Status.APPROVED:
        return False
    if is_village_cadre(request.user):
        return request.user.cadre_id == leave.person_id
    return request.user.is_superuser or request.user.role in (Role.TOWNSHIP_OFFICER, Role.ADMIN)


def _leave_detail(
    request: AuthedRequest, leave: LeaveRequest, decide_form: DecisionForm | None = None,
    return_form: ReturnForm | None = None,
) -> HttpResponse:  # fmt: skip
    today = timezone.localdate()
    approvals = list(leave.approvals.select_related("approver", "approver__cadre"))
    done = {a.level: a for a in approvals}
    steps = []
    for level in leave.route:
        a = done.get(level)
        state = "done" if a is not None else ("current" if level == leave.next_level else "pending")
        if a is not None and a.decision == "reject":
            state = "rejected"
        steps.append({"label": LEVEL_LABELS.get(level, level), "state": state, "a": a})
    history = [
        {
            "at": a.at,
            "title": f"{LEVEL_LABELS.get(a.level, a.level)}:{DECISION_LABELS.get(a.decision, a.decision)}",
            "who": _who(a.approver) if a.approver else _("系统"),
            "note": "" if a.decision == "record" else a.note,
            "tone": "danger" if a.decision == "reject" else "success",
        }
        for a in approvals
    ]
    deciding = can_decide(request.user, leave)
    returning = _can_return(request, leave)
    return render(
        request,
        "attendance/leave_detail.html",
        {
            "leave": leave,
            "row": _leave_row(leave, today),
            "route": route_text(leave.route),
            "steps": steps,
            "history": history,
            "creator": _who(leave.created_by) if leave.created_by else "",
            "can_decide": deciding,
            "decide_form": decide_form or (DecisionForm() if deciding else None),
            "can_return": returning,
            "return_form": return_form or (ReturnForm(initial={"returned_on": today}) if returning else None),
            "breadcrumbs": crumbs(
                (_("日常管理"), None),
                (_("请假"), reverse("attendance:leave_list")),
                (leave.person.name, None),
            ),
        },
    )


@login_required
@web_errors
def leave_detail(request: AuthedRequest, leave_id: int) -> HttpResponse:
    return _leave_detail(request, _leave(request, leave_id))


@login_required
@require_POST
@web_errors
def leave_decide_view(request: AuthedRequest, leave_id: int) -> HttpResponse:
    """同意 / 驳回 at the leave's current level (R-ATT-02)."""
    leave = _leave(request, leave_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _leave_detail(request, leave, decide_form=form)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        leave = leave_decide(actor=request.user, leave_id=leave.pk, approve=approve, note=form.cleaned_data["note"])
    except (InvalidInput, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        if not approve:
            messages.success(request, _("已驳回"))
        elif leave.status == LeaveRequest.Status.APPROVED:
            messages.success(request, _("已同意,请假已批准"))
        else:
            messages.success(request, _("已同意,转%(next)s") % {"next": LEVEL_LABELS.get(leave.next_level, "")})
    return redirect("attendance:leave_detail", leave.pk)


@login_required
@require_POST
@web_errors
def leave_return_view(request: AuthedRequest, leave_id: int) -> HttpResponse:
    """销假 (R-ATT-03): the cadre reports back; until then the days after the leave are unexcused."""
    leave = _leave(request, leave_id)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            leave_return(actor=request.user, leave_id=leave.pk, returned_on=form.cleaned_data["returned_on"])
        except (InvalidInput, Conflict) as exc:
            field_errors(form, exc)
            if form.non_field_errors() or "status" in exc.field_errors():
                messages.error(request, exc.message)
                return redirect("attendance:leave_detail", leave.pk)
        else:
            messages.success(request, _("已销假"))
            return redirect("attendance:leave_detail", leave.pk)
    return _leave_detail(request, leave, return_form=form)
