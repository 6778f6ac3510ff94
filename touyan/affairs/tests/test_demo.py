"""The demo of village affairs: a village whose public page shows real content."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from touyan.affairs.demo import load_demo_affairs
from touyan.affairs.models import Decision, DisclosureItem, Expenditure, Objection

pytestmark = pytest.mark.django_db


def test_demo_village_has_a_closed_decision_signed_spend_items_and_objections(personas, make_cadre) -> None:
    for posts in (("PS", "VD"), ("SD",), ("VM",), ("SM",)):
        make_cadre(posts=posts)
    logins: list[tuple[str, str, str]] = [("cadre_demo", "x", "y")]
    township = personas["township_a1"].region
    address = load_demo_affairs(
        actor=personas["national"],
        township=township,
        password="Touyan@2026",
        logins=logins,
        say=lambda _m: None,
        today=dt.date(2026, 5, 20),
    )
    assert address == "/public/villages/522301001001/"
    assert Decision.objects.get().state == "closed"
    assert set(Expenditure.objects.values_list("state", flat=True)) == {"booked", "signing"}
    assert DisclosureItem.objects.filter(state="published").count() >= 12
    assert set(Objection.objects.values_list("state", flat=True)) == {"open", "answered"}
    assert logins[-1][0] == "cadre_demo" and len(logins) == 4
    html = Client().get(address).content.decode()
    assert "村组道路硬化" in html and "已在本月财务收支公开中列出明细" in html
    again: list[tuple[str, str, str]] = []
    load_demo_affairs(
        actor=personas["national"],
        township=township,
        password="Touyan@2026",
        logins=again,
        say=lambda _m: None,
        today=dt.date(2026, 5, 20),
    )
    assert Decision.objects.count() == 1 and len(again) == 3
