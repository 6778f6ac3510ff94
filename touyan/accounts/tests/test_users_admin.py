"""The users page (issue 16): the region picked from the tree, edit, disable and enable, each
audited; another region's user is a 404; nobody disables themself."""

from __future__ import annotations

import pytest

from conftest import TOWNSHIP_A1, TOWNSHIP_A2
from touyan.accounts.models import User
from touyan.accounts.regionpick import region_choices
from touyan.audit.models import AuditEvent


@pytest.mark.django_db
def test_region_is_picked_from_the_tree(personas, login) -> None:
    """A county admin picks among the county, its townships and their villages (no typed code)."""
    options = region_choices(personas["county_a_admin"])
    codes = [c for c, _label in options if isinstance(_label, str)]
    assert "522301000000" in codes and TOWNSHIP_A1 in codes and TOWNSHIP_A2 in codes
    groups = [label for _c, label in options if isinstance(label, list)]
    assert any(code == "522301001001" for group in groups for code, _n in group)
    assert all(not c.startswith("522302") for c in codes)  # not another county
    page = login(personas["county_a_admin"]).get("/accounts/users/").content.decode()
    assert '<select name="region"' in page and "黄草街道" in page
    r = login(personas["county_a_admin"]).post(
        "/accounts/users/",
        {"username": "town_a2", "display_name": "丰都", "role": "township_officer", "region": TOWNSHIP_A2,
         "password": "Tuoyan-2026!"},
    )  # fmt: skip
    assert r.status_code == 302 and User.objects.get(username="town_a2").region_id == TOWNSHIP_A2


@pytest.mark.django_db
def test_edit_disable_and_enable_a_user(personas, login) -> None:
    county = login(personas["county_a_admin"])
    officer = personas["township_a1"]
    assert county.get(f"/accounts/users/{officer.pk}/edit/").status_code == 200
    r = county.post(
        f"/accounts/users/{officer.pk}/edit/",
        {"display_name": "黄草街道组织委员", "role": "township_officer", "region": TOWNSHIP_A2},
    )
    assert r.status_code == 302
    officer.refresh_from_db()
    assert (officer.display_name, officer.region_id) == ("黄草街道组织委员", TOWNSHIP_A2)
    assert AuditEvent.objects.filter(action="accounts.user.update").exists()
    assert AuditEvent.objects.filter(action="accounts.user.role").exists()
    assert county.post(f"/accounts/users/{officer.pk}/active/", {"active": "0"}).status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active and AuditEvent.objects.filter(action="accounts.user.disable").exists()
    county.post(f"/accounts/users/{officer.pk}/active/", {"active": "1"})
    officer.refresh_from_db()
    assert officer.is_active and AuditEvent.objects.filter(action="accounts.user.enable").exists()
    me = personas["county_a_admin"]
    county.post(f"/accounts/users/{me.pk}/active/", {"active": "0"})
    me.refresh_from_db()
    assert me.is_active  # not oneself
    other = personas["township_b1"]
    assert county.get(f"/accounts/users/{other.pk}/edit/").status_code == 404
    assert county.post(f"/accounts/users/{other.pk}/active/", {"active": "0"}).status_code == 404
    assert login(personas["township_a1"]).get(f"/accounts/users/{other.pk}/edit/").status_code in (403, 302, 404)
