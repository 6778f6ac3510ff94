"""Region scope: what part of the tree a user may see and change.

A user's scope is the prefix of their region's code ("" for a national
administrator). Every protected read goes through `scope_filter` or an
`access_*` helper; nothing else decides scope.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from touyan.core.errors import Forbidden, NotFound
from touyan.core.scoped import every_row
from touyan.regions import rules as region_rules

from . import rules

M = TypeVar("M", bound=Model)
NATIONAL = ""


def scope_prefix(user: Any) -> str | None:
    """The code prefix the user's scope covers; "" = everything; None = nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.region_id is None:
        return NATIONAL if user.is_superuser else None
    return region_rules.prefix_of(user.region_id)


def in_scope(user: Any, code: str) -> bool:
    prefix = scope_prefix(user)
    if prefix is None:
        return False
    try:
        return region_rules.is_under(code, prefix)
    except region_rules.BadCode:
        return False


def scope_filter(qs: QuerySet[M], user: Any, field: str = "region__code") -> QuerySet[M]:
    """Limit a queryset to rows whose region code (`field`, a lookup path ending in a
    code, e.g. "region__code" — Django reads the foreign key column, no join) lies in scope."""
    prefix = scope_prefix(user)
    if prefix is None:
        return qs.none()
    if prefix == NATIONAL:  # every row, on purpose (a fail-closed queryset would refuse it otherwise)
        return every_row(qs)
    return qs.filter(**{f"{field}__startswith": prefix})


def require(user: Any, capability: str) -> None:
    """Raise Forbidden unless the user's role carries the capability."""
    if not getattr(user, "is_authenticated", False) or not rules.has_capability(
        user.role, capability, is_superuser=user.is_superuser
    ):
        raise Forbidden(_("您的角色无权执行此操作"))


def require_in_scope(user: Any, code: str) -> None:
    """Raise NotFound for a region outside the user's scope: outsiders learn nothing."""
    if not in_scope(user, code):
        raise NotFound(_("未找到该区域,或不在您的管辖范围内"))
