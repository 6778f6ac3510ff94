"""Pay runs end to end (SPEC A6 worked example through the API; WF-8; R-PAY-02…07)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from conftest import TOWNSHIP_A1, VILLAGE_A1
from touyan.assessment import services as assessment
from touyan.attendance.models import Presence
from touyan.attendance.workcalendar import month_calendar
from touyan.cadres.models import Post
from touyan.cadres.services import PersonIn, PostIn, cadre_create
from touyan.core.errors import InvalidInput
from touyan.payroll import calculation, services
from touyan.payroll.models import PayLine, Payslip
from touyan.payroll.tests.factories import CountyStatsFactory, MonthLockFactory

D_ = dt.date


def post(c: Client, url: str, body: dict[str, Any]) -> Any:
    return c.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def worked_example(personas, make_cadre, no_waiting_periods) -> Any:
    """A6's cadre: one-shoulder, re-elected twice in a row, tier 2, Q1 称职, 21/21, 16/16, 20/22 days."""
    from conftest import make_id

    national = personas["national"]
    CountyStatsFactory.create()
    person = cadre_create(
        actor=national,
        data=PersonIn(
            name="韦书记",
            id_number=make_id("522301", "19750303", 51),
            village=VILLAGE_A1,
            education="college",
            political_status="party_member",
            posts=[
                PostIn("PS", D_(2011, 4, 1), D_(2016, 3, 31), end_reason="term_end"),
                PostIn("PS", D_(2016, 4, 1), D_(2021, 3, 31), end_reason="term_end"),
                PostIn("PS", D_(2021, 4, 1), full_time=True, professionalized=True, tier=2),
                PostIn("VD", D_(2021, 4, 1), full_time=True),
            ],
        ),
    )
    for month, absent in ((1, 0), (2, 0), (3, 2)):
        days = sorted(month_calendar(2026, month).workdays)
        Presence.objects.bulk_create(
            [
                Presence(person=person, village_id=VILLAGE_A1, date=d, channel="import")
                for d in days[: len(days) - absent]
            ]
        )
        MonthLockFactory.create(month=D_(2026, month, 1))
    officer = personas["township_a1"]
    ev = assessment.quarterly_score(actor=officer, cadre_id=person.pk, year=2026, quarter=1, score=D(80))
    assessment.quarterly_finalize(actor=officer, evaluation_id=ev.pk)
    return person


@pytest.mark.django_db
def test_worked_example_through_the_api(api_client, personas, worked_example) -> None:
    """SPEC A6: March payslip 3850.00 + 6762.70 + 600.00 + 166.67 = 11379.37, line by line."""
    c = api_client(personas["township_a1"])
    r = post(c, "/api/v1/payroll/runs", {"region": TOWNSHIP_A1, "month": "2026-03"})
    assert r.status_code == 201, r.content
    run_id = r.json()["id"]
    r = post(c, f"/api/v1/payroll/runs/{run_id}/calculate", {})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "calculated" and r.json()["total"] == "11379.37"
    slips = c.get(f"/api/v1/payroll/runs/{run_id}/payslips").json()["items"]
    assert len(slips) == 1
    lines = [(x["component"], x["amount"]) for x in slips[0]["lines"]]
    assert lines == [
        ("base", "3850.00"),
        ("performance", "6762.70"),
        ("allowance", "600.00"),
        ("pension_subsidy", "166.67"),
    ]
    perf = slips[0]["lines"][1]["basis"]
    assert perf["attendance_factor"] == "0.9661" and perf["present"] == 57 and perf["required"] == 59
    assert slips[0]["lines"][0]["basis"]["consecutive_terms"] == 2


@pytest.mark.django_db
def test_quarter_end_refused_until_evaluations_are_final(personas, make_cadre) -> None:
    make_cadre(village=VILLAGE_A1, posts=("PS",))
    CountyStatsFactory.create()
    MonthLockFactory.create(month=D_(2026, 6, 1))
    run = services.payrun_open(actor=personas["township_a1"], region_code=TOWNSHIP_A1, month=D_(2026, 6, 1))
    with pytest.raises(InvalidInput) as exc:
        services.payrun_calculate(actor=personas["township_a1"], run_id=run.pk)
    assert "未定稿" in exc.value.errors["quarter"][0]
    assert Payslip.objects.count() == 0


@pytest.mark.django_db
def test_run_needs_locked_attendance(personas, make_cadre) -> None:
    make_cadre(village=VILLAGE_A1, posts=("PS",))
    with pytest.raises(InvalidInput) as exc:
        services.payrun_open(actor=personas["township_a1"], region_code=TOWNSHIP_A1, month=D_(2026, 4, 1))
    assert "锁定" in exc.value.errors["month"][0]


