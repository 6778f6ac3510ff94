from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from touyan.core.forms import StyledForm

from .models import Department, Role
from .passwords import MAX_LENGTH as MAX_PASSWORD


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "class": "form-control form-control-lg"}
        ),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        max_length=MAX_PASSWORD,  # a longer one is refused before anything hashes it
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "form-control form-control-lg"}),
    )
    otp = forms.CharField(
        label=_("动态验证码"),
        required=False,
        max_length=16,
        help_text=_("已绑定身份验证器的账号须填写 App 中的 6 位数字"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "form-control form-control-lg"}
        ),
    )
    error_messages = {
        "invalid_login": _("用户名或密码不正确。连续失败 5 次账号将被锁定 1 小时。"),
        "inactive": _("该账号已停用。"),
    }

    def clean(self) -> dict[str, Any]:
        """Username and password (through django-axes), then the TOTP code of an enrolled user:
        without a valid one there is no session (R-DATA-06)."""
        from touyan.core.errors import Forbidden

        from .twofactor import otp_check

        cleaned = super().clean()
        user = self.get_user()
        if user is not None:
            try:
                self.device = otp_check(request=self.request, user=user, code=cleaned.get("otp"))
            except Forbidden as exc:
                self.user_cache = None
                raise forms.ValidationError(exc.message, code="otp") from exc
        return cleaned


class UserCreateForm(StyledForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    department = forms.ChoiceField(
        label=_("联审部门"),
        choices=[("", "—"), *Department.choices],
        required=False,
        help_text=_("仅联审部门账号填写"),
    )
    region = forms.CharField(
        label=_("所属区域代码"), max_length=12, help_text=_("2、4、6、9 或 12 位区划代码,须在您的管辖范围内")
    )
    password = forms.CharField(
        label=_("初始密码"),
        max_length=MAX_PASSWORD,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("至少 8 位,不能全为数字"),
    )


class PasswordChangeForm(StyledForm):
    old_password = forms.CharField(label=_("原密码"), max_length=MAX_PASSWORD, strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(
        label=_("新密码"), max_length=MAX_PASSWORD, strip=False, widget=forms.PasswordInput,
        help_text=_("至少 8 位,不能全为数字,不能与用户名相近"),
    )  # fmt: skip
    new_password2 = forms.CharField(
        label=_("再次输入新密码"), max_length=MAX_PASSWORD, strip=False, widget=forms.PasswordInput
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("new_password") and cleaned.get("new_password") != cleaned.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return cleaned


class PasswordResetForm(StyledForm):
    new_password = forms.CharField(
        label=_("临时密码"), max_length=MAX_PASSWORD, strip=False, widget=forms.PasswordInput,
        help_text=_("用户下次登录时须改为自己的密码"),
    )  # fmt: skip


class OtpConfirmForm(StyledForm):
    code = forms.CharField(
        label=_("App 显示的 6 位验证码"), max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )  # fmt: skip
