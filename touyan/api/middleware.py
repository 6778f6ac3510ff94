"""A short middleware chain for bearer-token API requests (issue #4: the check-in hot path).

A request to /api/ with `Authorization: Bearer …` carries no session, no CSRF cookie and wants no
HTML, so the page middleware (sessions, CSRF, authentication from the session, messages, page CSP,
django-axes) only costs time: about a CPU millisecond a request on our machines, as much as a
check-in itself. `BearerApiMiddleware`, first in MIDDLEWARE, sends such a request through
`API_BEARER_MIDDLEWARE` instead; everything else goes on through the full chain. The token
endpoint (`/api/v1/auth/…`, where django-axes counts password failures) always takes the full chain.

On the short chain `request.user` starts anonymous and the bearer token alone authenticates: a bad
token is refused even when the client also sends a session cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string

GetResponse = Callable[[HttpRequest], HttpResponse]

# JSON needs no sources; nobody may frame it (OWASP REST security headers).
API_CSP = "default-src 'none'; frame-ancestors 'none'"


def is_bearer_api(request: HttpRequest) -> bool:
    path = request.path_info
    return (
        path.startswith("/api/")
        and not path.startswith("/api/v1/auth/")
        and request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer ")
    )


class _ShortChain(BaseHandler):
    """Django's handler with its middleware list taken from API_BEARER_MIDDLEWARE (sync only)."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        base: Any = self
        handler: Any = convert_exception_to_response(base._get_response)
        for path in reversed(settings.API_BEARER_MIDDLEWARE):
            instance = import_string(path)(handler)
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler


class BearerApiMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        short = _ShortChain()
        short.load_middleware()
        self.short_chain: Any = short._middleware_chain

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_bearer_api(request):
            return self.short_chain(request)
        return self.get_response(request)


class BearerRequestMiddleware:
    """On the short chain: an anonymous user until the token is checked; the language of the
    messages (English when the client's first Accept-Language is English, else Chinese — the
    full chain's LocaleMiddleware does more work for the same answer to API clients); and the
    headers the full chain would add (Content-Length, Content-Language, Vary, frame denial and a
    CSP for JSON)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = AnonymousUser()
        accept = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
        language = "en" if accept[:2].lower() == "en" else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        headers = response.headers
        if not response.streaming and "Content-Length" not in headers:
            headers["Content-Length"] = str(len(response.content))
        headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Accept-Language",))
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", API_CSP)
        return response
