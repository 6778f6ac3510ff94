"""The demo's year in a browser, with the demo's own logins (issue 16): a pay run from open to paid
(township → county finance) and a leave through every level (secretary, liaison, township).

Headless Chromium (Debian's `chromium`), driven by Playwright; skipped, visibly, without it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-sync"]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
        connections.close_all()


@pytest.fixture
def demo(settings: Any) -> Any:
    from touyan.demo.loader import load_demo

    settings.TOUYAN_REQUIRE_2FA_ROLES = []
    return load_demo(say=lambda _m: None)


def _as(browser: Any, base: str, username: str) -> Any:
    from touyan.demo.loader import DEMO_PASSWORD

    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.on("dialog", lambda d: d.accept())  # every step asks "确定…?"
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(base) + r"/(\?.*)?$"))
    return page


def _next_monday(today: dt.date, weeks: int) -> dt.date:
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7) + dt.timedelta(weeks=weeks)


@pytest.mark.django_db(transaction=True)
def test_a_pay_run_from_open_to_paid_with_the_demo_logins(live_server, browser, demo) -> None:
    from touyan.accounts.models import User
    from touyan.payroll.models import PayRun
    from touyan.policy.services import policy_put

    usernames = [row[0] for row in demo.rows]
    assert "town_522301001" in usernames and "finance_522301" in usernames
    base = live_server.url
    township = "522301001000"
    today = timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    # The county sets no notice period, so the run need not wait days (pay_notice_days may be 0).
    policy_put(
        actor=User.objects.get(username="admin_522301"),
        region_code="522301000000",
        effective_from=today.replace(day=1),
        params={"pay_notice_days": 0},
        note="演示:公示期 0 天",
    )
    town = _as(browser, base, "town_522301001")
    town.goto(f"{base}/attendance/monthly/{township}/{last:%Y-%m}/")
    town.click("button:has-text('锁定本月')")
    town.wait_for_selector(".alert-success")
    town.goto(f"{base}/payroll/runs/")
    town.select_option("select[name=region]", township)
    town.fill("input[name=month]", f"{last:%Y-%m}")
    town.click("button:has-text('开设')")
    town.wait_for_url(re.compile(r"/payroll/runs/\d+/$"))
    run = PayRun.objects.get(region_id=township, month=last)
    town.click("button:has-text('计算工资')")
    town.wait_for_function("() => document.body.innerText.includes('开始村内公示')", timeout=60_000)
    run.refresh_from_db()
    assert run.state == PayRun.State.CALCULATED and run.payslip_count > 0
    town.goto(f"{base}/payroll/runs/{run.pk}/")
    town.click("button:has-text('开始村内公示')")
    town.wait_for_selector("button:has-text('乡镇审批通过')")
    town.click("button:has-text('乡镇审批通过')")
    town.wait_for_selector(".alert-success")
    run.refresh_from_db()
    assert run.state == PayRun.State.TOWNSHIP
    # County finance: approve, then pay out through 一卡通.
    finance = _as(browser, base, "finance_522301")
    finance.goto(f"{base}/payroll/runs/{run.pk}/")
    finance.click("button:has-text('县财政审批')")
    finance.wait_for_selector("button:has-text('发放')")
    finance.click("button:has-text('发放')")
    finance.wait_for_selector(".alert-success")
    run.refresh_from_db()
    assert run.state == PayRun.State.DISBURSED


@pytest.mark.django_db(transaction=True)
def test_a_leave_through_every_level_with_the_demo_logins(live_server, browser, demo) -> None:
    from touyan.attendance.models import LeaveRequest

    base = live_server.url
    today = timezone.localdate()

    def ask(username: str, start: dt.date, end: dt.date) -> LeaveRequest:
        page = _as(browser, base, username)
        page.goto(f"{base}/attendance/leave/new/")
        page.fill("input[name=start_date]", start.isoformat())
        page.fill("input[name=end_date]", end.isoformat())
        page.fill("textarea[name=reason]", "家中有事")
        page.click("form button[type=submit]:not(.btn-link)")
        page.wait_for_url(re.compile(r"/attendance/leave/\d+/$"))
        return LeaveRequest.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[-1]))

    def approve(username: str, leave: LeaveRequest) -> None:
        page = _as(browser, base, username)
        page.goto(f"{base}/attendance/leave/{leave.pk}/")
        page.click("button[value=approve]")
        page.wait_for_selector(".alert-success")

    # A committee member's five days: the secretary, then the township.
    monday = _next_monday(today, 1)
    member = ask("affairs_vm", monday, monday + dt.timedelta(days=4))
    assert member.route == ["secretary", "township"]
    approve("cadre_demo", member)  # the village's secretary
    member.refresh_from_db()
    assert member.status == LeaveRequest.Status.SUBMITTED and member.next_level == "township"
    approve("town_522301001", member)
    member.refresh_from_db()
    assert member.status == LeaveRequest.Status.APPROVED
    # The secretary's own two days: the liaison official, then the township.
    monday = _next_monday(today, 3)
    own = ask("cadre_demo", monday, monday + dt.timedelta(days=1))
    assert own.route == ["liaison", "township"]
    approve("liaison_522301001", own)
    own.refresh_from_db()
    assert own.next_level == "township"
    approve("town_522301001", own)
    own.refresh_from_db()
    assert own.status == LeaveRequest.Status.APPROVED
