"""Editing and disabling users (the users page, issue 16); creation, roles and passwords are in
`services.py` and `security.py`. Every write is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from touyan.audit.services import audit_record
from touyan.core.errors import InvalidInput

from . import rules
from .models import LiaisonVillage, Role, User
from .scope import require
from .services import access_user, liaison_villages_set, token_cache_clear, township_villages, user_set_role

__all__ = ["liaison_villages_set", "township_villages", "user_set_active", "user_update"]


@transaction.atomic
def user_update(*, actor: Any, user_id: int, display_name: str, role: str, region_code: str) -> User:
    """Change a user's name, role and region (inside the actor's scope; the role and region as
    `user_set_role` checks them). Audited as `accounts.user.update` (and `accounts.user.role`)."""
    require(actor, rules.USERS_MANAGE)
    user = access_user(actor=actor, user_id=user_id, for_write=True)
    if user.role == "cadre" and (role != user.role or region_code != user.region_id):
        raise InvalidInput(errors={"role": _("村干部账号随本人档案,不能改角色或区域")})
    if role != user.role or (region_code or "") != (user.region_id or ""):
        user = user_set_role(actor=actor, user_id=user.pk, role=role, region_code=region_code)
        # villages assigned stay only while the user is a liaison of the villages' township
        stale = LiaisonVillage.objects.filter(user=user)
        if user.role == Role.LIAISON and user.region_id:
            stale = stale.exclude(village__parent_id=user.region_id)
        stale.delete()
    name = (display_name or "").strip()[:50]
    if name != user.display_name:
        old = user.display_name
        user.display_name = name
        user.save(update_fields=["display_name"])
        audit_record(
            actor=actor,
            action="accounts.user.update",
            obj=user,
            region_code=user.region_id or "",
            changes={"display_name": [old, name]},
        )
    return user


@transaction.atomic
def user_set_active(*, actor: Any, user_id: int, active: bool) -> User:
    """Disable (停用) or enable a user; a disabled user cannot sign in and their API tokens stop
    working. Nobody disables themself. Audited as `accounts.user.disable` / `.enable`."""
    require(actor, rules.USERS_MANAGE)
    user = access_user(actor=actor, user_id=user_id, for_write=True)
    if user.pk == getattr(actor, "pk", None):
        raise InvalidInput(errors={"active": _("不能停用自己的账号")})
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    token_cache_clear()
    transaction.on_commit(lambda: token_cache_clear(everywhere=True))
    audit_record(
        actor=actor,
        action="accounts.user.enable" if active else "accounts.user.disable",
        obj=user,
        region_code=user.region_id or "",
        changes={"is_active": [not active, active]},
    )
    return user
