"""What payroll's pages share: the module's name, the officials-only rule, form errors from
domain errors, a region from the address, breadcrumbs, the region picker of wide scopes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from touyan.accounts import rules as account_rules
from touyan.core.errors import Conflict, DomainError, InvalidInput, NotFound
from touyan.regions import rules as region_rules
from touyan.regions.models import Region
from touyan.regions.selectors import access_region, region_filter, region_options, visible_path

from ..selectors.pages import cadre_choices

if TYPE_CHECKING:
    from touyan.accounts.requests import AuthedRequest

T = TypeVar("T")
MODULE = gettext_lazy("报酬待遇")
WIDE = (region_rules.PROVINCE, region_rules.PREFECTURE)  # too wide for a page: pick a county
INVALID = gettext_lazy("请求无效,请刷新页面后重试")


def can(request: AuthedRequest, capability: str) -> bool:
    return account_rules.has_capability(request.user.role, capability, is_superuser=request.user.is_superuser)


def apply_errors(form: forms.Form, exc: DomainError) -> None:
    """A domain error's messages beside the form's fields (or above the form)."""
    for field, msgs in exc.field_errors().items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def attempt(request: AuthedRequest, call: Callable[[], T], done: Callable[[T], str]) -> T | None:
    """Take a step from a page: its refusal (a wrong state, a missing reason) becomes an error
    message, its success the message `done(result)`; other errors (403, 404) go up."""
    try:
        result = call()
    except (InvalidInput, Conflict) as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, done(result))
    return result


def region_of(request: AuthedRequest, code: str) -> Region:
    """A region named in the address, in the user's scope; a malformed code is a 404 too."""
    try:
        return access_region(actor=request.user, code=code)
    except InvalidInput as exc:
        raise NotFound(_("未找到该区域")) from exc


def region_crumbs(request: AuthedRequest, label: str, region: Region) -> list[dict[str, Any]]:
    path = visible_path(actor=request.user, region=region)
    return [
        {"label": MODULE, "url": None},
        {"label": label, "url": None},
        *[{"label": r.name, "url": None} for r in path],
    ]


def pick(request: AuthedRequest, region: Region, title: str, url_name: str, *args: Any) -> HttpResponse:
    """A prefecture or province is too wide for the page: choose one of its counties."""
    counties = Region.objects.filter(code__startswith=region.prefix, level=region_rules.COUNTY).order_by("code")
    links = [(c, reverse(url_name, args=[c.code, *args])) for c in counties]
    context = {"title": title, "region": region, "links": links, "breadcrumbs": region_crumbs(request, title, region)}
    return render(request, "payroll/pick_region.html", context)


def year_of(raw: str | None, default: int) -> int:
    return int(raw) if raw and raw.isdigit() and 2000 <= int(raw) <= 2100 else default


def filtered(request: AuthedRequest) -> tuple[Region | None, str]:
    """The list's ?region= filter (`regions.selectors.region_filter`), and the code as given."""
    code = request.GET.get("region") or ""
    return region_filter(actor=request.user, code=code), code


def village_options(request: AuthedRequest) -> list[tuple[str, Any]]:
    return [("", _("请选择")), *region_options(request.user, villages_only=True)]


def village_step(request: AuthedRequest, form: forms.Form, *, former: bool = False) -> tuple[str, list[Any]]:
    """Step one picks the village (a GET form above); the POST form carries it hidden and offers
    that village's cadres. Returns the village and the picker's optgroups."""
    village = (request.POST.get("village") or request.GET.get("village") or "").strip()
    if village and request.method == "GET":
        region_of(request, village)  # outside the scope: 404 (a POST gets a field error instead)
    choices = village_options(request)
    form.fields["village"].choices = choices  # type: ignore[attr-defined]
    form.fields["village"].widget = forms.HiddenInput()
    form.fields["cadre"].choices = cadre_choices(actor=request.user, village=village, former=former)  # type: ignore[attr-defined]
    return village, [c for c in choices if isinstance(c[1], list)]
