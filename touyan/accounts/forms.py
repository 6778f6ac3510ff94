from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from touyan.core.forms import StyledForm

from .models import Role


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
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "form-control form-control-lg"}),
    )
    error_messages = {
        "invalid_login": _("用户名或密码不正确。连续失败 5 次账号将被锁定 1 小时。"),
        "inactive": _("该账号已停用。"),
    }


class UserCreateForm(StyledForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region = forms.CharField(
        label=_("所属区域代码"), max_length=12, help_text=_("2、4、6、9 或 12 位区划代码,须在您的管辖范围内")
    )
    password = forms.CharField(
        label=_("初始密码"), widget=forms.PasswordInput(render_value=False), help_text=_("至少 8 位,不能全为数字")
    )
