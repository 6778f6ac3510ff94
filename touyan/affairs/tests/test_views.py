"""Pages of village affairs: every page renders for the roles that use it, outsiders get 404,
the public page needs no login, holds what was published only, no ID or phone, ≤ 100 KB, no script."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from touyan.accounts.access import table
from touyan.affairs import services
from touyan.affairs.models import Decision, DisclosureItem, SupervisionRecord
from touyan.affairs.services import StepIn
from touyan.regions.models import RegionStat

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _published(
    village: dict[str, Any],
    code: str = "F01",
    period: str = "2026-Q1",
    title: str = "财务收支",
    body: str = "收入 1000 元",
) -> DisclosureItem:
    item = services.item_create(
        actor=village["clerk"], village_code=village["code"], item=code, period=period, title=title, body=body
    )
    services.item_review(actor=village["director"], item_id=item.pk)
    return services.item_publish(actor=village["secretary"], item_id=item.pk)


def _decision(village: dict[str, Any]) -> Decision:
    d = services.decision_create(
        actor=village["secretary"], village_code=village["code"], title="修建水渠", category="project", amount=None
    )
    services.decision_step(
        actor=village["secretary"], decision_id=d.pk, data=StepIn(step=1, date=TODAY, due=5, present=5, yes=5)
    )
    return d


def test_every_route_has_a_row() -> None:
    """Every page and API route of the app is in the access table (accounts.access)."""
    from touyan.affairs import urls, urls_public
    from touyan.api.api import api

    rows = table()

    names = [f"affairs:{p.name}" for p in urls.urlpatterns] + [f"public:{p.name}" for p in urls_public.urlpatterns]
    assert [n for n in names if n not in rows] == []
    schema = api.get_openapi_schema()
    ops = [
        f"{m.upper()} {path}"
        for path, item in schema["paths"].items()
        if path.startswith(("/api/v1/affairs", "/api/v1/public"))
        for m in item
    ]
    assert ops and [o for o in ops if o not in rows] == []


@pytest.mark.parametrize("who", ["township", "county", "secretary", "director", "clerk", "liaison"])
def test_pages_render_for_each_role(login, village, who) -> None:
    d = _decision(village)
    item = _published(village)
    spend = services.expenditure_create(
        actor=village["clerk"], village_code=village["code"], amount=Decimal(3000), purpose="办公用品", payee="文具店"
    )
    c = login(village[who])
    pages = [
        "affairs:home",
        "affairs:decisions",
        "affairs:spending",
        "affairs:items",
        "affairs:objections",
        "affairs:powers",
        "affairs:public_links",
    ]
    for name in pages:
        r = c.get(reverse(name))
        assert r.status_code == 200, (who, name, r.status_code)
    for url in (
        reverse("affairs:decision", args=[d.pk]),
        reverse("affairs:spend", args=[spend.pk]),
        reverse("affairs:item", args=[item.pk]),
    ):
        assert c.get(url).status_code == 200, (who, url)
    if who in ("township", "county"):
        for name in (
            "affairs:collective",
            "affairs:supervision",
            "affairs:pay_notice",
            "affairs:decision_new",
            "affairs:spend_new",
            "affairs:item_new",
        ):
            if who == "county" and name in ("affairs:decision_new",):
                continue
            assert c.get(reverse(name)).status_code == 200, (who, name)


def test_outsider_gets_404(login, village) -> None:
    d = _decision(village)
    c = login(village["outsider"])
    assert c.get(reverse("affairs:decision", args=[d.pk])).status_code == 404
    assert c.get(reverse("affairs:decisions")).content.decode().count(d.title) == 0


def test_step_form_refuses_a_short_quorum_beside_the_field(login, village) -> None:
    d = _decision(village)
    services.decision_step(
        actor=village["secretary"], decision_id=d.pk, data=StepIn(step=2, date=TODAY, due=5, present=5, yes=5)
    )
    c = login(village["secretary"])
    r = c.post(
        reverse("affairs:decision_step", args=[d.pk]),
        {"step": 3, "date": TODAY.isoformat(), "due": 30, "present": 19, "yes": 19, "no": 0, "sc_signed": "on"},
    )
    assert r.status_code == 200 and "三分之二" in r.content.decode()
    assert Decision.objects.get(pk=d.pk).state == "consulted"
    r = c.post(
        reverse("affairs:decision_step", args=[d.pk]),
        {"step": 3, "date": TODAY.isoformat(), "due": 30, "present": 20, "yes": 16, "no": 4, "sc_signed": "on"},
    )
    assert r.status_code == 302 and Decision.objects.get(pk=d.pk).state == "deliberated"


ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)|(?<!\d)\d{15}(?!\d)")
PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def test_public_page_shows_published_only_without_personal_numbers(village) -> None:
    """R-OPEN-03 / R-DATA-05: no login; published items only; the board by name and post; no ID
    or phone anywhere in the HTML (the clerk's file has both); no script; ≤ 100 KB."""
    _published(village, title="一季度财务收支", body="联系人 13912345678")
    services.item_create(
        actor=village["clerk"], village_code=village["code"], item="F02", period="2026", title="草稿不应出现", body="x"
    )
    r = Client().get(f"/public/villages/{village['code']}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "一季度财务收支" in html and "草稿不应出现" not in html
    assert "李书记" in html and "党组织书记" in html and "张委员" in html
    assert not ID_RE.search(html) and not PHONE_RE.search(html)
    assert "<script" not in html and "/login/" not in html
    assert len(r.content) <= 100 * 1024


def test_public_page_search_years_and_attachments(village) -> None:
    """Past periods kept (a year list), search (traditional input matches), attachments of published items."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    old = services.item_create(
        actor=village["clerk"],
        village_code=village["code"],
        item="V09",
        period="2022-Q2",
        title="宅基地审批结果",
        body="审批 3 户",
    )
    services.attachment_add(actor=village["clerk"], owner=old, upload=SimpleUploadedFile("批复.pdf", b"%PDF-1.4"))
    services.item_review(actor=village["director"], item_id=old.pk)
    services.item_publish(actor=village["secretary"], item_id=old.pk)
    _published(village, period="2026-Q1", title="财务收支")
    anon = Client()
    html = anon.get(f"/public/villages/{village['code']}/").content.decode()
    assert "2022年" in html and "2026年" in html and "宅基地审批结果" not in html  # newest year shown
    html = anon.get(f"/public/villages/{village['code']}/?y=2022").content.decode()
    assert "宅基地审批结果" in html and "批复.pdf" in html
    html = anon.get(f"/public/villages/{village['code']}/?q=宅基地審批").content.decode()
    assert "宅基地审批结果" in html
    f = old.files.get()
    assert anon.get(f"/public/files/{f.pk}/").status_code == 200
    draft = services.item_create(
        actor=village["clerk"], village_code=village["code"], item="V09", period="2026-Q1", title="未公开", body=""
    )
    g = services.attachment_add(actor=village["clerk"], owner=draft, upload=SimpleUploadedFile("a.pdf", b"%PDF"))
    assert anon.get(f"/public/files/{g.pk}/").status_code == 404


def test_qr_code_holds_the_page_address(village) -> None:
    """The QR (PNG, made locally) decodes to the public page's absolute address."""
    import zxingcpp
    from PIL import Image

    r = Client().get(f"/public/villages/{village['code']}/qr.png")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    decoded = [b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(r.content)))]
    assert decoded == [f"http://testserver/public/villages/{village['code']}/"]
    poster = Client().get(f"/public/villages/{village['code']}/poster/").content.decode()
    assert "qr.png" in poster and "坪东社区" in poster


