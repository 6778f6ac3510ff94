"""The to-dos of the existing mechanisms, registered with `core.todos` (DashboardsConfig.ready):
leave to approve (a liaison, a secretary, a county), filings waiting (county), pay runs waiting for
this user's step, quarterly evaluations not final, periods whose appeal window is over (county),
and a county's or prefecture's duty gaps and last month's shortfalls. A township's duty gaps,
shortfalls and its own leave queue are on the attendance card of its workbench
(attendance.selectors.township_todo)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.scope import scope_filter
from touyan.core.todos import Todo, TodoContext, register
from touyan.regions import rules as region_rules

MAX_RUNS = 200  # runs looked at for "waits for your step" (a county's year is ~12 × its townships)


def _official(user: Any) -> bool:
    return user.is_superuser or user.role in (Role.ADMIN, Role.TOWNSHIP_OFFICER, Role.LIAISON, Role.FINANCE)


def leave_todos(user: Any, ctx: TodoContext) -> list[Todo]:
    """Leave requests at a level this user decides (R-ATT-02), and overdue returns."""
    from touyan.attendance.models import LeaveRequest
    from touyan.attendance.selectors import leaves_in_scope
    from touyan.attendance.services import can_decide

    if user.role not in (Role.ADMIN, Role.TOWNSHIP_OFFICER, Role.LIAISON, Role.CADRE) and not user.is_superuser:
        return []
    region = ctx.region
    if region is not None and region.level == region_rules.TOWNSHIP and user.role != Role.LIAISON:
        return []  # the township's own attendance card counts its leave, overdue returns and gaps
    waiting = [
        leave
        for leave in leaves_in_scope(actor=user)
        .filter(status=LeaveRequest.Status.SUBMITTED)
        .select_related("person")
        .order_by("start_date")[:500]
        if can_decide(user, leave)
    ]
    if not waiting and user.role == Role.CADRE:
        return []
    return [
        Todo(
            label=_("待我审批的请假"),
            count=len(waiting),
            url=reverse("attendance:leave_list"),
            due=min((w.start_date for w in waiting), default=None),
            icon="calendar-x",
            group=_("日常管理"),
        )
    ]


def filing_todos(user: Any, ctx: TodoContext) -> list[Todo]:
    """Post changes reported to the county, waiting to be filed (备案)."""
    from touyan.cadres.models import Filing

    if not account_rules.has_capability(user.role, account_rules.POLICY_WRITE, is_superuser=user.is_superuser):
        return []
    pending = scope_filter(Filing.objects.filter(status=Filing.Status.PENDING), user, "county__code")
    oldest = pending.order_by("reported_at").values_list("reported_at", flat=True).first()
    return [
        Todo(
            label=_("待备案的干部变动"),
            count=pending.count(),
            url=reverse("cadres:filings"),
            note=_("最早报送于 %(d)s") % {"d": oldest.date().isoformat()} if oldest else "",
            icon="clipboard-check",
            group=_("干部档案"),
        )
    ]


def payrun_todos(user: Any, ctx: TodoContext) -> list[Todo]:
    """Pay runs whose next step this user may take (calculate, publicise, approve, pay out, close)."""
    from touyan.payroll.flows import PAYRUN
    from touyan.payroll.models import PayRun
    from touyan.payroll.selectors import runs_in_scope

    if not _official(user) or user.role == Role.LIAISON:
        return []
    runs = list(runs_in_scope(actor=user).exclude(state=PayRun.State.CLOSED)[:MAX_RUNS])
    waiting = [
        r for r in runs if any(t.name != "calculate" or r.state == PayRun.State.OPEN for t in PAYRUN.available(user, r))
    ]
    by_state: dict[str, list[PayRun]] = {}
    for r in waiting:
        by_state.setdefault(r.state, []).append(r)
    labels = {
        PayRun.State.OPEN: _("待计算的工资批次"),
        PayRun.State.CALCULATED: _("待开始村内公示的工资批次"),
        PayRun.State.NOTICE: _("公示中、待乡镇审批的工资批次"),
        PayRun.State.TOWNSHIP: _("待县财政审批的工资批次"),
        PayRun.State.FINANCE: _("待一卡通发放的工资批次"),
        PayRun.State.DISBURSED: _("已发放、待关闭的工资批次"),
    }
    out = []
    for state, label in labels.items():
        rows = by_state.get(state, [])
        if not rows:
            continue
        url = (
            reverse("payroll:run", args=[rows[0].pk]) if len(rows) == 1 else reverse("payroll:runs") + f"?state={state}"
        )
        months = sorted({r.month for r in rows})
        out.append(
            Todo(
                label=str(label),
                count=len(rows),
                url=url,
                note=", ".join(m.strftime("%Y-%m") for m in months[:3]) + ("…" if len(months) > 3 else ""),
                icon="cash-stack",
                group=_("报酬待遇"),
            )
        )
    if not out and (user.role == Role.FINANCE or user.role == Role.TOWNSHIP_OFFICER):
        out.append(
            Todo(
                label=_("待我办理的工资批次"),
                count=0,
                url=reverse("payroll:runs"),
                icon="cash-stack",
                group=_("报酬待遇"),
            )
        )
    return out


def evaluation_todos(user: Any, ctx: TodoContext) -> list[Todo]:
    """Quarterly evaluations scored but not final, by quarter (R-ASMT-01, WF-5)."""
    from touyan.assessment.models import QuarterlyEvaluation

    if user.role not in (Role.ADMIN, Role.TOWNSHIP_OFFICER) and not user.is_superuser:
        return []
    drafts = scope_filter(
        QuarterlyEvaluation.objects.filter(status=QuarterlyEvaluation.Status.DRAFT), user, "village__code"
    )
    rows = list(drafts.values("year", "quarter").annotate(n=Count("id")).order_by("year", "quarter")[:8])
    code = (ctx.region.code if ctx.region is not None else None) or user.region_id
    out = []
    for row in rows:
        url = (
            reverse("assessment:quarterly", args=[code, row["year"], row["quarter"]])
            if code
            else reverse("assessment:quarterly_current")
        )
        out.append(
            Todo(
                label=_("%(y)s 年第 %(q)s 季度未定稿的评价") % {"y": row["year"], "q": row["quarter"]},
                count=row["n"],
                url=url,
                due=_quarter_end(row["year"], row["quarter"]),
                icon="pencil-square",
                group=_("考核评价"),
            )
        )
    return out


def _quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


ROLLUP_LEVELS = (region_rules.COUNTY, region_rules.PREFECTURE)


def _rollup_region(user: Any, ctx: TodoContext) -> Any:
    """The county or prefecture an administrator's workbench looks at (None: no roll-up)."""
    from touyan.accounts.scope import in_scope

    region = ctx.region
    if region is None or region.level not in ROLLUP_LEVELS:
        return None
    if not (user.is_superuser or user.role == Role.ADMIN) or not in_scope(user, region.code):
        return None
    return region


