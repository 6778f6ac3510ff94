"""The cockpit (驾驶舱) of a region and the alerts centre (预警中心), with their XLSX exports.

The figures come from `figures.dashboard` (the same dict as `GET /api/v1/dashboards/{code}`) and the
alerts from `alerts.alerts_for`; this module only labels them: cards, one chart per mechanism
(drawn by static/touyan/charts.js from json_script data — CSP allows no inline script) with its
numbers in a table below it, the child regions for the drill-down (nation → … → village).
A block registered by another app without labels here is shown as a plain table of its figures.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.scope import NATIONAL, require, scope_prefix
from touyan.assessment.models import Grade
from touyan.core.sheets import xlsx_workbook
from touyan.core.views import web_errors
from touyan.regions.current import current_region, to_current
from touyan.regions.models import Region
from touyan.regions.rules import VILLAGE
from touyan.regions.selectors import visible_path

from . import cockpit_blocks, figures
from .alerts import Alert, alerts_for
from .views_structure import XLSX, DayForm, _day, _shown

PAY_POST_LABELS = {
    "one_shoulder": gettext_lazy("“一肩挑”书记"),
    "PS": gettext_lazy("党组织书记"),
    "VD": gettext_lazy("村(居)委会主任"),
    "deputy": gettext_lazy("副职/文书"),
    "other": gettext_lazy("其他干部"),
}
ALERT_KIND_LABELS = {
    "attendance_shortfall": gettext_lazy("在村天数不足"),
    "duty_gap": gettext_lazy("值班缺口"),
    "evaluation_missing": gettext_lazy("季度评价缺失"),
    "excellent_over_quota": gettext_lazy("优秀比例超限"),
    "quota_exceeded": gettext_lazy("专职干部超职数"),
    "floor_broken": gettext_lazy("报酬低于保底"),
    "weak_collective": gettext_lazy("集体经济薄弱"),
    "disclosure_overdue": gettext_lazy("公开逾期"),
    "objection_unanswered": gettext_lazy("异议逾期未答复"),
    **cockpit_blocks.ALERT_KIND_LABELS,
}
ROLE_LABELS = dict(Role.choices)


@dataclass
class Chart:
    """One chart and the table of its numbers: rows of (label, value, note)."""

    key: str
    title: str
    column: str
    value_label: str
    rows: list[tuple[str, Any, str]]
    note: str = ""
    kind: str = "bar"
    horizontal: bool = False
    unit: str = ""
    extra: list[tuple[str, Any]] = field(default_factory=list)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _dash(value: Any) -> str:
    return "—" if value is None else f"{value}"


def cards(d: dict[str, Any]) -> list[dict[str, Any]]:
    c, v = d["cadres"], d["villages"]

    def card(label: str, value: str, unit: str, note: str, warn: bool = False) -> dict[str, Any]:
        return {"label": label, "value": value, "unit": unit, "note": note, "warn": warn}

    people = [
        card(_("两委干部"), f"{c['total']:,}", _("人"), _("专职 %(n)s 人") % {"n": c["full_time"]}),
        card(_("平均年龄"), _dash(c["average_age"]), _("岁"), _("按周岁计算")),
        card(_("35岁以下"), _pct(c["under_35_share"]), "", _("共 %(n)s 人") % {"n": c["under_35"]}),
        card(_("女性"), _pct(c["women_share"]), "", _("共 %(n)s 人") % {"n": c["women"]}),
        card(_("大专以上学历"), _pct(c["college_plus_share"]), "", _("共 %(n)s 人") % {"n": c["college_plus"]}),
        card(_("中共党员"), _pct(c["party_member_share"]), "", _("含预备党员,共 %(n)s 人") % {"n": c["party_members"]}),
    ]
    return [
        *people,
        {
            "label": _("“一肩挑”"),
            "value": _pct(v["one_shoulder_share"]),
            "unit": "",
            "note": _("%(n)s / %(t)s 个村(社区)") % {"n": v["one_shoulder"], "t": v["total"]},
            "warn": v["total"] and v["one_shoulder"] < v["total"],
        },
        {
            "label": _("书记空缺"),
            "value": f"{v['vacant_secretary']:,}",
            "unit": _("个村"),
            "note": _("统计日期无在任党组织书记"),
            "warn": bool(v["vacant_secretary"]),
        },
        {
            "label": _("专职干部未配齐"),
            "value": f"{v['quota_short']:,}",
            "unit": _("个村"),
            "note": _("核定每村 %(q)s 人;超职数 %(x)s 个村") % {"q": v["full_time_quota"], "x": v["quota_exceeded"]},
            "warn": bool(v["quota_short"] or v["quota_exceeded"]),
        },
        {
            "label": _("集体经济薄弱村"),
            "value": f"{v['weak_collective']:,}",
            "unit": _("个村"),
            "note": _("经营收益低于薄弱村收入线"),
            "warn": bool(v["weak_collective"]),
        },
    ]


def charts(d: dict[str, Any]) -> list[Chart]:
    out: list[Chart] = []
    att = d.get("attendance")
    if att:
        prev = att["previous_month"]
        out.append(
            Chart(
                "attendance",
                _("考勤:在村工作天数(%(m)s)") % {"m": prev["month"]},
                _("情况"),
                _("人数"),
                [
                    (_("达到要求"), prev["met"], _pct(prev["compliance_share"])),
                    (_("天数不足"), prev["short"], _("共差 %(n)s 天") % {"n": prev["shortfall_days"]}),
                ],
                note=_("本月(%(m)s)截至统计日期:%(v)s 个村(社区)共 %(n)s 天无人值班。")
                % {"m": att["month"], "v": att["duty_gap_villages"], "n": att["duty_gap_days"]},
                unit=_("人"),
            )
        )
    asmt = d.get("assessment")
    if asmt:
        labels = dict(Grade.choices)
        out.append(
            Chart(
                "grades",
                _("%(y)s 年度考核等次") % {"y": asmt["year"]},
                _("等次"),
                _("人数"),
                [(str(labels[g]), n, _pct(figures.share(n, asmt["assessed"]))) for g, n in asmt["grades"].items()],
                note=_("%(q)s 季度评价 %(n)s 人。") % {"q": asmt["quarter"], "n": asmt["quarter_assessed"]},
                unit=_("人"),
            )
        )
    pay = d.get("payroll")
    if pay:
        out.append(
            Chart(
                "pay",
                _("报酬:%(m)s 人均月报酬") % {"m": pay["month"] or "—"},
                _("职务"),
                _("人均(元)"),
                [
                    (
                        str(PAY_POST_LABELS[p["post"]]),
                        float(p["average"]) if p["average"] else 0,
                        _("%(n)s 人;保底 %(f)s 元/月") % {"n": p["payslips"], "f": p["floor_monthly"]}
                        if p["floor_monthly"]
                        else _("%(n)s 人") % {"n": p["payslips"]},
                    )
                    for p in pay["posts"]
                ],
                note=_("合计 %(t)s 元,%(n)s 人次,人均 %(a)s 元;养老保险参保 %(i)s。")
                % {
                    "t": pay["total"],
                    "n": pay["payslips"],
                    "a": _dash(pay["average"]),
                    "i": _pct(pay["insurance"]["pension_share"]),
                },
                horizontal=True,
                unit=_("元"),
            )
        )
    aff = d.get("affairs")
    if aff:
        disc = aff["disclosures"]
        rows = []
        if disc is not None:
            rows = [
                (_("已按期公开"), disc["published"], ""),
                (_("待公开(未到期限)"), disc["waiting"], ""),
                (_("逾期未公开"), disc["overdue"], ""),
            ]
        obj = aff["objections"]
        rows += [(_("群众异议待答复"), obj["open"], ""), (_("异议逾期未答复"), obj["overdue"], "")]
        out.append(
            Chart(
                "affairs",
                _("三务公开与群众异议"),
                _("事项"),
                _("件数"),
                rows,
                note=_("按期公开率 %(s)s。") % {"s": _pct(disc["on_time_share"])}
                if disc
                else _("区域较大,公开期限按县、乡镇查看。"),
                horizontal=True,
                unit=_("件"),
            )
        )
    out.extend(cockpit_blocks.extra_charts(d, Chart))
    children = d.get("children") or []
    if children:
        out.append(
            Chart(
                "children",
                _("下级区域两委干部人数"),
                _("区域"),
                _("人数"),
                [(c["name"], c["cadres"], _pct(c["one_shoulder_share"])) for c in children],
                horizontal=True,
                unit=_("人"),
            )
        )
    return out


def _computed(d: dict[str, Any]) -> str:
    """When the figures were computed, in local time (they may come from the cache)."""
    raw = d.get("computed_at")
    if not raw:
        return ""
    return timezone.localtime(dt.datetime.fromisoformat(raw)).strftime("%Y-%m-%d %H:%M")


def pay_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    standard = (d.get("payroll") or {}).get("standard")
    if not standard:
        return []
    return [r | {"label": str(PAY_POST_LABELS.get(r["post"], r["post"]))} for r in standard["rows"]]


KNOWN_BLOCKS = {
    "region",
    "on",
    "computed_at",
    "cadres",
    "villages",
    "attendance",
    "assessment",
    "payroll",
    "affairs",
    "training",
    "selection",
    "children",
}


def other_blocks(d: dict[str, Any]) -> list[tuple[str, list[tuple[str, Any]]]]:
    """Blocks registered by other apps: their flat figures as (name, value) rows."""
    out = []
    for name, block in d.items():
        if name in KNOWN_BLOCKS or not isinstance(block, dict):
            continue
        out.append((name, [(k, v) for k, v in block.items() if not isinstance(v, (dict, list))]))
    return out


def chart_data(items: list[Chart]) -> dict[str, Any]:
    data: dict[str, Any] = {"unit": _("人")}
    for c in items:
        data[c.key] = {
            "kind": "bar",
            "horizontal": c.horizontal,
            "unit": c.unit,
            "categories": [label for label, _v, _n in c.rows],
            "values": [v for _l, v, _n in c.rows],
        }
    return data


def _crumbs(request: AuthedRequest, region: Region, title: str, url_name: str) -> list[dict[str, Any]]:
    nation = []
    if url_name == "cockpit" and scope_prefix(request.user) == NATIONAL:
        nation = [{"label": _("全国"), "url": reverse("cockpit_current") + "?all=1"}]
    return [
        {"label": _("统计分析"), "url": None},
        {"label": title, "url": None},
        *nation,
        *(
            {"label": r.name, "url": reverse(url_name, args=[r.code])}
            for r in visible_path(actor=request.user, region=region)
        ),
    ]


@login_required
@web_errors
def cockpit_current(request: AuthedRequest) -> HttpResponse:
    """The current region's cockpit; for a national administrator with no region chosen, the
    country (also with ?all=1): one row per province, to drill down from."""
    if scope_prefix(request.user) == NATIONAL and (request.GET.get("all") or current_region(request) is None):
        return cockpit_nation(request)
    return to_current(request, "cockpit")


def cockpit_nation(request: AuthedRequest) -> HttpResponse:
    require(request.user, account_rules.CADRES_READ)
    form, on = _day(request)
    day = on or timezone.localdate()
    national = figures.nation_rows(day)
    rows = national["rows"]
    totals = {
        k: sum(r[k] for r in rows) for k in ("cadres", "full_time", "villages", "one_shoulder", "vacant_secretary")
    }
    chart = Chart(
        "children",
        _("各省两委干部人数"),
        _("区域"),
        _("人数"),
        [(r["name"], r["cadres"], _pct(r["one_shoulder_share"])) for r in rows],
        horizontal=True,
        unit=_("人"),
    )
    return render(
        request,
        "dashboards/cockpit_nation.html",
        {
            "rows": rows,
            "totals": totals,
            "one_shoulder_share": _pct(figures.share(totals["one_shoulder"], totals["villages"])),
            "computed_at": _computed(national),
            "chart": chart,
            "data": chart_data([chart]),
            "form": _shown(form, day),
            "query": f"?on={day.isoformat()}" if on else "",
            "on": day,
            "breadcrumbs": [{"label": _("统计分析"), "url": None}, {"label": _("驾驶舱"), "url": None}],
        },
    )


@login_required
@web_errors
def cockpit(request: AuthedRequest, code: str) -> HttpResponse:
    form, on = _day(request)
    d = figures.dashboard_warm(actor=request.user, code=code, on=on)
    region = Region(code=d["region"]["code"], name=d["region"]["name"], level=d["region"]["level"])
    day = dt.date.fromisoformat(d["on"])
    query = f"?on={d['on']}" if on else ""
    items = charts(d)
    return render(
        request,
        "dashboards/cockpit.html",
        {
            "d": d,
            "region": region,
            "form": _shown(form, day),
            "cards": cards(d),
            "charts": items,
            "others": other_blocks(d),
            "pay_rows": pay_rows(d),
            "computed_at": _computed(d),
            "data": chart_data(items),
            "query": query,
            "export_url": reverse("cockpit_export", args=[region.code]) + query,
            "alerts_url": reverse("alerts", args=[region.code]) + query,
            "report_url": reverse("report_start", args=[region.code]) + query,
            "children_are_villages": bool(d["children"]) and d["children"][0]["level"] == VILLAGE,
            "breadcrumbs": _crumbs(request, region, _("驾驶舱"), "cockpit"),
        },
    )


@login_required
@web_errors
def cockpit_export(request: AuthedRequest, code: str) -> HttpResponse:
    _form, on = _day(request)
    d = figures.dashboard_warm(actor=request.user, code=code, on=on)
    body = cockpit_workbook(d)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{_('驾驶舱')}_{d['region']['name']}_{d['on']}.xlsx"
    )
    return response


def _flatten(prefix: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        rows: list[tuple[str, Any]] = []
        for k, v in value.items():
            rows.extend(_flatten(f"{prefix}.{k}" if prefix else k, v))
        return rows
    if isinstance(value, list):
        rows = []
        for i, v in enumerate(value):
            key = v.get("post") or v.get("code") or str(i) if isinstance(v, dict) else str(i)
            rows.extend(_flatten(f"{prefix}.{key}", v))
        return rows
    return [(prefix, value)]


def cockpit_workbook(d: dict[str, Any]) -> bytes:
    """An overview sheet (the charts' tables), one sheet of every figure per block (the API's own
    keys, as in docs), and the child regions."""
    buffer = io.BytesIO()
    book = xlsx_workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    sheet = book.add_worksheet(_("概况"))
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 2, 18)
    sheet.write(0, 0, f"{d['region']['name']} {_('驾驶舱')}", bold)
    sheet.write(1, 0, _("统计日期"))
    sheet.write(1, 1, d["on"])
    row = 3
    for c in cards(d):
        sheet.write_row(row, 0, [c["label"], c["value"], c["note"]])
        row += 1
    for chart in charts(d):
        row += 1
        sheet.write(row, 0, chart.title, bold)
        row += 1
        sheet.write_row(row, 0, [chart.column, chart.value_label, _("说明")], head)
        for label, value, note in chart.rows:
            row += 1
            sheet.write_row(row, 0, [label, value, note])
        if chart.note:
            row += 1
            sheet.write(row, 0, chart.note)
        row += 1
    for name, block in d.items():
        if name in ("region", "on", "children") or not isinstance(block, dict):
            continue
        ws = book.add_worksheet(name[:31])
        ws.set_column(0, 0, 40)
        ws.set_column(1, 1, 16)
        ws.write_row(0, 0, [_("指标"), _("数值")], head)
        for i, (key, value) in enumerate(_flatten("", block), start=1):
            ws.write(i, 0, key)
            ws.write(i, 1, "" if value is None else value)
    if d["children"]:
        ws = book.add_worksheet(_("下级区域"))
        keys = list(d["children"][0])
        ws.write_row(0, 0, keys, head)
        for i, c in enumerate(d["children"], start=1):
            ws.write_row(i, 0, ["" if c[k] is None else c[k] for k in keys])
    book.close()
    return buffer.getvalue()


# --- the alerts centre -------------------------------------------------------------------------


def kind_label(kind: str) -> str:
    return str(ALERT_KIND_LABELS.get(kind, kind))


def alert_rows(items: list[Alert], names: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "a": a,
            "kind_label": kind_label(a.kind),
            "region_name": names.get(a.region, a.region),
            "owner_label": str(ROLE_LABELS.get(a.owner_role, a.owner_role)),
        }
        for a in items
    ]


def _alerts(request: AuthedRequest, code: str) -> tuple[DayForm, dt.date | None, Region, list[Alert], str]:
    form, on = _day(request)
    kind = request.GET.get("kind", "")
    region, items = alerts_for(actor=request.user, code=code, on=on, kinds=[kind] if kind else [])
    return form, on, region, items, kind


@login_required
@web_errors
def alerts(request: AuthedRequest, code: str) -> HttpResponse:
    form, on, region, items, kind = _alerts(request, code)
    day = on or timezone.localdate()
    names = dict(Region.objects.filter(code__in={a.region for a in items}).values_list("code", "name"))
    counts = Counter(a.kind for a in items)
    query = f"?on={day.isoformat()}" if on else ""
    return render(
        request,
        "dashboards/alerts.html",
        {
            "region": region,
            "form": _shown(form, day),
            "rows": alert_rows(items, names),
            "kinds": [(k, kind_label(k), counts.get(k, 0)) for k in ALERT_KIND_LABELS if counts.get(k) or k == kind]
            + [(k, kind_label(k), n) for k, n in counts.items() if k not in ALERT_KIND_LABELS],
            "kind": kind,
            "total": len(items),
            "overdue": sum(1 for a in items if a.state == "overdue"),
            "query": query,
            "on_value": day.isoformat() if on else "",
            "export_url": reverse("alerts_export", args=[region.code]) + query,
            "cockpit_url": reverse("cockpit", args=[region.code]) + query,
            "breadcrumbs": _crumbs(request, region, _("预警中心"), "alerts"),
        },
    )


@login_required
@web_errors
def alerts_export(request: AuthedRequest, code: str) -> HttpResponse:
    _form, on, region, items, _kind = _alerts(request, code)
    names = dict(Region.objects.filter(code__in={a.region for a in items}).values_list("code", "name"))
    buffer = io.BytesIO()
    book = xlsx_workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    ws = book.add_worksheet(_("预警"))
    header = [_("类别"), _("规则"), _("区划代码"), _("区域"), _("事项"), _("期限"), _("责任角色"), _("状态"), _("处置")]
    ws.write_row(0, 0, header, head)
    ws.set_column(0, 0, 16)
    ws.set_column(3, 4, 30)
    for i, r in enumerate(alert_rows(items, names), start=1):
        a = r["a"]
        ws.write_row(
            i,
            0,
            [
                r["kind_label"],
                a.rule,
                a.region,
                r["region_name"],
                a.subject,
                a.due_date.isoformat() if a.due_date else _("立即"),
                r["owner_label"],
                _("已逾期") if a.state == "overdue" else _("待处理"),
                a.resolution,
            ],
        )
    book.close()
    day = (on or timezone.localdate()).isoformat()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{_('预警中心')}_{region.name}_{day}.xlsx")
    return response
