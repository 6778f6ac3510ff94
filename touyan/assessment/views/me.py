"""A cadre's own assessment on the phone: final quarterly scores and grades, the final annual
result, the pledge (WF-6) and, for a secretary, the target plan (R-ASMT-06). No ranking (SPEC A4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts.requests import AuthedRequest
from touyan.cadres.models import Person
from touyan.core.errors import NotFound
from touyan.core.views import crumbs, web_errors

from .. import selectors, services
from ..forms import PledgeForm, ReportForm, TargetForm
from .common import FORM_ERRORS, action_view, apply_errors, back, check_year, dispatch, positive_int, query_of


@dataclass(frozen=True)
class Page:
    person: Person | None
    year: int
    today: Any

    @property
    def url(self) -> str:
        return reverse("assessment:me")


def _page(request: AuthedRequest) -> Page:
    today = timezone.localdate()
    year = check_year(positive_int(request.GET.get("year")) or today.year)
    return Page(request.user.cadre if request.user.cadre_id is not None else None, year, today)


def _own(request: AuthedRequest) -> Page:
    """The page of an action: only for a login bound to a cadre file."""
    page = _page(request)
    if page.person is None:
        raise NotFound(_("您的账号没有关联干部档案"))
    return page


def _render(request: AuthedRequest, page: Page, **forms: Any) -> HttpResponse:
    context: dict[str, Any] = {"person": page.person, "year": page.year, "breadcrumbs": crumbs((_("我的考核"), None))}
    if page.person is None:
        return render(request, "assessment/me.html", context)
    mine = selectors.my_assessment(actor=request.user, person=page.person, year=page.year, today=page.today)
    pledge, plan = mine.pledge, mine.plan
    items, goals = (pledge.items if pledge else []), (plan.items if plan else [])
    query = query_of(request)
    names = ("me_pledge_save", "me_pledge_submit", "me_midyear", "me_yearend", "me_target_save")
    context |= {
        "mine": mine,
        "prev_year": page.year - 1,
        "next_year": page.year + 1 if page.year < page.today.year else None,
        "pledge": pledge,
        "plan": plan,
        "pledge_form": forms.get("pledge_form") or PledgeForm(initial=PledgeForm.initial_for(items)),
        "report_form": forms.get("report_form") or ReportForm(),
        "target_form": forms.get("target_form") or TargetForm(initial={"items": "\n".join(goals)}),
        "urls": {n: reverse(f"assessment:{n}") + query for n in names},
    }
    return render(request, "assessment/me.html", context)


@login_required
@web_errors
def me(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        page = _own(request)
        return dispatch(request, ACTIONS, page.url, page)
    return _render(request, _page(request))


def _pledge(request: AuthedRequest, page: Page, submit: bool) -> HttpResponse:
    assert page.person is not None
    form = PledgeForm(request.POST)
    if form.is_valid():
        write = services.pledge_submit if submit else services.pledge_save
        try:
            write(actor=request.user, cadre_id=page.person.pk, year=page.year, items=form.items())
        except FORM_ERRORS as exc:
            apply_errors(form, exc, {"items": "item_1"})
        else:
            messages.success(request, _("已提交乡镇审核") if submit else _("承诺已保存"))
            return back(request, page.url, "#pledge")
    return _render(request, page, pledge_form=form)


def _pledge_save(request: AuthedRequest, page: Page) -> HttpResponse:
    """Save the pledge, to submit later (WF-6)."""
    return _pledge(request, page, submit=False)


def _pledge_submit(request: AuthedRequest, page: Page) -> HttpResponse:
    """Save the pledge and submit it for the township's vetting (WF-6)."""
    return _pledge(request, page, submit=True)


def _report(request: AuthedRequest, page: Page, step: str) -> HttpResponse:
    assert page.person is not None
    pledge = selectors.pledge_of(person_id=page.person.pk, year=page.year)
    if pledge is None:
        raise NotFound(_("还没有承诺"))
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            report = form.cleaned_data["report"]
            services.pledge_report(actor=request.user, pledge_id=pledge.pk, step=step, report=report)
        except FORM_ERRORS as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("报告已提交"))
            return back(request, page.url, "#pledge")
    return _render(request, page, report_form=form)


def _midyear(request: AuthedRequest, page: Page) -> HttpResponse:
    """The mid-year report on the pledge (WF-6)."""
    return _report(request, page, "midyear")


def _yearend(request: AuthedRequest, page: Page) -> HttpResponse:
    """The year-end 述诺 (WF-6)."""
    return _report(request, page, "yearend")


def _target_save(request: AuthedRequest, page: Page) -> HttpResponse:
    """A secretary's annual goals (R-ASMT-06), reviewed by the township and publicised."""
    assert page.person is not None
    if not selectors.drafts_targets(person_id=page.person.pk, year=page.year, today=page.today):
        raise NotFound(_("年度目标由党组织书记填写"))
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            services.target_plan_save(actor=request.user, cadre_id=page.person.pk, year=page.year, items=form.lines())
        except FORM_ERRORS as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("年度目标已保存,乡镇审核后在村公示"))
            return back(request, page.url, "#target")
    return _render(request, page, target_form=form)


ACTIONS = {
    "pledge_save": _pledge_save,
    "pledge_submit": _pledge_submit,
    "midyear": _midyear,
    "yearend": _yearend,
    "target_save": _target_save,
}
me_pledge_save = action_view("me_pledge_save", _pledge_save, _own)
me_pledge_submit = action_view("me_pledge_submit", _pledge_submit, _own)
me_midyear = action_view("me_midyear", _midyear, _own)
me_yearend = action_view("me_yearend", _yearend, _own)
me_target_save = action_view("me_target_save", _target_save, _own)
