"""Assessment on the database and through the API (R-ASMT-02…07, WF-5…7; issue acceptance)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client

from conftest import VILLAGE_A1
from touyan.assessment import rules, services
from touyan.assessment.models import Consequence, Pledge, QuarterlyEvaluation
from touyan.assessment.tests.factories import CadreFactory, QuarterlyEvaluationFactory, scored_year, township_year
from touyan.cadres.models import Post
from touyan.core.errors import Conflict, InvalidInput


def post(c: Client, url: str, body: dict[str, Any]) -> Any:
    return c.post(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_quarterly_endpoint_returns_the_grade_and_final_is_immutable(api_client, personas, make_cadre) -> None:
    person = make_cadre(village=VILLAGE_A1, posts=("PS",))
    c = api_client(personas["township_a1"])
    r = post(c, "/api/v1/assessments/quarterly", {"cadre": person.pk, "year": 2026, "quarter": 1, "score": "89.99"})
    assert r.status_code == 201 and r.json()["grade"] == "competent"
    ev_id = r.json()["id"]
    r = post(c, "/api/v1/assessments/quarterly", {"cadre": person.pk, "year": 2026, "quarter": 1, "score": "90"})
    assert r.status_code == 201 and r.json()["id"] == ev_id and r.json()["grade"] == "excellent"  # a draft changes
    assert post(c, f"/api/v1/assessments/quarterly/{ev_id}/finalize", {}).status_code == 200
    r = post(c, "/api/v1/assessments/quarterly", {"cadre": person.pk, "year": 2026, "quarter": 1, "score": "50"})
    assert r.status_code == 409
    assert QuarterlyEvaluation.objects.get(pk=ev_id).score == D("90.00")
    bad = post(c, f"/api/v1/assessments/quarterly/{ev_id}/corrections", {"score": "85", "reason": ""})
    assert bad.status_code == 422
    fixed = post(c, f"/api/v1/assessments/quarterly/{ev_id}/corrections", {"score": "85", "reason": "复核扣分有误"})
    assert fixed.status_code == 201 and fixed.json()["version"] == 2 and fixed.json()["status"] == "draft"
    assert QuarterlyEvaluation.objects.get(pk=ev_id).score == D("90.00")  # the old version stays as it was
    assert (
        post(
            c, "/api/v1/assessments/quarterly", {"cadre": person.pk, "year": 2026, "quarter": 5, "score": "80"}
        ).status_code
        == 422
    )
    outsider = api_client(personas["township_b1"])
    assert (
        post(
            outsider, "/api/v1/assessments/quarterly", {"cadre": person.pk, "year": 2026, "quarter": 2, "score": "80"}
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_annual_worked_example_through_the_api(api_client, personas, make_cadre) -> None:
    """Issue acceptance: quarters 92, 85, 78, 88; tallies 30/50/15/5; no bonus.
    work = (92 + 85 + 78 + 88) / 4 = 85.75; democratic = (30·100 + 50·80 + 15·60 + 5·0) / 100 = 79.00;
    total = 0.7 × 85.75 + 0.3 × 79.00 = 83.725 → 83.73 → 称职 (70 ≤ 83.73 < 90)."""
    person = make_cadre(village=VILLAGE_A1, posts=("PS",))
    officer = personas["township_a1"]
    scored_year(person, 2026, [92, 85, 78, 88])
    c = api_client(officer)
    r = post(
        c,
        "/api/v1/assessments/annual",
        {
            "cadre": person.pk,
            "year": 2026,
            "tallies": {
                "party_members": {"excellent": 18, "competent": 30, "basically_competent": 9, "incompetent": 3},
                "representatives": {"excellent": 12, "competent": 20, "basically_competent": 6, "incompetent": 2},
            },
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["work_score"], body["demo_score"], body["total"], body["grade"]) == (
        "85.75",
        "79.00",
        "83.73",
        "competent",
    )


@pytest.mark.django_db
def test_annual_needs_final_quarters(personas, make_cadre) -> None:
    person = make_cadre(village=VILLAGE_A1, posts=("PS",))
    officer = personas["township_a1"]
    services.quarterly_score(actor=officer, cadre_id=person.pk, year=2026, quarter=1, score=D(90))
    with pytest.raises(InvalidInput) as exc:
        services.annual_compute(actor=officer, cadre_id=person.pk, year=2026, tallies={})
    assert "1、2、3、4" in exc.value.errors["quarters"][0]


@pytest.mark.django_db
def test_two_consecutive_incompetent_years_flag_exit(personas, make_cadre) -> None:
    """R-ASMT-05: two consecutive 不称职 → the villagers' committee post ends (exit workflow flagged)."""
    person = make_cadre(village=VILLAGE_A1, posts=("VD",))
    officer = personas["township_a1"]
    for year in (2025, 2026):
        scored_year(person, year, [50, 55, 52, 58])
        annual = services.annual_compute(
            actor=officer, cadre_id=person.pk, year=year, tallies={"representatives": rules.Tally(0, 10, 10, 30)}
        )
        assert annual.grade == "incompetent"
        services.annual_finalize(actor=officer, annual_id=annual.pk)
    kinds = set(Consequence.objects.filter(person=person).values_list("kind", "source"))
    assert ("exit_review", "annual:2026") in kinds and ("exit_review", "annual:2025") not in kinds
    assert ("bonus_withheld", "annual:2025") in kinds and ("admonition_talk", "annual:2026") in kinds
    with pytest.raises(Conflict):
        services.annual_compute(actor=officer, cadre_id=person.pk, year=2026, tallies={})


