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
from touyan.regions.scope import NATIONAL, in_scope, require_in_scope, scope_filter, scope_prefix

from . import rules

__all__ = ["NATIONAL", "in_scope", "officials_only", "require", "require_in_scope", "scope_filter", "scope_prefix"]


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
