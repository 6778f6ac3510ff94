"""What a locked-out client sees (django-axes): JSON for the API, a page otherwise."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("连续 5 次登录失败,账号已被锁定 1 小时。")},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "accounts/locked_out.html", status=429)
