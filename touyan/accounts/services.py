"""Writes to accounts: creating users, changing roles, issuing API tokens."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.audit.services import audit_record
from touyan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from touyan.core.statements import fetch_one
from touyan.regions import rules as region_rules
from touyan.regions.models import Region
from touyan.regions.selectors import access_region

from . import rules
from .actions import AccountsAction
from .hooks import cadre_for_login
from .models import SEPARATED_ROLES, ApiToken, Department, LiaisonVillage, Role, User
from .passwords import check_length, too_long
from .scope import require
from .selectors import users_in_scope

TOKEN_PREFIX = "ty_"


def _check_password(password: str, user: User | None = None) -> None:
    check_length(password)
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise InvalidInput(errors={"password": [str(m) for m in exc.messages]}) from exc


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    region_code: str,
    display_name: str = "",
    cadre_id: int | None = None,
    department: str = "",
) -> User:
    """An admin creates a user bound to a role and a region inside their scope (SPEC A1, A7).

    A user of role `cadre` is bound to their own file (`cadre_id`), in their village."""
    require(actor, rules.USERS_MANAGE)
    errors: dict[str, str] = {}
    username = (username or "").strip()
    if not username or len(username) > 150:
        errors["username"] = _("请填写用户名(不超过150个字符)")
    if role not in Role.values:
        errors["role"] = _("角色无效,可选: %(roles)s") % {"roles": ", ".join(Role.values)}
    if role == Role.CADRE and cadre_id is None:
        errors["cadre"] = _("村干部账号须绑定本人档案")
    if role != Role.CADRE and cadre_id is not None:
        errors["cadre"] = _("只有村干部账号绑定档案")
    department = (department or "").strip()
    if role == Role.REVIEWER and department not in Department.values:
        errors["department"] = _("联审部门账号须选择部门,可选: %(v)s") % {"v": ", ".join(Department.values)}
    if role != Role.REVIEWER and department:
        errors["department"] = _("只有联审部门账号填写部门")
    if errors:
        raise InvalidInput(errors=errors)
    cadre = None
    if cadre_id is not None:
        cadre = cadre_for_login(actor=actor, cadre_id=cadre_id)
        if User.objects.filter(cadre=cadre).exists():
            raise Conflict(_("该干部已有账号"), field="cadre")
        region_code = region_code or cadre.village_id
        if cadre.village_id != access_region(actor=actor, code=region_code).code:
            raise InvalidInput(errors={"region": _("村干部账号的区域须为其所在村(社区)")})
    region = access_region(actor=actor, code=region_code)
    if not rules.level_allowed(role, region.level):
        raise InvalidInput(
            errors={
                "region": _("角色 %(role)s 不能绑定到%(level)s级区域")
                % {"role": role, "level": region.get_level_display()}
            }
        )
    _check_password(password, User(username=username))
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("用户名 %(u)s 已存在") % {"u": username}, field="username")
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                password=password,
                role=role,
                region=region,
                display_name=display_name,
                cadre=cadre,
                department=department,
            )
    except IntegrityError as exc:
        raise Conflict(_("用户名 %(u)s 已存在") % {"u": username}, field="username") from exc
    audit_record(
        actor=actor,
        action="accounts.user.create",
        obj=user,
        region_code=region.code,
        changes={
            "username": [None, username],
            "role": [None, role],
            "region": [None, region.code],
            **({"department": [None, department]} if department else {}),
        },
    )
    return user


@transaction.atomic
def user_set_role(*, actor: Any, user_id: int, role: str, region_code: str | None = None) -> User:
    """Change a user's role (and region); audited as a role change."""
    require(actor, rules.USERS_MANAGE)
    user = access_user(actor=actor, user_id=user_id, for_write=True)
    if role not in Role.values:
        raise InvalidInput(errors={"role": _("角色无效")})
    if role in SEPARATED_ROLES and user.is_superuser:  # 三权分立
        raise InvalidInput(errors={"role": _("系统管理员不能同时担任安全管理员或审计员")})
    region = access_region(actor=actor, code=region_code or user.region_id or "")
    if not rules.level_allowed(role, region.level):
        raise InvalidInput(errors={"region": _("该角色不能绑定到此级区域")})
    old = {"role": user.role, "region": user.region_id}
    user.role = role
    user.region = region
    user.save(update_fields=["role", "region"])
    token_cache_clear()
    transaction.on_commit(lambda: token_cache_clear(everywhere=True))
    audit_record(
        actor=actor,
        action="accounts.user.role",
        obj=user,
        region_code=region.code,
        changes={"role": [old["role"], role], "region": [old["region"], region.code]},
    )
    return user


