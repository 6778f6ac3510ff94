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
from touyan.assessment.models import Consequence, QuarterlyEvaluation
from touyan.cadres.models import Post
from touyan.core.errors import Conflict, InvalidInput


def post(c: Client, url: str, body: dict[str, Any]) -> Any:
    return c.post(url, data=json.dumps(body), content_type="application/json")


def _four_final_quarters(actor: Any, cadre_id: int, year: int, scores: list[int]) -> None:
    for q, s in enumerate(scores, start=1):
        ev = services.quarterly_score(actor=actor, cadre_id=cadre_id, year=year, quarter=q, score=D(s))
        services.quarterly_finalize(actor=actor, evaluation_id=ev.pk)


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
    _four_final_quarters(officer, person.pk, 2026, [92, 85, 78, 88])
    c = api_client(officer)
    r = post(c, "/api/v1/assessments/annual", {
        "cadre": person.pk, "year": 2026,
        "tallies": {"party_members": {"excellent": 18, "competent": 30, "basically_competent": 9, "incompetent": 3},
                    "representatives": {"excellent": 12, "competent": 20, "basically_competent": 6,
                                        "incompetent": 2}},
    })  # fmt: skip
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
        _four_final_quarters(officer, person.pk, year, [50, 55, 52, 58])
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
    person = make_cadre(village=VILLAGE_A1, posts=("PS",))
    Post.objects.filter(person=person).update(professionalized=True, tier=2)
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
    person = make_cadre(village=VILLAGE_A1, posts=("PS",))
    Post.objects.filter(person=person).update(professionalized=True, tier=1)
    ev = services.competency_record(
        actor=personas["township_a1"], cadre_id=person.pk, year=2026, half=1,
        tallies={"party_members": rules.CompetencyTally(75, 20, 5)}, on=dt.date(2026, 7, 15),
    )  # fmt: skip
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
