"""The roster spreadsheet (花名册): its template, reading a filled one, the import, the error report.

Owns the file format: Chinese column headers, the allowed values of coded columns (the Chinese
label or the API code), dates, yes/no cells. A row's cells become a `PersonIn`; every check of
the person is `validate_person` / `cadres_bulk_upsert` (R-DATA-03), whose errors are mapped back
to the spreadsheet's row number and column header. Nothing is written unless every row passes.
Messages never quote an ID number (they may be logged): the row number says which one.

Reading uses a small streaming reader over the sheet XML (zipfile + ElementTree iterparse)
instead of openpyxl's read-only mode, which took ≈30 s for 100,000 rows here (bench/RESULTS.md);
openpyxl writes the template.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any
from xml.etree import ElementTree as ET

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from touyan.accounts import rules as account_rules
from touyan.accounts.scope import require, scope_filter
from touyan.core import idnumber
from touyan.core.errors import InvalidInput
from touyan.core.sheets import openpyxl_text_only, xlsx_workbook
from touyan.regions import rules as region_rules
from touyan.regions.models import Region

from .bulk import BulkReport, cadres_bulk_check, cadres_bulk_upsert
from .models import Education, Origin, PoliticalStatus, PostCode, Source
from .services import PersonIn, PostIn

SHEET = "花名册"
GUIDE_SHEET = "填写说明"
VILLAGE_SHEET = "村(社区)代码"
MAX_ROWS = 200_000
MAX_UNPACKED = 400 * 1024 * 1024  # bytes of sheet XML: refuses zip bombs
# The shared strings are read whole (the sheet is streamed), so they have their own, smaller cap: a
# full roster of MAX_ROWS people needs ≈ 20 MB and ≈ 3 distinct texts a row (names, ID and phone
# numbers). A 657 KB upload unpacking to 650 MB of strings took a server from 257 to 836 MB.
MAX_SHARED_BYTES = 32 * 1024 * 1024
MAX_SHARED_COUNT = 4 * MAX_ROWS
HEADER_SCAN = 10
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    help: str = ""
    width: int = 12
    text: bool = False  # typed as text in the template (long digit strings)


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, "不超过 50 个字", 10),
    Column("id_number", "身份证号", True, "18 位;本列为文本格式,请勿改成数字(会丢失末尾几位)", 22, text=True),
    Column("ethnicity", "民族", False, "如 汉族、布依族、苗族;不填默认汉族", 10),
    Column("phone", "手机号", False, "7–12 位数字;不填则保留系统中原有号码", 14, text=True),
    Column("political_status", "政治面貌", True, "", 12),
    Column("party_join_date", "入党时间", False, "党员填写,如 2010-07-01", 12),
    Column("education", "学历", True, "", 12),
    Column("full_time_education", "全日制", False, "是/否,不填为否", 8),
    Column("origin", "来源", False, "不填为其他", 14),
    Column("village", "村(社区)代码", True, "12 位行政区划代码,见「村(社区)代码」表", 15, text=True),
    Column("posts", "职务", False, "可填多个,用、分隔,如 党组织书记、村(居)委会主任 或 PS、VD", 28),
    Column("start_date", "任职日期", False, "填写了职务时必填,如 2021-04-01;本行的职务共用", 12),
    Column("full_time", "专职", False, "是/否,不填为否", 8),
    Column("professionalized", "职业化", False, "是/否(职业化管理),不填为否", 8),
    Column("tier", "专业化档次", False, "1、2、3(一档、二档、三档),只用于职业化管理的干部", 10),
    Column("term_year", "届次", False, "选举年份,如 2021", 8),
)
BY_KEY = {c.key: c for c in COLUMNS}
HEADER_ALIASES = {
    "村(社区)区划代码": "village", "村代码": "village", "村(居)代码": "village", "区划代码": "village",
    "手机": "phone", "联系电话": "phone", "公民身份号码": "id_number", "身份证号码": "id_number",
    "职业化管理": "professionalized", "档次": "tier", "届次(选举年份)": "term_year",
}  # fmt: skip
# Errors of bulk checks (`rows.<i>.<field>`) -> column.
FIELD_COLUMN = {
    "name": "name", "id_number": "id_number", "ethnicity": "ethnicity", "phone": "phone",
    "political_status": "political_status", "party_join_date": "party_join_date", "education": "education",
    "full_time_education": "full_time_education", "origin": "origin", "village": "village",
}  # fmt: skip
POST_FIELD_COLUMN = {
    "post": "posts", "start_date": "start_date", "end_date": "start_date", "full_time": "full_time",
    "professionalized": "professionalized", "tier": "tier", "term_year": "term_year", "source": "posts",
    "end_reason": "posts",
}  # fmt: skip
YES = {"是", "y", "yes", "true", "1", "√", "全日制"}
NO = {"否", "n", "no", "false", "0", "×", "非全日制", ""}
TIERS = {"1": 1, "2": 2, "3": 3, "一": 1, "二": 2, "三": 3}
POST_SPLIT = re.compile(r"[、,，;；/\s]+")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "political_status": {"党员": PoliticalStatus.PARTY_MEMBER, "预备党员": PoliticalStatus.PROBATIONARY},
    "education": {"硕士": Education.MASTER, "博士": Education.DOCTOR, "研究生": Education.MASTER},
    "posts": {"书记": PostCode.PS, "主任": PostCode.VD, "村委会主任": PostCode.VD, "居委会主任": PostCode.VD},
}
CHOICES: dict[str, Any] = {
    "political_status": PoliticalStatus,
    "education": Education,
    "origin": Origin,
    "posts": PostCode,
}


@dataclass(frozen=True)
class RowError:
    """One problem: spreadsheet row number (1 = the first row), Chinese column header, message."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class RosterInvalid(InvalidInput):
    """The file has errors; `rows` lists them by spreadsheet row and column. Nothing was written."""

    def __init__(self, rows: list[RowError]) -> None:
        self.rows = sorted(set(rows), key=lambda e: (e.row, _column_order(e.column), e.message))
        errors: dict[str, list[str]] = defaultdict(list)
        for e in self.rows:
            errors[f"rows.{e.row}.{e.column or '-'}"].append(e.message)
        super().__init__(
            _("花名册有 %(n)d 处错误,未导入任何数据;请按错误报告修改后重新导入") % {"n": len(self.rows)},
            errors=errors,
        )


