"""Standard reports (统计报表) of a region, written as one XLSX workbook by a task with progress.

Each report is a sheet computed from the same figures as the cockpit (`figures`, `alerts`), by a
function `fn(region, on) -> Sheet` registered under a key; other apps add theirs the same way
(`reports.register("training_ledger", _("培训台账"), fn)`). Rosters name cadres; no ID or phone number is
written.

Built in: the cockpit overview (驾驶舱汇总), the roster (花名册), the monthly attendance report per
village (考勤月报, R-ATT-01, last month), the quarterly summary (季度考核汇总), the annual assessment
results per township (年度考核结果, R-ASMT-02/03), the pay summary per village (工资汇总表, the latest
month with payslips), the training ledger (培训台账), the reserve roster (后备干部名册), the joint
review summary (联审结果汇总, `reports_more`) and the alerts (预警清单). The task writes them as one
XLSX workbook and as one PDF (`reports_pdf`), from the same sheets.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Count, Max, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from touyan.assessment.models import Grade
from touyan.assessment.selectors.stats import grade_distribution
from touyan.core.sheets import xlsx_workbook
from touyan.payroll.models import Payslip
from touyan.regions.models import Region

from . import alerts, figures
from .figures import mechanisms
from .figures.core import code_range, villages_of


@dataclass(frozen=True)
class Sheet:
    header: list[str]
    rows: list[list[Any]]
    note: str = ""


ReportFn = Callable[[Region, dt.date], Sheet]
_REPORTS: dict[str, tuple[str | Promise, ReportFn]] = {}


def register(key: str, title: str | Promise, fn: ReportFn) -> None:
    _REPORTS[key] = (title, fn)


def registered() -> list[tuple[str, str]]:
    return [(k, str(title)) for k, (title, _fn) in _REPORTS.items()]


def overview(region: Region, on: dt.date) -> Sheet:
    """Every figure of the cockpit, as the API names it."""
    from .views_cockpit import _flatten

    d = figures.compute(region, on)
    rows = [[k, "" if v is None else v] for name in d if isinstance(d[name], dict) for k, v in _flatten(name, d[name])]
    return Sheet([_("指标"), _("数值")], rows, _("指标名称与接口 GET /api/v1/dashboards/{code} 相同。"))


def attendance_month(region: Region, on: dt.date) -> Sheet:
    """R-ATT-01 for the month before on's month, per village: full-time cadres, met, short, days short."""
    month = mechanisms.previous_month(on)
    per: dict[str, list[Any]] = {}
    for row in mechanisms.attendance_rows(region, month):
        r = per.setdefault(row.village_id, [row.village_id, row.village_name, 0, 0, 0, 0])
        r[2] += 1
        if row.result.shortfall_days:
            r[4] += 1
            r[5] += row.result.shortfall_days
        else:
            r[3] += 1
    header = [_("区划代码"), _("村(社区)"), _("专职干部"), _("达到要求"), _("天数不足"), _("共差天数")]
    return Sheet(header, [per[k] for k in sorted(per)], _("%(m)s 在村工作天数。") % {"m": month.strftime("%Y-%m")})


def annual_results(region: Region, on: dt.date) -> Sheet:
    """The annual assessment grades per township (the year of the assessment block)."""
    year = mechanisms.assessment_year(region, on)
    labels = dict(Grade.choices)
    header = [
        _("区划代码"),
        _("乡镇(街道)"),
        *[str(labels[g]) for g in Grade.values],
        _("合计"),
        _("优秀比例"),
        _("超过上限"),
    ]
    rows = [
        [
            g.code,
            g.name,
            *[g.counts.get(k, 0) for k in Grade.values],
            g.total,
            "" if g.excellent_share is None else f"{g.excellent_share}%",
            _("是") if g.over else "",
        ]
        for g in grade_distribution(prefix=region.prefix, year=year)
    ]
    return Sheet(header, rows, _("%(y)s 年度考核(含未定稿)。") % {"y": year})


