"""Importing an event's attendance (点名册) from a spreadsheet, besides the roll call on a phone: the
template, reading a filled one, and the import — all or nothing, with a report of every row's
problems by row and column (the pattern of the 一卡通 import, payroll/bankimport.py).

Columns: 身份证号 (or 干部编号), 姓名, 参训天数 (empty = the event's days), 考核结果 (合格 / 不合格 /
empty), 成绩. Each row goes through `services.attendee_add` (hours credited by policy, the days
counted as official business, audited), all in one transaction."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from touyan.cadres.selectors import cadres_in_scope
from touyan.cadres.services import id_hash
from touyan.core import idnumber
from touyan.core.errors import InvalidInput
from touyan.core.sheetimport import RowProblem, RowsInvalid, read_table
from touyan.core.sheetimport import cell_text as _text
from touyan.core.sheetimport import header_text as _header
from touyan.core.sheets import xlsx_workbook

from . import selectors, services

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED = 20 * 1024 * 1024
COLUMNS: dict[str, tuple[str, ...]] = {
    "id_number": ("身份证号", "身份证号码", "公民身份号码"),
    "cadre": ("干部编号",),
    "name": ("姓名",),
    "days": ("参训天数", "天数"),
    "passed": ("考核结果", "考核", "是否合格"),
    "result": ("成绩", "成绩/结果"),
}
PASSED_WORDS: dict[str, bool | None] = {"": None, "合格": True, "通过": True, "不合格": False, "未通过": False}


class RollImportInvalid(RowsInvalid):
    """The file has errors; `rows` lists them. Nothing was written."""

    def __init__(self, rows: list[RowProblem]) -> None:
        super().__init__(rows, _("文件有 %(n)d 处错误,未登记任何人;请按错误报告修改后重新导入") % {"n": len(set(rows))})


@dataclass(frozen=True)
class RollRow:
    row: int
    id_number: str
    cadre_id: int | None
    name: str
    days: str
    passed: str
    result: str


def _table(data: bytes) -> list[list[Any]]:
    return read_table(data, max_rows=MAX_ROWS, max_bytes=MAX_BYTES, max_unpacked=MAX_UNPACKED)


def read_roll_file(data: bytes) -> list[RollRow]:
    """The data rows of the first sheet (nothing is matched here); a file that cannot be read or
    has no 身份证号 / 干部编号 column → InvalidInput naming `file`."""
    table = _table(data)
    keys = COLUMNS["id_number"] + COLUMNS["cadre"]
    at = next((i for i, r in enumerate(table[:10]) if any(_header(c) in keys for c in r)), None)
    if at is None:
        raise InvalidInput(errors={"file": _("找不到表头:应有“身份证号”或“干部编号”列")})
    where: dict[str, int] = {}
    for index, value in enumerate(table[at]):
        for key, names in COLUMNS.items():
            if _header(value) in names and key not in where:
                where[key] = index
    data_rows = table[at + 1 :]
    if len(data_rows) > MAX_ROWS:
        raise InvalidInput(errors={"file": _("一次最多导入 %(n)s 行,请分批导入") % {"n": MAX_ROWS}})

    def cell(row: list[Any], key: str) -> str:
        index = where.get(key)
        return _text(row[index]) if index is not None and index < len(row) else ""

    rows = [
        RollRow(
            row=at + 2 + offset,
            id_number=idnumber.normalize(cell(row, "id_number")),
            cadre_id=int(cell(row, "cadre")) if cell(row, "cadre").isdigit() else None,
            name=cell(row, "name"),
            days=cell(row, "days"),
            passed=cell(row, "passed").replace(" ", ""),
            result=cell(row, "result")[:200],
        )
        for offset, row in enumerate(data_rows)
        if any(_text(c) for c in row)
    ]
    if not rows:
        raise InvalidInput(errors={"file": _("文件中没有数据行")})
    return rows


def _person_of(r: RollRow, people: dict[int, Any], by_hash: dict[str, int]) -> tuple[Any, str, list[RowProblem]]:
    """The cadre a row names (by 干部编号, else by ID number), the column that named them, problems."""
    if r.cadre_id is not None:
        person = people.get(r.cadre_id)
        bad = [] if person else [RowProblem(r.row, "干部编号", _("在您的管辖范围内找不到该干部"))]
        return person, "干部编号", bad
    if not r.id_number:
        return None, "身份证号", [RowProblem(r.row, "身份证号", _("请填写身份证号或干部编号"))]
    try:
        idnumber.parse_id(r.id_number)
    except idnumber.BadIdNumber as exc:
        return None, "身份证号", [RowProblem(r.row, "身份证号", str(exc))]
    person = people.get(by_hash.get(id_hash(r.id_number), 0))
    bad = [] if person else [RowProblem(r.row, "身份证号", _("在您的管辖范围内找不到该干部"))]
    return person, "身份证号", bad


def _days(r: RollRow, event_days: Decimal) -> tuple[Decimal | None, list[RowProblem]]:
    if not r.days:
        return None, []
    try:
        d = Decimal(r.days)
    except InvalidOperation:
        return None, [RowProblem(r.row, "参训天数", _("参训天数应为数字,如 2 或 0.5"))]
    if d <= 0 or d > event_days or d * 2 != (d * 2).to_integral_value():
        return None, [RowProblem(r.row, "参训天数", _("参训天数应在 0.5 至 %(n)s 天之间,以半天计") % {"n": event_days})]
    return d, []


@dataclass(frozen=True)
class RollImportResult:
    added: int
    already: int


def roll_import(*, actor: Any, event_id: int, rows: list[RollRow]) -> RollImportResult:
    """Import the rows onto the event's roll, all or nothing: each row names a cadre in the actor's
    scope (by ID number or 干部编号; the name, if given, must match), once; days within the event's
    (half days), a result of 合格 / 不合格. Any problem → RollImportInvalid with every row's problems
    and nothing written; else each row through `attendee_add` in one transaction."""
    event = selectors.access_event(actor=actor, event_id=event_id, for_write=True)
    scope = cadres_in_scope(actor=actor)
    hashes = sorted({id_hash(r.id_number) for r in rows if r.id_number and r.cadre_id is None})
    by_hash = dict(scope.filter(id_hash__in=hashes).values_list("id_hash", "id")) if hashes else {}
    ids = {r.cadre_id for r in rows if r.cadre_id} | set(by_hash.values())
    people = {p.pk: p for p in scope.filter(pk__in=ids)}
    problems: list[RowProblem] = []
    ready: list[tuple[int, Decimal | None, bool | None, str]] = []
    seen: dict[int, int] = {}
    for r in rows:
        person, column, bad = _person_of(r, people, by_hash)
        if person is not None and r.name and r.name != person.name:
            bad.append(RowProblem(r.row, "姓名", _("姓名与档案不符(档案为 %(n)s)") % {"n": person.name}))
        if person is not None and person.pk in seen:
            bad.append(RowProblem(r.row, column, _("与第 %(r)s 行是同一名干部") % {"r": seen[person.pk]}))
        days, day_problems = _days(r, event.days)
        bad += day_problems
        if r.passed not in PASSED_WORDS:
            bad.append(RowProblem(r.row, "考核结果", _("考核结果应为“合格”或“不合格”,未考核请留空")))
        if person is not None:
            seen.setdefault(person.pk, r.row)
        if bad:
            problems += bad
        else:
            ready.append((person.pk, days, PASSED_WORDS[r.passed], r.result))
    if problems:
        raise RollImportInvalid(problems)
    added = 0
    with transaction.atomic():
        for pid, days, passed, result in ready:
            _row, created = services.attendee_add(
                actor=actor, event_id=event.pk, cadre_id=pid, days=days, passed=passed, result=result
            )
            added += created
    return RollImportResult(added, len(ready) - added)


def roll_template(title: str) -> bytes:
    """The template: the header row, one example row and a note on the columns."""
    out = io.BytesIO()
    book = xlsx_workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(_("点名册"))
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    text = book.add_format({"num_format": "@"})
    headers = ["身份证号", "干部编号", "姓名", "参训天数", "考核结果", "成绩"]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
        sheet.set_column(col, col, 24 if col == 0 else 14, text)
    sheet.data_validation(1, 4, MAX_ROWS, 4, {"validate": "list", "source": ["合格", "不合格"]})
    note = book.add_worksheet(_("说明"))
    for i, line in enumerate(
        [
            _("培训:%(t)s") % {"t": title},
            _("每行一名到场的干部:填身份证号或干部编号(二者填一即可),姓名可不填,填写时须与档案一致。"),
            _("参训天数不填即按培训天数登记;半天填 0.5。考核结果填“合格”或“不合格”,未考核请留空。"),
            _("整份文件全部无误才会导入;有错误时不登记任何一人,并列出每处错误。已在名单上的干部只更新考核结果。"),
        ]
    ):
        note.write_string(i, 0, line)
    book.close()
    return out.getvalue()
