"""Collective economy (R-PAY-08/12) and supervision records (S0 三级监督, S1 约谈).

The yearly operating income of a village's collective is `regions.RegionStat.collective_income`:
the figure pay's weak-village list (R-PAY-12: < weak_income) and the professional-secretary rule
(R-POS-03) already read. The township enters it here, one village at a time or by a spreadsheet
(all or nothing, with a report per row); only that field of the statistic is written, the others
are kept. (regions' own `region_stat_put` replaces every field and is for county admins; this is the
township's narrower write.)
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.audit.services import audit_record
from touyan.cadres.selectors import access_cadre
from touyan.core.errors import Forbidden, InvalidInput
from touyan.core.money import to_fen
from touyan.regions import rules as region_rules
from touyan.regions.models import Region, RegionStat

from .. import relations
from ..actions import AffairsAction
from ..models import SupervisionRecord
from ..selectors import access_village

MAX_INCOME = Decimal("999999999999.99")


def _may_enter(actor: Any, village_code: str) -> None:
    if not (
        relations.is_township(actor, village_code)
        or (actor.role == "admin" and relations.is_official(actor, village_code))
    ):
        raise Forbidden(_("集体经济收入由乡镇党委干部或县组织部录入"))


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise InvalidInput(errors={"year": _("年度无效")})


def _put(actor: Any, village: Region, year: int, income: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
    stat = RegionStat.objects.select_for_update().filter(region=village, year=year).first()
    old = stat.collective_income if stat else None
    if stat is None:
        stat = RegionStat(region=village, year=year)
    stat.collective_income = to_fen(income) if income is not None else None
    stat.updated_by = actor
    stat.save()
    return old, stat.collective_income


@transaction.atomic
def collective_income_put(*, actor: Any, village_code: str, year: int, income: Decimal | None) -> RegionStat:
    """Enter (or clear, with None) a village's collective operating income for a year."""
    village = access_village(actor=actor, code=village_code)
    _may_enter(actor, village.code)
    _check_year(year)
    if income is not None and not (0 <= income <= MAX_INCOME):
        raise InvalidInput(errors={"income": _("收入须为不小于 0 的金额")})
    old, new = _put(actor, village, year, income)
    audit_record(
        actor=actor,
        action=AffairsAction.INCOME_PUT,
        object_type="regions.regionstat",
        object_id=f"{village.code}:{year}",
        region_code=village.code,
        changes={"year": year, "collective_income": [old, new]},
    )
    return RegionStat.objects.get(region=village, year=year)


@dataclass
class ImportReport:
    rows: list[dict[str, Any]] = field(default_factory=list)  # {row, code, name, income, error}
    written: int = 0

    @property
    def ok(self) -> bool:
        return not any(r["error"] for r in self.rows)


HEADERS = ("村(社区)代码", "村(社区)名称", "集体经济经营收入(元)")


