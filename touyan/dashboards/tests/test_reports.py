"""Standard reports (统计报表) as a task with progress: started from the cockpit (audited), followed
on the job page, downloaded by the user who started it only (audited), one sheet per report."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import COUNTY_A, COUNTY_B, TOWNSHIP_A1
from touyan.audit.models import AuditEvent
from touyan.core.models import Job
from touyan.dashboards.tests.test_structure import V1
from touyan.dashboards.tests.test_structure import county as county  # the scenario fixture
from touyan.payroll.models import PayRun, Payslip

pytestmark = pytest.mark.django_db


def test_report_task_writes_every_sheet(county: dict[str, Any], login: Any, settings: Any, tmp_path: Any) -> None:
    settings.TOUYAN_JOB_ROOT = tmp_path
    from touyan.cadres.models import Person

    run = PayRun.objects.create(region_id=TOWNSHIP_A1, month=dt.date(2026, 2, 1), state="calculated")
    for p in Person.objects.filter(village_id=V1):
        Payslip.objects.create(run=run, person=p, village_id=V1, total=Decimal("3000.00"))
    client = login(county["county_a_admin"])
    page = client.get(reverse("cockpit", args=[COUNTY_A]) + "?on=2026-03-10").content.decode()
    assert reverse("report_start", args=[COUNTY_A]) in page
    r = client.post(reverse("report_start", args=[COUNTY_A]) + "?on=2026-03-10")
    job = Job.objects.get(kind="dashboards.report")
    assert r.status_code == 302 and r["Location"] == reverse("report_job", args=[job.pk])
    assert job.status == "done" and job.outcome == {"sheets": 10}
    assert AuditEvent.objects.filter(action="dashboards.report.start", region_code=COUNTY_A).count() == 1
    html = client.get(reverse("report_job", args=[job.pk])).content.decode()
    assert reverse("report_download", args=[job.pk]) in html
    assert client.get(reverse("report_status", args=[job.pk])).status_code == 200
    file = client.get(reverse("report_download", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(file.streaming_content)))
    assert book.sheetnames == [
        "驾驶舱汇总", "花名册", "考勤月报", "季度考核汇总", "年度考核结果", "工资汇总表", "培训台账", "后备干部名册",
        "联审结果汇总", "预警清单",
    ]  # fmt: skip
    roster = [row for row in book["花名册"].iter_rows(min_row=4, values_only=True) if row[1]]
    assert len(roster) == 8 and all(row[2] for row in roster)  # the county's eight cadres, by name
    cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    assert not any(c.isdigit() and len(c) == 18 for c in cells)  # no ID number
    assert not any(c.startswith("=") for c in cells)
    assert reverse("report_download", args=[job.pk]) + "?format=pdf" in html
    pdf = b"".join(client.get(reverse("report_download", args=[job.pk]) + "?format=pdf").streaming_content)
    assert pdf.startswith(b"%PDF") and b"FontFile2" in pdf  # the CJK font embedded (payslips' helper)
    overview = {row[0]: row[1] for row in book["驾驶舱汇总"].iter_rows(min_row=4, values_only=True) if row[0]}
    assert overview["cadres.total"] == 8 and overview["villages.total"] == 4
    pay = next(iter(book["工资汇总表"].iter_rows(min_row=4, max_row=4, values_only=True)))
    assert pay[:5] == (V1, "坪东社区", 6, 18000, 3000)  # the six people filed in V1
    attendance = [row for row in book["考勤月报"].iter_rows(min_row=4, values_only=True) if row[0]]
    assert [row[2] for row in attendance[:3]] == [2, 3, 1]  # full-time cadres of V1, V2, V3
    assert AuditEvent.objects.filter(action="dashboards.report.download").count() == 2
    # Another user, even the prefecture's admin, does not see the job.
    assert login(county["prefecture_admin"]).get(reverse("report_job", args=[job.pk])).status_code == 404
    assert login(county["prefecture_admin"]).get(reverse("report_download", args=[job.pk])).status_code == 404


def test_report_refused_outside_scope_and_for_other_roles(county: dict[str, Any], login: Any) -> None:
    assert login(county["county_a_admin"]).post(reverse("report_start", args=[COUNTY_B])).status_code == 404
    assert login(county["auditor"]).post(reverse("report_start", args=[COUNTY_A])).status_code == 403
    assert login(county["county_a_admin"]).get(reverse("report_start", args=[COUNTY_A])).status_code == 405
    assert not Job.objects.exists()
