"""GET /healthz (A8): 200 `{"status": "ok"}`, or 503 naming the part that is down — the database,
and the task broker when one is configured. No login, no personal data; for load balancers and
monitoring."""

from __future__ import annotations

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

BROKER_TIMEOUT = 2  # seconds


def database_up() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() is not None
    except Exception:
        connections["default"].close_if_unusable_or_obsolete()
        return False


def broker_configured() -> bool:
    return not settings.CELERY_TASK_ALWAYS_EAGER and not str(settings.CELERY_BROKER_URL).startswith("memory://")


def broker_up() -> bool:
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
        return True
    except Exception:
        return False


def down_parts() -> list[str]:
    down = [] if database_up() else ["database"]
    if broker_configured() and not broker_up():
        down.append("broker")
    return down


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    down = down_parts()
    if down:
        return JsonResponse({"status": "down", "down": down}, status=503)
    return JsonResponse({"status": "ok"})
