"""What a pay run gives out: the PDF payslip, the run summary workbook (masked IDs only) and the
一卡通 payout file for county finance (the only place a full account number appears; every
download is audited). The lines' explanations are explain.py's (re-exported here for the pages).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from touyan.accounts.models import Role
from touyan.audit.services import audit_record
from touyan.core.errors import Conflict, Forbidden
from touyan.core.money import format_yuan
from touyan.core.sheets import csv_row, xlsx_workbook

from .actions import PayrollAction
from .explain import (
    COMPONENT_LABELS,
    COMPONENT_ORDER,
    POST_LABELS,
    Explanation,
    SlipLine,
    component_label,
    component_order,
    departure_words,
    explain,
    num,
    pct,
    slip_lines,
)
from .models import BankAccount, PayLine, PayRun, Payslip
from .selectors import access_run
from .services.benefits import bank_account_number

if TYPE_CHECKING:
    from touyan.accounts.models import User

PAYOUT_STATES = (PayRun.State.FINANCE, PayRun.State.DISBURSED, PayRun.State.CLOSED)
__all__ = [
    "COMPONENT_LABELS",
    "COMPONENT_ORDER",
    "PAYOUT_STATES",
    "POST_LABELS",
    "Explanation",
    "PayoutFile",
    "PayoutMismatch",
    "SlipLine",
    "component_label",
    "component_order",
    "departure_words",
    "explain",
    "format_yuan",
    "line_totals",
    "num",
    "payout_file",
    "payout_missing_accounts",
    "payslip_pdf",
    "pct",
    "slip_lines",
    "summary_file",
]


# ---------------------------------------------------------------------------
# PDF payslip (ReportLab) with a CJK TrueType font embedded as a subset, so that a reader without
# the Asian font pack shows the same page (and "×", "÷", "·" have their glyphs): WenQuanYi Zen Hei
# from Debian's `fonts-wqy-zenhei` (requirements/apt.txt, installed by `make install` and CI).
# Only where no such font is installed does the payslip fall back to ReportLab's built-in
# STSong-Light, a CID font that is named, not embedded.
# ---------------------------------------------------------------------------

CJK_FONT = "TouyanCJK"
CJK_FALLBACK = "STSong-Light"
CJK_FONT_FILES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # fonts-wqy-zenhei: WenQuanYi Zen Hei
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),  # fonts-droid-fallback
)


def cjk_font_file() -> tuple[str, int] | None:
    """The CJK TrueType font the PDFs embed: `settings.TOUYAN_CJK_FONT` ("path" or "path#index"),
    else the first of CJK_FONT_FILES that is installed."""
    import os

    from django.conf import settings

    configured = getattr(settings, "TOUYAN_CJK_FONT", "") or os.environ.get("TOUYAN_CJK_FONT", "")
    candidates = list(CJK_FONT_FILES)
    if configured:
        path, _sep, index = configured.partition("#")
        candidates.insert(0, (path, int(index or 0)))
    return next(((path, index) for path, index in candidates if os.path.isfile(path)), None)


def _register_font() -> str:
    """Register the embedded CJK font once per process (its bold is itself: `<b>` keeps the face)."""
    from reportlab.pdfbase import pdfmetrics

    registered = pdfmetrics.getRegisteredFontNames()
    if CJK_FONT in registered:
        return CJK_FONT
    if CJK_FALLBACK in registered:
        return CJK_FALLBACK
    found = cjk_font_file()
    if found is not None:
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase.ttfonts import TTFont

        path, index = found
        pdfmetrics.registerFont(TTFont(CJK_FONT, path, subfontIndex=index))
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(CJK_FONT, bold, italic, CJK_FONT)
        return CJK_FONT
    import logging

    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    logging.getLogger(__name__).warning("no CJK TrueType font installed (fonts-wqy-zenhei): PDFs name STSong-Light")
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FALLBACK))
    return CJK_FALLBACK


def payslip_pdf(slip: Payslip) -> bytes:
    """A one-page A4 payslip: who, which month, each line with its amount and explanation, the total."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = _register_font()
    base = ParagraphStyle("cjk", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#555555"))
    title = ParagraphStyle("title", parent=base, fontSize=16, leading=22)
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    run = slip.run
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("工资条 %(m)s %(n)s") % {"m": run.month.strftime("%Y-%m"), "n": slip.person.name},
        author=_("头雁 村(社区)干部职业化管理"),
    )
    header = _pdf_header(slip, base)
    story: list[Any] = [
        Paragraph(_("村(社区)干部报酬工资条 %(y)s 年 %(m)s 月") % {"y": run.month.year, "m": run.month.month}, title),
        Spacer(1, 3 * mm),
        header,
        Spacer(1, 4 * mm),
        _pdf_lines(slip, base, right, small),
        Spacer(1, 5 * mm),
        Paragraph(_("金额单位:元。报酬按政策参数计算,每一项均可追溯;如有疑问请联系乡镇(街道)党委。"), small),
    ]
    doc.build(story)
    return buffer.getvalue()


