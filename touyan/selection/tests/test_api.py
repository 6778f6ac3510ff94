"""The A7/A8 contract rows of selection and exit, driven through the API as a client would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import COUNTY_A, VILLAGE_A1
from touyan.assessment.models import AnnualAssessment, StarRating
from touyan.cadres.models import Filing, Post
from touyan.regions.models import RegionStat
from touyan.selection import selectors
from touyan.selection.models import Case, Review

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
VILLAGE_A1B = "522301001002"


def _case(api_client: Any, sel: dict[str, Any], cadre: Any, **body: Any) -> int:
    c = api_client(sel["township"])
    r = c.post(
        "/api/v1/selection/cases",
        {"cadre": cadre.pk, "purpose": "election", "village": cadre.village_id, "post": "VM", **body},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["state"] == "nominated"
    return int(r.json()["id"])


def _submit(api_client: Any, sel: dict[str, Any], case_id: int) -> None:
    r = api_client(sel["township"]).post(f"/api/v1/selection/cases/{case_id}/submit")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "joint_review"


def _answer(api_client: Any, user: Any, case_id: int, result: str, reason: str = "") -> Any:
    c = api_client(user)
    items = c.get("/api/v1/selection/reviews").json()["items"]
    (item,) = [i for i in items if i["case"] == case_id]
    return c.post(
        f"/api/v1/selection/reviews/{item['id']}",
        {"result": result, "reason": reason},
        content_type="application/json",
    )


def test_submit_opens_one_review_per_department_due_in_workdays(api_client, sel, make_cadre) -> None:
    """R-ELIG-04: one review per department of the county's review_depts, due after 7 workdays."""
    case_id = _case(api_client, sel, make_cadre())
    _submit(api_client, sel, case_id)
    reviews = Review.objects.filter(case_id=case_id)
    assert sorted(r.department for r in reviews) == ["discipline", "police"]
    assert {r.due_date for r in reviews} == {selectors.due_after(TODAY, 7)}
    assert all(r.due_date > TODAY + dt.timedelta(days=6) for r in reviews)


def test_reviewer_sees_own_department_in_own_county_masked(api_client, sel, make_cadre) -> None:
    """A8 GET /selection/reviews: only the reviewer's department in their county; masked ID."""
    person = make_cadre(name="张候选")
    case_id = _case(api_client, sel, person)
    _submit(api_client, sel, case_id)
    items = api_client(sel["police"]).get("/api/v1/selection/reviews").json()["items"]
    assert [(i["case"], i["department"], i["name"]) for i in items] == [(case_id, "police", "张候选")]
    assert items[0]["id_number_masked"] == person.id_masked and "*" in items[0]["id_number_masked"]
    assert {"id", "case", "department", "name", "id_number_masked", "due_date", "state"} <= set(items[0])
    assert api_client(sel["police_b"]).get("/api/v1/selection/reviews").json() == {"items": [], "total": 0}
    assert api_client(sel["police_b"]).get(f"/api/v1/selection/cases/{case_id}").status_code == 404
    review = Review.objects.get(case_id=case_id, department="police")
    r = api_client(sel["police_b"]).post(
        f"/api/v1/selection/reviews/{review.pk}", {"result": "clear"}, content_type="application/json"
    )
    assert r.status_code == 404


def test_criminal_record_from_police_rejects_whatever_the_others(api_client, sel, make_cadre) -> None:
    """R-ELIG-05: a bar_hard (公安: criminal record) → rejected, even with the other opinion clear."""
    case_id = _case(api_client, sel, make_cadre())
    _submit(api_client, sel, case_id)
    assert _answer(api_client, sel["discipline"], case_id, "clear").status_code == 200
    assert api_client(sel["township"]).get(f"/api/v1/selection/cases/{case_id}").json()["state"] == "joint_review"
    r = _answer(api_client, sel["police"], case_id, "bar_hard", "2015年因故意伤害罪被判处有期徒刑")
    assert r.status_code == 200
    body = api_client(sel["township"]).get(f"/api/v1/selection/cases/{case_id}").json()
    assert body["state"] == "rejected" and body["outcome"] == "rejected"
    assert {o["department"]: o["result"] for o in body["opinions"]} == {"discipline": "clear", "police": "bar_hard"}