@pytest.mark.django_db
def test_competency_85_admonishes_and_keeps_status(api_client, personas, make_cadre) -> None:
    """Issue acceptance: 85 胜任 / 10 基本胜任 / 5 不胜任 → 85 % → admonition talk; status kept."""
    person = CadreFactory.create(secretary=True, professionalized=2)
    c = api_client(personas["township_a1"])
    r = post(
        c,
        "/api/v1/assessments/competency",
        {
            "cadre": person.pk,
            "year": 2026,
            "half": 1,
            "tallies": {
                "party_members": {"competent": 50, "basically_competent": 6, "incompetent": 3},
                "representatives": {"competent": 35, "basically_competent": 4, "incompetent": 2},
            },
        },
    )
    assert r.status_code == 201 and r.json()["rate"] == "0.8500" and r.json()["outcome"] == "admonish"
    assert Consequence.objects.filter(person=person, kind="admonition_talk").exists()
    assert Post.objects.get(person=person).professionalized


@pytest.mark.django_db
def test_competency_75_ends_professional_status_from_next_month(personas, make_cadre) -> None:
    """Issue acceptance: 75 % → leaves professional management from the next month (audited)."""
    person = CadreFactory.create(secretary=True, professionalized=1)
    ev = services.competency_record(
        actor=personas["township_a1"],
        cadre_id=person.pk,
        year=2026,
        half=1,
        tallies={"party_members": rules.CompetencyTally(75, 20, 5)},
        on=dt.date(2026, 7, 15),
    )
    assert ev.rate == D("0.7500") and ev.outcome == "exit"
    posts = list(Post.objects.filter(person=person).order_by("start_date"))
    assert (posts[0].end_date, posts[0].professionalized, posts[0].tier) == (dt.date(2026, 7, 31), True, 1)
    assert (posts[1].start_date, posts[1].professionalized, posts[1].tier, posts[1].end_date) == (
        dt.date(2026, 8, 1),
        False,
        None,
        None,
    )
    assert Consequence.objects.filter(person=person, kind="leave_professional").exists()


@pytest.mark.django_db
def test_pledge_flow_and_stars(personas, cadre_user) -> None:
    me = cadre_user(posts=("PS",))
    officer = personas["township_a1"]
    with pytest.raises(InvalidInput):
        services.pledge_save(actor=me, cadre_id=me.cadre_id, year=2026, items=["只有一条"])
    pledge = services.pledge_save(actor=me, cadre_id=me.cadre_id, year=2026, items=["修通组组路", "发展茶叶合作社"])
    services.pledge_advance(actor=me, pledge_id=pledge.pk, to="vetting")
    services.pledge_advance(actor=officer, pledge_id=pledge.pk, to="publicised")
    services.pledge_advance(actor=me, pledge_id=pledge.pk, to="midyear", report="路基完成")
    services.pledge_advance(actor=me, pledge_id=pledge.pk, to="yearend", report="全部完成")
    pledge = services.pledge_review(
        actor=officer, pledge_id=pledge.pk, democratic_score=D(88), organisational_score=D(92)
    )
    assert pledge.score == D("90.00") and pledge.state == "scored"
    rating = services.star_rate(actor=officer, village_code=VILLAGE_A1, year=2026, score=D(92), innovation=True)
    assert rating.stars == 5


