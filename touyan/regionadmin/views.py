"""Region pages: the tree inside the user's scope, yearly statistics, the switcher."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.core.errors import Forbidden, InvalidInput
from touyan.core.views import web_errors
from touyan.regions.current import SESSION_KEY, current_region
from touyan.regions.models import Region
from touyan.regions.scope import scope_prefix
from touyan.regions.selectors import access_region, region_children, region_roots, region_stats, visible_path

from .forms import StatForm
from .services import region_stat_put


def _crumbs(request: AuthedRequest, region: Region) -> list[dict[str, object]]:
    return [
        {"label": r.name, "url": reverse("regions:detail", args=[r.code])}
        for r in visible_path(actor=request.user, region=region)
    ]


@login_required
@web_errors
def detail(request: AuthedRequest, code: str) -> HttpResponse:
    region = access_region(actor=request.user, code=code)
    can_edit = account_rules.has_capability(
        request.user.role, account_rules.REGION_STATS_WRITE, is_superuser=request.user.is_superuser
    )
    form = StatForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise Forbidden(_("您的角色无权修改统计数据"))
        if form.is_valid():
            try:
                region_stat_put(
                    actor=request.user,
                    code=region.code,
                    year=form.cleaned_data["year"],
                    rural_income_per_capita=form.cleaned_data["rural_income_per_capita"],
                    ref_new_staff_monthly=form.cleaned_data["ref_new_staff_monthly"],
                    collective_income=form.cleaned_data["collective_income"],
                )
            except InvalidInput as exc:
                for field, msgs in exc.field_errors().items():
                    for msg in msgs:
                        form.add_error(field if field in form.fields else None, msg)
            else:
                messages.success(request, _("已保存 %(y)s 年统计数据") % {"y": form.cleaned_data["year"]})
                return redirect("regions:detail", code=region.code)
    children = region_children(actor=request.user, region=region).annotate(n_children=Count("children"))
    return render(
        request,
        "regions/detail.html",
        {
            "region": region,
            "children": children,
            "stats": region_stats(actor=request.user, region=region),
            "form": form,
            "can_edit": can_edit,
            "breadcrumbs": [{"label": _("行政区划"), "url": None}, *_crumbs(request, region)],
        },
    )


@login_required
@web_errors
def switch(request: AuthedRequest) -> HttpResponse:
    """Choose the region the shell shows; only regions in scope are offered."""
    code = request.GET.get("code") or request.POST.get("code")
    if code:
        chosen = access_region(actor=request.user, code=code)
        request.session[SESSION_KEY] = chosen.code
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = ""
        return redirect(target or "home")
    region = current_region(request)
    if region is not None:
        options = region_children(actor=request.user, region=region)
        path = visible_path(actor=request.user, region=region)
    else:
        options = region_roots(actor=request.user)
        path = []
    return render(
        request,
        "regions/switch.html",
        {
            "region": region,
            "options": options,
            "path": path,
            "national": scope_prefix(request.user) == "",
            "breadcrumbs": [{"label": _("切换区域"), "url": None}],
        },
    )