def _pdf_header(slip: Payslip, base: Any) -> Any:
    """Who and where, the ID number masked, and the run's state (a two-column table)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    village = slip.village
    township = village.parent.name if village.parent else ""
    name = Paragraph(_("姓名:%(n)s") % {"n": _esc(slip.person.name)}, base)
    id_number = Paragraph(_("身份证号:%(id)s") % {"id": slip.person.id_masked}, base)
    unit = Paragraph(_("单位:%(t)s %(v)s") % {"t": _esc(township), "v": _esc(village.name)}, base)
    state = Paragraph(_("批次状态:%(s)s") % {"s": slip.run.get_state_display()}, base)
    header = Table([[name, id_number], [unit, state]], colWidths=[None, 70 * mm])
    header.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return header


def _pdf_lines(slip: Payslip, base: Any, right: Any, small: Any) -> Any:
    """Each line with its amount and explanation, then the total."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    rows: list[list[Any]] = [
        [Paragraph(_("项目"), base), Paragraph(_("金额(元)"), right), Paragraph(_("计算说明"), base)]
    ]
    for line in slip_lines(slip):
        rows.append(
            [
                Paragraph(line.label, base),
                Paragraph(f"{line.amount:,.2f}", right),
                Paragraph(f"{_esc(line.explanation.formula)}<br/>{_esc(line.explanation.words)}", small),
            ]
        )
    rows.append([Paragraph(_("实发合计"), base), Paragraph(f"<b>{slip.total:,.2f}</b>", right), ""])
    table = Table(rows, colWidths=[32 * mm, 28 * mm, None], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f1f1f1")),
                ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#fbeaea")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------------------
# Run summary (XLSX) and the 一卡通 payout file (CSV)
# ---------------------------------------------------------------------------


def _run_name(run: PayRun) -> str:
    return f"{run.region.name}-{run.month:%Y-%m}"


def _slips(run: PayRun) -> list[Payslip]:
    return list(
        run.payslips.select_related("person", "village", "village__parent")
        .prefetch_related("lines")
        .order_by("village_id", "person_id")
    )


@dataclass(frozen=True)
class _Formats:
    money: Any
    money_bold: Any
    label_bold: Any

    @classmethod
    def of(cls, book: Any) -> _Formats:
        return cls(
            book.add_format({"num_format": "#,##0.00"}),
            book.add_format({"num_format": "#,##0.00", "bold": True, "bg_color": "#F2F2F2"}),
            book.add_format({"bold": True, "bg_color": "#F2F2F2"}),
        )


def _summary_village(
    sheet: Any, row: int, slips: list[Payslip], components: list[str], f: _Formats
) -> tuple[int, dict[str, Decimal]]:
    """One village's rows of the summary workbook and its subtotal; returns the next row and the
    village's sums by component (and "total")."""
    sub: dict[str, Decimal] = defaultdict(Decimal)
    for s in slips:
        amounts: dict[str, Decimal] = defaultdict(Decimal)
        for x in s.lines.all():
            amounts[x.component] += x.amount
        township = s.village.parent.name if s.village.parent else ""
        sheet.write_row(row, 0, [township, s.village.name, s.person.name, s.person.id_masked])
        for i, c in enumerate(components):
            if amounts.get(c):
                sheet.write_number(row, 4 + i, float(amounts[c]), f.money)
            sub[c] += amounts.get(c, Decimal(0))
        sheet.write_number(row, 4 + len(components), float(s.total), f.money)
        sub["total"] += s.total
        row += 1
    sheet.write(row, 1, slips[0].village.name, f.label_bold)
    sheet.write(row, 2, _("小计(%(n)s 人)") % {"n": len(slips)}, f.label_bold)
    sheet.write(row, 3, "", f.label_bold)
    for i, c in enumerate([*components, "total"]):
        sheet.write_number(row, 4 + i, float(sub[c]), f.money_bold)
    return row + 2, sub


@transaction.atomic
def summary_file(*, actor: User, run_id: int) -> tuple[str, bytes]:
    """The run summary workbook: one row per cadre, one column per pay component, subtotals per
    village and the run total. ID numbers masked (R-DATA-05). The download is audited."""
    run = access_run(actor=actor, run_id=run_id)
    slips = _slips(run)
    present = {x.component for s in slips for x in s.lines.all()}
    order = component_order()
    components = [c for c in order if c in present] + sorted(present - set(order))
    buffer = io.BytesIO()
    book = xlsx_workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("工资汇总"))
    bold = book.add_format({"bold": True})
    formats = _Formats.of(book)
    sheet.write(
        0,
        0,
        _("%(r)s %(y)s 年 %(m)s 月 村干部报酬汇总表(%(s)s)")
        % {"r": run.region.name, "y": run.month.year, "m": run.month.month, "s": run.get_state_display()},
        bold,
    )
    header = [
        _("乡镇(街道)"),
        _("村(社区)"),
        _("姓名"),
        _("身份证号"),
        *map(component_label, components),
        _("实发合计"),
    ]
    sheet.write_row(2, 0, header, bold)
    row = 3
    by_village: dict[str, list[Payslip]] = defaultdict(list)
    for s in slips:
        by_village[s.village_id].append(s)
    grand: dict[str, Decimal] = defaultdict(Decimal)
    for code in sorted(by_village):
        row, sub = _summary_village(sheet, row, by_village[code], components, formats)
        for c, amount in sub.items():
            grand[c] += amount
    sheet.write(row, 0, _("合计(%(n)s 人)") % {"n": len(slips)}, formats.label_bold)
    for i, c in enumerate([*components, "total"]):
        sheet.write_number(row, 4 + i, float(grand[c]), formats.money_bold)
    sheet.set_column(0, 1, 14)
    sheet.set_column(2, 2, 10)
    sheet.set_column(3, 3, 21)
    sheet.set_column(4, 4 + len(components), 13)
    sheet.freeze_panes(3, 3)
    book.close()
    if grand["total"] != run.total:
        raise PayoutMismatch(_("工资条合计与批次合计不一致,请联系管理员"))
    audit_record(
        actor=actor,
        action=PayrollAction.SUMMARY_DOWNLOAD,
        obj=run,
        region_code=run.region_id,
        changes={"rows": len(slips), "total": str(run.total)},
    )
    return _("工资汇总-%(n)s.xlsx") % {"n": _run_name(run)}, buffer.getvalue()


