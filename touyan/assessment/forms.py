"""Forms of the assessment pages: periods, quarterly scores and corrections, ballot tallies,
competency tallies, pledges and targets, pioneer points and stars (R-ASMT-01…08, R-PTY-01…03).

Forms check the shape of the input (numbers, ranges, required fields) so errors show beside the
field; the services check the rules and the scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from touyan.core.forms import StyledForm

from .models import BallotTally

SCORE_ERRORS = {
    "invalid": _("请输入数字,如 88 或 88.5"),
    "min_value": _("分数须在 0–100 之间"),
    "max_value": _("分数须在 0–100 之间"),
    "max_decimal_places": _("最多保留两位小数"),
    "max_digits": _("分数须在 0–100 之间"),
    "required": _("请填写分数"),
}
COUNT_ERRORS = {
    "invalid": _("请输入整数票数"),
    "min_value": _("票数不能为负数"),
    "max_value": _("票数过大,请核对"),
}


def score_field(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        error_messages=SCORE_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **kwargs,
    )


def count_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=100000,
        error_messages=COUNT_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "text-end"}),
    )


PERIOD_CHOICES = [
    ("quarter-1", _("第一季度评价")),
    ("quarter-2", _("第二季度评价")),
    ("quarter-3", _("第三季度评价")),
    ("quarter-4", _("第四季度评价")),
    ("half-1", _("上半年胜任度评价")),
    ("half-2", _("下半年胜任度评价")),
    ("year-0", _("年度考核")),
]


class PeriodOpenForm(StyledForm):
    """WF-5: which period a county opens."""

    year = forms.IntegerField(
        label=_("年度"),
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("请输入四位年份"), "min_value": _("年份无效"), "max_value": _("年份无效")},
    )
    which = forms.ChoiceField(label=_("考核期"), choices=PERIOD_CHOICES)

    def kind_number(self) -> tuple[str, int]:
        kind, number = self.cleaned_data["which"].split("-")
        return kind, int(number)


class QuarterlyScoresForm(StyledForm):
    """The board's score inputs: one optional field `score-<cadre>` per draft row (R-ASMT-01)."""

    def __init__(self, *args: Any, person_ids: list[int], initial_scores: dict[int, Decimal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for pid in person_ids:
            field = score_field(_("得分"), required=False, initial=initial_scores.get(pid))
            field.widget.attrs.update({"class": "form-control form-control-sm text-end score-input"})
            self.fields[f"score-{pid}"] = field

    def changed_scores(self, current: dict[int, Decimal]) -> dict[int, Decimal]:
        """Scores typed that differ from the saved draft (an empty box changes nothing)."""
        out: dict[int, Decimal] = {}
        for name, value in self.cleaned_data.items():
            pid = int(name.split("-", 1)[1])
            if value is not None and value != current.get(pid):
                out[pid] = value
        return out


class CadreForm(forms.Form):
    """Which cadre a row action is about."""

    cadre = forms.IntegerField(min_value=1, error_messages={"required": _("请选择干部"), "invalid": _("请选择干部")})


class CorrectionForm(StyledForm):
    """更正 a final quarterly evaluation: a new version with a reason (WF-5)."""

    cadre = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    score = score_field(_("更正后得分"))
    reason = forms.CharField(
        label=_("更正事由"),
        max_length=300,
        min_length=4,
        error_messages={"required": _("请填写更正事由"), "min_length": _("请写清更正事由(至少 4 个字)")},
    )


GROUP_FIELDS = (
    ("excellent", _("优秀")),
    ("competent", _("称职")),
    ("basic", _("基本称职")),
    ("incompetent", _("不称职")),
)


class AnnualForm(StyledForm):
    """Ballot tallies per rater group (tallies only, never ballots; R-ASMT-04) and the adjustments
    of R-ASMT-02."""

    cadre = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    bonus = forms.DecimalField(
        label=_("加分"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(10),
        max_digits=5,
        decimal_places=2,
        help_text=_("0–10 分"),
        error_messages={
            "invalid": _("请输入数字"),
            "min_value": _("加分在 0–10 之间"),
            "max_value": _("加分在 0–10 之间"),
        },
    )
    penalty = forms.DecimalField(
        label=_("扣分"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        help_text=_("填正数,从总分中减去"),
        error_messages={
            "invalid": _("请输入数字"),
            "min_value": _("扣分填 0 或正数"),
            "max_value": _("扣分不超过 100"),
        },
    )
    target_adjustment = forms.DecimalField(
        label=_("年终目标核查调整"),
        required=False,
        min_value=Decimal(-20),
        max_value=Decimal(20),
        max_digits=5,
        decimal_places=2,
        help_text=_("对工作实绩的加减,−20 至 +20"),
        error_messages={
            "invalid": _("请输入数字"),
            "min_value": _("调整在 −20 至 +20 之间"),
            "max_value": _("调整在 −20 至 +20 之间"),
        },
    )

    GROUPS = tuple(BallotTally.Group.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for group, group_label in self.GROUPS:
            for key, label in GROUP_FIELDS:
                field = count_field(f"{group_label}·{label}")
                field.widget.attrs["class"] = "form-control form-control-sm text-end"
                self.fields[f"{group}-{key}"] = field

    def group_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(label), [self[f"{group}-{key}"] for key, _l in GROUP_FIELDS]) for group, label in self.GROUPS]

    def tallies(self) -> dict[str, tuple[int, int, int, int]]:
        out = {}
        for group, _label in self.GROUPS:
            counts = tuple(self.cleaned_data.get(f"{group}-{key}") or 0 for key, _l in GROUP_FIELDS)
            if any(counts):
                out[group] = (counts[0], counts[1], counts[2], counts[3])
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not self.tallies():
            raise forms.ValidationError(_("请至少录入一个测评群体的票数"))
        return data


COMPETENCY_GROUPS = (
    ("party_members", _("党员"), True),
    ("representatives", _("村民代表"), True),
    ("liaison", _("包村干部"), False),
    ("township", _("乡镇党委"), False),
)
COMPETENCY_FIELDS = (("competent", _("胜任")), ("basic", _("基本胜任")), ("incompetent", _("不胜任")))


class CompetencyForm(StyledForm):
    """WF-7 / R-ASMT-07: 胜任 / 基本胜任 / 不胜任 counts per rater group; only Party members and
    villagers' representatives count in the rate."""

    cadre = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    confirm_exit = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for group, group_label, _counts in COMPETENCY_GROUPS:
            for key, label in COMPETENCY_FIELDS:
                field = count_field(f"{group_label}·{label}")
                field.widget.attrs["class"] = "form-control form-control-sm text-end"
                self.fields[f"{group}-{key}"] = field

    def group_rows(self) -> list[tuple[str, bool, list[forms.BoundField]]]:
        return [
            (str(label), counts, [self[f"{group}-{key}"] for key, _l in COMPETENCY_FIELDS])
            for group, label, counts in COMPETENCY_GROUPS
        ]

    def tallies(self) -> dict[str, tuple[int, int, int]]:
        out = {}
        for group, _label, _counts in COMPETENCY_GROUPS:
            c = tuple(self.cleaned_data.get(f"{group}-{key}") or 0 for key, _l in COMPETENCY_FIELDS)
            if any(c):
                out[group] = (c[0], c[1], c[2])
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            t = self.tallies()
            if not (t.get("party_members") or t.get("representatives")):
                raise forms.ValidationError(_("请录入党员或村民代表的测评票数(胜任率只按这两类计算)"))
        return data


class PledgeForm(StyledForm):
    """一诺双评 (R-ASMT-08): 2–5 pledge items; the service checks the count against policy."""

    item_1 = forms.CharField(label=_("承诺 1"), max_length=200, required=False)
    item_2 = forms.CharField(label=_("承诺 2"), max_length=200, required=False)
    item_3 = forms.CharField(label=_("承诺 3"), max_length=200, required=False)
    item_4 = forms.CharField(label=_("承诺 4"), max_length=200, required=False)
    item_5 = forms.CharField(label=_("承诺 5"), max_length=200, required=False)

    def items(self) -> list[str]:
        return [self.cleaned_data.get(f"item_{i}") or "" for i in range(1, 6)]

    @staticmethod
    def initial_for(items: list[str]) -> dict[str, str]:
        return {f"item_{i}": text for i, text in enumerate(items[:5], start=1)}


class ReportForm(StyledForm):
    report = forms.CharField(
        label=_("报告内容"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写报告内容")},
    )


class ReasonForm(StyledForm):
    cadre = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("说明"),
        max_length=300,
        min_length=2,
        error_messages={"required": _("请填写说明"), "min_length": _("请写清说明")},
    )


class PledgeReviewForm(StyledForm):
    """Dual review (一诺双评): democratic and organisational scores, 0–100."""

    cadre = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    democratic_score = score_field(_("群众评议"))
    organisational_score = score_field(_("组织评议"))


class TargetForm(StyledForm):
    """R-ASMT-06: a secretary's annual goals, one per line."""

    items = forms.CharField(
        label=_("年度工作目标"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一项目标,如:村集体经济收入达到 10 万元"),
        error_messages={"required": _("请至少填写一项目标")},
    )

    def lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class TargetAssessForm(StyledForm):
    cadre = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    result_score = score_field(_("年终核查得分"))


PIONEER_LABELS = {
    "study": _("理论学习"),
    "organisational_life": _("组织生活(三会一课、主题党日)"),
    "duties": _("党费、承诺践诺与评议"),
    "service": _("服务群众"),
    "governance": _("参与治理"),
    "urgent_tasks": _("急难险重任务"),
    "bonus": _("加分"),
    "penalty": _("扣分"),
}


PIONEER_SHORT = {
    "study": _("理论学习"),
    "organisational_life": _("组织生活"),
    "duties": _("党费承诺评议"),
    "service": _("服务群众"),
    "governance": _("参与治理"),
    "urgent_tasks": _("急难险重"),
    "bonus": _("加分"),
    "penalty": _("扣分"),
}


class PioneerForm(StyledForm):
    """R-PTY-01/02: one entry of a Party member's points."""

    cadre = forms.TypedChoiceField(label=_("党员"), coerce=int, error_messages={"required": _("请选择党员")})
    day = forms.DateField(
        label=_("日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请输入有效的日期,如 2026-03-01"), "required": _("请填写日期")},
    )
    item = forms.ChoiceField(label=_("项目"), choices=list(PIONEER_LABELS.items()))
    points = forms.DecimalField(
        label=_("分值"),
        min_value=Decimal(-20),
        max_value=Decimal(20),
        max_digits=5,
        decimal_places=2,
        help_text=_("扣分填负数,其他项目填正数"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "invalid": _("请输入数字"),
            "required": _("请填写分值"),
            "min_value": _("单次分值在 −20 至 20 之间"),
            "max_value": _("单次分值在 −20 至 20 之间"),
        },
    )
    evidence = forms.CharField(label=_("依据"), max_length=300, required=False, help_text=_("如:参加 3 月主题党日"))

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        if day.year != self.year:
            raise forms.ValidationError(_("日期须在 %(y)s 年内") % {"y": self.year})
        return day


class StarForm(StyledForm):
    """R-PTY-03: a village Party organisation's yearly score and innovation project."""

    village = forms.CharField(max_length=12, widget=forms.HiddenInput)
    score = score_field(_("得分"))
    innovation = forms.BooleanField(label=_("有创新项目"), required=False)


class DistributionForm(forms.Form):
    """Which grades the distribution counts: the annual assessment or one quarter."""

    basis = forms.ChoiceField(
        label=_("口径"),
        required=False,
        choices=[
            ("year", _("年度考核")),
            ("1", _("第一季度")),
            ("2", _("第二季度")),
            ("3", _("第三季度")),
            ("4", _("第四季度")),
        ],
        widget=forms.Select(attrs={"class": "form-select form-select-sm", "data-autosubmit": "1"}),
    )

    def quarter(self) -> int | None:
        value = self.cleaned_data.get("basis") if self.is_valid() else None
        return int(value) if value and value.isdigit() else None
