"""Passwords: their length bound, and entering one again for a sensitive step (issue 21).

- `MAX_LENGTH` (128): a longer password is refused at once, before anything hashes it (a
  200,000-character password cost seconds of Argon2 time per try).
- `password_confirm()`: the password typed again before a reveal of personal data goes through
  `django.contrib.auth.authenticate`, so django-axes counts a wrong one as a failed login and
  locks the account after 5 (AXES_FAILURE_LIMIT): the reveal is no password oracle.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _

from touyan.audit.middleware import current_ip
from touyan.core.errors import InvalidInput, TooManyAttempts

MAX_LENGTH = 128


def too_long(password: str | None) -> bool:
    return len(password or "") > MAX_LENGTH


def length_error() -> str:
    return _("密码不能超过 %(n)d 个字符") % {"n": MAX_LENGTH}


def check_length(password: str | None, field: str = "password") -> None:
    if too_long(password):
        raise InvalidInput(errors={field: length_error()})


def _bare_request() -> HttpRequest:
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = current_ip.get() or "127.0.0.1"
    request.method = "POST"
    return request


def locked_message() -> str:
    return _("连续 5 次密码错误,账号已被锁定 1 小时。")


def password_confirm(*, request: Any, user: Any, password: str | None) -> None:
    """The user's own password, typed again; raises InvalidInput on "password" when wrong and
    TooManyAttempts when the account is locked out (the right password is refused then too)."""
    check_length(password)
    req = request if isinstance(request, HttpRequest) else _bare_request()
    checked = authenticate(req, username=user.get_username(), password=password or "")
    if getattr(req, "axes_locked_out", False):
        raise TooManyAttempts(locked_message(), field="password")
    if checked is None or checked.pk != user.pk:
        raise InvalidInput(errors={"password": _("密码不正确")})
