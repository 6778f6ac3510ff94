"""Exports write text, never formulas (issue 21, finding 4): the helpers, every writer in the tree,
and the monthly attendance and payroll summary workbooks with a crafted name."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import TOWNSHIP_A1
from touyan.core.sheets import csv_cell, csv_row, openpyxl_text_only, xlsx_workbook
from touyan.payroll.tests.test_services import worked_example  # noqa: F401 (the A6 fixture)

EVIL = '=HYPERLINK("http://evil.test","点我")'
ROOT = Path(__file__).resolve().parents[2]


def test_csv_cells_that_start_a_formula_are_quoted() -> None:
    assert [csv_cell(v) for v in (EVIL, "+1+2", "-2+3", "@SUM(A1)", "\tx", "张三", "-12.50", 7)] == [
        "'" + EVIL, "'+1+2", "'-2+3", "'@SUM(A1)", "'\tx", "张三", "-12.50", 7,
    ]  # fmt: skip
    out = io.StringIO()
    csv.writer(out).writerow(csv_row([EVIL, "3850.00"]))
    assert out.getvalue().startswith("\"'=HYPERLINK")


def test_xlsx_and_openpyxl_helpers_write_text() -> None:
    buffer = io.BytesIO()
    book = xlsx_workbook(buffer, {"in_memory": True, "strings_to_formulas": True})
    sheet = book.add_worksheet()
    sheet.write(0, 0, EVIL)
    sheet.write_row(1, 0, ["http://evil.test", "+1"])
    book.close()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "hyperlink" not in xml.lower()
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([EVIL])
    openpyxl_text_only(wb)
    out = io.BytesIO()
    wb.save(out)
    cell = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active["A1"]  # type: ignore[index]
    assert cell.data_type == "s" and cell.value == EVIL


def test_every_xlsx_writer_goes_through_the_safe_helper() -> None:
    """A new XlsxWriter workbook elsewhere would write formulas again: only core.sheets opens one,
    and every csv.writer's rows of user text go through csv_row."""
    offenders = []
    for path in (ROOT / "touyan").rglob("*.py"):
        if "tests" in path.parts or path.name == "sheets.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"xlsxwriter\.Workbook\(|\bWorkbook\(\s*[^)\s]", text):
            offenders.append(str(path.relative_to(ROOT)))
        if "openpyxl" in text and ".save(" in text and "openpyxl_text_only" not in text:
            offenders.append(str(path.relative_to(ROOT)))
        if "csv.writer(" in text and "csv_row(" not in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return "\n".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/"))


@pytest.mark.django_db
def test_a_crafted_name_is_text_in_the_attendance_and_payroll_workbooks(login, personas, worked_example) -> None:  # noqa: F811
    """The monthly attendance and the payroll summary XLSX with a cadre named as a formula."""
    from touyan.attendance.models import MonthLock
    from touyan.cadres.models import Person
    from touyan.payroll.models import PayRun

    Person.objects.filter(pk=worked_example.pk).update(name=EVIL)
    MonthLock.objects.update(locked_by=personas["township_a1"])
    officer = login(personas["township_a1"])
    monthly = officer.get(f"/attendance/monthly/{TOWNSHIP_A1}/2026-03/export/")
    assert monthly.status_code == 200
    officer.post("/payroll/runs/", {"region": TOWNSHIP_A1, "month": "2026-03"})
    run = PayRun.objects.get()
    officer.post(f"/payroll/runs/{run.pk}/calculate/")
    summary = officer.get(f"/payroll/runs/{run.pk}/summary.xlsx")
    assert summary.status_code == 200
    for data in (monthly.content, summary.content):
        xml = _sheet_xml(data)
        assert "HYPERLINK" in xml and "<f>" not in xml  # the name is there, as a string
        book = openpyxl.load_workbook(io.BytesIO(data))
        cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value == EVIL]
        assert cells and all(c.data_type == "s" for c in cells)
