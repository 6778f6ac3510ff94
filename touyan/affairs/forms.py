"""Forms of the village-affairs pages (labels in Chinese; the services do the checking)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from touyan.core.forms import IsoDateInput

from .models import Decision, SupervisionRecord

DATE = IsoDateInput(attrs={"class": "form-control"})


def _bootstrap(form: forms.Form) -> None:
    for f in form.fields.values():
        widget = f.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class VillageChoice(Styled):
    village = forms.ChoiceField(label=_("村(社区)"))

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = villages  # type: ignore[attr-defined]
        if len(villages) == 1:
            self.fields["village"].initial = villages[0][0]


class DecisionForm(VillageChoice):
    title = forms.CharField(label=_("事项名称"), max_length=120)
    category = forms.ChoiceField(label=_("事项类别"), choices=Decision.Category.choices)
    amount = forms.DecimalField(label=_("涉及金额(元)"), required=False, min_value=0, max_digits=14, decimal_places=2)


class StepForm(Styled):
    step = forms.IntegerField(widget=forms.HiddenInput)
    date = forms.DateField(label=_("会议(公开)日期"), widget=DATE, initial=dt.date.today)
    due = forms.IntegerField(label=_("应到人数"), min_value=0, required=False, initial=0)
    present = forms.IntegerField(label=_("实到人数"), min_value=0, required=False, initial=0)
    yes = forms.IntegerField(label=_("赞成"), min_value=0, required=False, initial=0)
    no = forms.IntegerField(label=_("反对"), min_value=0, required=False, initial=0)
    kind = forms.ChoiceField(
        label=_("会议类型"),
        required=False,
        choices=[("representatives", _("村民代表会议")), ("assembly", _("村民会议"))],
    )
    households_due = forms.IntegerField(label=_("应到户数(村民会议按户计时)"), min_value=0, required=False)
    households_present = forms.IntegerField(label=_("到会户数"), min_value=0, required=False)
    supervisors_present = forms.IntegerField(label=_("监委会到场人数"), min_value=0, required=False)
    township_present = forms.BooleanField(label=_("乡镇派员参加"), required=False)
    merge_1_2 = forms.BooleanField(label=_("一肩挑村:提议与两委会商议合并"), required=False)
    sc_signed = forms.BooleanField(label=_("监委会成员到场监督并已在记录上签字"), required=False, initial=True)
    note = forms.CharField(label=_("会议纪要 / 公开内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(Styled):
    reason = forms.CharField(label=_("原因"), max_length=300)


class SpendForm(VillageChoice):
    amount = forms.DecimalField(label=_("金额(元)"), min_value=0, max_digits=14, decimal_places=2)
    purpose = forms.CharField(label=_("用途(附有效票据)"), max_length=200)
    payee = forms.CharField(label=_("收款方"), max_length=100)
    is_works = forms.BooleanField(label=_("工程项目"), required=False)
    decision = forms.IntegerField(label=_("四议两公开事项编号(内部序号)"), required=False)


class SignForm(Styled):
    approve = forms.ChoiceField(label=_("意见"), choices=[("1", _("同意")), ("0", _("不同意(拒签)"))])
    reason = forms.CharField(label=_("说明"), required=False, max_length=300)


class ItemForm(VillageChoice):
    item = forms.ChoiceField(label=_("公开目录事项"))
    period = forms.CharField(label=_("期间"), max_length=12, help_text=_("如 2026-Q1、2026-03、2026-H1、2026"))
    title = forms.CharField(label=_("标题"), max_length=120)
    body = forms.CharField(label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, catalogue: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = catalogue  # type: ignore[attr-defined]


class ReplyForm(Styled):
    reply = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class IncomeImportForm(Styled):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("表格文件(.xlsx)"))


class SupervisionForm(Styled):
    kind = forms.ChoiceField(label=_("类型"), choices=SupervisionRecord.Kind.choices)
    date = forms.DateField(label=_("日期"), widget=DATE, initial=dt.date.today)
    subject = forms.CharField(label=_("事由"), max_length=200)
    findings = forms.CharField(label=_("情况及发现问题"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(label=_("整改要求及落实"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
