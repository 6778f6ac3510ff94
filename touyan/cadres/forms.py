"""Forms of the cadre pages: filters, a cadre's fields, a post, a reveal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from touyan.core import idnumber
from touyan.core.forms import IsoDateInput, StyledForm

from .models import Education, EndReason, Gender, Origin, PoliticalStatus, PostCode, Source

BLANK = [("", _("全部"))]
YES_NO = [("", _("全部")), ("true", _("是")), ("false", _("否"))]
AGE_BANDS = [
    ("", _("全部")),
    ("0-34", _("35 岁以下")),
    ("35-44", _("35–44 岁")),
    ("45-54", _("45–54 岁")),
    ("55-59", _("55–59 岁")),
    ("60-200", _("60 岁及以上")),
]
SORT_CHOICES = [
    ("village", _("按村(社区)")),
    ("name", _("按姓名")),
    ("age", _("年龄从小到大")),
    ("-age", _("年龄从大到小")),
    ("education", _("按学历")),
]
PAGE_SIZES = [("20", "20"), ("50", "50"), ("100", "100"), ("200", "200")]


class RosterFilterForm(StyledForm):
    q = forms.CharField(label=_("姓名或身份证后四位"), required=False, max_length=50)
    region = forms.ChoiceField(label=_("区域"), required=False)
    post = forms.ChoiceField(label=_("职务"), required=False, choices=BLANK + list(PostCode.choices))
    full_time = forms.ChoiceField(label=_("专职"), required=False, choices=YES_NO)
    professionalized = forms.ChoiceField(label=_("职业化"), required=False, choices=YES_NO)
    one_shoulder = forms.ChoiceField(label=_("一肩挑"), required=False, choices=YES_NO)
    age = forms.ChoiceField(label=_("年龄段"), required=False, choices=AGE_BANDS)
    education = forms.ChoiceField(label=_("学历"), required=False, choices=BLANK + list(Education.choices))
    origin = forms.ChoiceField(label=_("来源"), required=False, choices=BLANK + list(Origin.choices))
    political_status = forms.ChoiceField(
        label=_("政治面貌"), required=False, choices=BLANK + list(PoliticalStatus.choices)
    )
    gender = forms.ChoiceField(label=_("性别"), required=False, choices=BLANK + list(Gender.choices))
    in_office = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("true", _("在任")), ("false", _("已离任")), ("", _("全部"))]
    )
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_CHOICES)
    page_size = forms.ChoiceField(label=_("每页"), required=False, choices=PAGE_SIZES)


class PersonForm(StyledForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    ethnicity = forms.CharField(label=_("民族"), max_length=20, initial="汉族")
    phone = forms.CharField(
        label=_("手机号"), max_length=12, required=False, help_text=_("加密保存,列表中只显示 138****5678 形式")
    )
    political_status = forms.ChoiceField(label=_("政治面貌"), choices=PoliticalStatus.choices)
    party_join_date = forms.DateField(label=_("入党时间"), required=False, widget=IsoDateInput())
    education = forms.ChoiceField(label=_("学历"), choices=Education.choices)
    full_time_education = forms.BooleanField(label=_("全日制学历"), required=False)
    origin = forms.ChoiceField(label=_("来源"), choices=Origin.choices)


class NewPersonForm(PersonForm):
    id_number = forms.CharField(
        label=_("身份证号"), max_length=18, help_text=_("18 位,自动校验并计算性别和出生日期;加密保存")
    )
    village = forms.ChoiceField(label=_("所在村(社区)"))
    field_order = ["name", "id_number", "village"]

    def clean_id_number(self) -> str:
        """GB 11643 check at the form, so every field's error shows at once (R-DATA-03)."""
        try:
            return idnumber.parse_id(self.cleaned_data["id_number"]).number
        except idnumber.BadIdNumber as exc:
            raise forms.ValidationError(str(exc)) from exc


class PostForm(StyledForm):
    post = forms.ChoiceField(label=_("职务"), choices=PostCode.choices)
    start_date = forms.DateField(label=_("任职日期"), widget=IsoDateInput())
    term_year = forms.IntegerField(label=_("届次(选举年份)"), required=False, min_value=1980, max_value=2100)
    source = forms.ChoiceField(label=_("产生方式"), choices=Source.choices)
    full_time = forms.BooleanField(label=_("专职"), required=False)
    professionalized = forms.BooleanField(label=_("职业化(专业化)管理"), required=False)
    tier = forms.TypedChoiceField(
        label=_("专业化档次"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), ("1", _("一档")), ("2", _("二档")), ("3", _("三档"))],
    )


class EndPostForm(StyledForm):
    end_date = forms.DateField(label=_("离任日期"), widget=IsoDateInput())
    end_reason = forms.ChoiceField(label=_("离任原因"), choices=EndReason.choices)


class RevealForm(StyledForm):
    password = forms.CharField(label=_("您的登录密码"), widget=forms.PasswordInput)
    reason = forms.CharField(
        label=_("查看事由"), max_length=200, help_text=_("如:核对社保信息。每次查看都会记入审计日志。")
    )