def _column_order(header: str) -> int:
    for i, c in enumerate(COLUMNS):
        if c.header == header:
            return i
    return -1


def _file_error(message: str) -> InvalidInput:
    return InvalidInput(errors={"file": [message]})


# --- reading the workbook -------------------------------------------------------------------

NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
REL_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# Built-in number formats that show a date (ECMA-376 18.8.30 and the CJK locale formats 27–36, 50–58).
DATE_FORMAT_IDS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})


def _tags(name: str) -> frozenset[str]:
    return frozenset(f"{{{ns}}}{name}" for ns in NAMESPACES)


C_TAGS, ROW_TAGS, V_TAGS, T_TAGS, IS_TAGS, SI_TAGS = (_tags(n) for n in ("c", "row", "v", "t", "is", "si"))
R_TAGS, RPH_TAGS, XF_TAGS, NUMFMT_TAGS, CELLXFS_TAGS = (_tags(n) for n in ("r", "rPh", "xf", "numFmt", "cellXfs"))
DIMENSION_TAGS = _tags("dimension")
PREFIXED_ROOT = re.compile(r"<\w+:worksheet\b")
ROW_NUMBER_RE = re.compile(r'\br="(\d+)"')
SST_RE = re.compile(r'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>')
CELL_RE = re.compile(
    r'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?\s*'
    r'(?:/>|>(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)'
)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _rich_text(el: ET.Element) -> str:
    """Text of an <si> or <is>: its <t>, or its runs' <t>, never the phonetic <rPh> runs."""
    parts = []
    for child in el:
        if child.tag in T_TAGS:
            parts.append(child.text or "")
        elif child.tag in R_TAGS:
            parts.extend(t.text or "" for t in child if t.tag in T_TAGS)
    return "".join(parts)


