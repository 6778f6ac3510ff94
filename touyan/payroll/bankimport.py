"""Importing 一卡通 accounts from a spreadsheet (R-DATA-01): the template, reading a filled one,
and the import — all or nothing, with a report of every row's problems by row and column.

Columns: 身份证号 (or 干部编号), 姓名, 开户行, 账号, 账户类型 (银行卡 / 存折; empty = 银行卡).
Account numbers are checked by `rules.benefits.check_account` (16–19 digits and the Luhn digit
for a card; a passbook is the marked exception)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from touyan.accounts.models import User
from touyan.cadres.selectors import cadres_in_scope
from touyan.cadres.services import id_hash
from touyan.core import idnumber
from touyan.core.errors import InvalidInput
from touyan.core.sheetimport import RowProblem, RowsInvalid, read_table
from touyan.core.sheetimport import cell_text as _text
from touyan.core.sheetimport import header_text as _header
from touyan.core.sheets import xlsx_workbook

from .rules.benefits import ACCOUNT_KINDS, CARD, PASSBOOK, check_account

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024
COLUMNS: dict[str, tuple[str, ...]] = {
    "id_number": ("身份证号", "身份证号码", "公民身份号码"),
    "cadre": ("干部编号",),
    "name": ("姓名",),
    "bank": ("开户行", "开户银行"),
    "account": ("账号", "一卡通账号", "银行账号", "卡号"),
    "kind": ("账户类型", "类型"),
}
HEADER_OF = {"id_number": "身份证号", "cadre": "干部编号", "name": "姓名", "bank": "开户行", "account": "账号",
             "kind": "账户类型", "": ""}  # fmt: skip
KIND_WORDS = {"": CARD, "银行卡": CARD, "卡": CARD, "一卡通": CARD, "存折": PASSBOOK, "折": PASSBOOK}


class BankImportInvalid(RowsInvalid):
    """The file has errors; `rows` lists them. Nothing was written."""

    def __init__(self, rows: list[RowProblem]) -> None:
        super().__init__(
            rows, _("文件有 %(n)d 处错误,未导入任何账号;请按错误报告修改后重新导入") % {"n": len(set(rows))}
        )


@dataclass(frozen=True)
class BankRow:
    row: int
    id_number: str
    cadre_id: int | None
    name: str
    bank: str
    account: str
    kind_text: str


def read_bank_file(data: bytes) -> list[BankRow]:
    """The data rows of the first sheet (nothing is matched here); a file that cannot be read or
    has no 账号 column → InvalidInput naming `file`."""
    table = read_table(data, max_rows=MAX_ROWS, max_bytes=MAX_BYTES, max_unpacked=MAX_UNPACKED)
    at = next((i for i, r in enumerate(table[:10]) if any(_header(c) in COLUMNS["account"] for c in r)), None)
    if at is None:
        raise InvalidInput(errors={"file": _("找不到表头:应有“身份证号”(或“干部编号”)、“开户行”和“账号”列")})
    where: dict[str, int] = {}
    for index, value in enumerate(table[at]):
        for key, names in COLUMNS.items():
            if _header(value) in names and key not in where:
                where[key] = index
    if "id_number" not in where and "cadre" not in where:
        raise InvalidInput(errors={"file": _("表头中应有“身份证号”或“干部编号”列")})
    data_rows = table[at + 1 :]
    if len(data_rows) > MAX_ROWS:
        raise InvalidInput(errors={"file": _("一次最多导入 %(n)s 行,请分批导入") % {"n": MAX_ROWS}})

    def cell(row: list[Any], key: str) -> str:
        index = where.get(key)
        return _text(row[index]) if index is not None and index < len(row) else ""

    rows: list[BankRow] = []
    for offset, row in enumerate(data_rows):
        if not any(_text(c) for c in row):
            continue
        cadre = cell(row, "cadre")
        rows.append(
            BankRow(
                row=at + 2 + offset,
                id_number=idnumber.normalize(cell(row, "id_number")),
                cadre_id=int(cadre) if cadre.isdigit() else None,
                name=cell(row, "name"),
                bank=cell(row, "bank"),
                account=cell(row, "account"),
                kind_text=cell(row, "kind").replace(" ", ""),
            )
        )
    if not rows:
        raise InvalidInput(errors={"file": _("文件中没有数据行")})
    return rows


@dataclass(frozen=True)
class BankImportResult:
    written: int
    cards: int
    passbooks: int


def bank_accounts_import(*, actor: User, rows: list[BankRow]) -> BankImportResult:
    """Import the rows, all or nothing (R-DATA-01): each row names a cadre in the actor's scope
    (by ID number or 干部编号; the name, if given, must match), a bank and an account number that
    passes `check_account`; one cadre once. Any problem → BankImportInvalid with every row's
    problems and nothing written; else every account is set (encrypted, audited masked)."""
    from .services.benefits import _bank_account_write, _require_finance_or_write

    _require_finance_or_write(actor)
    scope = cadres_in_scope(actor=actor)
    hashes = sorted({id_hash(r.id_number) for r in rows if r.id_number and not r.cadre_id})
    by_hash = dict(scope.filter(id_hash__in=hashes).values_list("id_hash", "id")) if hashes else {}
    ids = {r.cadre_id for r in rows if r.cadre_id} | set(by_hash.values())
    people = {p.pk: p for p in scope.filter(pk__in=ids)}
    problems: list[RowProblem] = []
    ready: list[tuple[Any, str, str, str]] = []
    seen: dict[int, int] = {}
    for r in rows:
        bad: list[RowProblem] = []
        pid: int | None = r.cadre_id
        column = "干部编号"
        if pid is None:
            column = "身份证号"
            if not r.id_number:
                bad.append(RowProblem(r.row, column, _("请填写身份证号或干部编号")))
            else:
                try:
                    idnumber.parse_id(r.id_number)
                except idnumber.BadIdNumber as exc:
                    bad.append(RowProblem(r.row, column, str(exc)))
                else:
                    pid = by_hash.get(id_hash(r.id_number))
        person = people.get(pid) if pid is not None else None
        if person is None and not bad:
            bad.append(RowProblem(r.row, column, _("在您的管辖范围内找不到该干部")))
        if person is not None and r.name and r.name != person.name:
            bad.append(RowProblem(r.row, "姓名", _("姓名与档案不符(档案为 %(n)s)") % {"n": person.name}))
        if person is not None and person.pk in seen:
            bad.append(RowProblem(r.row, column, _("与第 %(r)s 行是同一名干部") % {"r": seen[person.pk]}))
        kind = KIND_WORDS.get(r.kind_text)
        if kind is None:
            bad.append(RowProblem(r.row, "账户类型", _("账户类型应为“银行卡”或“存折”")))
        if not r.bank:
            bad.append(RowProblem(r.row, "开户行", _("请填写开户行")))
        digits = ""
        try:
            digits = check_account(r.account, kind or CARD)
        except InvalidInput as exc:
            for key, messages in exc.errors.items():
                bad += [RowProblem(r.row, HEADER_OF.get(key, "账号"), m) for m in messages]
        if person is not None:
            seen.setdefault(person.pk, r.row)
        if bad:
            problems += bad
        else:
            ready.append((person, r.bank, digits, kind or CARD))
    if problems:
        raise BankImportInvalid(problems)
    with transaction.atomic():
        for person, bank, digits, kind in ready:
            _bank_account_write(actor, person, bank, digits, kind)
    passbooks = sum(1 for *_rest, kind in ready if kind == PASSBOOK)
    return BankImportResult(len(ready), len(ready) - passbooks, passbooks)


def bank_template() -> bytes:
    """The template: the header row, one example row and a note on the account types."""
    out = io.BytesIO()
    book = xlsx_workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(_("一卡通账号"))
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    text = book.add_format({"num_format": "@"})
    headers = ["身份证号", "姓名", "开户行", "账号", "账户类型"]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
        sheet.set_column(col, col, 24 if col in (0, 3) else 16, text)
    sheet.write_string(1, 2, "兴义农商银行")
    sheet.write_string(1, 4, str(ACCOUNT_KINDS[CARD]))
    sheet.data_validation(1, 4, MAX_ROWS, 4, {"validate": "list", "source": ["银行卡", "存折"]})
    note = book.add_worksheet(_("说明"))
    for i, line in enumerate(
        [
            _("账号一律按文本填写(以免 Excel 把长数字改成科学计数法)。"),
            _("银行卡:16 至 19 位数字,系统校验卡号校验位(Luhn)。"),
            _("存折:8 至 32 位数字,请在“账户类型”中选“存折”。"),
            _("整份文件全部无误才会导入;有错误时不导入任何一行,并列出每处错误。"),
        ]
    ):
        note.write_string(i, 0, line)
    book.close()
    return out.getvalue()
