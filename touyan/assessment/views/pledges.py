"""The township's desk of pledges (WF-6 一诺双评, R-ASMT-08) and secretaries' target plans
(R-ASMT-06): vet and publicise pledges, return them for revision, dual review at year end,
withdraw with a public reason; review, publicise, file and assess target plans. One address
per action; the buttons are the flows' steps the user may take."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.scope import require
from touyan.core.views import web_errors

from .. import selectors, services
from ..flows import TARGET_FLOW
from ..forms import PledgeReviewForm, ReasonForm, TargetAssessForm
from ..models import Pledge, TargetPlan
from ..selectors import DeskRow, PledgeDesk
from .common import (
    FORM_ERRORS,
    UNITS,
    action_view,
    apply_errors,
    back,
    check_year,
    dispatch,
    first_error,
    head,
    listed,
    page_region,
    posted_cadre,
    query_of,
)

CHIPS: list[tuple[str, str | Promise]] = [
    ("vetting", gettext_lazy("待审核")),
    ("none", gettext_lazy("未填写")),
    ("drafting", gettext_lazy("起草中")),
    ("publicised", gettext_lazy("已公示")),
    ("midyear", gettext_lazy("年中已报告")),
    ("yearend", gettext_lazy("待评议")),
    ("scored", gettext_lazy("已评议")),
    ("withdrawn", gettext_lazy("已撤回")),
]
FORMS: dict[str, type[forms.Form]] = {
    "return": ReasonForm,
    "withdraw": ReasonForm,
    "review": PledgeReviewForm,
    "target_assess": TargetAssessForm,
}


def _desk(request: AuthedRequest, code: str, year: int) -> PledgeDesk:
    require(request.user, account_rules.ASSESS)
    township = page_region(request.user, code, *UNITS)
    check_year(year)
    return selectors.pledge_desk(actor=request.user, township=township, year=year)


def _url(desk: PledgeDesk, name: str = "pledges") -> str:
    return reverse(f"assessment:{name}", args=(desk.township.code, desk.year))


@dataclass(frozen=True)
class Line:
    """A desk row with its forms (a failed one keeps what was typed and opens)."""

    row: DeskRow
    forms: dict[str, forms.Form]
    open: bool


def _render(
    request: AuthedRequest, desk: PledgeDesk, failed: tuple[int, str, forms.Form] | None = None
) -> HttpResponse:
    wanted = request.GET.get("state", "")
    counts = desk.counts()
    lines = []
    for row in desk.rows:
        if wanted and row.key != wanted:
            continue
        pid = row.m.person_id
        row_forms = {name: cls(initial={"cadre": pid}) for name, cls in FORMS.items()}
        if failed is not None and failed[0] == pid:
            row_forms[failed[1]] = failed[2]
        lines.append(Line(row, row_forms, failed is not None and failed[0] == pid))
    chips = [("", _("全部"), len(desk.people)), *((k, label, counts.get(k, 0)) for k, label in CHIPS)]
    query = query_of(request)
    names = ("pledge_publicise", "pledge_return", "pledge_withdraw", "pledge_review", "target_advance", "target_assess")
    return render(
        request,
        "assessment/pledges.html",
        {
            "township": desk.township,
            "year": desk.year,
            "lines": lines,
            "chips": chips,
            "wanted": wanted,
            "urls": {n: _url(desk, n) + query for n in names},
            "breadcrumbs": head(desk.township, _("承诺与目标")),
        },
    )


@login_required
@web_errors
def pledges(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    desk = _desk(request, code, year)
    if request.method == "POST":
        return dispatch(request, ACTIONS, _url(desk), desk)
    return _render(request, desk)


def _row(request: AuthedRequest, desk: PledgeDesk) -> tuple[selectors.Member, Pledge | None, TargetPlan | None]:
    member = listed(desk.people, posted_cadre(request))
    return member, desk.pledge_of.get(member.person_id), desk.plan_of.get(member.person_id)


def _missing(request: AuthedRequest, desk: PledgeDesk, member: selectors.Member, what: str) -> HttpResponse:
    if what == "pledge":
        messages.error(request, _("%(n)s 还没有填写承诺") % {"n": member.name})
    else:
        messages.error(request, _("%(n)s 还没有填写年度目标") % {"n": member.name})
    return back(request, _url(desk), f"#c{member.person_id}")


def _step(
    request: AuthedRequest, desk: PledgeDesk, member: selectors.Member, run: Callable[[], Any], done: str
) -> HttpResponse:
    """A step without a form: its refusal is a message."""
    try:
        run()
    except FORM_ERRORS as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, done)
    return back(request, _url(desk), f"#c{member.person_id}")


def _with_form(
    request: AuthedRequest,
    desk: PledgeDesk,
    member: selectors.Member,
    action: str,
    run: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """A step with a form: errors beside its fields, the desk shown again with the form open."""
    form = FORMS[action](request.POST)
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except FORM_ERRORS as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return back(request, _url(desk), f"#c{member.person_id}")
    return _render(request, desk, (member.person_id, action, form))


def _publicise(request: AuthedRequest, desk: PledgeDesk) -> HttpResponse:
    """WF-6: the vetting passes and the pledge is publicised in the village."""
    member, pledge, _plan = _row(request, desk)
    if pledge is None:
        return _missing(request, desk, member, "pledge")
    done = _("已审核通过,%(n)s 的承诺进入公示") % {"n": member.name}

    def run() -> Any:
        return services.pledge_publicise(actor=request.user, pledge_id=pledge.pk)

    return _step(request, desk, member, run, done)


def _return(request: AuthedRequest, desk: PledgeDesk) -> HttpResponse:
    """WF-6: the pledge goes back to its cadre for revision, with the township's note."""
    member, pledge, _plan = _row(request, desk)
    if pledge is None:
        return _missing(request, desk, member, "pledge")
    done = _("已退回 %(n)s 修改承诺") % {"n": member.name}

    def run(d: dict[str, Any]) -> Any:
        return services.pledge_return(actor=request.user, pledge_id=pledge.pk, reason=d["reason"])

    return _with_form(request, desk, member, "return", run, done)


