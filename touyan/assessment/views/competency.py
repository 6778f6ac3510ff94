"""The township's half-year competency ballots (WF-7, R-ASMT-07, S2 第十二条): tallies of
professionalized secretaries; rate = 胜任 ÷ valid votes of Party members and representatives; an
outcome that ends professional status is confirmed before it is recorded."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.scope import require
from touyan.core.errors import NotFound
from touyan.core.views import web_errors
from touyan.regions.models import Region

from .. import rules, selectors, services, status
from ..forms import CompetencyForm
from .common import (
    FORM_ERRORS,
    UNITS,
    action_view,
    apply_errors,
    check_year,
    dispatch,
    head,
    listed,
    page_region,
    posted_cadre,
)


@dataclass(frozen=True)
class Page:
    township: Region
    year: int
    half: int
    people: list[selectors.Member]
    selected: selectors.Member | None
    stray: bool  # a cadre was posted who is not on this half's list

    @property
    def url(self) -> str:
        return reverse("assessment:competency", args=(self.township.code, self.year, self.half))


def _page(request: AuthedRequest, code: str, year: int, half: int) -> Page:
    require(request.user, account_rules.ASSESS)
    township = page_region(request.user, code, *UNITS)
    check_year(year)
    if half not in (1, 2):
        raise NotFound(_("半年为 1 或 2"))
    people = selectors.competency_members(township=township, year=year, half=half)
    raw = request.POST.get("cadre") if request.method == "POST" else request.GET.get("cadre")
    stray = request.method == "POST" and bool(raw) and selectors.find_member(people, posted_cadre(request)) is None
    selected = listed(people, posted_cadre(request)) if raw and not stray else None
    return Page(township, year, half, people, selected, stray)


def _render(
    request: AuthedRequest, page: Page, form: CompetencyForm | None = None, confirm: dict[str, Any] | None = None
) -> HttpResponse:
    board = selectors.competency_board(
        township=page.township, year=page.year, half=page.half, people=page.people, selected=page.selected
    )
    if form is None and page.selected is not None:
        form = CompetencyForm(initial={"cadre": page.selected.person_id})
    return render(
        request,
        "assessment/competency.html",
        {
            "board": board,
            "township": page.township,
            "year": page.year,
            "half": page.half,
            "page_url": page.url,
            "selected": page.selected,
            "form": form,
            "confirm": confirm,
            "admonish_below": board.policy.competency_admonish_below * 100,
            "exit_below": board.policy.competency_exit_below * 100,
            "basic_counts": board.policy.count_basic_as_competent,
            "breadcrumbs": head(page.township, _("胜任度测评")),
        },
    )


@login_required
@web_errors
def competency(request: AuthedRequest, code: str, year: int, half: int) -> HttpResponse:
    page = _page(request, code, year, half)
    if request.method == "POST":
        return dispatch(request, {"record": _record}, page.url, page)
    return _render(request, page)


def _record(request: AuthedRequest, page: Page) -> HttpResponse:
    """Record the selected secretary's ballot; an exit is shown for confirmation first."""
    if page.stray:
        messages.error(request, _("该干部不在本乡镇(街道)本半年的专业化管理名单中,未记录"))
        return redirect(page.url)
    if page.selected is None:
        raise NotFound(_("请选择干部"))
    selected = page.selected
    form = CompetencyForm(request.POST)
    if not form.is_valid():
        return _render(request, page, form)
    tallies = {g: rules.CompetencyTally(*t) for g, t in form.tallies().items()}
    rate, outcome = selectors.competency_outcome(selected.village_id, page.year, page.half, tallies)
    if outcome == rules.EXIT and not form.cleaned_data["confirm_exit"]:
        policy = selectors.assessment_policy(selected.village_id, rules.half_policy_day(page.year, page.half))
        confirm = {
            "rate": (rate * 100).quantize(Decimal("0.01")),
            "from": rules.first_of_next_month(timezone.localdate()),
            "below": policy.competency_exit_below * 100,
        }
        return _render(request, page, form, confirm)
    try:
        ev = services.competency_record(
            actor=request.user, cadre_id=selected.person_id, year=page.year, half=page.half, tallies=tallies
        )
    except FORM_ERRORS as exc:
        apply_errors(form, exc)
        return _render(request, page, form)
    rate_pct = (ev.rate * 100).quantize(Decimal("0.01"))
    done = _("已记录 %(n)s 的胜任度测评:胜任率 %(r)s%%,结果:%(o)s")
    messages.success(request, done % {"n": selected.name, "r": rate_pct, "o": status.label("outcome", ev.outcome)})
    return redirect(page.url)


competency_record = action_view("competency_record", _record, _page)
