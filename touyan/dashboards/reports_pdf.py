"""The standard reports as one PDF (A4 landscape): each registered sheet as a titled table, in the
CJK font the payslips embed (payroll.outputs.cjk_font). Cells are text (a PDF has no formulas).

A roster of a large region runs to thousands of rows: a sheet's table stops at PDF_MAX_ROWS rows
with a line saying so (the XLSX has every row)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from touyan.payroll.outputs import cjk_font
from touyan.regions.models import Region

PDF_MAX_ROWS = 2000


def _cell(value: Any, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(escape("" if value is None else str(value)), style)


def _table(sheet: Any, small: Any, head: Any) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import LongTable, TableStyle

    data = [[_cell(h, head) for h in sheet.header]]
    data += [[_cell(v, small) for v in row] for row in sheet.rows[:PDF_MAX_ROWS]]
    table = LongTable(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2F2F2")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def write_pdf(
    region: Region,
    on: dt.date,
    path: Path,
    sheets: list[tuple[str, Any]],
    progress: Callable[[int, int], object] = lambda _d, _t: None,
) -> int:
    """The sheets (title, Sheet) as one PDF at `path`; returns the number of sheets."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    font = cjk_font()
    title = ParagraphStyle("title", fontName=font, fontSize=14, leading=18, spaceAfter=4)
    note = ParagraphStyle("note", fontName=font, fontSize=8, leading=11)
    small = ParagraphStyle("cell", fontName=font, fontSize=7, leading=9, wordWrap="CJK")
    head = ParagraphStyle("head", parent=small, fontSize=7)
    story: list[Any] = []
    for i, (name, sheet) in enumerate(sheets):
        progress(i, len(sheets))
        if i:
            story.append(PageBreak())
        story.append(Paragraph(escape(f"{region.name} {name} {on.isoformat()}"), title))
        if sheet.note:
            story.append(Paragraph(escape(sheet.note), note))
        story.append(Spacer(1, 3 * mm))
        if sheet.rows:
            story.append(_table(sheet, small, head))
        else:
            story.append(Paragraph(escape(_("无数据。")), note))
        if len(sheet.rows) > PDF_MAX_ROWS:
            more = _("仅列出前 %(n)s 行,共 %(t)s 行,完整数据见 XLSX。") % {"n": PDF_MAX_ROWS, "t": len(sheet.rows)}
            story.append(Paragraph(escape(more), note))
    doc = SimpleDocTemplate(
        str(path),
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
        title=f"{region.name} {_('统计报表')} {on.isoformat()}",
    )
    doc.build(story)
    return len(sheets)
