"""The cockpit and alerts centre pages: drill-down, tables under the charts, XLSX exports, roles,
the access table, and a constant number of queries per level."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conftest import COUNTY_A, COUNTY_B, PREFECTURE, TOWNSHIP_A1
from touyan.accounts.access import table
from touyan.cadres.services import PersonIn, cadre_create
from touyan.dashboards import urls
from touyan.dashboards.tests.test_structure import V1, V2, fourth_full_time_in_v2, full, id_number
from touyan.dashboards.tests.test_structure import county as county  # the scenario fixture
from touyan.regions.models import Region

pytestmark = pytest.mark.django_db
OWN_ROUTES = ("cockpit_current", "cockpit", "cockpit_export", "alerts_current", "alerts", "alerts_export")


def test_every_new_route_has_an_access_row() -> None:
    names = {p.name for p in urls.urlpatterns}
    assert set(OWN_ROUTES) <= names
    rows = table()
    for name in OWN_ROUTES:
        assert name in rows and not rows[name].allows("auditor") and not rows[name].allows("cadre")
    assert "GET /api/v1/dashboards/{code}" in rows and "GET /api/v1/alerts" in rows


def test_cockpit_drills_down_from_prefecture_to_village(county: dict[str, Any], login: Any) -> None:
    client = login(county["prefecture_admin"])
    page = client.get(reverse("cockpit", args=[PREFECTURE]) + "?on=2026-03-01")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-chart="children"' in html and "兴义市" in html
    found = re.search(r'id="structure-data"[^>]*>(.*?)</script>', html, re.S)
    assert found is not None
    data = json.loads(found.group(1))
    assert data["children"]["categories"] == ["兴义市", "兴仁市"]
    assert data["children"]["values"] == [8, 1]  # county A's eight cadres, county B's one
    for code in (COUNTY_A, TOWNSHIP_A1, V1):
        link = reverse("cockpit", args=[code]) + "?on=2026-03-01"
        assert link in html
        page = client.get(link)
        assert page.status_code == 200
        html = page.content.decode()
    assert "两委干部" in html and 'id="children"' not in html  # a village: no children


def test_cockpit_tables_show_the_api_numbers(county: dict[str, Any], login: Any) -> None:
    html = login(county["county_a_admin"]).get(reverse("cockpit", args=[COUNTY_A]) + "?on=2026-03-01").content.decode()
    assert "45.9" in html and "37.5%" in html and "50.0%" in html  # average age, women, one-shoulder
    assert 'id="pay-standard"' in html and "42000.00" in html


def test_roles_and_scope(county: dict[str, Any], login: Any) -> None:
    assert login(county["auditor"]).get(reverse("cockpit", args=[PREFECTURE])).status_code == 403
    assert login(county["auditor"]).get(reverse("alerts", args=[PREFECTURE])).status_code == 403
    assert login(county["county_b_admin"]).get(reverse("cockpit", args=[COUNTY_A])).status_code == 404
    assert login(county["township_a1"]).get(reverse("alerts", args=[COUNTY_A])).status_code == 404
    r = login(county["township_a1"]).get(reverse("cockpit_current"))
    assert r.status_code == 302 and r["Location"] == reverse("cockpit", args=[TOWNSHIP_A1])


def test_cockpit_export(county: dict[str, Any], login: Any) -> None:
    r = login(county["county_a_admin"]).get(reverse("cockpit_export", args=[COUNTY_A]) + "?on=2026-03-01")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(r.content))
    assert {"概况", "cadres", "villages", "下级区域"} <= set(book.sheetnames)
    cadres = {row[0].value: row[1].value for row in book["cadres"].iter_rows(min_row=2)}
    assert cadres["total"] == 8 and cadres["women_share"] == 0.375
    children = list(book["下级区域"].iter_rows(min_row=2, values_only=True))
    assert [c[0] for c in children] == ["522301001000", "522301002000"]


def test_alerts_page_and_export(county: dict[str, Any], login: Any) -> None:
    fourth_full_time_in_v2(county["county_a_admin"])
    client = login(county["county_a_admin"])
    html = client.get(reverse("alerts", args=[COUNTY_A]) + "?on=2026-03-10&kind=quota_exceeded").content.decode()
    assert "栗坪村 专职干部 4 人,超过核定 3 人" in html and "专职干部超职数" in html
    r = client.get(reverse("alerts_export", args=[COUNTY_A]) + "?on=2026-03-10")
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert ("专职干部超职数", "R-POS-01", V2) in [tuple(row[:3]) for row in rows]
    assert login(county["county_b_admin"]).get(reverse("alerts", args=[COUNTY_B])).status_code == 200


def test_page_queries_do_not_grow_with_villages(county: dict[str, Any], login: Any) -> None:
    client = login(county["national"])

    def count(code: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("cockpit", args=[code]) + "?on=2026-03-10").status_code == 200
        return len(ctx.captured_queries)

    before = {c: count(c) for c in (PREFECTURE, COUNTY_A, TOWNSHIP_A1)}
    for i in range(4, 8):
        code = f"522301001{i:03d}"
        Region.objects.create(code=code, name=f"新增村{i}", level="village", parent_id=TOWNSHIP_A1)
        cadre_create(
            actor=county["county_a_admin"],
            data=PersonIn(
                name=f"新增{i}", id_number=id_number("19900101", False), village=code, education="college",
                political_status="party_member", posts=[full("PS")],
            ),
        )  # fmt: skip
    assert {c: count(c) for c in (PREFECTURE, COUNTY_A, TOWNSHIP_A1)} == before


def test_warm_figures_serve_the_page_and_go_stale_on_a_write(county: dict[str, Any], login: Any, settings: Any) -> None:
    """docs/operations.md: with TOUYAN_DASHBOARD_CACHE_SECONDS the page reads the cached figures
    (scope still checked), a new post makes them stale; the API is always computed afresh."""
    from django.core.cache import cache
    from django.core.management import call_command

    settings.TOUYAN_DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    client = login(county["county_a_admin"])
    url = reverse("cockpit", args=[COUNTY_A])
    call_command("warm_cockpit", "--level", "county", "--prefix", "522301", stdout=io.StringIO())
    with CaptureQueriesContext(connection) as warm:
        page = client.get(url)
    assert page.status_code == 200 and "数据计算于" in page.content.decode()
    assert len(warm.captured_queries) < 15  # session, user, region, scope: no figure is computed
    assert login(county["county_b_admin"]).get(url).status_code == 404
    cadre_create(
        actor=county["county_a_admin"],
        data=PersonIn(
            name="新增", id_number=id_number("19900101", False), village=V1, education="college",
            political_status="party_member", posts=[full("VDD")],
        ),
    )  # fmt: skip
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url).status_code == 200
    assert len(cold.captured_queries) > len(warm.captured_queries)  # computed again
    cache.clear()


def test_national_overview_lists_the_provinces(county: dict[str, Any], login: Any) -> None:
    """Nation → province: a national administrator with no region chosen sees every province."""
    client = login(county["national"])
    assert reverse("cockpit_current") + "?all=1" in client.get(reverse("cockpit", args=[PREFECTURE])).content.decode()
    page = client.get(reverse("cockpit_current") + "?all=1&on=2026-03-01")
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("cockpit", args=["520000000000"]) in html and "云南省" in html
    assert "9" in html  # Guizhou's nine cadres: county A's eight and county B's one
    found = re.search(r'id="structure-data"[^>]*>(.*?)</script>', html, re.S)
    assert found is not None
    assert json.loads(found.group(1))["children"]["values"] == [9, 0]


def test_national_overview_served_warm(county: dict[str, Any], login: Any, settings: Any) -> None:
    """docs/operations.md: warm_cockpit also computes the national overview; the national page then
    reads it from the cache (no aggregate over the country's posts), and a write makes it stale."""
    from django.core.cache import cache
    from django.core.management import call_command
    from django.utils import timezone

    settings.TOUYAN_DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    client = login(county["national"])
    url = reverse("cockpit_current") + "?all=1&on=" + timezone.localdate().isoformat()
    out = io.StringIO()
    call_command("warm_cockpit", "--level", "province", stdout=out)
    assert "全国" in out.getvalue()
    with CaptureQueriesContext(connection) as warm:
        page = client.get(url)
    assert page.status_code == 200 and "数据计算于" in page.content.decode()
    assert not any("cadres_post" in q["sql"] for q in warm.captured_queries)
    cadre_create(
        actor=county["county_a_admin"],
        data=PersonIn(
            name="新增",
            id_number=id_number("19900101", False),
            village=V1,
            education="college",
            political_status="party_member",
            posts=[full("VDD")],
        ),
    )
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url).status_code == 200
    assert any("cadres_post" in q["sql"] for q in cold.captured_queries)
    cache.clear()


def test_workbench_counts_the_alerts(county: dict[str, Any], login: Any) -> None:
    """On each workbench (county and below): the alerts centre's line with its count."""
    page = login(county["township_a1"]).get("/").content.decode()
    assert "预警中心" in page and reverse("alerts", args=[TOWNSHIP_A1]) in page
