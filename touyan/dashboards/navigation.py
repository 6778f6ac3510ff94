"""The shell's navigation: the side menu by module, and the current region.

The current region is kept in the session and always lies inside the user's
scope; the switcher offers only regions in scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.scope import in_scope
from touyan.regions.models import Region

SESSION_KEY = "current_region"


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    icon: str
    capability: str | None = None
    # Roles that see the item without the capability (a village cadre holds none); with no
    # capability, only these roles see it (签到 is for cadres alone).
    roles: tuple[str, ...] = ()
    # Roles that hold the capability but whose reach the page does not serve (a liaison's village
    # has no township-wide insurance or weak-village list): the menu offers only what they can do.
    hidden_for: tuple[str, ...] = ()

    def visible_to(self, user: Any) -> bool:
        if not _route_allows(self.url_name, user):
            return False  # the access table refuses the page: the menu does not offer it
        if user.role in self.hidden_for and not user.is_superuser:
            return False
        if user.role in self.roles:
            return True
        if self.capability is None:
            return not self.roles
        return account_rules.has_capability(user.role, self.capability, is_superuser=user.is_superuser)


def _route_allows(url_name: str, user: Any) -> bool:
    """The access table's answer for the page (accounts.enforce), so the menu offers only what opens."""
    from touyan.accounts.access import table
    from touyan.accounts.enforce import allowed

    rows = table()
    rule = rows.get(url_name)
    if rule is None and ":" in url_name:
        rule = rows.get(url_name.split(":", 1)[0] + ":*")
    return rule is not None and allowed(user, rule)


@dataclass(frozen=True)
class NavModule:
    label: Any
    icon: str
    items: tuple[NavItem, ...]


# Village affairs (issue 19): officials of the region and the village's own cadres.
AFFAIRS_ROLES = (Role.ADMIN, Role.TOWNSHIP_OFFICER, Role.LIAISON, Role.CADRE)

# System settings: officials who work with regions and rules (a village cadre, a reviewer, the
# auditor and the security administrator have their own pages).
SETTINGS_ROLES = (Role.ADMIN, Role.TOWNSHIP_OFFICER, Role.LIAISON, Role.FINANCE)

