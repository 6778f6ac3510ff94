"""Roster import and export: the spreadsheet, the pages, the jobs (R-ORG-09, R-DATA-03, R-DATA-05)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from config import urls as root_urls
from conftest import VILLAGE_A1, VILLAGE_B1
from touyan.audit.models import AuditEvent
from touyan.cadres import export as export_module
from touyan.cadres.bulk import cadres_bulk_upsert
from touyan.cadres.excel import (
    COLUMNS,
    GUIDE_SHEET,
    SHEET,
    VILLAGE_SHEET,
    RosterInvalid,
    parse_roster,
    read_roster,
    roster_import,
    roster_template,
)
from touyan.cadres.export import roster_export
from touyan.cadres.models import Filing, Person, Post
from touyan.cadres.selectors import RosterFilters
from touyan.cadres.tasks import EXPORT, IMPORT
from touyan.cadres.tests.test_bulk import VILLAGE_A1B, VILLAGE_A2, make_id, person
from touyan.core.errors import InvalidInput
from touyan.core.idnumber import mask_id
from touyan.core.jobs import job_progress, job_start
from touyan.core.models import Job

# The pages are tested with the project's URLs plus ours (until config/urls.py includes them).
urlpatterns = list(root_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "cadres_excel" for p in urlpatterns):
    urlpatterns.append(path("cadres/excel/", include("touyan.cadres.urls_excel")))

HEADERS = [c.header for c in COLUMNS]


def row(seq: int, village: str = VILLAGE_A1, posts: str = "村(居)委会委员", **cells: Any) -> list[Any]:
    values: dict[str, Any] = {
        "姓名": f"干部{seq}", "身份证号": make_id(seq, region=village[:6]), "民族": "布依族",
        "手机号": f"138{seq:08d}", "政治面貌": "中共党员", "入党时间": "2010-07-01", "学历": "本科",
        "全日制": "是", "来源": "致富能手", "村(社区)代码": village, "职务": posts, "任职日期": "2021-04-01",
        "专职": "是", "职业化": "否", "专业化档次": None, "届次": 2021,
    }  # fmt: skip
    values.update(cells)
    return [values[h] for h in HEADERS]


def xlsx(rows: list[list[Any]], headers: list[str] = HEADERS, blank_tail: int = 0) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append(headers)
    for r in rows:
        ws.append(r)
    for i in range(blank_tail):  # rows that Excel keeps after deleting their contents
        ws.cell(row=len(rows) + 2 + i, column=1, value="")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def all_messages(exc: RosterInvalid) -> str:
    return " ".join(e.message for e in exc.rows)


def history_rows() -> int:
    return Person.history.count() + Post.history.count()


# --- reading and importing ------------------------------------------------------------------


@pytest.mark.django_db
def test_acceptance_one_bad_row_writes_nothing_then_fixed_file_writes_each_row_once(personas) -> None:
    """Issue "Cadre files" item 5: one bad row → nothing written, that row reported; fixed → every row once."""
    admin = personas["county_a_admin"]
    rows = [row(i, (VILLAGE_A1, VILLAGE_A1B, VILLAGE_A2)[i % 3]) for i in range(1, 7)]
    good_id = rows[2][1]
    rows[2][1] = good_id[:17] + ("1" if good_id[17] != "1" else "2")  # wrong check digit, spreadsheet row 4
    with pytest.raises(RosterInvalid) as exc:
        roster_import(actor=admin, file=io.BytesIO(xlsx(rows)))
    assert [(e.row, e.column) for e in exc.value.rows] == [(4, "身份证号")]
    assert exc.value.rows[0].message == "身份证号校验位错误,请核对"
    assert exc.value.errors == {"rows.4.身份证号": ["身份证号校验位错误,请核对"]}
    assert Person.objects.count() == Post.objects.count() == Filing.objects.count() == 0

    rows[2][1] = good_id
    report = roster_import(actor=admin, file=io.BytesIO(xlsx(rows)))
    assert (report.created, report.updated, report.unchanged) == (6, 0, 0)
    assert Person.objects.count() == 6 and Post.objects.count() == 6
    assert Person.objects.values("id_hash").distinct().count() == 6

    # Re-importing the same file changes nothing: no history, only the import summary is audited.
    before_history, last_event = history_rows(), AuditEvent.objects.order_by("-id").values_list("id", flat=True)[0]
    again = roster_import(actor=admin, file=io.BytesIO(xlsx(rows)))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert history_rows() == before_history and Post.objects.count() == 6
    assert list(AuditEvent.objects.filter(id__gt=last_event).values_list("action", flat=True)) == ["cadres.import"]


@pytest.mark.django_db
def test_every_cell_error_is_reported_with_row_and_column(personas) -> None:
    rows = [
        row(1),
        row(2, 学历="大学", 政治面貌="团员", 入党时间="2010年13月1日"),
        row(3, 职务="支书", 任职日期=None),
        row(4, 专业化档次=2),  # a tier without 职业化
        row(5, **{"村(社区)代码": "522301001000"}),  # a township, not a village
        row(6, 专职="可能", 届次="明年"),
    ]
    with pytest.raises(RosterInvalid) as exc:
        roster_import(actor=personas["county_a_admin"], file=io.BytesIO(xlsx(rows)))
    found = {(e.row, e.column) for e in exc.value.rows}
    assert found == {
        (3, "学历"), (3, "政治面貌"), (3, "入党时间"), (4, "职务"), (5, "专业化档次"), (6, "村(社区)代码"),
        (7, "专职"), (7, "届次"),
    }  # fmt: skip
    text = all_messages(exc.value)
    assert "本科" in text and "中共党员" in text and "2021/4/1" in text and "上级区域" in text
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_labels_codes_dates_and_numbers_are_all_accepted(personas) -> None:
    numeric_village: dict[str, Any] = {"村(社区)代码": int(VILLAGE_A1)}
    rows = [
        row(1, 学历="bachelor", 政治面貌="party_member", 来源="veteran", 职务="PS、VD",
            入党时间=dt.datetime(2010, 7, 1)),
        row(2, 学历="硕士研究生", 职务="党组织副书记,村（居）委会委员", 任职日期="2021/4/1", 全日制="否"),
        row(3, 职务="VM", 任职日期="2021.4.1", 职业化="是", 专业化档次="二档", 手机号=13800000003, 入党时间=None,
            政治面貌="群众"),
        row(4, 任职日期=44287, 民族=None, 专职="否", **numeric_village),  # R-POS-01: 3 full-time a village
    ]  # fmt: skip
    people = parse_roster(io.BytesIO(xlsx(rows)))
    assert [p.education for p in people] == ["bachelor", "master", "bachelor", "bachelor"]
    assert [p.posts[0].post for p in people] == ["PS", "PDS", "VM", "VM"]
    assert [len(p.posts) for p in people] == [2, 2, 1, 1]
    assert {p.posts[0].start_date for p in people} == {dt.date(2021, 4, 1)}
    assert people[0].party_join_date == dt.date(2010, 7, 1) and people[0].origin == "veteran"
    assert people[2].posts[0].professionalized and people[2].posts[0].tier == 2 and people[2].phone == "13800000003"
    assert people[3].village == VILLAGE_A1 and people[3].ethnicity == "汉族" and people[1].full_time_education is False
    report = roster_import(actor=personas["county_a_admin"], file=io.BytesIO(xlsx(rows)))
    assert report.created == 4


@pytest.mark.django_db
def test_trailing_empty_rows_and_a_title_row_are_ignored(personas) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(xlsx([row(1), row(2)], blank_tail=30)))
    ws = wb.active
    assert ws is not None
    ws.insert_rows(1)
    ws["A1"] = "某某县村(社区)干部花名册"
    buffer = io.BytesIO()
    wb.save(buffer)
    parsed = read_roster(io.BytesIO(buffer.getvalue()))
    assert parsed.rows == [3, 4] and not parsed.errors


@pytest.mark.django_db
def test_an_id_stored_as_a_number_is_refused_without_quoting_it(personas) -> None:
    rows = [row(1), row(2)]
    rows[1][1] = int(rows[1][1][:15] + "000")
    with pytest.raises(RosterInvalid) as exc:
        parse_roster(io.BytesIO(xlsx(rows)))
    assert [(e.row, e.column) for e in exc.value.rows] == [(3, "身份证号")] and "文本" in exc.value.rows[0].message


@pytest.mark.django_db
def test_duplicates_in_the_file_name_the_other_row_never_the_number(personas) -> None:
    rows = [row(1), row(2), row(1, 姓名="重复的人")]
    with pytest.raises(RosterInvalid) as exc:
        roster_import(actor=personas["county_a_admin"], file=io.BytesIO(xlsx(rows)))
    assert [(e.row, e.column, e.message) for e in exc.value.rows] == [
        (2, "身份证号", "与第 4 行的身份证号重复"),
        (4, "身份证号", "与第 2 行的身份证号重复"),
    ]
    assert make_id(1) not in str(exc.value.errors) and make_id(1) not in exc.value.message


@pytest.mark.django_db
def test_a_seat_held_twice_is_reported_on_the_post_column(personas) -> None:
    rows = [row(1, 职务="党组织书记"), row(2, 职务="PS"), row(3)]
    with pytest.raises(RosterInvalid) as exc:
        roster_import(actor=personas["county_a_admin"], file=io.BytesIO(xlsx(rows)))
    assert {(e.row, e.column) for e in exc.value.rows} == {(2, "职务"), (3, "职务")}
    assert "只能有一人" in all_messages(exc.value)


@pytest.mark.django_db
def test_township_officer_cannot_import_another_townships_village(personas) -> None:
    officer = personas["township_a1"]
    rows = [row(1), row(2, VILLAGE_B1), row(3, VILLAGE_A2)]  # B1 (another county) and A2 (another township)
    with pytest.raises(RosterInvalid) as exc:
        roster_import(actor=officer, file=io.BytesIO(xlsx(rows)))
    assert [(e.row, e.column) for e in exc.value.rows] == [(3, "村(社区)代码"), (4, "村(社区)代码")]
    assert "不在您的管辖范围内" in exc.value.rows[0].message
    assert Person.objects.count() == 0
    assert roster_import(actor=officer, file=io.BytesIO(xlsx([row(1)]))).created == 1


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"name,id\n", "不是有效的 Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        (b"PK\x03\x04broken", "不是有效的 Excel"),
    ],
)
@pytest.mark.django_db
def test_not_an_xlsx_is_refused_on_the_file_field(personas, content: bytes, why: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        roster_import(actor=personas["county_a_admin"], file=io.BytesIO(content))
    assert list(exc.value.errors) == ["file"] and why in exc.value.errors["file"][0]


@pytest.mark.django_db
def test_headers_are_required(personas) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_roster(io.BytesIO(xlsx([["a", "b"]], headers=["甲", "乙"])))
    assert "表头" in exc.value.errors["file"][0]
    with pytest.raises(RosterInvalid) as missing:
        parse_roster(io.BytesIO(xlsx([row(1)[:2]], headers=HEADERS[:2])))
    assert {e.column for e in missing.value.rows} >= {"学历", "政治面貌", "村(社区)代码"}
    with pytest.raises(InvalidInput) as empty:
        parse_roster(io.BytesIO(xlsx([])))
    assert "没有数据行" in empty.value.errors["file"][0]


@pytest.mark.parametrize("constant_memory", [True, False])
@pytest.mark.django_db
def test_shared_or_inline_strings_and_date_cells_from_another_writer(personas, tmp_path: Path, constant_memory) -> None:
    """Files as Excel writes them (shared strings, real date cells) and as streaming writers do (inline)."""
    target = tmp_path / "other.xlsx"
    wb = xlsxwriter.Workbook(str(target), {"constant_memory": constant_memory})
    ws = wb.add_worksheet("Sheet1")
    date = wb.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    ws.write_row(0, 0, HEADERS)
    for r, values in enumerate((row(1, 姓名="张&李<王>"), row(2)), start=1):
        for col, value in enumerate(values):
            if HEADERS[col] == "任职日期":
                ws.write_datetime(r, col, dt.datetime(2021, 4, 1), date)
            elif value is not None:
                ws.write(r, col, value)
    wb.close()
    first, second = parse_roster(target)
    assert first.name == "张&李<王>" and second.name == "干部2"
    assert first.posts[0].start_date == dt.date(2021, 4, 1) and first.posts[0].term_year == 2021


def _rewrite_sheet(data: bytes, change: Any) -> bytes:
    """The same workbook with its first sheet's XML passed through `change`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            dst.writestr(item, content)
    return out.getvalue()


