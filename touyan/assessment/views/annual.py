"""The township's annual assessment (R-ASMT-02…05): per cadre the four quarters, the ballot
tallies per rater group, the computed result with its arithmetic, finalization and the
consequences to carry out; the township's ranking for officers only (SPEC A4)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.scope import require
from touyan.core.errors import NotFound
from touyan.core.views import web_errors
from touyan.regions.models import Region

from .. import rules, selectors, services
from ..forms import AnnualForm
from .common import (
    FORM_ERRORS,
    UNITS,
    action_view,
    apply_errors,
    check_year,
    dispatch,
    first_error,
    head,
    listed,
    page_region,
    positive_int,
    posted_cadre,
)


@dataclass(frozen=True)
class Page:
    township: Region
    year: int
    people: list[selectors.Member]
    selected: selectors.Member | None

    @property
    def url(self) -> str:
        return reverse("assessment:annual", args=(self.township.code, self.year))

    def result_url(self, m: selectors.Member) -> str:
        return f"{self.url}?cadre={m.person_id}#result"


def _page(request: AuthedRequest, code: str, year: int) -> Page:
    require(request.user, account_rules.ASSESS)
    township = page_region(request.user, code, *UNITS)
    check_year(year)
    people = selectors.annual_members(township=township, year=year)
    raw = request.POST.get("cadre") if request.method == "POST" else request.GET.get("cadre")
    selected = listed(people, posted_cadre(request)) if raw else None
    return Page(township, year, people, selected)


def _render(request: AuthedRequest, page: Page, form: AnnualForm | None = None) -> HttpResponse:
    board = selectors.annual_board(
        actor=request.user, township=page.township, year=page.year, people=page.people, selected=page.selected
    )
    if form is None and board.detail is not None:
        form = AnnualForm(initial=board.detail.initial)
    return render(
        request,
        "assessment/annual.html",
        {
            "board": board,
            "township": page.township,
            "year": page.year,
            "page_url": page.url,
            "form": form,
            "breadcrumbs": head(page.township, _("年度考核")),
        },
    )


@login_required
@web_errors
def annual(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    page = _page(request, code, year)
    if request.method == "POST":
        return dispatch(request, ACTIONS, page.url, page)
    return _render(request, page)


def _chosen(page: Page) -> selectors.Member:
    if page.selected is None:
        raise NotFound(_("请选择干部"))
    return page.selected


def _compute(request: AuthedRequest, page: Page) -> HttpResponse:
    """Compute the selected cadre's result from the tallies (R-ASMT-02/04); recomputed until final."""
    selected = _chosen(page)
    form = AnnualForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.annual_compute(
                actor=request.user,
                cadre_id=selected.person_id,
                year=page.year,
                tallies={g: rules.Tally(*t) for g, t in form.tallies().items()},
                bonus=d["bonus"] or Decimal(0),
                penalty=d["penalty"] or Decimal(0),
                target_adjustment=d["target_adjustment"] or Decimal(0),
            )
        except FORM_ERRORS as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已计算 %(n)s 的年度考核结果,请核对后定稿") % {"n": selected.name})
            return redirect(page.result_url(selected))
    return _render(request, page, form)


def _finalize(request: AuthedRequest, page: Page) -> HttpResponse:
    """Finalize the selected cadre's result; its consequences are listed below (R-ASMT-05)."""
    selected = _chosen(page)
    existing = selectors.annual_of(person_id=selected.person_id, year=page.year)
    if existing is None:
        messages.error(request, _("请先录入测评票数并计算"))
    else:
        try:
            services.annual_finalize(actor=request.user, annual_id=existing.pk, reason=request.POST.get("reason", ""))
        except FORM_ERRORS as exc:
            messages.error(request, first_error(exc))
        else:
            messages.success(request, _("%(n)s 的年度考核已定稿;后续事项见页面下方") % {"n": selected.name})
    return redirect(page.result_url(selected))


def _done(request: AuthedRequest, page: Page) -> HttpResponse:
    """办结 a consequence of this township (R-ASMT-05/07)."""
    services.consequence_done(
        actor=request.user,
        consequence_id=positive_int(request.POST.get("consequence")) or 0,
        note=request.POST.get("note", "")[:300],
        prefix=page.township.prefix,
    )
    messages.success(request, _("已办结"))
    return redirect(f"{page.url}#consequences")


ACTIONS = {"compute": _compute, "finalize": _finalize, "done": _done}
annual_compute = action_view("annual_compute", _compute, _page)
annual_finalize = action_view("annual_finalize", _finalize, _page)
consequence_done = action_view("consequence_done", _done, _page)