class PayoutMismatch(RuntimeError):
    """The rows of a file do not add up to the run total: never hand such a file out."""


@dataclass(frozen=True)
class PayoutFile:
    filename: str
    content: bytes
    rows: int
    total: Decimal


def payout_missing_accounts(run: PayRun) -> list[str]:
    """Names of the run's payees with no 一卡通 account on file (shown before approval)."""
    return list(
        run.payslips.exclude(person_id__in=BankAccount.objects.values("person_id"))
        .order_by("village_id", "person_id")
        .values_list("person__name", flat=True)
    )


@transaction.atomic
def payout_file(*, actor: User, run_id: int) -> PayoutFile:
    """The 一卡通 payout file of an approved run, for county finance only: 姓名, 身份证号 (masked),
    开户行, 账号 (full, decrypted — only here), 金额. Its rows sum to the run total (checked;
    otherwise nothing is handed out). The download is audited (payroll.payout.download)."""
    if getattr(actor, "role", None) != Role.FINANCE or not actor.is_authenticated:
        raise Forbidden(_("一卡通发放文件仅限县财政下载"))
    run = access_run(actor=actor, run_id=run_id)
    if run.state not in PAYOUT_STATES:
        raise Conflict(_("县财政审批通过后才能下载发放文件"), field="state")
    slips = list(run.payslips.select_related("person").order_by("village_id", "person_id"))
    accounts = {a.person_id: a for a in BankAccount.objects.filter(person_id__in=[s.person_id for s in slips])}
    missing = [s.person.name for s in slips if s.person_id not in accounts]
    if missing:
        raise Conflict(
            _("%(n)s 人未登记一卡通账号:%(names)s。请乡镇补登后再下载。")
            % {"n": len(missing), "names": "、".join(missing[:10]) + ("…" if len(missing) > 10 else "")},
            field="account",
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("姓名"), _("身份证号"), _("开户行"), _("账号"), _("金额")])
    total = Decimal(0)
    for s in slips:
        account = accounts[s.person_id]
        writer.writerow(
            csv_row([s.person.name, s.person.id_masked, account.bank, bank_account_number(account), f"{s.total:.2f}"])
        )
        total += s.total
    if total != run.total:
        raise PayoutMismatch(
            _("发放文件合计 %(a)s 与批次合计 %(b)s 不一致") % {"a": format_yuan(total), "b": format_yuan(run.total)}
        )
    audit_record(
        actor=actor,
        action=PayrollAction.PAYOUT_DOWNLOAD,
        obj=run,
        region_code=run.region_id,
        changes={"rows": len(slips), "total": str(total)},
    )
    return PayoutFile(
        filename=_("一卡通发放-%(n)s.csv") % {"n": _run_name(run)},
        content=out.getvalue().encode("utf-8-sig"),  # with a BOM: Excel on Windows reads it as UTF-8
        rows=len(slips),
        total=total,
    )


def line_totals(lines: list[PayLine]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for x in lines:
        out[x.component] += x.amount
    return out


def cjk_font() -> str:
    """The name of the CJK font PDFs use (registered once per process; see `_register_font`): other
    apps' PDFs (the standard reports) embed the same font."""
    return _register_font()