def pay_summary(region: Region, on: dt.date) -> Sheet:
    """Payslips, total and average per village in the latest month ≤ on's month with payslips."""
    slips = Payslip.objects.filter(code_range(region.prefix))
    month = slips.filter(run__month__lte=on.replace(day=1)).aggregate(m=Max("run__month"))["m"]
    if month is None:
        return Sheet([_("区划代码"), _("村(社区)"), _("人次"), _("合计(元)"), _("人均(元)")], [], _("暂无工资条。"))
    names = dict(villages_of(region).values_list("code", "name"))
    totals: dict[str, list[Any]] = defaultdict(list)
    for r in slips.filter(run__month=month).values("village_id").annotate(n=Count("pk"), t=Sum("total")).order_by():
        totals[r["village_id"]] = [r["n"], r["t"]]
    rows = [
        [code, names.get(code, code), n, float(t), float((Decimal(t) / n).quantize(Decimal("0.01")))]
        for code, (n, t) in sorted(totals.items())
    ]
    header = [_("区划代码"), _("村(社区)"), _("人次"), _("合计(元)"), _("人均(元)")]
    return Sheet(header, rows, _("%(m)s 工资条。") % {"m": month.strftime("%Y-%m")})


def alert_list(region: Region, on: dt.date) -> Sheet:
    header = [_("类别"), _("规则"), _("区划代码"), _("事项"), _("期限"), _("责任角色"), _("状态")]
    rows = [
        [a.kind, a.rule, a.region, a.subject, a.due_date.isoformat() if a.due_date else "", a.owner_role, a.state]
        for a in alerts.collect(region, on)
    ]
    return Sheet(header, rows)


def write_report(
    region: Region,
    on: dt.date,
    path: Path,
    progress: Callable[[int, int], object] = lambda _d, _t: None,
    pdf: Path | None = None,
) -> int:
    """Every registered report as a sheet of one workbook at `path` (and, with `pdf`, as one PDF
    there, from the same sheets); returns the number of sheets. Progress counts each sheet computed
    and the PDF as one more step."""
    items = list(_REPORTS.items())
    steps = len(items) + (1 if pdf else 0)
    book = xlsx_workbook(str(path))
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    done: list[tuple[str, Sheet]] = []
    for i, (_key, (title, fn)) in enumerate(items):
        progress(i, steps)
        sheet = fn(region, on)
        done.append((str(title), sheet))
        ws = book.add_worksheet(str(title)[:31])
        ws.write(0, 0, f"{region.name} {title} {on.isoformat()}", bold)
        ws.write_row(2, 0, sheet.header, head)
        ws.set_column(0, len(sheet.header), 14)
        for r, row in enumerate(sheet.rows, start=3):
            ws.write_row(r, 0, row)
        if sheet.note:
            ws.write(len(sheet.rows) + 4, 0, sheet.note)
    book.close()
    if pdf is not None:
        from .reports_pdf import write_pdf

        progress(len(items), steps)
        write_pdf(region, on, pdf, done)
    progress(steps, steps)
    return len(items)


BUILT_IN: tuple[tuple[str, Any, ReportFn], ...] = (
    ("overview", gettext_lazy("驾驶舱汇总"), overview),
    ("attendance_month", gettext_lazy("考勤月报"), attendance_month),
    ("annual_results", gettext_lazy("年度考核结果"), annual_results),
    ("pay_summary", gettext_lazy("工资汇总表"), pay_summary),
    ("alerts", gettext_lazy("预警清单"), alert_list),
)


def register_all() -> None:
    """The built-in sheets, then the rosters and the newer mechanisms' (reports_more)."""
    from .reports_more import MORE

    for key, title, fn in (
        *BUILT_IN[:1],
        *MORE[:1],
        *BUILT_IN[1:2],
        *MORE[1:2],
        *BUILT_IN[2:4],
        *MORE[2:],
        *BUILT_IN[4:],
    ):
        register(key, title, fn)
