"""Forms of the payroll pages: opening a run, approval steps, bank accounts, insurance,
rewards, honours, condolence payments and departure allowances. Validation of shape only;
the rules live in the services, whose errors are shown beside the fields."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from touyan.core.errors import InvalidInput
from touyan.core.forms import StyledForm

from .rules.benefits import ACCOUNT_KINDS, CARD, CONDOLENCE_KINDS, HONOUR_LEVELS, check_account, normalize_account

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.CharField):
    """`2026-03` (an <input type="month">) → the first day of that month."""

    widget = MonthInput(attrs={"placeholder": "2026-03"})

    def clean(self, value: Any) -> Any:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        match = MONTH_RE.match(text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
            raise forms.ValidationError(_("请按 2026-03 的格式填写月份"))
        return dt.date(int(match.group(1)), int(match.group(2)), 1)


def money_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        help_text=help_text,
        error_messages={
            "invalid": _("请填写金额(元),如 12000 或 12000.50"),
            "max_decimal_places": _("金额最多两位小数"),
            "min_value": _("金额不能为负数"),
        },
    )


class RunOpenForm(StyledForm):
    region = forms.ChoiceField(label=_("乡镇(街道)或县"))
    month = MonthField(label=_("月份"), help_text=_("该月考勤须已由乡镇锁定"))


class AdvanceForm(StyledForm):
    to = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("备注"), required=False, max_length=300)


class BankAccountForm(StyledForm):
    bank = forms.CharField(label=_("开户行"), max_length=60, help_text=_("如:农村信用社兴义支行"))
    account = forms.CharField(
        label=_("一卡通账号"),
        max_length=40,
        help_text=_("加密保存,页面只显示 6217****1234 形式;完整账号只出现在县财政下载的发放文件中"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    kind = forms.ChoiceField(
        label=_("账户类型"),
        choices=list(ACCOUNT_KINDS.items()),
        initial=CARD,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("银行卡为 16 至 19 位并校验卡号校验位;老式存折账号请选“存折”"),
    )

    def clean_account(self) -> str:
        try:
            return normalize_account(self.cleaned_data["account"])
        except InvalidInput as exc:
            raise forms.ValidationError(exc.errors["account"][0]) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["kind"] = data.get("kind") or CARD
        if data.get("account"):
            try:
                data["account"] = check_account(data["account"], data["kind"])
            except InvalidInput as exc:
                for key, messages in exc.errors.items():
                    self.add_error(key if key in self.fields else "account", messages[0])
        return data


class BankImportForm(StyledForm):
    file = forms.FileField(
        label=_("一卡通账号文件"),
        help_text=_("用下载的模板填写,保存为 .xlsx;不超过 5 MB、5000 行"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": _("请选择要导入的文件")},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 文件(旧版 .xls 请先另存为 .xlsx)"))
        return upload


class InsuranceForm(forms.Form):
    cadre = forms.IntegerField(widget=forms.HiddenInput)
    pension = forms.BooleanField(label=_("养老保险"), required=False)
    health_check = forms.BooleanField(label=_("健康体检"), required=False)
    accident = forms.BooleanField(label=_("意外伤害保险"), required=False)


class VillagePickForm(StyledForm):
    """Step one of the forms about a cadre: the village (the page then lists its cadres)."""

    village = forms.ChoiceField(label=_("村(社区)"))
    cadre = forms.TypedChoiceField(label=_("干部"), coerce=int, empty_value=None)


class RewardForm(StyledForm):
    village = forms.ChoiceField(label=_("村(社区)"))
    year = forms.IntegerField(
        label=_("年度"), min_value=2000, max_value=2100, help_text=_("经营收益增长的年度,奖励在下一个工资批次发放")
    )
    income = money_field(_("当年经营净收益(元)"), help_text=_("经营收入减经营支出,以实际收到的现金计"))
    previous_income = money_field(_("上年经营净收益(元)"))
    decision_ref = forms.CharField(
        label=_("四议两公开决议"), max_length=100, help_text=_("村级决议的文号或编号,如:栗坪村〔2026〕3号")
    )


class DecideForm(StyledForm):
    decision = forms.ChoiceField(choices=[("approve", _("批准")), ("reject", _("驳回"))], widget=forms.HiddenInput)
    note = forms.CharField(label=_("意见"), required=False, max_length=300)


class HonourForm(VillagePickForm):
    level = forms.ChoiceField(label=_("表彰级别"), choices=[(k, v[1]) for k, v in HONOUR_LEVELS.items()])
    title = forms.CharField(label=_("表彰名称"), max_length=120, help_text=_("如:2025 年度优秀村党组织书记"))


class CondolenceForm(VillagePickForm):
    kind = forms.ChoiceField(
        label=_("慰问类别"),
        choices=[(k, v[1]) for k, v in CONDOLENCE_KINDS.items()],
        help_text=_("只记录类别,不记录病情等健康信息"),
    )


class DepartureForm(VillagePickForm):
    criminal = forms.BooleanField(label=_("受过刑事处罚"), required=False)
    expelled = forms.BooleanField(label=_("被开除党籍或辞退"), required=False)
    public_employment = forms.BooleanField(label=_("离任后录用为公务员或事业单位人员"), required=False)
    pension_monthly = money_field(
        _("已领养老金(元/月)"), required=False, help_text=_("已领取养老金的只补差额;没有请留空")
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=300)


class DepartureAdvanceForm(StyledForm):
    to = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("意见"), required=False, max_length=300)
    stop_month = MonthField(label=_("停发月份"), required=False, help_text=_("从该月起不再发放,如去世的次月"))
