"""The demo data behind `make demo`: real Qianxinan regions, logins, demo statistics, cadre files."""

from __future__ import annotations

import pytest
from django.test import Client

from touyan.accounts.models import Role, User
from touyan.attendance.models import Presence
from touyan.cadres.models import Person, Post
from touyan.demo.loader import DEMO_PASSWORD, load_demo
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
    # ≈9,000 synthetic cadres (S0: 9,060), every village with a director, secretaries in all but a few.
    cadres = Person.objects.count()
    assert 7000 <= cadres <= 9500
    current = Post.objects.filter(end_date__isnull=True)
    assert current.filter(post="VD").values("village").distinct().count() == 1294
    assert current.filter(post="PS").count() >= 1294 * 0.95
    # A login for every role of SPEC A1, each with what to try (issue 16).
    usernames = [row[0] for row in logins.rows]
    for username, role in (
        ("finance_522301", Role.FINANCE),
        ("liaison_522301001", Role.LIAISON),
        ("audit_5223", Role.AUDITOR),
        ("secadmin_5223", Role.SECURITY_ADMIN),
        ("admin_522301", Role.ADMIN),
        ("town_522301001", Role.TOWNSHIP_OFFICER),
        ("cadre_demo", Role.CADRE),
    ):
        assert username in usernames and User.objects.get(username=username).role == role, username
        assert logins.tries.get(username), username
    assert User.objects.get(username="finance_522301").region_id == "522301000000"
    liaison = User.objects.get(username="liaison_522301001")
    assert liaison.region_id == "522301001000"  # bound to the township, two villages assigned
    assigned = set(liaison.liaison_villages.values_list("village_id", flat=True))
    assert len(assigned) == 2 and User.objects.get(username="cadre_demo").region_id in assigned
    example = [row for row in logins.rows if row[1].startswith("示例干部档案")]
    assert len(example) == 1 and example[0][0] == "admin_522301"
    # The first township's attendance and its cadre login (touyan/attendance/tests/test_demo.py).
    assert [row[0] for row in logins.rows][-1] == "cadre_demo"
    presence = Presence.objects.count()
    assert presence > 0 and not Presence.objects.exclude(village__code__startswith="522301001").exists()
    counts = (User.objects.count(), RegionStat.objects.count(), Region.objects.count(), cadres, Post.objects.count())
    again = load_demo(say=lambda _msg: None)
    assert again.rows == logins.rows
    assert (
        User.objects.count(),
        RegionStat.objects.count(),
        Region.objects.count(),
        Person.objects.count(),
        Post.objects.count(),
    ) == counts
    assert Presence.objects.count() == presence

    # A printed county admin sees their county, its townships and villages, nothing else.
    c = Client()
    r = c.post("/login/", {"username": "admin_522301", "password": DEMO_PASSWORD}, follow=True)
    page = r.content.decode()
    assert "兴义市" in page and "黄草街道" in page
    assert "兴仁市" not in page and "普安县" not in page
    r = c.get("/api/v1/regions/522302")
    assert r.status_code == 404
    # ...and the printed example cadre file, and the roster with its cadres.
    path = example[0][1].split()[1]
    r = c.get(path)
    assert r.status_code == 200 and example[0][2].split()[-1] in r.content.decode()
    r = c.get("/cadres/")
    assert r.status_code == 200


def test_load_demo_prints_every_login_with_what_to_try(monkeypatch) -> None:
    """`make demo` prints each row the demo steps returned (a later app's reviewers too) and its hint."""
    import io

    from django.core.management import call_command

    from touyan.demo import loader as demo
    from touyan.demo.management.commands import load_demo as command

    logins = demo.DemoLogins()
    logins.rows.append(("finance_522301", "县财政", "兴义市"))
    logins.rows.append(("cadre_demo", "村干部", "坪东社区"))
    logins.add("reviewer_jw", "联审部门(纪委监委)", "兴义市", "联审:返回意见")
    logins.tries["finance_522301"] = "县财政审批"
    monkeypatch.setattr(command, "load_demo", lambda say: logins)
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "finance_522301" in text and "可以试试: 县财政审批" in text
    assert "reviewer_jw" in text and "可以试试: 联审:返回意见" in text
    assert text.index("reviewer_jw") < text.index("cadre_demo")  # the phone sign-in stays last
    assert DEMO_PASSWORD in text
