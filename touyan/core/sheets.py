"""Spreadsheet and CSV output that carries text, never formulas (issue 21, CSV/formula injection).

A cadre's name, a village's name or a reason typed by a user may start with `=`, `+`, `-` or `@`:
written as it is, Excel, WPS and LibreOffice would take it for a formula (`=HYPERLINK(…)`,
DDE). Every XLSX and CSV the system writes goes through this module:

- `xlsx_workbook()` opens an XlsxWriter workbook with `strings_to_formulas` and `strings_to_urls`
  off, so `write()` and `write_row()` store every string as a string;
- `openpyxl_text_only()` turns every formula cell of an openpyxl workbook into a text cell before
  it is saved (openpyxl takes any string starting with `=` for a formula);
- `csv_cell()` / `csv_row()` put a leading `'` before a CSV cell that starts with `= + - @`, a tab
  or a carriage return (OWASP), leaving plain numbers such as `-12.50` as they are.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from typing import IO, Any

import xlsxwriter

SAFE_OPTIONS: dict[str, Any] = {"strings_to_formulas": False, "strings_to_urls": False}
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def xlsx_workbook(target: str | IO[bytes], options: dict[str, Any] | None = None) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook that writes strings as text (options as XlsxWriter's, the safe ones win)."""
    return xlsxwriter.Workbook(target, {**(options or {}), **SAFE_OPTIONS})


def csv_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet reads as a formula."""
    if isinstance(value, str) and value.startswith(_TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


def openpyxl_text_only(workbook: Any) -> None:
    """Every cell openpyxl would save as a formula becomes text (call before `save`)."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def xlsx_unpacked_size(data: bytes) -> int:
    """What the parts of an uploaded .xlsx unpack to, from its directory (0 if it is no zip). A
    reader that loads whole parts (openpyxl loads the shared strings) checks this first."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0
