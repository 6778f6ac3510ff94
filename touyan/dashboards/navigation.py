"""The shell's navigation: the side menu by module, and the current region.

The current region is kept in the session and always lies inside the user's
scope; the switcher offers only regions in scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from touyan.accounts import rules as account_rules
from touyan.accounts.scope import in_scope
from touyan.regions.models import Region

SESSION_KEY = "current_region"


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    icon: str
    capability: str | None = None


@dataclass(frozen=True)
class NavModule:
    label: Any
    icon: str
    items: tuple[NavItem, ...]


MODULES: tuple[NavModule, ...] = (
    NavModule(
        _("干部档案"),
        "person-vcard",
        (
            NavItem(_("花名册"), "cadres:roster", "people", account_rules.CADRES_READ),
            NavItem(_("新建档案"), "cadres:create", "person-plus", account_rules.CADRES_WRITE),
            NavItem(_("备案管理"), "cadres:filings", "clipboard-check", account_rules.POLICY_WRITE),
        ),
    ),
    NavModule(
        _("统计分析"),
        "bar-chart",
        (
            NavItem(_("工作台"), "home", "speedometer2"),
            NavItem(_("队伍结构"), "structure_current", "pie-chart", account_rules.CADRES_READ),
        ),
    ),
    NavModule(
        _("系统设置"),
        "gear",
        (
            NavItem(_("行政区划"), "regions:detail_current", "diagram-3"),
            NavItem(_("政策参数"), "policy:edit_current", "sliders"),
            NavItem(_("用户管理"), "accounts:users", "people", account_rules.USERS_MANAGE),
            NavItem(_("审计日志"), "audit:events", "journal-text", account_rules.AUDIT_READ),
        ),
    ),
)


def current_region(request: HttpRequest) -> Region | None:
    """The region the user is looking at: the session's choice if in scope, else their own."""
    user = request.user
    if not user.is_authenticated:
        return None
    code = request.session.get(SESSION_KEY)
    if code and in_scope(user, code):
        region = Region.objects.filter(code=code).first()
        if region is not None:
            return region
    if user.region_id:
        return Region.objects.filter(code=user.region_id).first()
    return None


def shell_context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    modules = []
    for module in MODULES:
        items = []
        for item in module.items:
            if item.capability and not account_rules.has_capability(
                user.role, item.capability, is_superuser=user.is_superuser
            ):
                continue
            url = reverse(item.url_name)
            items.append({"label": item.label, "url": url, "icon": item.icon, "active": False})
        if items:
            modules.append({"label": module.label, "icon": module.icon, "items": items})
    # The item whose address is the longest prefix of the page's is the active one.
    matches = [
        i for m in modules for i in m["items"] if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_modules": modules, "shell_region": current_region(request)}
