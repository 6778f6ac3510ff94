"""Account security pages: enrolling a second factor, changing a password, one's API tokens, and the
security administrator's desk (locked accounts, second factors, tokens of the region).

Thin: the work is in accounts.twofactor and accounts.security."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touyan.accounts.requests import AuthedRequest
from touyan.core.errors import DomainError, InvalidInput
from touyan.core.views import crumbs, web_errors

from . import rules
from .forms import OtpConfirmForm, PasswordChangeForm, PasswordResetForm
from .scope import require
from .security import (
    access_token,
    account_unlock,
    managed_user,
    password_change,
    password_reset,
    tokens_visible,
)
from .selectors import users_in_scope
from .services import token_revoke
from .twofactor import device_of, qr_svg, requires_2fa, secret_text, totp_confirm, totp_pending, totp_reset


def _errors(form: object, exc: DomainError) -> None:
    for field, msgs in exc.field_errors().items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)  # type: ignore[attr-defined]


def _next(request: AuthedRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


@login_required
def twofactor_setup(request: AuthedRequest) -> HttpResponse:
    """Bind an authenticator app: scan the QR code (drawn by the server), type its first code."""
    from django_otp import login as otp_login

    form = OtpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_confirm(request=request, user=request.user, code=form.cleaned_data["code"])
        except InvalidInput as exc:
            _errors(form, exc)
        else:
            otp_login(request, device)
            messages.success(request, _("已绑定动态验证码。今后登录须输入 App 中的验证码。"))
            return redirect(_next(request))
    device = totp_pending(request.user)
    return render(request, "accounts/twofactor_setup.html", {
        "form": form, "qr": qr_svg(device), "secret": secret_text(device), "enrolled": device_of(request.user),
        "required": requires_2fa(request.user), "next": _next(request),
        "breadcrumbs": crumbs((_("账号安全"), None), (_("动态验证码"), None)),
    })  # fmt: skip


@login_required
@web_errors
def password_change_page(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(
                request=request,
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except InvalidInput as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("密码已修改"))
            return redirect("home")
    return render(request, "accounts/password_change.html", {
        "form": form, "forced": request.user.password_change_required,
        "breadcrumbs": crumbs((_("账号安全"), None), (_("修改密码"), None)),
    })  # fmt: skip


@login_required
@web_errors
def tokens_page(request: AuthedRequest) -> HttpResponse:
    """The API tokens the user may see — their own; an administrator's region's too — and revoking one."""
    if request.method == "POST":
        token = access_token(actor=request.user, token_id=int(request.POST.get("token", "0") or 0))
        token_revoke(actor=request.user, token=token)
        messages.success(request, _("已吊销令牌 %(p)s…") % {"p": token.prefix})
        return redirect("accounts:tokens")
    qs = tokens_visible(actor=request.user).order_by("revoked", "-created_at")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/tokens.html", {
        "page": page, "breadcrumbs": crumbs((_("账号安全"), None), (_("接口令牌"), None)),
    })  # fmt: skip


@login_required
@web_errors
def security_desk(request: AuthedRequest) -> HttpResponse:
    """The security administrator's page: the region's accounts, who is locked out, who has a second
    factor; unlock, reset a second factor (等保 三权分立: no business data here)."""
    require(request.user, rules.SECURITY_MANAGE)
    from axes.models import AccessAttempt
    from django_otp.plugins.otp_totp.models import TOTPDevice

    qs = users_in_scope(actor=request.user)
    q = request.GET.get("q", "").strip()[:150]
    if q:
        qs = qs.filter(username__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    names = [u.username for u in page]
    locked = set(AccessAttempt.objects.filter(username__in=names).values_list("username", flat=True))
    devices = set(TOTPDevice.objects.filter(user__in=list(page), confirmed=True).values_list("user_id", flat=True))
    rows = [{"u": u, "locked": u.username in locked, "otp": u.pk in devices} for u in page]
    return render(request, "accounts/security.html", {
        "page": page, "rows": rows, "q": q, "breadcrumbs": crumbs((_("系统设置"), None), (_("安全管理"), None)),
    })  # fmt: skip


@login_required
@require_POST
@web_errors
def user_unlock(request: AuthedRequest, user_id: int) -> HttpResponse:
    account_unlock(actor=request.user, user_id=user_id)
    messages.success(request, _("已解除锁定"))
    return redirect(request.POST.get("back") or "accounts:security")


@login_required
@require_POST
@web_errors
def user_twofactor_reset(request: AuthedRequest, user_id: int) -> HttpResponse:
    totp_reset(actor=request.user, user=managed_user(actor=request.user, user_id=user_id))
    messages.success(request, _("已重置动态验证码,该用户下次登录时重新绑定"))
    return redirect("accounts:security")


@login_required
@require_POST
@web_errors
def user_password_reset(request: AuthedRequest, user_id: int) -> HttpResponse:
    """An administrator sets a temporary password (the users page); a change is forced at next login."""
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            user = password_reset(actor=request.user, user_id=user_id, new_password=form.cleaned_data["new_password"])
        except InvalidInput as exc:
            messages.error(request, exc.text())
        else:
            messages.success(request, _("已重置 %(u)s 的密码,对方下次登录须修改") % {"u": user.username})
    else:
        messages.error(request, " ".join(str(m) for msgs in form.errors.values() for m in msgs))
    return redirect("accounts:users")