@pytest.mark.django_db
def test_board_batch_is_all_or_nothing(personas, monkeypatch) -> None:
    """R-ASMT-01 board: one score that cannot be saved leaves every score unsaved, beside its field;
    a fault while finalizing leaves neither the scores nor any finalization."""
    from touyan.assessment.services import quarterly as board

    officer = personas["township_a1"]
    a, b = CadreFactory.create(secretary=True), CadreFactory.create(director=True)
    c = CadreFactory.create(director=True, village="522301001002")
    QuarterlyEvaluationFactory.create(person=c, score=D(70), final=True)
    with pytest.raises(InvalidInput) as exc:
        services.quarterly_board_save(
            actor=officer, year=2026, quarter=1, scores={a.pk: D(92), b.pk: D(88), c.pk: D(60)}
        )
    assert list(exc.value.errors) == [f"score-{c.pk}"] and "已定稿" in exc.value.errors[f"score-{c.pk}"][0]
    assert not QuarterlyEvaluation.objects.filter(person__in=[a, b]).exists()

    calls = []

    def fail_on_second(**kw: Any) -> Any:
        calls.append(kw)
        if len(calls) == 2:
            raise RuntimeError("fault")
        return services.quarterly_finalize(**kw)

    monkeypatch.setattr(board, "quarterly_finalize", fail_on_second)
    with pytest.raises(RuntimeError):
        board.quarterly_board_save(
            actor=officer, year=2026, quarter=1, scores={a.pk: D(92), b.pk: D(88)}, finalize=[a.pk, b.pk]
        )
    assert not QuarterlyEvaluation.objects.filter(person__in=[a, b]).exists()
    monkeypatch.undo()
    result = services.quarterly_board_save(
        actor=officer, year=2026, quarter=1, scores={a.pk: D(92), b.pk: D(88)}, finalize=[a.pk, b.pk, c.pk]
    )
    assert (result.saved, result.finalized, result.unscored) == (2, 2, [])
    assert set(QuarterlyEvaluation.objects.values_list("status", flat=True)) == {"final"}


@pytest.mark.django_db
def test_pledge_submit_saves_and_submits_together(cadre_user) -> None:
    """WF-6: "提交乡镇审核" saves the items and submits them in one step; a refusal leaves the pledge as it was."""
    me = cadre_user(posts=("VD",))
    pledge = services.pledge_submit(actor=me, cadre_id=me.cadre_id, year=2026, items=["甲事项", "乙事项"])
    assert (pledge.state, pledge.items) == ("vetting", ["甲事项", "乙事项"])
    with pytest.raises(Conflict):
        services.pledge_submit(actor=me, cadre_id=me.cadre_id, year=2026, items=["丙事项", "丁事项"])
    assert Pledge.objects.get(pk=pledge.pk).items == ["甲事项", "乙事项"]


@pytest.mark.django_db
def test_annual_rank_in_township_for_selection(personas) -> None:
    """R-POS-03 (for selection): last year's final annual results ranked within each township, ties
    sharing a rank; totals 95, 90, 90, 80, 70 in A1 → 1, 2, 2, 4, 5 of 5, the top half ranks 1–2;
    computed (not final) results and other townships' do not count."""
    from touyan.assessment.selectors import annual_rank_in_township

    people = township_year(VILLAGE_A1, ["excellent"] + ["competent"] * 4, totals=[95, 90, 90, 80, 70], final=True)
    draft = township_year("522301001002", ["excellent"], totals=[99])[0]  # computed only
    other = township_year("522301002001", ["excellent"], totals=[60], final=True)[0]  # township A2
    ids = [a.person_id for a in people] + [draft.person_id, other.person_id]
    ranks = annual_rank_in_township(ids, 2026)
    assert [(ranks[a.person_id].rank, ranks[a.person_id].out_of) for a in people] == [
        (1, 5),
        (2, 5),
        (2, 5),
        (4, 5),
        (5, 5),
    ]
    assert [ranks[a.person_id].in_top(D("0.5")) for a in people] == [True, True, True, False, False]
    assert draft.person_id not in ranks
    assert (ranks[other.person_id].rank, ranks[other.person_id].out_of) == (1, 1)
    assert ranks[other.person_id].township == "522301002000"
    assert annual_rank_in_township(ids, 2025) == {}
