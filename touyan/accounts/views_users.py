"""Editing and disabling users (the users page's rows): thin, the services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from touyan.accounts.requests import AuthedRequest
from touyan.core.errors import Conflict, InvalidInput
from touyan.core.forms import StyledForm
from touyan.core.views import crumbs, web_errors

from . import rules
from .models import Role
from .regionpick import RegionPickField
from .scope import require
from .services import access_user
from .services_users import liaison_villages_set, township_villages, user_set_active, user_update


class UserEditForm(StyledForm):
    display_name = forms.CharField(label=gettext_lazy("姓名"), max_length=50, required=False)
    role = forms.ChoiceField(label=gettext_lazy("角色"), choices=Role.choices)

    def __init__(self, *args: object, actor: object, villages: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["region"] = RegionPickField(actor=actor)
        self.fields["region"].widget.attrs["class"] = "form-select"
        if villages:  # a liaison bound to a township: their villages (包村)
            self.fields["villages"] = forms.MultipleChoiceField(
                label=gettext_lazy("包联村"),
                choices=villages,
                required=False,
                widget=forms.SelectMultiple(attrs={"class": "form-select", "size": min(len(villages), 10)}),
                help_text=gettext_lazy(
                    "包村干部只看到、只审批所包联的村;一个也不选时可看全乡镇。按住 Ctrl(手机上直接点选)可选多个"
                ),
            )


def _save(request: AuthedRequest, user_id: int, d: dict[str, Any], villages: bool) -> None:
    """The name, role and region, then (for a liaison still bound to a township) the villages."""
    updated = user_update(
        actor=request.user,
        user_id=user_id,
        display_name=d["display_name"],
        role=d["role"],
        region_code=d["region"],
    )
    if villages and township_villages(updated):
        liaison_villages_set(actor=request.user, user_id=user_id, village_codes=d.get("villages") or [])


@login_required
@web_errors
def user_edit(request: AuthedRequest, user_id: int) -> HttpResponse:
    require(request.user, rules.USERS_MANAGE)
    user = access_user(actor=request.user, user_id=user_id, for_write=True)
    villages = township_villages(user)
    initial = {
        "display_name": user.display_name,
        "role": user.role,
        "region": user.region_id or "",
        "villages": list(user.liaison_villages.values_list("village_id", flat=True)),
    }
    form = UserEditForm(request.POST or None, initial=initial, actor=request.user, villages=villages)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                _save(request, user.pk, d, "villages" in form.fields)
        except (InvalidInput, Conflict) as exc:
            for field, msgs in exc.field_errors().items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
        else:
            messages.success(request, _("已保存用户 %(u)s") % {"u": user.username})
            return redirect("accounts:users")
    return render(
        request,
        "accounts/user_edit.html",
        {
            "form": form,
            "target": user,
            "breadcrumbs": crumbs((_("系统设置"), None), (_("用户管理"), "/accounts/users/"), (user.username, None)),
        },
    )


@login_required
@require_POST
@web_errors
def user_active(request: AuthedRequest, user_id: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    try:
        user = user_set_active(actor=request.user, user_id=user_id, active=active)
    except InvalidInput as exc:
        messages.error(request, exc.text())
    else:
        done = _("已启用 %(u)s") if active else _("已停用 %(u)s,其接口令牌同时失效")
        messages.success(request, done % {"u": user.username})
    return redirect("accounts:users")
