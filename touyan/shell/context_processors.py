"""Template context for the shell: navigation and the current region."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .navigation import shell_context


def shell(request: HttpRequest) -> dict[str, Any]:
    return shell_context(request)