@pytest.mark.django_db
def test_unusual_rows_and_prefixed_sheets_are_read_properly(personas) -> None:
    """Rows the fast reader does not cover (formulas, rich text, entities) and prefixed XML."""
    data = xlsx([row(1), row(2, 姓名="李&王"), row(3)])
    rich = '<c r="A4" t="inlineStr"><is><r><t>干</t></r><r><t>部3</t></r></is></c>'

    def unusual(xml: str) -> str:
        assert '<c r="A2" t="inlineStr">' in xml and '<c r="A4" t="inlineStr"><is><t>干部3</t></is></c>' in xml
        xml = xml.replace('<c r="A2" t="inlineStr">', '<c r="Q2"><f>1+1</f><v>2</v></c><c r="A2" t="inlineStr">')
        return xml.replace('<c r="A4" t="inlineStr"><is><t>干部3</t></is></c>', rich)

    people = parse_roster(io.BytesIO(_rewrite_sheet(data, unusual)))
    assert [p.name for p in people] == ["干部1", "李&王", "干部3"]

    def prefixed(xml: str) -> str:
        xml = re.sub(r"<(/?)(?!\?)(\w+)([ >/])", r"<\1x:\2\3", xml)
        assert "<x:row " in xml and "<x:c " in xml
        return xml.replace('xmlns="http', 'xmlns:x="http', 1)

    people = parse_roster(io.BytesIO(_rewrite_sheet(data, prefixed)))
    assert [p.name for p in people] == ["干部1", "李&王", "干部3"] and people[0].posts[0].term_year == 2021


