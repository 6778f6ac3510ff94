"""The audit log page, for the auditor role (read-only; there is no edit view)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from touyan.core.views import AuthedRequest, crumbs, web_errors

from .selectors import audit_events


@login_required
@web_errors
def events(request: AuthedRequest) -> HttpResponse:
    qs = audit_events(actor=request.user)
    action = request.GET.get("action", "").strip()
    who = request.GET.get("who", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    if who:
        qs = qs.filter(actor_username__icontains=who)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/events.html",
        {
            "page": page,
            "action": action,
            "who": who,
            "breadcrumbs": crumbs((_("系统设置"), None), (_("审计日志"), None)),
        },
    )
