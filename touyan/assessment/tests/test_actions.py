"""One address per action (touyan/assessment/urls.py): each action's own URL does what the page's
form did, redirects back to the page (keeping its filters), refuses GET, and re-renders the page
with the error beside the field; a board batch is one transaction (R-ASMT-01, WF-5, WF-6)."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import COUNTY_A, TOWNSHIP_A1, VILLAGE_A1
from touyan.assessment.models import (
    AnnualAssessment,
    CompetencyEvaluation,
    Consequence,
    Period,
    PioneerEntry,
    Pledge,
    QuarterlyEvaluation,
    StarRating,
    TargetPlan,
)
from touyan.assessment.tests.factories import (
    AnnualAssessmentFactory,
    CadreFactory,
    PeriodFactory,
    PledgeFactory,
    QuarterlyEvaluationFactory,
    TargetPlanFactory,
    scored_year,
)
from touyan.core.errors import Conflict

Q1 = (TOWNSHIP_A1, 2026, 1)


def url(name: str, *args: Any) -> str:
    return reverse(f"assessment:{name}", args=args)


def text(r: Any) -> str:
    return r.content.decode()


@pytest.fixture
def officer(personas: dict[str, Any], login: Any) -> Client:
    c: Client = login(personas["township_a1"])
    return c


@pytest.mark.django_db
def test_quarterly_actions_each_at_their_address(officer: Client) -> None:
    """R-ASMT-01: save, a row's 定稿, 全部定稿 and 更正 each post to their own URL."""
    ps, vd = CadreFactory.create(secretary=True, name="张书记"), CadreFactory.create(director=True, name="李主任")
    board = url("quarterly", *Q1)
    assert officer.get(url("quarterly_save", *Q1)).status_code == 405
    page = text(officer.get(board))
    assert (
        f'action="{url("quarterly_save", *Q1)}"' in page
        and f'formaction="{url("quarterly_finalize_all", *Q1)}"' in page
    )

    r = officer.post(url("quarterly_save", *Q1), {f"score-{ps.pk}": "92", f"score-{vd.pk}": "75"})
    assert r.status_code == 302 and r["Location"] == board
    assert QuarterlyEvaluation.objects.filter(status="draft").count() == 2
    assert officer.post(url("quarterly_finalize", *Q1), {"finalize": str(ps.pk)}).status_code == 302
    assert QuarterlyEvaluation.objects.get(person=ps).status == "final"
    assert QuarterlyEvaluation.objects.get(person=vd).status == "draft"
    r = officer.post(url("quarterly_correct", *Q1), {"cadre": ps.pk, "score": "85", "reason": "复核发现扣分有误"})
    assert r.status_code == 302
    assert officer.post(url("quarterly_finalize_all", *Q1), {}).status_code == 302
    assert not QuarterlyEvaluation.objects.filter(status="draft").exists()
    assert QuarterlyEvaluation.objects.filter(person=ps).count() == 2  # the correction is a new version

    # An error from an action's own address: the board again, the message beside the field, its
    # links to the board's addresses (not the action's).
    other = CadreFactory.create(village="522301001002", director=True, name="王主任")
    r = officer.post(url("quarterly_save", *Q1), {f"score-{other.pk}": "101"})
    assert r.status_code == 200 and "分数须在 0–100 之间" in text(r) and "invalid-feedback" in text(r)
    assert f'href="{url("quarterly", TOWNSHIP_A1, 2026, 2)}"' in text(r)
    assert not QuarterlyEvaluation.objects.filter(person=other).exists()


@pytest.mark.django_db
def test_a_board_save_failing_on_one_row_saves_no_row(officer: Client, monkeypatch: Any) -> None:
    """Before, the board saved row by row and a failure part-way left part of the batch saved; now
    the service refuses the row beside its field and nothing is written."""
    from touyan.assessment.services import quarterly as board

    a, b = CadreFactory.create(secretary=True), CadreFactory.create(director=True)
    real = board.quarterly_score

    def refuse_b(**kw: Any) -> Any:
        if kw["cadre_id"] == b.pk:
            raise Conflict("该季度评价已定稿,不能直接修改;如需更正请提交更正并说明事由", field="score")
        return real(**kw)

    monkeypatch.setattr(board, "quarterly_score", refuse_b)
    r = officer.post(url("quarterly_save", *Q1), {f"score-{a.pk}": "92", f"score-{b.pk}": "88"})
    assert r.status_code == 200 and "该季度评价已定稿" in text(r) and "分数均未保存" in text(r)
    assert not QuarterlyEvaluation.objects.exists()


