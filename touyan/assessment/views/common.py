"""What the assessment pages share: the page's region (404 outside the scope), years and ids from
the address, service errors beside a form's fields, redirects back to the page, and the old
single-URL form posts (`action=…`) dispatched to the one view per action."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touyan.accounts.models import User
from touyan.accounts.requests import AuthedRequest
from touyan.core.errors import Conflict, DomainError, InvalidInput, NotFound
from touyan.core.views import crumbs, web_errors
from touyan.regions import rules as region_rules
from touyan.regions.models import LEVEL_CHOICES, Region
from touyan.regions.selectors import access_region

from .. import selectors
from ..forms import CadreForm

# The errors a page shows beside its form (or in a message); NotFound and Forbidden are 404 and 403 pages.
FORM_ERRORS = (InvalidInput, Conflict)
HIGHER = (region_rules.PROVINCE, region_rules.PREFECTURE, region_rules.COUNTY)
# The township's pages also open for one village: a liaison bound to villages sees those villages.
UNITS = (region_rules.TOWNSHIP, region_rules.VILLAGE)


def level_label(level: str) -> str:
    return str(dict(LEVEL_CHOICES)[level])


def page_region(actor: User, code: str, *levels: str) -> Region:
    """The region if it is in scope and at one of the levels; else NotFound (a 404 page)."""
    try:
        region = access_region(actor=actor, code=code)
    except InvalidInput as exc:
        raise NotFound(_("未找到该区域")) from exc
    if levels and region.level not in levels:
        raise NotFound(_("该页面需要选择%(levels)s") % {"levels": "、".join(level_label(lv) for lv in levels)})
    return region


def positive_int(raw: str | None) -> int | None:
    """A positive id or year from the query or a form, or None (never a 500 on junk)."""
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if 0 < value < 2**31 else None


def check_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise NotFound(_("年份无效"))
    return year


def apply_errors(form: forms.Form, exc: DomainError, field_map: Mapping[str, str] | None = None) -> None:
    """A service's errors beside the form's fields (or above the form)."""
    for name, msgs in exc.field_errors().items():
        target = (field_map or {}).get(name, name)
        for msg in msgs:
            form.add_error(target if target in form.fields else None, msg)


def first_error(exc: DomainError) -> str:
    return " ".join(m for msgs in exc.field_errors().values() for m in msgs)


def head(region: Region, title: Any) -> list[dict[str, Any]]:
    return crumbs((_("考核评价"), None), (title, None), (region.name, None))


def back(request: AuthedRequest, page_url: str, anchor: str = "") -> HttpResponse:
    """Back to the page the form was on, with its filters (the query the form was posted with)."""
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    return redirect(page_url + query + anchor)


def query_of(request: AuthedRequest) -> str:
    """The page's query, for the forms' action addresses (so that `back` keeps the filters)."""
    return f"?{request.GET.urlencode()}" if request.GET else ""


def posted_cadre(request: AuthedRequest) -> int | None:
    form = CadreForm(request.POST if request.method == "POST" else request.GET)
    return form.cleaned_data["cadre"] if form.is_valid() else None


def listed(people: list[selectors.Member], cadre_id: int | None) -> selectors.Member:
    """The cadre of a row action, who must be on the page's list."""
    found = selectors.find_member(people, cadre_id)
    if found is None:
        raise NotFound(_("未找到该干部,或其不在本页名单中"))
    return found


Action = Callable[[AuthedRequest, Any], HttpResponse]
View = Callable[..., HttpResponse]


def action_view(name: str, run: Action, load: Callable[..., Any]) -> View:
    """The view of one POST address: `load(request, **url kwargs)` reads the page (scope checks
    included), `run(request, page)` does the action; GET is refused (405)."""

    @login_required
    @require_POST
    @web_errors
    def view(request: AuthedRequest, **kwargs: Any) -> HttpResponse:
        return run(request, load(request, **kwargs))

    view.__name__ = view.__qualname__ = name
    view.__doc__ = run.__doc__
    return view


def dispatch(
    request: AuthedRequest, actions: Mapping[str, Action], page_url: str, page: Any, action: str | None = None
) -> HttpResponse:
    """A form posted to the page itself with `action=<name>` (the pages' addresses before each
    action had its own): that action on the page's data, or back to the page with an error."""
    run = actions.get(action if action is not None else request.POST.get("action", ""))
    if run is None:
        messages.error(request, _("无法识别的操作"))
        return back(request, page_url)
    return run(request, page)
