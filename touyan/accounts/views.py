"""Login pages and user management pages (thin: services do the work)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from touyan.accounts.requests import AuthedRequest
from touyan.core.errors import Conflict, InvalidInput
from touyan.core.views import crumbs, web_errors

from . import rules
from .forms import LoginForm, UserCreateForm
from .regionpick import RegionPickField
from .scope import require
from .selectors import users_in_scope
from .services import user_create


class LoginView(auth_views.LoginView):
    """Username, password and — for a user who has enrolled — the TOTP code (accounts.twofactor)."""

    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        from django_otp import login as otp_login

        response = super().form_valid(form)
        device = getattr(form, "device", None)
        if device is not None:
            otp_login(self.request, device)  # the session is verified by a second factor
        return response


@login_required
@web_errors
def users(request: AuthedRequest) -> HttpResponse:
    require(request.user, rules.USERS_MANAGE)
    form = UserCreateForm(request.POST or None, initial={"region": request.user.region_id or ""})
    form.fields["region"] = RegionPickField(actor=request.user)  # picked from the tree, not typed
    if request.method == "POST" and form.is_valid():
        try:
            created = user_create(
                actor=request.user,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                role=form.cleaned_data["role"],
                region_code=form.cleaned_data["region"],
                display_name=form.cleaned_data["display_name"],
                department=form.cleaned_data["department"],
            )
        except (InvalidInput, Conflict) as exc:
            for field, msgs in exc.field_errors().items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
        else:
            messages.success(request, _("已创建用户 %(u)s") % {"u": created.username})
            return redirect("accounts:users")
    qs = users_in_scope(actor=request.user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(username__icontains=q) | qs.filter(display_name__icontains=q)
    qs = qs.annotate(n_villages=Count("liaison_villages"))  # a liaison's assigned villages (包村)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/users.html",
        {
            "form": form,
            "page": page,
            "q": q,
            "breadcrumbs": crumbs((_("系统设置"), None), (_("用户管理"), None)),
        },
    )
