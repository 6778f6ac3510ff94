"""The cockpit in headless Chromium: a prefecture admin drills from the prefecture to a village,
on a phone (390 px) and on a desktop (1440 px); every chart is drawn and nothing is wider than
the screen. Skipped, visibly, when Chromium is not installed."""

from __future__ import annotations

from typing import Any

import pytest

from touyan.dashboards.tests.test_browser import ARGS, CHROMIUM, _login, browser  # noqa: F401 - the fixture
from touyan.dashboards.tests.test_structure import county as county  # the scenario fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]


def _charts_drawn(page: Any) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every((el) => el.querySelector('canvas'))"
    )


@pytest.mark.parametrize("width", [390, 1440])
@pytest.mark.django_db(transaction=True)
def test_drill_down_from_prefecture_to_village(live_server: Any, browser: Any, county: Any, width: int) -> None:  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": 900})
    _login(page, live_server.url, "pref_admin")
    page.goto(live_server.url + "/stats/cockpit/522300000000/?on=2026-03-01")
    assert "黔西南布依族苗族自治州" in page.inner_text("h1")
    _charts_drawn(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for name in ("兴义市", "黄草街道", "坪东社区"):
        page.click(f"#children a.drill:text-is('{name}')")
        page.wait_for_selector(f"h1:has-text('{name}')")
        _charts_drawn(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("#children").count() == 0  # a village is the bottom
    assert "两委干部" in page.inner_text("#cockpit-cards")
    page.click("#alerts-link")
    page.wait_for_selector("h1:has-text('预警中心')")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
