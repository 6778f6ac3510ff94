"""Chinese first: pages are in Simplified Chinese unless the user chose English.

A browser's Accept-Language is ignored for pages (many office computers run an
English system); the language switch sets a cookie that LocaleMiddleware reads.
API clients may still ask for English messages with Accept-Language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ChineseFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
