"""Template context for the shell: navigation and the current region."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, Any]:
    from touyan.dashboards.navigation import shell_context

    return shell_context(request)
