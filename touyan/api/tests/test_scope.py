"""Scope over every endpoint and page (SPEC A1, brief "Scoping").

Each persona — county A admin, township A1 officer, township B1 officer and
an anonymous user — asks for every API endpoint and page about a region
outside its own and is denied (403/404, 401 or a redirect to login), with
nothing written. A positive control shows the same request works inside the
region, so the denial is scope and not a broken URL. A meta-test fails when a
new endpoint or page is added without a row here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import (
    COUNTY_A,
    COUNTY_B,
    PREFECTURE,
    TOWNSHIP_A1,
    TOWNSHIP_A2,
    TOWNSHIP_B1,
    TREE,
    VILLAGE_A1,
    VILLAGE_B1,
    make_id,
)
from touyan.accounts.models import User
from touyan.assessment.models import AnnualAssessment, QuarterlyEvaluation
from touyan.attendance.models import LeaveRequest, Presence, VillageFence
from touyan.audit.models import AuditEvent
from touyan.payroll.models import (
    Adjustment,
    BankAccount,
    CollectiveReward,
    DepartureAllowance,
    Insurance,
    PayRun,
    Payslip,
)
from touyan.policy.models import PolicyDocument
from touyan.regions.models import RegionStat


@dataclass(frozen=True)
class Call:
    name: str  # the route it covers (URL pattern or OpenAPI path)
    method: str
    url: str  # {code} is filled with the target region
    body: dict[str, Any] | None = None
    api: bool = True
    admin_only: bool = False  # only an admin may do it even inside scope
    writes: bool = False  # a township officer may do it inside scope
    inside: frozenset[int] = frozenset({200, 201, 302})  # what the positive control accepts


CALLS: list[Call] = [
    Call("/api/v1/regions/{code}", "get", "/api/v1/regions/{code}"),
    Call("/api/v1/regions/{code}/children", "get", "/api/v1/regions/{code}/children"),
    Call("/api/v1/regions/{code}/stats", "get", "/api/v1/regions/{code}/stats"),
    Call(
        "/api/v1/regions/{code}/stats/{year}",
        "put",
        "/api/v1/regions/{code}/stats/2025",
        {"rural_income_per_capita": "14000"},
        admin_only=True,
    ),
    Call("/api/v1/policy/{region}", "get", "/api/v1/policy/{code}"),
    Call(
        "/api/v1/policy/{region}",
        "put",
        "/api/v1/policy/{code}",
        {"effective_from": "2026-01-01", "params": {"min_days_per_month": 20}},
        admin_only=True,
    ),
    Call(
        "/api/v1/users",
        "post",
        "/api/v1/users",
        {"username": "intruder", "password": "Long#enough1", "role": "auditor", "region": "{code}"},
        admin_only=True,
    ),
    Call("/api/v1/cadres", "get", "/api/v1/cadres?region={code}"),
    Call(
        "/api/v1/cadres",
        "post",
        "/api/v1/cadres",
        {
            "name": "外人",
            "id_number": "{new_id}",
            "village": "{village}",
            "education": "college",
            "political_status": "masses",
            "posts": [{"post": "VM", "start_date": "2021-04-01"}],
        },
        admin_only=False,
        writes=True,
    ),
    Call("/api/v1/cadres/{cadre_id}", "get", "/api/v1/cadres/{cadre}"),
    Call("/api/v1/cadres/{cadre_id}", "patch", "/api/v1/cadres/{cadre}", {"name": "改名"}, writes=True),
    Call(
        "/api/v1/cadres/{cadre_id}/posts",
        "post",
        "/api/v1/cadres/{cadre}/posts",
        {"post": "VDD", "start_date": "2024-01-01"},
        writes=True,
    ),
    Call(
        "/api/v1/cadres/{cadre_id}/posts/{post_id}/end",
        "post",
        "/api/v1/cadres/{cadre}/posts/{post}/end",
        {"end_date": "2024-01-01", "end_reason": "resigned"},
        writes=True,
    ),
    Call(
        "/api/v1/cadres/{cadre_id}/reveal-id",
        "post",
        "/api/v1/cadres/{cadre}/reveal-id",
        {"password": "Persona#2026", "reason": "核对身份信息"},
    ),
    Call(
        "/api/v1/attendance/records",
        "post",
        "/api/v1/attendance/records",
        {"cadre": "{cadre}", "date": "2026-03-02", "channel": "duty_book"},
        writes=True,
    ),
    Call(
        "/api/v1/attendance/locks",
        "post",
        "/api/v1/attendance/locks",
        {"region": "{township}", "month": "2026-03"},
        writes=True,
    ),
    Call("/api/v1/attendance/monthly", "get", "/api/v1/attendance/monthly?region={code}&month=2026-03"),
    Call("/api/v1/training/compliance", "get", "/api/v1/training/compliance?region={code}&year=2026"),
    Call("/api/v1/reserves/sufficiency", "get", "/api/v1/reserves/sufficiency?region={code}"),
    Call(
        "/api/v1/leave-requests",
        "post",
        "/api/v1/leave-requests",
        {"cadre": "{cadre}", "start_date": "2026-12-01", "end_date": "2026-12-01", "reason": "事假"},
        writes=True,
    ),
    Call(
        "/api/v1/leave-requests/{leave_id}/approve",
        "post",
        "/api/v1/leave-requests/{leave}/approve",
        {"note": ""},
        writes=True,
    ),
    Call(
        "/api/v1/leave-requests/{leave_id}/reject",
        "post",
        "/api/v1/leave-requests/{leave}/reject",
        {"note": ""},
        writes=True,
    ),
    Call(
        "/api/v1/leave-requests/{leave_id}/return",
        "post",
        "/api/v1/leave-requests/{leave}/return",
        {"returned_on": "2026-12-02"},
        writes=True,
        inside=frozenset({200, 422}),
    ),
    Call(
        "/api/v1/assessments/quarterly",
        "post",
        "/api/v1/assessments/quarterly",
        {"cadre": "{cadre}", "year": 2026, "quarter": 2, "score": "85"},
        writes=True,
    ),
    Call("/api/v1/assessments/quarterly/{evaluation_id}", "get", "/api/v1/assessments/quarterly/{evaluation}"),
    Call(
        "/api/v1/assessments/quarterly/{evaluation_id}/finalize",
        "post",
        "/api/v1/assessments/quarterly/{evaluation}/finalize",
        {},
        writes=True,
        inside=frozenset({200, 409}),  # 409 while the appeal window runs (WF-5): past the scope all the same
    ),
    Call(
        "/api/v1/assessments/quarterly/{evaluation_id}/corrections",
        "post",
        "/api/v1/assessments/quarterly/{evaluation}/corrections",
        {"score": "80", "reason": "复核更正"},
        writes=True,
        inside=frozenset({422}),
    ),
    Call(
        "/api/v1/assessments/annual",
        "post",
        "/api/v1/assessments/annual",
        {"cadre": "{cadre}", "year": 2026, "tallies": {}},
        writes=True,
        inside=frozenset({422}),
    ),
    Call(
        "/api/v1/assessments/annual/{annual_id}/finalize",
        "post",
        "/api/v1/assessments/annual/{annual}/finalize",
        {},
        writes=True,
    ),
    Call(
        "/api/v1/assessments/competency",
        "post",
        "/api/v1/assessments/competency",
        {"cadre": "{cadre}", "year": 2026, "half": 1, "tallies": {"party_members": {"competent": 9}}},
        writes=True,
    ),
    Call(
        "/api/v1/payroll/runs",
        "post",
        "/api/v1/payroll/runs",
        {"region": "{township}", "month": "2026-02"},
        writes=True,
        inside=frozenset({201, 422}),
    ),
    Call("/api/v1/payroll/runs/{run_id}", "get", "/api/v1/payroll/runs/{run}"),
    Call("/api/v1/payroll/runs/{run_id}/calculate", "post", "/api/v1/payroll/runs/{run}/calculate", {}, writes=True),
    Call(
        "/api/v1/payroll/runs/{run_id}/advance",
        "post",
        "/api/v1/payroll/runs/{run}/advance",
        {"to": "village_notice"},
        writes=True,
        inside=frozenset({409}),
    ),
    Call("/api/v1/payroll/runs/{run_id}/payslips", "get", "/api/v1/payroll/runs/{run}/payslips"),
    # Attendance pages (touyan/attendance/views*.py).
    Call(
        "attendance/duty-book/<str:village>/<isodate:day>/",
        "get",
        "/attendance/duty-book/{village}/2026-03-02/",
        api=False,
    ),
    Call(
        "attendance/duty-book/<str:village>/<isodate:day>/",
        "post",
        "/attendance/duty-book/{village}/2026-03-02/",
        {"m-TOTAL_FORMS": "1", "m-INITIAL_FORMS": "0", "m-0-cadre": "{cadre}", "m-0-mark": "present"},
        api=False,
        writes=True,
    ),
    Call("attendance/roster/<str:village>/<yyyymm:month>/", "get", "/attendance/roster/{village}/2026-03/", api=False),
    Call(
        "attendance/roster/<str:village>/<yyyymm:month>/",
        "post",
        "/attendance/roster/{village}/2026-03/",
        {"day": "2026-03-02", "duty": "2026-03-02:{cadre}"},
        api=False,
        writes=True,
    ),
    Call(
        "attendance/roster/<str:village>/<yyyymm:month>/copy/",
        "post",
        "/attendance/roster/{village}/2026-03/copy/",
        api=False,
        writes=True,
    ),
    Call("attendance/gaps/<str:code>/<yyyymm:month>/", "get", "/attendance/gaps/{code}/2026-03/", api=False),
    Call(
        "attendance/leave/new/",
        "post",
        "/attendance/leave/new/",
        {"cadre": "{cadre}", "start_date": "2026-12-01", "end_date": "2026-12-01", "reason": "事假"},
        api=False,
        writes=True,
    ),
    Call("attendance/leave/<int:leave_id>/", "get", "/attendance/leave/{leave}/", api=False),
    Call(
        "attendance/leave/<int:leave_id>/decide/",
        "post",
        "/attendance/leave/{leave}/decide/",
        {"decision": "approve", "note": ""},
        api=False,
        writes=True,
    ),
    Call(
        "attendance/leave/<int:leave_id>/return/",
        "post",
        "/attendance/leave/{leave}/return/",
        {"returned_on": "2026-12-08"},
        api=False,
        writes=True,
    ),
    Call("attendance/monthly/<str:code>/<yyyymm:month>/", "get", "/attendance/monthly/{code}/2026-03/", api=False),
    Call(
        "attendance/monthly/<str:code>/<yyyymm:month>/export/",
        "get",
        "/attendance/monthly/{code}/2026-03/export/",
        api=False,
    ),
    Call(
        "attendance/monthly/<str:code>/<yyyymm:month>/lock/",
        "post",
        "/attendance/monthly/{township}/2026-03/lock/",
        api=False,
        writes=True,
    ),
    Call(
        "attendance/blocked/",
        "post",
        "/attendance/blocked/",
        {"region": "{code}", "start_date": "2027-07-01", "end_date": "2027-08-31", "reason": "防汛期"},
        api=False,
        admin_only=True,
    ),
    Call("attendance/fences/<str:code>/", "get", "/attendance/fences/{code}/", api=False),
    Call(
        "attendance/fences/<str:code>/",
        "post",
        "/attendance/fences/{code}/",
        {"village": "{village}", "op": "set", "latitude": "25.0918", "longitude": "104.8954", "radius_m": "500"},
        api=False,
        writes=True,
    ),
    Call("cadres/", "get", "/cadres/?region={code}", api=False),
    Call(
        "cadres/new/",
        "post",
        "/cadres/new/",
        {
            "name": "外人",
            "id_number": "{new_id}",
            "village": "{village}",
            "ethnicity": "汉族",
            "political_status": "masses",
            "education": "college",
            "origin": "other",
            "post-post": "VM",
            "post-start_date": "2021-04-01",
            "post-source": "election",
        },
        api=False,
        writes=True,
    ),
    Call("cadres/<int:cadre_id>/", "get", "/cadres/{cadre}/", api=False),
    Call("cadres/<int:cadre_id>/edit/", "get", "/cadres/{cadre}/edit/", api=False, writes=True),
    Call(
        "cadres/<int:cadre_id>/edit/",
        "post",
        "/cadres/{cadre}/edit/",
        {"name": "改名", "ethnicity": "汉族", "political_status": "masses", "education": "college", "origin": "other"},
        api=False,
        writes=True,
    ),
    Call(
        "cadres/<int:cadre_id>/posts/",
        "post",
        "/cadres/{cadre}/posts/",
        {"post": "VDD", "start_date": "2024-01-01", "source": "election"},
        api=False,
        writes=True,
    ),
    Call(
        "cadres/<int:cadre_id>/posts/<int:post_id>/end/",
        "post",
        "/cadres/{cadre}/posts/{post}/end/",
        {"end_date": "2024-01-01", "end_reason": "resigned"},
        api=False,
        writes=True,
    ),
    Call(
        "cadres/<int:cadre_id>/reveal/",
        "post",
        "/cadres/{cadre}/reveal/",
        {"password": "Persona#2026", "reason": "核对身份信息"},
        api=False,
    ),
    Call("stats/structure/<str:code>/", "get", "/stats/structure/{code}/", api=False),
    Call("stats/structure/<str:code>/export/", "get", "/stats/structure/{code}/export/", api=False),
    Call("stats/cockpit/<str:code>/", "get", "/stats/cockpit/{code}/", api=False),
    Call("stats/cockpit/<str:code>/export/", "get", "/stats/cockpit/{code}/export/", api=False),
    Call("stats/alerts/<str:code>/", "get", "/stats/alerts/{code}/", api=False),
    Call("stats/alerts/<str:code>/export/", "get", "/stats/alerts/{code}/export/", api=False),
    Call("stats/cockpit/<str:code>/report/", "post", "/stats/cockpit/{code}/report/", api=False),
    Call("/api/v1/dashboards/{code}", "get", "/api/v1/dashboards/{code}"),
    Call("/api/v1/alerts", "get", "/api/v1/alerts?region={code}"),
    Call("regions/<str:code>/", "get", "/regions/{code}/", api=False),
    Call(
        "regions/<str:code>/",
        "post",
        "/regions/{code}/",
        {"year": "2025", "rural_income_per_capita": "1"},
        api=False,
        admin_only=True,
    ),
    Call("regions/switch/", "get", "/regions/switch/?code={code}", api=False),
    Call("policy/<str:code>/", "get", "/policy/{code}/", api=False),
    Call(
        "policy/<str:code>/",
        "post",
        "/policy/{code}/",
        {"effective_from": "2026-01-01", "min_days_per_month": "20"},
        api=False,
        admin_only=True,
    ),
    Call(
        "accounts/users/",
        "post",
        "/accounts/users/",
        {"username": "intruder", "password": "Long#enough1", "role": "auditor", "region": "{code}"},
        api=False,
        admin_only=True,
    ),
    # Assessment pages (touyan/assessment/views.py): every action is keyed by the cadre on the page.
    Call("assessment/periods/<str:code>/", "get", "/assessment/periods/{code}/", api=False, admin_only=True),
    Call(
        "assessment/periods/<str:code>/",
        "post",
        "/assessment/periods/{code}/",
        {"action": "open", "year": "2026", "which": "quarter-3"},
        api=False,
        admin_only=True,
    ),
    Call(
        "assessment/quarterly/<str:code>/<int:year>/<int:quarter>/",
        "get",
        "/assessment/quarterly/{township}/2026/1/",
        api=False,
    ),
    Call(
        "assessment/quarterly/<str:code>/<int:year>/<int:quarter>/",
        "post",
        "/assessment/quarterly/{township}/2026/1/",
        {"action": "finalize", "cadre": "{cadre}"},
        api=False,
        writes=True,
    ),
    Call(
        "assessment/quarterly/<str:code>/<int:year>/<int:quarter>/",
        "post",
        "/assessment/quarterly/{township}/2026/1/",
        {"action": "correct", "cadre": "{cadre}", "score": "80", "reason": "复核更正"},
        api=False,
        writes=True,
    ),
    Call(
        "assessment/annual/<str:code>/<int:year>/",
        "get",
        "/assessment/annual/{township}/2025/?cadre={cadre}",
        api=False,
    ),
    Call(
        "assessment/annual/<str:code>/<int:year>/",
        "post",
        "/assessment/annual/{township}/2025/",
        {"action": "compute", "cadre": "{cadre}", "party_members-excellent": "9"},
        api=False,
        writes=True,
    ),
    Call(
        "assessment/annual/<str:code>/<int:year>/",
        "post",
        "/assessment/annual/{township}/2025/",
        {"action": "finalize", "cadre": "{cadre}"},
        api=False,
        writes=True,
    ),
    Call(
        "assessment/competency/<str:code>/<int:year>/<int:half>/",
        "get",
        "/assessment/competency/{township}/2026/1/",
        api=False,
    ),
    Call(
        "assessment/competency/<str:code>/<int:year>/<int:half>/",
        "post",
        "/assessment/competency/{township}/2026/1/",
        {"action": "record", "cadre": "{cadre}", "party_members-competent": "9"},
        api=False,
        writes=True,
    ),
    Call("assessment/pledges/<str:code>/<int:year>/", "get", "/assessment/pledges/{township}/2026/", api=False),
    Call(
        "assessment/pledges/<str:code>/<int:year>/",
        "post",
        "/assessment/pledges/{township}/2026/",
        {"action": "publicise", "cadre": "{cadre}"},
        api=False,
        writes=True,
    ),
    Call("assessment/pioneer/<str:code>/<int:year>/", "get", "/assessment/pioneer/{village}/2026/", api=False),
    Call(
        "assessment/pioneer/<str:code>/<int:year>/",
        "post",
        "/assessment/pioneer/{village}/2026/",
        {"cadre": "{cadre}", "day": "2026-03-01", "item": "study", "points": "2"},
        api=False,
        writes=True,
    ),
    Call("assessment/stars/<str:code>/<int:year>/", "get", "/assessment/stars/{township}/2026/", api=False),
    Call(
        "assessment/stars/<str:code>/<int:year>/",
        "post",
        "/assessment/stars/{township}/2026/",
        {"village": "{village}", "score": "85"},
        api=False,
        writes=True,
    ),
    Call(
        "assessment/distribution/<str:code>/<int:year>/",
        "get",
        "/assessment/distribution/{code}/2026/",
        api=False,
        admin_only=True,
    ),
    # Assessment actions, one address each (touyan/assessment/views/): the same scope as their page.
    Call(
        "assessment/periods/<str:code>/open/",
        "post",
        "/assessment/periods/{code}/open/",
        {"year": "2026", "which": "quarter-3"},
        api=False,
        admin_only=True,
    ),
    Call(
        "assessment/periods/<str:code>/exempt/",
        "post",
        "/assessment/periods/{code}/exempt/",
        {"period": "1", "cadre": "{cadre}", "reason": "整季度病休"},
        api=False,
        admin_only=True,
    ),
    Call(
        "assessment/periods/<str:code>/advance/",
        "post",
        "/assessment/periods/{code}/advance/",
        {"period": "1", "to": "publicised"},
        api=False,
        admin_only=True,
    ),
    Call(
        "assessment/quarterly/<str:code>/<int:year>/<int:quarter>/save/",
        "post",
        "/assessment/quarterly/{township}/2026/1/save/",
        {"score-{cadre}": "80"},
        api=False,
        writes=True,
    ),
    Call(
        "assessment/quarterly/<str:code>/<int:year>/<int:quarter>/finalize/",
        "post",
        "/assessment/quarterly/{township}/2026/1/finalize/",
        {"cadre": "{cadre}"},
        api=False,
        writes=True,
    ),
    Call(
        "assessment/quarterly/<str:code>/<int:year>/<int:quarter>/finalize-all/",
        "post",
        "/assessment/quarterly/{township}/2026/1/finalize-all/",
        {"cadre": "{cadre}"},
        api=False,
        writes=True,
    ),
    Call(
        "assessment/quarterly/<str:code>/<int:year>/<int:quarter>/correct/",
        "post",
        "/assessment/quarterly/{township}/2026/1/correct/",
        {"cadre": "{cadre}", "score": "80", "reason": "复核更正"},
        api=False,
        writes=True,
    ),
    Call(
        "assessment/annual/<str:code>/<int:year>/compute/",
        "post",
        "/assessment/annual/{township}/2025/compute/",
        {"cadre": "{cadre}", "party_members-excellent": "9"},
        api=False,
        writes=True,
    ),
    Call(
        "assessment/annual/<str:code>/<int:year>/finalize/",
        "post",
        "/assessment/annual/{township}/2025/finalize/",
        {"cadre": "{cadre}"},
        api=False,
        writes=True,
    ),
    Call(
        "assessment/annual/<str:code>/<int:year>/consequences/done/",
        "post",
        "/assessment/annual/{township}/2025/consequences/done/",
        {"consequence": "1", "cadre": "{cadre}"},
        api=False,
        writes=True,
        inside=frozenset({302, 404}),  # the fixture has no consequence: inside, the unknown item is 404
    ),
    Call(
        "assessment/competency/<str:code>/<int:year>/<int:half>/record/",
        "post",
        "/assessment/competency/{township}/2026/1/record/",
        {"cadre": "{cadre}", "party_members-competent": "9"},
        api=False,
        writes=True,
    ),
    *(
        Call(
            f"assessment/pledges/<str:code>/<int:year>/{step}/",
            "post",
            f"/assessment/pledges/{{township}}/2026/{step}/",
            {
                "cadre": "{cadre}",
                "reason": "请修改第三条",
                "democratic_score": "80",
                "organisational_score": "80",
                "result_score": "80",
            },
            api=False,
            writes=True,
        )
        for step in ("publicise", "return", "withdraw", "review", "targets/advance", "targets/assess")
    ),
    Call(
        "assessment/pioneer/<str:code>/<int:year>/record/",
        "post",
        "/assessment/pioneer/{village}/2026/record/",
        {"cadre": "{cadre}", "day": "2026-03-01", "item": "study", "points": "2"},
        api=False,
        writes=True,
    ),
    Call(
        "assessment/stars/<str:code>/<int:year>/rate/",
        "post",
        "/assessment/stars/{township}/2026/rate/",
        {"village": "{village}", "score": "85"},
        api=False,
        writes=True,
    ),
    # Payroll pages (touyan/payroll/views.py).
    Call("payroll/policy/<str:code>/", "get", "/payroll/policy/{code}/", api=False),
    Call("payroll/runs/", "get", "/payroll/runs/?region={code}", api=False),
    Call(
        "payroll/runs/",
        "post",
        "/payroll/runs/",
        {"region": "{township}", "month": "2026-02"},
        api=False,
        writes=True,
    ),
    Call("payroll/runs/<int:run_id>/", "get", "/payroll/runs/{run}/", api=False),
    Call("payroll/runs/<int:run_id>/calculate/", "post", "/payroll/runs/{run}/calculate/", api=False, writes=True),
    Call("payroll/runs/<int:run_id>/status/", "get", "/payroll/runs/{run}/status/", api=False),
    Call(
        "payroll/runs/<int:run_id>/advance/",
        "post",
        "/payroll/runs/{run}/advance/",
        {"to": "village_notice"},
        api=False,
        writes=True,
    ),
    Call("payroll/runs/<int:run_id>/summary.xlsx", "get", "/payroll/runs/{run}/summary.xlsx", api=False),
    # County finance alone downloads the payout file (no persona here is finance: 403 inside too;
    # finance's own access is tested in touyan/payroll/tests/test_views.py).
    Call(
        "payroll/runs/<int:run_id>/payout.csv",
        "get",
        "/payroll/runs/{run}/payout.csv",
        api=False,
        inside=frozenset({403}),
    ),
    Call("payroll/payslips/<int:payslip_id>/", "get", "/payroll/payslips/{payslip}/", api=False),
    Call("payroll/payslips/<int:payslip_id>/pdf/", "get", "/payroll/payslips/{payslip}/pdf/", api=False),
    Call("payroll/cadres/<int:cadre_id>/bank/", "get", "/payroll/cadres/{cadre}/bank/", api=False),
    Call(
        "payroll/cadres/<int:cadre_id>/bank/",
        "post",
        "/payroll/cadres/{cadre}/bank/",
        {"bank": "农商银行", "account": "6217000011112220"},
        api=False,
        writes=True,
    ),
    Call("payroll/insurance/<str:code>/<year:year>/", "get", "/payroll/insurance/{code}/2026/", api=False),
    Call(
        "payroll/insurance/<str:code>/<year:year>/",
        "post",
        "/payroll/insurance/{township}/2026/",
        {"cadre": "{cadre}", "pension": "on"},
        api=False,
        writes=True,
    ),
    Call("payroll/rewards/", "get", "/payroll/rewards/?region={code}", api=False),
    Call("payroll/rewards/new/", "get", "/payroll/rewards/new/?village={village}", api=False),
    Call(
        "payroll/rewards/new/",
        "post",
        "/payroll/rewards/new/",
        {"village": "{village}", "year": "2025", "income": "300000", "previous_income": "200000", "decision_ref": "1"},
        api=False,
        writes=True,
    ),
    Call("payroll/rewards/<int:reward_id>/", "get", "/payroll/rewards/{reward}/", api=False),
    Call(
        "payroll/rewards/<int:reward_id>/decide/",
        "post",
        "/payroll/rewards/{reward}/decide/",
        {"decision": "reject", "note": "不符合"},
        api=False,
        writes=True,
    ),
    Call("payroll/honours/", "get", "/payroll/honours/?region={code}", api=False),
    Call("payroll/honours/new/", "get", "/payroll/honours/new/?village={village}", api=False),
    Call(
        "payroll/honours/new/",
        "post",
        "/payroll/honours/new/",
        {"village": "{village}", "cadre": "{cadre}", "level": "county", "title": "优秀书记"},
        api=False,
        writes=True,
    ),
    Call("payroll/condolences/", "get", "/payroll/condolences/?region={code}", api=False),
    Call("payroll/condolences/new/", "get", "/payroll/condolences/new/?village={village}", api=False),
    Call(
        "payroll/condolences/new/",
        "post",
        "/payroll/condolences/new/",
        {"village": "{village}", "cadre": "{cadre}", "kind": "illness"},
        api=False,
        writes=True,
    ),
    Call("payroll/departures/", "get", "/payroll/departures/?region={code}", api=False),
    Call("payroll/departures/new/", "get", "/payroll/departures/new/?village={village}", api=False),
    Call(
        "payroll/departures/new/",
        "post",
        "/payroll/departures/new/",
        {"village": "{village}", "cadre": "{cadre}"},
        api=False,
        writes=True,
    ),
    Call("payroll/departures/<int:departure_id>/", "get", "/payroll/departures/{departure}/", api=False),
    Call(
        "payroll/departures/<int:departure_id>/advance/",
        "post",
        "/payroll/departures/{departure}/advance/",
        {"to": "village_checked"},
        api=False,
        writes=True,
    ),
    Call("payroll/weak/<str:code>/<year:year>/", "get", "/payroll/weak/{code}/2025/", api=False),
    # Payroll's actions with one POST URL each (the earlier combined URLs above still work).
    Call(
        "payroll/runs/open/",
        "post",
        "/payroll/runs/open/",
        {"region": "{township}", "month": "2026-02"},
        api=False,
        writes=True,
    ),
    Call("payroll/runs/<int:run_id>/steps/<str:step>/", "post", "/payroll/runs/{run}/steps/publicise/", api=False),
    Call(
        "payroll/insurance/<str:code>/<year:year>/save/",
        "post",
        "/payroll/insurance/{township}/2026/save/",
        {"cadre": "{cadre}"},
        api=False,
        writes=True,
    ),
    Call("payroll/rewards/<int:reward_id>/approve/", "post", "/payroll/rewards/{reward}/approve/", api=False),
    Call(
        "payroll/rewards/<int:reward_id>/reject/",
        "post",
        "/payroll/rewards/{reward}/reject/",
        {"note": "不符合"},
        api=False,
        writes=True,
    ),
    Call(
        "payroll/departures/<int:departure_id>/steps/<str:step>/",
        "post",
        "/payroll/departures/{departure}/steps/village_check/",
        api=False,
        writes=True,
    ),
]

# Routes that are not about a region: public, or scoped by the user alone (tested elsewhere).
UNSCOPED = {
    "/api/v1/auth/token",
    "/api/v1/users",
    "login/",
    "logout/",
    "",
    "regions/",
    "policy/",
    "accounts/users/",
    # Account security (issue 21): the user's own password, second factor and tokens; the security
    # desk and the reset/unlock actions act on users_in_scope (another region's user is a 404);
    # tested in touyan/accounts/tests/test_security.py.
    "accounts/security/",
    "accounts/security/2fa/",
    "accounts/security/password/",
    "accounts/security/tokens/",
    "accounts/security/users/<int:user_id>/2fa-reset/",
    "accounts/security/users/<int:user_id>/unlock/",
    "accounts/users/<int:user_id>/reset-password/",
    # Editing and disabling a user act on users_in_scope (another region's user is a 404);
    # tested in touyan/accounts/tests/test_users_admin.py.
    "accounts/users/<int:user_id>/edit/",
    "accounts/users/<int:user_id>/active/",
    "healthz",  # no login, no data (A8)
    "audit/",
    "audit/export.xlsx",  # the audit log's export: the same scope as the page (audit_events)
    "i18n/",
    "sysadmin/",
    "api/v1/",
    # The 一卡通 import: every row is matched within the user's scope (another region's cadre is a
    # row error, nothing written); tested in touyan/payroll/tests/test_bank.py.
    "payroll/bank/import/",
    "payroll/bank/import/template.xlsx",
    "cadres/filings/",  # the county filing desk: scoped by county, tested in touyan/cadres/tests
    # Roster import/export: rows are checked against the user's scope, jobs belong to their creator
    # (another user gets 404); tested in touyan/cadres/tests/test_excel.py.
    "cadres/excel/template/",
    "cadres/excel/import/",
    "cadres/excel/export/",
    "cadres/excel/jobs/<int:job_id>/",
    "cadres/excel/jobs/<int:job_id>/status/",
    "cadres/excel/jobs/<int:job_id>/download/",
    "stats/structure/",  # the current region, always inside the scope
    "stats/cockpit/",  # the current region, always inside the scope
    "stats/alerts/",  # the current region, always inside the scope
    # Report jobs: only their creator sees them (core.jobs.access_job); touyan/dashboards/tests.
    "stats/reports/<int:job_id>/",
    "stats/reports/<int:job_id>/status/",
    "stats/reports/<int:job_id>/download/",
    # Attendance: the signed-in cadre's own page, pickers that open the current region, lists
    # built from the scoped selectors, and the national working-day calendar (no region);
    # each is tested in touyan/attendance/tests/test_views.py.
    "attendance/me/",
    "attendance/duty-book/",
    "attendance/roster/",
    "attendance/gaps/",
    "attendance/monthly/",
    "attendance/leave/",
    "attendance/import/",  # every row is scoped by presence_import: an outside cadre is a row error
    "attendance/import/template/",  # lists the user's own scope only
    "attendance/calendar/",
    "attendance/calendar/<int:year>/",
    "attendance/fences/",  # opens the current region's fences
    # Assessment: the menu's entries open the current region's page (always inside the scope), and
    # the signed-in cadre's own page; tested in touyan/assessment/tests/test_views.py.
    "assessment/periods/",
    "assessment/quarterly/",
    "assessment/annual/",
    "assessment/competency/",
    "assessment/pledges/",
    "assessment/me/",
    "assessment/pioneer/",
    "assessment/stars/",
    "assessment/distribution/",
    # the signed-in cadre's own pledge and targets (touyan/assessment/tests/test_views.py).
    "assessment/me/pledge/",
    "assessment/me/pledge/submit/",
    "assessment/me/pledge/midyear/",
    "assessment/me/pledge/yearend/",
    "assessment/me/targets/",
    # Payroll: the signed-in cadre's own payslips, and menu entries that open the current region's
    # page (always inside the scope); tested in touyan/payroll/tests/test_views.py.
    "payroll/me/",
    "payroll/policy/",
    "payroll/insurance/",
    "payroll/weak/",
}
# Village affairs (issue 19): every page and API route is in touyan/affairs/access.py (the public ones
# PUBLIC); outsiders' 404 and the roles' 403 are tested in touyan/affairs/tests/.
UNSCOPED |= {
    f"{prefix}{p.pattern}"
    for prefix, module in (("affairs/", "touyan.affairs.urls"), ("public/", "touyan.affairs.urls_public"))
    for p in __import__(module, fromlist=["urlpatterns"]).urlpatterns
} | {
    key.split(" ", 1)[1]
    for key in __import__("touyan.affairs.access", fromlist=["ROUTES"]).ROUTES
    if key.startswith(("GET /api/", "POST /api/", "PUT /api/"))
}
# Selection and exit (issue 17): every page and API route is in touyan/selection/access.py; the
# reviewer's department reach, outsiders' 404 and the roles' 403 are tested in touyan/selection/tests/.
UNSCOPED |= {
    f"selection/{p.pattern}" for p in __import__("touyan.selection.urls", fromlist=["urlpatterns"]).urlpatterns
} | {
    key.split(" ", 1)[1]
    for key in __import__("touyan.selection.access", fromlist=["ROUTES"]).ROUTES
    if key.split(" ", 1)[0] in ("GET", "POST", "PUT")
}

# Cadre development (issue 18): every page and API route is in touyan/training/access.py; outsiders'
# 404 and the roles' 403 are tested in touyan/training/tests/ (the region-named reads are CALLS above).
UNSCOPED |= {f"training/{p.pattern}" for p in __import__("touyan.training.urls", fromlist=["x"]).urlpatterns} | {
    key.split(" ", 1)[1]
    for key in __import__("touyan.training.access", fromlist=["ROUTES"]).ROUTES
    if key.startswith(("GET /api/", "POST /api/", "PUT /api/"))
}

OUTSIDE = {
    "county_a_admin": [COUNTY_B, TOWNSHIP_B1, VILLAGE_B1, PREFECTURE, "530000000000"],
    "township_a1": [TOWNSHIP_A2, COUNTY_A, TOWNSHIP_B1, VILLAGE_B1],
    "township_b1": [TOWNSHIP_A1, VILLAGE_A1, COUNTY_A, COUNTY_B],
    "anonymous": [VILLAGE_A1, TOWNSHIP_B1],
}
PERSONA_PREFIX = {"county_a_admin": "522301", "township_a1": "522301001", "township_b1": "522302001"}
INSIDE = {"county_a_admin": TOWNSHIP_A1, "township_a1": VILLAGE_A1, "township_b1": VILLAGE_B1}


@pytest.fixture
def targets(make_cadre) -> Callable[[str, str], dict[str, str]]:
    """target(code, persona) → the region, a village under it outside the persona's
    own region, a cadre there and that cadre's post (as far as they exist)."""
    from touyan.cadres.models import Post

    ids = iter(range(500, 999))
    villages = [code for code, _n, level, _p in TREE if level == "village"]
    cadres = {v: make_cadre(village=v) for v in villages}
    runs = {
        code: PayRun.objects.create(region_id=code, month=dt.date(2026, 1, 1)).pk
        for code, _n, level, _p in TREE
        if level == "township"
    }
    for person in cadres.values():
        QuarterlyEvaluation.objects.create(
            person=person, village_id=person.village_id, year=2026, quarter=1, score=90, grade="excellent"
        )
        AnnualAssessment.objects.create(
            person=person,
            village_id=person.village_id,
            year=2025,
            work_score=80,
            demo_score=80,
            satisfaction=1,
            total=80,
            grade="competent",
        )
        LeaveRequest.objects.create(
            person=person,
            village_id=person.village_id,
            start_date=dt.date(2026, 12, 7),
            end_date=dt.date(2026, 12, 7),
            days=1,
            reason="事假",
            route=["secretary"],
            next_level="secretary",
        )
    payroll_objects = {  # village → (payslip, reward, departure allowance) ids
        v: (
            Payslip.objects.create(run_id=runs[v[:9].ljust(12, "0")], person=p, village_id=v, total=0).pk,
            CollectiveReward.objects.create(village_id=v, year=2024, income=2, previous_income=1, pool=0).pk,
            DepartureAllowance.objects.create(person=p, village_id=v, strategy="pct_of_current_base").pk,
        )
        for v, p in cadres.items()
    }
    levels = {code: level for code, _n, level, _p in TREE}

    def target(code: str, persona: str) -> dict[str, str]:
        prefix = code[: {"province": 2, "prefecture": 4, "county": 6, "township": 9, "village": 12}[levels[code]]]
        own = PERSONA_PREFIX.get(persona)
        under = [v for v in villages if v.startswith(prefix) and not (own and v.startswith(own))]
        entry = {"code": code, "new_id": make_id("522301", "19900101", next(ids))}
        if under:
            person = cadres[under[0]]
            post = Post.objects.filter(person=person).values_list("pk", flat=True).first()
            leave = LeaveRequest.objects.filter(person=person).values_list("pk", flat=True).first()
            entry |= {
                "payslip": str(payroll_objects[under[0]][0]),
                "reward": str(payroll_objects[under[0]][1]),
                "departure": str(payroll_objects[under[0]][2]),
            }
            entry |= {
                "run": str(runs[under[0][:9].ljust(12, "0")]),
                "evaluation": str(QuarterlyEvaluation.objects.get(person=person).pk),
                "annual": str(AnnualAssessment.objects.get(person=person).pk),
            }
            entry |= {
                "village": under[0],
                "township": under[0][:9],
                "cadre": str(person.pk),
                "post": str(post),
                "leave": str(leave),
            }
        return entry

    return target


