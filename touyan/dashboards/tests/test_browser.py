"""Browser journeys in headless Chromium (Debian's `chromium`, driven by Playwright).

Skipped, visibly, when Chromium is not installed.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import PASSWORD
from touyan.policy.selectors import policy_resolve

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


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # test makes between browser steps are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


@pytest.mark.django_db(transaction=True)
def test_county_admin_on_a_phone_sees_the_county_and_edits_policy(live_server, browser, personas) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    _login(page, live_server.url, "county_a")
    body = page.inner_text("main")
    assert "兴义市" in body and "黄草街道" in body and "丰都街道" in body
    assert "兴仁市" not in body and "东湖街道" not in body
    # The side menu is behind the hamburger on a phone.
    page.click("button[data-bs-target='#sidebar']")
    page.click("#sidebar >> text=政策参数")
    page.wait_for_url(f"{live_server.url}/policy/522301000000/")
    page.fill("input[name=min_days_per_month]", "20")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('保存为新版本')")
    page.wait_for_selector(".alert-success")
    assert policy_resolve("522301001001")["min_days_per_month"] == 20
    row = page.locator("tr", has=page.locator("code", has_text="min_days_per_month"))
    assert "本级" in row.inner_text()


@pytest.mark.django_db(transaction=True)
def test_invalid_policy_value_shows_beside_the_field(live_server, browser, personas) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    _login(page, live_server.url, "county_a")
    page.goto(f"{live_server.url}/policy/522301000000/")
    page.fill("input[name=base_standard_one_shoulder]", "29000")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('保存为新版本')")
    page.wait_for_selector(".alert-danger")
    row = page.locator("tr", has=page.locator("code", has_text="base_standard_one_shoulder"))
    assert "低于下限" in row.inner_text()
    assert policy_resolve("522301000000")["base_standard_one_shoulder"] == 42000


@pytest.mark.django_db(transaction=True)
def test_switch_to_english(live_server, browser, personas) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    _login(page, live_server.url, "town_a1")
    page.click("nav.navbar .dropdown-toggle")
    page.click("button:has-text('English')")
    page.wait_for_load_state()
    assert "Workbench" in page.inner_text("body")


@pytest.mark.django_db(transaction=True)
def test_cadre_on_a_phone_signs_in_with_the_big_button(live_server, browser, cadre_user) -> None:
    """A4 web sign-in: a village cadre on a 390-px phone opens 签到 from the menu and taps once."""
    from touyan.attendance.models import Presence

    me = cadre_user(username="cadre_phone")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    _login(page, live_server.url, "cadre_phone")
    page.click("button[data-bs-target='#sidebar']")
    page.click("#sidebar >> a:has-text('签到')")
    page.wait_for_url(f"{live_server.url}/attendance/me/")
    button = page.locator("form button.att-big")
    box = button.bounding_box()
    assert box is not None and box["width"] >= 300 and box["height"] >= 60  # one big action per screen
    button.click()
    page.wait_for_selector(".att-done")
    assert "今日已签到" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    assert Presence.objects.filter(person_id=me.cadre_id).count() == 1