def test_an_opinion_is_final_and_needs_a_reason_unless_clear(api_client, sel, make_cadre) -> None:
    case_id = _case(api_client, sel, make_cadre())
    _submit(api_client, sel, case_id)
    r = _answer(api_client, sel["police"], case_id, "bar_soft")
    assert r.status_code == 422 and "reason" in str(r.json())
    assert _answer(api_client, sel["police"], case_id, "clear").status_code == 200
    again = _answer(api_client, sel["police"], case_id, "bar_hard", "改口")
    assert again.status_code == 409


def test_police_never_sees_discipline_opinion(api_client, sel, make_cadre) -> None:
    """R-DATA-04: a reviewer of 公安 reads only 公安's opinion of a case."""
    case_id = _case(api_client, sel, make_cadre())
    _submit(api_client, sel, case_id)
    _answer(api_client, sel["discipline"], case_id, "bar_soft", "正在接受纪律审查")
    body = api_client(sel["police"]).get(f"/api/v1/selection/cases/{case_id}").json()
    assert [o["department"] for o in body["opinions"]] == ["police"]
    assert "纪律审查" not in str(body)
    assert api_client(sel["police"]).get("/api/v1/selection/cases").status_code == 403  # no row for reviewers


def test_soft_flag_needs_the_township_reasoned_decision(api_client, sel, make_cadre) -> None:
    """R-ELIG-05: any bar_soft → soft_flag; the township decides with a reason (no reason → 422)."""
    case_id = _case(api_client, sel, make_cadre())
    _submit(api_client, sel, case_id)
    _answer(api_client, sel["discipline"], case_id, "clear")
    _answer(api_client, sel["police"], case_id, "bar_soft", "2023年曾因赌博被治安处罚")
    c = api_client(sel["township"])
    assert c.get(f"/api/v1/selection/cases/{case_id}").json()["state"] == "soft_flag"
    r = c.post(f"/api/v1/selection/cases/{case_id}/decide", {"decision": "clear"}, content_type="application/json")
    assert r.status_code == 422
    r = c.post(
        f"/api/v1/selection/cases/{case_id}/decide",
        {"decision": "clear", "reason": "情节轻微,已深刻检讨,党委会研究同意"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["state"] == "cleared"


def _cleared(api_client: Any, sel: dict[str, Any], cadre: Any, **body: Any) -> int:
    case_id = _case(api_client, sel, cadre, **body)
    _submit(api_client, sel, case_id)
    _answer(api_client, sel["discipline"], case_id, "clear")
    _answer(api_client, sel["police"], case_id, "clear")
    assert Case.objects.get(pk=case_id).state == "cleared"
    return case_id


def test_appointment_waits_for_the_end_of_publicity(api_client, sel, make_cadre) -> None:
    """WF-1: publicity_days = 5 from the posting day; the post's first day must come after it."""
    person = make_cadre(posts=())
    case_id = _cleared(api_client, sel, person)
    c = api_client(sel["township"])
    early = c.post(
        f"/api/v1/selection/cases/{case_id}/appoint", {"start_date": str(TODAY)}, content_type="application/json"
    )
    assert early.status_code == 409  # not publicised yet
    future = c.post(
        f"/api/v1/selection/cases/{case_id}/publicize",
        {"start_date": str(TODAY + dt.timedelta(days=1))},
        content_type="application/json",
    )
    assert future.status_code == 422
    before = c.post(
        f"/api/v1/selection/cases/{case_id}/publicize",
        {"start_date": str(TODAY - dt.timedelta(days=1))},
        content_type="application/json",
    )
    assert before.status_code == 422  # before the case was cleared
    r = c.post(
        f"/api/v1/selection/cases/{case_id}/publicize", {"start_date": str(TODAY)}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["state"] == "publicity"
    end = TODAY + dt.timedelta(days=4)
    assert Case.objects.get(pk=case_id).publicity_end == end
    inside = c.post(
        f"/api/v1/selection/cases/{case_id}/appoint", {"start_date": str(end)}, content_type="application/json"
    )
    assert inside.status_code == 409 and end.isoformat() in inside.json()["detail"]
    r = c.post(
        f"/api/v1/selection/cases/{case_id}/appoint",
        {"start_date": str(end + dt.timedelta(days=1))},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["state"] == "in_office"
    post = Post.objects.get(pk=r.json()["post"])
    assert (post.person_id, post.post, post.start_date) == (person.pk, "VM", end + dt.timedelta(days=1))
    assert Filing.objects.filter(post=post, county_id=COUNTY_A).exists()


def test_unanswered_review_is_escalated_to_the_county(api_client, sel, make_cadre) -> None:
    """WF-1: a department that does not answer in time shows on the county's overdue list."""
    case_id = _case(api_client, sel, make_cadre())
    _submit(api_client, sel, case_id)
    _answer(api_client, sel["discipline"], case_id, "clear")
    later = selectors.due_after(TODAY, 7) + dt.timedelta(days=1)
    overdue = list(selectors.overdue_reviews(actor=sel["county"], today=later))
    assert [(r.case_id, r.department) for r in overdue] == [(case_id, "police")]
    assert list(selectors.overdue_reviews(actor=sel["county"], today=TODAY)) == []
    assert list(selectors.overdue_reviews(actor=sel["county_b"], today=later)) == []
    assert list(selectors.overdue_reviews(actor=sel["township"], today=later)) == []
    Review.objects.filter(case_id=case_id, department="police").update(due_date=TODAY - dt.timedelta(days=1))
    body = api_client(sel["county"]).get("/api/v1/selection/reviews/overdue").json()
    assert [(i["case"], i["department"]) for i in body["items"]] == [(case_id, "police")]
    assert api_client(sel["county"]).get(f"/api/v1/selection/cases/{case_id}").json()["overdue"] is True
    assert api_client(sel["county_b"]).get("/api/v1/selection/reviews/overdue").json()["total"] == 0


def _professional_ready(person: Any, village: str = VILLAGE_A1) -> None:
    """Last year's facts of a secretary who meets every R-POS-03 condition."""
    last = TODAY.year - 1
    AnnualAssessment.objects.create(
        person=person, village_id=village, year=last, work_score=95, demo_score=95, satisfaction=Decimal("0.95"),
        total=Decimal("95"), grade="excellent", status="final",
    )  # fmt: skip
    RegionStat.objects.update_or_create(region_id=village, year=last, defaults={"collective_income": Decimal("150000")})
    StarRating.objects.update_or_create(village_id=village, year=last, defaults={"score": 85, "stars": 4})


def test_eligibility_endpoint(api_client, sel, make_cadre) -> None:
    """A7 GET /cadres/{id}/eligibility?purpose=professional_secretary (R-POS-03)."""
    person = make_cadre(posts=("PS",))
    c = api_client(sel["township"])
    r = c.get(f"/api/v1/cadres/{person.pk}/eligibility?purpose=professional_secretary")
    assert r.status_code == 200
    body = r.json()
    # Nothing on file yet for last year's assessment, the collective income or the stars: not
    # met, so not eligible; each listed with its rule id, as unverified (selectors.Eligibility).
    unverified = {("R-POS-03", "assessment"), ("R-POS-03", "collective_income"), ("R-POS-03", "stars")}
    assert body["eligible"] is False
    assert {(v["rule"], v["condition"]) for v in body["unverified"]} == unverified
    assert {(v["rule"], v["condition"], v["bar"]) for v in body["violations"]} == {
        (*u, "unverified") for u in unverified
    }
    RegionStat.objects.create(region_id=VILLAGE_A1, year=TODAY.year - 1, collective_income=Decimal("50000"))
    body = c.get(f"/api/v1/cadres/{person.pk}/eligibility?purpose=professional_secretary").json()
    assert body["eligible"] is False
    failed = [(v["rule"], v["condition"]) for v in body["violations"] if v["bar"] != "unverified"]
    assert failed == [("R-POS-03", "collective_income")]
    _professional_ready(person)
    body = c.get(f"/api/v1/cadres/{person.pk}/eligibility?purpose=professional_secretary").json()
    assert body == {
        "cadre": person.pk,
        "purpose": "professional_secretary",
        "eligible": True,
        "violations": [],
        "unverified": [],
    }
    other = make_cadre(village=VILLAGE_A1B, posts=("PS",))
    StarRating.objects.create(village_id=VILLAGE_A1B, year=TODAY.year - 1, score=75, stars=3)
    body = c.get(f"/api/v1/cadres/{other.pk}/eligibility?purpose=professional_secretary").json()
    assert ("R-POS-03", "stars") in {(v["rule"], v["condition"]) for v in body["violations"]}
    assert c.get(f"/api/v1/cadres/{person.pk}/eligibility?purpose=nonsense").status_code == 422
    assert api_client(sel["outsider"]).get(f"/api/v1/cadres/{person.pk}/eligibility").status_code == 404
    assert api_client(sel["police"]).get(f"/api/v1/cadres/{person.pk}/eligibility").status_code in (403, 404)


def test_a_township_cannot_professionalize_more_than_half_its_villages(api_client, sel, make_cadre) -> None:
    """R-POS-03 on every path: township A1 has 2 villages → at most 1 professionalised secretary."""
    c = api_client(sel["township"])
    first = make_cadre(village=VILLAGE_A1, posts=())
    r = c.post(
        f"/api/v1/cadres/{first.pk}/posts",
        {"post": "PS", "start_date": "2024-01-01", "full_time": True, "professionalized": True, "tier": 2},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    second = make_cadre(village=VILLAGE_A1B, posts=())
    r = c.post(
        f"/api/v1/cadres/{second.pk}/posts",
        {"post": "PS", "start_date": "2024-01-01", "full_time": True, "professionalized": True},
        content_type="application/json",
    )
    assert r.status_code == 409 and "R-POS-03" in r.json()["detail"]
    assert not Post.objects.filter(person=second).exists()
    # and through the selection path
    Post.objects.create(person=second, village_id=VILLAGE_A1B, post="PS", organisation="party_org",
                        start_date=dt.date(2021, 4, 1), full_time=True)  # fmt: skip
    _professional_ready(second, VILLAGE_A1B)
    case_id = _cleared(api_client, sel, second, purpose="professional_secretary", post="PS", full_time=True)
    c.post(f"/api/v1/selection/cases/{case_id}/publicize", {"start_date": str(TODAY)}, content_type="application/json")
    r = c.post(
        f"/api/v1/selection/cases/{case_id}/appoint",
        {"start_date": str(TODAY + dt.timedelta(days=5))},
        content_type="application/json",
    )
    assert r.status_code == 409 and "R-POS-03" in r.json()["detail"]
    assert Case.objects.get(pk=case_id).state == "publicity"
    assert Post.objects.filter(person=second, professionalized=True).count() == 0
    assert Post.objects.get(person=second).end_date is None  # rolled back whole


def test_a_fourth_full_time_cadre_in_a_village_is_refused(api_client, sel, make_cadre) -> None:
    """R-POS-01: 一般每村按3名核定."""
    c = api_client(sel["township"])
    for post in ("PS", "VD", "PDS"):
        p = make_cadre(posts=())
        r = c.post(
            f"/api/v1/cadres/{p.pk}/posts",
            {"post": post, "start_date": "2024-01-01", "full_time": True},
            content_type="application/json",
        )
        assert r.status_code == 201
    p = make_cadre(posts=())
    r = c.post(
        f"/api/v1/cadres/{p.pk}/posts",
        {"post": "CLK", "start_date": "2024-01-01", "full_time": True},
        content_type="application/json",
    )
    assert r.status_code == 409 and "R-POS-01" in r.json()["detail"]


def test_exit_cannot_complete_before_its_audit(api_client, sel, make_cadre, login) -> None:
    """WF-2 / R-FIN-03: a full-time cadre's exit needs the audit report before the county approves;
    the post ends, pay stops after that month, the county's filing desk shows the exit."""
    person = make_cadre(posts=("VD",), name="王主任")
    post = Post.objects.get(person=person)
    town = api_client(sel["township"])
    direct = town.post(
        f"/api/v1/cadres/{person.pk}/posts/{post.pk}/end",
        {"end_date": str(TODAY), "end_reason": "resigned"},
        content_type="application/json",
    )
    assert direct.status_code == 409 and "/api/v1/exits" in direct.json()["detail"]
    r = town.post("/api/v1/exits", {"post": post.pk, "trigger": "resignation", "reason": "本人申请辞职"},
                  content_type="application/json")  # fmt: skip
    assert r.status_code == 201 and r.json()["state"] == "proposed"
    exit_id = r.json()["id"]
    county = api_client(sel["county"])
    assert county.post(f"/api/v1/exits/{exit_id}/approve").status_code == 409
    assert town.post(f"/api/v1/exits/{exit_id}/complete", {"end_date": str(TODAY)},
                     content_type="application/json").status_code == 409  # fmt: skip
    assert town.post(f"/api/v1/exits/{exit_id}/approve").status_code == 403
    r = county.post(
        f"/api/v1/exits/{exit_id}/audit-report",
        {"date": str(TODAY), "findings": "无问题", "referred": False},
        content_type="application/json",
    )
    assert r.status_code == 200
    r = county.post(f"/api/v1/exits/{exit_id}/approve")
    assert r.status_code == 200 and r.json()["state"] == "decided"
    r = town.post(f"/api/v1/exits/{exit_id}/complete", {"end_date": str(TODAY)}, content_type="application/json")
    assert r.status_code == 200
    post.refresh_from_db()
    assert post.end_date == TODAY and post.end_reason == "resigned"
    assert Filing.objects.filter(post=post, change="ended").exists()
    assert "王主任" in login(sel["county"]).get("/cadres/filings/").content.decode()


def test_users_api_takes_a_reviewer_department(api_client, personas) -> None:
    """A8 POST /api/v1/users: `department` for role reviewer, whose region is a county."""
    c = api_client(personas["county_a_admin"])
    body = {"username": "court_a", "password": "Court#2026x", "role": "reviewer", "region": COUNTY_A}
    assert c.post("/api/v1/users", body, content_type="application/json").status_code == 422
    r = c.post("/api/v1/users", {**body, "department": "court"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["department"] == "court"
    bad = c.post(
        "/api/v1/users",
        {**body, "username": "x2", "department": "court", "region": "522301001000"},
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_the_yearly_professionalisation_list(api_client, sel, make_cadre) -> None:
    """S2 第十三条: the township proposes (R-POS-03 conditions, ≤ ½ of the villages, tiers ≈ ⅓,
    tier 1 needs 5★), the county approves; the posts change from 1 January (or the day approved)."""
    a = make_cadre(village=VILLAGE_A1, posts=("PS",))
    b = make_cadre(village=VILLAGE_A1B, posts=("PS",))
    _professional_ready(a)
    _professional_ready(b, VILLAGE_A1B)
    town, county = api_client(sel["township"]), api_client(sel["county"])
    url = "/api/v1/selection/professional-lists"
    body = {"township": "522301001000", "year": TODAY.year, "entries": [{"cadre": a.pk, "tier": 2}]}
    two = {**body, "entries": [{"cadre": a.pk, "tier": 2}, {"cadre": b.pk, "tier": 3}]}
    r = town.post(url, two, content_type="application/json")
    assert r.status_code == 422 and "比例上限" in str(r.json())  # R-POS-03: 2 villages → 1
    tier1 = town.post(url, {**body, "entries": [{"cadre": a.pk, "tier": 1}]}, content_type="application/json")
    assert tier1.status_code == 422 and "一档" in str(tier1.json())  # 4★ cannot be tier 1
    r = town.post(url, body, content_type="application/json")
    assert r.status_code == 201 and r.json()["state"] == "proposed"
    list_id = r.json()["id"]
    assert town.post(f"{url}/{list_id}/approve").status_code in (403, 404)
    r = county.post(f"{url}/{list_id}/approve")
    assert r.status_code == 200 and r.json()["state"] == "approved"
    current = Post.objects.get(person=a, end_date__isnull=True, post="PS")
    assert current.professionalized and current.tier == 2
    assert county.post(f"{url}/{list_id}/approve").status_code == 409


def test_default_ten_departments_end_to_end(api_client, personas, make_cadre) -> None:
    """R-ELIG-04 defaults: ten departments, reviewers created through the users API (A8)."""
    from conftest import PASSWORD
    from touyan.accounts.models import User
    from touyan.policy.params import DEFAULT_REVIEW_DEPTS

    admin = api_client(personas["county_a_admin"])
    for dept in DEFAULT_REVIEW_DEPTS:
        r = admin.post(
            "/api/v1/users",
            {"username": f"r_{dept}", "password": PASSWORD, "role": "reviewer", "region": COUNTY_A, "department": dept},
            content_type="application/json",
        )
        assert r.status_code == 201, r.content
    person = make_cadre(posts=())
    town = api_client(personas["township_a1"])
    r = town.post(
        "/api/v1/selection/cases",
        {"cadre": person.pk, "purpose": "by_election", "village": person.village_id, "post": "VDD"},
        content_type="application/json",
    )
    case_id = r.json()["id"]
    assert town.post(f"/api/v1/selection/cases/{case_id}/submit").json()["state"] == "joint_review"
    assert Review.objects.filter(case_id=case_id).count() == 10
    for dept in DEFAULT_REVIEW_DEPTS:
        c = api_client(User.objects.get(username=f"r_{dept}"))
        (item,) = c.get("/api/v1/selection/reviews").json()["items"]
        assert item["department"] == dept and item["state"] == "pending"
        assert (
            c.post(
                f"/api/v1/selection/reviews/{item['id']}", {"result": "clear"}, content_type="application/json"
            ).status_code
            == 200
        )
    body = town.get(f"/api/v1/selection/cases/{case_id}").json()
    assert body["state"] == "cleared" and len(body["opinions"]) == 10


def test_eligibility_of_a_new_secretary_reads_the_reserve_pool(api_client, sel, make_cadre) -> None:
    """R-TRN-06 through A7's eligibility row: a reserve since 2 months is refused with the rule id;
    after 1 year in the pool (training's reserve_long_enough) the condition is met."""
    from touyan.training.models import Reserve

    person = make_cadre(posts=("VM",))
    url = f"/api/v1/cadres/{person.pk}/eligibility?purpose=election&post=PS"
    c = api_client(sel["township"])
    body = c.get(url).json()
    assert ("R-TRN-06", "reserve") in {(v["rule"], v["condition"]) for v in body["violations"]}
    assert body["eligible"] is False
    reserve = Reserve.objects.create(
        person=person,
        village_id=VILLAGE_A1,
        target_post="PS",
        source="capable_farmer",
        since=TODAY - dt.timedelta(days=60),
    )
    assert "R-TRN-06" in {v["rule"] for v in c.get(url).json()["violations"]}
    Reserve.objects.filter(pk=reserve.pk).update(since=TODAY - dt.timedelta(days=400))
    body = c.get(url).json()
    assert body == {"cadre": person.pk, "purpose": "election", "eligible": True, "violations": [], "unverified": []}