def _fill(value: Any, entry: dict[str, str]) -> Any:
    if isinstance(value, str):
        for key, v in entry.items():
            value = value.replace("{" + key + "}", v)
        return value
    if isinstance(value, dict):
        return {k: _fill(v, entry) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, entry) for v in value]
    return value


def _applies(call: Call, entry: dict[str, str]) -> bool:
    text = json.dumps(call.body or {}) + call.url
    keys: tuple[str, ...] = ("village", "cadre", "post", "leave", "township", "evaluation", "annual", "run")
    keys += ("payslip", "reward", "departure")
    return all(key in entry for key in keys if "{" + key + "}" in text)


def _send(client: Client, call: Call, entry: dict[str, str]) -> Any:
    url = _fill(call.url, entry)
    body = _fill(call.body, entry) if call.body else None
    if call.api:
        return getattr(client, call.method)(
            url, data=json.dumps(body) if body else None, content_type="application/json"
        )
    return getattr(client, call.method)(url, data=body) if body else getattr(client, call.method)(url)


def _counts() -> tuple[int, ...]:
    from touyan.cadres.models import Person, Post

    return (
        User.objects.count(),
        RegionStat.objects.count(),
        PolicyDocument.objects.count(),
        Person.objects.count(),
        Post.objects.count(),
        Presence.objects.count(),
        VillageFence.objects.count(),
        LeaveRequest.objects.filter(status="submitted").count(),
        QuarterlyEvaluation.objects.filter(status="final").count() + QuarterlyEvaluation.objects.count(),
        AnnualAssessment.objects.filter(status="final").count(),
        PayRun.objects.exclude(state="open").count(),
        PayRun.objects.count(),
        Adjustment.objects.count(),
        BankAccount.objects.count(),
        Insurance.objects.count(),
        CollectiveReward.objects.exclude(state="proposed").count() + CollectiveReward.objects.count(),
        DepartureAllowance.objects.exclude(state="applied").count() + DepartureAllowance.objects.count(),
        AuditEvent.objects.exclude(action__startswith="auth.").exclude(result="denied").count(),
    )


