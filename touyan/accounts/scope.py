"""Region scope: what part of the tree a user may see and change.

A user's scope is the prefix of their region's code ("" for a national
administrator), decided in `touyan.regions.scope` (it needs only the region code
rules) and offered here beside the role's capabilities (`require`). Every protected
read goes through `scope_filter` or an `access_*` helper; nothing else decides scope.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from touyan.core.errors import Forbidden, NotFound
from touyan.regions import rules as region_rules
from touyan.regions.scope import (
    NATIONAL,
    assigned_villages,
    in_scope,
    require_in_scope,
    scope_filter,
    scope_prefix,
)

from . import rules

__all__ = [
    "NATIONAL",
    "assigned_villages",
    "in_scope",
    "officials_only",
    "require",
    "require_in_scope",
    "scope_filter",
    "scope_prefix",
]


def liaison_villages(user: Any) -> frozenset[str] | None:
    """The ASSIGNED reach: the village codes assigned to a liaison bound to a township (包村,
    `LiaisonVillage`); None when the user is not narrowed that way (any other role, a liaison bound
    to one village, or one with no village assigned yet, who reads the whole township). Read once
    per request and kept on the user object. Registered with `regions.scope` in AppConfig.ready."""
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


def require(user: Any, capability: str) -> None:
    """Raise Forbidden unless the user's role carries the capability."""
    if not getattr(user, "is_authenticated", False) or not rules.has_capability(
        user.role, capability, is_superuser=user.is_superuser
    ):
        raise Forbidden(_("您的角色无权执行此操作"))


def officials_only(user: Any) -> None:
    """A page for officials: a village cadre's login gets 404 (outsiders learn nothing)."""
    if rules.is_village_cadre(user):
        raise NotFound(_("未找到该页面"))