# --- template -------------------------------------------------------------------------------


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_template_round_trip_through_the_pages(personas, login, settings, tmp_path: Path) -> None:
    settings.TOUYAN_JOB_ROOT = str(tmp_path)
    officer = personas["township_a1"]
    c = login(officer)
    r = c.get(reverse("cadres_excel:template"))
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == [SHEET, GUIDE_SHEET, VILLAGE_SHEET]
    assert [c.value for c in wb[SHEET][1]] == HEADERS
    villages = [r_[0].value for r_ in wb[VILLAGE_SHEET].iter_rows(min_row=2)]
    assert villages == [VILLAGE_A1, VILLAGE_A1B]  # only the officer's township
    ws = wb[SHEET]
    for values in (row(1), row(2, VILLAGE_A1B, 职务="党组织书记、村(居)委会主任", 任职日期=dt.datetime(2021, 4, 1))):
        ws.append(values)
    buffer = io.BytesIO()
    wb.save(buffer)

    r = c.post(reverse("cadres_excel:import"), {"file": SimpleUploadedFile("花名册.xlsx", buffer.getvalue())})
    job = Job.objects.get(kind=IMPORT)
    assert r.status_code == 302 and r.url == f"{reverse('cadres_excel:import')}?job={job.pk}"
    assert job.status == Job.Status.DONE and job.outcome == {"created": 2, "updated": 0, "unchanged": 0}
    page = c.get(r.url).content.decode()
    assert "新建档案" in page and "导入完成" in page
    assert not list(tmp_path.rglob("upload.xlsx"))  # the upload (plaintext IDs) is deleted
    assert Filing.objects.count() == 2  # the new secretary and director are reported (R-ORG-09)