def _parse_rows(stream: IO[bytes]) -> list[tuple[int, str, str, Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a file that is not a workbook
        raise InvalidInput(errors={"file": _("无法读取该文件,请上传 .xlsx 格式的表格")}) from exc
    ws = wb.worksheets[0]
    out = []
    for i, row in enumerate(ws.iter_rows(min_row=2, max_col=3, values_only=True), start=2):
        if row is None or all(c in (None, "") for c in row):
            continue
        code, name, income = [*row, None, None, None][:3]
        out.append((i, str(code or "").strip(), str(name or "").strip(), income))
        if len(out) > 5000:
            raise InvalidInput(errors={"file": _("一次最多导入 5000 行")})
    return out


@transaction.atomic
def collective_income_import(*, actor: Any, township_code: str, year: int, stream: IO[bytes]) -> ImportReport:
    """Import a township's (or county's) villages' incomes for a year: every row is checked first;
    if any row is wrong nothing is written and the report says which and why."""
    _check_year(year)
    region = Region.objects.filter(code=township_code).first()
    if region is None or not relations.is_official(actor, region.code):
        raise Forbidden(_("集体经济收入由乡镇党委干部或县组织部录入"))
    report = ImportReport()
    seen: set[str] = set()
    parsed = _parse_rows(stream)
    codes = set()
    for _i, code, _n, _v in parsed:
        with contextlib.suppress(region_rules.BadCode):
            codes.add(region_rules.normalize_code(code))
    villages = {v.code: v for v in Region.objects.filter(code__in=codes, level=region_rules.VILLAGE)}
    for line, code, name, raw in parsed:
        error = ""
        full = ""
        try:
            full = region_rules.normalize_code(code)
        except region_rules.BadCode:
            error = _("村代码无效")
        village = villages.get(full)
        if not error and (village is None or not region_rules.is_under(full, region.prefix)):
            error = _("不是本辖区的村(社区)")
        elif not error and full in seen:
            error = _("与前面的行重复")
        elif not error:
            try:
                _may_enter(actor, full)
            except Forbidden:
                error = _("无权录入该村")
        income: Decimal | None = None
        if not error:
            try:
                income = Decimal(str(raw).replace(",", "").strip()) if raw not in (None, "") else None
            except InvalidOperation:
                error = _("收入不是数字")
            if income is not None and not (0 <= income <= MAX_INCOME):
                error = _("收入须为不小于 0 的金额")
            if income is None and not error:
                error = _("请填写收入")
        seen.add(full)
        report.rows.append(
            {
                "row": line,
                "code": code,
                "name": name or (village.name if village else ""),
                "income": income,
                "error": str(error),
            }
        )
    if not report.rows:
        raise InvalidInput(errors={"file": _("表格中没有数据行")})
    if not report.ok:
        return report
    for r in report.rows:
        village = villages[region_rules.normalize_code(r["code"])]
        _put(actor, village, year, r["income"])
        report.written += 1
    audit_record(
        actor=actor,
        action=AffairsAction.INCOME_IMPORT,
        object_type="regions.region",
        object_id=region.code,
        region_code=region.code,
        changes={"year": year, "rows": report.written},
    )
    return report


# --- supervision records --------------------------------------------------------------------------------


def _level_of(actor: Any, village_code: str) -> str:
    if actor.is_superuser or actor.role == "admin":
        return SupervisionRecord.Level.COUNTY
    if relations.is_township(actor, village_code):
        return SupervisionRecord.Level.TOWNSHIP
    if relations.is_supervisor(actor, village_code):
        return SupervisionRecord.Level.VILLAGE
    raise Forbidden(_("监督记录由县、乡镇组织或本村村务监督委员会登记"))


@transaction.atomic
def supervision_create(
    *,
    actor: Any,
    kind: str,
    date: dt.date,
    subject: str,
    village_code: str = "",
    cadre_id: int | None = None,
    findings: str = "",
    follow_up: str = "",
) -> SupervisionRecord:
    """Record a talk (谈话提醒, 约谈) or a supervision report or finding, on a cadre's file (S0, S1).
    The supervision committee records its own reports and findings, not talks."""
    person = access_cadre(actor=actor, cadre_id=cadre_id) if cadre_id else None
    code = person.village_id if person is not None else village_code
    village = access_village(actor=actor, code=code) if code else None
    if village is None:
        raise InvalidInput(errors={"village": _("请选择村(社区)或干部")})
    level = _level_of(actor, village.code)
    errors: dict[str, str] = {}
    if kind not in SupervisionRecord.Kind.values:
        errors["kind"] = _("类型无效")
    elif level == SupervisionRecord.Level.VILLAGE and kind in ("reminder", "admonition"):
        errors["kind"] = _("谈话提醒和约谈由县、乡镇组织开展")
    if kind in ("reminder", "admonition") and person is None:
        errors["cadre"] = _("谈话须指明干部")
    if not (subject or "").strip():
        errors["subject"] = _("请填写事由")
    if date > timezone.localdate():
        errors["date"] = _("日期不能晚于今天")
    if errors:
        raise InvalidInput(errors=errors)
    record = SupervisionRecord.objects.create(
        person=person,
        village=village,
        kind=kind,
        level=level,
        date=date,
        subject=subject.strip()[:200],
        findings=findings.strip()[:4000],
        follow_up=follow_up.strip()[:4000],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AffairsAction.SUPERVISION_CREATE,
        obj=record,
        region_code=village.code,
        changes={"kind": kind, "cadre": cadre_id, "level": level},
    )
    return record
