"""The structure statistics page (队伍结构) and its Excel export.

The figures come from `structure.structure_stats` (S0, S1, S3; R-POS-01, R-ORG-05);
this module only turns them into labelled cards, chart data (passed to
static/touyan/charts.js with json_script: CSP allows no inline script), tables and
an XLSX workbook of aggregates (no personal data).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.scope import require
from touyan.cadres.models import Education, Origin, PostCode
from touyan.core.forms import IsoDateInput
from touyan.core.sheets import xlsx_workbook
from touyan.core.views import web_errors
from touyan.regions.models import Region
from touyan.regions.rules import VILLAGE
from touyan.regions.selectors import visible_path

from .structure import StructureStats, pct, structure_stats

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AGE_LABELS = {
    "lt30": gettext_lazy("30岁以下"),
    "30_34": gettext_lazy("30–34岁"),
    "35_39": gettext_lazy("35–39岁"),
    "40_49": gettext_lazy("40–49岁"),
    "50_59": gettext_lazy("50–59岁"),
    "ge60": gettext_lazy("60岁及以上"),
}


class DayForm(forms.Form):
    on = forms.DateField(
        label=gettext_lazy("统计日期"),
        required=False,
        error_messages={"invalid": gettext_lazy("请输入有效的日期,如 2026-03-01")},
        widget=IsoDateInput(attrs={"class": "form-control form-control-sm"}),
    )


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    unit: str
    note: str
    tone: str = ""  # "warn" when a figure needs the township's attention


def _num(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}"


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def _day(request: AuthedRequest) -> tuple[DayForm, dt.date | None]:
    """The day asked for (?on=YYYY-MM-DD), or None for today; a bad date keeps its error."""
    form = DayForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["on"]
    return form, None


def _shown(form: DayForm, day: dt.date) -> DayForm:
    """The form to show: the one with its errors, or one filled with the day the figures are for."""
    return form if form.is_bound and form.errors else DayForm(initial={"on": day.isoformat()})


def cards(s: StructureStats) -> list[Card]:
    """The headline figures, in the order the seeds report them."""
    return (
        _people_cards(s)
        + (_one_village_cards(s) if s.level == VILLAGE else _village_cards(s))
        + [
            Card(
                _("后备干部"),
                f"{s.reserves:,}",
                _("人"),
                _("其中本科以上学历 %(p)s") % {"p": _pct(s.reserves_bachelor_plus_share)},
            ),
        ]
    )


def _people_cards(s: StructureStats) -> list[Card]:
    return [
        Card(_("两委干部"), f"{s.cadres:,}", _("人"), _("另有第一书记 %(n)s 人,不计入") % {"n": s.first_secretaries}),
        Card(_("平均年龄"), _num(s.average_age), _("岁"), _("按周岁计算")),
        Card(_("35岁以下"), _pct(s.under_35_share), "", _("共 %(n)s 人(未满35周岁)") % {"n": s.under_35}),
        Card(_("女性"), _pct(s.women_share), "", _("共 %(n)s 人") % {"n": s.women}),
        Card(_("本科以上学历"), _pct(s.bachelor_plus_share), "", _("共 %(n)s 人") % {"n": s.bachelor_plus}),
        Card(_("大专以上学历"), _pct(s.college_plus_share), "", _("共 %(n)s 人(含本科以上)") % {"n": s.college_plus}),
        Card(_("中共党员"), _pct(s.party_share), "", _("共 %(n)s 人(含预备党员)") % {"n": s.party_members}),
    ]


def _village_cards(s: StructureStats) -> list[Card]:
    return [
        Card(
            _("“一肩挑”村(社区)"),
            _pct(s.one_shoulder_share),
            "",
            _("%(n)s 个村(社区)书记兼任主任,共 %(v)s 个") % {"n": s.one_shoulder_villages, "v": s.villages},
            "warn" if s.villages and s.one_shoulder_villages < s.villages else "",
        ),
        Card(
            _("每村专职干部"),
            _num(s.full_time_per_village),
            _("人"),
            _("核定每村 %(q)s 人;%(b)s 个村(社区)未配齐") % {"q": s.full_time_quota, "b": s.villages_below_quota},
            "warn" if s.villages_below_quota else "",
        ),
        Card(
            _("党组织书记空缺"),
            f"{s.vacant_secretary:,}",
            _("个村(社区)"),
            _("共 %(v)s 个村(社区)") % {"v": s.villages},
            "warn" if s.vacant_secretary else "",
        ),
    ]


def _one_village_cards(s: StructureStats) -> list[Card]:
    """A single village: yes/no and counts read better than shares of one village."""
    below = s.villages_below_quota > 0
    return [
        Card(
            _("“一肩挑”"),
            _("是") if s.one_shoulder_villages else _("否"),
            "",
            _("党组织书记兼任村(居)委会主任"),
            "" if s.one_shoulder_villages else "warn",
        ),
        Card(
            _("专职干部"),
            f"{s.full_time:,}",
            _("人"),
            (_("核定 %(q)s 人,未配齐") if below else _("核定 %(q)s 人")) % {"q": s.full_time_quota},
            "warn" if below else "",
        ),
        Card(
            _("党组织书记"),
            _("空缺") if s.vacant_secretary else _("在任"),
            "",
            _("统计日期在任情况"),
            "warn" if s.vacant_secretary else "",
        ),
    ]


def tables(s: StructureStats) -> list[dict[str, Any]]:
    """Each chart's numbers: key (the chart), title, kind, rows of (label, n, share)."""
    post_labels = dict(PostCode.choices)
    men = s.cadres - s.women
    return [
        {
            "key": "posts",
            "column": _("职务"),
            "title": _("按职务"),
            "note": _("一人兼任多个职务的,每个职务各计一次;占比为占两委干部人数的比例。"),
            "rows": [(str(post_labels[b.key]), b.n, b.share) for b in s.by_post],
        },
        {
            "key": "education",
            "column": _("学历"),
            "title": _("学历结构"),
            "note": _("本科以上 %(b)s,大专以上 %(c)s。")
            % {"b": _pct(s.bachelor_plus_share), "c": _pct(s.college_plus_share)},
            "rows": [(str(Education(b.key).label), b.n, b.share) for b in s.education],
        },
        {
            "key": "age",
            "column": _("年龄段"),
            "title": _("年龄结构"),
            "note": _("平均年龄 %(a)s 岁;35岁以下 %(y)s。") % {"a": _num(s.average_age), "y": _pct(s.under_35_share)},
            "rows": [(str(AGE_LABELS[b.key]), b.n, b.share) for b in s.age_bands],
        },
        {
            "key": "origin",
            "column": _("来源"),
            "title": _("来源结构"),
            "note": _("干部档案中登记的来源。"),
            "rows": [(str(Origin(b.key).label), b.n, b.share) for b in s.origin],
        },
        {
            "key": "gender",
            "column": _("性别"),
            "title": _("性别结构"),
            "note": _("性别取自身份证号。"),
            "rows": [
                (_("男"), men, pct(men, s.cadres)),
                (_("女"), s.women, s.women_share),
            ],
        },
    ]