def attendance_todos(user: Any, ctx: TodoContext) -> list[Todo]:
    """A county's or prefecture's duty gaps this month (A4 "每天必须有人值班": due the first gap day
    still ahead) and last month's cadres short of the required days (R-ATT-01: due the day the
    townships may lock the month), counted over its villages, with links to both pages."""
    from touyan.attendance import rules as attendance_rules
    from touyan.attendance.selectors import duty_gap_list, monthly_summary
    from touyan.policy.selectors import policy_resolve
    from touyan.regions.models import Region

    region = _rollup_region(user, ctx)
    if region is None:
        return []
    month = ctx.today.replace(day=1)
    last = (month - dt.timedelta(days=1)).replace(day=1)
    villages = list(
        Region.objects.filter(level=region_rules.VILLAGE, code__startswith=region.prefix)
        .order_by("code")
        .values_list("code", "name")
    )
    gaps = duty_gap_list(prefix=region.prefix, year=month.year, month=month.month, villages=villages)
    ahead = [d for g in gaps for d, _n in g["gaps"] if d >= ctx.today]
    short = [
        r for r in monthly_summary(prefix=region.prefix, year=last.year, month=last.month) if r.result.shortfall_days
    ]
    lock_day = policy_resolve(region.code, last)["attendance_lock_day"]
    return [
        Todo(
            label=_("%(m)s 值班缺口") % {"m": month.strftime("%Y-%m")},
            count=len(gaps),
            url=reverse("attendance:gaps", args=[region.code, month]),
            due=min(ahead, default=None),
            note=_("%(v)s 个村(社区)共 %(d)s 天") % {"v": len(gaps), "d": sum(len(g["gaps"]) for g in gaps)}
            if gaps
            else "",
            icon="exclamation-triangle",
            urgent=True,
            group=_("日常管理"),
        ),
        Todo(
            label=_("%(m)s 出勤不足的干部") % {"m": last.strftime("%Y-%m")},
            count=len(short),
            url=reverse("attendance:monthly", args=[region.code, last]),
            due=attendance_rules.lock_opens(last, lock_day),
            note=_("涉及 %(v)s 个村(社区)") % {"v": len({r.village_id for r in short})} if short else "",
            icon="table",
            group=_("日常管理"),
        ),
    ]


def period_todos(user: Any, ctx: TodoContext) -> list[Todo]:
    """Assessment periods in 公示 (WF-5): to finalize once the appeal window is over (due its
    deadline); shown to the county that opened them."""
    from touyan.assessment.models import Period

    if not account_rules.has_capability(user.role, account_rules.POLICY_WRITE, is_superuser=user.is_superuser):
        return []
    rows = list(
        scope_filter(Period.objects.filter(state=Period.State.PUBLICISED), user, "region__code")
        .order_by("appeal_until")
        .values_list("region_id", "appeal_until")[:50]
    )
    if not rows:
        return []
    ready = [code for code, until in rows if until is None or until <= ctx.today]
    code = (ready or [rows[0][0]])[0]
    return [
        Todo(
            label=_("公示中、待定稿的考核期"),
            count=len(rows),
            url=reverse("assessment:periods", args=[code]),
            due=rows[0][1],
            note=_("%(n)s 个申诉期已满,可定稿") % {"n": len(ready)} if ready else _("申诉期未满"),
            icon="clipboard-data",
            group=_("考核评价"),
        )
    ]


def register_all() -> None:
    for fn in (leave_todos, filing_todos, payrun_todos, evaluation_todos, period_todos, attendance_todos):
        register(fn)