class _Workbook:
    """The parts of an .xlsx a roster needs: shared strings, which styles are dates, one sheet."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        names = set(zf.namelist())
        book = self._part_from_rels("_rels/.rels", "officeDocument") or "xl/workbook.xml"
        self.base = PurePosixPath(book).parent
        sheets = self._sheets(book)
        if not sheets:
            raise KeyError("no worksheet")
        self.sheet_path = next((path for name, path in sheets if name == SHEET), sheets[0][1])
        strings = str(self.base / "sharedStrings.xml")
        styles = str(self.base / "styles.xml")
        self.strings = self._shared_strings(strings) if strings in names else []
        self.date_styles = self._date_styles(styles) if styles in names else frozenset()
        self.columns: dict[str, int] = {}  # column letters -> index
        self.date_style_texts = frozenset(str(i) for i in self.date_styles)
        self.dates_seen: dict[str, Any] = {}

    def _resolve(self, source: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        parts: list[str] = []
        for part in (PurePosixPath(source).parent / target).parts:
            if part == "..":
                if parts:
                    parts.pop()
            elif part != ".":
                parts.append(part)
        return "/".join(parts)

    def _rels(self, rels_path: str) -> dict[str, tuple[str, str]]:
        root = ET.fromstring(self.zf.read(rels_path))  # noqa: S314 (expat limits entity expansion)
        return {r.get("Id", ""): (r.get("Type", ""), r.get("Target", "")) for r in root.iter(PKG_REL)}

    def _part_from_rels(self, rels_path: str, kind: str) -> str | None:
        if rels_path not in self.zf.namelist():
            return None
        for rel_type, target in self._rels(rels_path).values():
            if rel_type.endswith("/" + kind):
                return self._resolve("", target)
        return None

    def _sheets(self, book: str) -> list[tuple[str, str]]:
        root = ET.fromstring(self.zf.read(book))  # noqa: S314
        rels_path = str(PurePosixPath(book).parent / "_rels" / (PurePosixPath(book).name + ".rels"))
        rels = self._rels(rels_path)
        sheets = []
        for el in root.iter():
            if _local(el.tag) != "sheet":
                continue
            rid = next((el.get(f"{{{ns}}}id") for ns in REL_NS if el.get(f"{{{ns}}}id")), None)
            if rid in rels:
                sheets.append((el.get("name", ""), self._resolve(book, rels[rid][1])))
        return sheets

    def _shared_strings(self, path: str) -> list[str]:
        """The shared strings; plain ones by a regular expression, the rest (rich text, phonetic
        runs, entities) through ElementTree."""
        if self.zf.getinfo(path).file_size > MAX_SHARED_BYTES:
            raise _file_error(_("文件中的文字内容过多,请分批导入(每次不超过 %(n)d 行)") % {"n": MAX_ROWS})
        text = self.zf.read(path).decode("utf-8")
        if text.count("<si") > MAX_SHARED_COUNT:
            raise _file_error(_("文件中的文字内容过多,请分批导入(每次不超过 %(n)d 行)") % {"n": MAX_ROWS})
        plain = SST_RE.findall(text)
        if len(plain) == text.count("<si>") + text.count("<si "):
            return [html.unescape(x) if "&" in x else x for x in plain]
        strings: list[str] = []
        with self.zf.open(path) as fh:
            for _event, el in ET.iterparse(fh, events=("end",)):  # noqa: S314
                if el.tag in SI_TAGS:
                    strings.append(_rich_text(el))
                    el.clear()
        return strings

    def _date_styles(self, path: str) -> frozenset[int]:
        root = ET.fromstring(self.zf.read(path))  # noqa: S314
        custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in root.iter() if f.tag in NUMFMT_TAGS}
        xfs = next((el for el in root if el.tag in CELLXFS_TAGS), None)
        dates = set()
        for index, xf in enumerate(x for x in (xfs if xfs is not None else []) if x.tag in XF_TAGS):
            fmt = int(xf.get("numFmtId", "0"))
            if fmt in DATE_FORMAT_IDS or (fmt in custom and is_date_format(custom[fmt])):
                dates.add(index)
        return frozenset(dates)

    def total_rows(self) -> int:
        """Rows the sheet says it has (its <dimension>), 0 if it does not say."""
        with self.zf.open(self.sheet_path) as fh:
            for _event, el in ET.iterparse(fh, events=("start",)):  # noqa: S314
                if el.tag in DIMENSION_TAGS:
                    match = re.search(r"(\d+)$", el.get("ref", ""))
                    return int(match.group(1)) if match else 0
                if el.tag in ROW_TAGS:
                    return 0
        return 0

    def rows(self) -> Iterator[tuple[int, dict[int, Any]]]:
        """(row number, {column index: value}) for each row with cells, in order.

        Rows as Excel, WPS, LibreOffice, openpyxl and XlsxWriter write them (`<c r= s= t=>` with a
        `<v>` or a plain inline string) are read with regular expressions, ≈6× faster than building
        elements; any other row (formulas, rich text, …) and any prefixed document go through
        ElementTree."""
        if self.zf.getinfo(self.sheet_path).file_size > MAX_UNPACKED:
            raise _file_error(_("文件过大,请分批导入(每次不超过 %(n)d 行)") % {"n": MAX_ROWS})
        with self.zf.open(self.sheet_path) as fh:
            head = fh.read(4096).decode("utf-8", "ignore")
        rows = self._rows_elementtree() if PREFIXED_ROOT.search(head) else self._rows_fast()
        yield from rows

    def _rows_fast(self) -> Iterator[tuple[int, dict[int, Any]]]:
        decoder = codecs.getincrementaldecoder("utf-8")()
        row_number = 0
        buffer = ""
        with self.zf.open(self.sheet_path) as fh:
            while True:
                chunk = fh.read(1 << 20)
                buffer += decoder.decode(chunk, final=not chunk)
                pos = 0
                while (start := buffer.find("<row", pos)) >= 0:
                    head_end = buffer.find(">", start)
                    if head_end < 0:
                        break
                    if buffer[head_end - 1] == "/":  # <row …/>: no cells
                        body, pos = "", head_end + 1
                    else:
                        end = buffer.find("</row>", head_end)
                        if end < 0:
                            break
                        body, pos = buffer[head_end + 1 : end], end + 6
                    number = ROW_NUMBER_RE.search(buffer, start, head_end)
                    row_number = int(number.group(1)) if number else row_number + 1
                    cells = self._cells_fast(body) if body else {}
                    if cells:
                        yield row_number, cells
                buffer = buffer[pos:]
                if not chunk:
                    break

    def _cells_fast(self, body: str) -> dict[int, Any]:
        found = CELL_RE.findall(body)
        if len(found) != body.count("<c"):  # something the expression does not cover: parse properly
            wrapped = f'<sheetData xmlns="{NAMESPACES[0]}"><row>{body}</row></sheetData>'
            row = ET.fromstring(wrapped)[0]  # noqa: S314
            return self._cells_tree(row)
        cells: dict[int, Any] = {}
        columns, strings, dates = self.columns, self.strings, self.date_style_texts
        for letters, style, kind, raw, inline in found:
            col = columns.get(letters)
            if col is None:
                col = columns[letters] = _column_index(letters)
            value: Any
            if kind == "s":
                value = strings[int(raw)]
            elif kind == "inlineStr":
                value = html.unescape(inline) if "&" in inline else inline
            elif raw == "":
                continue
            elif kind in ("", "n"):
                if style in dates:
                    value = self._date(raw)
                else:
                    value = int(raw) if raw.isdigit() else _convert("n", raw, "", strings, frozenset())
            else:
                value = _convert(kind, html.unescape(raw) if "&" in raw else raw, style, strings, self.date_styles)
            if value is not None and value != "":
                cells[col] = value
        return cells

    def _date(self, raw: str) -> Any:
        """A date cell's value; the same few serial numbers repeat, so they are remembered."""
        found = self.dates_seen.get(raw)
        if found is None:
            found = _convert("n", raw, "0", self.strings, frozenset({0}))
            if len(self.dates_seen) < 50_000:
                self.dates_seen[raw] = found
        return found

    def _cells_tree(self, row: ET.Element) -> dict[int, Any]:
        cells: dict[int, Any] = {}
        for el in row:
            if el.tag not in C_TAGS:
                continue
            ref = el.get("r")
            col = _column_index(ref.rstrip("0123456789")) if ref else max(cells, default=-1) + 1
            value = _cell_value(el, self.strings, self.date_styles)
            if value is not None and value != "":
                cells[col] = value
        return cells

    def _rows_elementtree(self) -> Iterator[tuple[int, dict[int, Any]]]:
        row_number = 0
        with self.zf.open(self.sheet_path) as fh:
            for _event, el in ET.iterparse(fh, events=("end",)):  # noqa: S314
                if el.tag in ROW_TAGS:
                    row_number = int(el.get("r") or row_number + 1)
                    cells = self._cells_tree(el)
                    if cells:
                        yield row_number, cells
                    el.clear()


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _cell_value(el: ET.Element, strings: list[str], dates: frozenset[int]) -> Any:
    raw = None
    for child in el:
        if child.tag in V_TAGS:
            raw = child.text
        elif child.tag in IS_TAGS:
            return _rich_text(child)
    if raw is None:
        return None
    return _convert(el.get("t", "n"), raw, el.get("s", ""), strings, dates)


