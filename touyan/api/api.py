"""The public API v1 (SPEC A7): assembly, authentication and the error shape.

Errors: bad input → 422 `{"detail": [{"loc": [...], "msg": ...}]}` naming each
field; no access → 403/404; conflict → 409. Bearer tokens, or the web session
(with CSRF) for pages that call the API.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth
from ninja.types import DictStrAny

from touyan.accounts.enforce import REFUSED_HEADER, check_api, hides_object
from touyan.accounts.services import token_user
from touyan.core import validation
from touyan.core.errors import DomainError, Forbidden, InvalidInput
from touyan.core.text import TextRefused, scan

log = logging.getLogger("touyan.api")


class AccessRefused(Forbidden):
    """The access table's refusal of a caller the API's authentication has just identified."""


def _may_call(request: HttpRequest, user: Any) -> Any:
    """The access table (accounts.access) once the caller is known: a role the operation's row does
    not name is refused with 403, whatever the selectors behind it would return."""
    if user is not None and not check_api(request, user):
        raise AccessRefused(_("您的角色无权访问此功能"))
    return user


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.user = user
        return _may_call(request, user)


class ScopedSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _may_call(request, super().authenticate(request, key))


class CheckedParser(Parser):
    """JSON bodies and query strings through the core text check (touyan.core.text): NUL, control,
    lone-surrogate and bidi-override characters anywhere are refused with 422 naming the field."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = super().parse_body(request)
        scan(data, ["body"])
        return data

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> DictStrAny:
        result = super().parse_querydict(data, list_fields, request)
        scan(result, ["query"])
        return result


api = NinjaAPI(
    parser=CheckedParser(),
    title="头雁 Touyan API",
    version="1",
    description="村(社区)干部职业化管理 — 公共接口 v1",
    auth=[BearerAuth(), ScopedSessionAuth()],
    urls_namespace="api",
)


def _detail(field: str, messages: list[str], location: str = "body") -> list[dict[str, Any]]:
    loc: list[str] = [location, *field.split(".")] if field != "__all__" else [location]
    return [{"loc": loc, "msg": m, "type": "value_error"} for m in messages]


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, InvalidInput):
        detail: list[dict[str, Any]] = []
        for field, msgs in exc.field_errors().items():
            detail.extend(_detail(field, msgs))
        return api.create_response(request, {"detail": detail}, status=422)
    body: dict[str, Any] = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """Each error where it was (`loc`), its message in Chinese (core.validation)."""
    return api.create_response(request, {"detail": validation.errors(list(exc.errors))}, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "未登录或令牌无效 (not authenticated)"}, status=401)


def _text_refused(request: HttpRequest, exc: TextRefused) -> HttpResponse:
    return api.create_response(
        request, {"detail": [{"loc": exc.loc, "msg": exc.message, "type": "value_error.text"}]}, status=422
    )


@api.exception_handler(TextRefused)
def text_refused(request: HttpRequest, exc: TextRefused) -> HttpResponse:
    return _text_refused(request, exc)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, TextRefused):  # the body parser's refusal (django-ninja wraps it)
        return _text_refused(request, exc.__cause__)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(AccessRefused)
def access_refused(request: HttpRequest, exc: AccessRefused) -> HttpResponse:
    status = 404 if hides_object(getattr(request, "access_key", ""), request.user) else 403
    response = api.create_response(request, {"detail": exc.message}, status=status)
    response[REFUSED_HEADER] = "refused"
    return response


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("您的角色无权访问此功能")}, status=403)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(BadRequest)
@api.exception_handler(SuspiciousOperation)
@api.exception_handler(UnicodeDecodeError)
def bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A body that cannot be read (a broken multipart boundary, bytes that are not UTF-8): 400."""
    return api.create_response(request, {"detail": _("请求格式无法解析")}, status=400)


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A value the database cannot hold (a number past 64 bits, a string past its column): bad input,
    never a 500. The schemas bound each field; this is the net under them."""
    log.warning("API value out of range on %s %s: %s", request.method, request.path, exc)
    return api.create_response(
        request, {"detail": [{"loc": ["body"], "msg": _("输入的值超出允许范围"), "type": "value_error"}]}, status=422
    )


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Any other error under /api/: logged with its traceback, answered in JSON (never an HTML page)."""
    log.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return api.create_response(request, {"detail": _("服务器内部错误,请稍后重试")}, status=500)


def _register() -> None:
    from touyan.accounts.api import router as accounts_router
    from touyan.accounts.api import token_router
    from touyan.affairs.api import public_router as public_affairs_router
    from touyan.affairs.api import router as affairs_router
    from touyan.assessment.api import router as assessment_router
    from touyan.attendance.api import leave_router
    from touyan.attendance.api import router as attendance_router
    from touyan.cadres.api import router as cadres_router
    from touyan.dashboards.api import alerts_router
    from touyan.dashboards.api import router as dashboards_router
    from touyan.payroll.api import router as payroll_router
    from touyan.policy.api import router as policy_router
    from touyan.regionadmin.api import router as regions_router
    from touyan.selection.api import eligibility_router, exits_router
    from touyan.selection.api import router as selection_router
    from touyan.training import api as training_api

    api.add_router("/auth", token_router)
    api.add_router("/users", accounts_router)
    api.add_router("/regions", regions_router)
    api.add_router("/policy", policy_router)
    api.add_router("/cadres", cadres_router)
    api.add_router("/attendance", attendance_router)
    api.add_router("/leave-requests", leave_router)
    api.add_router("/assessments", assessment_router)
    api.add_router("/payroll", payroll_router)
    training_api.mount(api)
    api.add_router("/affairs", affairs_router)
    api.add_router("/public", public_affairs_router)
    api.add_router("/dashboards", dashboards_router)
    api.add_router("/alerts", alerts_router)
    api.add_router("/selection", selection_router)
    api.add_router("/exits", exits_router)
    api.add_router("/cadres", eligibility_router)  # A7 /cadres/{id}/eligibility (selection is above cadres)


_register()
