"""The A8 rows of cadre development, driven through the API as the hidden checks drive them:
events and their rolls, compliance (R-TRN-01/02), certificates and their pay line (R-TRN-03),
reserves and their sufficiency (R-TRN-06), secondments counted as present (R-TRN-05, A4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from conftest import TOWNSHIP_A1, TOWNSHIP_B1, VILLAGE_A1
from touyan.audit.models import AuditEvent
from touyan.cadres.models import Post
from touyan.training.models import Attendee

pytestmark = pytest.mark.django_db
YEAR = 2026


def _event(c: Any, **kw: Any) -> int:
    body = {"title": "培训", "level": "township", "kind": "central", "start_date": f"{YEAR}-03-02",
            "end_date": f"{YEAR}-03-06", "days": 1} | kw  # fmt: skip
    r = c.post("/api/v1/training/events", body, content_type="application/json")
    assert r.status_code == 201, r.content
    return int(r.json()["id"])


def _attend(c: Any, event: int, cadre: int, **kw: Any) -> Any:
    return c.post(f"/api/v1/training/events/{event}/attendees", {"cadre": cadre, **kw}, content_type="application/json")


def _row(c: Any, region: str, cadre: int) -> dict[str, Any]:
    r = c.get(f"/api/v1/training/compliance?region={region}&year={YEAR}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["total"] == len(body["items"])
    return next(i for i in body["items"] if i["cadre"] == cadre)


def test_event_created_and_attendee_once(personas, api_client, make_cadre) -> None:
    """A8: POST events → 201; attendees → 201 once per cadre, again → 200 with no second row."""
    c = api_client(personas["township_a1"])
    cadre = make_cadre(posts=("VM",))
    event = _event(c, days=2, hours=None)
    r = _attend(c, event, cadre.pk)
    assert r.status_code == 201
    assert r.json()["hours"] == "16.00" and r.json()["days"] == "2.0"
    again = _attend(c, event, cadre.pk)
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
    assert Attendee.objects.filter(event_id=event).count() == 1
    assert AuditEvent.objects.filter(action__in=["training.event.create", "training.attendee.add"]).count() == 2


def test_event_bad_input_names_fields(personas, api_client) -> None:
    c = api_client(personas["township_a1"])
    r = c.post(
        "/api/v1/training/events",
        {"title": "x", "level": "moon", "kind": "nap", "start_date": "2026-03-05", "end_date": "2026-03-01", "days": 1},
        content_type="application/json",
    )
    assert r.status_code == 422
    fields = {d["loc"][-1] for d in r.json()["detail"]}
    assert {"level", "kind", "end_date"} <= fields


def test_outsiders_cannot_use_the_roll(personas, api_client, make_cadre) -> None:
    """An officer of another township neither sees the event nor adds cadres of theirs."""
    a1 = api_client(personas["township_a1"])
    b1 = api_client(personas["township_b1"])
    cadre = make_cadre(posts=("VM",))
    event = _event(a1)
    assert _attend(b1, event, cadre.pk).status_code in (403, 404)
    outsider = make_cadre(village="522302001001", posts=("VM",))
    assert _attend(a1, event, outsider.pk).status_code == 404
    assert b1.get(f"/api/v1/training/compliance?region={TOWNSHIP_A1}&year={YEAR}").status_code == 404
    auditor = api_client(personas["auditor"])
    assert auditor.get(f"/api/v1/training/compliance?region={TOWNSHIP_B1}&year={YEAR}").status_code in (403, 404)
    for url in ("/api/v1/training/events", "/api/v1/certificates", "/api/v1/reserves", "/api/v1/secondments",
                f"/api/v1/training/events/{event}"):  # fmt: skip
        assert auditor.get(url).status_code in (403, 404), url


def test_professionalized_secretary_with_the_days_has_no_trn02_shortfall(personas, api_client, make_cadre) -> None:
    """Acceptance (R-TRN-02): 3 prefecture days, township sessions of 4 and 3 days and 5 days of
    political rotation: no R-TRN-02 shortfall."""
    c = api_client(personas["township_a1"])
    sec = make_cadre(posts=("PS",))
    Post.objects.filter(person=sec, post="PS").update(professionalized=True, tier=1)
    for kw in (
        {"level": "prefecture", "days": 3, "start_date": "2026-04-01", "end_date": "2026-04-03"},
        {"level": "township", "days": 4, "start_date": "2026-05-04", "end_date": "2026-05-07"},
        {"level": "township", "days": 3, "start_date": "2026-06-01", "end_date": "2026-06-03"},
        {"level": "county", "kind": "political_rotation", "days": 5, "start_date": "2026-07-06",
         "end_date": "2026-07-10"},
    ):  # fmt: skip
        assert _attend(c, _event(c, **kw), sec.pk).status_code == 201
    row = _row(c, TOWNSHIP_A1, sec.pk)
    assert row["prefecture_days"] == 3
    assert row["township_sessions"] == 2 and D(row["township_days"]) == 7
    assert D(row["political_rotation_days"]) == 5
    assert row["hours"] == 120 and row["required_hours"] == 56
    assert [s for s in row["shortfalls"] if s["rule"] == "R-TRN-02"] == []
    assert row["shortfalls"] == []


def test_professionalized_secretary_short_of_township_sessions(personas, api_client, make_cadre) -> None:
    """R-TRN-02: a single township session of 7 days is short (≥ 2 sessions)."""
    c = api_client(personas["township_a1"])
    sec = make_cadre(posts=("PS",))
    Post.objects.filter(person=sec, post="PS").update(professionalized=True)
    _attend(c, _event(c, level="township", days=7, start_date="2026-05-04", end_date="2026-05-12"), sec.pk)
    row = _row(c, TOWNSHIP_A1, sec.pk)
    rules = {(s["rule"], s.get("code")) for s in row["shortfalls"]}
    assert ("R-TRN-02", "township") in rules and ("R-TRN-02", "prefecture_days") in rules


def test_committee_member_with_four_days_is_short_of_56_hours(personas, api_client, make_cadre) -> None:
    """Acceptance (R-TRN-01): a committee member with 4 days (32 h) is short of 56 hours."""
    c = api_client(personas["township_a1"])
    member = make_cadre(posts=("PCM",))
    _attend(c, _event(c, days=4, start_date="2026-03-02", end_date="2026-03-05"), member.pk)
    row = _row(c, TOWNSHIP_A1, member.pk)
    assert row["hours"] == 32 and row["required_hours"] == 56
    assert [s["rule"] for s in row["shortfalls"]] == ["R-TRN-01"]
    assert "56" in row["shortfalls"][0]["message"]


def test_compliance_counts_only_the_year_and_the_cadre_reads_their_own(
    personas, api_client, make_cadre, cadre_user
) -> None:
    c = api_client(personas["township_a1"])
    user = cadre_user(posts=("VM",))
    other = make_cadre(posts=("VM",))
    _attend(c, _event(c, days=7, start_date="2025-03-02", end_date="2025-03-10"), user.cadre_id)
    _attend(c, _event(c, days=7, start_date="2026-03-02", end_date="2026-03-10"), other.pk)
    me = api_client(user)
    r = me.get(f"/api/v1/training/compliance?region={VILLAGE_A1}&year={YEAR}")
    assert r.status_code == 200
    assert [i["cadre"] for i in r.json()["items"]] == [user.cadre_id]
    assert D(r.json()["items"][0]["hours"]) == 0
    assert D(_row(c, TOWNSHIP_A1, other.pk)["hours"]) == 56


def test_poor_result_admonition_and_makeup(personas, api_client, make_cadre) -> None:
    """R-TRN-02: a poor result → an admonition talk and make-up study, recorded; only for attendees."""
    c = api_client(personas["township_a1"])
    member = make_cadre(posts=("VM",))
    other = make_cadre(posts=("VM",))
    event = _event(c, kind="exam", level="county")
    assert _attend(c, event, member.pk, passed=False).json()["passed"] is False
    body = {"talk_on": "2026-03-10", "makeup": "参加下一期补学"}
    url = f"/api/v1/training/events/{event}/attendees/{{}}/follow-up"
    assert c.post(url.format(member.pk), body, content_type="application/json").status_code == 201
    r = c.post(url.format(other.pk), body, content_type="application/json")
    assert r.status_code == 404
    r = c.post(f"/api/v1/training/events/{event}/attendees/{other.pk}/result", {"passed": True},
               content_type="application/json")  # fmt: skip
    assert r.status_code == 404


def test_only_attendees_give_feedback(personas, api_client, cadre_user) -> None:
    c = api_client(personas["township_a1"])
    attendee = cadre_user(posts=("VM",))
    stranger = cadre_user(posts=("VDD",))
    event = _event(c, level="county")
    _attend(c, event, attendee.cadre_id)
    ok = api_client(attendee).post(
        f"/api/v1/training/events/{event}/feedback", {"text": "很有收获", "report": True},
        content_type="application/json",
    )  # fmt: skip
    assert ok.status_code == 200 and ok.json()["report_submitted"] is True
    refused = api_client(stranger).post(
        f"/api/v1/training/events/{event}/feedback", {"text": "我没去"}, content_type="application/json"
    )
    assert refused.status_code in (403, 404)


def _policy(c: Any, region: str, params: dict[str, Any], since: str = "2020-01-01") -> None:
    r = c.put(f"/api/v1/policy/{region}", {"effective_from": since, "params": params}, content_type="application/json")
    assert r.status_code in (200, 201), r.content


def test_social_worker_certificate_adds_its_allowance_to_the_next_pay_run(personas, api_client) -> None:
    """Acceptance (R-TRN-03): a social-worker certificate adds `certificate_allowance` to the next run."""
    from touyan.payroll import services as pay
    from touyan.payroll.models import PayLine
    from touyan.payroll.tests.factories import CadreFactory, CountyStatsFactory, FinalGradeFactory, MonthLockFactory

    CountyStatsFactory.create()
    sec = CadreFactory.create(secretary=True)
    FinalGradeFactory.create(person=sec)
    _policy(api_client(personas["county_a_admin"]), "522301000000", {"certificate_allowance_social_worker": "300"})
    c = api_client(personas["township_a1"])
    r = c.post(
        "/api/v1/certificates",
        {"cadre": sec.pk, "kind": "social_worker", "number": "SW2025001", "issued_on": "2025-06-01"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    again = c.post(
        "/api/v1/certificates",
        {"cadre": sec.pk, "kind": "social_worker", "number": "SW2025001", "issued_on": "2025-06-01"},
        content_type="application/json",
    )
    assert again.status_code == 409
    MonthLockFactory.create(month=dt.date(2026, 3, 1))
    officer = personas["township_a1"]
    run = pay.payrun_open(actor=officer, region_code=TOWNSHIP_A1, month=dt.date(2026, 3, 1))
    run = pay.payrun_calculate(actor=officer, run_id=run.pk)
    lines = PayLine.objects.filter(payslip__run=run, payslip__person=sec, component="certificate_allowance")
    assert [x.amount for x in lines] == [D("300.00")]
    slips = c.get(f"/api/v1/payroll/runs/{run.pk}/payslips").json()["items"]
    mine = next(s for s in slips if s["cadre"] == sec.pk)
    assert {"component": "certificate_allowance", "amount": "300.00"} in [
        {"component": x["component"], "amount": x["amount"]} for x in mine["lines"]
    ]


def test_no_allowance_line_when_the_amount_is_zero(personas, api_client) -> None:
    from touyan.training.selectors import certificate_allowances

    c = api_client(personas["township_a1"])
    from touyan.payroll.tests.factories import CadreFactory

    sec = CadreFactory.create(secretary=True)
    for kind, number in (("social_worker_assistant", "A1"), ("village_cadre_qualification", "Q1")):
        r = c.post("/api/v1/certificates", {"cadre": sec.pk, "kind": kind, "number": number, "issued_on": "2025-01-01"},
                   content_type="application/json")  # fmt: skip
        assert r.status_code == 201
    assert certificate_allowances(dt.date(2026, 3, 1), "522301001001", "522301001999") == []
    bad = c.post("/api/v1/certificates", {"cadre": sec.pk, "kind": "driver", "number": "X", "issued_on": "2025-01-01"},
                 content_type="application/json")  # fmt: skip
    assert bad.status_code == 422


def test_reserves_and_sufficiency(personas, api_client, make_cadre) -> None:
    """Acceptance (R-TRN-06): a professionalized village with fewer than 2 secretary reserves is short."""
    c = api_client(personas["township_a1"])
    sec = make_cadre(posts=("PS",))
    Post.objects.filter(person=sec, post="PS").update(professionalized=True)
    make_cadre(posts=("VD",))
    r1 = make_cadre(posts=("RSV",), name="后备一")
    r2 = make_cadre(posts=("RSV",), name="后备二")
    r = c.post("/api/v1/reserves", {"cadre": r1.pk, "village": VILLAGE_A1, "target_post": "PS",
                                    "source": "returning_graduate", "since": "2025-01-01"},
               content_type="application/json")  # fmt: skip
    assert r.status_code == 201, r.content

    def village() -> dict[str, Any]:
        body = c.get(f"/api/v1/reserves/sufficiency?region={TOWNSHIP_A1}").json()
        return next(i for i in body["items"] if i["village"] == VILLAGE_A1)

    v = village()
    assert v["professionalized"] is True and v["secretary_reserves"] == 1 and v["required"] == 2
    assert v["posts_without_reserve"] == ["VD"] and v["short"] is True
    for cadre, post in ((r2, "PS"), (r2, "VD")):
        assert c.post("/api/v1/reserves", {"cadre": cadre.pk, "village": VILLAGE_A1, "target_post": post,
                                           "source": "veteran", "since": "2025-06-01"},
                      content_type="application/json").status_code == 201  # fmt: skip
    v = village()
    assert (v["secretary_reserves"], v["posts_without_reserve"], v["short"]) == (2, [], False)
    bad = c.post("/api/v1/reserves", {"cadre": r1.pk, "village": VILLAGE_A1, "target_post": "PS", "source": "moon",
                                      "since": "2025-01-01"}, content_type="application/json")  # fmt: skip
    assert bad.status_code == 422
    from touyan.training.selectors import reserve_trained_since

    assert reserve_trained_since(r1.pk) == dt.date(2025, 1, 1)
    assert reserve_trained_since(sec.pk) is None
    from touyan.training.selectors import reserve_long_enough

    assert reserve_long_enough(r1.pk, VILLAGE_A1, dt.date(2026, 1, 1))
    assert not reserve_long_enough(r2.pk, VILLAGE_A1, dt.date(2026, 1, 1))


def test_secondment_workdays_count_as_present(personas, api_client, make_cadre) -> None:
    """Acceptance (R-TRN-05, A4): a secondment's workdays count as present (official business)."""
    c = api_client(personas["township_a1"])
    sec = make_cadre(posts=("PS",))
    r = c.post("/api/v1/secondments", {"cadre": sec.pk, "host": "市农业农村局", "host_level": "city",
                                       "start_date": "2026-03-01", "end_date": "2026-03-31"},
               content_type="application/json")  # fmt: skip
    assert r.status_code == 201, r.content
    assert r.json()["present_days"] == 22 and r.json()["shorter_than_minimum"] is False
    month = c.get(f"/api/v1/attendance/monthly?region={TOWNSHIP_A1}&month=2026-03").json()
    row = next(i for i in month["items"] if i["cadre"] == sec.pk)
    assert row["present_days"] == 22 and row["shortfall_days"] == 0
    bad = c.post("/api/v1/secondments", {"cadre": sec.pk, "host": "x", "host_level": "moon",
                                         "start_date": "2026-03-01", "end_date": "2026-02-01"},
                 content_type="application/json")  # fmt: skip
    assert bad.status_code == 422


