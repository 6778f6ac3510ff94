"""R-DATA-05: what one user sees of one person, all together, leaves the ID number among ≥ 1,000
candidates that pass the GB 11643 check character.

The test reads real responses and files — the cadre API (one, the list, a search by the last four),
the cadre pages, the roster export, the monthly attendance page and workbook, the pay run's page,
payslips, summary workbook and the payslips API — as a township officer (who may read the files
but has revealed nothing), stitches every mask of the person it finds, looks for the birth date in
every common format, and counts the numbers that still fit beside the gender and the age.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import TOWNSHIP_A1
from touyan.cadres import rules
from touyan.core import crypto, idnumber
from touyan.payroll.tests.test_services import worked_example  # noqa: F401 (the A6 fixture)

MASK = re.compile(r"(?<![0-9X*])[0-9X*]{18}(?![0-9X*])")


def _body(response: Any) -> str:
    assert response.status_code == 200, (response.status_code, response.content[:300])
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data[:2] == b"PK":  # a workbook: every part of it
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    return data.decode("utf-8", "replace")


def _birth_formats(day: dt.date) -> list[str]:
    return [
        day.isoformat(), day.strftime("%Y%m%d"), day.strftime("%Y/%m/%d"), day.strftime("%Y.%m.%d"),
        f"{day.year}年{day.month}月{day.day}日", f"{day.year}/{day.month}/{day.day}",
        f"{day.year}-{day.month}-{day.day}",
    ]  # fmt: skip


def candidates_seen(number: str, texts: list[str], *, gender: str, birth: dt.date, on: dt.date) -> int:
    """The valid numbers that fit everything shown: every mask consistent with the person's number
    stitched together, the gender, the age, and the birth date if any text shows it."""
    blob = "\n".join(texts)
    assert number not in blob, "the full number is shown"
    shown = ["*"] * 18
    for mask in MASK.findall(blob):
        if "*" in mask and all(m in ("*", n) for m, n in zip(mask, number, strict=True)):
            shown = [n if m != "*" else s for m, n, s in zip(mask, number, shown, strict=True)]
    assert shown != ["*"] * 18, "no mask of the person found: the test would prove nothing"
    leaked = any(text in blob for text in _birth_formats(birth))
    age = rules.age_on(birth, on)
    return idnumber.candidates("".join(shown), gender=gender, age=age, on=on, birth_date=birth if leaked else None)


def _outputs(officer: Client, person: Any, number: str) -> list[str]:
    from touyan.payroll.models import PayRun

    tail = number[-4:]
    texts = [
        _body(officer.get(f"/api/v1/cadres/{person.pk}")),
        _body(officer.get(f"/api/v1/cadres?region={TOWNSHIP_A1}")),
        _body(officer.get(f"/api/v1/cadres?q={tail}")),
        _body(officer.get(f"/cadres/{person.pk}/")),
        _body(officer.get("/cadres/")),
    ]
    found = officer.get(f"/api/v1/cadres?q={tail}").json()
    assert [x["id"] for x in found["items"]] == [person.pk]  # the last four find the file (R-DATA-05)
    search = _body(officer.get(f"/cadres/?q={tail}"))
    assert person.name in search
    texts.append(search[search.index("<tbody") : search.index("</tbody>")])  # the results, not the search box
    job = officer.post("/cadres/excel/export/", {"query": ""})
    assert job.status_code == 302
    texts.append(_body(officer.get(job["Location"] + "download/")))
    texts.append(_body(officer.get(f"/attendance/monthly/{TOWNSHIP_A1}/2026-03/")))
    texts.append(_body(officer.get(f"/attendance/monthly/{TOWNSHIP_A1}/2026-03/export/")))
    assert officer.post("/payroll/runs/", {"region": TOWNSHIP_A1, "month": "2026-03"}).status_code == 302
    run = PayRun.objects.get()
    officer.post(f"/payroll/runs/{run.pk}/calculate/")
    slip = run.payslips.get()
    texts += [
        _body(officer.get(f"/payroll/runs/{run.pk}/")),
        _body(officer.get(f"/payroll/payslips/{slip.pk}/")),
        _body(officer.get(f"/payroll/runs/{run.pk}/summary.xlsx")),
        _body(officer.get(f"/api/v1/payroll/runs/{run.pk}/payslips")),
    ]
    return texts


@pytest.mark.django_db
def test_everything_a_township_officer_sees_leaves_1000_candidates(login, api_client, personas, worked_example) -> None:  # noqa: F811
    """R-DATA-05: ≥ 1,000 GB 11643-valid candidates from the pages, the API and the exports together
    (the old 前6后4 mask with the birth date beside it left exactly one)."""
    from touyan.attendance.models import MonthLock

    person = worked_example
    MonthLock.objects.update(locked_by=personas["township_a1"])  # the fixture's locks name nobody
    number = crypto.decrypt(person.id_enc, context="id_number")
    officer = login(personas["township_a1"])
    texts = _outputs(officer, person, number)
    api = api_client(personas["township_a1"]).get(f"/api/v1/cadres/{person.pk}").json()
    assert set(api) >= {"id", "name", "id_number_masked", "gender", "age", "village", "posts"}
    assert "birth_date" not in api
    today = timezone.localdate()
    assert sum(person.id_masked in t for t in texts) >= 8  # the mask is on most of them
    n = candidates_seen(number, texts, gender=person.gender, birth=person.birth_date, on=today)
    assert n >= idnumber.MIN_CANDIDATES, n


def test_the_old_mask_beside_the_age_fails_the_bar() -> None:
    """R-DATA-05's reasoning, by the same count: 前6后4 with the age ≈ 32 candidates, with the birth
    date 1; the default mask with the age ≈ 16,700."""
    number = "52230119750303051" + idnumber.check_char("52230119750303051")
    born, on = dt.date(1975, 3, 3), dt.date(2026, 12, 1)
    age = rules.age_on(born, on)
    old = idnumber.mask_id(number, 6, 4)
    assert idnumber.candidates(old, gender="male", age=age, on=on) < 40
    assert idnumber.candidates(old, gender="male", on=on, birth_date=born) == 1
    assert 16_000 < idnumber.candidates(idnumber.mask_id(number), gender="male", age=age, on=on) < 17_500
    assert idnumber.mask_candidates(6, 1) >= idnumber.MIN_CANDIDATES > idnumber.mask_candidates(6, 4)


def test_candidates_agree_with_brute_force() -> None:
    """The quick count equals the count of every number tried one by one (a small window)."""
    number = "11010519491231002X"
    masked = "110105*******1**2X"
    on = dt.date(2026, 1, 15)
    born_first, born_last = dt.date(1949, 12, 1), dt.date(1949, 12, 31)
    quick = sum(
        idnumber.candidates(masked, gender="female", on=on, birth_date=born_first + dt.timedelta(days=i))
        for i in range((born_last - born_first).days + 1)
    )
    slow = 0
    for i in range((born_last - born_first).days + 1):
        day = (born_first + dt.timedelta(days=i)).strftime("%Y%m%d")
        for seq in range(1000):
            body = f"110105{day}{seq:03d}"
            full = body + idnumber.check_char(body)
            if int(full[16]) % 2 == 0 and all(m in ("*", c) for m, c in zip(masked, full, strict=True)):
                slow += 1
    assert quick == slow > 0
    assert number.endswith("2X")


# --- reveals: every attempt audited, the password through the login lockout (issue 21, finding 3) ---


def _reveal(c: Client, cadre_id: int, password: str) -> Any:
    return c.post(
        f"/api/v1/cadres/{cadre_id}/reveal-id",
        {"password": password, "reason": "核对社保信息"},
        content_type="application/json",
    )


@pytest.mark.django_db
def test_reveal_is_locked_after_five_wrong_passwords(api_client, personas, make_cadre) -> None:
    """R-DATA-04: five wrong passwords lock the account (django-axes); the right one is then refused
    too, and so is a login; each attempt is an audit event."""
    from conftest import PASSWORD
    from touyan.audit.models import AuditEvent

    person = make_cadre()
    c = api_client(personas["township_a1"])
    assert [_reveal(c, person.pk, f"wrong{i}").status_code for i in range(5)] == [422] * 4 + [429]  # the 5th locks
    r = _reveal(c, person.pk, PASSWORD)
    assert r.status_code == 429 and "锁定" in r.json()["detail"]
    events = AuditEvent.objects.filter(action="cadres.id.reveal")
    assert events.count() == 6 and set(events.values_list("result", flat=True)) == {"denied"}
    assert Client().post("/login/", {"username": "town_a1", "password": PASSWORD}).status_code == 429
    token = Client().post(
        "/api/v1/auth/token", {"username": "town_a1", "password": PASSWORD}, content_type="application/json"
    )
    assert token.status_code in (403, 429)


@pytest.mark.django_db
def test_reveal_attempts_outside_the_scope_and_without_the_role_are_audited(api_client, personas, make_cadre) -> None:
    """R-DATA-04: a reveal of a file outside the scope is a 404 and an audit event; so is the
    auditor's (403), who may not reveal; neither checks the password."""
    from conftest import PASSWORD
    from touyan.audit.models import AuditEvent

    person = make_cadre()
    assert _reveal(api_client(personas["township_b1"]), person.pk, PASSWORD).status_code == 404
    assert _reveal(api_client(personas["auditor"]), person.pk, PASSWORD).status_code in (403, 404)
    events = list(AuditEvent.objects.filter(action="cadres.id.reveal").order_by("id"))
    assert [(e.actor_username, e.result, e.object_id) for e in events] == [
        ("town_b1", "denied", str(person.pk)),
        ("auditor", "denied", str(person.pk)),
    ]
    assert events[0].region_code == ""  # nothing about the file is told to the outsider's trail