@pytest.mark.django_db
def test_fault_midway_leaves_nothing_and_rerun_pays_once(personas, worked_example, make_cadre, monkeypatch) -> None:
    """A crash while writing the second chunk rolls everything back, the first chunk's payslips
    and lines included; running again pays every cadre once."""
    other = make_cadre(village="522301001002", posts=("VD",))  # another village: another chunk
    officer = personas["township_a1"]
    ev = assessment.quarterly_score(actor=officer, cadre_id=other.pk, year=2026, quarter=1, score=D(75))
    assessment.quarterly_finalize(actor=officer, evaluation_id=ev.pk)
    monkeypatch.setattr(calculation, "CHUNK_POSTS", 1)
    run = services.payrun_open(actor=officer, region_code=TOWNSHIP_A1, month=D_(2026, 3, 1))
    real = calculation.SlipWriter.write
    calls: list[int] = []

    def boom(self: Any, slips: Any) -> Any:
        calls.append(len(slips))
        if len(calls) == 2:
            assert Payslip.objects.count() == 1 and PayLine.objects.count() == 4  # the first chunk is written
            raise RuntimeError("disk full")
        return real(self, slips)

    monkeypatch.setattr(calculation.SlipWriter, "write", boom)
    with pytest.raises(RuntimeError):
        services.payrun_calculate(actor=officer, run_id=run.pk)
    assert Payslip.objects.count() == 0 and PayLine.objects.count() == 0
    run.refresh_from_db()
    assert run.state == "open" and run.total == 0
    monkeypatch.setattr(calculation.SlipWriter, "write", real)
    services.payrun_calculate(actor=officer, run_id=run.pk)
    services.payrun_calculate(actor=officer, run_id=run.pk)
    assert Payslip.objects.count() == 2
    assert Payslip.objects.get(person=worked_example).total == D("11379.37")
    run.refresh_from_db()
    assert run.total == sum(s.total for s in Payslip.objects.all()) and run.payslip_count == 2


@pytest.mark.django_db
def test_quarter_end_reads_the_month_results_stored_at_the_lock(personas, worked_example) -> None:
    """Issue #6: the performance line's attendance comes from attendance.MonthResult when the
    lock stored it (one row per month), from presence only for months locked without it."""
    from touyan.attendance.models import MonthResult

    for month, (present, required) in {1: (21, 21), 2: (16, 16), 3: (18, 22)}.items():
        MonthResult.objects.create(
            person=worked_example,
            village_id=VILLAGE_A1,
            month=D_(2026, month, 1),
            required_days=required,
            present_days=present,
            excused_days=0,
            shortfall_days=required - present,
            unexcused_days=0,
            workdays_in_post=required,
        )
    Presence.objects.filter(person=worked_example).delete()  # the run must not need them
    officer = personas["township_a1"]
    run = services.payrun_open(actor=officer, region_code=TOWNSHIP_A1, month=D_(2026, 3, 1))
    services.payrun_calculate(actor=officer, run_id=run.pk)
    perf = PayLine.objects.get(component="performance")
    assert perf.basis["present"] == 55 and perf.basis["required"] == 59
    assert perf.basis["attendance_factor"] == "0.9322" and perf.amount == D("6525.40")  # 7000 × 0.9322


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_calculations_give_one_result(personas, worked_example) -> None:
    run = services.payrun_open(actor=personas["township_a1"], region_code=TOWNSHIP_A1, month=D_(2026, 3, 1))
    errors: list[BaseException] = []

    def calc() -> None:
        try:
            services.payrun_calculate(actor=personas["township_a1"], run_id=run.pk)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=calc) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Payslip.objects.filter(run=run).count() == 1
    assert list(PayLine.objects.values_list("amount", flat=True).order_by("id")) == [
        D("3850.00"),
        D("6762.70"),
        D("600.00"),
        D("166.67"),
    ]


@pytest.mark.django_db
def test_lines_sum_and_approval_flow(personas, worked_example, make_cadre) -> None:
    deputy = make_cadre(village=VILLAGE_A1, posts=("PDS",))
    Post.objects.filter(person=deputy).update(full_time=True)
    officer = personas["township_a1"]
    for pid in (deputy.pk,):
        ev = assessment.quarterly_score(actor=officer, cadre_id=pid, year=2026, quarter=1, score=D(92))
        assessment.quarterly_finalize(actor=officer, evaluation_id=ev.pk)
    services.adjustment_add(actor=officer, cadre_id=deputy.pk, kind="condolence", amount=D(2000), reason="重病慰问")
    run = services.payrun_open(actor=officer, region_code=TOWNSHIP_A1, month=D_(2026, 3, 1))
    run = services.payrun_calculate(actor=officer, run_id=run.pk)
    slips = list(Payslip.objects.filter(run=run).prefetch_related("lines"))
    assert all(s.total == sum(x.amount for x in s.lines.all()) for s in slips)
    assert run.total == sum(s.total for s in slips)
    assert any(x.component == "condolence" and x.amount == D("2000.00") for s in slips for x in s.lines.all())
    from touyan.core.errors import Forbidden

    services.payrun_advance(actor=officer, run_id=run.pk, to="village_notice")
    services.payrun_advance(actor=officer, run_id=run.pk, to="township_approved")
    with pytest.raises(Forbidden):
        services.payrun_advance(actor=officer, run_id=run.pk, to="county_finance_approved")
