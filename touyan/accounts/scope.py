"""Region scope: what part of the tree a user may see and change.

A user's scope is the prefix of their region's code ("" for a national
administrator). Every protected read goes through `scope_filter` or an
`access_*` helper; nothing else decides scope.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from touyan.core.errors import Forbidden, NotFound
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


def assigned_villages(user: Any) -> frozenset[str] | None:
    """The ASSIGNED reach: the village codes assigned to a liaison bound to a township (包村,
    `LiaisonVillage`); None when the user is not narrowed that way (any other role, a liaison bound
    to one village, or one with no village assigned yet, who reads the whole township). Read once
    per request and kept on the user object."""
    if getattr(user, "role", None) != "liaison" or not getattr(user, "region_id", None):
        return None
    if region_rules.level_of(user.region_id) != region_rules.TOWNSHIP:
        return None
    cache = user.__dict__
    if "_assigned_villages" not in cache:
        from .models import LiaisonVillage

        codes = frozenset(LiaisonVillage.objects.filter(user_id=user.pk).values_list("village_id", flat=True))
        cache["_assigned_villages"] = codes or None
    found: frozenset[str] | None = cache["_assigned_villages"]
    return found


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
        unscoped = getattr(qs, "unscoped", None)
        return unscoped() if unscoped is not None else qs
    qs = qs.filter(**{f"{field}__startswith": prefix})
    villages = assigned_villages(user)
    if villages is not None:  # a liaison's villages, and the township's own rows
        qs = qs.filter(Q(**{f"{field}__in": sorted(villages)}) | Q(**{field: user.region_id}))
    return qs


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
