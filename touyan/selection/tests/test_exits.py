"""The exit (WF-2) beyond its A8 rows: a recall with its petition and vote (村组法 art.16), the
handover checklist within 10 days (R-ORG-10) on the county's to-dos, the departure allowance
checked by payroll's rule and offered (R-PAY-10), pay stopping after the month of the end date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import TOWNSHIP_A1, VILLAGE_A1
from touyan.cadres.models import Filing, Post
from touyan.core import todos
from touyan.core.errors import Conflict, InvalidInput
from touyan.selection import rules, selectors, services
from touyan.selection.models import Exit

TODAY = timezone.localdate()


# --- pure rules (the law's numbers) ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("by", "signatures", "voters", "reps", "ok"),
    [
        ("voters", 200, 1000, None, True),  # 1/5 of 1,000 registered voters
        ("voters", 199, 1000, None, False),
        ("representatives", 15, None, 45, True),  # 1/3 of 45 representatives
        ("representatives", 14, None, 45, False),
    ],
)
def test_recall_petition_needs_a_fifth_of_voters_or_a_third_of_representatives(
    by: str, signatures: int, voters: int | None, reps: int | None, ok: bool
) -> None:
    """WF-2 recall (村组法 art.16): ≥ 1/5 of the voters or ≥ 1/3 of the representatives sign."""
    errors = rules.recall_petition_problems(by, signatures, voters, reps)
    assert (errors == {}) is ok
    if not ok:
        assert set(errors) == {"signatures"}


def test_recall_petition_names_the_missing_field() -> None:
    assert set(rules.recall_petition_problems("voters", None, None, None)) == {"signatures", "registered_voters"}
    assert set(rules.recall_petition_problems("", 10, 100, None)) == {"petition_by"}
    assert set(rules.recall_petition_problems("voters", 1200, 1000, None)) == {"signatures"}


def test_recall_vote_needs_half_of_voters_voting_and_half_of_votes() -> None:
    """村组法 art.16: more than half of the 1,000 registered voters vote (501), and more than half
    of the votes cast (251 of 501) are for it."""
    assert rules.recall_passes(1000, 501, 251)
    assert not rules.recall_passes(1000, 500, 500)  # exactly half voted
    assert not rules.recall_passes(1000, 501, 250)  # not more than half of the votes
    assert rules.recall_vote_problems(1000, 1001, 10) == {"votes_cast": "投票人数不能多于登记选民数"}
    assert set(rules.recall_vote_problems(1000, 500, 501)) == {"votes_for"}


def test_handover_checklist_and_its_ten_days() -> None:
    """R-ORG-10: seals, books, assets, archives, open matters; overdue after the due date."""
    assert [i.code for i in rules.handover_checklist()] == list(rules.HANDOVER_CODES)
    assert [i.code for i in rules.handover_missing(["seals", "books"])] == ["assets", "archives", "matters"]
    due = dt.date(2026, 3, 11)  # decided 2026-03-01 + 10 days
    assert not rules.handover_overdue(due, None, dt.date(2026, 3, 11))
    assert rules.handover_overdue(due, None, dt.date(2026, 3, 12))
    assert not rules.handover_overdue(due, dt.date(2026, 3, 9), dt.date(2026, 3, 20))


# --- the recall as steps of the exit ------------------------------------------------------------------
def _recall(sel: dict[str, Any], post: Post, **petition: Any) -> Exit:
    body: dict[str, Any] = {"petition_by": "voters", "signatures": 200, "registered_voters": 1000} | petition
    return services.exit_create(actor=sel["township"], post_id=post.pk, trigger="recall", reason="村民联名罢免", **body)


@pytest.mark.django_db
def test_recall_needs_its_petition_and_only_of_an_elected_post(sel, make_cadre) -> None:
    director = Post.objects.get(person=make_cadre(posts=("VD",)))
    with pytest.raises(InvalidInput) as exc:
        _recall(sel, director, signatures=199)
    assert "五分之一" in str(exc.value.errors["signatures"])
    with pytest.raises(InvalidInput) as exc:
        _recall(sel, director, petition_by="representatives", signatures=10, registered_voters=None)
    assert set(exc.value.errors) == {"representatives"}
    secretary = Post.objects.get(person=make_cadre(posts=("PS",)))
    with pytest.raises(InvalidInput) as exc:
        _recall(sel, secretary)
    assert "党组织" in str(exc.value.errors["trigger"])
    e = _recall(sel, director, petition_by="representatives", signatures=15, representatives=45)
    assert (e.state, e.signatures, e.representatives) == ("proposed", 15, 45)


@pytest.mark.django_db
def test_a_failed_recall_vote_keeps_the_cadre_in_office(api_client, sel, make_cadre) -> None:
    """WF-2: county approval → the villagers' vote (statutory_procedure); 500 of 1,000 voting →
    not passed → in_office: the post goes on and a new exit may be opened."""
    post = Post.objects.get(person=make_cadre(posts=("VM",)))
    e = _recall(sel, post)
    assert not e.audit_required
    county, town = api_client(sel["county"]), api_client(sel["township"])
    r = county.post(f"/api/v1/exits/{e.pk}/approve")
    assert r.status_code == 200 and r.json()["state"] == "statutory_procedure"
    assert (
        town.post(
            f"/api/v1/exits/{e.pk}/complete", {"end_date": str(TODAY)}, content_type="application/json"
        ).status_code
        == 409
    )
    vote = {"date": str(TODAY), "registered_voters": 1000, "votes_cast": 1001, "votes_for": 300}
    r = town.post(f"/api/v1/exits/{e.pk}/recall-vote", vote, content_type="application/json")
    assert r.status_code == 422 and "votes_cast" in str(r.json())
    assert (
        county.post(
            f"/api/v1/exits/{e.pk}/recall-vote", vote | {"votes_cast": 500}, content_type="application/json"
        ).status_code
        == 403
    )
    r = town.post(f"/api/v1/exits/{e.pk}/recall-vote", vote | {"votes_cast": 500}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "in_office"
    assert (r.json()["votes_cast"], r.json()["votes_for"]) == (500, 300)
    post.refresh_from_db()
    assert post.end_date is None
    assert _recall(sel, post).state == "proposed"  # the closed exit does not block a new one


@pytest.mark.django_db
def test_a_passed_recall_ends_the_post_as_recalled_without_allowance(api_client, sel, make_cadre) -> None:
    post = Post.objects.get(person=make_cadre(posts=("VM",)))
    e = _recall(sel, post)
    services.exit_approve(actor=sel["county"], exit_id=e.pk)
    e = services.exit_recall_vote(
        actor=sel["township"], exit_id=e.pk, date=TODAY, registered_voters=1000, votes_cast=501, votes_for=251
    )
    assert e.state == "decided" and (e.registered_voters, e.votes_cast, e.votes_for) == (1000, 501, 251)
    e = services.exit_complete(actor=sel["township"], exit_id=e.pk, end_date=TODAY)
    post.refresh_from_db()
    assert post.end_reason == "recalled" and e.allowance_eligible is False
    body = api_client(sel["township"]).get(f"/api/v1/exits/{e.pk}").json()
    assert body["departure"]["eligible"] is False
    assert any("罢免" in p for p in body["departure"]["problems"])


# --- the handover (R-ORG-10) --------------------------------------------------------------------------
def _decided(sel: dict[str, Any], post: Post, trigger: str = "resignation") -> Exit:
    e = services.exit_create(actor=sel["township"], post_id=post.pk, trigger=trigger, reason="本人申请辞职")
    if e.audit_required:
        services.exit_audit_report(actor=sel["county"], exit_id=e.pk, date=TODAY, findings="无问题")
    return services.exit_approve(actor=sel["county"], exit_id=e.pk)


@pytest.mark.django_db
def test_handover_within_ten_days_on_the_county_workbench(api_client, login, sel, make_cadre) -> None:
    """R-ORG-10: after the township's decision a checklist due 10 days later; overdue → on the
    county's to-dos; filed only when every item is handed over (409 naming the rest)."""
    post = Post.objects.get(person=make_cadre(posts=("VM",), name="赵委员"))
    e = _decided(sel, post)
    end = TODAY - dt.timedelta(days=11)
    e = services.exit_complete(actor=sel["township"], exit_id=e.pk, end_date=end)
    assert e.state == "handover" and e.handover_due == end + dt.timedelta(days=10)
    ctx = todos.TodoContext(region=None, today=TODAY)
    (late,) = [t for t in todos.for_user(sel["county"], ctx) if t.label == "逾期未完成的工作移交"]
    assert late.count == 1 and late.urgent
    assert "赵委员" in login(sel["county"]).get(late.url).content.decode()
    (mine,) = [t for t in todos.for_user(sel["township"], ctx) if t.label == "待完成的工作移交"]
    assert mine.count == 1 and mine.due == e.handover_due
    town = api_client(sel["township"])
    r = town.post(
        f"/api/v1/exits/{e.pk}/handover-items", {"items": ["seals", "books"]}, content_type="application/json"
    )
    assert r.status_code == 200 and [i["done"] for i in r.json()["handover_checklist"]] == [
        True,
        True,
        False,
        False,
        False,
    ]
    assert r.json()["handover_overdue"] is True
    r = town.post(f"/api/v1/exits/{e.pk}/handover", {}, content_type="application/json")
    assert r.status_code == 409 and "集体资产" in r.json()["detail"]
    assert (
        town.post(
            f"/api/v1/exits/{e.pk}/handover-items", {"items": ["keys"]}, content_type="application/json"
        ).status_code
        == 422
    )
    assert (
        api_client(sel["county"])
        .post(f"/api/v1/exits/{e.pk}/handover", {"items": list(rules.HANDOVER_CODES)}, content_type="application/json")
        .status_code
        == 403
    )
    r = town.post(
        f"/api/v1/exits/{e.pk}/handover", {"items": list(rules.HANDOVER_CODES)}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["state"] == "filed" and r.json()["handover_done_on"] == str(TODAY)
    assert Filing.objects.filter(post=post, change="ended").exists()
    assert selectors.handover_overdue(actor=sel["county"], today=TODAY).count() == 0


# --- the departure allowance and pay ------------------------------------------------------------------
def _long_serving_secretary(make_cadre: Any) -> Post:
    person = make_cadre(posts=(), birth="19580101", name="孙书记")  # 68: past the age of 60
    return Post.objects.create(
        person=person,
        village_id=VILLAGE_A1,
        post="PS",
        organisation="party_org",
        start_date=dt.date(2005, 4, 1),
        full_time=True,
    )


@pytest.mark.django_db
def test_departure_allowance_checked_by_payroll_and_offered(api_client, sel, make_cadre) -> None:
    """R-PAY-10 at the exit's end: payroll's rule answers (12+ years as secretary, 68) and the
    township is offered payroll's own application, on its to-dos, until it has applied."""
    from touyan.payroll import services as payroll
    from touyan.payroll.tests.factories import CountyStatsFactory

    CountyStatsFactory.create()
    post = _long_serving_secretary(make_cadre)
    e = _decided(sel, post)
    assert e.audit_required  # a full-time secretary (R-FIN-03)
    e = services.exit_complete(actor=sel["township"], exit_id=e.pk, end_date=TODAY)
    assert e.allowance_eligible is True
    body = api_client(sel["township"]).get(f"/api/v1/exits/{e.pk}").json()["departure"]
    first_next = (TODAY.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    assert body["eligible"] and body["start_month"] == str(first_next) and not body["applied"]
    assert body["apply_url"] == f"/payroll/departures/new/?village={VILLAGE_A1}"
    ctx = todos.TodoContext(region=None, today=TODAY)
    (offer,) = [t for t in todos.for_user(sel["township"], ctx) if t.label == "可申请离任生活补贴的离任干部"]
    assert offer.count == 1
    payroll.departure_apply(actor=sel["township"], cadre_id=post.person_id)
    assert selectors.departure_offers(actor=sel["township"]).count() == 0
    assert api_client(sel["township"]).get(f"/api/v1/exits/{e.pk}").json()["departure"]["applied"] is True


@pytest.mark.django_db
def test_pay_stops_after_the_month_of_the_end_date(personas, sel, make_cadre) -> None:
    """A8 exits/complete: the post ends on the 15th of a month; that month's run pays the cadre,
    the next month's does not."""
    from touyan.attendance.services import month_lock
    from touyan.payroll import services as payroll
    from touyan.payroll.models import Payslip
    from touyan.payroll.tests.factories import CountyStatsFactory

    CountyStatsFactory.create()
    post = _long_serving_secretary(make_cadre)
    month = (TODAY.replace(day=1) - dt.timedelta(days=40)).replace(day=1)
    while month.month % 3 != 1:  # January, April, July or October: neither it nor the next ends a quarter
        month = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    e = _decided(sel, post)
    services.exit_complete(actor=sel["township"], exit_id=e.pk, end_date=month.replace(day=15))
    national = personas["national"]
    paid = {}
    for m in (month, following):
        month_lock(actor=national, region_code=TOWNSHIP_A1, month=m, today=TODAY)
        run = payroll.payrun_open(actor=national, region_code=TOWNSHIP_A1, month=m)
        payroll.payrun_calculate(actor=national, run_id=run.pk)
        paid[m] = Payslip.objects.filter(run=run, person_id=post.person_id).exists()
    assert paid == {month: True, following: False}


@pytest.mark.django_db
def test_exit_refusals(sel, make_cadre) -> None:
    post = Post.objects.get(person=make_cadre(posts=("VM",)))
    e = _decided(sel, post)
    with pytest.raises(Conflict):
        services.exit_handover_items(actor=sel["township"], exit_id=e.pk, items=["seals"])
    with pytest.raises(Conflict):
        services.exit_recall_vote(
            actor=sel["township"], exit_id=e.pk, date=TODAY, registered_voters=10, votes_cast=6, votes_for=6
        )


@pytest.mark.django_db
def test_outsiders_reach_no_exit_step(api_client, sel, make_cadre) -> None:
    """Township B1 and county B: 404 on the new steps of an exit in township A1; a reviewer 403."""
    e = _recall(sel, Post.objects.get(person=make_cadre(posts=("VM",))))
    vote = {"date": str(TODAY), "registered_voters": 1000, "votes_cast": 600, "votes_for": 400}
    for who in ("outsider", "county_b"):
        c = api_client(sel[who])
        assert c.post(f"/api/v1/exits/{e.pk}/recall-vote", vote, content_type="application/json").status_code in (
            403,
            404,
        )
        assert c.post(
            f"/api/v1/exits/{e.pk}/handover-items", {"items": []}, content_type="application/json"
        ).status_code in (403, 404)
    assert (
        api_client(sel["outsider"])
        .post(f"/api/v1/exits/{e.pk}/recall-vote", vote, content_type="application/json")
        .status_code
        == 404
    )
    assert api_client(sel["police"]).post(
        f"/api/v1/exits/{e.pk}/recall-vote", vote, content_type="application/json"
    ).status_code in (403, 404)