@pytest.mark.django_db
def test_period_actions(personas: dict[str, Any], login: Any) -> None:
    """WF-5 at its own addresses; below the county an address leads to the county's page, doing nothing."""
    c = login(personas["county_a_admin"])
    page = url("periods", COUNTY_A)
    r = c.post(url("period_open", COUNTY_A), {"year": "2026", "which": "quarter-2"})
    assert r.status_code == 302 and r["Location"] == page
    period = Period.objects.get(number=2)
    assert c.post(url("period_advance", COUNTY_A), {"period": period.pk, "to": "publicised"}).status_code == 302
    assert Period.objects.get(pk=period.pk).state == "publicised"
    r = c.post(url("period_open", TOWNSHIP_A1), {"year": "2026", "which": "quarter-3"})
    assert r.status_code == 302 and r["Location"] == page and not Period.objects.filter(number=3).exists()
    assert login(personas["township_a1"]).post(url("period_open", COUNTY_A), {"year": "2026"}).status_code == 403
    final = PeriodFactory.create(number=4, final=True)
    body = text(c.get(page))  # PERIOD_FLOW's steps: 定稿 and 退回 for the publicised one, none once final
    assert body.count(f'name="period" value="{period.pk}"') == 2 and f'name="period" value="{final.pk}"' not in body


@pytest.mark.django_db
def test_annual_actions(officer: Client, personas: dict[str, Any]) -> None:
    """R-ASMT-02…05: compute, finalize and 办结 at their addresses."""
    person = CadreFactory.create(director=True, name="孙主任")
    scored_year(person, 2026, [50, 55, 52, 58])
    body = {"cadre": person.pk, "representatives-competent": "10", "representatives-basic": "10"}
    r = officer.post(url("annual_compute", TOWNSHIP_A1, 2026), body | {"representatives-incompetent": "30"})
    assert r.status_code == 302 and r["Location"] == f"{url('annual', TOWNSHIP_A1, 2026)}?cadre={person.pk}#result"
    assert AnnualAssessment.objects.get(person=person).grade == "incompetent"
    assert officer.post(url("annual_finalize", TOWNSHIP_A1, 2026), {"cadre": person.pk}).status_code == 302
    item = Consequence.objects.get(person=person, kind="self_criticism")
    r = officer.post(url("consequence_done", TOWNSHIP_A1, 2026), {"consequence": item.pk, "note": "已检讨"})
    assert r.status_code == 302 and Consequence.objects.get(pk=item.pk).done_at is not None
    assert officer.post(url("annual_finalize", TOWNSHIP_A1, 2026), {}).status_code == 404  # no cadre chosen
    page = text(officer.get(f"{url('annual', TOWNSHIP_A1, 2026)}?cadre={person.pk}"))
    assert url("annual_finalize", TOWNSHIP_A1, 2026) not in page  # final: no 定稿 button
    computed = AnnualAssessmentFactory.create(person=CadreFactory.create(posts=("VDD",)))
    page = text(officer.get(f"{url('annual', TOWNSHIP_A1, 2026)}?cadre={computed.person_id}"))
    assert url("annual_finalize", TOWNSHIP_A1, 2026) in page


@pytest.mark.django_db
def test_competency_record_action(officer: Client) -> None:
    """R-ASMT-07: 85 % recorded at the record address; a 75 % exit first asks for confirmation."""
    a = CadreFactory.create(secretary=True, professionalized=2)
    record = url("competency_record", TOWNSHIP_A1, 2026, 1)
    r = officer.post(record, {"cadre": a.pk, "party_members-competent": "75", "party_members-basic": "25"})
    assert r.status_code == 200 and 'name="confirm_exit"' in text(r) and not CompetencyEvaluation.objects.exists()
    assert f'href="{url("competency", TOWNSHIP_A1, 2026, 1)}"' in text(r)  # 关闭 leads to the page
    r = officer.post(record, {"cadre": a.pk, "party_members-competent": "85", "party_members-basic": "15"})
    assert r.status_code == 302 and CompetencyEvaluation.objects.get(person=a).outcome == "admonish"


@pytest.mark.django_db
def test_pledge_desk_actions_keep_the_filter(officer: Client, cadre_user: Any) -> None:
    """WF-6 and R-ASMT-06 at their addresses; back to the desk with its state filter."""
    me = cadre_user(posts=("PS",))
    pledge = PledgeFactory.create(person=me.cadre, vetting=True)
    plan = TargetPlanFactory.create(person=me.cadre)
    desk = url("pledges", TOWNSHIP_A1, 2026)
    page = text(officer.get(desk + "?state=vetting"))
    assert f'action="{url("pledge_publicise", TOWNSHIP_A1, 2026)}?state=vetting"' in page
    assert "撤回承诺" in page and "评审通过" in page
    r = officer.post(url("pledge_return", TOWNSHIP_A1, 2026) + "?state=vetting", {"cadre": me.cadre_id, "reason": ""})
    assert r.status_code == 200 and "请填写说明" in text(r)
    r = officer.post(url("pledge_publicise", TOWNSHIP_A1, 2026) + "?state=vetting", {"cadre": me.cadre_id})
    assert r.status_code == 302 and r["Location"] == f"{desk}?state=vetting#c{me.cadre_id}"
    assert Pledge.objects.get(pk=pledge.pk).state == "publicised"
    assert officer.post(url("target_advance", TOWNSHIP_A1, 2026), {"cadre": me.cadre_id}).status_code == 302
    assert TargetPlan.objects.get(pk=plan.pk).state == "reviewed"
    r = officer.post(url("pledge_withdraw", TOWNSHIP_A1, 2026), {"cadre": me.cadre_id, "reason": "上级规划调整取消"})
    assert r.status_code == 302 and Pledge.objects.get(pk=pledge.pk).state == "withdrawn"
    assert "撤回承诺" not in text(officer.get(desk))  # nothing more to withdraw


