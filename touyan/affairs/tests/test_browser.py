"""Browser journey of the public page: a villager's phone (390 px) scans the village's QR code and
opens the page it holds, with no login. Skipped, visibly, when Chromium is not installed."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections

from touyan.affairs import services

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

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_phone_opens_the_page_its_qr_code_holds(live_server, browser, village) -> None:
    import zxingcpp
    from PIL import Image

    item = services.item_create(
        actor=village["clerk"],
        village_code=village["code"],
        item="F01",
        period="2026-Q1",
        title="一季度财务收支明细",
        body="收入 12,000.00 元,支出 8,600.00 元",
    )
    services.item_review(actor=village["director"], item_id=item.pk)
    services.item_publish(actor=village["secretary"], item_id=item.pk)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    png = page.request.get(f"{live_server.url}/public/villages/{village['code']}/qr.png").body()
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert code.text == f"{live_server.url}/public/villages/{village['code']}/"
    page.goto(code.text)
    assert page.url == code.text  # no login page on the way
    body = page.inner_text("body")
    assert "坪东社区" in body and "一季度财务收支明细" in body and "群众意见" in body
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("textarea[name=text]", "支出明细能否附上凭证照片?")
    page.click("form[action$='/objection/'] button")
    page.wait_for_selector(".ok")
    assert "将在" in page.inner_text(".ok")
