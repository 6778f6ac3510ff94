"""Pioneer points (R-PTY-01/02: a village's Party members, yearly caps per item, listed by post and
never ranked, SPEC A4) and the township's star ratings of village Party organisations (R-PTY-03)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.scope import require
from touyan.core.errors import NotFound
from touyan.core.views import crumbs, web_errors
from touyan.regions import rules as region_rules
from touyan.regions.models import Region

from .. import rules, selectors, services
from ..forms import PIONEER_LABELS, PIONEER_SHORT, PioneerForm, StarForm
from .common import FORM_ERRORS, action_view, apply_errors, back, check_year, head, page_region


@dataclass(frozen=True)
class Village:
    village: Region
    year: int
    people: list[selectors.Member]

    @property
    def url(self) -> str:
        return reverse("assessment:pioneer", args=(self.village.code, self.year))


def _village(request: AuthedRequest, code: str, year: int) -> Village:
    require(request.user, account_rules.ASSESS)
    village = page_region(request.user, code, region_rules.VILLAGE)
    check_year(year)
    return Village(village, year, selectors.pioneer_members(village=village, year=year))


def _pioneer_form(page: Village, data: Any = None) -> PioneerForm:
    today = min(timezone.localdate(), dt.date(page.year, 12, 31))
    form = PioneerForm(data, year=page.year, initial={"day": today})
    form.fields["cadre"].choices = [("", _("请选择")), *((m.person_id, m.name) for m in page.people)]  # type: ignore[attr-defined]
    return form


def _pioneer_page(request: AuthedRequest, page: Village, form: PioneerForm) -> HttpResponse:
    village, year = page.village, page.year
    items = [
        (code, PIONEER_SHORT[code], rules.PIONEER_CAPS.get(code), PIONEER_LABELS[code]) for code in rules.PIONEER_ITEMS
    ]
    recent = selectors.pioneer_recent(village=village, year=year)
    return render(
        request,
        "assessment/pioneer.html",
        {
            "village": village,
            "year": year,
            "form": form,
            "rows": selectors.pioneer_rows(village=village, year=year, people=page.people),
            "items": items,
            "recent": [{"e": e, "label": PIONEER_LABELS.get(e.item, e.item)} for e in recent],
            "record_url": reverse("assessment:pioneer_record", args=(village.code, year)),
            "breadcrumbs": crumbs(
                (_("考核评价"), None),
                (_("先锋指数"), None),
                (village.parent.name if village.parent else "", None),
                (village.name, None),
            ),
        },
    )


@login_required
@web_errors
def pioneer(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    page = _village(request, code, year)
    if request.method == "POST":
        return _record(request, page)
    return _pioneer_page(request, page, _pioneer_form(page))


def _record(request: AuthedRequest, page: Village) -> HttpResponse:
    """One entry of a Party member's points (R-PTY-01/02)."""
    form = _pioneer_form(page, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.pioneer_record(
                actor=request.user,
                cadre_id=d["cadre"],
                day=d["day"],
                item=d["item"],
                points=d["points"],
                evidence=d["evidence"],
            )
        except FORM_ERRORS as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已记录"))
            return back(request, page.url)
    return _pioneer_page(request, page, form)


pioneer_record = action_view("pioneer_record", _record, _village)


# --- stars (R-PTY-03) -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Township:
    township: Region
    year: int

    @property
    def url(self) -> str:
        return reverse("assessment:stars", args=(self.township.code, self.year))


def _township(request: AuthedRequest, code: str, year: int) -> Township:
    require(request.user, account_rules.ASSESS)
    township = page_region(request.user, code, region_rules.TOWNSHIP)
    return Township(township, check_year(year))


def _stars_page(request: AuthedRequest, page: Township, failed: StarForm | None = None) -> HttpResponse:
    stars = selectors.star_rows(township=page.township, year=page.year)
    rows = []
    for row in stars:
        own = failed is not None and failed.data.get("village") == row.v.code
        r = row.r
        initial = {"village": row.v.code, "score": r.score if r else None, "innovation": r.innovation if r else False}
        rows.append({"v": row.v, "r": r, "stars": row.stars, "form": failed if own else StarForm(initial=initial)})
    rated = [row.r for row in stars if row.r is not None]
    return render(
        request,
        "assessment/stars.html",
        {
            "township": page.township,
            "year": page.year,
            "rows": rows,
            "counts": {n: sum(1 for r in rated if r.stars == n) for n in (5, 4, 3, 2, 1)},
            "rated": len(rated),
            "rate_url": reverse("assessment:star_rate", args=(page.township.code, page.year)),
            "breadcrumbs": head(page.township, _("星级评定")),
        },
    )


@login_required
@web_errors
def stars(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    page = _township(request, code, year)
    if request.method == "POST":
        return _rate(request, page)
    return _stars_page(request, page)


def _rate(request: AuthedRequest, page: Township) -> HttpResponse:
    """Rate one village of the township: the stars follow from the score (R-PTY-03)."""
    form = StarForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        if d["village"] not in {row.v.code for row in selectors.star_rows(township=page.township, year=page.year)}:
            raise NotFound(_("该村(社区)不在本乡镇"))
        try:
            services.star_rate(
                actor=request.user,
                village_code=d["village"],
                year=page.year,
                score=d["score"],
                innovation=d["innovation"],
            )
        except FORM_ERRORS as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已评定"))
            return back(request, page.url)
    return _stars_page(request, page, form)


star_rate = action_view("star_rate", _rate, _township)