def access_user(*, actor: Any, user_id: int, for_write: bool = False) -> User:
    """A user whose region lies inside the actor's scope; else NotFound."""
    user = users_in_scope(actor=actor).filter(pk=user_id).first()
    if user is None or (for_write and user.is_superuser and not actor.is_superuser):
        raise NotFound(_("未找到该用户"))
    return user


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_issue(*, request: HttpRequest, username: str, password: str, otp: str | None = None) -> tuple[str, ApiToken]:
    """Exchange a username and password for a bearer token (SPEC A7).

    Goes through Django's authenticate() so django-axes counts failures and locks
    out after 5; the failure records are written outside any transaction of ours
    so that refusing the request does not roll them back. A user who has enrolled a
    second factor (TOTP, accounts.twofactor) must also send a valid `otp`; a wrong one
    counts as a failed login. Only the token's SHA-256 is stored; the token is returned once.
    """
    from .twofactor import otp_check

    if too_long(password) or len(username or "") > 150:  # refused before anything hashes it
        raise Forbidden(_("用户名或密码错误,或账号已被锁定"))
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise Forbidden(_("用户名或密码错误,或账号已被锁定"))
    otp_check(request=request, user=user, code=otp)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            key_hash=_hash_token(raw),
            prefix=raw[:10],
            expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS),
        )
        audit_record(actor=user, action="auth.token.issue", obj=token, region_code=user.region_id or "")
    return raw, token


_TOKEN_USER_WANTED = {"id", "username", "role", "region_id", "cadre_id", "is_superuser", "is_staff", "is_active",
                      "display_name"}  # fmt: skip


@functools.cache
def _token_user_fields() -> tuple[str, ...]:
    # In the model's order: Model.from_db() takes a subset's values in that order.
    return tuple(f.attname for f in User._meta.concrete_fields if f.attname in _TOKEN_USER_WANTED)


@functools.cache
def _token_user_sql() -> str:
    q = connection.ops.quote_name
    fields = _token_user_fields()
    columns = ", ".join(f"u.{q(str(f.column))}" for f in User._meta.concrete_fields if f.attname in fields)
    return (
        "SELECT t.id, CASE WHEN t.last_used_at IS NULL OR t.last_used_at < %s THEN 1 ELSE 0 END,"  # noqa: S608 (identifiers from the models)
        f" CASE WHEN t.expires_at > %s THEN 1 ELSE 0 END, {columns}"
        f" FROM {q(ApiToken._meta.db_table)} t INNER JOIN {q(User._meta.db_table)} u ON u.id = t.user_id"
        " WHERE t.key_hash = %s AND t.revoked = %s AND t.expires_at > %s"
    )


# This process's recently checked tokens: SHA-256 → (the user's field values, good until). See token_user.
_token_cache: dict[str, tuple[list[Any], dt.datetime]] = {}
_TOKEN_CACHE_MAX = 10_000


_cache_stamp: list[int] = [0]  # the stamp file's mtime when this process's cache was last trusted


def _stamp_path() -> Path:
    return Path(getattr(settings, "TOUYAN_TOKEN_STAMP", None) or Path(settings.MEDIA_ROOT) / ".token-stamp")


def _stamp() -> int:
    try:
        return _stamp_path().stat().st_mtime_ns
    except OSError:
        return 0


def token_cache_clear(*, everywhere: bool = False) -> None:
    """Forget this process's recently checked tokens (after a change to a user's role, region or
    state, so that this process's next request reads them again). `everywhere`: also tell every
    other process that shares MEDIA_ROOT (the web workers, also on other machines that share the job
    folders), by touching a stamp file they look at before trusting their cache — a revoked token
    stops working at once in all of them (A8 DELETE /auth/token)."""
    _token_cache.clear()
    if everywhere:
        path = _stamp_path()
        try:
            before, now = _stamp(), time.time_ns()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
            os.utime(path, ns=(now, max(now, before + 1)))  # changes even within the clock's granularity
        except OSError:  # no shared folder: the other processes still forget within the cache window
            pass


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke one token at once (A8 `DELETE /api/v1/auth/token`, the tokens page): the holder, an
    administrator or security administrator of the holder's region; audited."""
    if token.user_id != getattr(actor, "pk", None):
        if not (
            rules.has_capability(actor.role, rules.USERS_MANAGE, is_superuser=actor.is_superuser)
            or rules.has_capability(actor.role, rules.SECURITY_MANAGE, is_superuser=actor.is_superuser)
        ):
            raise NotFound(_("未找到该令牌"))
        if not users_in_scope(actor=actor).filter(pk=token.user_id).exists():
            raise NotFound(_("未找到该令牌"))
    if not token.revoked:
        ApiToken.objects.filter(pk=token.pk).update(revoked=True)
        token.revoked = True
        audit_record(actor=actor, action="auth.token.revoke", obj=token, region_code=token.user.region_id or "")
    token_cache_clear()
    transaction.on_commit(lambda: token_cache_clear(everywhere=True))
    return token


