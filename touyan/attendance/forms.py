"""Forms of the attendance pages, and the reader of the presence import file (XLSX or CSV).

The import file's columns: 干部编号 (the cadre's number in Touyan) or 身份证号 (the full ID
number, matched by its keyed hash; the last four digits are not enough to tell people apart),
姓名 (optional, checked against the number), 日期 and 类别 (在岗 / 公出). Messages never quote an
ID number: the row number says which one (R-DATA-03).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from touyan.core import idnumber
from touyan.core.forms import StyledForm
from touyan.core.sheets import xlsx_unpacked_size

from . import rules
from .models import Presence

DATE_WIDGET = {"type": "date"}
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
MAX_IMPORT_UNPACKED = 64 * 1024 * 1024  # bytes the .xlsx's parts may unpack to
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ABSENT = "absent"
MARKS = [
    (Presence.Kind.PRESENT, gettext_lazy("在岗")),
    (Presence.Kind.OFFICIAL, gettext_lazy("公出")),
    (ABSENT, gettext_lazy("未到")),
]


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        error_messages={
            "invalid": gettext_lazy("请输入有效的日期,如 2026-03-02"),
            "required": gettext_lazy("请填写日期"),
        },
        **kwargs,
    )


class DutyMarkForm(forms.Form):
    """One line of the duty book: a cadre and how they were found today."""

    cadre = forms.IntegerField(widget=forms.HiddenInput)
    mark = forms.ChoiceField(choices=MARKS, widget=forms.RadioSelect(attrs={"class": "btn-check"}), initial=ABSENT)


DutyBookFormSet = forms.formset_factory(DutyMarkForm, extra=0, max_num=200, validate_max=True)


class CorrectionForm(StyledForm):
    correction_reason = forms.CharField(
        label=gettext_lazy("更正事由"),
        max_length=200,
        help_text=gettext_lazy("该月考勤已锁定,补登须写明事由,记入审计日志"),
    )


class LeaveForm(StyledForm):
    cadre = forms.TypedChoiceField(label=gettext_lazy("请假干部"), coerce=int, empty_value=None)
    start_date = _date_field(gettext_lazy("开始日期"))
    end_date = _date_field(gettext_lazy("结束日期"), help_text=gettext_lazy("含当天;只请一天时与开始日期相同"))
    reason = forms.CharField(
        label=gettext_lazy("事由"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请填写请假事由")},
    )

    def __init__(self, *args: Any, cadre_choices: list[tuple[Any, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if cadre_choices is None:
            del self.fields["cadre"]  # a cadre asks for themself
        else:
            self.fields["cadre"].choices = [("", _("请选择")), *cadre_choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期"))
        return data


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(choices=[("approve", gettext_lazy("同意")), ("reject", gettext_lazy("驳回"))])
    note = forms.CharField(label=gettext_lazy("审批意见"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("驳回时请写明理由,申请人会看到"))
        return data


class ReturnForm(StyledForm):
    returned_on = _date_field(gettext_lazy("销假日期"), help_text=gettext_lazy("回到岗位的日期"))


class CalendarDayForm(StyledForm):
    day = _date_field(gettext_lazy("日期"))
    is_workday = forms.TypedChoiceField(
        label=gettext_lazy("这一天"),
        choices=[("1", gettext_lazy("工作日(上班)")), ("0", gettext_lazy("休息日(放假)"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(
        label=gettext_lazy("说明"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("如:春节、国庆节调休上班;依据国务院办公厅通知"),
    )


class BlockedPeriodForm(StyledForm):
    region = forms.ChoiceField(label=gettext_lazy("适用区域"))
    start_date = _date_field(gettext_lazy("开始日期"))
    end_date = _date_field(gettext_lazy("结束日期"))
    reason = forms.CharField(
        label=gettext_lazy("原因"),
        max_length=100,
        help_text=gettext_lazy("如:防汛期、森林防火期"),
        error_messages={"required": gettext_lazy("请填写原因")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期"))
        return data


class SignInForm(forms.Form):
    """The sign-in button's hidden position (A4): filled by the browser where location is on.
    Anything missing or malformed is dropped (`position` is None): location never blocks a sign-in."""

    latitude = forms.DecimalField(required=False, min_value=-90, max_value=90)
    longitude = forms.DecimalField(required=False, min_value=-180, max_value=180)

    @property
    def position(self) -> tuple[Any, Any] | None:
        if not self.is_valid():
            return None
        lat, lng = self.cleaned_data["latitude"], self.cleaned_data["longitude"]
        return (lat, lng) if lat is not None and lng is not None else None


RADIUS_RANGE = gettext_lazy("半径须在 50 到 5000 米之间")


class FenceForm(StyledForm):
    """A village's location fence (A4): the centre in decimal degrees (more than six places are
    rounded by `fence_set`) and a radius in metres."""

    latitude = forms.DecimalField(
        label=gettext_lazy("中心纬度"),
        help_text=gettext_lazy("北纬,小数度,如 25.091800"),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.DecimalField(
        label=gettext_lazy("中心经度"),
        help_text=gettext_lazy("东经,小数度,如 104.895400"),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    radius_m = forms.IntegerField(
        label=gettext_lazy("半径(米)"),
        min_value=rules.FENCE_RADIUS_MIN,
        max_value=rules.FENCE_RADIUS_MAX,
        initial=rules.FENCE_RADIUS_DEFAULT,
        error_messages={"min_value": RADIUS_RANGE, "max_value": RADIUS_RANGE},
        help_text=gettext_lazy("50 到 5000 米;以村委会为中心,盖住村民居住和干部办公的范围"),
        widget=forms.NumberInput(attrs={"step": "10", "inputmode": "numeric"}),
    )

    def clean(self) -> dict[str, Any]:
        """The centre's range (`rules.fence_errors`, checked again by `fence_set`) beside its fields
        together with any other error, so one try shows every problem."""
        data = super().clean() or {}
        lat, lng = data.get("latitude"), data.get("longitude")
        if lat is not None and lng is not None:
            for name, message in rules.fence_errors(lat, lng, rules.FENCE_RADIUS_DEFAULT).items():
                self.add_error(name, message)
        return data


# --- The presence import file ---

HEADERS = {
    "cadre": ("干部编号", "编号", "cadre", "cadre_id"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "id_number"),
    "name": ("姓名", "name"),
    "day": ("日期", "在岗日期", "date"),
    "kind": ("类别", "类型", "kind"),
}
KINDS = {
    "": Presence.Kind.PRESENT,
    "在岗": Presence.Kind.PRESENT,
    "签到": Presence.Kind.PRESENT,
    "值班": Presence.Kind.PRESENT,
    "present": Presence.Kind.PRESENT,
    "公出": Presence.Kind.OFFICIAL,
    "培训": Presence.Kind.OFFICIAL,
    "挂职": Presence.Kind.OFFICIAL,
    "公出(含培训、挂职)": Presence.Kind.OFFICIAL,
    "official_business": Presence.Kind.OFFICIAL,
}
DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass(frozen=True)
class RawRow:
    """One data row of the file, read but not yet matched to a cadre."""

    line: int  # the row number the user sees in Excel
    cadre_id: int | None
    id_number: str  # normalised; "" when the row gives the cadre number instead
    name: str
    day: dt.date
    kind: str


@dataclass
class ParsedFile:
    rows: list[RawRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header(value: Any) -> str:
    return _text(value).replace("*", "").replace(" ", "")


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and 20000 < value < 80000:  # an Excel serial date in a text cell
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    text = _text(value)
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = DATE_TEXT.match(text)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _table(upload: Any) -> list[list[Any]]:
    """The first sheet's cells (XLSX) or the file's lines (CSV, UTF-8 or GB18030 as Excel saves it)."""
    name = upload.name.lower()
    raw = upload.read()
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise forms.ValidationError(_("无法识别文件编码,请另存为 UTF-8 的 CSV 或 .xlsx"))
        return [list(r) for r in csv.reader(io.StringIO(text))][: MAX_IMPORT_ROWS + 2]
    from openpyxl import load_workbook

    if xlsx_unpacked_size(raw) > MAX_IMPORT_UNPACKED:  # a zip bomb: openpyxl reads the strings whole
        raise forms.ValidationError(_("文件内容过大,请分批导入(每次不超过 %(n)s 行)") % {"n": MAX_IMPORT_ROWS})
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:
        raise forms.ValidationError(_("无法读取该文件,请用下载的模板另存为 .xlsx 后再上传")) from exc
    sheet = book.worksheets[0]
    rows = [list(r) for _i, r in zip(range(MAX_IMPORT_ROWS + 2), sheet.iter_rows(values_only=True), strict=False)]
    book.close()
    return rows


def parse_presence_file(upload: Any) -> ParsedFile:
    """Read every row; collect each row's problems (nothing is matched or written here)."""
    table = _table(upload)
    parsed = ParsedFile()
    header_at = next((i for i, r in enumerate(table[:10]) if any(_header(c) in HEADERS["day"] for c in r)), None)
    if header_at is None:
        raise forms.ValidationError(_("找不到表头:第一行应有“干部编号”或“身份证号”,以及“日期”列"))
    columns: dict[str, int] = {}
    for index, value in enumerate(table[header_at]):
        text = _header(value)
        for key, names in HEADERS.items():
            if text in names and key not in columns:
                columns[key] = index
    if "cadre" not in columns and "id_number" not in columns:
        raise forms.ValidationError(_("表头中应有“干部编号”或“身份证号”列"))
    data = table[header_at + 1 :]
    if len(data) > MAX_IMPORT_ROWS:
        raise forms.ValidationError(_("一次最多导入 %(n)s 行,请分批导入") % {"n": MAX_IMPORT_ROWS})

    def cell(row: list[Any], key: str) -> Any:
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else None

    for offset, row in enumerate(data):
        line = header_at + 2 + offset
        if not any(_text(c) for c in row):
            continue
        problems: list[str] = []
        cadre_text, number = _text(cell(row, "cadre")), idnumber.normalize(_text(cell(row, "id_number")))
        cadre_id: int | None = None
        if cadre_text:
            if cadre_text.isdigit():
                cadre_id = int(cadre_text)
            else:
                problems.append(_("干部编号应为数字"))
        elif number:
            try:
                idnumber.parse_id(number)
            except idnumber.BadIdNumber as exc:
                problems.append(str(exc))
        else:
            problems.append(_("请填写干部编号或完整的身份证号"))
        day = _day(cell(row, "day"))
        if day is None:
            problems.append(_("日期无效,请写成 2026-03-02"))
        kind_text = _text(cell(row, "kind"))
        kind = KINDS.get(kind_text)
        if kind is None:
            problems.append(_("类别应为“在岗”或“公出”"))
        if problems:
            parsed.errors += [(line, p) for p in problems]
            continue
        assert day is not None and kind is not None
        parsed.rows.append(RawRow(line, cadre_id, "" if cadre_id else number, _text(cell(row, "name")), day, kind))
    if not parsed.rows and not parsed.errors:
        raise forms.ValidationError(_("文件中没有数据行"))
    return parsed


class PresenceImportForm(StyledForm):
    file = forms.FileField(
        label=gettext_lazy("在岗记录文件"),
        help_text=gettext_lazy("用下载的模板填写,保存为 .xlsx 或 .csv;不超过 5 MB、20000 行"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv," + XLSX + ",text/csv"}),
        error_messages={"required": gettext_lazy("请选择要导入的文件")},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("请上传 .xlsx 或 .csv 文件(旧版 .xls 请先另存为 .xlsx)"))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件超过 5 MB,请分批导入"))
        self.parsed = parse_presence_file(upload)
        return upload
