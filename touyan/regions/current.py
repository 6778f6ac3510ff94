"""The region a user is looking at (the shell's region switcher keeps it in the session).

The current region always lies inside the user's scope; every page that opens "on the current
region" (the menu's `*_current` addresses) goes through `to_current`, most of them as the view
`current_page(...)` named in urls.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from . import rules
from .models import Region
from .scope import in_scope
from .selectors import region_roots

SESSION_KEY = "current_region"


def current_region(request: HttpRequest) -> Region | None:
    """The region the user is looking at: the session's choice if in scope, else their own."""
    user = request.user
    if not user.is_authenticated:
        return None
    code = request.session.get(SESSION_KEY)
    if code and code != user.region_id and in_scope(user, code):
        region = Region.objects.filter(code=code).first()
        if region is not None:
            return region
    if user.region_id:
        return user.region  # the user's own (read once a request: the page's menu shows it too)
    return default_region(request)


def default_region(request: HttpRequest) -> Region | None:
    """For a user without a region of their own (the national administrator): the region where
    the data is, so the menu's pages open on it rather than bouncing to 切换区域 (issue 16). From
    the top, while only one region has anything below it, step down into it (贵州省 → 黔西南州)."""
    if hasattr(request, "_default_region"):
        cached: Region | None = request._default_region
        return cached
    region: Region | None = None
    level = list(region_roots(actor=request.user).annotate(n=Count("children")).filter(n__gt=0).order_by("code")[:2])
    for _depth in range(4):  # province → prefecture → county → township at most
        if len(level) != 1:
            break
        region = level[0]
        level = list(Region.objects.filter(parent=region).annotate(n=Count("children")).filter(n__gt=0)[:2])
        if len(level) == 1 and Region.objects.filter(parent=region).count() > 1:
            break  # several children, only one with data below: stay at the parent
    request._default_region = region  # type: ignore[attr-defined]
    return region


def to_current(request: HttpRequest, url_name: str, *args: Any, village_up: bool = False) -> HttpResponse:
    """A menu's `*_current` address: the page `url_name` of the current region (its code, then
    `args`), or the region switcher for a user with none. `village_up`: a township's page, so a
    village in view opens its township's."""
    region = current_region(request)
    if region is None:
        return redirect("regions:switch")
    code = region.code
    if village_up and region.level == rules.VILLAGE and region.parent_id:
        code = region.parent_id
    return redirect(url_name, code, *args)


def current_page(url_name: str, *args: Any, village_up: bool = False) -> Callable[..., HttpResponse]:
    """The view of a menu's `*_current` address, for urls.py: `to_current(url_name, *args)`, each
    argument that is a function called at the request (`this_month`, `this_year`, `last_year`)."""

    @login_required
    def view(request: HttpRequest) -> HttpResponse:
        values = [a() if callable(a) else a for a in args]
        return to_current(request, url_name, *values, village_up=village_up)

    view.__name__ = view.__qualname__ = url_name.replace(":", "_") + "_current"
    return view


def this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def this_year() -> int:
    return timezone.localdate().year


def last_year() -> int:
    return timezone.localdate().year - 1