def chart_data(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """What charts.js draws: bars by category, a pie for the one share of a whole (gender)."""
    data: dict[str, Any] = {"unit": _("人")}
    for block in blocks:
        if block["key"] == "gender":
            data["gender"] = {
                "kind": "pie",
                "items": [
                    {"name": label, "value": n, "share": None if share is None else str(share)}
                    for label, n, share in block["rows"]
                ],
            }
        else:
            data[block["key"]] = {
                "kind": "bar",
                "horizontal": block["key"] in ("posts", "origin"),
                "categories": [label for label, _n, _s in block["rows"]],
                "values": [n for _label, n, _s in block["rows"]],
            }
    return data


def _crumbs(request: AuthedRequest, region: Region) -> list[dict[str, Any]]:
    return [
        {"label": _("统计分析"), "url": None},
        {"label": _("队伍结构"), "url": None},
        *(
            {"label": r.name, "url": reverse("structure", args=[r.code])}
            for r in visible_path(actor=request.user, region=region)
        ),
    ]


@login_required
@web_errors
def structure(request: AuthedRequest, code: str) -> HttpResponse:
    require(request.user, account_rules.CADRES_READ)
    form, on = _day(request)
    s = structure_stats(actor=request.user, region_code=code, on=on)
    region = Region(code=s.region_code, name=s.region_name, level=s.level)
    blocks = tables(s)
    query = f"?on={s.on.isoformat()}" if on else ""
    return render(
        request,
        "dashboards/structure.html",
        {
            "s": s,
            "region": region,
            "form": _shown(form, s.on),
            "cards": cards(s),
            "blocks": blocks,
            "data": chart_data(blocks),
            "query": query,
            "export_url": reverse("structure_export", args=[s.region_code]) + query,
            "children_are_villages": bool(s.children) and s.children[0].level == VILLAGE,
            "breadcrumbs": _crumbs(request, region),
        },
    )


@login_required
@web_errors
def structure_export(request: AuthedRequest, code: str) -> HttpResponse:
    """The same figures as an XLSX workbook: overview, one sheet per structure, child regions."""
    require(request.user, account_rules.CADRES_READ)
    _form, on = _day(request)
    s = structure_stats(actor=request.user, region_code=code, on=on)
    body = workbook(s)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{_('队伍结构')}_{s.region_name}_{s.on.isoformat()}.xlsx"
    )
    return response


