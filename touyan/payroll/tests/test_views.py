"""Payroll pages end to end: WF-8 by the right roles, payslips a cadre can read on a phone,
the PDF payslip, the summary workbook, the 一卡通 payout file (county finance only, sums to
the run total, audited), the pay standard, and the benefit pages (SPEC A6, R-PAY-01…12)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal as D
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from conftest import COUNTY_A, PASSWORD, TOWNSHIP_A1, VILLAGE_A1, make_id
from touyan.accounts.models import Role
from touyan.accounts.services import user_create
from touyan.assessment.models import QuarterlyEvaluation
from touyan.audit.models import AuditEvent
from touyan.cadres.services import PersonIn, PostIn, cadre_create
from touyan.core.models import Job
from touyan.payroll.models import Adjustment, BankAccount, CollectiveReward, DepartureAllowance, Insurance, PayRun
from touyan.payroll.tests import test_services
from touyan.payroll.tests.factories import (
    AdjustmentFactory,
    CadreFactory,
    CountyStatsFactory,
    MonthLockFactory,
    closed_reward_decision,
)
from touyan.policy.models import PolicyDocument
from touyan.regions.models import RegionStat

RUNS = "/payroll/runs/"
worked_example = test_services.worked_example  # the A6 fixture, shared


def _open_and_calculate(c: Client, expect: str = "已计算 1 人,合计 ¥11,379.37") -> PayRun:
    r = c.post(RUNS, {"region": TOWNSHIP_A1, "month": "2026-03"})
    assert r.status_code == 302, r.content[:500]
    run = PayRun.objects.get()
    assert r["Location"] == f"/payroll/runs/{run.pk}/"
    r = c.post(f"/payroll/runs/{run.pk}/calculate/")
    assert r.status_code == 302 and "?job=" in r["Location"]
    page = c.get(r["Location"])
    assert page.status_code == 200
    assert expect in page.content.decode()
    run.refresh_from_db()
    return run


def _advance(c: Client, run: PayRun, to: str) -> Any:
    return c.post(f"/payroll/runs/{run.pk}/advance/", {"to": to})


@pytest.mark.django_db
def test_wf8_flow_by_the_right_roles(login, personas, finance, worked_example) -> None:
    """Open → calculate → notice → township approval (township) → finance approval → paid →
    closed (county finance); the wrong role is refused at each step."""
    officer, cf = login(personas["township_a1"]), login(finance["a"])
    run = _open_and_calculate(officer)
    assert run.state == "calculated" and run.total == D("11379.37")
    page = officer.get(f"/payroll/runs/{run.pk}/").content.decode()
    assert "开始村内公示" in page and "公示后不能再重新计算" in page  # the confirmation says what happens
    assert "县财政审批通过" not in page
    assert _advance(cf, run, "village_notice").status_code == 403  # finance cannot publicise
    assert _advance(officer, run, "village_notice").status_code == 302
    assert _advance(officer, run, "township_approved").status_code == 302
    assert _advance(officer, run, "county_finance_approved").status_code == 403
    page = cf.get(f"/payroll/runs/{run.pk}/").content.decode()
    assert "县财政审批通过" in page
    assert _advance(cf, run, "county_finance_approved").status_code == 302
    assert _advance(cf, run, "disbursed").status_code == 302
    assert _advance(cf, run, "closed").status_code == 302
    run.refresh_from_db()
    assert run.state == "closed"
    states = list(run.steps.values_list("state", "actor__username"))
    assert states == [
        ("open", "town_a1"),
        ("calculated", "town_a1"),
        ("village_notice", "town_a1"),
        ("township_approved", "town_a1"),
        ("county_finance_approved", "finance_a"),
        ("disbursed", "finance_a"),
        ("closed", "finance_a"),
    ]
    page = officer.get(f"/payroll/runs/{run.pk}/").content.decode()
    assert "已关闭,不能再修改" in page and "finance_a" in page
    # A closed run is not recalculated: the page refuses with a message.
    r = officer.post(f"/payroll/runs/{run.pk}/calculate/", follow=True)
    assert "不能重新计算" in r.content.decode()


@pytest.mark.django_db
def test_payout_file_is_for_county_finance_and_sums_to_the_run_total(
    login,
    personas,
    finance,
    worked_example,
    make_cadre,
) -> None:
    officer, cf = login(personas["township_a1"]), login(finance["a"])
    other = make_cadre(village=VILLAGE_A1, posts=("VM",), name="王委员")
    AdjustmentFactory.create(person=other, kind="honour", amount=D("1500.00"), reason="表彰")
    run = _open_and_calculate(officer, "已计算 2 人,合计 ¥12,879.37")
    assert run.total == D("12879.37")
    for to in ("village_notice", "township_approved"):
        _advance(officer, run, to)
    _advance(cf, run, "county_finance_approved")
    url = f"/payroll/runs/{run.pk}/payout.csv"
    # Accounts missing: refused with the names, nothing handed out.
    r = cf.get(url, follow=True)
    assert "未登记一卡通账号" in r.content.decode() and "韦书记" in r.content.decode()
    assert not AuditEvent.objects.filter(action="payroll.payout.download").exists()
    slip = run.payslips.get(person=worked_example)
    r = officer.post(
        f"/payroll/cadres/{worked_example.pk}/bank/",
        {"bank": "兴义农商银行", "account": "6217 0000 1111 2222 337", "next": f"/payroll/payslips/{slip.pk}/"},
    )
    assert r.status_code == 302 and r["Location"] == f"/payroll/payslips/{slip.pk}/"
    assert (
        cf.post(f"/payroll/cadres/{other.pk}/bank/", {"bank": "农村信用社", "account": "6228480000123452"}).status_code
        == 302
    )
    account = BankAccount.objects.get(person=worked_example)
    assert account.account_masked == "6217****2337" and "6217000011112222337" not in account.account_enc
    assert "6217000011112222337" not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    # Township officers and other counties' finance never get the file.
    assert officer.get(url).status_code == 403
    assert login(finance["b"]).get(url).status_code == 404
    assert login(personas["county_a_admin"]).get(url).status_code == 403
    r = cf.get(url)
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["姓名", "身份证号", "开户行", "账号", "金额"]
    body = {row[0]: row for row in rows[1:]}
    assert body["韦书记"][3] == "6217000011112222337"  # full number, only here
    assert "*" in body["韦书记"][1] and body["韦书记"][1] == worked_example.id_masked
    assert sum(D(row[4]) for row in rows[1:]) == run.total == D("12879.37")
    event = AuditEvent.objects.get(action="payroll.payout.download")
    assert event.actor_username == "finance_a" and event.changes["total"] == "12879.37"


@pytest.mark.django_db
def test_payslip_page_explains_each_line(login, personas, worked_example) -> None:
    officer = login(personas["township_a1"])
    run = _open_and_calculate(officer)
    slip = run.payslips.get()
    page = officer.get(f"/payroll/payslips/{slip.pk}/").content.decode()
    # The formula in words and numbers (issue 16): each figure named, with its unit.
    assert (
        "基本报酬 = max(标准 42,000 元, 3 × 上年农村居民人均可支配收入 14,000 元)"
        " × (1 + 5% × 连任 2 届) ÷ 12 = 3,850.00" in page
    )
    assert "绩效报酬 = 28,000 ÷ 4 × 1.0 × 0.9661 = 6,762.70" in page
    assert "本季度在岗 57 天、应在岗 59 天" in page
    assert "养老保险补贴 = 2,000 ÷ 12 = 166.67" in page
    assert "¥11,379.37" in page and "¥600.00" in page
    assert worked_example.id_masked in page


@pytest.mark.django_db
def test_the_embedded_font_has_the_formula_signs() -> None:
    """× and ÷ of the payslip's formulas, "·" and the cadre's Chinese all have glyphs in the font."""
    from reportlab.pdfbase import pdfmetrics

    from touyan.payroll import outputs

    assert outputs.cjk_font_file() is not None, "install fonts-wqy-zenhei (requirements/apt.txt)"
    face = pdfmetrics.getFont(outputs._register_font()).face
    assert all(ord(ch) in face.charToGlyph for ch in "×÷·韦书记基本报酬元0123456789,.")


def test_payslip_pdf_is_a_pdf_with_the_cadres_name(login, personas, worked_example) -> None:
    officer = login(personas["township_a1"])
    slip = _open_and_calculate(officer).payslips.get()
    r = officer.get(f"/payroll/payslips/{slip.pk}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    content = r.content
    # The CJK TrueType font is embedded (a subset), not only named: any reader shows the same page.
    assert content.startswith(b"%PDF") and b"/FontFile2" in content and b"STSong-Light" not in content
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
        assert "韦书记" in text and "11,379.37" in text and "基本报酬" in text


@pytest.mark.django_db
def test_a_cadre_sees_only_own_payslips_once_publicised(login, personas, worked_example, cadre_user) -> None:
    officer = login(personas["township_a1"])
    run = _open_and_calculate(officer)
    slip = run.payslips.get()
    own = user_create(
        actor=personas["national"],
        username="wei",
        password=PASSWORD,
        role=Role.CADRE,
        region_code=VILLAGE_A1,
        cadre_id=worked_example.pk,
    )
    me, stranger = login(own), login(cadre_user(village=VILLAGE_A1))
    assert me.get(f"/payroll/payslips/{slip.pk}/").status_code == 404  # not yet publicised
    assert "还没有可以查看的工资条" in me.get("/payroll/me/").content.decode()
    _advance(officer, run, "village_notice")
    page = me.get("/payroll/me/").content.decode()
    assert "¥11,379.37" in page and f"/payroll/payslips/{slip.pk}/" in page
    assert me.get(f"/payroll/payslips/{slip.pk}/").status_code == 200
    assert me.get(f"/payroll/payslips/{slip.pk}/pdf/").status_code == 200
    assert stranger.get(f"/payroll/payslips/{slip.pk}/").status_code == 404
    assert stranger.get(f"/payroll/payslips/{slip.pk}/pdf/").status_code == 404
    assert "¥11,379.37" not in stranger.get("/payroll/me/").content.decode()
    # Cadres have none of the officials' pages.
    assert me.get(RUNS)["Location"] == "/payroll/me/"
    assert me.get(f"/payroll/runs/{run.pk}/").status_code == 404
    assert me.get(f"/payroll/runs/{run.pk}/summary.xlsx").status_code == 404
    assert me.get(f"/payroll/policy/{VILLAGE_A1}/").status_code == 404


@pytest.mark.django_db
def test_summary_workbook_has_components_totals_and_masked_ids(login, personas, worked_example) -> None:
    officer = login(personas["township_a1"])
    run = _open_and_calculate(officer)
    r = officer.get(f"/payroll/runs/{run.pk}/summary.xlsx")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    values = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    header = values[2]
    assert header[:4] == ("乡镇(街道)", "村(社区)", "姓名", "身份证号")
    assert header[4:] == ("基本报酬", "绩效报酬", "专业化补贴", "养老保险补贴", "实发合计")
    person = values[3]
    assert person[2] == "韦书记" and person[3] == worked_example.id_masked and "*" in str(person[3])
    assert person[4:] == (3850.0, 6762.7, 600.0, 166.67, 11379.37)
    assert values[-1][0] == "合计(1 人)" and values[-1][-1] == pytest.approx(11379.37)
    assert AuditEvent.objects.filter(action="payroll.summary.download").count() == 1


@pytest.mark.django_db
def test_bad_input_gives_form_errors(login, personas, make_cadre) -> None:
    officer = login(personas["township_a1"])
    make_cadre(village=VILLAGE_A1, posts=("PS",))
    r = officer.post(RUNS, {"region": TOWNSHIP_A1, "month": "2026-13"})
    assert r.status_code == 200 and "请按 2026-03 的格式填写月份" in r.content.decode()
    r = officer.post(RUNS, {"region": TOWNSHIP_A1, "month": "2026-04"})
    assert r.status_code == 200 and "尚未锁定" in r.content.decode()
    r = officer.post(RUNS, {"region": "999", "month": "2026-04"})
    assert r.status_code == 200 and "invalid-feedback" in r.content.decode()
    assert PayRun.objects.count() == 0
    r = officer.post(f"/payroll/cadres/{make_cadre().pk}/bank/", {"bank": "", "account": "12ab"})
    assert r.status_code == 200 and "账号应为 8 至 32 位数字" in r.content.decode()
    assert "请填写开户行" in r.content.decode() or "这个字段是必填项" in r.content.decode()
    assert officer.get("/payroll/runs/?page=abc").status_code == 200
    assert officer.get("/payroll/runs/?region=abc").status_code in (404, 422, 400)


@pytest.mark.django_db
def test_pay_standard_per_post_and_grade(login, personas) -> None:
    CountyStatsFactory.create()
    c = login(personas["county_a_admin"])
    page = c.get(f"/payroll/policy/{COUNTY_A}/?year=2026").content.decode()
    # One-shoulder: base max(42,000, 3 × 14,000) = 42,000; performance at 称职 28,000; pension 2,000.
    assert "¥72,000.00" in page  # 42,000 + 28,000 + 2,000
    assert "¥77,600.00" in page  # 优秀: 42,000 + 28,000 × 1.2 + 2,000
    assert "取此托底" in page  # PS standard 36,000 < 3 × 14,000
    assert "低于下限" not in page and "达标" in page
    assert f'href="/policy/{COUNTY_A}/"' in page
    # A policy that breaks a floor (written past the service, as an old document might) is flagged.
    PolicyDocument.objects.create(region_id=COUNTY_A, effective_from=dt.date(2026, 1, 1), params={"perf_share": "0.1"})
    page = c.get(f"/payroll/policy/{COUNTY_A}/?year=2026").content.decode()
    assert "低于下限" in page and "请调整政策参数" in page
    # A township officer reads the standard of their own township, not the county's.
    officer = login(personas["township_a1"])
    assert officer.get(f"/payroll/policy/{TOWNSHIP_A1}/").status_code == 200
    assert officer.get(f"/payroll/policy/{COUNTY_A}/").status_code == 404
    assert "缺少 2025 年" in login(personas["county_b_admin"]).get("/payroll/policy/522302000000/").content.decode()


@pytest.mark.django_db
def test_navigation_shows_the_module_by_role(login, personas, finance, cadre_user) -> None:
    page = login(personas["township_a1"]).get(RUNS).content.decode()
    assert "报酬待遇" in page and "工资发放" in page and "我的工资条" not in page
    page = login(finance["a"]).get(RUNS).content.decode()
    assert "工资发放" in page and "开设工资批次" not in page
    page = login(cadre_user()).get("/payroll/me/").content.decode()
    assert "我的工资条" in page and "工资发放" not in page


@pytest.mark.django_db
def test_insurance_page_records_and_counts(login, personas, make_cadre) -> None:
    ps = make_cadre(village=VILLAGE_A1, posts=("PS",), name="李书记")
    officer = login(personas["township_a1"])
    url = f"/payroll/insurance/{TOWNSHIP_A1}/2026/"
    page = officer.get(url).content.decode()
    assert "李书记" in page and "养老保险" in page
    r = officer.post(url, {"cadre": ps.pk, "pension": "on", "accident": "on"})
    assert r.status_code == 302
    ins = Insurance.objects.get(person=ps, year=2026)
    assert ins.pension and ins.accident and not ins.health_check
    county = login(personas["county_a_admin"]).get(f"/payroll/insurance/{COUNTY_A}/2026/").content.decode()
    assert "黄草街道" in county and f"/payroll/insurance/{TOWNSHIP_A1}/2026/" in county
    assert login(personas["township_b1"]).post(url, {"cadre": ps.pk, "pension": "on"}).status_code == 404


@pytest.mark.django_db
def test_honour_and_condolence_pages(login, personas, make_cadre) -> None:
    person = make_cadre(village=VILLAGE_A1, posts=("PS",), name="赵书记")
    officer = login(personas["township_a1"])
    page = officer.get(f"/payroll/honours/new/?village={VILLAGE_A1}").content.decode()
    assert "赵书记" in page and "县级 ¥1,000.00" in page
    r = officer.post(
        "/payroll/honours/new/",
        {"village": VILLAGE_A1, "cadre": person.pk, "level": "province", "title": "优秀村党组织书记"},
    )
    assert r.status_code == 302
    assert Adjustment.objects.get(kind="honour").amount == D("2000.00")
    assert "优秀村党组织书记" in officer.get("/payroll/honours/").content.decode()
    r = officer.post("/payroll/condolences/new/", {"village": VILLAGE_A1, "cadre": person.pk, "kind": "disabled"})
    assert r.status_code == 302 and Adjustment.objects.get(kind="condolence").amount == D("5000.00")
    r = officer.post("/payroll/condolences/new/", {"village": VILLAGE_A1, "cadre": person.pk, "kind": "flu"})
    assert r.status_code == 200 and "invalid-feedback" in r.content.decode()


@pytest.mark.django_db
def test_reward_pages(login, personas, make_cadre) -> None:
    make_cadre(village=VILLAGE_A1, posts=("PS",), name="钱书记")
    officer = login(personas["township_a1"])
    r = officer.post(
        "/payroll/rewards/new/",
        {
            "village": VILLAGE_A1,
            "year": 2025,
            "income": "300000",
            "previous_income": "200000",
            "decision_ref": "坪东〔2026〕1号",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    reward = CollectiveReward.objects.get()
    assert reward.pool == D("10000.00")
    page = officer.get(f"/payroll/rewards/{reward.pk}/").content.decode()
    assert "¥10,000.00" in page and "钱书记" in page
    r = officer.post(f"/payroll/rewards/{reward.pk}/decide/", {"decision": "approve"})
    assert not Adjustment.objects.filter(kind="reward").exists()  # R-PAY-08: no closed decision yet
    closed_reward_decision(VILLAGE_A1, "坪东〔2026〕1号")
    r = officer.post(f"/payroll/rewards/{reward.pk}/decide/", {"decision": "approve"})
    assert r.status_code == 302
    assert Adjustment.objects.get(kind="reward").amount == D("10000.00")
    r = officer.post(
        "/payroll/rewards/new/",
        {"village": VILLAGE_A1, "year": 2024, "income": "100", "previous_income": "200", "decision_ref": "x"},
    )
    assert r.status_code == 200 and "没有比上年增长" in r.content.decode()


@pytest.mark.django_db
def test_departure_pages(login, personas) -> None:
    person = CadreFactory.create(former=True, name="孙老书记")
    CountyStatsFactory.create(year=timezone.localdate().year - 1)
    officer, county = login(personas["township_a1"]), login(personas["county_a_admin"])
    r = officer.post("/payroll/departures/new/", {"village": VILLAGE_A1, "cadre": person.pk})
    assert r.status_code == 302
    allowance = DepartureAllowance.objects.get()
    assert allowance.monthly_amount == D("700.00")  # 12 years as 书记: 20 % × 42,000 ÷ 12
    url = f"/payroll/departures/{allowance.pk}/"
    page = officer.get(url).content.decode()
    assert "连续 12 年 0 个月" in page and "村级审核通过" in page
    for to in ("village_checked", "township_checked", "public_notice"):
        assert officer.post(url + "advance/", {"to": to}).status_code == 302
    assert officer.post(url + "advance/", {"to": "approved"}).status_code == 403
    # The public notice lasts publicity_days (5): no 县级批准 button before its end, its last day instead.
    page = county.get(url).content.decode()
    last = (timezone.localdate() + dt.timedelta(days=4)).isoformat()
    assert "公示期至 " + last in page and "县级批准" not in page
    county.post(url + "advance/", {"to": "approved"})
    allowance.refresh_from_db()
    assert allowance.state == "public_notice"
    DepartureAllowance.objects.filter(pk=allowance.pk).update(notice_from=timezone.localdate() - dt.timedelta(days=5))
    assert "县级批准" in county.get(url).content.decode()
    assert county.post(url + "advance/", {"to": "approved"}).status_code == 302
    allowance.refresh_from_db()
    assert allowance.state == "approved"
    # Still in office: refused with the reason as a form error.
    current = cadre_create(
        actor=personas["national"],
        data=PersonIn(
            name="在任者",
            id_number=make_id("522301", "19600101", 13),
            village=VILLAGE_A1,
            education="college",
            political_status="party_member",
            posts=[PostIn("VM", dt.date(2010, 1, 1))],
        ),
    )
    r = officer.post("/payroll/departures/new/", {"village": VILLAGE_A1, "cadre": current.pk})
    assert r.status_code == 200 and "仍在任" in r.content.decode()


@pytest.mark.django_db
def test_weak_villages_page(login, personas, make_cadre) -> None:
    make_cadre(village=VILLAGE_A1, posts=("PS",), name="周书记")
    RegionStat.objects.create(region_id=VILLAGE_A1, year=2025, collective_income=D(8000))
    RegionStat.objects.create(region_id="522301001002", year=2025, collective_income=D(20000))
    page = login(personas["county_a_admin"]).get(f"/payroll/weak/{COUNTY_A}/2025/").content.decode()
    assert "坪东社区" in page and "周书记" in page
    assert "乡镇党委书记奖金扣减 10%" in page  # 1 of 2 villages with figures: 50 %
    assert login(personas["township_b1"]).get(f"/payroll/weak/{TOWNSHIP_A1}/2025/").status_code == 404


@pytest.mark.django_db
def test_calculation_progress_is_polled_and_reloads_when_done(login, personas, worked_example) -> None:
    """The run page polls the task's job; a finished job asks htmx to reload the page. A job is
    seen only by the user who started it; a refused calculation shows why."""
    officer = login(personas["township_a1"])
    run = _open_and_calculate(officer)
    job = Job.objects.get(kind="payroll.calculate")
    url = f"/payroll/runs/{run.pk}/status/"
    r = officer.get(f"{url}?job={job.pk}", headers={"HX-Request": "true"})
    assert r.status_code == 200 and r["HX-Refresh"] == "true" and "已计算 1 人" in r.content.decode()
    assert login(personas["county_a_admin"]).get(f"{url}?job={job.pk}").status_code == 404
    assert "已计算" in officer.get(url).content.decode()  # no job: the run's state
    QuarterlyEvaluation.objects.all().delete()
    r = officer.post(f"/payroll/runs/{run.pk}/calculate/", follow=True)
    assert "未能计算" in r.content.decode() and "未定稿" in r.content.decode()
    run.refresh_from_db()
    assert run.total == D("11379.37")  # the refused recalculation changed nothing


@pytest.mark.django_db
def test_run_page_queries_do_not_grow_with_payslips(login, personas, worked_example, make_cadre) -> None:
    """The run page reads payslips, lines, villages and steps in a fixed number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = login(personas["township_a1"])
    run = _open_and_calculate(officer)
    with CaptureQueriesContext(connection) as one:
        assert officer.get(f"/payroll/runs/{run.pk}/").status_code == 200
    for i in range(5):
        person = make_cadre(village=VILLAGE_A1, posts=("VM",))
        AdjustmentFactory.create(person=person, kind="honour", amount=D(100 + i), reason="x")
    officer.post(f"/payroll/runs/{run.pk}/calculate/")
    run.refresh_from_db()
    assert run.payslip_count == 6
    with CaptureQueriesContext(connection) as six:
        assert officer.get(f"/payroll/runs/{run.pk}/").status_code == 200
    assert len(six.captured_queries) == len(one.captured_queries)


@pytest.mark.django_db
def test_payout_file_refuses_when_rows_do_not_add_up(personas, finance, worked_example) -> None:
    """The payout file's rows must sum to the run total; otherwise nothing is handed out."""
    from touyan.payroll import outputs, services
    from touyan.payroll.services import bank_account_set

    officer = personas["township_a1"]
    MonthLockFactory.create(month=dt.date(2026, 3, 1))
    run = services.payrun_open(actor=officer, region_code=TOWNSHIP_A1, month=dt.date(2026, 3, 1))
    services.payrun_calculate(actor=officer, run_id=run.pk)
    bank_account_set(actor=officer, cadre_id=worked_example.pk, bank="农商银行", account="6217000011112220")
    PayRun.objects.filter(pk=run.pk).update(state="county_finance_approved", total=D("11379.36"))
    with pytest.raises(outputs.PayoutMismatch):
        outputs.payout_file(actor=finance["a"], run_id=run.pk)
    assert not AuditEvent.objects.filter(action="payroll.payout.download").exists()
    PayRun.objects.filter(pk=run.pk).update(total=D("11379.37"))
    assert outputs.payout_file(actor=finance["a"], run_id=run.pk).total == D("11379.37")
