"""Scoped reads of users."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import User
from .scope import scope_filter


def users_in_scope(*, actor: Any) -> QuerySet[User]:
    return scope_filter(User.objects.select_related("region"), actor).order_by("region_id", "username")
