"""A whole demo county through a quarter-end pay run (issue #6 acceptance, SPEC A6.10, WF-8):
lines sum to payslips and payslips to the run total, to the fen; the payout file's total equals
the run total."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.db.models import Q

from conftest import COUNTY_A
from touyan.assessment.models import QuarterlyEvaluation
from touyan.attendance import services as attendance
from touyan.attendance.models import MonthResult, Presence
from touyan.attendance.workcalendar import month_calendar
from touyan.cadres.bulk import cadres_bulk_upsert
from touyan.cadres.demo import demo_people
from touyan.cadres.models import Post
from touyan.core import crypto
from touyan.payroll import outputs, services
from touyan.payroll.models import Adjustment, BankAccount, PayLine, Payslip
from touyan.payroll.rules.benefits import mask_account
from touyan.payroll.services import BANK_CONTEXT
from touyan.regions import rules as region_rules
from touyan.regions.importer import import_divisions
from touyan.regions.models import Region, RegionStat

GRADES = ("excellent", "competent", "competent", "basically_competent", "incompetent")


@pytest.mark.django_db
def test_whole_demo_county_sums_to_the_fen_and_the_payout_file_to_the_run(personas, finance) -> None:
    national = personas["national"]
    import_divisions(source=None, within=COUNTY_A[:6])  # 兴义市 from the bundled Qianxinan subset
    villages = list(
        Region.objects.filter(code__startswith=COUNTY_A[:6], level=region_rules.VILLAGE)
        .order_by("code")
        .values_list("code", "name")
    )
    cadres_bulk_upsert(actor=national, people=demo_people(villages), source="demo")
    RegionStat.objects.create(
        region_id=COUNTY_A, year=2025, rural_income_per_capita=D("14321"), ref_new_staff_monthly=D("4437")
    )
    q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    full_time = sorted(
        set(
            Post.objects.filter(village__code__startswith=COUNTY_A[:6], full_time=True, start_date__lte=q1[1])
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=q1[0]))
            .values_list("person_id", "village_id")
        )
    )
    assert len(full_time) > 300
    for month in (1, 2, 3):  # presence, some days missed; then each township locks the month
        days = sorted(month_calendar(2026, month).workdays)
        Presence.objects.bulk_create(
            [
                Presence(person_id=pid, village_id=v, date=d, channel="import")
                for pid, v in full_time
                for d in days[: len(days) - pid % 4]
            ],
            batch_size=5000,
        )
        for township in {v[:9].ljust(12, "0") for _p, v in full_time}:
            attendance.month_lock(
                actor=national, region_code=township, month=dt.date(2026, month, 1), today=dt.date(2026, 4, 10)
            )
    assert MonthResult.objects.filter(month=dt.date(2026, 3, 1)).count() >= len({p for p, _v in full_time})
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
    for i, (pid, v) in enumerate(full_time[:3]):  # a correction and two one-off payments
        kind, amount = (("adjustment", D("-123.45")), ("honour", D("1000")), ("condolence", D("2000")))[i]
        Adjustment.objects.create(person_id=pid, village_id=v, kind=kind, amount=amount, reason="测试")

    run = services.payrun_open(actor=national, region_code=COUNTY_A, month=dt.date(2026, 3, 1))
    run = services.payrun_calculate(actor=national, run_id=run.pk)

    slips = {s.pk: s for s in Payslip.objects.filter(run=run)}
    sums: dict[int, D] = dict.fromkeys(slips, D(0))
    for payslip_id, amount in PayLine.objects.filter(payslip__run=run).values_list("payslip_id", "amount"):
        sums[payslip_id] += amount
    assert all(sums[pk] == s.total for pk, s in slips.items())  # lines → payslip, to the fen
    assert run.total == sum((s.total for s in slips.values()), D(0))  # payslips → run
    assert run.payslip_count == len(slips) == len({p for p, _v in full_time})
    components = set(PayLine.objects.filter(payslip__run=run).values_list("component", flat=True))
    assert {"base", "performance", "pension_subsidy", "adjustment", "honour", "condolence"} <= components

    for to in ("village_notice", "township_approved"):
        services.payrun_advance(actor=national, run_id=run.pk, to=to)
    services.payrun_advance(actor=finance["a"], run_id=run.pk, to="county_finance_approved")
    numbers = {s.person_id: f"62170000{s.person_id:011d}" for s in slips.values()}
    BankAccount.objects.bulk_create(
        BankAccount(
            person_id=pid,
            bank="兴义农商银行",
            account_masked=mask_account(number),
            account_enc=crypto.encrypt(number, context=BANK_CONTEXT),
        )
        for pid, number in numbers.items()
    )
    payout = outputs.payout_file(actor=finance["a"], run_id=run.pk)
    rows = list(csv.reader(io.StringIO(payout.content.decode("utf-8-sig"))))[1:]
    assert payout.rows == len(rows) == run.payslip_count
    assert payout.total == run.total == sum((D(r[-1]) for r in rows), D(0))
