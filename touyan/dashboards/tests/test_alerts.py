"""The alerts centre (SPEC A8, `GET /api/v1/alerts`): one alert per broken rule and place, on the
scenario of test_structure (county A), with the rule, owner, due date and state."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from conftest import COUNTY_A, TOWNSHIP_A1, TOWNSHIP_A2
from touyan.affairs.models import Objection
from touyan.assessment.models import AnnualAssessment, Period, QuarterlyEvaluation
from touyan.attendance.models import DutyAssignment, Presence
from touyan.cadres.models import Person
from touyan.dashboards import alerts
from touyan.dashboards.tests.test_structure import V1, V2, V3, V4, fourth_full_time_in_v2
from touyan.dashboards.tests.test_structure import county as county  # the scenario fixture
from touyan.regions.models import Region, RegionStat

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 10)


def person(no: int) -> Person:
    return Person.objects.get(name=f"干部{no}")


def fetch(client: Any, region: str, kind: str = "") -> list[dict[str, Any]]:
    query = f"/api/v1/alerts?region={region}&on={ON.isoformat()}" + (f"&kind={kind}" if kind else "")
    r = client.get(query)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["total"] == len(body["items"])
    return body["items"]


def test_quota_exceeded(county: dict[str, Any], api_client: Any) -> None:
    """R-POS-01: a fourth full-time cadre in V2 (quota 3)."""
    fourth_full_time_in_v2(county["county_a_admin"])
    items = fetch(api_client(county["county_a_admin"]), COUNTY_A, "quota_exceeded")
    assert items == [
        {
            "kind": "quota_exceeded",
            "rule": "R-POS-01",
            "region": V2,
            "subject": "栗坪村 专职干部 4 人,超过核定 3 人",
            "due_date": None,
            "owner_role": "admin",
            "state": "open",
            "resolution": items[0]["resolution"],
        }
    ]


def test_attendance_and_duty(county: dict[str, Any], api_client: Any) -> None:
    """R-ATT-01: five of the six full-time cadres short in February; duty gaps 1–10 March in V2, V3, V4."""
    p1 = person(1)
    Presence.objects.bulk_create(
        [Presence(person=p1, village_id=V1, date=dt.date(2026, 2, d), channel="web") for d in range(1, 29)]
        + [Presence(person=p1, village_id=V1, date=dt.date(2026, 3, d), channel="web") for d in range(1, 11)]
    )
    DutyAssignment.objects.bulk_create(
        [DutyAssignment(village_id=V1, date=dt.date(2026, 3, d), person=p1) for d in range(1, 11)]
    )
    client = api_client(county["county_a_admin"])
    short = fetch(client, COUNTY_A, "attendance_shortfall")
    assert sorted(a["subject"].split("(")[0] for a in short) == ["干部11", "干部2", "干部7", "干部8", "干部9"]
    assert {a["rule"] for a in short} == {"R-ATT-01"}
    assert {a["due_date"] for a in short} == {"2026-03-04"}  # the day the township may lock February (WF-8)
    assert {a["state"] for a in short} == {"overdue"}
    gaps = fetch(client, COUNTY_A, "duty_gap")
    assert [a["region"] for a in gaps] == [V2, V4, V3]  # by code
    assert all("10 天无人值班" in a["subject"] for a in gaps)
    # A township officer sees their township's only.
    assert [a["region"] for a in fetch(api_client(county["township_a1"]), TOWNSHIP_A1, "duty_gap")] == [V2, V4]


def test_missing_evaluations_where_a_period_was_opened(county: dict[str, Any], api_client: Any) -> None:
    """R-ASMT-01: 2025 Q4 opened by county A; cadre 1 evaluated, the other full-time cadres not."""
    client = api_client(county["county_a_admin"])
    assert fetch(client, COUNTY_A, "evaluation_missing") == []  # no period, no alert
    Period.objects.create(region_id=COUNTY_A, kind="quarter", year=2025, number=4)
    QuarterlyEvaluation.objects.create(
        person=person(1), village_id=V1, year=2025, quarter=4, score=90, grade="competent", status="final"
    )
    QuarterlyEvaluation.objects.create(  # a draft does not count
        person=person(2), village_id=V1, year=2025, quarter=4, score=90, grade="competent", status="draft"
    )
    items = fetch(client, COUNTY_A, "evaluation_missing")
    assert [(a["region"], a["subject"].split(" ")[1]) for a in items] == [(V1, "1"), (V2, "3"), (V3, "1")]
    assert {a["due_date"] for a in items} == {"2026-01-15"}


def test_excellent_share_over_quota(county: dict[str, Any], api_client: Any) -> None:
    """R-ASMT-03: one 优秀 of four in township A1 (25 % > 20 %)."""
    for no, grade in ((1, "excellent"), (2, "competent"), (7, "competent"), (8, "competent")):
        p = person(no)
        AnnualAssessment.objects.create(
            person=p, village_id=p.village_id, year=2025, work_score=90, demo_score=90,
            satisfaction=Decimal("0.9"), total=90, grade=grade,
        )  # fmt: skip
    items = fetch(api_client(county["county_a_admin"]), COUNTY_A, "excellent_over_quota")
    assert [a["region"] for a in items] == [TOWNSHIP_A1]


def test_weak_collective_and_objections(county: dict[str, Any], api_client: Any) -> None:
    """R-PAY-12: V1's latest collective income 8,000 < 10,000 (V2's 2024 figure is superseded);
    R-OPEN-03: one objection open past its reply date."""
    RegionStat.objects.create(region_id=V1, year=2025, collective_income=Decimal("8000"))
    RegionStat.objects.create(region_id=V2, year=2024, collective_income=Decimal("5000"))
    RegionStat.objects.create(region_id=V2, year=2025, collective_income=Decimal("20000"))
    Objection.objects.create(village_id=V1, text="a", filed_on=dt.date(2026, 2, 20), reply_due=dt.date(2026, 3, 2))
    Objection.objects.create(village_id=V2, text="b", filed_on=dt.date(2026, 3, 5), reply_due=dt.date(2026, 3, 15))
    client = api_client(county["county_a_admin"])
    assert [a["region"] for a in fetch(client, COUNTY_A, "weak_collective")] == [V1]
    objections = fetch(client, COUNTY_A, "objection_unanswered")
    assert [(a["region"], a["due_date"], a["state"], a["owner_role"]) for a in objections] == [
        (V1, "2026-03-02", "overdue", "cadre")
    ]
    r = client.get(f"/api/v1/dashboards/{COUNTY_A}?on={ON.isoformat()}")
    assert r.json()["villages"]["weak_collective"] == 1


def test_all_kinds_listed_and_ordered(county: dict[str, Any], api_client: Any) -> None:
    items = fetch(api_client(county["county_a_admin"]), COUNTY_A)
    kinds = Counter(a["kind"] for a in items)
    assert set(kinds) <= set(alerts.kinds())
    assert kinds["duty_gap"] == 4  # nobody rostered anywhere
    keys = [(a["due_date"] or "", a["kind"], a["region"]) for a in items]
    assert keys == sorted(keys)
    assert all(set(a) == {"kind", "rule", "region", "subject", "due_date", "owner_role", "state", "resolution"}
               for a in items)  # fmt: skip


def test_registry_plugs_in_a_source(county: dict[str, Any], api_client: Any) -> None:
    # A kind of its own: "certificate_expiring" is training's real source (training.figures).
    def certificates(region: Region, on: dt.date) -> list[alerts.Alert]:
        return [alerts.Alert("plugged_in", "R-TRN-05", V1, "证书将到期", on + dt.timedelta(days=30), "cadre")]

    alerts.register("plugged_in", certificates)
    try:
        items = fetch(api_client(county["county_a_admin"]), TOWNSHIP_A1, "plugged_in")
        assert [(a["kind"], a["due_date"], a["state"]) for a in items] == [("plugged_in", "2026-04-09", "open")]
    finally:
        alerts.unregister("plugged_in")


def test_scope_and_defaults(county: dict[str, Any], api_client: Any) -> None:
    officer = api_client(county["township_a1"])
    assert officer.get(f"/api/v1/alerts?region={TOWNSHIP_A2}").status_code == 404
    r = officer.get("/api/v1/alerts")  # the user's own region
    assert r.status_code == 200 and r.json()["region"] == TOWNSHIP_A1
    r = api_client(county["national"]).get("/api/v1/alerts")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "region"


def test_floor_broken(county: dict[str, Any], api_client: Any) -> None:
    """R-PAY-02: county A raises the secretary's floor to 70,000; the standard year at 称职 with full
    attendance (60,000) falls below it, for the county and every region in it."""
    from touyan.policy.models import PolicyDocument

    client = api_client(county["county_a_admin"])
    assert fetch(client, COUNTY_A, "floor_broken") == []
    PolicyDocument.objects.create(
        region_id=COUNTY_A, effective_from=dt.date(2026, 1, 1), params={"annual_floor_ps": "70000"}
    )
    items = fetch(client, COUNTY_A, "floor_broken")
    assert [(a["region"], a["rule"], a["owner_role"]) for a in items] == [(COUNTY_A, "R-PAY-02", "admin")]
    assert "60000" in items[0]["subject"] and "70000" in items[0]["subject"]
    assert [a["region"] for a in fetch(api_client(county["prefecture_admin"]), "522300000000", "floor_broken")] == [
        COUNTY_A
    ]
    assert [a["region"] for a in fetch(api_client(county["township_a1"]), TOWNSHIP_A1, "floor_broken")] == [COUNTY_A]
    r = client.get(f"/api/v1/dashboards/{COUNTY_A}?on={ON.isoformat()}")
    assert r.json()["payroll"]["standard"]["breaches"] == 1


def test_cached_alerts_are_shared_and_made_stale_by_a_write(county: dict[str, Any], api_client: Any, settings) -> None:
    """With TOUYAN_DASHBOARD_CACHE_SECONDS set the sources run once per (region, day, language) and
    a later request reads the list from the cache; a cadre-file write (figures.invalidate) makes
    it stale, so the next request collects afresh."""
    from django.core.cache import cache

    from touyan.dashboards import figures

    settings.TOUYAN_DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    calls: list[str] = []

    def counted(region: Region, on: dt.date) -> list[alerts.Alert]:
        calls.append(region.code)
        return [alerts.Alert("counted", "R-TRN-05", V1, "证书将到期", on + dt.timedelta(days=30), "cadre")]

    alerts.register("counted", counted)
    try:
        client = api_client(county["county_a_admin"])
        first = fetch(client, TOWNSHIP_A1, "counted")
        assert fetch(client, TOWNSHIP_A1, "counted") == first and fetch(client, TOWNSHIP_A1) != []
        assert calls == [TOWNSHIP_A1]
        figures.invalidate()
        assert fetch(client, TOWNSHIP_A1, "counted") == first
        assert calls == [TOWNSHIP_A1, TOWNSHIP_A1]
    finally:
        alerts.unregister("counted")
        cache.clear()
