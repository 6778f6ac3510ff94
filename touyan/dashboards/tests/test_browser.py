"""Browser journeys in headless Chromium (Debian's `chromium`, driven by Playwright).

Skipped, visibly, when Chromium is not installed.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections

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
        # While Playwright's event loop runs, the ORM keeps this thread's connections apart (asgiref's
        # Local sees a running loop); close them here, or one stays open and PostgreSQL cannot drop
        # the test database at the end of the run.
        connections.close_all()


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


# Counts navigator.geolocation.getCurrentPosition calls across page loads (sessionStorage).
COUNT_GEOLOCATION = """
(() => {
  const geo = navigator.geolocation;
  if (!geo) return;
  const original = geo.getCurrentPosition.bind(geo);
  geo.getCurrentPosition = (...args) => {
    sessionStorage.setItem("geo", String(Number(sessionStorage.getItem("geo") || 0) + 1));
    return original(...args);
  };
})();
"""


def _location_on_with_fence(personas: dict[str, Any]) -> None:
    import datetime as dt
    from decimal import Decimal

    from touyan.attendance.services import fence_set
    from touyan.policy.services import policy_put

    policy_put(actor=personas["county_a_admin"], region_code="522301000000", effective_from=dt.date(2026, 1, 1),
               params={"location_check": True})  # fmt: skip
    fence_set(actor=personas["township_a1"], village_code="522301001001", latitude=Decimal("25.0918"),
              longitude=Decimal("104.8954"), radius_m=500)  # fmt: skip


def _sign_in(browser: Any, base: str, username: str, **context: Any) -> tuple[Any, str]:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, **context)
    page = ctx.new_page()
    page.add_init_script(COUNT_GEOLOCATION)
    _login(page, base, username)
    page.goto(base + "/attendance/me/")
    page.click("form button.att-big")
    page.wait_for_selector(".att-done", timeout=15000)
    return page, page.inner_text("main")


@pytest.mark.django_db(transaction=True)
def test_cadre_signs_in_with_the_position_checked_against_the_fence(live_server, browser, personas, cadre_user) -> None:
    """A4: location on and a fence: pressing 签到 asks the browser once, sends the position, and the
    done card says 村内 (the record keeps only inside/outside and the distance)."""
    from touyan.attendance.models import Presence

    _location_on_with_fence(personas)
    me = cadre_user(username="cadre_here")
    page, text = _sign_in(
        browser, live_server.url, "cadre_here",
        geolocation={"latitude": 25.0963, "longitude": 104.8954, "accuracy": 20}, permissions=["geolocation"],
    )  # fmt: skip
    assert "今日已签到" in text and "村内" in text
    assert page.evaluate("sessionStorage.getItem('geo')") == "1"
    record = Presence.objects.get(person_id=me.cadre_id)
    assert (record.inside_fence, record.distance_m) == (True, 500)


@pytest.mark.django_db(transaction=True)
def test_refused_location_still_signs_in(live_server, browser, personas, cadre_user) -> None:
    """R-ATT-04: location is a check, not a gate: the browser refuses, the sign-in goes through."""
    from touyan.attendance.models import Presence

    _location_on_with_fence(personas)
    me = cadre_user(username="cadre_refuses")
    page, text = _sign_in(browser, live_server.url, "cadre_refuses", permissions=[])
    assert "今日已签到" in text and "本次签到未核对位置" in text
    assert page.evaluate("sessionStorage.getItem('geo')") == "1"
    assert Presence.objects.get(person_id=me.cadre_id).inside_fence is None


# A permission prompt nobody answers: the position never arrives, neither success nor error.
SILENT_GEOLOCATION = """
(() => {
  if (navigator.geolocation) navigator.geolocation.getCurrentPosition = () => {};
})();
"""


@pytest.mark.django_db(transaction=True)
def test_unanswered_location_prompt_signs_in_after_ten_seconds(live_server, browser, personas, cadre_user) -> None:
    """R-ATT-04: location is a check, not a gate: when the browser never answers (a prompt left
    open), the sign-in goes through without a position after 10 s."""
    import time

    from touyan.attendance.models import Presence

    _location_on_with_fence(personas)
    me = cadre_user(username="cadre_waits")
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    page.add_init_script(SILENT_GEOLOCATION)
    _login(page, live_server.url, "cadre_waits")
    page.goto(live_server.url + "/attendance/me/")
    started = time.monotonic()
    page.click("form button.att-big")
    page.wait_for_selector(".att-done", timeout=20000)
    waited = time.monotonic() - started
    assert 9.5 <= waited < 20, waited
    text = page.inner_text("main")
    assert "今日已签到" in text and "本次签到未核对位置" in text
    assert Presence.objects.get(person_id=me.cadre_id).inside_fence is None
    ctx.close()


@pytest.mark.django_db(transaction=True)
def test_no_geolocation_call_where_location_is_off(live_server, browser, personas, cadre_user) -> None:
    cadre_user(username="cadre_plain")
    page, text = _sign_in(
        browser, live_server.url, "cadre_plain",
        geolocation={"latitude": 25.0963, "longitude": 104.8954}, permissions=["geolocation"],
    )  # fmt: skip
    assert "今日已签到" in text and "村内" not in text
    assert page.evaluate("sessionStorage.getItem('geo')") is None
