"""Forms of the development pages (Chinese labels; the services check the rest)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from touyan.cadres.models import PostCode

from .models import Certificate, Kind, Level, Reserve, Secondment

DATE = forms.DateInput(attrs={"type": "date"})


class EventForm(forms.Form):
    title = forms.CharField(label=_("培训名称"), max_length=120)
    level = forms.ChoiceField(label=_("层级"), choices=Level.choices)
    kind = forms.ChoiceField(label=_("类别"), choices=Kind.choices)
    start_date = forms.DateField(label=_("开始日期"), widget=DATE)
    end_date = forms.DateField(label=_("结束日期"), widget=DATE)
    days = forms.DecimalField(label=_("天数"), min_value=0, max_digits=5, decimal_places=1)
    hours = forms.DecimalField(
        label=_("学时(不填按每天8学时)"), min_value=0, max_digits=6, decimal_places=2, required=False
    )
    minutes = forms.IntegerField(label=_("网络课程时长(分钟)"), min_value=0, required=False)
    topic = forms.CharField(label=_("主题"), max_length=200, required=False)
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    courses = forms.CharField(label=_("课程"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ResultForm(forms.Form):
    cadre = forms.IntegerField(widget=forms.HiddenInput)
    passed = forms.TypedChoiceField(
        label=_("考核"),
        choices=[("", _("未考核")), ("1", _("合格")), ("0", _("不合格"))],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )
    result = forms.CharField(label=_("成绩/结果"), max_length=200, required=False)


class FeedbackForm(forms.Form):
    text = forms.CharField(label=_("学习体会/学习报告"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)
    report = forms.BooleanField(label=_("作为学习报告提交"), required=False)


class CertificateForm(forms.Form):
    cadre = forms.IntegerField(label=_("干部编号"))
    kind = forms.ChoiceField(label=_("证书类别"), choices=Certificate.CertKind.choices)
    number = forms.CharField(label=_("证书编号"), max_length=60)
    issued_on = forms.DateField(label=_("发证日期"), widget=DATE)
    expires_on = forms.DateField(label=_("有效期至"), widget=DATE, required=False)


class ReserveForm(forms.Form):
    cadre = forms.IntegerField(label=_("干部编号(先以“后备干部”建档)"))
    village = forms.CharField(label=_("村(社区)代码"), max_length=12)
    target_post = forms.ChoiceField(
        label=_("后备岗位"), choices=[c for c in PostCode.choices if c[0] != "RSV"], initial="PS"
    )
    source = forms.ChoiceField(label=_("来源"), choices=Reserve.Source.choices)
    since = forms.DateField(label=_("纳入后备日期"), widget=DATE)


class SecondmentForm(forms.Form):
    cadre = forms.IntegerField(label=_("干部编号"))
    host = forms.CharField(label=_("挂职单位"), max_length=120)
    host_level = forms.ChoiceField(label=_("挂职层级"), choices=Secondment.HostLevel.choices)
    post_title = forms.CharField(label=_("挂任职务"), max_length=60, required=False)
    start_date = forms.DateField(label=_("开始日期"), widget=DATE)
    end_date = forms.DateField(label=_("结束日期"), widget=DATE)


class RollImportForm(forms.Form):
    file = forms.FileField(
        label=_("点名册文件"),
        help_text=_("用下载的模板填写,保存为 .xlsx;不超过 2 MB、2000 行"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": _("请选择要导入的文件")},
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 文件(旧版 .xls 请先另存为 .xlsx)"))
        return upload
