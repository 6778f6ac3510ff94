"""The assessment pages (R-ASMT-01…08, R-PTY-01…03, WF-5…7; issue "Assessment mechanism" item 7):
each page renders for its role with data, the writes go through the services, bad input is an
error beside the field, outsiders get 404/403, and no ranking reaches a cadre's page (SPEC A4)."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client

from conftest import COUNTY_A, TOWNSHIP_A1, TOWNSHIP_A2, TOWNSHIP_B1, VILLAGE_A1
from touyan.accounts.models import Role
from touyan.accounts.services import user_create
from touyan.assessment import rules, services
from touyan.assessment.models import (
    AnnualAssessment,
    CompetencyEvaluation,
    Consequence,
    Period,
    PioneerEntry,
    Pledge,
    QuarterlyEvaluation,
    StarRating,
)
from touyan.assessment.tests.factories import CadreFactory, scored_year, township_year
from touyan.attendance.services import presence_record
from touyan.cadres.models import Post

VILLAGE_A2 = "522301002001"
BOARD = f"/assessment/quarterly/{TOWNSHIP_A1}/2026/1/"
ANNUAL = f"/assessment/annual/{TOWNSHIP_A1}/2026/"


def text(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def officer(personas: dict[str, Any], login: Any) -> Client:
    c: Client = login(personas["township_a1"])
    return c


# --- quarterly board --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_quarterly_board_scores_finalizes_and_corrects(personas, officer, make_cadre) -> None:
    """R-ASMT-01: drafts saved in bulk, finalized with confirmation, corrected with a reason."""
    ps = make_cadre(village=VILLAGE_A1, posts=("PS",), name="张书记")
    vd = make_cadre(village=VILLAGE_A1, posts=("VD",), name="李主任")
    part_time = make_cadre(village=VILLAGE_A1, posts=("VM",), name="王委员")
    presence_record(actor=personas["township_a1"], cadre_id=ps.pk, day=dt.date(2026, 1, 5), channel="duty_book")
    page = officer.get(BOARD)
    assert page.status_code == 200
    body = text(page)
    assert "张书记" in body and "李主任" in body and "王委员" not in body  # full-time cadres only
    assert body.count('class="table-warning"') == 2  # both are missing a score
    assert "1/21" in body and "1/59" in body  # January: 1 of 21 workdays; the quarter: 1 of 21+16+22 (A4)
    assert f'name="score-{ps.pk}"' in body

    r = officer.post(BOARD, {"action": "save", f"score-{ps.pk}": "92", f"score-{vd.pk}": ""})
    assert r.status_code == 302
    ev = QuarterlyEvaluation.objects.get(person=ps, year=2026, quarter=1)
    assert (ev.score, ev.grade, ev.status) == (D("92.00"), "excellent", "draft")
    assert not QuarterlyEvaluation.objects.filter(person=vd).exists()
    board = text(officer.get(BOARD))
    assert "草稿" in board and "优秀 1" in board and board.count('class="table-warning"') == 1

    # Bad input: an error beside the field, nothing saved, never a 500.
    for bad, message in (("abc", "请输入数字"), ("101", "分数须在 0–100 之间"), ("88.123", "最多保留两位小数")):
        r = officer.post(BOARD, {"action": "save", f"score-{vd.pk}": bad})
        assert r.status_code == 200 and message in text(r) and "invalid-feedback" in text(r)
    assert not QuarterlyEvaluation.objects.filter(person=vd).exists()

    # A row's 定稿 button saves what was typed and finalizes that row only.
    r = officer.post(BOARD, {"finalize": str(ps.pk), f"score-{vd.pk}": "75"})
    assert r.status_code == 302
    assert QuarterlyEvaluation.objects.get(person=ps).status == "final"
    assert QuarterlyEvaluation.objects.get(person=vd).status == "draft"
    board = text(officer.get(BOARD))
    assert "已定稿" in board and f'name="score-{ps.pk}"' not in board and "data-confirm" in board

    # 更正: the reason is required; a new draft version, the final one kept.
    r = officer.post(BOARD, {"action": "correct", "cadre": ps.pk, "score": "85", "reason": ""})
    assert r.status_code == 200 and "请填写更正事由" in text(r)
    r = officer.post(BOARD, {"action": "correct", "cadre": ps.pk, "score": "85", "reason": "复核发现扣分有误"})
    assert r.status_code == 302
    versions = list(QuarterlyEvaluation.objects.filter(person=ps).order_by("version").values_list("score", "status"))
    assert versions == [(D("92.00"), "final"), (D("85.00"), "draft")]
    board = text(officer.get(BOARD))
    assert "更正中" in board and "原定稿 92.00" in board

    # 保存并全部定稿 finalizes every draft.
    r = officer.post(BOARD, {"action": "finalize_all"})
    assert r.status_code == 302
    assert not QuarterlyEvaluation.objects.filter(status="draft").exists()
    # A draft cannot be "corrected": it is edited directly.
    assert part_time.pk not in QuarterlyEvaluation.objects.values_list("person_id", flat=True)


@pytest.mark.django_db
def test_quarterly_board_queries_do_not_grow_with_cadres(officer, make_cadre, django_assert_max_num_queries) -> None:
    """Set-based reads: the board's query count does not depend on the number of cadres."""
    for _ in range(3):
        make_cadre(village=VILLAGE_A1, posts=("VDD",))
    Post.objects.update(full_time=True)
    officer.get(BOARD)
    with django_assert_max_num_queries(40) as small:
        officer.get(BOARD)
    for _ in range(12):
        make_cadre(village="522301001002", posts=("VDD",))
    Post.objects.update(full_time=True)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert officer.get(BOARD).status_code == 200


