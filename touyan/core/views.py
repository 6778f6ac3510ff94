"""Helpers shared by the web views: domain errors become 404/403 pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from .errors import DomainError, Forbidden, NotFound


def web_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn NotFound into a 404 page, Forbidden into a 403 page, and any other domain error that
    reaches the page (bad input in the address: a region code "x") into a 400 page, never a 500."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:  # bad input in the address (a malformed code): 400, never a 500
            raise BadRequest(exc.text()) from exc

    return wrapper


def crumbs(*pairs: tuple[Any, str | None]) -> list[dict[str, Any]]:
    return [{"label": label, "url": url} for label, url in pairs]


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: JSON under /api/ (an API client never gets an HTML page), the 500 page otherwise."""
    if request.path_info.startswith("/api/"):
        from django.http import JsonResponse
        from django.utils.translation import gettext as _

        return JsonResponse({"detail": _("服务器内部错误,请稍后重试")}, status=500)
    from django.views.defaults import server_error as page

    return page(request)