def test_public_objection_form_without_login(village) -> None:
    r = Client().post(f"/public/villages/{village['code']}/objection/", {"text": "公示的金额有疑问"})
    assert r.status_code == 302 and "sent=" in r["Location"]
    assert (TODAY + dt.timedelta(days=10)).isoformat() in r["Location"]


def test_powers_page_draws_each_flow(village) -> None:
    """R-DEC-04: the micro-power list with each power's steps drawn (server-side SVG), no login."""
    html = Client().get(f"/public/villages/{village['code']}/powers/").content.decode()
    assert html.count("<svg") == 22 and "宅基地申请审批" in html and "<script" not in html


def test_collective_income_form_and_import(login, village) -> None:
    """R-PAY-08/12: the township enters each village's income (RegionStat.collective_income, read by
    pay's weak-village list); an import with one bad row writes nothing and says which row."""
    from openpyxl import Workbook

    c = login(village["township"])
    r = c.post(f"{reverse('affairs:collective')}?year=2025", {"income_522301001001": "8000", "income_522301001002": ""})
    assert r.status_code == 302
    assert RegionStat.objects.get(region_id="522301001001", year=2025).collective_income == 8000
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.append(["code", "name", "income"])
    ws.append(["522301001001", "坪东社区", 12000])
    ws.append(["522302001001", "东湖社区", 5000])  # another county
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "x.xlsx"
    r = c.post(f"{reverse('affairs:collective')}?year=2025", {"mode": "import", "year": 2025, "file": buf})
    assert r.status_code == 200 and "不是本辖区" in r.content.decode()
    assert RegionStat.objects.get(region_id="522301001001", year=2025).collective_income == 8000
    weak = c.get(reverse("payroll:weak", args=["522301001000", 2025])).content.decode()
    assert "坪东社区" in weak