def test_education_upgrade_graduation_updates_the_file(personas, api_client, make_cadre) -> None:
    """R-TRN-04: graduation updates the file's education (history kept)."""
    from touyan.cadres.models import Person

    c = api_client(personas["township_a1"])
    sec = make_cadre(posts=("PS",), education="college")
    r = c.post("/api/v1/training/programmes", {"title": "村干部学历提升计划", "school": "国家开放大学",
                                                "target_education": "bachelor", "start_date": "2024-03-01"},
               content_type="application/json")  # fmt: skip
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    e = c.post(f"/api/v1/training/programmes/{pid}/enrolments", {"cadre": sec.pk}, content_type="application/json")
    assert e.status_code == 201
    assert c.post(f"/api/v1/training/programmes/{pid}/enrolments", {"cadre": sec.pk},
                  content_type="application/json").status_code == 200  # fmt: skip
    eid = e.json()["id"]
    assert c.post(f"/api/v1/training/enrolments/{eid}/progress", {"credits": 40},
                  content_type="application/json").json()["credits"] == 40  # fmt: skip
    g = c.post(f"/api/v1/training/enrolments/{eid}/graduate", {"on": "2026-07-01"}, content_type="application/json")
    assert g.status_code == 200 and g.json()["state"] == "graduated"
    person = Person.objects.get(pk=sec.pk)
    assert person.education == "bachelor"
    assert list(person.history.order_by("history_date").values_list("education", flat=True))[-2:] == [
        "college",
        "bachelor",
    ]
    again = c.post(f"/api/v1/training/enrolments/{eid}/graduate", {"on": "2026-07-01"}, content_type="application/json")
    assert again.status_code == 409


