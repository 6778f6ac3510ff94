"""The demo data behind `make demo`: real Qianxinan regions, logins, demo statistics."""

from __future__ import annotations

import pytest
from django.test import Client

from touyan.accounts.models import Role, User
from touyan.core.demo import DEMO_PASSWORD, load_demo
from touyan.regions.models import Region, RegionStat


@pytest.mark.django_db
def test_demo_loads_once_and_again_changes_nothing() -> None:
    logins = load_demo(say=lambda _msg: None)
    assert Region.objects.filter(level="county", code__startswith="5223").count() == 8
    assert Region.objects.filter(level="township", code__startswith="5223").count() == 140
    assert Region.objects.filter(level="village", code__startswith="5223").count() == 1294
    assert User.objects.filter(role=Role.TOWNSHIP_OFFICER).count() == 140
    assert User.objects.filter(role=Role.ADMIN, region__level="county").count() == 8
    assert ("admin_522301", "县组织部管理员", "兴义市") in logins.rows
    stats = RegionStat.objects.filter(year__in=[2024, 2025])
    assert stats.filter(is_demo=False).count() == 0
    assert stats.filter(region_id="522301000000").count() == 2
    counts = (User.objects.count(), RegionStat.objects.count(), Region.objects.count())
    load_demo(say=lambda _msg: None)
    assert (User.objects.count(), RegionStat.objects.count(), Region.objects.count()) == counts

    # A printed county admin sees their county, its townships and villages, nothing else.
    c = Client()
    r = c.post("/login/", {"username": "admin_522301", "password": DEMO_PASSWORD}, follow=True)
    page = r.content.decode()
    assert "兴义市" in page and "黄草街道" in page
    assert "兴仁市" not in page and "普安县" not in page
    r = c.get("/api/v1/regions/522302")
    assert r.status_code == 404