def _convert(kind: str, raw: str, style: str, strings: list[str], dates: frozenset[int]) -> Any:
    """A cell's value from its type attribute and the text of its <v>."""
    if kind == "s":
        return strings[int(raw)]
    if kind in ("str", "e", "inlineStr", "d"):
        return raw
    if kind == "b":
        return raw.strip() == "1"
    number = float(raw)
    if style and int(style) in dates:
        try:
            return from_excel(number)
        except (ValueError, OverflowError):
            return number
    return int(number) if number.is_integer() else number


def _open_workbook(file: Any) -> tuple[zipfile.ZipFile, _Workbook]:
    """Open an uploaded .xlsx, or raise InvalidInput on the field "file" with a clear message."""
    source: IO[bytes] | str | Path = file
    head = b""
    if hasattr(file, "read"):
        if hasattr(file, "seek"):
            file.seek(0)
        head = file.read(8)
        file.seek(0)
    else:
        with open(file, "rb") as fh:
            head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(_("不支持旧版 .xls 文件,请在 Excel 或 WPS 中另存为 .xlsx 后上传"))
    try:
        zf = zipfile.ZipFile(source)
        return zf, _Workbook(zf)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, ValueError, OSError) as exc:
        raise _file_error(_("文件不是有效的 Excel(.xlsx)文件,请使用下载的模板填写后上传")) from exc