def test_mentorship_1_1_n(personas, api_client, make_cadre) -> None:
    c = api_client(personas["township_a1"])
    sec = make_cadre(posts=("PS",))
    member = make_cadre(posts=("VM",))
    rsv = make_cadre(posts=("RSV",))
    r = c.post("/api/v1/reserves", {"cadre": rsv.pk, "village": VILLAGE_A1, "target_post": "PS",
                                    "source": "capable_farmer", "since": "2025-01-01"},
               content_type="application/json")  # fmt: skip
    m = c.post(f"/api/v1/reserves/{r.json()['id']}/mentorships",
               {"leader": "王镇长", "secretary": sec.pk, "members": [member.pk], "since": "2025-02-01"},
               content_type="application/json")  # fmt: skip
    assert m.status_code == 201, m.content
    rec = c.post(f"/api/v1/reserves/mentorships/{m.json()['id']}/records", {"date": "2025-03-01", "text": "带学村务"},
                 content_type="application/json")  # fmt: skip
    assert rec.status_code == 201


def test_secondment_quotas_per_township(personas, api_client, make_cadre) -> None:
    """R-TRN-05: a township with professionalized secretaries sends one to the city and 20 % to township posts."""
    from touyan.regions.models import Region
    from touyan.training.selectors import secondment_quotas

    c = api_client(personas["township_a1"])
    sec = make_cadre(posts=("PS",))
    Post.objects.filter(person=sec).update(professionalized=True)
    town = Region.objects.get(code=TOWNSHIP_A1)
    row = next(q for q in secondment_quotas(region=town, year=YEAR) if q.township == TOWNSHIP_A1)
    assert (row.prof_secretaries, row.required_city, row.required_township, row.short) == (1, 1, 1, True)
    c.post("/api/v1/secondments", {"cadre": sec.pk, "host": "市农业农村局", "host_level": "city",
                                   "start_date": "2026-01-05", "end_date": "2026-02-04"},
           content_type="application/json")  # fmt: skip
    row = next(q for q in secondment_quotas(region=town, year=YEAR) if q.township == TOWNSHIP_A1)
    assert (row.city, row.short) == (1, True)
