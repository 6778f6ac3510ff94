"""Many county runs in one pass (issue #6): payruns_open_and_calculate_many gives the same
payslips and lines, to the fen, as opening and calculating each county's run one by one
(WF-8, SPEC A6); each group of runs is all or nothing; running it again pays each cadre once."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from typing import Any

import pytest
from django.db.models import Q

from touyan.assessment.models import QuarterlyEvaluation
from touyan.attendance import services as attendance
from touyan.attendance.models import Presence
from touyan.attendance.workcalendar import month_calendar
from touyan.audit.models import AuditEvent
from touyan.cadres.bulk import cadres_bulk_upsert
from touyan.cadres.demo import demo_people
from touyan.cadres.models import Post
from touyan.core.errors import Forbidden
from touyan.payroll import calculation, services
from touyan.payroll.models import Adjustment, PayLine, PayRun, PayrunStep, Payslip
from touyan.payroll.tasks import calculate_runs_task
from touyan.payroll.tests.factories import AdjustmentFactory, DepartureAllowanceFactory
from touyan.regions import rules as region_rules
from touyan.regions.importer import import_divisions
from touyan.regions.models import Region, RegionStat

COUNTIES = ("522301000000", "522323000000")  # 兴义市, 普安县
MARCH = dt.date(2026, 3, 1)
GRADES = ("excellent", "competent", "competent", "basically_competent", "incompetent")


@pytest.fixture
def two_counties(personas) -> Any:
    """Two demo counties (a share of their villages) at the end of Q1: attendance locked with
    days missed, final grades, county statistics, a departure allowance and adjustments."""
    national = personas["national"]
    villages: list[tuple[str, str]] = []
    for i, county in enumerate(COUNTIES):
        import_divisions(source=None, within=county[:6])
        villages += list(
            Region.objects.filter(code__startswith=county[:6], level=region_rules.VILLAGE)
            .order_by("code")
            .values_list("code", "name")[:25]
        )
        RegionStat.objects.create(
            region_id=county,
            year=2025,
            rural_income_per_capita=D(13000 + 1000 * i),
            ref_new_staff_monthly=D("4437") if i == 0 else None,
        )
    cadres_bulk_upsert(actor=national, people=demo_people(villages, seed=7), source="demo")
    q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    full_time = sorted(
        set(
            Post.objects.filter(full_time=True, start_date__lte=q1[1])
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=q1[0]))
            .values_list("person_id", "village_id")
        )
    )
    for month in (1, 2, 3):
        days = sorted(month_calendar(2026, month).workdays)
        Presence.objects.bulk_create(
            [
                Presence(person_id=pid, village_id=v, date=d, channel="import")
                for pid, v in full_time
                for d in days[: len(days) - pid % 3]
            ],
            batch_size=5000,
        )
        for township in sorted({v[:9].ljust(12, "0") for _p, v in full_time}):
            attendance.month_lock(
                actor=national, region_code=township, month=dt.date(2026, month, 1), today=dt.date(2026, 4, 10)
            )
    QuarterlyEvaluation.objects.bulk_create(
        QuarterlyEvaluation(
            person_id=pid,
            village_id=v,
            year=2026,
            quarter=1,
            score=D(80),
            grade=GRADES[pid % len(GRADES)],
            status="final",
        )
        for pid, v in dict(full_time).items()
    )
    ends = {c: [pv for pv in full_time if pv[1].startswith(c[:6])] for c in COUNTIES}
    for county, people in ends.items():
        for i, (pid, v) in enumerate(people[:3]):
            kind, amount = (("adjustment", D("-123.45")), ("honour", D("1000")), ("condolence", D("2000")))[i]
            AdjustmentFactory.create(person_id=pid, village_id=v, kind=kind, amount=amount, reason="测试")
        pid, v = people[-1]
        DepartureAllowanceFactory.create(person_id=pid, village_id=v)  # approved, 350 a month from 2025-01
    return full_time


def snapshot() -> dict[str, Any]:
    """Every run of March by region: total, count, documents, and each payslip with its lines."""
    runs = {r.pk: r for r in PayRun.objects.filter(month=MARCH)}
    lines: dict[int, list[tuple[str, D, str]]] = {}
    for payslip_id, component, amount, basis in (
        PayLine.objects.filter(payslip__run__month=MARCH)
        .order_by("id")
        .values_list("payslip_id", "component", "amount", "basis")
    ):
        lines.setdefault(payslip_id, []).append((component, amount, json.dumps(basis, sort_keys=True)))
    slips: dict[tuple[str, int], Any] = {}
    for s in Payslip.objects.filter(run__month=MARCH):
        key = (runs[s.run_id].region_id, s.person_id)
        assert key not in slips  # each cadre paid once per run
        slips[key] = (s.village_id, s.total, lines.get(s.pk, []))
    return {
        "runs": {r.region_id: (r.state, r.total, r.payslip_count, r.policy_documents) for r in runs.values()},
        "slips": slips,
    }


def forget_runs() -> None:
    Adjustment.objects.update(run=None)
    PayLine.objects.all().delete()
    Payslip.objects.all().delete()
    PayrunStep.objects.all().delete()
    PayRun.objects.all().delete()


@pytest.mark.django_db
def test_many_runs_in_one_pass_equal_the_runs_one_by_one(personas, two_counties) -> None:
    national = personas["national"]
    for county in COUNTIES:
        run = services.payrun_open(actor=national, region_code=county, month=MARCH)
        services.payrun_calculate(actor=national, run_id=run.pk)
    one_by_one = snapshot()
    assert len(one_by_one["runs"]) == 2 and len(one_by_one["slips"]) > 100
    components = {c for _v, _t, lines in one_by_one["slips"].values() for c, _a, _b in lines}
    assert {"base", "performance", "departure", "adjustment", "honour", "condolence"} <= components
    forget_runs()
    audits = AuditEvent.objects.count()

    out = services.payruns_open_and_calculate_many(actor=national, month=MARCH, prefix="5223")
    assert (out.runs, out.refused, out.skipped) == (2, {}, [])
    assert snapshot() == one_by_one  # same payslips and lines, to the fen, same run totals
    assert out.payslips == len(one_by_one["slips"])
    assert out.total == sum((r[1] for r in one_by_one["runs"].values()), D(0))
    assert AuditEvent.objects.count() == audits + 4  # open and calculate, per run
    assert PayrunStep.objects.count() == 4
    assert Adjustment.objects.filter(run__isnull=True).count() == 0

    again = services.payruns_open_and_calculate_many(actor=national, month=MARCH, prefix="5223")
    assert (again.runs, again.payslips, again.skipped) == (0, 0, list(COUNTIES))  # each cadre paid once
    assert snapshot() == one_by_one


@pytest.mark.django_db
def test_many_runs_atomic_per_group_and_resumable(personas, two_counties, monkeypatch) -> None:
    national = personas["national"]
    out = services.payruns_open_and_calculate_many(actor=national, month=MARCH, prefix="5223")
    expected = snapshot()
    forget_runs()

    monkeypatch.setattr(calculation, "CHUNK_POSTS", 50)  # one group per county, several chunks each
    original = calculation.SlipWriter.write
    calls = {"n": 0}

    def boom(self: Any, slips: Any, run_ids: Any = None) -> Any:
        calls["n"] += 1
        if slips and slips[0].post_village.startswith(COUNTIES[1][:6]):
            raise RuntimeError("disk full")
        return original(self, slips, run_ids)

    monkeypatch.setattr(calculation.SlipWriter, "write", boom)
    with pytest.raises(RuntimeError):
        services.payruns_open_and_calculate_many(actor=national, month=MARCH, prefix="5223")
    # The first county's group committed whole; nothing of the second.
    assert set(PayRun.objects.values_list("region_id", flat=True)) == {COUNTIES[0]}
    assert not Payslip.objects.filter(village__code__startswith=COUNTIES[1][:6]).exists()
    monkeypatch.setattr(calculation.SlipWriter, "write", original)

    resumed = calculate_runs_task.delay(MARCH.isoformat(), "5223", national.pk).get()
    assert (resumed["runs"], resumed["skipped"]) == (1, 1)
    assert snapshot() == expected
    assert out.runs == 2


@pytest.mark.django_db
def test_many_runs_refuses_a_run_and_keeps_the_others(personas, two_counties) -> None:
    national = personas["national"]
    QuarterlyEvaluation.objects.filter(village__code__startswith=COUNTIES[1][:6]).order_by("id")[:1].get().delete()
    out = services.payruns_open_and_calculate_many(actor=national, month=MARCH, prefix="5223")
    assert out.runs == 1 and list(out.refused) == [COUNTIES[1]]
    assert "考核评价未定稿" in out.refused[COUNTIES[1]]
    assert set(PayRun.objects.values_list("region_id", flat=True)) == {COUNTIES[0]}  # nothing kept of the refused


@pytest.mark.django_db
def test_many_runs_need_the_scope(personas, two_counties) -> None:
    with pytest.raises(Forbidden):
        services.payruns_open_and_calculate_many(actor=personas["county_a_admin"], month=MARCH)