def token_of(raw: str) -> ApiToken | None:
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=_hash_token(raw)).first()


def _token_user_of(values: list[Any]) -> User:
    user = User.from_db(connection.alias, _token_user_fields(), values)
    for name in ("is_superuser", "is_staff", "is_active"):
        setattr(user, name, bool(getattr(user, name)))  # SQLite gives 0/1
    return user


def token_user(raw: str) -> User | None:
    """The active user a live token belongs to, or None.

    On the check-in hot path (issue #4) this is one hand-built statement: the token, whether its
    last use is older than five minutes, whether it outlives the cache window, and the user's fields
    that scope and audit read (the rest are deferred and load on first use). A token found good is
    remembered by this process for `API_TOKEN_CACHE_SECONDS` (never past its expiry): a client that
    sends many requests with one token — a duty-book or attendance-machine import, an officer's
    batch — is then checked once in that window, not once a request. The price, documented in
    docs/operations.md: a token revoked or a user deactivated or moved in the database keeps
    working in another worker process for at most that many seconds; 0 turns the cache off. Each
    request gets its own User object."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    key = _hash_token(raw)
    now = timezone.now()
    stamp = _stamp()  # one stat(): a token was revoked or a user changed in some process
    if stamp != _cache_stamp[0]:
        _token_cache.clear()
        _cache_stamp[0] = stamp
    cached = _token_cache.get(key)
    if cached is not None:
        if cached[1] > now:
            return _token_user_of(cached[0])
        _token_cache.pop(key, None)
    ttl = dt.timedelta(seconds=settings.API_TOKEN_CACHE_SECONDS)
    adapt = connection.ops.adapt_datetimefield_value
    row = fetch_one(_token_user_sql(), [adapt(now - dt.timedelta(minutes=5)), adapt(now + ttl), key, False, adapt(now)])
    if row is None:
        return None
    token_id, touch, outlives_window, *values = row
    user = _token_user_of(values)
    if not user.is_active:
        return None
    if touch:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    if ttl and outlives_window:
        if len(_token_cache) >= _TOKEN_CACHE_MAX:
            _token_cache.clear()
        _token_cache[key] = (values, now + ttl)
    return user


def township_villages(user: User) -> list[tuple[str, str]]:
    """(code, name) of the villages of a liaison's township: what may be assigned to them."""
    if (
        user.role != Role.LIAISON
        or not user.region_id
        or region_rules.level_of(user.region_id) != region_rules.TOWNSHIP
    ):
        return []
    return list(Region.objects.filter(parent_id=user.region_id).order_by("code").values_list("code", "name"))


@transaction.atomic
def liaison_villages_set(*, actor: Any, user_id: int, village_codes: list[str]) -> User:
    """Assign a liaison official's villages (包村, SPEC A1): villages of the liaison's own
    township, replacing the former set. An empty set leaves the liaison the whole township.
    Audited as `accounts.user.villages` with the old and new lists."""
    require(actor, rules.USERS_MANAGE)
    user = access_user(actor=actor, user_id=user_id, for_write=True)
    allowed = dict(township_villages(user))
    if not allowed:
        raise InvalidInput(errors={"villages": _("只有驻乡镇的包村干部可以分配包联村")})
    wanted = sorted(set(village_codes))
    outside = [c for c in wanted if c not in allowed]
    if outside:
        raise InvalidInput(errors={"villages": _("%(c)s 不是该乡镇的村(社区)") % {"c": "、".join(outside)}})
    old = sorted(LiaisonVillage.objects.filter(user=user).values_list("village_id", flat=True))
    if old == wanted:
        return user
    LiaisonVillage.objects.filter(user=user).exclude(village_id__in=wanted).delete()
    LiaisonVillage.objects.bulk_create(
        [LiaisonVillage(user=user, village_id=c) for c in wanted if c not in old], ignore_conflicts=True
    )
    user.__dict__.pop("_assigned_villages", None)
    audit_record(
        actor=actor,
        action=AccountsAction.LIAISON_VILLAGES,
        obj=user,
        region_code=user.region_id or "",
        changes={"villages": [[allowed.get(c, c) for c in old], [allowed[c] for c in wanted]]},
    )
    return user
