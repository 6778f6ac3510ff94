"""Logins, failed logins and lockouts become audit events.

Authentication happens inside Django and django-axes, not in our services, so
their signals are the place to record it.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import Result
from .services import audit_record


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.login", obj=user, region_code=user.region_id or "")


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.logout", obj=user, region_code=user.region_id or "")


def _region_of(username: str) -> str:
    from touyan.accounts.models import User

    return User.objects.filter(username=username).values_list("region_id", flat=True).first() or ""


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        actor=None, action="auth.login", username=username, region_code=_region_of(username), result=Result.FAILED
    )


@receiver(user_locked_out)
def on_locked_out(
    sender: Any, request: Any = None, username: str | None = None, ip_address: str | None = None, **kwargs: Any
) -> None:
    audit_record(
        actor=None,
        action="auth.lockout",
        username=username or "",
        region_code=_region_of(username or ""),
        result=Result.DENIED,
    )
