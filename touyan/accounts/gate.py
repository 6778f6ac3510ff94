"""SecurityGateMiddleware: a signed-in web user who must first enrol a second factor, verify one,
or change a password reaches only that page (and logout) until it is done (issue 21).

- enrolled in TOTP but the session was not verified with a code (a session from before the user
  enrolled, or made some other way): signed out, back to the login page;
- a role in TOUYAN_REQUIRE_2FA_ROLES without a device: the enrolment page;
- a password reset by an administrator: the password-change page.
API requests with a bearer token never come here (their short chain); API requests on the session
get a JSON 403 instead of a redirect.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .twofactor import enrolled, requires_2fa

OPEN_PREFIXES = (
    "/static/", "/login/", "/logout/", "/i18n/", "/healthz", "/public/", "/accounts/security/2fa/",
    "/accounts/security/password/",
)  # fmt: skip


class SecurityGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path_info.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        verified = getattr(user, "is_verified", lambda: False)()
        target = None
        # One indexed query per page of a session not verified by a code (the same on every page, so
        # the pages' query counts do not depend on whether it is a session's first).
        if not verified and enrolled(user):
            logout(request)
            return self._refuse(request, "login", _("请重新登录并输入动态验证码"))
        if requires_2fa(user) and not verified:
            target = "accounts:twofactor_setup"
        elif getattr(user, "password_change_required", False):
            target = "accounts:password_change"
        if target is None:
            return self.get_response(request)
        return self._refuse(request, target, _("请先完成账号安全设置(绑定动态验证码或修改密码)"))

    @staticmethod
    def _refuse(request: HttpRequest, target: str, message: str) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403, json_dumps_params={"ensure_ascii": False})
        return redirect(target)