MODULES: tuple[NavModule, ...] = (
    NavModule(_("工作台"), "speedometer2", (NavItem(_("工作台"), "home", "speedometer2"),)),
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
        _("日常管理"),
        "calendar-check",
        (
            NavItem(_("签到"), "attendance:me", "check2-circle", None, (Role.CADRE,)),
            NavItem(
                _("请假"), "attendance:leave_list", "calendar-x", account_rules.CADRES_WRITE, (Role.CADRE, Role.LIAISON)
            ),
            NavItem(
                _("值班簿"), "attendance:duty_book_current", "journal-check", account_rules.CADRES_WRITE, (Role.CADRE,)
            ),
            NavItem(_("排班"), "attendance:roster_current", "calendar-week", account_rules.CADRES_WRITE, (Role.CADRE,)),
            NavItem(_("值班缺口"), "attendance:gaps_current", "exclamation-triangle", account_rules.CADRES_WRITE),
            NavItem(_("导入在岗记录"), "attendance:import", "upload", account_rules.CADRES_WRITE),
            NavItem(_("签到范围"), "attendance:fences_current", "geo-alt", account_rules.CADRES_WRITE),
            NavItem(_("月度考勤"), "attendance:monthly_current", "table", account_rules.CADRES_READ),
            NavItem(_("工作日历"), "attendance:calendar_current", "calendar3", account_rules.POLICY_WRITE),
            NavItem(_("暂停请假期"), "attendance:blocked", "slash-circle", account_rules.POLICY_WRITE),
        ),
    ),
    NavModule(
        _("考核评价"),
        "clipboard-data",
        (
            NavItem(_("我的考核"), "assessment:me", "person-check", None, (Role.CADRE,)),
            NavItem(_("考核期"), "assessment:periods_current", "calendar-range", account_rules.POLICY_WRITE),
            NavItem(_("季度评价"), "assessment:quarterly_current", "pencil-square", account_rules.ASSESS),
            NavItem(_("年度考核"), "assessment:annual_current", "award", account_rules.ASSESS),
            NavItem(_("胜任度测评"), "assessment:competency_current", "person-check", account_rules.ASSESS),
            NavItem(_("承诺与目标"), "assessment:pledges_current", "flag", account_rules.ASSESS),
            NavItem(_("先锋指数"), "assessment:pioneer_current", "star-half", account_rules.ASSESS),
            NavItem(
                _("星级评定"), "assessment:stars_current", "stars", account_rules.ASSESS, hidden_for=(Role.LIAISON,)
            ),
            NavItem(_("等次分布"), "assessment:distribution_current", "bar-chart-steps", account_rules.POLICY_WRITE),
        ),
    ),
    NavModule(
        _("干部培养"),
        "mortarboard",
        (
            NavItem(_("我的培训"), "training:me", "person-badge", None, (Role.CADRE,)),
            NavItem(_("培训日历"), "training:calendar", "calendar3", None, AFFAIRS_ROLES),
            NavItem(
                _("培训达标"),
                "training:compliance",
                "list-check",
                None,
                (Role.ADMIN, Role.TOWNSHIP_OFFICER, Role.LIAISON),
            ),
            NavItem(
                _("后备干部"), "training:reserves", "people", None, (Role.ADMIN, Role.TOWNSHIP_OFFICER, Role.LIAISON)
            ),
            NavItem(
                _("证书"),
                "training:certificates",
                "patch-check",
                None,
                (Role.ADMIN, Role.TOWNSHIP_OFFICER, Role.LIAISON),
            ),
            NavItem(
                _("挂职"), "training:secondments", "briefcase", None, (Role.ADMIN, Role.TOWNSHIP_OFFICER, Role.LIAISON)
            ),
        ),
    ),
    NavModule(
        _("报酬待遇"),
        "cash-coin",
        (
            NavItem(_("我的工资条"), "payroll:me", "receipt", None, (Role.CADRE,)),
            NavItem(_("工资发放"), "payroll:runs", "cash-stack", account_rules.CADRES_READ),
            NavItem(_("报酬标准"), "payroll:policy_current", "table", account_rules.CADRES_READ),
            NavItem(
                _("保险参保"),
                "payroll:insurance_current",
                "shield-check",
                account_rules.CADRES_READ,
                hidden_for=(Role.LIAISON,),
            ),
            NavItem(_("集体经济奖励"), "payroll:rewards", "graph-up-arrow", account_rules.CADRES_READ),
            NavItem(_("表彰奖励"), "payroll:honours", "award", account_rules.CADRES_READ),
            NavItem(_("慰问金"), "payroll:condolences", "heart", account_rules.CADRES_READ),
            NavItem(_("离任生活补贴"), "payroll:departures", "person-walking", account_rules.CADRES_READ),
            NavItem(
                _("薄弱村"),
                "payroll:weak_current",
                "exclamation-diamond",
                account_rules.CADRES_READ,
                hidden_for=(Role.LIAISON,),
            ),
        ),
    ),
    NavModule(
        _("选用管理"),
        "person-up",
        (
            NavItem(_("选用案件"), "selection:board", "kanban", None, (Role.ADMIN, Role.TOWNSHIP_OFFICER)),
            NavItem(_("联审任务"), "selection:queue", "clipboard2-check", None, (Role.REVIEWER,)),
            NavItem(_("职数与比例"), "selection:quotas", "bar-chart-line", None, (Role.ADMIN, Role.TOWNSHIP_OFFICER)),
            NavItem(
                _("专业化书记名单"), "selection:prof_lists", "list-stars", None, (Role.ADMIN, Role.TOWNSHIP_OFFICER)
            ),
            NavItem(_("离任管理"), "selection:exits", "box-arrow-right", None, (Role.ADMIN, Role.TOWNSHIP_OFFICER)),
        ),
    ),
    NavModule(
        _("村务管理"),
        "bank",
        (
            NavItem(_("村务概览"), "affairs:home", "house-check", None, AFFAIRS_ROLES),
            NavItem(_("四议两公开"), "affairs:decisions", "diagram-3", None, AFFAIRS_ROLES),
            NavItem(_("联审联签"), "affairs:spending", "pen", None, AFFAIRS_ROLES),
            NavItem(_("三务公开"), "affairs:items", "megaphone", None, AFFAIRS_ROLES),
            NavItem(_("群众异议"), "affairs:objections", "chat-left-text", None, AFFAIRS_ROLES),
            NavItem(_("小微权力清单"), "affairs:powers", "list-check", None, AFFAIRS_ROLES),
            NavItem(_("集体经济"), "affairs:collective", "piggy-bank", None, (Role.ADMIN, Role.TOWNSHIP_OFFICER)),
            NavItem(_("监督记录"), "affairs:supervision", "eye", None, (Role.ADMIN, Role.TOWNSHIP_OFFICER)),
        ),
    ),
    NavModule(
        _("统计分析"),
        "bar-chart",
        (
            NavItem(_("队伍结构"), "structure_current", "pie-chart", account_rules.CADRES_READ),
            NavItem(_("驾驶舱"), "cockpit_current", "speedometer", account_rules.CADRES_READ),
            NavItem(_("预警中心"), "alerts_current", "bell", account_rules.CADRES_READ),
        ),
    ),
    NavModule(
        _("系统设置"),
        "gear",
        (
            NavItem(_("行政区划"), "regions:detail_current", "diagram-3", None, SETTINGS_ROLES),
            NavItem(_("政策参数"), "policy:edit_current", "sliders", None, SETTINGS_ROLES),
            NavItem(_("用户管理"), "accounts:users", "people", account_rules.USERS_MANAGE),
            NavItem(_("审计日志"), "audit:events", "journal-text", account_rules.AUDIT_READ),
            NavItem(_("安全管理"), "accounts:security", "shield-lock", account_rules.SECURITY_MANAGE),
        ),
    ),
)


