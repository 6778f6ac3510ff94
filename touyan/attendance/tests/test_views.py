"""Attendance pages: sign-in, duty book, import, roster and gaps, leave (WF-4), the monthly
table with its export and lock (WF-8), the working-day calendar and blocked periods — each
for its role, with bad input shown beside the field and outsiders getting 404/403."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from conftest import TOWNSHIP_A1, TOWNSHIP_B1, VILLAGE_A1, VILLAGE_B1, make_id
from touyan.attendance import services
from touyan.attendance.models import CalendarDay, DutyAssignment, LeaveRequest, MonthLock, Presence
from touyan.attendance.workcalendar import month_calendar
from touyan.audit.models import AuditEvent

D = dt.date
VILLAGE_A1_2 = "522301001002"


def _full_time(person_id: int) -> None:
    from touyan.cadres.models import Post

    Post.objects.filter(person_id=person_id).update(full_time=True)


@pytest.mark.django_db
def test_pages_render_for_their_roles(login, personas, cadre_user, make_cadre) -> None:
    me = cadre_user(posts=("PS",))
    make_cadre(village=VILLAGE_A1, posts=("VM",), name="李四")
    today = timezone.localdate()
    month = today.strftime("%Y-%m")
    cadre = login(me)
    for url in (
        "/attendance/me/",
        "/attendance/leave/",
        "/attendance/leave/new/",
        f"/attendance/roster/{VILLAGE_A1}/{month}/",
    ):
        r = cadre.get(url)
        assert r.status_code == 200, (url, r.content[:300])
    page = cadre.get("/attendance/me/").content.decode()
    assert "签到" in page and "日常管理" in page and "应出勤" in page
    assert 'href="/attendance/me/"' in page and 'href="/attendance/monthly/"' not in page  # the cadre's menu
    assert cadre.get("/attendance/roster/").status_code == 302  # to the cadre's own village
    assert "排班由乡镇维护" in cadre.get(f"/attendance/roster/{VILLAGE_A1}/{month}/").content.decode()
    assert cadre.get(f"/attendance/monthly/{VILLAGE_A1}/2026-03/").status_code == 403
    assert cadre.get("/attendance/import/").status_code == 403

    officer = login(personas["township_a1"])
    for url in (
        f"/attendance/duty-book/{VILLAGE_A1}/{today.isoformat()}/",
        "/attendance/import/",
        f"/attendance/roster/{VILLAGE_A1}/{month}/",
        f"/attendance/gaps/{TOWNSHIP_A1}/{month}/",
        "/attendance/leave/",
        "/attendance/leave/new/",
        f"/attendance/monthly/{TOWNSHIP_A1}/{month}/",
        "/attendance/blocked/",
        "/attendance/calendar/2026/",
        "/attendance/duty-book/",
        "/attendance/roster/",
    ):
        r = officer.get(url)
        assert r.status_code == 200, (url, r.status_code, r.content[:300])
    menu = officer.get("/attendance/leave/").content.decode()
    assert "值班缺口" in menu and "月度考勤" in menu and 'href="/attendance/me/"' not in menu
    assert officer.get("/attendance/me/").status_code == 403  # sign-in is the cadre's own
    for url in ("/attendance/gaps/", "/attendance/monthly/", "/attendance/calendar/"):
        assert officer.get(url).status_code == 302

    admin = login(personas["county_a_admin"])
    assert admin.get("/attendance/monthly/522301/2026-03/").status_code == 200
    assert "宣布暂停请假期" in admin.get("/attendance/blocked/").content.decode()
    assert "录入或更正某一天" not in admin.get("/attendance/calendar/2026/").content.decode()
    assert "录入或更正某一天" in login(personas["national"]).get("/attendance/calendar/2026/").content.decode()


@pytest.mark.django_db
def test_the_sign_in_button_makes_exactly_one_record(login, cadre_user) -> None:
    me = cadre_user()
    c = login(me)
    assert "今日已签到" not in c.get("/attendance/me/").content.decode()
    r = c.post("/attendance/me/", follow=True)
    assert r.status_code == 200 and "今日已签到" in r.content.decode() and "签到成功" in r.content.decode()
    r = c.post("/attendance/me/", follow=True)
    assert "今天已经签到过了" in r.content.decode()
    assert Presence.objects.filter(person_id=me.cadre_id).count() == 1
    record = Presence.objects.get(person_id=me.cadre_id)
    assert record.channel == "web" and record.date == timezone.localdate() and record.inside_fence is None


@pytest.mark.django_db
def test_duty_book(login, personas, cadre_user, make_cadre) -> None:
    today = timezone.localdate()
    duty = cadre_user(posts=("VDD",), name="值班员")
    a = make_cadre(village=VILLAGE_A1, posts=("VM",), name="甲")
    b = make_cadre(village=VILLAGE_A1, posts=("CLK",), name="乙")
    url = f"/attendance/duty-book/{VILLAGE_A1}/{today.isoformat()}/"
    # Not on duty today: the cadre is told who keeps the book, nothing else.
    r = login(duty).get(url)
    assert r.status_code == 403 and "值班簿由当天值班的干部或乡镇填写" in r.content.decode()
    services.duty_set(actor=personas["township_a1"], village_code=VILLAGE_A1, day=today, cadre_ids=[duty.cadre_id])
    c = login(duty)
    page = c.get(url).content.decode()
    assert "甲" in page and "乙" in page and "在岗" in page and "公出" in page and "未到" in page
    ids = [duty.cadre_id, a.pk, b.pk]
    form = {"m-TOTAL_FORMS": "3", "m-INITIAL_FORMS": "0"}
    for i, (pid, mark) in enumerate(zip(ids, ["present", "official_business", "absent"], strict=True)):
        form |= {f"m-{i}-cadre": str(pid), f"m-{i}-mark": mark}
    r = c.post(url, form)
    assert r.status_code == 302, r.content.decode()[:1000]
    assert set(Presence.objects.values_list("person_id", "kind", "channel")) == {
        (duty.cadre_id, "present", "duty_book"),
        (a.pk, "official_business", "duty_book"),
    }
    assert c.post(url, form).status_code == 302  # the same marks again: idempotent
    assert Presence.objects.count() == 2
    page = c.get(url).content.decode()
    assert "已登记" in page and "值班簿" in page
    # A cadre of another village is refused beside the line, nothing written.
    outsider = make_cadre(village=VILLAGE_A1_2, posts=("VM",))
    r = c.post(
        url, {"m-TOTAL_FORMS": "1", "m-INITIAL_FORMS": "0", "m-0-cadre": str(outsider.pk), "m-0-mark": "present"}
    )
    assert r.status_code == 200 and "不是本村在任干部" in r.content.decode()
    assert Presence.objects.count() == 2
    # The duty officer keeps only today's book; the township keeps any past day.
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    assert c.get(f"/attendance/duty-book/{VILLAGE_A1}/{yesterday}/").status_code == 403
    officer = login(personas["township_a1"])
    r = officer.post(
        f"/attendance/duty-book/{VILLAGE_A1}/{yesterday}/",
        {"m-TOTAL_FORMS": "1", "m-INITIAL_FORMS": "0", "m-0-cadre": str(b.pk), "m-0-mark": "present"},
    )
    assert r.status_code == 302 and Presence.objects.filter(person=b, channel="duty_book").exists()
    future = (today + dt.timedelta(days=2)).isoformat()
    assert "这一天还没到" in officer.get(f"/attendance/duty-book/{VILLAGE_A1}/{future}/").content.decode()


def _csv(*lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("在岗.csv", ("\n".join(lines) + "\n").encode("utf-8-sig"), content_type="text/csv")


@pytest.mark.django_db
def test_import_with_one_bad_row_writes_nothing(login, personas, make_cadre) -> None:
    number = make_id("522301", "19800101", 77)
    a = make_cadre(village=VILLAGE_A1, name="张三")
    b = make_cadre(village=VILLAGE_A1_2, name="李四", id_number=number)
    stranger = make_cadre(village=VILLAGE_B1, name="外县人")
    c = login(personas["township_a1"])
    template = c.get("/attendance/import/template/")
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.content))
    assert book.sheetnames[0] == "在岗记录" and "干部名单" in book.sheetnames
    listed = {row[1] for row in book["干部名单"].iter_rows(min_row=2, values_only=True)}
    assert listed == {"张三", "李四"}  # only the township's own cadres
    assert AuditEvent.objects.filter(action="attendance.import.template").count() == 1

    r = c.post(
        "/attendance/import/",
        {
            "file": _csv(
                "干部编号,身份证号,姓名,日期,类别",
                f"{a.pk},,张三,2026-03-02,在岗",
                f",{number},,2026/3/3,公出",
                f"{stranger.pk},,,2026-03-02,在岗",
                f"{a.pk},,王五,2026-03-04,在岗",
                ",,,2026-03-05,",
                f"{a.pk},,,2026-13-01,请假",
            )
        },
    )
    page = r.content.decode()
    assert r.status_code == 200 and "没有写入任何记录" in page
    for line, text in ((4, "不在您的管辖范围内"), (5, "与干部编号不符"), (6, "请填写干部编号"), (7, "日期无效")):
        assert f'<td class="num">{line}</td>' in page and text in page, (line, text)
    assert Presence.objects.count() == 0 and number not in page

    r = c.post(
        "/attendance/import/",
        {
            "file": _csv(
                "干部编号,身份证号,姓名,日期,类别", f"{a.pk},,张三,2026-03-02,在岗", f",{number},,2026/3/3,公出"
            )
        },
    )
    assert r.status_code == 302
    assert set(Presence.objects.values_list("person_id", "date", "kind", "channel")) == {
        (a.pk, D(2026, 3, 2), "present", "import"),
        (b.pk, D(2026, 3, 3), "official_business", "import"),
    }
    # The same rows in an XLSX file: nothing new, and the page says so.
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.append(["干部编号", "身份证号", "姓名", "日期", "类别"])
    ws.append([a.pk, None, "张三", dt.datetime(2026, 3, 2), "在岗"])
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = SimpleUploadedFile("在岗.xlsx", buffer.getvalue())
    r = c.post("/attendance/import/", {"file": upload}, follow=True)
    assert "新登记 0 条" in r.content.decode() and "1 条此前已有记录" in r.content.decode()
    assert Presence.objects.count() == 2
    bad = c.post("/attendance/import/", {"file": SimpleUploadedFile("x.pdf", b"%PDF")})
    assert bad.status_code == 200 and "请上传 .xlsx 或 .csv 文件" in bad.content.decode()
    assert "invalid-feedback" in bad.content.decode()


@pytest.mark.django_db
def test_roster_save_copy_and_gaps(login, personas, make_cadre) -> None:
    a = make_cadre(village=VILLAGE_A1, posts=("PS",), name="书记甲")
    b = make_cadre(village=VILLAGE_A1, posts=("VM",), name="委员乙")
    c = login(personas["township_a1"])
    days = [D(2026, 3, d) for d in range(1, 32)]
    form = {
        "day": [d.isoformat() for d in days],
        "duty": [f"{d.isoformat()}:{a.pk if d.day % 2 else b.pk}" for d in days],
    }
    form["duty"] = [v for v in form["duty"] if not v.startswith("2026-03-10")]
    r = c.post(f"/attendance/roster/{VILLAGE_A1}/2026-03/", form)
    assert r.status_code == 302
    assert DutyAssignment.objects.filter(village_id=VILLAGE_A1, date__month=3).count() == 30
    assert list(DutyAssignment.objects.filter(date=D(2026, 3, 3)).values_list("person_id", flat=True)) == [a.pk]
    # Every rostered cadre was present except on the 10th, which nobody covers.
    Presence.objects.bulk_create(
        [Presence(person_id=a.pk if d.day % 2 else b.pk, village_id=VILLAGE_A1, date=d, channel="import") for d in days]
    )
    page = c.get(f"/attendance/roster/{VILLAGE_A1}/2026-03/").content.decode()
    assert 'id="d-2026-03-10"' in page and "无人值班" in page and "本月有 1 天没有人值班" in page
    gaps = c.get(f"/attendance/gaps/{TOWNSHIP_A1}/2026-03/").content.decode()
    assert "坪东社区" in gaps and f"/attendance/roster/{VILLAGE_A1}/2026-03/#d-2026-03-10" in gaps
    assert "栗坪村" in gaps and "本月未排班" in gaps  # the other village has no roster at all
    # A saved form that changes one day only touches that day; unticking clears it.
    r = c.post(f"/attendance/roster/{VILLAGE_A1}/2026-03/", {"day": ["2026-03-03"], "duty": []})
    assert r.status_code == 302 and not DutyAssignment.objects.filter(date=D(2026, 3, 3)).exists()
    assert DutyAssignment.objects.filter(village_id=VILLAGE_A1, date__month=3).count() == 29
    # 复制上月排班 into April: weekday order, only cadres still in post.
    r = c.post(f"/attendance/roster/{VILLAGE_A1}/2026-04/copy/", follow=True)
    assert "已按上月排班复制" in r.content.decode()
    assert DutyAssignment.objects.filter(village_id=VILLAGE_A1, date__month=4).count() > 20
    # A cadre of another village cannot be rostered: a message, nothing saved.
    other = make_cadre(village=VILLAGE_A1_2)
    r = c.post(f"/attendance/roster/{VILLAGE_A1}/2026-05/", {"day": ["2026-05-04"], "duty": [f"2026-05-04:{other.pk}"]})
    assert r.status_code == 200 and "只能安排本村在任干部值班" in r.content.decode()
    assert not DutyAssignment.objects.filter(date__month=5).exists()


@pytest.mark.django_db
def test_leave_request_queue_approve_and_return(login, personas, cadre_user) -> None:
    """WF-4 through the pages: 5 days → 书记 → 乡镇党委 → approved → 销假."""
    me = cadre_user(posts=("VM",), name="请假人")
    secretary = cadre_user(posts=("PS",), username="secretary", name="王书记")
    c = login(me)
    bad = c.post("/attendance/leave/new/", {"start_date": "2026-12-18", "end_date": "2026-12-14", "reason": ""})
    assert bad.status_code == 200
    assert "结束日期不能早于开始日期" in bad.content.decode() and "请填写请假事由" in bad.content.decode()
    r = c.post("/attendance/leave/new/", {"start_date": "2026-12-14", "end_date": "2026-12-18", "reason": "家中有事"})
    assert r.status_code == 302
    leave = LeaveRequest.objects.get()
    assert leave.person_id == me.cadre_id and leave.route == ["secretary", "township"]
    detail = c.get(f"/attendance/leave/{leave.pk}/").content.decode()
    assert "村党组织书记审批" in detail and "乡镇党委审批" in detail and "待审批" in detail
    assert 'value="approve"' not in detail  # nobody approves their own leave
    assert "请假人" in c.get("/attendance/leave/").content.decode()

    s = login(secretary)
    queue = s.get("/attendance/leave/").content.decode()
    assert "待我审批" in queue and "请假人" in queue
    assert s.post(f"/attendance/leave/{leave.pk}/decide/", {"decision": "reject", "note": ""}).status_code == 200
    r = s.post(f"/attendance/leave/{leave.pk}/decide/", {"decision": "approve", "note": "同意"}, follow=True)
    assert "转乡镇党委审批" in r.content.decode()
    leave.refresh_from_db()
    assert leave.status == "submitted" and leave.next_level == "township"
    assert "请假人" not in s.get("/attendance/leave/").content.decode().split("我的请假")[0]

    t = login(personas["township_a1"])
    assert "请假人" in t.get("/attendance/leave/").content.decode().split("我的请假")[0]
    r = t.post(f"/attendance/leave/{leave.pk}/decide/", {"decision": "approve", "note": ""}, follow=True)
    assert "请假已批准" in r.content.decode()
    leave.refresh_from_db()
    assert leave.status == "approved"

    page = c.get(f"/attendance/leave/{leave.pk}/").content.decode()
    assert "销假" in page and "王书记" in page  # the approval history names the approver
    r = c.post(f"/attendance/leave/{leave.pk}/return/", {"returned_on": "2026-12-17"})
    assert r.status_code == 302
    leave.refresh_from_db()
    assert leave.status == "returned" and leave.days == 3
    assert "已销假" in c.get(f"/attendance/leave/{leave.pk}/").content.decode()


@pytest.mark.django_db
def test_overdue_leave_and_filing_for_a_cadre(login, personas, make_cadre) -> None:
    person = make_cadre(village=VILLAGE_A1, name="赵六")
    officer = personas["township_a1"]
    today = timezone.localdate()
    t = login(officer)
    start = today - dt.timedelta(days=5)
    r = t.post(
        "/attendance/leave/new/",
        {
            "cadre": str(person.pk),
            "start_date": start.isoformat(),
            "end_date": (start + dt.timedelta(days=1)).isoformat(),
            "reason": "看病",
        },
    )
    assert r.status_code == 302
    leave = LeaveRequest.objects.get(person=person)
    services.leave_decide(actor=officer, leave_id=leave.pk, approve=True)
    assert "逾期未销假" in t.get(f"/attendance/leave/{leave.pk}/").content.decode()
    assert "逾期未销假" in t.get("/attendance/leave/?status=overdue").content.decode()
    blocked = t.post("/attendance/leave/new/", {"cadre": "999999", "start_date": "2026-12-01", "end_date": "2026-12-01",
                                               "reason": "x"})  # fmt: skip
    assert blocked.status_code == 200 and "invalid-feedback" in blocked.content.decode()


@pytest.mark.django_db
def test_month_not_over_flags_only_who_can_no_longer_make_it_up(login, personas, cadre_user, monkeypatch) -> None:
    """A4 in a month still running: the shortfall is shown for everyone, but only a cadre whose
    shortfall exceeds the workdays left is highlighted and counted (October 2026: 18 workdays)."""
    today = D(2026, 10, 20)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
    steady, behind = cadre_user(posts=("PS",), name="钱七"), cadre_user(posts=("VD",), name="孙八")
    workdays = sorted(month_calendar(2026, 10).workdays)
    so_far, left = [d for d in workdays if d <= today], [d for d in workdays if d > today]
    assert (len(workdays), len(so_far), len(left)) == (18, 10, 8)
    Presence.objects.bulk_create(
        [Presence(person_id=steady.cadre_id, village_id=VILLAGE_A1, date=d, channel="import") for d in so_far]
        + [Presence(person_id=behind.cadre_id, village_id=VILLAGE_A1, date=d, channel="import") for d in so_far[:2]]
    )
    c = login(personas["township_a1"])
    page = c.get(f"/attendance/monthly/{TOWNSHIP_A1}/2026-10/").content.decode()
    assert "今后还有 8 个工作日" in page and "共 2 人,1 人已无法补足" in page
    assert page.count('class="table-danger"') == 1
    assert '<td class="num fw-bold text-danger">16</td>' in page  # 孙八: 18 − 2 > 8 left
    assert '<td class="num">8</td>' in page  # 钱七: 8 still to come, 8 workdays left
    short = c.get(f"/attendance/monthly/{TOWNSHIP_A1}/2026-10/?short=1").content.decode()
    assert "孙八" in short and "钱七" not in short
    sheet = load_workbook(io.BytesIO(c.get(f"/attendance/monthly/{TOWNSHIP_A1}/2026-10/export/").content)).worksheets[0]
    assert "今后还有 8 个工作日" in str(sheet.cell(2, 1).value)
    fills = {row[3].value: row[3].fill.fgColor.rgb for row in sheet.iter_rows(min_row=5) if row[0].value}
    assert fills["孙八"].endswith("F8D7DA") and not str(fills["钱七"]).endswith("F8D7DA")


@pytest.mark.django_db
def test_monthly_table_export_and_lock(login, personas, cadre_user, django_assert_max_num_queries) -> None:
    me = cadre_user(posts=("PS",), name="钱七")
    workdays = sorted(month_calendar(2026, 10).workdays)
    Presence.objects.bulk_create(
        [Presence(person_id=me.cadre_id, village_id=VILLAGE_A1, date=d, channel="import") for d in workdays[:10]]
    )
    c = login(personas["township_a1"])
    url = f"/attendance/monthly/{TOWNSHIP_A1}/2026-10/"
    with django_assert_max_num_queries(25):
        r = c.get(url)
    page = r.content.decode()
    required = min(22, len(workdays))
    assert "钱七" in page and 'class="table-danger"' in page and "1 人出勤不足" in page
    assert f'<td class="num fw-bold text-danger">{required - 10}</td>' in page
    assert "锁定本月" in page and "未锁定" in page

    export = c.get(url + "export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    rows = [row for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]]
    assert rows == [(1, "黄草街道", "坪东社区", "钱七", required, 10, 0, required - 10, len(workdays) - 10)]
    assert AuditEvent.objects.filter(action="attendance.monthly.export", region_code=TOWNSHIP_A1).count() == 1

    r = c.post(url + "lock/", follow=True)
    assert "考勤已锁定" in r.content.decode() and "已锁定" in r.content.decode() and "town_a1" in r.content.decode()
    assert MonthLock.objects.filter(region_id=TOWNSHIP_A1, month=D(2026, 10, 1)).exists()
    assert "该月已锁定" in c.post(url + "lock/", follow=True).content.decode()
    # Too early for next month: the message says when, nothing locked.
    this_month = timezone.localdate().strftime("%Y-%m")
    early = c.post(f"/attendance/monthly/{TOWNSHIP_A1}/{this_month}/lock/", follow=True).content.decode()
    assert "须在次月" in early and MonthLock.objects.count() == 1
    # A cadre cannot lock; a village's page shows its township's lock.
    assert login(me).post(f"/attendance/monthly/{VILLAGE_A1}/2026-10/lock/").status_code == 403
    assert "已锁定" in c.get(f"/attendance/monthly/{VILLAGE_A1}/2026-10/").content.decode()


@pytest.mark.django_db
def test_calendar_override_changes_the_months_workdays(login, personas) -> None:
    before = len(month_calendar(2026, 12).workdays)
    national = login(personas["national"])
    r = national.post("/attendance/calendar/2026/", {"day": "2026-12-26", "is_workday": "1", "note": "调休上班"})
    assert r.status_code == 302
    assert len(month_calendar(2026, 12).workdays) == before + 1
    assert CalendarDay.objects.get(date=D(2026, 12, 26)).note == "调休上班"
    assert AuditEvent.objects.filter(action="attendance.calendar.set").count() == 1
    page = national.get("/attendance/calendar/2026/").content.decode()
    assert f"工作日 {before + 1} 天" in page
    bad = national.post("/attendance/calendar/2026/", {"day": "2026-02-30", "is_workday": "1"})
    assert bad.status_code == 200 and "请输入有效的日期" in bad.content.decode()
    # The calendar is one for everyone: a county administrator may read it, not change it.
    county = login(personas["county_a_admin"])
    assert county.post("/attendance/calendar/2026/", {"day": "2026-12-27", "is_workday": "1"}).status_code == 403
    assert "未确认" in county.get("/attendance/calendar/2027/").content.decode()
    assert county.get("/attendance/calendar/1900/").status_code == 404


@pytest.mark.django_db
def test_blocked_period_is_declared_and_refuses_leave(login, personas, cadre_user) -> None:
    admin = login(personas["county_a_admin"])
    r = admin.post(
        "/attendance/blocked/",
        {"region": "522301000000", "start_date": "2027-06-01", "end_date": "2027-08-31", "reason": "防汛期"},
    )
    assert r.status_code == 302
    assert "2027-06-01" in login(personas["township_a1"]).get("/attendance/blocked/").content.decode()
    assert "2027-06-01" not in login(personas["township_b1"]).get("/attendance/blocked/").content.decode()
    me = cadre_user()
    r = login(me).post(
        "/attendance/leave/new/", {"start_date": "2027-07-01", "end_date": "2027-07-02", "reason": "探亲"}
    )
    assert r.status_code == 200 and "防汛期" in r.content.decode() and "暂停请假" in r.content.decode()
    bad = admin.post("/attendance/blocked/", {"region": "522301000000", "start_date": "2027-09-02",
                                             "end_date": "2027-09-01", "reason": ""})  # fmt: skip
    assert bad.status_code == 200 and "结束日期不能早于开始日期" in bad.content.decode()
    assert login(personas["township_a1"]).post("/attendance/blocked/", {"region": TOWNSHIP_A1}).status_code == 403


@pytest.mark.django_db
def test_outsiders_get_404(login, personas, cadre_user, make_cadre) -> None:
    mine = cadre_user()
    other_village = cadre_user(village=VILLAGE_A1_2)
    leave = services.leave_submit(
        actor=mine, cadre_id=mine.cadre_id, start=D(2026, 12, 7), end=D(2026, 12, 7), reason="事假"
    )
    b1 = login(personas["township_b1"])
    today = timezone.localdate().isoformat()
    for url in (
        f"/attendance/duty-book/{VILLAGE_A1}/{today}/",
        f"/attendance/roster/{VILLAGE_A1}/2026-03/",
        f"/attendance/gaps/{TOWNSHIP_A1}/2026-03/",
        f"/attendance/monthly/{TOWNSHIP_A1}/2026-03/",
        f"/attendance/monthly/{TOWNSHIP_A1}/2026-03/export/",
        f"/attendance/leave/{leave.pk}/",
        "/attendance/roster/abc/2026-03/",  # a malformed code is a 404, not a 500
        f"/attendance/roster/{TOWNSHIP_B1}/2026-03/",  # a township is not a village
    ):
        assert b1.get(url).status_code == 404, url
    assert b1.post(f"/attendance/leave/{leave.pk}/decide/", {"decision": "approve"}).status_code == 404
    # A cadre of the next village sees neither this village's book nor roster nor leave.
    c = login(other_village)
    assert c.get(f"/attendance/roster/{VILLAGE_A1}/2026-03/").status_code == 404
    assert c.get(f"/attendance/duty-book/{VILLAGE_A1}/{today}/").status_code == 404
    assert c.get(f"/attendance/leave/{leave.pk}/").status_code == 404
    assert login(personas["auditor"]).get(f"/attendance/monthly/{TOWNSHIP_A1}/2026-03/").status_code == 403
    assert login(personas["township_a1"]).get("/attendance/monthly/522301001/2026-13/").status_code == 404
    # Importing a cadre outside the scope is a row error; nothing written.
    stranger = make_cadre(village=VILLAGE_B1)
    r = login(personas["township_a1"]).post(
        "/attendance/import/", {"file": _csv("干部编号,日期", f"{stranger.pk},2026-03-02")}
    )
    assert "不在您的管辖范围内" in r.content.decode() and Presence.objects.count() == 0


# --- location fences for web sign-in (A4 Compliance, R-ATT-04) ---


def _location_on(personas) -> None:
    from touyan.policy.services import policy_put

    policy_put(actor=personas["county_a_admin"], region_code="522301000000", effective_from=D(2026, 1, 1),
               params={"location_check": True})  # fmt: skip


def _fence_form(village: str, **fields: str) -> dict[str, str]:
    return {"village": village, "op": "set", "latitude": "25.0918", "longitude": "104.8954", "radius_m": "500"} | fields


@pytest.mark.django_db
def test_fence_page_sets_and_clears_a_villages_fence(login, personas) -> None:
    from touyan.attendance.models import VillageFence

    c = login(personas["township_a1"])
    assert c.get("/attendance/fences/")["Location"] == f"/attendance/fences/{TOWNSHIP_A1}/"
    url = f"/attendance/fences/{TOWNSHIP_A1}/"
    page = c.get(url).content.decode()
    assert "坪东社区" in page and "栗坪村" in page and "丰都社区" not in page  # A2's village is not A1's
    assert "已设置签到范围 <strong>0</strong> 个" in page and "未开启签到位置核验" in page
    assert 'href="/attendance/fences/"' in page  # the menu links the page
    assert f'href="/policy/{TOWNSHIP_A1}/"' in page and c.get(f"/policy/{TOWNSHIP_A1}/").status_code == 200
    r = c.post(url, _fence_form(VILLAGE_A1, radius_m="800"))
    assert r.status_code == 302 and r["Location"] == f"{url}#v-{VILLAGE_A1}"
    fence = VillageFence.objects.get()
    assert (fence.village_id, fence.latitude, fence.radius_m) == (VILLAGE_A1, Decimal("25.091800"), 800)
    page = c.get(url).content.decode()
    assert "中心 25.091800, 104.895400 · 半径 800 米" in page and "已设置签到范围 <strong>1</strong> 个" in page
    assert AuditEvent.objects.filter(action="attendance.fence.set", object_id=VILLAGE_A1).count() == 1
    # Bad values: the errors beside that village's fields, its form open, nothing changed.
    r = c.post(url, _fence_form(VILLAGE_A1_2, latitude="104.8954", longitude="25.0918", radius_m="10"))
    page = r.content.decode()
    assert r.status_code == 200 and page.count("invalid-feedback") == 3 and "中心纬度须在 3 到 54 之间" in page
    assert f'id="fence-{VILLAGE_A1_2}-radius_m"' in page and '<details class="att-fence mt-2" open>' in page
    assert VillageFence.objects.count() == 1
    r = c.post(url, {"village": VILLAGE_A1, "op": "clear"}, follow=True)
    assert "已清除坪东社区的签到范围" in r.content.decode() and not VillageFence.objects.exists()
    assert AuditEvent.objects.filter(action="attendance.fence.clear", object_id=VILLAGE_A1).count() == 1
    _location_on(personas)
    assert "已开启签到位置核验" in c.get(url).content.decode()
    # The county sees every township's villages, with the township named.
    county = login(personas["county_a_admin"]).get("/attendance/fences/522301000000/").content.decode()
    assert "丰都社区" in county and "黄草街道" in county


@pytest.mark.django_db
def test_fence_page_is_the_townships_own(login, personas, cadre_user) -> None:
    """B1's officer neither sees nor changes A1's fences (404); a cadre has no fence page (403)."""
    from touyan.attendance.models import VillageFence

    services.fence_set(actor=personas["township_a1"], village_code=VILLAGE_A1, latitude=Decimal("25.0918"),
                       longitude=Decimal("104.8954"), radius_m=500)  # fmt: skip
    b1 = login(personas["township_b1"])
    assert b1.get(f"/attendance/fences/{TOWNSHIP_A1}/").status_code == 404
    assert b1.get(f"/attendance/fences/{VILLAGE_A1}/").status_code == 404
    assert "坪东社区" not in b1.get(f"/attendance/fences/{TOWNSHIP_B1}/").content.decode()
    assert b1.post(f"/attendance/fences/{TOWNSHIP_A1}/", _fence_form(VILLAGE_A1, radius_m="900")).status_code == 404
    assert b1.post(f"/attendance/fences/{TOWNSHIP_B1}/", _fence_form(VILLAGE_A1, radius_m="900")).status_code == 404
    assert b1.post(f"/attendance/fences/{TOWNSHIP_B1}/", {"village": VILLAGE_A1, "op": "clear"}).status_code == 404
    assert VillageFence.objects.get().radius_m == 500
    assert b1.post(f"/attendance/fences/{TOWNSHIP_B1}/", _fence_form(VILLAGE_B1)).status_code == 302  # its own: fine
    cadre = login(cadre_user())
    assert cadre.get(f"/attendance/fences/{VILLAGE_A1}/").status_code == 403
    assert cadre.post(f"/attendance/fences/{VILLAGE_A1}/", _fence_form(VILLAGE_A1, radius_m="50")).status_code == 403
    assert login(personas["auditor"]).get(f"/attendance/fences/{TOWNSHIP_A1}/").status_code == 403
    assert VillageFence.objects.get(village_id=VILLAGE_A1).radius_m == 500


@pytest.mark.django_db
def test_sign_in_page_sends_the_position_only_where_it_is_checked(login, personas, cadre_user) -> None:
    """A4: location off → no position asked for; on without a fence → none either, and the page
    says why; on with a fence → the hidden inputs and the note that only 村内/村外 is kept."""
    me = cadre_user()
    c = login(me)
    page = c.get("/attendance/me/").content.decode()
    assert "data-locate" not in page and 'name="latitude"' not in page and "位置核验" not in page
    _location_on(personas)
    page = c.get("/attendance/me/").content.decode()
    assert "data-locate" not in page and "本村尚未设置签到范围" in page
    services.fence_set(actor=personas["township_a1"], village_code=VILLAGE_A1, latitude=Decimal("25.0918"),
                       longitude=Decimal("104.8954"), radius_m=500)  # fmt: skip
    page = c.get("/attendance/me/").content.decode()
    assert "data-locate" in page and 'name="latitude"' in page and 'name="longitude"' in page
    assert "不保存您的位置" in page and "签到同样有效" in page


@pytest.mark.django_db
def test_sign_in_page_with_and_without_a_position(login, personas, cadre_user) -> None:
    _location_on(personas)
    services.fence_set(actor=personas["township_a1"], village_code=VILLAGE_A1, latitude=Decimal("25.0918"),
                       longitude=Decimal("104.8954"), radius_m=500)  # fmt: skip
    inside, outside, refused, broken = cadre_user(), cadre_user(), cadre_user(), cadre_user()
    r = login(inside).post("/attendance/me/", {"latitude": "25.096300", "longitude": "104.895400"}, follow=True)
    page = r.content.decode()
    assert "签到成功" in page and "今日已签到" in page and "村内" in page and "村外" not in page
    r = login(outside).post("/attendance/me/", {"latitude": "25.109800", "longitude": "104.895400"}, follow=True)
    assert "村外 约 2,002 米" in r.content.decode()
    r = login(refused).post("/attendance/me/", {"latitude": "", "longitude": ""}, follow=True)
    assert "签到成功" in r.content.decode() and "本次签到未核对位置" in r.content.decode()
    r = login(broken).post("/attendance/me/", {"latitude": "abc", "longitude": "104.8954"}, follow=True)
    assert "签到成功" in r.content.decode()  # a malformed position never blocks the sign-in
    assert dict(Presence.objects.values_list("person_id", "distance_m")) == {
        inside.cadre_id: 500, outside.cadre_id: 2002, refused.cadre_id: None, broken.cadre_id: None
    }  # fmt: skip
    # The township reads the result in the duty book, beside each web sign-in.
    book = login(personas["township_a1"]).get(f"/attendance/duty-book/{VILLAGE_A1}/{timezone.localdate()}/")
    page = book.content.decode()
    assert page.count("data-location") == 2 and "村内" in page and "村外 约 2,002 米" in page


@pytest.mark.django_db
def test_fence_page_queries_do_not_grow_with_villages(login, personas) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from touyan.regions.models import Region

    c = login(personas["township_a1"])
    url = f"/attendance/fences/{TOWNSHIP_A1}/"
    with CaptureQueriesContext(connection) as few:
        assert c.get(url).status_code == 200
    for n in range(3, 40):
        Region.objects.create(code=f"522301001{n:03d}", name=f"新村{n}", level="village", parent_id=TOWNSHIP_A1)
        services.fence_set(actor=personas["township_a1"], village_code=f"522301001{n:03d}",
                           latitude=Decimal("25.09"), longitude=Decimal("104.89"), radius_m=500)  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        page = c.get(url).content.decode()
    assert "新村39" in page and "已设置签到范围 <strong>37</strong> 个" in page
    assert len(many.captured_queries) == len(few.captured_queries)