def _client_for(
    persona: str, personas: dict[str, User], api_client: Callable[..., Client], login: Callable[..., Client], api: bool
) -> Client:
    if persona == "anonymous":
        return Client()
    return api_client(personas[persona]) if api else login(personas[persona])


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(OUTSIDE))
@pytest.mark.parametrize("call", CALLS, ids=lambda c: f"{c.method} {c.url}")
def test_denied_outside_region(persona: str, call: Call, personas, api_client, login, targets) -> None:
    client = _client_for(persona, personas, api_client, login, call.api)
    before = _counts()
    tried = 0
    for code in OUTSIDE[persona]:
        entry = targets(code, persona)
        if not _applies(call, entry):
            continue
        tried += 1
        r = _send(client, call, entry)
        expected = ({401} if call.api else {302}) if persona == "anonymous" else {403, 404}
        if r.status_code == 200 and not call.api and call.method == "post" and persona != "anonymous":
            # A web form may refuse an outside region as a field error (nothing is written: see below).
            assert b"invalid-feedback" in r.content, (persona, code)
            continue
        assert r.status_code in expected, (persona, code, r.status_code, r.content[:300])
        if persona == "anonymous" and not call.api:
            assert r["Location"].startswith("/login/")
    assert tried > 0
    assert _counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(INSIDE))
