"""Browser journey of training (R-TRN-01): the township officer creates an event, the cadre sees it
on a phone (390 px), the officer takes the roll call on a phone, and the compliance board's shortfall
goes away. Skipped, visibly, when Chromium is not installed. With TOUYAN_SHOTS=DIR the pages are
saved as PNGs there (390 and 1440 px)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from conftest import PASSWORD, TOWNSHIP_A1

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 900}


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
        connections.close_all()


def _login(browser: Any, base: str, username: str, viewport: dict[str, int]) -> Any:
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/login/" not in page.url
    return page


def _shot(page: Any, name: str) -> None:
    where = os.environ.get("TOUYAN_SHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(where) / f"{name}-{page.viewport_size['width']}.png"), full_page=True)


def _fits(page: Any) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.django_db(transaction=True)
def test_event_roll_call_and_the_shortfall_going_away(live_server, browser, personas, cadre_user) -> None:
    base = live_server.url
    cadre = cadre_user(posts=("PCM",), name="王委员", username="wang_pcm")
    desk = _login(browser, base, "town_a1", DESK)
    desk.goto(f"{base}/training/compliance/?region={TOWNSHIP_A1}&year=2026")
    assert "王委员" in desk.inner_text("main") and "不足 56 学时" in desk.inner_text("main")
    _shot(desk, "compliance-before")
    desk.goto(f"{base}/training/events/new/")
    desk.fill("input[name=title]", "乡镇村干部集中培训")
    desk.select_option("select[name=level]", "township")
    desk.select_option("select[name=kind]", "central")
    desk.fill("input[name=start_date]", "2026-12-01")
    desk.fill("input[name=end_date]", "2026-12-07")
    desk.fill("input[name=days]", "7")
    _shot(desk, "event-new")
    desk.click("main form.card button")
    desk.wait_for_url("**/training/events/*/")
    event_url = desk.url
    assert "乡镇村干部集中培训" in desk.inner_text("main")

    phone = _login(browser, base, "wang_pcm", PHONE)
    phone.goto(f"{base}/training/?year=2026")
    assert "乡镇村干部集中培训" in phone.inner_text("main")
    _fits(phone)
    _shot(phone, "calendar-cadre")

    officer_phone = _login(browser, base, "town_a1", PHONE)
    officer_phone.goto(event_url)
    officer_phone.check(f"input[name=cadre][value='{cadre.cadre_id}']")
    _fits(officer_phone)
    _shot(officer_phone, "roll-call")
    officer_phone.click("form[action$='/roll-call/'] button")
    officer_phone.wait_for_load_state()
    assert "已登记 1 人参训" in officer_phone.inner_text("main")

    phone.goto(f"{base}/training/me/?year=2026")
    assert "56" in phone.inner_text("main")
    _fits(phone)
    _shot(phone, "me")
    desk.goto(f"{base}/training/compliance/?region={TOWNSHIP_A1}&year=2026")
    assert "王委员" not in desk.inner_text("main")
    _shot(desk, "compliance-after")