def current_region(request: HttpRequest) -> Region | None:
    """The region the user is looking at: the session's choice if in scope, else their own."""
    user = request.user
    if not user.is_authenticated:
        return None
    code = request.session.get(SESSION_KEY)
    if code and code != user.region_id and in_scope(user, code):
        region = Region.objects.filter(code=code).first()
        if region is not None:
            return region
    if user.region_id:
        return user.region  # the user's own (read once a request: the page's menu shows it too)
    return default_region(request)


def default_region(request: HttpRequest) -> Region | None:
    """For a user without a region of their own (the national administrator): the region where
    the data is, so the menu's pages open on it rather than bouncing to 切换区域 (issue 16). From
    the top, while only one region has anything below it, step down into it (贵州省 → 黔西南州)."""
    if hasattr(request, "_default_region"):
        cached: Region | None = request._default_region
        return cached
    from touyan.regions.selectors import region_roots

    region: Region | None = None
    level = list(region_roots(actor=request.user).annotate(n=Count("children")).filter(n__gt=0).order_by("code")[:2])
    for _depth in range(4):  # province → prefecture → county → township at most
        if len(level) != 1:
            break
        region = level[0]
        level = list(Region.objects.filter(parent=region).annotate(n=Count("children")).filter(n__gt=0)[:2])
        if len(level) == 1 and Region.objects.filter(parent=region).count() > 1:
            break  # several children, only one with data below: stay at the parent
    request._default_region = region  # type: ignore[attr-defined]
    return region


def shell_context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    modules = []
    for module in MODULES:
        items = []
        for item in module.items:
            if not item.visible_to(user):
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