# --- cells to PersonIn ----------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("\uff08", "(").replace("\uff09", ")").replace("*", "")


def _header_key(text: Any) -> str | None:
    label = _norm(str(text or ""))
    label = re.sub(r"\((是/否|必填)\)$", "", label)
    for c in COLUMNS:
        if label == _norm(c.header):
            return c.key
    return HEADER_ALIASES.get(label)


def _choices(key: str) -> dict[str, str]:
    """Accepted spellings of a coded column -> code: the Chinese label, the code, a few aliases."""
    table: dict[str, str] = {}
    for value, label in CHOICES[key].choices:
        table[_norm(str(label))] = value
        table[_norm(value).lower()] = value
    for alias, value in CHOICE_ALIASES.get(key, {}).items():
        table[_norm(alias)] = value
    return table


def _labels(key: str) -> str:
    return "/".join(str(label) for _v, label in CHOICES[key].choices)


def _text(value: Any) -> str:
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


class _RowReader:
    """Turns one row's cells into a PersonIn, collecting per-cell errors."""

    def __init__(self) -> None:
        self.choices = {key: _choices(key) for key in CHOICES}
        self.today = timezone.localdate()
        self._codes: dict[tuple[str, str], str | None] = {}  # the same few spellings repeat on every row
        self._posts: dict[str, tuple[list[str], list[str]]] = {}
        self._yes_no: dict[str, bool | None] = {}

    def code(self, key: str, text: str) -> str | None:
        """The code a spelling stands for in a coded column, or None."""
        found = self._codes.get((key, text), "")
        if found == "":
            norm = _norm(text)
            found = self._codes[(key, text)] = self.choices[key].get(norm) or self.choices[key].get(norm.lower())
        return found

    def post_codes(self, text: str) -> tuple[list[str], list[str]]:
        """The post codes of a 职务 cell and the tokens not understood."""
        if text not in self._posts:
            codes: list[str] = []
            unknown: list[str] = []
            for token in (t for t in POST_SPLIT.split(text) if t):
                code = self.code("posts", token)
                if code is None:
                    unknown.append(token)
                elif code not in codes:
                    codes.append(code)
            self._posts[text] = (codes, unknown)
        return self._posts[text]

    def person(self, cells: dict[str, Any], err: Callable[[str, str], None]) -> PersonIn:
        id_cell = cells.get("id_number")
        if isinstance(id_cell, (int, float)) and not isinstance(id_cell, bool):
            err("id_number", _("身份证号被存成了数字,末尾几位已丢失;请把该列设为文本后重新录入"))
            id_cell = ""
        posts_text = _text(cells.get("posts"))
        codes, unknown = self.post_codes(posts_text)
        for token in unknown:
            err("posts", _("无法识别的职务「%(t)s」,可选: %(v)s") % {"t": token[:20], "v": _labels("posts")})
        start = self.date(cells.get("start_date"), "start_date", err)
        if codes and start is None and "start_date" not in cells:
            err("start_date", _("填写了职务,请填写任职日期"))
        if not posts_text and "start_date" in cells:
            err("posts", _("填写了任职日期,请填写职务"))
        full_time = self.yes_no(cells.get("full_time"), "full_time", err)
        professionalized = self.yes_no(cells.get("professionalized"), "professionalized", err)
        tier = self.tier(cells.get("tier"), err)
        term_year = self.year(cells.get("term_year"), err)
        posts = [
            PostIn(
                post=code, start_date=start, full_time=full_time, professionalized=professionalized, tier=tier,
                term_year=term_year, source=Source.ELECTION,
            )
            for code in codes
        ] if start else []  # fmt: skip
        return PersonIn(
            name=_text(cells.get("name")),
            id_number=_text(id_cell),
            village=_text(cells.get("village")),
            education=self.choice(cells.get("education"), "education", err, required=True),
            political_status=self.choice(cells.get("political_status"), "political_status", err, required=True),
            full_time_education=self.yes_no(cells.get("full_time_education"), "full_time_education", err),
            phone=_text(cells.get("phone")),
            ethnicity=_text(cells.get("ethnicity")) or "汉族",
            party_join_date=self.date(cells.get("party_join_date"), "party_join_date", err),
            origin=self.choice(cells.get("origin"), "origin", err) or Origin.OTHER,
            posts=posts,
        )

    def choice(self, value: Any, key: str, err: Callable[[str, str], None], required: bool = False) -> str:
        text = _text(value)
        if not text:
            if required:
                err(key, _("请填写%(c)s,可选: %(v)s") % {"c": BY_KEY[key].header, "v": _labels(key)})
            return ""
        code = self.code(key, text)
        if code is None:
            err(key, _("无法识别「%(t)s」,可选: %(v)s") % {"t": text[:20], "v": _labels(key)})
            return text
        return code

    def yes_no(self, value: Any, key: str, err: Callable[[str, str], None]) -> bool:
        if isinstance(value, bool):
            return value
        raw = _text(value)
        if raw not in self._yes_no:
            text = _norm(raw).lower()
            self._yes_no[raw] = True if text in YES else False if text in NO else None
        answer = self._yes_no[raw]
        if answer is None:
            err(key, _("请填写 是 或 否"))
        return bool(answer)

    def tier(self, value: Any, err: Callable[[str, str], None]) -> int | None:
        if type(value) is int and value in (1, 2, 3):
            return value
        text = _norm(_text(value)).removesuffix("档")
        if not text:
            return None
        if text in TIERS:
            return TIERS[text]
        err("tier", _("专业化档次为 1、2、3"))
        return None

    def year(self, value: Any, err: Callable[[str, str], None]) -> int | None:
        if type(value) is int and 1950 <= value <= self.today.year + 1:
            return value
        text = _norm(_text(value)).removesuffix("年").removesuffix("届")
        if not text:
            return None
        if text.isdigit() and 1950 <= int(text) <= self.today.year + 1:
            return int(text)
        err("term_year", _("届次请填写选举年份,如 2021"))
        return None

    def date(self, value: Any, key: str, err: Callable[[str, str], None]) -> dt.date | None:
        day: dt.date | None = None
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            day = value.date()
        elif isinstance(value, dt.date):
            day = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
            day = from_excel(value).date()
        else:
            text = _text(value)
            match = DATE_TEXT.match(text) or re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
            if match:
                try:
                    day = dt.date(*(int(g) for g in match.groups()))
                except ValueError:
                    day = None
        if day is None or not dt.date(1900, 1, 1) <= day <= dt.date(2100, 12, 31):
            err(key, _("日期格式应为 2021-04-01、2021/4/1 或 2021.4.1"))
            return None
        return day