def test_supervision_record_on_the_cadre_file_visible_to_the_county(login, village) -> None:
    """S1 约谈 on the cadre's file: the township records it, the county sees it, another county does not."""
    person_id = village["clerk"].cadre_id
    c = login(village["township"])
    r = c.post(
        reverse("affairs:cadre_supervision", args=[person_id]),
        {"kind": "admonition", "date": TODAY.isoformat(), "subject": "集体经济薄弱", "findings": "收入下滑"},
    )
    assert r.status_code == 302
    assert SupervisionRecord.objects.get().level == "township"
    assert (
        "集体经济薄弱"
        in login(village["county"]).get(reverse("affairs:cadre_supervision", args=[person_id])).content.decode()
    )
    assert login(village["outsider"]).get(reverse("affairs:cadre_supervision", args=[person_id])).status_code == 404
    detail = c.get(reverse("cadres:detail", args=[person_id])).content.decode()
    assert reverse("affairs:cadre_supervision", args=[person_id]) in detail


def test_public_page_is_cached_until_the_next_change(village, django_assert_max_num_queries) -> None:
    """The page renders once per change: a second visit reads no item; a publication shows at once."""
    _published(village, title="第一条")
    anon = Client()
    assert "第一条" in anon.get(f"/public/villages/{village['code']}/").content.decode()
    with django_assert_max_num_queries(1):  # the village only
        assert "第一条" in anon.get(f"/public/villages/{village['code']}/").content.decode()
    _published(village, code="F02", period="2026", title="第二条")
    html = anon.get(f"/public/villages/{village['code']}/").content.decode()
    assert "第一条" in html and "第二条" in html
    assert "csrftoken" not in anon.get(f"/public/villages/{village['code']}/?y=2026").cookies


def test_english_ui_names_the_catalogue_items_and_the_pages_in_english(login, village) -> None:
    """The affairs catalogue is complete in English, and the disclosure catalogue's item names are shown in
    English where the English UI lists them (the items to draft); a published item keeps its own text."""
    _published(village, code="P01", title="2026年党组织设置")
    try:
        c = login(village["township"])
        c.cookies["django_language"] = "en"
        page = c.get(reverse("affairs:item_new")).content.decode()
        assert "P01 Party organization and duties of its committee members" in page
        assert "F01 Village income and spending in detail" in page
        assert "党组织设置及班子成员分工" not in page
        home = c.get(reverse("affairs:home")).content.decode()
        assert "Major-matter decisions · joint sign-off · public disclosure" in home
        items = c.get(reverse("affairs:items")).content.decode()
        assert "2026年党组织设置" in items  # what was written stays as written
        powers = c.get(reverse("affairs:powers")).content.decode()
        assert "M01 Village decisions on major matters" in powers
    finally:
        translation.activate(settings.LANGUAGE_CODE)  # the English requests leave English active in this thread


@pytest.mark.parametrize("name", ["affairs:decisions", "affairs:spending", "affairs:items", "affairs:objections"])
def test_village_filter_narrows_and_refuses_outside_or_malformed(login, village, name) -> None:
    """?village= narrows the list (regions.selectors.narrow_to_region): another township's village
    is a 404, a malformed code a 400."""
    c = login(village["township"])
    url = reverse(name)
    assert c.get(f"{url}?village={village['code']}").status_code == 200
    assert c.get(f"{url}?village=522302001001").status_code == 404
    assert c.get(f"{url}?village=abc").status_code == 400