# --- annual assessment ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_annual_worked_example_on_the_page(personas, officer, make_cadre, login) -> None:
    """Issue acceptance: quarters 92, 85, 78, 88; tallies 30/50/15/5 → 83.73 称职, with the arithmetic."""
    person = make_cadre(village=VILLAGE_A1, posts=("PS",), name="赵书记")
    other = make_cadre(village=VILLAGE_A1, posts=("VD",), name="钱主任")
    scored_year(person, 2026, [92, 85, 78, 88])
    page = text(officer.get(f"{ANNUAL}?cadre={person.pk}"))
    assert "92.00" in page and "88.00" in page and "录入票数" in page

    # Bad tallies: errors beside the fields; nothing computed.
    r = officer.post(ANNUAL, {"action": "compute", "cadre": person.pk, "party_members-excellent": "-1"})
    assert r.status_code == 200 and "票数不能为负数" in text(r)
    r = officer.post(ANNUAL, {"action": "compute", "cadre": person.pk})
    assert r.status_code == 200 and "请至少录入一个测评群体的票数" in text(r)
    assert not AnnualAssessment.objects.exists()

    r = officer.post(
        ANNUAL,
        {
            "action": "compute",
            "cadre": person.pk,
            "party_members-excellent": "30",
            "party_members-competent": "50",
            "party_members-basic": "15",
            "party_members-incompetent": "5",
            "bonus": "",
            "penalty": "",
            "target_adjustment": "",
        },
    )
    assert r.status_code == 302
    annual = AnnualAssessment.objects.get(person=person, year=2026)
    assert (annual.work_score, annual.demo_score, annual.total, annual.grade) == (
        D("85.75"),
        D("79.00"),
        D("83.73"),
        "competent",
    )
    page = text(officer.get(f"{ANNUAL}?cadre={person.pk}"))
    assert "83.73" in page and "称职" in page
    assert "(92 + 85 + 78 + 88) ÷ 4 = 85.75" in page
    assert "(100×30 + 80×50 + 60×15 + 0×5) ÷ 100 张有效票 = 79.00" in page
    assert "0.7 × 85.75 + 0.3 × 79.00 = 83.73" in page

    # Quarters not final: the page says so and the service's error shows above the form.
    r = officer.post(ANNUAL, {"action": "compute", "cadre": other.pk, "representatives-competent": "10"})
    assert r.status_code == 200 and "尚未定稿" in text(r)

    r = officer.post(ANNUAL, {"action": "finalize", "cadre": person.pk})
    assert r.status_code == 302
    assert AnnualAssessment.objects.get(pk=annual.pk).status == "final"
    page = text(officer.get(ANNUAL))
    assert "乡镇内排名" in page and "赵书记" in page  # the officer sees the ranking

    # A liaison scores but does not see the ranking (officers only, SPEC A4).
    liaison = user_create(
        actor=personas["national"],
        username="liaison_a1",
        password="Persona#2026",
        role=Role.LIAISON,
        region_code=TOWNSHIP_A1,
    )
    page = text(login(liaison).get(ANNUAL))
    assert "赵书记" in page and "乡镇内排名" not in page


