"""A home per role (issue 16): the cadre's `/` is today's sign-in, this month's attendance, the
latest payslip and evaluation and leave in progress; the workbenches list what waits for the user."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from conftest import COUNTY_A, VILLAGE_A1
from touyan.core import todos


@pytest.mark.django_db
def test_cadre_home_offers_sign_in_and_payslips(login, cadre_user) -> None:
    user = cadre_user(posts=("PS",))
    page = login(user).get("/").content.decode()
    assert "这是最基层的区域" not in page
    assert 'id="home-sign-in"' in page and "签到" in page and 'action="/attendance/me/"' in page
    assert "我的工资条" in page and 'href="/payroll/me/"' in page
    assert "出勤" in page and "我的考核" in page and "我的请假" in page
    # Signing in from the home page.
    c = login(user)
    assert c.post("/attendance/me/").status_code == 302
    assert "今日已签到" in c.get("/").content.decode()


@pytest.mark.django_db
def test_cadre_sees_no_settings_menu(login, cadre_user) -> None:
    page = login(cadre_user()).get("/").content.decode()
    assert "系统设置" not in page and "政策参数" not in page and "行政区划" not in page


@pytest.mark.django_db
def test_workbench_is_the_first_menu_item(login, personas) -> None:
    for who in ("township_a1", "county_a_admin", "national"):
        page = login(personas[who]).get("/cadres/").content.decode()
        first = page.index('href="/"', page.index("nav-modules") if "nav-modules" in page else 0)
        assert first < page.index('href="/cadres/"'), who


@pytest.mark.django_db
def test_county_workbench_lists_filings_waiting(login, personas, make_cadre) -> None:
    from touyan.cadres.models import Filing

    make_cadre(village=VILLAGE_A1, posts=("PS",))
    assert Filing.objects.filter(status=Filing.Status.PENDING, county_id=COUNTY_A).exists()
    page = login(personas["county_a_admin"]).get("/").content.decode()
    assert 'id="todos"' in page and "待备案的干部变动" in page and 'href="/cadres/filings/"' in page


def test_registry_takes_providers_with_or_without_context() -> None:
    seen = []

    def one(user):  # the short form: fn(user)
        seen.append("one")
        return [todos.Todo(label="甲", count=0, url="/a/")]

    def two(user, ctx):
        seen.append("two")
        return [todos.Todo(label="乙", count=2, url="/b/", due=ctx.today)]

    todos.register(one, key="test.one")
    todos.register(two, key="test.two")
    try:
        found = todos.for_user(
            SimpleNamespace(role="reviewer", is_superuser=False, region_id=None),
            todos.TodoContext(region=None, today=dt.date(2026, 12, 7)),
        )
    finally:
        todos.unregister("test.one")
        todos.unregister("test.two")
    labels = [t.label for t in found if t.label in ("甲", "乙")]
    assert labels == ["乙", "甲"]  # something waiting first


@pytest.mark.django_db
def test_every_menu_item_answers_for_every_role(login, personas, cadre_user, finance) -> None:
    """Menus show only what the role can do: each item a user sees opens a page (no 4xx) and none
    bounces to 切换区域 (the national administrator's pages open on the region with data)."""
    from django.urls import reverse

    from conftest import PASSWORD
    from touyan.accounts.models import Role, User
    from touyan.shell.navigation import MODULES

    liaison = User.objects.create_user(
        username="liaison_a1", password=PASSWORD, role=Role.LIAISON, region_id=VILLAGE_A1
    )
    users = [*personas.values(), cadre_user(posts=("PS",)), finance["a"], liaison]
    bad = []
    for user in users:
        c = login(user)
        for module in MODULES:
            for item in module.items:
                if not item.visible_to(user):
                    continue
                r = c.get(reverse(item.url_name), follow=True)
                final = r.redirect_chain[-1][0] if r.redirect_chain else ""
                # The duty book of a day the cadre is not on duty says who is: a 403 with that notice.
                notice = (
                    item.url_name == "attendance:duty_book_current" and "值班簿由当天值班的干部" in r.content.decode()
                )
                if (r.status_code >= 400 and not notice) or "/regions/switch/" in final:
                    bad.append(f"{user.username} {item.url_name} {r.status_code} {final}")
    assert bad == []
