"""The dashboard API (SPEC A8, `GET /api/v1/dashboards/{code}`): every figure against a direct
count of the scenario of test_structure (county A: villages V1, V2, V4 in township A1, V3 in
township A2), written out here; scope and roles; a constant number of queries per level."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import COUNTY_A, COUNTY_B, PREFECTURE, TOWNSHIP_A1, TOWNSHIP_A2
from touyan.accounts.models import Role, User
from touyan.affairs.models import Objection
from touyan.assessment.models import AnnualAssessment
from touyan.attendance.models import DutyAssignment, Presence
from touyan.cadres.models import Person
from touyan.cadres.services import PersonIn, cadre_create
from touyan.dashboards import figures
from touyan.dashboards.figures import core
from touyan.dashboards.tests.test_structure import ON, V1, V2, V3, full, id_number
from touyan.dashboards.tests.test_structure import county as county  # the scenario fixture
from touyan.payroll.models import Insurance, PayRun, Payslip
from touyan.regions.models import Region

pytestmark = pytest.mark.django_db
LATER = dt.date(2026, 3, 10)  # February closed, ten days of March


def get(client: Any, code: str, on: dt.date = ON) -> dict[str, Any]:
    r = client.get(f"/api/v1/dashboards/{code}?on={on.isoformat()}")
    assert r.status_code == 200, r.content
    return r.json()


def person(no: int) -> Person:
    return Person.objects.get(name=f"干部{no}")


def test_cadres_and_villages_equal_a_direct_count(county: dict[str, Any], api_client: Any) -> None:
    """A8 cadres and villages blocks (S1, S3; R-POS-01, R-ORG-05)."""
    body = get(api_client(county["county_a_admin"]), COUNTY_A)
    assert body["region"] == {"code": COUNTY_A, "name": "兴义市", "level": "county"}
    assert body["on"] == "2026-03-01"
    # Cadres 1, 2, 3, 7, 8, 9, 11, 12 (not reserves, the first secretary, who left, who comes later).
    assert body["cadres"] == {
        "total": 8,
        "full_time": 6,  # V1 {1, 2}, V2 {7, 8, 9}, V3 {11}
        "average_age": 45.9,  # (41+30+55+35+34+65+46+61) / 8 = 45.875
        "under_35": 2,
        "under_35_share": 0.25,  # 30 and 34
        "women": 3,
        "women_share": 0.375,
        "college_plus": 5,
        "college_plus_share": 0.625,
        "party_members": 5,
        "party_member_share": 0.625,  # incl. the probationary member 8
    }
    assert body["villages"] == {
        "total": 4,  # V1, V2, V3, V4
        "one_shoulder": 2,  # V1 and V3
        "one_shoulder_share": 0.5,
        "vacant_secretary": 1,  # V4
        "full_time_quota": 3,
        "quota_short": 3,  # only V2 has 3
        "quota_exceeded": 0,
        "weak_collective": 0,
    }
    # The same figures by a direct count.
    cadres = Person.objects.filter(
        village__code__startswith="522301", posts__start_date__lte=ON, posts__post__in=core.TEAM_POSTS
    ).exclude(posts__end_date__lt=ON)
    assert cadres.distinct().count() == 8


def test_children_sum_to_the_region(county: dict[str, Any], api_client: Any) -> None:
    body = get(api_client(county["county_a_admin"]), COUNTY_A)
    rows = {c["code"]: c for c in body["children"]}
    assert list(rows) == [TOWNSHIP_A1, TOWNSHIP_A2]
    a1, a2 = rows[TOWNSHIP_A1], rows[TOWNSHIP_A2]
    keys = ("cadres", "full_time", "villages", "one_shoulder", "vacant_secretary")
    assert [a1[k] for k in keys] == [6, 5, 3, 1, 1]
    assert [a2[k] for k in keys] == [2, 1, 1, 1, 0]
    assert a1["one_shoulder_share"] == 0.3333  # 1 / 3, four places
    assert a1["average_age"] == 43.3  # (41+30+55+35+34+65) / 6 = 43.33
    assert sum(c["cadres"] for c in body["children"]) == body["cadres"]["total"]


def test_shares_are_rounded_half_up_to_four_places() -> None:
    assert figures.share(1, 3) == 0.3333
    assert figures.share(2, 3) == 0.6667
    assert figures.share(1, 8) == 0.125
    assert figures.share(0, 0) is None
    assert figures.money(Decimal("3499.995")) == "3500.00"


def test_a_village_and_a_day_before_the_posts(county: dict[str, Any], api_client: Any) -> None:
    client = api_client(county["county_a_admin"])
    v1 = get(client, V1)
    assert v1["cadres"]["total"] == 3 and v1["villages"]["total"] == 1 and v1["villages"]["one_shoulder"] == 1
    assert v1["children"] == []
    before = get(client, COUNTY_A, dt.date(2020, 1, 1))
    assert before["cadres"]["total"] == 0 and before["cadres"]["average_age"] is None
    assert before["cadres"]["women_share"] is None and before["villages"]["vacant_secretary"] == 4


def test_mechanism_blocks_equal_a_direct_count(county: dict[str, Any], api_client: Any) -> None:
    """A4 (R-ATT-01), R-ASMT-03, R-PAY-02/07, R-OPEN-03 figures of a scenario built here."""
    p1, p2, p7, p8 = person(1), person(2), person(7), person(8)
    # Attendance: cadre 1 present every day of February; on duty in V1 on 1–10 March.
    Presence.objects.bulk_create(
        [Presence(person=p1, village_id=V1, date=dt.date(2026, 2, d), channel="web") for d in range(1, 29)]
        + [Presence(person=p1, village_id=V1, date=dt.date(2026, 3, d), channel="web") for d in range(1, 11)]
    )
    DutyAssignment.objects.bulk_create(
        [DutyAssignment(village_id=V1, date=dt.date(2026, 3, d), person=p1) for d in range(1, 11)]
    )
    # Pay for February: a run of township A1.
    run = PayRun.objects.create(region_id=TOWNSHIP_A1, month=dt.date(2026, 2, 1), state="calculated")
    for p, total in ((p1, "5000.00"), (p2, "3000.00"), (p7, "4000.00"), (p8, "3600.00")):
        Payslip.objects.create(run=run, person=p, village_id=p.village_id, total=Decimal(total))
    Insurance.objects.create(person=p1, village_id=V1, year=2026, pension=True)
    # Annual assessments of 2025 in township A1.
    for p, grade in ((p1, "excellent"), (p2, "competent"), (p7, "competent"), (p8, "basically_competent")):
        AnnualAssessment.objects.create(
            person=p, village_id=p.village_id, year=2025, work_score=90, demo_score=90, satisfaction=Decimal("0.9"),
            total=90, grade=grade,
        )  # fmt: skip
    # Objections: one overdue, one still within its ten days, one answered late.
    Objection.objects.create(village_id=V1, text="a", filed_on=dt.date(2026, 2, 20), reply_due=dt.date(2026, 3, 2))
    Objection.objects.create(village_id=V2, text="b", filed_on=dt.date(2026, 3, 5), reply_due=dt.date(2026, 3, 15))
    Objection.objects.create(
        village_id=V3, text="c", filed_on=dt.date(2026, 2, 1), reply_due=dt.date(2026, 2, 11), state="answered",
        replied_at=timezone.make_aware(dt.datetime(2026, 2, 20, 10)),
    )  # fmt: skip

    body = get(api_client(county["county_a_admin"]), COUNTY_A, LATER)
    att = body["attendance"]
    assert att["month"] == "2026-03" and att["full_time_cadres"] == 6
    assert att["previous_month"]["month"] == "2026-02"
    assert att["previous_month"]["full_time_cadres"] == 6
    assert att["previous_month"]["met"] == 1 and att["previous_month"]["short"] == 5  # only cadre 1
    assert att["previous_month"]["compliance_share"] == 0.1667
    assert att["duty_gap_villages"] == 3  # V2, V3, V4: nobody on duty 1–10 March
    assert att["duty_gap_days"] == 30

    asmt = body["assessment"]
    assert asmt["year"] == 2025 and asmt["assessed"] == 4
    assert asmt["grades"] == {"excellent": 1, "competent": 2, "basically_competent": 1, "incompetent": 0}
    assert asmt["excellent_share"] == 0.25

    pay = body["payroll"]
    assert pay["month"] == "2026-02" and pay["payslips"] == 4
    assert pay["total"] == "15600.00" and pay["average"] == "3900.00"
    posts = {p["post"]: p for p in pay["posts"]}
    assert (posts["one_shoulder"]["payslips"], posts["one_shoulder"]["average"]) == (1, "5000.00")  # cadre 1
    assert (posts["PS"]["payslips"], posts["PS"]["average"]) == (1, "4000.00")  # cadre 7
    assert (posts["VD"]["payslips"], posts["VD"]["average"]) == (1, "3600.00")  # cadre 8
    assert (posts["other"]["payslips"], posts["other"]["average"]) == (1, "3000.00")  # cadre 2
    assert posts["one_shoulder"]["annual_floor"] == "50000.00" and posts["PS"]["annual_floor"] == "42000.00"
    assert pay["insurance"] == {"year": 2026, "full_time_cadres": 6, "pension_insured": 1, "pension_share": 0.1667}
    assert pay["standard"]["breaches"] == 0

    assert body["affairs"]["objections"] == {"filed": 3, "open": 2, "overdue": 1, "answered_late": 1}

    # Township A2 sees none of A1's pay, grades or February presence.
    a2 = get(api_client(county["county_a_admin"]), TOWNSHIP_A2, LATER)
    assert a2["payroll"]["payslips"] == 0 and a2["assessment"]["assessed"] == 0
    assert a2["attendance"]["previous_month"]["met"] == 0


def _officer(role: str, region: str) -> User:
    return User.objects.create_user(username=f"{role}_{region}", password="Persona#2026", role=role, region_id=region)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.TOWNSHIP_OFFICER, Role.LIAISON, Role.FINANCE])
def test_officials_read_their_region(county: dict[str, Any], api_client: Any, role: str) -> None:
    region = TOWNSHIP_A1 if role in (Role.TOWNSHIP_OFFICER, Role.LIAISON) else COUNTY_A
    client = api_client(_officer(role, region))
    assert client.get(f"/api/v1/dashboards/{region}?on=2026-03-01").status_code == 200
    assert client.get(f"/api/v1/dashboards/{COUNTY_B}").status_code == 404  # outside the region


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.REVIEWER, Role.SECURITY_ADMIN])
def test_other_roles_are_refused(county: dict[str, Any], api_client: Any, role: str) -> None:
    """A8: an auditor reads audit events, not figures of cadres; nor a reviewer nor security."""
    client = api_client(_officer(role, COUNTY_A))
    assert client.get(f"/api/v1/dashboards/{COUNTY_A}").status_code == 403
    assert client.get(f"/api/v1/alerts?region={COUNTY_A}").status_code == 403


def test_a_cadre_and_strangers_are_refused(county: dict[str, Any], api_client: Any, cadre_user: Any) -> None:
    cadre = cadre_user(village=V1, posts=("VM",))
    assert api_client(cadre).get(f"/api/v1/dashboards/{V1}").status_code == 403
    assert api_client(cadre).get(f"/api/v1/alerts?region={V1}").status_code == 403
    assert api_client(None).get(f"/api/v1/dashboards/{COUNTY_A}").status_code == 401
    township = api_client(county["township_a1"])
    assert township.get(f"/api/v1/dashboards/{COUNTY_A}").status_code == 404  # above the township
    assert township.get(f"/api/v1/dashboards/{TOWNSHIP_A2}").status_code == 404


def test_bad_input_names_the_field(county: dict[str, Any], api_client: Any) -> None:
    client = api_client(county["county_a_admin"])
    r = client.get(f"/api/v1/dashboards/{COUNTY_A}?on=2026-13-01")
    assert r.status_code == 422 and "on" in str(r.json()["detail"])
    r = client.get("/api/v1/dashboards/12ab")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "region"


def _queries(actor: User, code: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        figures.dashboard(actor=actor, code=code, on=LATER)
    return len(ctx.captured_queries)


def test_a_constant_number_of_queries_per_level(county: dict[str, Any]) -> None:
    """Set-based: more villages and cadres do not add queries at any level."""
    actor = county["national"]
    before = {code: _queries(actor, code) for code in (PREFECTURE, COUNTY_A, TOWNSHIP_A1, V1)}
    for i in range(4, 10):
        code = f"522301001{i:03d}"
        Region.objects.create(code=code, name=f"新增村{i}", level="village", parent_id=TOWNSHIP_A1)
        cadre_create(
            actor=county["county_a_admin"],
            data=PersonIn(
                name=f"新增{i}", id_number=id_number("19900101", i % 2 == 0), village=code, education="college",
                political_status="party_member", posts=[full("PS"), full("VD")],
            ),
        )  # fmt: skip
    after = {code: _queries(actor, code) for code in (PREFECTURE, COUNTY_A, TOWNSHIP_A1, V1)}
    assert after == before
    assert max(after.values()) <= 75


@pytest.mark.parametrize("code", [PREFECTURE, COUNTY_A, TOWNSHIP_A1, V1])
def test_query_budget_per_level(county: dict[str, Any], django_assert_max_num_queries: Any, code: str) -> None:
    """The whole dashboard in a bounded number of aggregate queries at every level (with the
    training and selection blocks: ≈20 more, the same at every level)."""
    with django_assert_max_num_queries(75):
        figures.dashboard(actor=county["national"], code=code, on=LATER)