@pytest.mark.django_db
def test_annual_consequences_are_listed_and_done(personas, officer, make_cadre) -> None:
    """R-ASMT-05: an incompetent year leads to tasks; the township marks them 办结."""
    person = make_cadre(village=VILLAGE_A1, posts=("VD",), name="孙主任")
    officer_user = personas["township_a1"]
    scored_year(person, 2026, [50, 55, 52, 58])
    annual = services.annual_compute(
        actor=officer_user, cadre_id=person.pk, year=2026, tallies={"representatives": rules.Tally(0, 10, 10, 30)}
    )
    services.annual_finalize(actor=officer_user, annual_id=annual.pk)
    page = text(officer.get(ANNUAL))
    assert "公开检讨" in page and "通报批评" in page and "办结" in page
    item = Consequence.objects.get(person=person, kind="self_criticism")
    r = officer.post(ANNUAL, {"action": "done", "consequence": item.pk, "note": "已在村民代表会上检讨"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.done_at is not None and item.note == "已在村民代表会上检讨"
    # Another township's officer cannot close it (404, nothing changed).
    other = Consequence.objects.get(person=person, kind="criticism_notice")
    b1 = Client()
    b1.force_login(personas["township_b1"])
    assert b1.post(ANNUAL, {"action": "done", "consequence": other.pk}).status_code == 404
    own_page = f"/assessment/annual/{TOWNSHIP_B1}/2026/"
    assert b1.post(own_page, {"action": "done", "consequence": other.pk}).status_code == 404
    other.refresh_from_db()
    assert other.done_at is None


# --- competency -------------------------------------------------------------------------------------------------------


def _competency_post(competent: int, basic: int, incompetent: int, cadre: int, **extra: str) -> dict[str, Any]:
    return {
        "action": "record",
        "cadre": cadre,
        "party_members-competent": str(competent),
        "party_members-basic": str(basic),
        "party_members-incompetent": str(incompetent),
        **extra,
    }


@pytest.mark.django_db
def test_competency_85_admonishes_75_exits_after_confirmation(officer, make_cadre) -> None:
    """Issue acceptance (S2 第十二条): 85 % → 约谈 shown; 75 % → exit shown, recorded only when confirmed."""
    url = f"/assessment/competency/{TOWNSHIP_A1}/2026/2/"
    a = CadreFactory.create(village=VILLAGE_A1, secretary=True, name="周书记", professionalized=2)
    b = CadreFactory.create(village="522301001002", secretary=True, name="吴书记", professionalized=2)
    make_cadre(village=VILLAGE_A1, posts=("VD",), name="郑主任")  # not professionalized: not listed
    page = text(officer.get(url))
    assert "周书记" in page and "吴书记" in page and "郑主任" not in page and "未测评" in page

    # Bad counts show beside the field; only members' and representatives' votes make a rate.
    r = officer.post(url, {"action": "record", "cadre": a.pk, "representatives-competent": "x"})
    assert r.status_code == 200 and "请输入整数票数" in text(r)
    r = officer.post(url, {"action": "record", "cadre": a.pk, "liaison-competent": "1"})
    assert r.status_code == 200 and "胜任率只按这两类计算" in text(r)
    assert officer.post(url, _competency_post(85, 10, 5, a.pk)).status_code == 302
    ev = CompetencyEvaluation.objects.get(person=a)
    assert (ev.rate, ev.outcome) == (D("0.8500"), "admonish")
    page = text(officer.get(url))
    assert "85.00%" in page and "约谈" in page

    first = officer.post(url, _competency_post(75, 20, 5, b.pk))
    assert first.status_code == 200
    assert "退出专业化管理" in text(first) and "75.00%" in text(first) and 'name="confirm_exit"' in text(first)
    assert not CompetencyEvaluation.objects.filter(person=b).exists()  # nothing recorded before confirming
    assert officer.post(url, _competency_post(75, 20, 5, b.pk, confirm_exit="1")).status_code == 302
    assert CompetencyEvaluation.objects.get(person=b).outcome == "exit"
    page = text(officer.get(url))
    assert "75.00%" in page and "退出职业化管理" in page
    # A cadre who is not on the list is refused, not recorded.
    stranger = make_cadre(village=VILLAGE_A1, posts=("VDD",))
    assert officer.post(url, _competency_post(9, 0, 0, stranger.pk)).status_code == 302
    assert not CompetencyEvaluation.objects.filter(person=stranger).exists()


# --- the cadre's own page ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cadre_sees_own_final_results_only_and_no_ranking(personas, login, cadre_user, make_cadre) -> None:
    me = cadre_user(posts=("PS",), name="陈书记")
    neighbour = make_cadre(village=VILLAGE_A1, posts=("VD",), name="林主任")
    officer = personas["township_a1"]
    scored_year(me.cadre, 2026, [92, 85, 78, 88])
    scored_year(neighbour, 2026, [61, 62, 63, 64])
    for pid in (me.cadre_id, neighbour.pk):
        annual = services.annual_compute(
            actor=officer, cadre_id=pid, year=2026, tallies={"party_members": rules.Tally(30, 50, 15, 5)}
        )
        services.annual_finalize(actor=officer, annual_id=annual.pk)
    services.quarterly_correct(
        actor=officer,
        evaluation_id=QuarterlyEvaluation.objects.get(person_id=me.cadre_id, quarter=4).pk,
        score=D("77.77"),
        reason="复核更正",
    )
    c = login(me)
    page = text(c.get("/assessment/me/?year=2026"))
    assert "92.00" in page and "88.00" in page and "83.73" in page and "称职" in page
    assert "77.77" not in page  # a pending correction is not a result yet
    assert "61.00" not in page and "林主任" not in page  # nobody else's scores
    assert "排名" not in page and "名次" not in page  # no ranking on a cadre's page (SPEC A4)
    # The cadre has no officer pages.
    assert c.get(BOARD).status_code == 403
    assert c.get(ANNUAL).status_code == 403
    assert c.get(f"/assessment/distribution/{COUNTY_A}/2026/").status_code == 403


@pytest.mark.django_db
def test_cadre_pledge_and_target_plan_flow(personas, login, cadre_user) -> None:
    """WF-6 / R-ASMT-06/08 on the phone page and the township's desk."""
    me = cadre_user(posts=("PS",), name="黄书记")
    c = login(me)
    url = "/assessment/me/?year=2026"
    desk = f"/assessment/pledges/{TOWNSHIP_A1}/2026/"
    officer = Client()
    officer.force_login(personas["township_a1"])
    r = c.post(url, {"action": "pledge_submit", "item_1": "修通组组路"})
    assert r.status_code == 200 and "承诺事项须为 2–5 条" in text(r)
    assert c.post(url, {"action": "pledge_save", "item_1": "修通组组路", "item_2": "办好茶叶合作社"}).status_code == 302
    assert Pledge.objects.get(person_id=me.cadre_id).state == "drafting"
    assert (
        c.post(
            url,
            {
                "action": "pledge_submit",
                "item_1": "修通组组路",
                "item_2": "办好茶叶合作社",
                "item_3": "村集体经济增收 5 万元",
            },
        ).status_code
        == 302
    )
    pledge = Pledge.objects.get(person_id=me.cadre_id)
    assert pledge.state == "vetting" and len(pledge.items) == 3

    # The township returns it with a note; the cadre sees the note and resubmits.
    assert "待审核" in text(officer.get(desk)) and "修通组组路" in text(officer.get(desk))
    r = officer.post(desk, {"action": "return", "cadre": me.cadre_id, "reason": ""})
    assert r.status_code == 200 and "请填写说明" in text(r)
    r = officer.post(desk, {"action": "return", "cadre": me.cadre_id, "reason": "第三条请写具体项目"})
    assert r.status_code == 302
    assert "第三条请写具体项目" in text(c.get(url))
    c.post(url, {"action": "pledge_submit", "item_1": "修通组组路", "item_2": "办好茶叶合作社"})
    assert officer.post(desk, {"action": "publicise", "cadre": me.cadre_id}).status_code == 302
    assert Pledge.objects.get(pk=pledge.pk).state == "publicised"
    r = c.post(url, {"action": "midyear", "report": ""})
    assert r.status_code == 200 and "请填写报告内容" in text(r)
    assert c.post(url, {"action": "midyear", "report": "路基已完成"}).status_code == 302
    assert c.post(url, {"action": "yearend", "report": "全部完成"}).status_code == 302
    r = officer.post(
        desk, {"action": "review", "cadre": me.cadre_id, "democratic_score": "188", "organisational_score": "90"}
    )
    assert r.status_code == 200 and "分数须在 0–100 之间" in text(r)
    officer.post(
        desk, {"action": "review", "cadre": me.cadre_id, "democratic_score": "88", "organisational_score": "92"}
    )
    assert Pledge.objects.get(pk=pledge.pk).score == D("90.00")
    assert "90.00" in text(c.get(url))

    # The secretary's target plan: drafted on the phone, advanced and assessed by the township.
    r = c.post(url, {"action": "target_save", "items": "集体经济收入 10 万元\n\n新建产业路 2 公里"})
    assert r.status_code == 302
    for _step in ("reviewed", "publicised", "filed"):
        assert officer.post(desk, {"action": "target_advance", "cadre": me.cadre_id}).status_code == 302
    r = officer.post(desk, {"action": "target_assess", "cadre": me.cadre_id, "result_score": "abc"})
    assert r.status_code == 200 and "请输入数字" in text(r)
    officer.post(desk, {"action": "target_assess", "cadre": me.cadre_id, "result_score": "95"})
    page = text(c.get(url))
    assert "集体经济收入 10 万元" in page and "95.00" in page


@pytest.mark.django_db
def test_pledge_withdrawal_needs_a_public_reason(personas, officer, cadre_user, login) -> None:
    me = cadre_user(posts=("VD",))
    services.pledge_save(actor=me, cadre_id=me.cadre_id, year=2026, items=["甲事项", "乙事项"])
    desk = f"/assessment/pledges/{TOWNSHIP_A1}/2026/"
    r = officer.post(desk, {"action": "withdraw", "cadre": me.cadre_id, "reason": ""})
    assert r.status_code == 200 and "请填写说明" in text(r)
    r = officer.post(desk, {"action": "withdraw", "cadre": me.cadre_id, "reason": "项目因上级规划调整取消"})
    assert r.status_code == 302
    assert Pledge.objects.get(person_id=me.cadre_id).state == "withdrawn"
    assert "项目因上级规划调整取消" in text(officer.get(desk + "?state=withdrawn"))
    assert "项目因上级规划调整取消" in text(login(me).get("/assessment/me/?year=2026"))


# --- pioneer points and stars -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pioneer_points_capped_and_not_ranked(officer, make_cadre) -> None:
    """R-PTY-02: yearly caps per item; listed by post, no ranking; visible to the township only."""
    url = f"/assessment/pioneer/{VILLAGE_A1}/2026/"
    member = make_cadre(village=VILLAGE_A1, posts=("PS",), name="党员甲")
    make_cadre(village=VILLAGE_A1, posts=("VM",), name="群众乙", political_status="masses")
    page = text(officer.get(url))
    assert "党员甲" in page and "群众乙" not in page
    for item, points in (("study", "8"), ("study", "8"), ("study", "8"), ("penalty", "-3")):
        r = officer.post(url, {"cadre": member.pk, "day": "2026-03-01", "item": item, "points": points})
        assert r.status_code == 302
    r = officer.post(url, {"cadre": member.pk, "day": "2025-03-01", "item": "study", "points": "2"})
    assert r.status_code == 200 and "日期须在 2026 年内" in text(r)
    r = officer.post(url, {"cadre": member.pk, "day": "2026-03-01", "item": "study", "points": "-2"})
    assert r.status_code == 200 and "扣分项填负数" in text(r)
    assert PioneerEntry.objects.count() == 4
    page = text(officer.get(url))
    assert "17.00" in page  # study 24 capped at 20, penalty −3
    assert "排名" not in page.replace("不排名", "")


@pytest.mark.django_db
def test_stars_rate_villages(officer) -> None:
    url = f"/assessment/stars/{TOWNSHIP_A1}/2026/"
    assert "坪东社区" in text(officer.get(url))
    assert officer.post(url, {"village": VILLAGE_A1, "score": "92", "innovation": "on"}).status_code == 302
    assert StarRating.objects.get(village_id=VILLAGE_A1).stars == 5
    assert "★★★★★" in text(officer.get(url))
    r = officer.post(url, {"village": VILLAGE_A1, "score": "120"})
    assert r.status_code == 200 and "分数须在 0–100 之间" in text(r)
    assert officer.post(url, {"village": VILLAGE_A2, "score": "80"}).status_code == 404  # another township's village


# --- county pages -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_distribution_flags_a_township_over_the_excellent_quota(personas, login, make_cadre) -> None:
    """R-ASMT-03: 2 of 5 excellent (40 %) in A1 is over 20 %; 1 of 5 (20 %) in A2 is not."""
    grades_a1 = ["excellent", "excellent", "competent", "competent", "basically_competent"]
    township_year(VILLAGE_A1, grades_a1, totals=[95, 94, 93, 92, 91], final=True)
    township_year(VILLAGE_A2, ["excellent", "competent", "competent", "competent", "incompetent"])
    c = login(personas["county_a_admin"])
    r = c.get(f"/assessment/distribution/{COUNTY_A}/2026/")
    assert r.status_code == 200
    page = text(r)
    found = re.search(r'<script id="assessment-data" type="application/json">(.*?)</script>', page, re.S)
    assert found is not None
    chart = json.loads(found[1])
    assert chart["categories"] == ["黄草街道", "丰都街道"]
    assert chart["series"][0]["data"] == [2, 1] and chart["flags"] == [True, False]
    assert "超出上限" in page and "40.0%" in page and "20.0%" in page and "符合" in page
    assert "1 个乡镇(街道)优秀比例超过上限" in page
    # Quarterly basis: nothing scored yet.
    assert "还没有考核结果" in text(c.get(f"/assessment/distribution/{COUNTY_A}/2026/?basis=1"))
    assert c.get(f"/assessment/distribution/{COUNTY_A}/2026/?basis=zz").status_code == 200


@pytest.mark.django_db
def test_periods_open_publicise_appeal_and_final(personas, login) -> None:
    """WF-5: open → 公示 (appeal deadline shown) → back to 评分 on appeal → 公示 → 定稿."""
    c = login(personas["county_a_admin"])
    url = f"/assessment/periods/{COUNTY_A}/"
    assert c.get("/assessment/periods/").status_code == 302
    assert c.get(f"/assessment/periods/{TOWNSHIP_A1}/")["Location"] == url
    assert c.post(url, {"action": "open", "year": "2026", "which": "quarter-1"}).status_code == 302
    r = c.post(url, {"action": "open", "year": "2026", "which": "quarter-1"})
    assert r.status_code == 200 and "该期考核已开启" in text(r)
    r = c.post(url, {"action": "open", "year": "20x6", "which": "quarter-9"})
    assert r.status_code == 200 and "请输入四位年份" in text(r)
    period = Period.objects.get()
    assert "2026年第一季度评价" in text(c.get(url)) and "评分中" in text(c.get(url))
    c.post(url, {"action": "advance", "period": period.pk, "to": "publicised"})
    period.refresh_from_db()
    assert period.state == "publicised" and period.appeal_until is not None
    assert period.appeal_until.strftime("%Y-%m-%d") in text(c.get(url))
    c.post(url, {"action": "advance", "period": period.pk, "to": "open"})
    assert Period.objects.get().state == "open"
    r = c.post(url, {"action": "advance", "period": period.pk, "to": "final"})  # not from 评分中
    assert r.status_code == 302 and Period.objects.get().state == "open"
    c.post(url, {"action": "advance", "period": period.pk, "to": "publicised"})
    c.post(url, {"action": "advance", "period": period.pk, "to": "final"})
    assert Period.objects.get().state == "final"
    # The township board shows the county's period.
    board = Client()
    board.force_login(personas["township_a1"])
    assert "已定稿" in text(board.get(BOARD))
    assert board.get(url).status_code == 403
    b = login(personas["county_b_admin"])
    assert b.post(url, {"action": "advance", "period": period.pk, "to": "open"}).status_code == 404


@pytest.mark.django_db
def test_no_finalize_button_while_the_appeal_window_runs(personas, login) -> None:
    """WF-5: during the appeal window (appeal_days = 5) the page shows 公示期至 its last day in place
    of 定稿 (the button appears when FLOW.can says yes)."""
    from django.utils import timezone

    from touyan.policy.models import PolicyDocument

    PolicyDocument.objects.create(region_id=COUNTY_A, effective_from=dt.date(2000, 1, 1), params={"appeal_days": 5})
    c = login(personas["county_a_admin"])
    url = f"/assessment/periods/{COUNTY_A}/"
    c.post(url, {"action": "open", "year": "2025", "which": "half-1"})
    period = Period.objects.get()
    c.post(url, {"action": "advance", "period": period.pk, "to": "publicised"})
    page = text(c.get(url))
    last = (timezone.localdate() + dt.timedelta(days=4)).isoformat()
    assert f"公示期至 {last}" in page and 'value="final"' not in page
    Period.objects.filter(pk=period.pk).update(appeal_until=timezone.localdate())
    page = text(c.get(url))
    assert "公示期至" not in page and 'value="final"' in page


# --- scope, menus and bad addresses -----------------------------------------------------------------------------------


PAGES = [
    BOARD,
    ANNUAL,
    f"/assessment/competency/{TOWNSHIP_A1}/2026/1/",
    f"/assessment/pledges/{TOWNSHIP_A1}/2026/",
    f"/assessment/pioneer/{VILLAGE_A1}/2026/",
    f"/assessment/stars/{TOWNSHIP_A1}/2026/",
]


@pytest.mark.django_db
def test_pages_render_for_officers_and_refuse_outsiders(personas, login, make_cadre) -> None:
    make_cadre(village=VILLAGE_A1, posts=("PS",))
    inside, outside, county = (
        login(personas["township_a1"]),
        login(personas["township_b1"]),
        login(personas["county_a_admin"]),
    )
    for url in PAGES:
        assert inside.get(url).status_code == 200, url
        assert county.get(url).status_code == 200, url
        assert outside.get(url).status_code == 404, url
        assert outside.post(url, {"action": "save"}).status_code == 404, url
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert inside.get(f"/assessment/distribution/{COUNTY_A}/2026/").status_code == 403
    assert inside.get(f"/assessment/periods/{COUNTY_A}/").status_code == 403
    assert county.get(f"/assessment/distribution/{COUNTY_A}/2026/").status_code == 200
    assert county.get(f"/assessment/distribution/{TOWNSHIP_B1}/2026/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        f"/assessment/quarterly/{TOWNSHIP_A1}/2026/5/",
        f"/assessment/quarterly/{TOWNSHIP_A1}/1999/1/",
        "/assessment/quarterly/abc/2026/1/",
        f"/assessment/quarterly/{COUNTY_A}/2026/1/",
        f"/assessment/stars/{VILLAGE_A1}/2026/",
        f"/assessment/competency/{TOWNSHIP_A1}/2026/3/",
        f"/assessment/pioneer/{TOWNSHIP_A1}/2026/",
        f"/assessment/annual/{TOWNSHIP_A1}/2026/?cadre=999999",
        f"/assessment/distribution/{VILLAGE_A1}/2026/",
    ],
)
def test_bad_addresses_are_404(personas, login, url) -> None:
    assert login(personas["county_a_admin"]).get(url).status_code == 404


@pytest.mark.django_db
def test_menu_entries_open_the_current_region(personas, login, cadre_user) -> None:
    town = login(personas["township_a1"])
    r = town.get("/assessment/quarterly/")
    assert r.status_code == 302 and r["Location"].startswith(f"/assessment/quarterly/{TOWNSHIP_A1}/")
    assert town.get("/assessment/pioneer/").status_code == 200  # a choice of the township's villages
    county = login(personas["county_a_admin"])
    page = county.get("/assessment/annual/")
    assert page.status_code == 200 and "黄草街道" in text(page) and "丰都街道" in text(page)
    assert county.get("/assessment/distribution/")["Location"].startswith(f"/assessment/distribution/{COUNTY_A}/")
    assert "考核评价" in text(county.get("/assessment/annual/"))
    me = login(cadre_user(posts=("VM",)))
    home = text(me.get("/assessment/me/"))
    assert "我的考核" in home and "季度评价" in home
    assert me.get("/assessment/quarterly/").status_code == 403
    no_file = text(town.get("/assessment/me/"))
    assert "没有关联干部档案" in no_file
    assert TOWNSHIP_A2  # the second township is in the tree the menus list


@pytest.mark.django_db
def test_a_village_liaison_scores_their_village_only(personas, login, make_cadre) -> None:
    """A liaison bound to a village (包村干部) gets that village's board from the menu; the
    township's board is outside their scope."""
    mine = make_cadre(village=VILLAGE_A1, posts=("PS",), name="本村书记")
    make_cadre(village="522301001002", posts=("PS",), name="邻村书记")
    liaison = user_create(
        actor=personas["national"],
        username="liaison_v",
        password="Persona#2026",
        role=Role.LIAISON,
        region_code=VILLAGE_A1,
    )
    c = login(liaison)
    r = c.get("/assessment/quarterly/")
    assert r.status_code == 302 and r["Location"].startswith(f"/assessment/quarterly/{VILLAGE_A1}/")
    page = text(c.get(r["Location"]))
    assert "本村书记" in page and "邻村书记" not in page
    assert c.get(BOARD).status_code == 404
    url = f"/assessment/quarterly/{VILLAGE_A1}/2026/1/"
    assert c.post(url, {"action": "save", f"score-{mine.pk}": "80"}).status_code == 302
    assert QuarterlyEvaluation.objects.get(person=mine).score == D("80.00")
    assert "乡镇内排名" not in text(c.get(f"/assessment/annual/{VILLAGE_A1}/2026/"))
