"""/api/v1/cadres (SPEC A7) and the protection of ID numbers (R-DATA-03…05)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD, VILLAGE_A1, VILLAGE_B1, make_id
from touyan.audit.models import AuditEvent
from touyan.cadres.models import Filing, Person
from touyan.cadres.rules import age_on

GB_EXAMPLE = "11010519491231002X"


def post(c: Client, url: str, body: dict[str, Any]) -> Any:
    return c.post(url, data=json.dumps(body), content_type="application/json")


def body(**over: Any) -> dict[str, Any]:
    return {
        "name": "王秀英",
        "id_number": GB_EXAMPLE,
        "phone": "13812345678",
        "village": VILLAGE_A1,
        "education": "college",
        "full_time_education": True,
        "political_status": "party_member",
        "posts": [{"post": "PS", "start_date": "2021-04-01", "full_time": True, "professionalized": True, "tier": 2}],
    } | over


@pytest.mark.django_db
def test_create_accepts_the_gb11643_example(api_client, personas) -> None:
    """R-DATA-03: 11010519491231002X is valid — female, born 1949-12-31 — and is stored masked."""
    c = api_client(personas["township_a1"])
    r = post(c, "/api/v1/cadres", body())
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["gender"] == "female" and "birth_date" not in out  # R-DATA-05: the age only
    assert out["age"] == age_on(dt.date(1949, 12, 31), timezone.localdate())
    assert out["id_number_masked"] == "110105***********X"
    assert out["village"] == VILLAGE_A1 and out["one_shoulder"] is None
    assert out["posts"][0]["post"] == "PS" and out["posts"][0]["tier"] == 2
    assert GB_EXAMPLE not in r.content.decode()
    # 凡动必报: a secretary's appointment is reported to the county for filing.
    assert Filing.objects.get().county_id == "522301000000"


@pytest.mark.django_db
def test_wrong_check_digit_names_the_field(api_client, personas) -> None:
    c = api_client(personas["township_a1"])
    r = post(c, "/api/v1/cadres", body(id_number="110105194912310021"))
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail[0]["loc"][-1] == "id_number" and "校验位" in detail[0]["msg"]
    assert "110105194912310021" not in r.content.decode()
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_same_id_twice_conflicts(api_client, personas) -> None:
    c = api_client(personas["township_a1"])
    assert post(c, "/api/v1/cadres", body()).status_code == 201
    r = post(c, "/api/v1/cadres", body(id_number=GB_EXAMPLE.lower(), posts=[]))
    assert r.status_code == 409 and r.json()["field"] == "id_number"


@pytest.mark.django_db
def test_second_secretary_in_a_village_conflicts_and_writes_nothing(api_client, personas) -> None:
    c = api_client(personas["township_a1"])
    assert post(c, "/api/v1/cadres", body()).status_code == 201
    r = post(c, "/api/v1/cadres", body(id_number=make_id(seq=7)))
    assert r.status_code == 409
    assert Person.objects.count() == 1  # the person was rolled back with the post


@pytest.mark.django_db
def test_bad_fields_are_each_named(api_client, personas) -> None:
    c = api_client(personas["township_a1"])
    bad = body(
        education="phd",
        political_status="x",
        phone="12ab",
        posts=[{"post": "XX", "start_date": "2021-04-01", "end_date": "2020-01-01", "tier": 5}],
    )
    r = post(c, "/api/v1/cadres", bad)
    assert r.status_code == 422
    fields = {".".join(str(x) for x in d["loc"][1:]) for d in r.json()["detail"]}
    assert {"education", "political_status", "phone", "posts.0.post", "posts.0.end_date", "posts.0.tier"} <= fields


@pytest.mark.django_db
def test_list_is_masked_scoped_and_filtered(api_client, personas, make_cadre) -> None:
    make_cadre(village=VILLAGE_A1, posts=("PS", "VD"), name="李明")
    make_cadre(village=VILLAGE_A1, posts=("VM",), name="張偉")  # stored in traditional characters
    make_cadre(village=VILLAGE_B1, posts=("PS",), name="赵强")
    c = api_client(personas["township_a1"])
    r = c.get("/api/v1/cadres")
    assert r.status_code == 200 and r.json()["total"] == 2
    names = {x["name"] for x in r.json()["items"]}
    assert names == {"李明", "張偉"}
    assert c.get("/api/v1/cadres?one_shoulder=true").json()["items"][0]["one_shoulder"] == "one_shoulder"
    assert c.get("/api/v1/cadres?q=张伟").json()["total"] == 1  # simplified finds traditional
    assert c.get("/api/v1/cadres?q=張偉").json()["total"] == 1
    assert c.get("/api/v1/cadres?region=522302").status_code == 404
    national = api_client(personas["national"]).get("/api/v1/cadres?region=522302")
    assert [x["name"] for x in national.json()["items"]] == ["赵强"]


@pytest.mark.django_db
def test_reveal_needs_password_and_reason_and_is_audited(api_client, personas) -> None:
    c = api_client(personas["township_a1"])
    cadre_id = post(c, "/api/v1/cadres", body()).json()["id"]
    url = f"/api/v1/cadres/{cadre_id}/reveal-id"
    assert post(c, url, {"password": "wrong", "reason": "核对身份"}).status_code == 422
    assert post(c, url, {"password": PASSWORD, "reason": ""}).status_code == 422
    r = post(c, url, {"password": PASSWORD, "reason": "核对社保信息"})
    assert r.status_code == 200 and r.json() == {"id_number": GB_EXAMPLE}
    events = AuditEvent.objects.filter(action="cadres.id.reveal").order_by("id")
    assert [e.result for e in events] == ["denied", "denied", "ok"]
    assert events.latest("id").reason == "核对社保信息"
    assert all(GB_EXAMPLE not in json.dumps(e.changes) + e.reason for e in AuditEvent.objects.all())
    # A liaison official may read files but not reveal numbers.
    from touyan.accounts.models import Role, User

    liaison = User.objects.create_user("liaison", password=PASSWORD, role=Role.LIAISON, region_id="522301001000")
    assert post(api_client(liaison), url, {"password": PASSWORD, "reason": "核对社保信息"}).status_code == 403


@pytest.mark.django_db
def test_cadre_user_sees_only_their_own_file(api_client, personas, make_cadre) -> None:
    me = make_cadre(village=VILLAGE_A1, posts=("VM",))
    other = make_cadre(village=VILLAGE_A1, posts=("VDD",))
    admin = api_client(personas["county_a_admin"])
    r = post(
        admin,
        "/api/v1/users",
        {"username": "me", "password": PASSWORD, "role": "cadre", "region": VILLAGE_A1, "cadre": me.pk},
    )
    assert r.status_code == 201 and r.json()["cadre"] == me.pk
    r = post(
        admin,
        "/api/v1/users",
        {"username": "me2", "password": "Long#enough1", "role": "cadre", "region": VILLAGE_A1, "cadre": me.pk},
    )
    assert r.status_code == 409
    from touyan.accounts.models import User

    mine = api_client(User.objects.get(username="me"))
    assert mine.get(f"/api/v1/cadres/{me.pk}").status_code == 200
    assert mine.get(f"/api/v1/cadres/{other.pk}").status_code == 404
    assert mine.get("/api/v1/cadres").json()["total"] == 1
    assert post(mine, f"/api/v1/cadres/{me.pk}/posts", {"post": "PS", "start_date": "2024-01-01"}).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_no_plaintext_id_in_database_logs_or_pages(api_client, login, personas, caplog) -> None:
    """R-DATA-03/05: seed many IDs through every write path; none appears in plaintext anywhere."""
    caplog.set_level(logging.DEBUG)
    c = api_client(personas["township_a1"])
    numbers = [make_id("522301", f"19{70 + i % 25}0{1 + i % 9}1{i % 9}", i) for i in range(1, 41)]
    for i, number in enumerate(numbers):
        r = post(
            c,
            "/api/v1/cadres",
            body(
                id_number=number,
                name=f"干部{i}",
                phone=f"1391234{i:04d}",
                posts=[{"post": "VM", "start_date": "2021-04-01"}],
            ),
        )
        assert r.status_code == 201, r.content
    post(c, "/api/v1/cadres", body(id_number=numbers[0]))  # a conflict: the error path
    post(c, "/api/v1/cadres", body(id_number=numbers[1][:-1] + "0"))  # a bad check digit
    people = list(Person.objects.values_list("pk", flat=True))
    pages = [c.get("/api/v1/cadres?page_size=200").content, c.get(f"/api/v1/cadres/{people[0]}").content]
    web = login(personas["township_a1"])
    for url in ["/cadres/", f"/cadres/{people[0]}/", f"/cadres/{people[0]}/edit/", "/audit/"]:
        pages.append(web.get(url).content)
    dump = _database_text()
    logs = caplog.text
    for number in numbers:
        assert number not in dump
        assert all(number.encode() not in p for p in pages)
        assert number not in logs
    assert "13912340001" not in dump  # phones are encrypted too


def _database_text() -> str:
    """Every text value in every table, as one string."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                parts.extend(str(v) for v in row if v is not None)
    return "\n".join(parts)
