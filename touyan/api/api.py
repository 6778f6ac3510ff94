"""The public API v1 (SPEC A7): assembly, authentication and the error shape.

Errors: bad input → 422 `{"detail": [{"loc": [...], "msg": ...}]}` naming each
field; no access → 403/404; conflict → 409. Bearer tokens, or the web session
(with CSRF) for pages that call the API.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from touyan.accounts.services import token_user
from touyan.core import validation
from touyan.core.errors import DomainError, InvalidInput


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="头雁 Touyan API",
    version="1",
    description="村(社区)干部职业化管理 — 公共接口 v1",
    auth=[BearerAuth(), SessionAuth()],
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


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _register() -> None:
    from touyan.accounts.api import router as accounts_router
    from touyan.accounts.api import token_router
    from touyan.affairs.api import public_router as public_affairs_router
    from touyan.affairs.api import router as affairs_router
    from touyan.assessment.api import router as assessment_router
    from touyan.attendance.api import leave_router
    from touyan.attendance.api import router as attendance_router
    from touyan.cadres.api import router as cadres_router
    from touyan.payroll.api import router as payroll_router
    from touyan.policy.api import router as policy_router
    from touyan.regions.api import router as regions_router
    from touyan.selection.api import eligibility_router, exits_router
    from touyan.selection.api import router as selection_router

    api.add_router("/auth", token_router)
    api.add_router("/users", accounts_router)
    api.add_router("/regions", regions_router)
    api.add_router("/policy", policy_router)
    api.add_router("/cadres", cadres_router)
    api.add_router("/attendance", attendance_router)
    api.add_router("/leave-requests", leave_router)
    api.add_router("/assessments", assessment_router)
    api.add_router("/payroll", payroll_router)
    api.add_router("/affairs", affairs_router)
    api.add_router("/public", public_affairs_router)
    api.add_router("/selection", selection_router)
    api.add_router("/exits", exits_router)
    api.add_router("/cadres", eligibility_router)  # A7 /cadres/{id}/eligibility (selection is above cadres)


_register()