@pytest.mark.django_db
def test_cadre_page_actions(login: Any, cadre_user: Any) -> None:
    """WF-6 / R-ASMT-06 on the phone, each button at its address, the year kept."""
    me = cadre_user(posts=("PS",))
    c = login(me)
    r = c.post(url("me_pledge_submit") + "?year=2026", {"item_1": "修通组组路", "item_2": "办好茶叶合作社"})
    assert r.status_code == 302 and r["Location"] == f"{url('me')}?year=2026#pledge"
    assert Pledge.objects.get(person_id=me.cadre_id).state == "vetting"
    Pledge.objects.filter(person_id=me.cadre_id).update(state="publicised")
    assert c.post(url("me_midyear") + "?year=2026", {"report": "路基完成"}).status_code == 302
    assert c.post(url("me_yearend") + "?year=2026", {"report": "全部完成"}).status_code == 302
    assert Pledge.objects.get(person_id=me.cadre_id).state == "yearend"
    assert c.post(url("me_target_save") + "?year=2026", {"items": "集体经济收入 10 万元"}).status_code == 302
    assert TargetPlan.objects.get(person_id=me.cadre_id).items == ["集体经济收入 10 万元"]
    assert c.get(url("me_pledge_save")).status_code == 405


@pytest.mark.django_db
def test_points_actions(officer: Client) -> None:
    """R-PTY-02 and R-PTY-03 at their addresses."""
    member = CadreFactory.create(secretary=True)
    r = officer.post(
        url("pioneer_record", VILLAGE_A1, 2026),
        {"cadre": member.pk, "day": "2026-03-01", "item": "study", "points": "8"},
    )
    assert r.status_code == 302 and PioneerEntry.objects.get().points == D(8)
    r = officer.post(url("star_rate", TOWNSHIP_A1, 2026), {"village": VILLAGE_A1, "score": "85"})
    assert r.status_code == 302 and StarRating.objects.get().stars == 4
    assert officer.post(url("star_rate", TOWNSHIP_A1, 2026), {"village": TOWNSHIP_A1, "score": "85"}).status_code == 404


@pytest.mark.django_db
def test_only_steps_the_user_may_take_show(personas: dict[str, Any], login: Any) -> None:
    """The board's 定稿 button is QUARTERLY_FLOW's answer: a draft has one, a final row has 更正."""
    draft = QuarterlyEvaluationFactory.create(person=CadreFactory.create(secretary=True))
    final = QuarterlyEvaluationFactory.create(person=CadreFactory.create(director=True), final=True)
    page = text(login(personas["township_a1"]).get(url("quarterly", *Q1)))
    assert f'name="finalize" value="{draft.person_id}"' in page
    assert f'name="finalize" value="{final.person_id}"' not in page and f'id="correct-{final.person_id}"' in page


@pytest.mark.django_db
def test_annual_page_over_the_excellent_quota(officer: Client, personas: dict[str, Any], login: Any) -> None:
    """R-ASMT-03 on the page: the second 优秀 of a round of 5 is over 20 %: the township sees why and
    no 定稿 button; the county finalizes it as an exception with a reason."""
    people = [CadreFactory.create(posts=("VDD",)) for _ in range(5)]
    first, second = (AnnualAssessmentFactory.create(person=p, total=D(95)) for p in people[:2])
    for p in people[2:]:
        AnnualAssessmentFactory.create(person=p, total=D(80))
    assert officer.post(url("annual_finalize", TOWNSHIP_A1, 2026), {"cadre": first.person_id}).status_code == 302
    page = text(officer.get(f"{url('annual', TOWNSHIP_A1, 2026)}?cadre={second.person_id}"))
    assert "比例上限" in page and "超比例例外定稿" not in page
    officer.post(url("annual_finalize", TOWNSHIP_A1, 2026), {"cadre": second.person_id})
    assert AnnualAssessment.objects.get(pk=second.pk).status == "computed"
    county = login(personas["county_a_admin"])
    page = text(county.get(f"{url('annual', TOWNSHIP_A1, 2026)}?cadre={second.person_id}"))
    assert "超比例例外定稿" in page
    r = county.post(
        url("annual_finalize", TOWNSHIP_A1, 2026), {"cadre": second.person_id, "reason": "抗洪抢险表现突出"}
    )
    assert r.status_code == 302 and AnnualAssessment.objects.get(pk=second.pk).status == "final"