@dataclass
class ParsedRoster:
    people: list[PersonIn] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # spreadsheet row number of each person
    errors: list[RowError] = field(default_factory=list)


def read_roster(file: Any, progress: Progress | None = None) -> ParsedRoster:
    """Read every data row of a roster file; cell errors are collected, not raised.

    Raises InvalidInput on "file" when the file is not a readable roster at all."""
    zf, book = _open_workbook(file)
    with zf:
        total = book.total_rows()
        out = ParsedRoster()
        reader = _RowReader()
        header: dict[int, str] | None = None
        header_row = 0
        for row_number, cells in book.rows():
            if header is None:
                keys = {col: key for col, value in cells.items() if (key := _header_key(value))}
                if {"name", "id_number"} <= set(keys.values()):
                    header, header_row = keys, row_number
                    missing = [c for c in COLUMNS if c.required and c.key not in keys.values()]
                    for c in missing:
                        out.errors.append(RowError(row_number, c.header, _("缺少此列,请使用下载的模板")))
                elif row_number >= HEADER_SCAN:
                    break
                continue
            values = {header[col]: value for col, value in cells.items() if col in header}
            if not any(_text(v) for v in values.values()):
                continue
            if len(out.people) >= MAX_ROWS:
                raise _file_error(_("文件超过 %(n)d 行,请分批导入") % {"n": MAX_ROWS})

            def err(key: str, message: str, row: int = row_number) -> None:
                out.errors.append(RowError(row, BY_KEY[key].header, message))

            out.people.append(reader.person(values, err))
            out.rows.append(row_number)
            if progress and len(out.people) % 5000 == 0:
                progress(row_number, total)
    if header is None:
        raise _file_error(_("没有找到表头(姓名、身份证号等),请使用下载的模板"))
    if not out.people and not out.errors:
        raise _file_error(_("文件中没有数据行(表头在第 %(r)d 行)") % {"r": header_row})
    out.errors.extend(_duplicates(out))
    return out