def workbook(s: StructureStats) -> bytes:
    buffer = io.BytesIO()
    book = xlsx_workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    percent = book.add_format({"num_format": '0.0"%"'})
    one = book.add_format({"num_format": "0.0"})
    two = book.add_format({"num_format": "0.00"})

    def number(value: Decimal | None) -> float | str:
        return "" if value is None else float(value)

    sheet = book.add_worksheet(_("概况"))
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 2, 14)
    sheet.write(0, 0, f"{s.region_name} {_('村(社区)干部队伍结构')}", bold)
    sheet.write(1, 0, _("统计日期"))
    sheet.write(1, 1, s.on.isoformat())
    sheet.write_row(3, 0, [_("指标"), _("数值"), _("单位")], head)
    rows: list[tuple[str, Any, Any, str]] = [
        (_("两委干部"), s.cadres, None, _("人")),
        (_("平均年龄"), number(s.average_age), one, _("岁")),
        (_("35岁以下"), s.under_35, None, _("人")),
        (_("35岁以下占比"), number(s.under_35_share), percent, ""),
        (_("女性"), s.women, None, _("人")),
        (_("女性占比"), number(s.women_share), percent, ""),
        (_("本科以上学历"), s.bachelor_plus, None, _("人")),
        (_("本科以上学历占比"), number(s.bachelor_plus_share), percent, ""),
        (_("大专以上学历"), s.college_plus, None, _("人")),
        (_("大专以上学历占比"), number(s.college_plus_share), percent, ""),
        (_("中共党员(含预备党员)"), s.party_members, None, _("人")),
        (_("中共党员占比"), number(s.party_share), percent, ""),
        (_("村(社区)数"), s.villages, None, _("个")),
        (_("“一肩挑”村(社区)"), s.one_shoulder_villages, None, _("个")),
        (_("“一肩挑”比例"), number(s.one_shoulder_share), percent, ""),
        (_("书记空缺村(社区)"), s.vacant_secretary, None, _("个")),
        (_("专职干部"), s.full_time, None, _("人")),
        (_("每村专职干部"), number(s.full_time_per_village), two, _("人")),
        (_("每村专职干部核定数"), s.full_time_quota, None, _("人")),
        (_("专职干部不足核定数的村(社区)"), s.villages_below_quota, None, _("个")),
        (_("后备干部"), s.reserves, None, _("人")),
        (_("后备干部本科以上占比"), number(s.reserves_bachelor_plus_share), percent, ""),
        (_("第一书记"), s.first_secretaries, None, _("人")),
    ]
    for i, (label, value, fmt, unit) in enumerate(rows, start=4):
        sheet.write(i, 0, label)
        sheet.write(i, 1, value, fmt)
        sheet.write(i, 2, unit)

    for block in tables(s):
        ws = book.add_worksheet(block["title"])
        ws.set_column(0, 0, 20)
        ws.set_column(1, 2, 12)
        ws.write_row(0, 0, [block["column"], _("人数"), _("占比")], head)
        for i, (label, n, share) in enumerate(block["rows"], start=1):
            ws.write(i, 0, label)
            ws.write(i, 1, n)
            ws.write(i, 2, number(share), percent)
        ws.write(len(block["rows"]) + 2, 0, block["note"])

    if s.children:
        ws = book.add_worksheet(_("下级区域"))
        ws.set_column(0, 0, 22)
        ws.set_column(1, 9, 12)
        header = [
            _("区域"), _("区划代码"), _("两委干部"), _("村(社区)数"), _("平均年龄"), _("女性占比"),
            _("大专以上占比"), _("“一肩挑”村(社区)"), _("“一肩挑”比例"), _("书记空缺村(社区)"),
        ]  # fmt: skip
        ws.write_row(0, 0, header, head)
        for i, c in enumerate(s.children, start=1):
            ws.write_row(i, 0, [c.name, c.code, c.cadres, c.villages])
            ws.write(i, 4, number(c.average_age), one)
            ws.write(i, 5, number(c.women_share), percent)
            ws.write(i, 6, number(c.college_plus_share), percent)
            ws.write(i, 7, c.one_shoulder_villages)
            ws.write(i, 8, number(c.one_shoulder_share), percent)
            ws.write(i, 9, c.vacant_secretary)
    book.close()
    return buffer.getvalue()