@pytest.mark.parametrize("call", CALLS, ids=lambda c: f"{c.method} {c.url}")
def test_allowed_inside_region(persona: str, call: Call, personas, api_client, login, targets) -> None:
    """The positive control: inside its region the persona gets through (or is refused by role, not scope)."""
    client = _client_for(persona, personas, api_client, login, call.api)
    r = _send(client, call, targets(INSIDE[persona], "anonymous"))
    if call.admin_only and persona != "county_a_admin":
        assert r.status_code == 403, r.content[:300]
    else:
        assert r.status_code in call.inside, (r.status_code, r.content[:500])


@pytest.mark.django_db
def test_lists_show_only_the_region(personas, api_client, login) -> None:
    r = api_client(personas["county_a_admin"]).get("/api/v1/users?page_size=200")
    assert r.status_code == 200
    names = {u["username"] for u in r.json()["items"]}
    assert names == {"county_a", "town_a1"}
    assert r.json()["total"] == 2
    page = login(personas["county_a_admin"]).get("/accounts/users/")
    assert b"town_a1" in page.content and b"town_b1" not in page.content and b"pref_admin" not in page.content
    # Township officers have no user list at all; auditors read only their region's events.
    assert api_client(personas["township_a1"]).get("/api/v1/users").status_code == 403
    assert login(personas["township_a1"]).get("/accounts/users/").status_code == 403
    assert login(personas["township_a1"]).get("/audit/").status_code == 403
    assert Client().get("/audit/").status_code == 302


def _routes() -> set[str]:
    found: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                route = prefix + str(p.pattern)
                if route in {"sysadmin/", "api/v1/", "i18n/"}:
                    found.add(route)
                    continue
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                found.add(prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "")
    return found


def test_every_route_has_a_scope_row() -> None:
    covered = {c.name for c in CALLS} | UNSCOPED
    missing = _routes() - covered
    assert not missing, f"add these pages to CALLS or UNSCOPED: {sorted(missing)}"


def test_every_api_operation_has_a_scope_row() -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    covered = {c.name for c in CALLS} | UNSCOPED
    missing = {p for p in paths if p not in covered}
    assert not missing, f"add these endpoints to CALLS or UNSCOPED: {sorted(missing)}"
