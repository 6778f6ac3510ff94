"""Reading an uploaded workbook for an all-or-nothing import (the 一卡通 accounts, a training's roll
call): the first sheet as a bounded table, cells as trimmed text, headers without marks, and one
error that reports every problem by row and column. The formats themselves stay with their apps."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .errors import InvalidInput
from .sheets import xlsx_unpacked_size


@dataclass(frozen=True)
class RowProblem:
    row: int  # the spreadsheet's row number
    column: str  # the Chinese header
    message: str


class RowsInvalid(InvalidInput):
    """The file has errors; `rows` lists them (sorted, each once) and `errors` names each as
    `rows.<row>.<column>`. Nothing was written."""

    def __init__(self, rows: list[RowProblem], message: str) -> None:
        self.rows = sorted(set(rows), key=lambda p: (p.row, p.column, p.message))
        errors: dict[str, list[str]] = {}
        for p in self.rows:
            errors.setdefault(f"rows.{p.row}.{p.column or '-'}", []).append(p.message)
        super().__init__(message, errors=errors)


def cell_text(value: Any) -> str:
    """A cell as trimmed text (a whole float, as spreadsheets store numbers, without its ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def header_text(value: Any) -> str:
    """A header cell without the template's required-mark and spaces."""
    return cell_text(value).replace("*", "").replace(" ", "").replace("\u3000", "")


def read_table(data: bytes, *, max_rows: int, max_bytes: int, max_unpacked: int) -> list[list[Any]]:
    """The first sheet's rows (at most max_rows and a few header rows); a file too large or that
    cannot be read → InvalidInput naming `file`."""
    from openpyxl import load_workbook

    if len(data) > max_bytes or xlsx_unpacked_size(data) > max_unpacked:
        raise InvalidInput(errors={"file": _("文件过大,请分批导入(每次不超过 %(n)s 行)") % {"n": max_rows}})
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise InvalidInput(errors={"file": _("无法读取该文件,请用下载的模板另存为 .xlsx 后再上传")}) from exc
    sheet = book.worksheets[0]
    table = [list(r) for _i, r in zip(range(max_rows + 12), sheet.iter_rows(values_only=True), strict=False)]
    book.close()
    return table
