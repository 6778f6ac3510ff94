"""Payslip lines in plain Chinese (SPEC A6.10): each line's label and explanation from its stored
`basis`, so a payslip explains itself with the numbers it was computed from, whatever the policy
says today; and a departure allowance's basis in a sentence (R-PAY-10)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from touyan.assessment.models import Grade
from touyan.core.money import to_fen

from . import lines
from .models import DepartureAllowance, Payslip

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
    # "基本报酬 = max(标准 42,000 元, 3 × 上年农村居民人均可支配收入 14,000 元) × (1 + 5% × 连任 2 届) ÷ 12 = 3,850.00"
    formula: str
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
    yuan, std_word = _("元"), _("标准")
    if income not in (None, "None"):
        inner = _("max(%(std_word)s %(std)s %(yuan)s, %(m)s × 上年农村居民人均可支配收入 %(inc)s %(yuan)s)") % {
            "std_word": std_word,
            "std": num(standard),
            "yuan": yuan,
            "m": num(multiple),
            "inc": num(income),
        }
    else:
        inner = f"{std_word} {num(standard)} {yuan}"
    up = ""
    if n:
        rate = (uplift - 1) / n
        up = (
            " × (1 + " + _("%(rate)s × 连任 %(n)s 届") % {"rate": pct(rate), "n": n} + ")"
            if rate == rate.quantize(Decimal("0.0001"))
            else f" × {uplift}"
        )
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