def _withdraw(request: AuthedRequest, desk: PledgeDesk) -> HttpResponse:
    """WF-6: withdrawn for objective reasons, explained publicly."""
    member, pledge, _plan = _row(request, desk)
    if pledge is None:
        return _missing(request, desk, member, "pledge")
    done = _("已撤回 %(n)s 的承诺,撤回说明将向群众公开") % {"n": member.name}

    def run(d: dict[str, Any]) -> Any:
        return services.pledge_withdraw(actor=request.user, pledge_id=pledge.pk, reason=d["reason"])

    return _with_form(request, desk, member, "withdraw", run, done)


def _review(request: AuthedRequest, desk: PledgeDesk) -> HttpResponse:
    """一诺双评: the democratic and the organisational review at year end."""
    member, pledge, _plan = _row(request, desk)
    if pledge is None:
        return _missing(request, desk, member, "pledge")
    done = _("已记录 %(n)s 的双评结果") % {"n": member.name}

    def run(d: dict[str, Any]) -> Any:
        return services.pledge_review(
            actor=request.user,
            pledge_id=pledge.pk,
            democratic_score=d["democratic_score"],
            organisational_score=d["organisational_score"],
        )

    return _with_form(request, desk, member, "review", run, done)


def _target_advance(request: AuthedRequest, desk: PledgeDesk) -> HttpResponse:
    """R-ASMT-06: the target plan's next step (review, publicise in the village, file)."""
    member, _pledge, plan = _row(request, desk)
    if plan is None:
        return _missing(request, desk, member, "target")
    step = next(r for r in desk.rows if r.m == member).target_next
    if step is None:
        messages.error(request, _("当前状态不能进行该步骤"))
        return back(request, _url(desk), f"#c{member.person_id}")
    reached = TargetPlan.State(TARGET_FLOW.get(step).target).label
    done = _("%(n)s 的年度目标:%(s)s") % {"n": member.name, "s": reached}

    def run() -> Any:
        return services.target_plan_step(actor=request.user, plan_id=plan.pk, step=step)

    return _step(request, desk, member, run, done)


def _target_assess(request: AuthedRequest, desk: PledgeDesk) -> HttpResponse:
    """R-ASMT-06: the year-end check's score."""
    member, _pledge, plan = _row(request, desk)
    if plan is None:
        return _missing(request, desk, member, "target")
    done = _("已记录 %(n)s 的年终目标核查得分") % {"n": member.name}

    def run(d: dict[str, Any]) -> Any:
        return services.target_plan_step(
            actor=request.user, plan_id=plan.pk, step="assess", result_score=d["result_score"]
        )

    return _with_form(request, desk, member, "target_assess", run, done)


ACTIONS = {
    "publicise": _publicise,
    "return": _return,
    "withdraw": _withdraw,
    "review": _review,
    "target_advance": _target_advance,
    "target_assess": _target_assess,
}
pledge_publicise = action_view("pledge_publicise", _publicise, _desk)
pledge_return = action_view("pledge_return", _return, _desk)
pledge_withdraw = action_view("pledge_withdraw", _withdraw, _desk)
pledge_review = action_view("pledge_review", _review, _desk)
target_advance = action_view("target_advance", _target_advance, _desk)
target_assess = action_view("target_assess", _target_assess, _desk)
