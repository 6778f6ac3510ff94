"""Region reach: what part of the tree a user may see.

A user's reach is the prefix of their region's code ("" for a national administrator). It
depends only on the user's region and the code rules, so it lives with the regions; the
accounts app adds the role's capabilities (`accounts.scope.require`) and is where the other
apps import both from. Nothing else decides scope.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from touyan.core.errors import NotFound
from touyan.core.scoped import every_row

from . import rules as region_rules

M = TypeVar("M", bound=Model)
NATIONAL = ""

# The ASSIGNED reach (a liaison's villages, 包村) is kept by the accounts app, which registers how
# to read it in its AppConfig.ready; regions only applies it.
_assigned_reader: Callable[[Any], frozenset[str] | None] | None = None


def register_assigned_villages(reader: Callable[[Any], frozenset[str] | None]) -> None:
    """Hook: how to read the village codes a user is narrowed to (None = not narrowed)."""
    global _assigned_reader
    _assigned_reader = reader


def assigned_villages(user: Any) -> frozenset[str] | None:
    """The village codes the user is narrowed to inside their region, or None."""
    return _assigned_reader(user) if _assigned_reader is not None else None


def scope_prefix(user: Any) -> str | None:
    """The code prefix the user's scope covers; "" = everything; None = nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.region_id is None:
        return NATIONAL if user.is_superuser else None
    return region_rules.prefix_of(user.region_id)


def in_scope(user: Any, code: str) -> bool:
    """The code lies in the user's region; for a liaison with villages assigned, a village must be
    one of theirs (the township itself and above stay readable)."""
    prefix = scope_prefix(user)
    if prefix is None:
        return False
    try:
        if not region_rules.is_under(code, prefix):
            return False
        villages = assigned_villages(user)
        full = region_rules.normalize_code(code)
    except region_rules.BadCode:
        return False
    return villages is None or region_rules.level_of(full) != region_rules.VILLAGE or full in villages


def scope_filter(qs: QuerySet[M], user: Any, field: str = "region__code") -> QuerySet[M]:
    """Limit a queryset to rows whose region code (`field`, a lookup path ending in a
    code, e.g. "region__code" — Django reads the foreign key column, no join) lies in scope."""
    prefix = scope_prefix(user)
    if prefix is None:
        return qs.none()
    if prefix == NATIONAL:  # every row, on purpose (a fail-closed queryset would refuse it otherwise)
        return every_row(qs)
    qs = qs.filter(**{f"{field}__startswith": prefix})
    villages = assigned_villages(user)
    if villages is not None:  # a liaison's villages, and the township's own rows
        qs = qs.filter(Q(**{f"{field}__in": sorted(villages)}) | Q(**{field: user.region_id}))
    return qs


def require_in_scope(user: Any, code: str) -> None:
    """Raise NotFound for a region outside the user's scope: outsiders learn nothing."""
    if not in_scope(user, code):
        raise NotFound(_("未找到该区域,或不在您的管辖范围内"))