def _duplicates(parsed: ParsedRoster) -> list[RowError]:
    """The same ID number on several rows: each row names the others (never the number)."""
    rows_by_id: dict[str, list[int]] = defaultdict(list)
    for person, row in zip(parsed.people, parsed.rows, strict=True):
        number = idnumber.normalize(person.id_number)
        if number:
            rows_by_id[number].append(row)
    header = BY_KEY["id_number"].header
    errors = []
    for rows in rows_by_id.values():
        for row in rows if len(rows) > 1 else ():
            others = "、".join(str(r) for r in rows if r != row)
            errors.append(RowError(row, header, _("与第 %(rows)s 行的身份证号重复") % {"rows": others}))
    return errors


def parse_roster(file: Any) -> list[PersonIn]:
    """The people of a roster file, or RosterInvalid with every cell error (row, column, message)."""
    parsed = read_roster(file)
    if parsed.errors:
        raise RosterInvalid(parsed.errors)
    return parsed.people


def _map_errors(parsed: ParsedRoster, errors: dict[str, list[str]]) -> list[RowError]:
    """Bulk errors `rows.<i>.<field>` -> spreadsheet rows and headers, skipping cells already reported."""
    taken = {(e.row, e.column) for e in parsed.errors}
    out: list[RowError] = []
    for key, messages in errors.items():
        parts = key.split(".")
        if parts[0] != "rows" or len(parts) < 3 or not parts[1].isdigit():
            out.extend(RowError(0, "", m) for m in messages)
            continue
        row = parsed.rows[int(parts[1])]
        name = parts[4] if parts[2] == "posts" and len(parts) > 4 else parts[2]
        column_key = POST_FIELD_COLUMN.get(name) if parts[2] == "posts" else FIELD_COLUMN.get(name)
        column = BY_KEY[column_key].header if column_key else ""
        if (row, column) in taken:
            continue
        out.extend(RowError(row, column, m) for m in messages)
    return out


def roster_import(*, actor: Any, file: Any, progress: Progress | None = None) -> BulkReport:
    """Import a roster file: read it all, check it all, write it all or nothing (R-DATA-03, R-ORG-09).

    `progress(done, total)`: reading is the first third, checking the second, writing the last.
    Raises RosterInvalid with row-by-row errors, or InvalidInput on
    "file" for a file that is not a roster."""
    require(actor, account_rules.CADRES_WRITE)

    def reading(row: int, total: int) -> None:
        if progress:
            progress(row, 3 * max(total, row + 1))

    parsed = read_roster(file, progress=reading)
    n = len(parsed.people)

    def checking_and_writing(done: int, _total: int) -> None:
        if progress:
            progress(n + 2 * done, 3 * n)

    if parsed.errors:
        more = cadres_bulk_check(actor=actor, people=parsed.people)
        raise RosterInvalid(parsed.errors + _map_errors(parsed, more))
    try:
        return cadres_bulk_upsert(actor=actor, people=parsed.people, source="import", progress=checking_and_writing)
    except InvalidInput as exc:
        raise RosterInvalid(_map_errors(parsed, exc.errors)) from exc


