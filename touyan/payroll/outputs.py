"""What a pay run gives out: plain-Chinese explanations of payslip lines, the PDF payslip,
the run summary workbook (masked IDs only) and the 一卡通 payout file for county finance
(the only place a full account number appears; every download is audited).

Explanations are built from each line's stored `basis` (SPEC A6.10), so a payslip explains
itself with the numbers it was computed from, whatever the policy says today.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from touyan.accounts.models import Role
from touyan.assessment.models import Grade
from touyan.audit.services import audit_record
from touyan.core.errors import Conflict, Forbidden
from touyan.core.money import format_yuan, to_fen

from . import lines
from .actions import PayrollAction
from .models import BankAccount, DepartureAllowance, PayLine, PayRun, Payslip
from .selectors import access_run
from .services.benefits import bank_account_number

MONTHLY_LABELS: dict[str, Any] = {
    "base": gettext_lazy("基本报酬"),
    "performance": gettext_lazy("绩效报酬"),
    "allowance": gettext_lazy("专业化补贴"),
    "pension_subsidy": gettext_lazy("养老保险补贴"),
    "young_cadre": gettext_lazy("年轻专业化干部报酬"),
}
# The monthly pay's lines (rules.compute_pay), then the other kinds (lines.py) in the order the
# summary workbook's columns have always had; a kind registered later comes after them.
COMPONENT_ORDER = (*MONTHLY_LABELS, "reward", "honour", "condolence", "departure", "adjustment")
COMPONENT_LABELS: dict[str, Any] = MONTHLY_LABELS | lines.labels()
POST_LABELS: dict[str, Any] = {
    "one_shoulder": gettext_lazy("一肩挑"),
    "PS": gettext_lazy("村党组织书记"),
    "VD": gettext_lazy("村(居)委会主任"),
    "deputy": gettext_lazy("副职/文书"),
}
PAYOUT_STATES = (PayRun.State.FINANCE, PayRun.State.DISBURSED, PayRun.State.CLOSED)


def component_label(component: str) -> str:
    return str((MONTHLY_LABELS | lines.labels()).get(component, component))


def component_order() -> list[str]:
    """Every known component, in the order pages and files show them."""
    known = [*MONTHLY_LABELS, *lines.labels()]
    return [*COMPONENT_ORDER, *(c for c in known if c not in COMPONENT_ORDER)]


def num(value: Any) -> str:
    """42000 → "42,000"; 3850.5 → "3,850.50": thousands separated, whole numbers without decimals."""
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return f"{d:,.0f}"
    return f"{to_fen(d):,.2f}"


def pct(value: Any) -> str:
    """0.05 → "5%"; 0.125 → "12.5%"."""
    d = (Decimal(str(value)) * 100).normalize()
    return f"{d:f}%"


@dataclass(frozen=True)
class Explanation:
    formula: str  # "基本报酬 = max(42,000, 3 × 14,000) × (1 + 5% × 2) ÷ 12 = 3,850.00"
    words: str  # the same in a sentence, for a cadre


def explain(component: str, amount: Decimal, basis: dict[str, Any]) -> Explanation:
    """A payslip line in plain Chinese, from its stored basis."""
    label = component_label(component)
    money = f"{to_fen(amount):,.2f}"
    b = basis or {}
    if component == "base" and "base_annual_paid" in b:
        return _explain_base(label, money, b)
    if component == "performance" and "quarter_pot" in b:
        grade = dict(Grade.choices).get(b.get("grade", ""), b.get("grade", ""))
        formula = (
            f"{label} = {num(b['perf_target_annual'])} ÷ 4 × {b['grade_factor']} × {b['attendance_factor']} = {money}"
        )
        words = _(
            "年度绩效目标 %(target)s 元,本季度应发 %(pot)s 元;季度考核“%(grade)s”,系数 %(factor)s;"
            "本季度在岗 %(present)s 天、应在岗 %(required)s 天,出勤系数 %(att)s。"
        ) % {
            "target": num(b["perf_target_annual"]),
            "pot": num(b["quarter_pot"]),
            "grade": grade,
            "factor": b["grade_factor"],
            "present": b.get("present"),
            "required": b.get("required"),
            "att": b["attendance_factor"],
        }
        return Explanation(formula, words)
    if component == "allowance" and "tier" in b:
        return Explanation(
            f"{label} = {_('第 %(t)s 档') % {'t': b['tier']}} {num(b['monthly'])} / {_('月')} = {money}",
            _("专业化管理的村党组织书记按档次每月发放补贴,您为第 %(t)s 档。") % {"t": b["tier"]},
        )
    if component == "pension_subsidy" and "annual" in b:
        annual = Decimal(b["annual"])
        monthly = to_fen(annual / 12)
        if to_fen(amount) != monthly:  # December takes the remainder
            return Explanation(
                f"{label} = {num(annual)} − 11 × {monthly:,.2f} = {money}",
                _("每年 %(a)s 元按月发放,12 月发放全年余额,全年合计正好 %(a)s 元。") % {"a": num(annual)},
            )
        return Explanation(
            f"{label} = {num(annual)} ÷ 12 = {money}",
            _("村主干每年养老保险补贴 %(a)s 元,按月平均发放。") % {"a": num(annual)},
        )
    if component == "young_cadre" and "ratio" in b:
        bonus = Decimal(b.get("degree_bonus", "0"))
        extra = f" + {num(bonus)}" if bonus else ""
        words = _("按乡镇事业单位新进人员月工资 %(ref)s 元的 %(ratio)s 发放") % {
            "ref": num(b["ref_new_staff_monthly"]),
            "ratio": pct(b["ratio"]),
        }
        if bonus:
            words += _(",另加全日制大专以上学历补贴 %(b)s 元") % {"b": num(bonus)}
        return Explanation(f"{label} = {b['ratio']} × {num(b['ref_new_staff_monthly'])}{extra} = {money}", words + "。")
    if component == "departure":
        return Explanation(
            f"{label} = {money}",
            _("经县委组织部批准的离任村干部生活补贴,按月发放。"),
        )
    reason = str(b.get("reason", ""))
    return Explanation(f"{label} = {money}", _("事由:%(r)s") % {"r": reason} if reason else "")


def departure_words(a: DepartureAllowance) -> str:
    """The allowance's basis (R-PAY-10) in a sentence, for the page."""
    b = a.basis or {}
    if a.strategy == "pct_of_current_base" and "pct" in b:
        post = _("书记") if b.get("post") == "PS" else _("主任")
        text = _(
            "按%(post)s任职:连续 %(cy)s 年 %(cm)s 个月、累计 %(ty)s 年 %(tm)s 个月,"
            "享受现任书记基本报酬 %(base)s 元的 %(pct)s"
        ) % {
            "post": post,
            "cy": b["continuous_months"] // 12,
            "cm": b["continuous_months"] % 12,
            "ty": b["total_months"] // 12,
            "tm": b["total_months"] % 12,
            "base": num(b["secretary_base_annual"]),
            "pct": pct(b["pct"]),
        }
        if b.get("post") == "VD":
            text += _(" × 80%(主任)")
        text += _(",÷ 12 个月")
    elif a.strategy == "per_term":
        text = _("按任职届数:%(n)s 届 × 每届每月 %(r)s 元") % {"n": b.get("terms"), "r": b.get("rate")}
    else:
        text = _("按任职年限档次:累计 %(y)s 年") % {"y": int(b.get("total_months", 0)) // 12}
    if b.get("pension_monthly"):
        text += _(";已领养老金 %(p)s 元/月,只补差额") % {"p": b["pension_monthly"]}
    return text + "。"


def _explain_base(label: str, money: str, b: dict[str, Any]) -> Explanation:
    standard, income, multiple = Decimal(b["base_standard"]), b.get("income_ref"), Decimal(b["base_multiple"])
    n, uplift = int(b.get("consecutive_terms", 0)), Decimal(b["uplift"])
    annual_paid = Decimal(b["base_annual_paid"])
    inner = f"max({num(standard)}, {num(multiple)} × {num(income)})" if income not in (None, "None") else num(standard)
    up = ""
    if n:
        rate = (uplift - 1) / n
        up = f" × (1 + {pct(rate)} × {n})" if rate == rate.quantize(Decimal("0.0001")) else f" × {uplift}"
    monthly = to_fen(annual_paid / 12)
    post = str(POST_LABELS.get(b.get("post", ""), b.get("post", "")))
    words = _(
        "年基本报酬取%(post)s标准 %(std)s 元与上年农村居民人均可支配收入 %(inc)s 元的 %(m)s 倍中较高者,即 %(base)s 元"
    ) % {
        "post": post,
        "std": num(standard),
        "inc": num(income) if income not in (None, "None") else "—",
        "m": num(multiple),
        "base": num(b["base_annual"]),
    }
    if n:
        words += _(";此前连任 %(n)s 届,上浮后全年 %(paid)s 元") % {"n": n, "paid": f"{annual_paid:,.2f}"}
    if b.get("december_remainder") and Decimal(money.replace(",", "")) != monthly:
        formula = f"{label} = {inner}{up} − 11 × {monthly:,.2f} = {money}"
        words += _(";12 月发放全年余额,全年合计正好 %(paid)s 元。") % {"paid": f"{annual_paid:,.2f}"}
    else:
        formula = f"{label} = {inner}{up} ÷ 12 = {money}"
        words += _(",按月平均发放。")
    return Explanation(formula, words)


@dataclass(frozen=True)
class SlipLine:
    component: str
    label: str
    amount: Decimal
    explanation: Explanation


def slip_lines(slip: Payslip) -> list[SlipLine]:
    """The payslip's lines with labels and explanations, in stored order."""
    return [
        SlipLine(x.component, component_label(x.component), x.amount, explain(x.component, x.amount, x.basis))
        for x in slip.lines.order_by("id")
    ]


# ---------------------------------------------------------------------------
# PDF payslip (ReportLab, built-in CJK CID font: no system fonts needed)
# ---------------------------------------------------------------------------

CJK_FONT = "STSong-Light"


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def payslip_pdf(slip: Payslip) -> bytes:
    """A one-page A4 payslip: who, which month, each line with its amount and explanation, the total."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

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
    village = slip.village
    township = village.parent.name if village.parent else ""
    # STSong-Light has no glyph for "·" (U+00B7): the title uses a space.
    header = Table(
        [
            [Paragraph(_("姓名:%(n)s") % {"n": _esc(slip.person.name)}, base),
             Paragraph(_("身份证号:%(id)s") % {"id": slip.person.id_masked}, base)],
            [Paragraph(_("单位:%(t)s %(v)s") % {"t": _esc(township), "v": _esc(village.name)}, base),
             Paragraph(_("批次状态:%(s)s") % {"s": run.get_state_display()}, base)],
        ],
        colWidths=[None, 70 * mm],
    )  # fmt: skip
    header.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list[Any] = [
        Paragraph(_("村(社区)干部报酬工资条 %(y)s 年 %(m)s 月") % {"y": run.month.year, "m": run.month.month}, title),
        Spacer(1, 3 * mm),
        header,
        Spacer(1, 4 * mm),
    ]
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
    story += [
        table,
        Spacer(1, 5 * mm),
        Paragraph(_("金额单位:元。报酬按政策参数计算,每一项均可追溯;如有疑问请联系乡镇(街道)党委。"), small),
    ]
    doc.build(story)
    return buffer.getvalue()


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


@transaction.atomic
def summary_file(*, actor: Any, run_id: int) -> tuple[str, bytes]:
    """The run summary workbook: one row per cadre, one column per pay component, subtotals per
    village and the run total. ID numbers masked (R-DATA-05). The download is audited."""
    import xlsxwriter

    run = access_run(actor=actor, run_id=run_id)
    slips = _slips(run)
    present = {x.component for s in slips for x in s.lines.all()}
    order = component_order()
    components = [c for c in order if c in present] + sorted(present - set(order))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("工资汇总"))
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    money_bold = book.add_format({"num_format": "#,##0.00", "bold": True, "bg_color": "#F2F2F2"})
    label_bold = book.add_format({"bold": True, "bg_color": "#F2F2F2"})
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
    village_totals: dict[str, Decimal] = defaultdict(Decimal)
    by_village: dict[str, list[Payslip]] = defaultdict(list)
    for s in slips:
        by_village[s.village_id].append(s)
    grand: dict[str, Decimal] = defaultdict(Decimal)
    for code in sorted(by_village):
        sub: dict[str, Decimal] = defaultdict(Decimal)
        first = by_village[code][0]
        for s in by_village[code]:
            amounts: dict[str, Decimal] = defaultdict(Decimal)
            for x in s.lines.all():
                amounts[x.component] += x.amount
            township = s.village.parent.name if s.village.parent else ""
            sheet.write_row(row, 0, [township, s.village.name, s.person.name, s.person.id_masked])
            for i, c in enumerate(components):
                if amounts.get(c):
                    sheet.write_number(row, 4 + i, float(amounts[c]), money)
                sub[c] += amounts.get(c, Decimal(0))
            sheet.write_number(row, 4 + len(components), float(s.total), money)
            sub["total"] += s.total
            row += 1
        sheet.write(row, 1, first.village.name, label_bold)
        sheet.write(row, 2, _("小计(%(n)s 人)") % {"n": len(by_village[code])}, label_bold)
        sheet.write(row, 3, "", label_bold)
        for i, c in enumerate([*components, "total"]):
            sheet.write_number(row, 4 + i, float(sub[c]), money_bold)
            grand[c] += sub[c]
        village_totals[code] = sub["total"]
        row += 2
    sheet.write(row, 0, _("合计(%(n)s 人)") % {"n": len(slips)}, label_bold)
    for i, c in enumerate([*components, "total"]):
        sheet.write_number(row, 4 + i, float(grand[c]), money_bold)
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
def payout_file(*, actor: Any, run_id: int) -> PayoutFile:
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
            [s.person.name, s.person.id_masked, account.bank, bank_account_number(account), f"{s.total:.2f}"]
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
