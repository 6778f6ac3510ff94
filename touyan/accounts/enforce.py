"""Enforcing the access table (accounts.access): one policy for pages and API, fail closed.

`AccessMiddleware.process_view` finds the route a request resolved to — a page by its URL name
(`"cadres:detail"`), an API operation by method and OpenAPI path (`"GET /api/v1/cadres/{cadre_id}"`)
— and looks up its row:

- no row: refused for everybody (403 JSON under /api/, the 403 page otherwise);
- a public row: on to the view;
- a page for an anonymous user: to the login page;
- a signed-in user whose role the row does not name: 403.

A bearer-token request is anonymous until django-ninja authenticates it inside the view, so the
API's authentication classes (touyan/api/api.py) ask `check_api` again once they know the user.
The reach (own record, village, region) is enforced by the selectors behind each route; the role ×
relation test (touyan/api/tests/test_access.py) checks both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import ResolverMatch
from django.utils.translation import gettext as _
from django.views.defaults import permission_denied

from touyan.core.scoped import serving_request

from .access import Rule, table
from .models import Role

_PARAM = re.compile(r"<(?:[^:>]+:)?([^>]+)>")
API_PREFIX = "/api/"


def api_path(route: str) -> str:
    """`api/v1/cadres/<cadre_id>` (a resolver route) → `/api/v1/cadres/{cadre_id}` (OpenAPI)."""
    return "/" + _PARAM.sub(r"{\1}", route)


def api_key(method: str, route: str) -> str:
    verb = "GET" if method.upper() in ("HEAD", "OPTIONS") else method.upper()
    return f"{verb} {api_path(route)}"


def route_key(request: HttpRequest, match: ResolverMatch) -> tuple[str, Rule | None, bool]:
    """The route's key, its row (None: no row) and whether it is under /api/."""
    rows = table()
    name = match.view_name
    is_api = request.path_info.startswith(API_PREFIX)
    if name in rows:
        return name, rows[name], is_api
    if is_api and match.route:
        key = api_key(request.method or "GET", match.route)
        if key in rows:
            return key, rows[key], True
        # another method on a declared path: django-ninja answers 405, nothing to protect
        path = key.split(" ", 1)[1]
        if any(k.split(" ", 1)[-1] == path for k in rows if " " in k):
            return key, Rule(public=True), True
        return key, None, True
    namespace = name.split(":", 1)[0] if ":" in name else ""
    wildcard = f"{namespace}:*"
    if namespace and wildcard in rows:
        return wildcard, rows[wildcard], is_api
    return name, None, is_api


def allowed(user: Any, rule: Rule) -> bool:
    """Whether the signed-in user's role is named in the row (a superuser acts as an administrator)."""
    if rule.public:
        return True
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if rule.allows(user.role):
        return True
    return bool(user.is_superuser and rule.allows(Role.ADMIN))


REFUSED_HEADER = "X-Touyan-Access"  # "refused" on the table's own refusals (tests tell them from a view's)


def hides_object(key: str, user: Any) -> bool:
    """Whether a refusal of this API operation is a 404: it names an object by its id and the user
    may not even read that object (`GET` of the path up to the id) — outsiders learn nothing of it.
    A user who may read the object but not do this to it gets 403."""
    if "_id}" not in key:
        return False
    path = key.split(" ", 1)[1]
    head = path[: path.index("_id}") + len("_id}")]
    read = table().get(f"GET {head}")
    return read is None or not allowed(user, read)


def refused(request: HttpRequest, is_api: bool, key: str = "") -> HttpResponse:
    """403; 404 for an API operation on an object the user may not read (hides_object)."""
    response: HttpResponse
    if is_api and hides_object(key, getattr(request, "user", None)):
        response = JsonResponse({"detail": _("未找到,或不在您的权限范围内")}, status=404)
    elif is_api:
        response = JsonResponse({"detail": _("您的角色无权访问此功能")}, status=403)
    else:
        response = permission_denied(request, PermissionDenied(_("您的角色无权访问此页面")))
    response[REFUSED_HEADER] = "refused"
    return response


def check_api(request: HttpRequest, user: Any) -> bool:
    """For django-ninja's authentication: whether this user may call the operation."""
    match = request.resolver_match
    if match is None:
        return False
    key, rule, _api = route_key(request, match)
    request.access_key = key  # type: ignore[attr-defined]
    return rule is not None and allowed(user, rule)


MAX_ADDRESS_INT = 2**31 - 1


def _address_in_bounds(kwargs: dict[str, Any]) -> bool:
    """Numbers in a page's address: an id the database can hold, a year of this era (a page for year
    10^20 is a 404, not date arithmetic that overflows)."""
    for name, value in kwargs.items():
        if isinstance(value, bool) or not isinstance(value, int):
            continue
        if not 0 <= value <= MAX_ADDRESS_INT:
            return False
        if name == "year" and not 1900 <= value <= 2100:
            return False
    return True


class AccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with serving_request():  # personal-data queries without a scope raise (core.scoped)
            response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path_info.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
            and not getattr(response, "streaming", False)
        ):
            # the API always answers JSON: Django's own 404 for an unknown path, django-ninja's 405
            json = JsonResponse({"detail": response.reason_phrase}, status=response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    json[header] = response[header]
            return json
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None:  # pragma: no cover - process_view always follows a resolve
            return None
        key, rule, is_api = route_key(request, match)
        if rule is None:
            return refused(request, is_api, key)
        if not is_api and not _address_in_bounds(kwargs):
            raise Http404(_("未找到该页面"))
        if rule.public:
            return None
        user = getattr(request, "user", None)
        if not getattr(user, "is_authenticated", False):
            if is_api:
                return None  # a bearer token: the API's authentication asks check_api
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not allowed(user, rule):
            return refused(request, is_api, key)
        return None