# --- writing: template and error report -----------------------------------------------------


def roster_template(*, actor: Any = None, village_limit: int = 5000) -> bytes:
    """The import template: the roster sheet with Chinese headers, a 填写说明 sheet with the
    allowed values of every coded column, and the villages in the actor's scope with their codes."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    bold = Font(bold=True)
    required = Font(bold=True, color="C00000")
    fill = PatternFill("solid", fgColor="DDEBF7")
    for i, c in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=c.header)
        cell.font, cell.fill = (required if c.required else bold), fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = c.width
        if c.text:
            ws.column_dimensions[letter].number_format = "@"
        elif c.key in ("party_join_date", "start_date"):
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    lists = {
        "political_status": _labels("political_status"), "education": _labels("education"),
        "origin": _labels("origin"), "full_time_education": "是/否", "full_time": "是/否",
        "professionalized": "是/否", "tier": "1/2/3",
    }  # fmt: skip
    for key, values in lists.items():
        letter = get_column_letter(next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key))
        dv = DataValidation(type="list", formula1='"' + values.replace("/", ",") + '"', allow_blank=True)
        dv.showErrorMessage = False  # codes (e.g. "bachelor") are accepted too
        dv.add(f"{letter}2:{letter}{MAX_ROWS}")
        ws.add_data_validation(dv)

    guide = wb.create_sheet(GUIDE_SHEET)
    guide.append([_("村(社区)干部花名册导入说明")])
    guide["A1"].font = Font(bold=True, size=14)
    for line in (
        _("1. 在「花名册」表中每行填写一名干部,第一行表头请勿修改;红色表头为必填列。"),
        _("2. 身份证号相同的干部视为同一人:已有档案的会更新,内容未变的不做改动,重复导入同一文件不会产生重复档案。"),
        _("3. 任何一行有错误时,整个文件都不会导入;请按错误报告(行号、列、问题)修改后重新导入。"),
        _("4. 编码列可填写中文名称,也可填写系统代码(见「也可填写代码」列);日期可写 2021-04-01、2021/4/1 或 2021.4.1。"),
        "",
    ):
        guide.append([line])
    guide.append([_("列名"), _("是否必填"), _("填写说明"), _("可选值"), _("也可填写代码")])
    for cell in guide[guide.max_row]:
        cell.font, cell.fill = bold, fill
    for c in COLUMNS:
        allowed, codes = lists.get(c.key, ""), ""
        if c.key in CHOICES:
            allowed, codes = _labels(c.key), "/".join(CHOICES[c.key].values)
        guide.append([c.header, _("必填") if c.required else _("选填"), c.help, allowed, codes])
    for letter, width in zip("ABCDE", (16, 10, 50, 60, 40), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=7):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    if actor is not None:
        villages = wb.create_sheet(VILLAGE_SHEET)
        villages.append([_("村(社区)代码"), _("村(社区)"), _("乡镇(街道)")])
        for cell in villages[1]:
            cell.font, cell.fill = bold, fill
        qs = scope_filter(Region.objects.filter(level=region_rules.VILLAGE), actor, "code").order_by("code")
        for code, name, township in qs.values_list("code", "name", "parent__name")[:village_limit]:
            villages.append([code, name, township])
        for letter, width in zip("ABC", (16, 28, 20), strict=True):
            villages.column_dimensions[letter].width = width
        villages.column_dimensions["A"].number_format = "@"
    openpyxl_text_only(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_error_report(errors: list[RowError], path: Path) -> Path:
    """The downloadable error report: row, column, message (no ID numbers in it)."""
    wb = xlsx_workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet(_("错误报告"))
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 2, 80)
    ws.write_row(0, 0, [_("行号"), _("列"), _("问题")], head)
    ws.freeze_panes(1, 0)
    for i, e in enumerate(errors, start=1):
        ws.write_number(i, 0, e.row) if e.row else ws.write_string(i, 0, "")
        ws.write_string(i, 1, e.column)
        ws.write_string(i, 2, e.message)
    wb.close()
    return path
