"""Writes and reads of account security: changing and resetting passwords, the tokens a user may
see and revoke, unlocking a locked-out account (issue 21; 等保 三权分立).

- `password_change`: the user's own, with the old password; clears a forced change.
- `password_reset`: an administrator (or security administrator) of the user's region sets a
  temporary password; the user must choose a new one at their next login (accounts.gate).
- `tokens_visible`: a user's own tokens; an administrator's or security administrator's also
  those of the users of their region.
- `account_unlock`: the security administrator (or an administrator) lifts a django-axes lockout.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from touyan.audit.services import audit_record
from touyan.core.errors import Forbidden, InvalidInput, NotFound

from . import rules
from .models import SEPARATED_ROLES, ApiToken, Role, User
from .passwords import check_length
from .selectors import users_in_scope
from .services import _check_password, token_cache_clear


def _may_manage(actor: Any) -> bool:
    su = bool(getattr(actor, "is_superuser", False))
    role = getattr(actor, "role", "")
    return rules.has_capability(role, rules.USERS_MANAGE, is_superuser=su) or rules.has_capability(
        role, rules.SECURITY_MANAGE, is_superuser=su
    )


def managed_user(*, actor: Any, user_id: int) -> User:
    """A user of the actor's region whose account the actor may manage; else NotFound."""
    if not _may_manage(actor):
        raise Forbidden(_("您的角色无权管理账号"))
    user = users_in_scope(actor=actor).filter(pk=user_id).first()
    if user is None or (user.is_superuser and not actor.is_superuser) or user.pk == actor.pk:
        raise NotFound(_("未找到该用户"))
    if user.role in SEPARATED_ROLES and not (actor.is_superuser or actor.role == Role.SECURITY_ADMIN):
        # 三权分立: a system administrator does not take over an auditor's or security officer's account
        raise Forbidden(_("系统管理员不能管理审计员或安全管理员的账号"))
    return user


@transaction.atomic
def password_change(*, request: Any, user: User, old_password: str, new_password: str) -> User:
    """The user changes their own password (the old one first); the session stays signed in."""
    check_length(old_password, "old_password")
    check_length(new_password, "new_password")
    if not user.check_password(old_password):
        raise InvalidInput(errors={"old_password": _("原密码不正确")})
    if old_password == new_password:
        raise InvalidInput(errors={"new_password": _("新密码不能与原密码相同")})
    try:
        _check_password(new_password, user)
    except InvalidInput as exc:
        raise InvalidInput(errors={"new_password": exc.errors.get("password", [exc.message])}) from exc
    user.set_password(new_password)
    user.password_change_required = False
    user.save(update_fields=["password", "password_change_required"])
    if request is not None:
        update_session_auth_hash(request, user)
    audit_record(actor=user, action="auth.password.change", obj=user, region_code=user.region_id or "")
    return user


@transaction.atomic
def password_reset(*, actor: Any, user_id: int, new_password: str) -> User:
    """An administrator sets a temporary password; the user must change it at the next login.
    Their API tokens stop working (a reset is for an account that may be in other hands)."""
    user = managed_user(actor=actor, user_id=user_id)
    _check_password(new_password, user)
    user.set_password(new_password)
    user.password_change_required = True
    user.save(update_fields=["password", "password_change_required"])
    ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)
    token_cache_clear()
    transaction.on_commit(lambda: token_cache_clear(everywhere=True))
    audit_record(actor=actor, action="auth.password.reset", obj=user, region_code=user.region_id or "")
    return user


def tokens_visible(*, actor: Any) -> QuerySet[ApiToken]:
    """The actor's own tokens, and for an administrator or security administrator those of the users
    of their region."""
    qs = ApiToken.objects.select_related("user")
    if _may_manage(actor):
        return qs.filter(user__in=users_in_scope(actor=actor).values("pk")) | qs.filter(user_id=actor.pk)
    return qs.filter(user_id=actor.pk)


def access_token(*, actor: Any, token_id: int) -> ApiToken:
    token = tokens_visible(actor=actor).filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("未找到该令牌"))
    return token


@transaction.atomic
def account_unlock(*, actor: Any, user_id: int) -> int:
    """Lift a django-axes lockout of a user of the actor's region; audited. Returns records cleared."""
    from axes.models import AccessAttempt

    user = managed_user(actor=actor, user_id=user_id)
    cleared, _detail = AccessAttempt.objects.filter(username=user.username).delete()
    audit_record(actor=actor, action="auth.unlock", obj=user, region_code=user.region_id or "")
    return cleared
