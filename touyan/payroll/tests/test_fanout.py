"""The national batch fanned out as a Celery group (issue 21): one task per part, the parent job's
progress and outcome summed over them, the same payslips and lines as the single pass."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from touyan.core.jobs import job_start
from touyan.core.models import Job
from touyan.payroll import services
from touyan.payroll.fanout import FAN_OUT, batch_parts, calculate_runs_fanout_task
from touyan.payroll.tests.test_many import COUNTIES, MARCH, forget_runs, snapshot, two_counties  # noqa: F401


def fan_out(user: Any, prefix: str) -> Job:
    job = job_start(actor=user, kind=FAN_OUT, region_code=prefix)
    calculate_runs_fanout_task.delay(MARCH.isoformat(), prefix, user.pk, job.pk)
    return Job.objects.get(pk=job.pk)


@pytest.mark.django_db
def test_fan_out_equals_the_single_pass(personas, two_counties) -> None:  # noqa: F811
    national = personas["national"]
    assert sorted(batch_parts(MARCH, "5223")) == ["522301", "522323"] and batch_parts(MARCH, "") == ["52"]
    single = services.payruns_open_and_calculate_many(actor=national, month=MARCH, prefix="5223")
    expected = snapshot()
    forget_runs()
    job = fan_out(national, "5223")
    assert job.status == Job.Status.DONE, job.message
    assert snapshot() == expected  # the same payslips and lines, to the fen
    assert job.outcome["runs"] == 2 and job.outcome["payslips"] == single.payslips
    assert D(job.outcome["total"]) == single.total and set(job.outcome["parts"]) == set(COUNTIES_6)
    parts = Job.objects.filter(pk__in=job.outcome["parts"].values())
    assert all(p.status == Job.Status.DONE for p in parts)
    assert job.done == sum(p.done for p in parts) and job.total == sum(p.total for p in parts) > 0
    again = fan_out(national, "5223")  # resumable: nobody is paid twice
    assert again.status == Job.Status.DONE and again.outcome["runs"] == 0 and again.outcome["skipped"] == 2


@pytest.mark.django_db
def test_fan_out_needs_the_scope(personas, two_counties) -> None:  # noqa: F811
    job = fan_out(personas["county_a_admin"], "")
    assert job.status == Job.Status.FAILED and "全国" in job.message
    job = fan_out(personas["county_a_admin"], "5223")
    assert job.status == Job.Status.FAILED


COUNTIES_6 = [c[:6] for c in COUNTIES]