@pytest.mark.django_db
def test_reveal_on_the_page_outside_the_scope_is_audited(login, personas, make_cadre) -> None:
    from conftest import PASSWORD
    from touyan.audit.models import AuditEvent

    person = make_cadre()
    r = login(personas["township_b1"]).post(f"/cadres/{person.pk}/reveal/", {"password": PASSWORD, "reason": "核对"})
    assert r.status_code == 404
    assert AuditEvent.objects.filter(action="cadres.id.reveal", result="denied", actor_username="town_b1").exists()


@pytest.mark.django_db(transaction=True)
def test_migration_remasks_old_files_and_their_history(tree) -> None:
    """Files written with the old 前6后4 mask get the new one (history rows too) and a tail hash."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from touyan.cadres.selectors import id_tail_hash

    number = "52230119750303051" + idnumber.check_char("52230119750303051")
    executor = MigrationExecutor(connection)
    executor.migrate([("cadres", "0004_id_tail_hash")])
    apps = executor.loader.project_state([("cadres", "0004_id_tail_hash")]).apps
    Person, History = apps.get_model("cadres", "Person"), apps.get_model("cadres", "HistoricalPerson")
    fields = dict(
        village_id="522301001001", name="老档案", name_search="老档案", id_hash="h1", gender="male",
        id_enc=crypto.encrypt(number, context="id_number"), id_masked=idnumber.mask_id(number, 6, 4),
        birth_date=dt.date(1975, 3, 3), political_status="masses", education="college",
    )  # fmt: skip
    person = Person.objects.create(**fields)
    History.objects.create(id=person.pk, history_date=dt.datetime(2024, 1, 1, tzinfo=dt.UTC), history_type="+",
                           created_at=person.created_at,
                           **{k: v for k, v in fields.items() if k not in ("id_enc", "name_search")})  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from touyan.cadres.models import Person as Current

    now = Current.objects.get(pk=person.pk)
    assert now.id_masked == idnumber.mask_id(number) and now.id_tail_hash == id_tail_hash(number)
    assert list(now.history.values_list("id_masked", flat=True)) == [idnumber.mask_id(number)]