def test_template_lists_allowed_values_in_chinese() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(roster_template()))
    rows = {r[0]: [str(v or "") for v in r] for r in wb[GUIDE_SHEET].iter_rows(values_only=True) if r and r[0]}
    assert rows["学历"][3] == "小学/初中/高中/中专/大专/本科/硕士研究生/博士研究生"
    assert rows["学历"][4].startswith("primary/junior_high/")
    assert "党组织书记/党组织副书记" in rows["职务"][3] and "PS/PDS" in rows["职务"][4] and rows["姓名"][1] == "必填"
    assert wb[SHEET].column_dimensions["B"].number_format == "@"  # ID numbers typed as text


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_import_page_shows_errors_and_a_scoped_report(personas, login, settings, tmp_path: Path) -> None:
    settings.TOUYAN_JOB_ROOT = str(tmp_path)
    officer = personas["township_a1"]
    c = login(officer)
    assert c.get(reverse("cadres_excel:import")).status_code == 200
    bad = xlsx([row(1), row(2, VILLAGE_B1)])
    r = c.post(reverse("cadres_excel:import"), {"file": SimpleUploadedFile("r.xlsx", bad)})
    job = Job.objects.get(kind=IMPORT)
    assert job.status == Job.Status.FAILED and job.outcome["error_count"] == 1
    page = c.get(r.url).content.decode()
    assert "下载错误报告" in page and "村(社区)代码" in page and "不在您的管辖范围内" in page
    download = reverse("cadres_excel:job_download", args=[job.pk])
    report = c.get(download)
    assert report.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert ws is not None
    assert list(ws.iter_rows(values_only=True)) == [
        ("行号", "列", "问题"),
        (3, "村(社区)代码", job.outcome["errors"][0]["message"]),
    ]
    assert AuditEvent.objects.filter(action="cadres.import.download", object_id=str(job.pk)).exists()
    assert AuditEvent.objects.filter(action="cadres.import", result="failed").exists()
    other = login(personas["township_b1"])
    assert other.get(f"{reverse('cadres_excel:import')}?job={job.pk}").status_code == 404
    assert other.get(download).status_code == 404
    assert other.get(reverse("cadres_excel:job", args=[job.pk])).status_code == 404
    # Not an .xlsx: refused at the form.
    r = c.post(reverse("cadres_excel:import"), {"file": SimpleUploadedFile("r.xls", b"old")})
    assert r.status_code == 200 and ".xlsx" in r.content.decode()
    # Readers may not import.
    assert login(personas["auditor"]).get(reverse("cadres_excel:import")).status_code == 403


