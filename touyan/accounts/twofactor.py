"""Two-factor login with TOTP (django-otp): enrolment, checking a code, resetting (R-DATA-06).

- A user of a role in `TOUYAN_REQUIRE_2FA_ROLES` (default admin, finance, auditor, security_admin)
  enrols at their first login (accounts.gate sends them to the enrolment page); others may enrol.
- Once enrolled, a user needs a valid code for a web session (the login form) and for an API
  token (`POST /api/v1/auth/token` field `otp`). A wrong code counts as a failed login for
  django-axes (5 and the account is locked), and django-otp throttles each device too.
- The QR code of the enrolment page is drawn here (segno, an SVG in the page): no service outside.
- A security administrator may reset a user's second factor (a lost phone): they enrol again.
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from touyan.audit.services import audit_record
from touyan.core.errors import Forbidden, InvalidInput

from . import rules
from .scope import require

DEVICE_NAME = "TOTP"


def requires_2fa(user: Any) -> bool:
    """Must this user log in to the web with a second factor (and so enrol at first login)?"""
    if not getattr(user, "is_authenticated", False):
        return False
    roles = set(getattr(settings, "TOUYAN_REQUIRE_2FA_ROLES", ()))
    return user.role in roles or (bool(user.is_superuser) and "admin" in roles)


def device_of(user: Any) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if they have enrolled."""
    if not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def enrolled(user: Any) -> bool:
    return device_of(user) is not None


def _failed(request: Any, user: Any) -> None:
    """A wrong code after a right password: a failed login for django-axes."""
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)


def code_valid(device: TOTPDevice, code: str | None) -> bool:
    code = (code or "").strip().replace(" ", "")
    return bool(code) and len(code) <= 16 and code.isdigit() and bool(device.verify_token(code))


def otp_check(*, request: Any, user: Any, code: str | None, field: str = "otp") -> TOTPDevice | None:
    """For an enrolled user, the code must be valid (raises Forbidden on `field`); returns the device."""
    device = device_of(user)
    if device is None:
        return None
    if not code_valid(device, code):
        _failed(request, user)
        raise Forbidden(_("请填写正确的动态验证码(身份验证器 App 中的 6 位数字)"), field=field)
    return device


def totp_pending(user: Any) -> TOTPDevice:
    """The unconfirmed device an enrolment shows as a QR code (one per user, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=DEVICE_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, confirmed=False, name=DEVICE_NAME)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (drawn here, no outside service)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


def secret_text(device: TOTPDevice) -> str:
    """The key in base32, for typing into an app by hand."""
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@transaction.atomic
def totp_confirm(*, request: Any, user: Any, code: str | None) -> TOTPDevice:
    """Confirm the pending device with a first code; audited. Other devices of the user go."""
    device = totp_pending(user)
    if not code_valid(device, code):
        raise InvalidInput(errors={"code": _("验证码不正确,请核对手机时间后重试")})
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="auth.2fa.enrol", obj=user, region_code=user.region_id or "")
    return device


@transaction.atomic
def totp_reset(*, actor: Any, user: Any) -> int:
    """A security administrator removes a user's second factor (a lost phone); they enrol again at
    their next login. Audited."""
    require(actor, rules.SECURITY_MANAGE)
    removed, _detail = TOTPDevice.objects.filter(user=user).delete()
    audit_record(
        actor=actor, action="auth.2fa.reset", obj=user, region_code=user.region_id or "", changes={"devices": removed}
    )
    return removed
