"""The villages' location fences for web sign-in (SPEC A4 Compliance, R-ATT-04): the township
or county sees which villages of a region have a fence (a centre and a radius) and sets or
clears each one. A fence is used only where the region turned `location_check` on; a sign-in
then keeps inside/outside and the distance, never the position (R-DATA-01).

Thin: the list through `villages_with_fences` after `access_region` (outside the scope: 404),
writes through `fence_set` / `fence_clear` (CADRES_WRITE, as the other township pages).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.scope import require
from touyan.core.errors import InvalidInput, NotFound
from touyan.core.views import crumbs, web_errors
from touyan.policy.selectors import policy_resolve, policy_resolve_many
from touyan.regions import rules as region_rules
from touyan.regions.current import to_current

from .forms import FenceForm
from .selectors import villages_with_fences
from .services import fence_clear, fence_set
from .views import field_errors, region_or_404, village_or_404

PAGE_SIZE = 50


def _auto_id(code: str) -> str:
    return f"fence-{code}-%s"


@login_required
@web_errors
def fences_current(request: AuthedRequest) -> HttpResponse:
    require(request.user, account_rules.CADRES_WRITE)
    return to_current(request, "attendance:fences")


@login_required
@web_errors
def fences(request: AuthedRequest, code: str) -> HttpResponse:
    """The villages of a region with their fences, a form for each to set or clear it (A4)."""
    require(request.user, account_rules.CADRES_WRITE)
    region = region_or_404(request, code)
    prefix = region.prefix
    bound: FenceForm | None = None
    bound_code = ""
    if request.method == "POST":
        bound_code = request.POST.get("village", "")
        if not bound_code.startswith(prefix):
            raise NotFound(_("未找到该村(社区),或不在您的管辖范围内"))
        village = village_or_404(request, bound_code)
        back = f"{request.get_full_path()}#v-{village.code}"
        if request.POST.get("op") == "clear":
            if fence_clear(actor=request.user, village_code=village.code):
                messages.success(request, _("已清除%(v)s的签到范围") % {"v": village.name})
            else:
                messages.info(request, _("%(v)s没有设置签到范围") % {"v": village.name})
            return redirect(back)
        bound = FenceForm(request.POST, auto_id=_auto_id(village.code))
        if bound.is_valid():
            d = bound.cleaned_data
            try:
                fence_set(
                    actor=request.user, village_code=village.code, latitude=d["latitude"],
                    longitude=d["longitude"], radius_m=d["radius_m"],
                )  # fmt: skip
            except InvalidInput as exc:
                field_errors(bound, exc)
            else:
                messages.success(request, _("已保存%(v)s的签到范围") % {"v": village.name})
                return redirect(back)
    q = request.GET.get("q", "").strip()[:50]
    villages = villages_with_fences(actor=request.user, prefix=prefix, q=q)
    page = Paginator(villages, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    checks = policy_resolve_many([v["code"] for v in page.object_list], today)
    rows: list[dict[str, Any]] = []
    for v in page.object_list:
        has = v["fence__radius_m"] is not None
        if bound is not None and v["code"] == bound_code:
            form = bound
        else:
            initial = {"latitude": v["fence__latitude"], "longitude": v["fence__longitude"]} if has else {}
            initial["radius_m"] = v["fence__radius_m"] if has else FenceForm.base_fields["radius_m"].initial
            form = FenceForm(initial=initial, auto_id=_auto_id(v["code"]))
        rows.append(
            {
                "code": v["code"],
                "name": v["name"],
                "township": v["parent__name"] if region.level != region_rules.TOWNSHIP else "",
                "has": has,
                "latitude": v["fence__latitude"],
                "longitude": v["fence__longitude"],
                "radius_m": v["fence__radius_m"],
                "updated_at": v["fence__updated_at"],
                "location_check": checks[v["code"]]["location_check"],
                "form": form,
                "open": form is bound,
            }
        )
    policy = policy_resolve(region.code, today)
    return render(
        request,
        "attendance/fences.html",
        {
            "region": region,
            "rows": rows,
            "page": page,
            "q": q,
            "total": page.paginator.count,
            "with_fence": villages.filter(fence__isnull=False).count(),
            "location_check": policy["location_check"],
            "mixed": any(r["location_check"] != policy["location_check"] for r in rows),
            "can_edit_policy": account_rules.has_capability(
                request.user.role, account_rules.POLICY_WRITE, is_superuser=request.user.is_superuser
            ),
            "breadcrumbs": crumbs(
                (_("日常管理"), None), (_("签到范围"), reverse("attendance:fences_current")), (region.name, None)
            ),
        },
    )