# --- export ---------------------------------------------------------------------------------


def _people(admin: Any, start: int, n: int) -> list[str]:
    people = [person(start + i, (VILLAGE_A1, VILLAGE_A1B, VILLAGE_A2)[i % 3], ("VM",)) for i in range(n)]
    cadres_bulk_upsert(actor=admin, people=people)
    return [p.id_number for p in people]


@pytest.mark.django_db
def test_export_is_masked_and_readable(personas, tmp_path: Path) -> None:
    admin = personas["county_a_admin"]
    cadres_bulk_upsert(actor=admin, people=[person(900, posts=("PS", "VD")), person(901, VILLAGE_A1B, ("PS",))])
    ids = [*_people(admin, 1, 8), make_id(900), make_id(901)]
    cadres_bulk_upsert(actor=personas["county_b_admin"], people=[person(950, VILLAGE_B1)])
    target = tmp_path / "roster.xlsx"
    assert roster_export(actor=admin, filters=RosterFilters(), path=target) == 10
    with zipfile.ZipFile(target) as zf:
        raw = b"".join(zf.read(name) for name in zf.namelist()).decode("utf-8", "replace")
    for number in ids:
        assert number not in raw and mask_id(number) in raw  # R-DATA-05: masked, never plain
    assert "13800000900" not in raw and "138****0900" in raw
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["花名册", "说明"]
    ws = wb["花名册"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == [t for t, _w in export_module.COLUMNS]
    assert len(rows) == 11 and rows[1][0] == 1 and rows[10][0] == 10
    one = next(r for r in rows if r[5] == "干部900")
    assert one[7] == mask_id(make_id(900)) == "522301***********" + make_id(900)[-1]
    assert one[16] == "党组织书记、村(居)委会主任" and "出生日期" not in rows[0]  # R-DATA-05: the age only
    assert one[21] == "一肩挑" and one[17] == "2021-04-01" and one[18] == "是" and one[3] == "坪东社区"
    assert not any("干部950" in str(r) for r in rows)  # county B is outside county A's scope
    assert ws.auto_filter.ref == "A1:V11"
    assert AuditEvent.objects.get(action="cadres.export").changes["rows"] == 10


@pytest.mark.django_db
def test_export_queries_are_fixed_whatever_the_rows(personas, tmp_path: Path, django_assert_max_num_queries) -> None:
    admin = personas["county_a_admin"]
    counts = []
    for start, n in ((0, 10), (10, 90)):  # 10 rows, then 100 rows
        _people(admin, start, n)
        with CaptureQueriesContext(connection) as ctx:
            roster_export(actor=admin, filters=RosterFilters(), path=tmp_path / f"{n}.xlsx")
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    # The count, the rows, the audit event; a savepoint around the read (a transaction in production)
    # and, on PostgreSQL, two SET LOCAL for the cursor's plan.
    with django_assert_max_num_queries(7 if connection.vendor == "postgresql" else 5):
        roster_export(actor=admin, filters=RosterFilters(education="bachelor"), path=tmp_path / "f.xlsx")


def test_fast_rows_match_xlsxwriter_rows(tmp_path: Path, monkeypatch) -> None:
    values = [[1, "a & b <c>", " 前后空格 ", "控制\x07字符", "", None, 42, "、"], [2, "二", "x", "y", "z", "w", 0, "v"]]
    outputs = []
    for fast in (True, False):
        target = tmp_path / f"{fast}.xlsx"
        wb = xlsxwriter.Workbook(str(target), {"constant_memory": True})
        ws = wb.add_worksheet("s")
        ws.write_row(0, 0, ["h"] * 8)
        stream = export_module._RowStream(ws, 8, first_row=1)
        stream.fast = stream.fast and fast
        for i, v in enumerate(values, start=1):
            stream.write(i, v)
        stream.close()
        wb.close()
        outputs.append(list(openpyxl.load_workbook(target).active.iter_rows(values_only=True)))  # type: ignore[union-attr]
    fast_rows, slow_rows = outputs
    assert fast_rows[1][:3] == (1, "a & b <c>", " 前后空格 ") and fast_rows[1][3] == "控制字符"
    assert [r[:3] for r in fast_rows] == [r[:3] for r in slow_rows] and fast_rows[2] == slow_rows[2]


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_export_job_page_progress_and_scoped_download(personas, login, settings, tmp_path: Path) -> None:
    settings.TOUYAN_JOB_ROOT = str(tmp_path)
    admin = personas["county_a_admin"]
    _people(admin, 1, 6)
    cadres_bulk_upsert(actor=admin, people=[person(50, education="master")])
    c = login(admin)
    r = c.post(reverse("cadres_excel:export"), {"query": "education=master&page=2"})
    job = Job.objects.get(kind=EXPORT)
    assert r.status_code == 302 and r.url == reverse("cadres_excel:job", args=[job.pk])
    assert job.status == Job.Status.DONE and job.outcome == {"rows": 1} and job.created_by == admin
    page = c.get(r.url).content.decode()
    assert "下载文件" in page and "hx-trigger" not in page  # finished: no more polling
    download = c.get(reverse("cadres_excel:job_download", args=[job.pk]))
    assert download.status_code == 200 and "filename*=utf-8''" in download["Content-Disposition"].lower()
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))["花名册"].iter_rows(values_only=True)
    )
    assert len(rows) == 2 and rows[1][5] == "干部50"
    event = AuditEvent.objects.get(action="cadres.export.download")
    assert event.object_id == str(job.pk) and event.actor == admin
    assert AuditEvent.objects.get(action="cadres.export").changes["filters"] == {"学历": "硕士研究生", "在任": "在任"}
    # Another user, even an administrator above, gets 404 for the page, the partial and the file.
    for name in ("cadres_excel:job", "cadres_excel:job_status", "cadres_excel:job_download"):
        assert login(personas["prefecture_admin"]).get(reverse(name, args=[job.pk])).status_code == 404
    # The roster page's form leaves the filters on its action URL.
    r = c.post(reverse("cadres_excel:export") + "?education=bachelor&page=3")
    second = Job.objects.filter(kind=EXPORT).latest("id")
    assert r.status_code == 302 and second.outcome == {"rows": 6}
    # A region outside the scope: 404; a GET is not allowed.
    assert c.post(reverse("cadres_excel:export"), {"query": f"region={VILLAGE_B1}"}).status_code == 404
    assert c.get(reverse("cadres_excel:export")).status_code == 405


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_running_job_polls_its_partial(personas, login) -> None:
    admin = personas["county_a_admin"]
    job = job_start(actor=admin, kind=EXPORT, total=200)
    job_progress(job, done=90, total=200, message="正在导出…")
    c = login(admin)
    partial = c.get(reverse("cadres_excel:job_status", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("cadres_excel:job_status", args=[job.pk])}"' in partial
    assert 'hx-trigger="every 1s"' in partial and "width: 45%" in partial and "正在导出" in partial
    assert "<script" not in c.get(reverse("cadres_excel:job", args=[job.pk])).content.decode().split("</head>")[1]


# --- jobs -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_job_progress_is_throttled(personas) -> None:
    job = job_start(actor=personas["county_a_admin"], kind=EXPORT)
    with CaptureQueriesContext(connection) as ctx:
        written = sum(job_progress(job, done=i, total=10_000) for i in range(1, 10_001))
    assert written == len(ctx.captured_queries) <= 102
    job.refresh_from_db()
    assert job.done == 10_000 and job.status == Job.Status.RUNNING and job.percent == 100


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_outside_a_long_transaction() -> None:
    """On PostgreSQL the import's one long transaction must not hide its progress."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (SQLite has a single writer; progress is written in the transaction)")
    job = job_start(actor=None, kind=IMPORT, total=100)
    with transaction.atomic():
        job_progress(job, done=40, total=100)
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT done, status FROM core_job WHERE id = %s", [job.pk])
                assert cursor.fetchone() == (40, "running")
        finally:
            other.close()
