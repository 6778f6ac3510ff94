"""Bad input gets a 4xx, never a 500, and the API answers JSON (issue 21, finding 6, item 3).

One test per kind of input the probe found crashing the server or accepted when it should not be:
unbounded age_min, page numbers ≥ 2^63, nulls on PATCH, lone surrogates, NUL bytes, over-length
strings, months 9999-12 / 0001-01 in locks, runs and pages, dates 0001-01-01, page_size=0,
attendance on 0001-01-01, locks for 1899-12, runs for 0001-01, a party-join date of 9999-12-31,
RTL-override and zero-width names, `"cadre": true`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from conftest import COUNTY_A, TOWNSHIP_A1, VILLAGE_A1, make_id
from touyan.accounts.models import User
from touyan.attendance.models import Presence
from touyan.cadres.models import Person
from touyan.core.text import text_problem
from touyan.payroll.models import PayRun

pytestmark = pytest.mark.django_db


def _json(c: Client, method: str, url: str, body: Any, raw: str | None = None) -> Any:
    data = raw if raw is not None else json.dumps(body)
    return c.generic(method, url, data=data.encode("utf-8", "surrogatepass"), content_type="application/json")


def _422(r: Any, field: str | None = None) -> None:
    assert r.status_code == 422, (r.status_code, r.content[:300])
    assert r["Content-Type"].startswith("application/json")
    if field:
        locs = {str(d["loc"][-1]) for d in r.json()["detail"]} | {
            ".".join(str(x) for x in d["loc"][1:]) for d in r.json()["detail"]
        }
        assert field in locs, r.json()


@pytest.fixture
def officer(personas: dict[str, User], api_client: Callable[[User | None], Client]) -> Client:
    return api_client(personas["township_a1"])


def _cadre_body(**over: Any) -> dict[str, Any]:
    body = {
        "name": "张三",
        "id_number": make_id(seq=11),
        "village": VILLAGE_A1,
        "education": "college",
        "political_status": "masses",
        "posts": [{"post": "VM", "start_date": "2021-04-01"}],
    }
    body.update(over)
    return body


def test_age_min_is_bounded(officer: Client) -> None:
    """Finding 6: an unbounded age_min (a birth date before year 1) was a 500."""
    for value in (10**6, 2**70, -1):
        _422(officer.get(f"/api/v1/cadres?age_min={value}"), "age_min")


def test_page_numbers_are_bounded(officer: Client) -> None:
    """Finding 6: page ≥ 2^63 and page_size=0 were 500s."""
    for query in ("page=9223372036854775808", "page=2147483648", "page=0", "page_size=0", "page_size=501"):
        r = officer.get(f"/api/v1/cadres?region={TOWNSHIP_A1}&{query}")
        _422(r)
    assert officer.get(f"/api/v1/cadres?region={TOWNSHIP_A1}&page=2147483647").status_code == 200


def test_patch_nulls_into_non_null_fields(officer: Client, make_cadre: Callable[..., Any]) -> None:
    """Finding 6: a null name on PATCH was a 500; now 422 and nothing written."""
    person = make_cadre()
    for field in ("name", "education", "political_status", "full_time_education", "origin", "ethnicity"):
        _422(_json(officer, "PATCH", f"/api/v1/cadres/{person.pk}", {field: None}))
    person.refresh_from_db()
    assert person.name.startswith("干部")
    # a nullable field still clears
    assert _json(officer, "PATCH", f"/api/v1/cadres/{person.pk}", {"party_join_date": None}).status_code == 200


@pytest.mark.parametrize("escaped", ["张\\ud800三", "张\\u0000三", "张\\u0007三", "\\udfff"])
def test_unstorable_characters_are_refused(officer: Client, make_cadre: Callable[..., Any], escaped: str) -> None:
    """Finding 6: lone surrogates and NUL bytes were 500s on PostgreSQL; control characters too."""
    person = make_cadre()
    _422(_json(officer, "PATCH", f"/api/v1/cadres/{person.pk}", None, raw=f'{{"name": "{escaped}"}}'), "name")
    raw = json.dumps(_cadre_body(name="NAME")).replace('"NAME"', f'"{escaped}"')
    _422(_json(officer, "POST", "/api/v1/cadres", None, raw=raw), "name")
    _422(_json(officer, "POST", f"/api/v1/cadres/{person.pk}/reveal-id", None,
               raw=f'{{"password": "x", "reason": "{escaped}"}}'))  # fmt: skip
    _422(officer.get("/api/v1/cadres", {"q": "张\x00"}))
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    "name",
    ["\u202e三张", "张\u200b三", "张\u2066三\u2069", "张\u00ad\u200d三", "张\n三"],
)
def test_bidi_override_zero_width_and_breaks_in_names(officer: Client, name: str) -> None:
    """Finding 6: names with an RTL override, zero-width or control characters were accepted."""
    if "\u00ad" in name and text_problem(name, name=True) is None:
        pytest.skip("a soft hyphen alone is allowed")
    _422(_json(officer, "POST", "/api/v1/cadres", _cadre_body(name=name)), "name")
    assert not Person.objects.exists()


def test_the_same_check_in_the_forms(personas: dict[str, User], login: Callable[[User], Client]) -> None:
    """The core text check is the forms' too: the new-file page refuses an RTL-override name."""
    c = login(personas["township_a1"])
    r = c.post(
        reverse("cadres:create"),
        {
            "name": "\u202e三张", "id_number": make_id(seq=12), "village": VILLAGE_A1, "ethnicity": "汉族",
            "political_status": "masses", "education": "college", "origin": "other", "post-post": "VM",
            "post-start_date": "2021-04-01", "post-source": "election",
        },
    )  # fmt: skip
    assert r.status_code == 200 and not Person.objects.exists()


def test_over_length_strings(officer: Client, make_cadre: Callable[..., Any]) -> None:
    """Finding 6: over-length strings were a 500 on PostgreSQL; the API now limits each as its column."""
    person = make_cadre()
    _422(_json(officer, "PATCH", f"/api/v1/cadres/{person.pk}", {"name": "张" * 51}), "name")
    _422(_json(officer, "POST", "/api/v1/cadres", _cadre_body(phone="1" * 21)), "phone")
    _422(_json(officer, "POST", f"/api/v1/cadres/{person.pk}/reveal-id", {"password": "x" * 129, "reason": "核对"}))
    _422(_json(Client(), "POST", "/api/v1/auth/token", {"username": "u" * 151, "password": "x"}), "username")
    _422(_json(officer, "POST", "/api/v1/attendance/locks", {"region": "5" * 13, "month": "2026-03"}), "region")


def test_booleans_are_not_ids(officer: Client) -> None:
    """Finding 6: `"cadre": true` was taken as cadre 1."""
    r = _json(officer, "POST", "/api/v1/attendance/records", {"cadre": True, "date": "2026-03-02"})
    _422(r, "cadre")
    r = _json(
        officer, "POST", "/api/v1/assessments/quarterly", {"cadre": True, "year": 2026, "quarter": 1, "score": "80"}
    )
    _422(r, "cadre")
    assert not Presence.objects.exists()


def test_months_outside_the_calendar(
    officer: Client, personas: dict[str, User], login: Callable[[User], Client]
) -> None:
    """Finding 6: months 9999-12 / 0001-01 in locks, runs and pages were 500s; locks for 1899-12 and
    runs for 0001-01 were accepted."""
    for month in ("9999-12", "0001-01", "1899-12"):
        _422(_json(officer, "POST", "/api/v1/attendance/locks", {"region": TOWNSHIP_A1, "month": month}), "month")
        _422(_json(officer, "POST", "/api/v1/payroll/runs", {"region": TOWNSHIP_A1, "month": month}), "month")
        _422(officer.get(f"/api/v1/attendance/monthly?region={TOWNSHIP_A1}&month={month}"), "month")
    assert not PayRun.objects.exists()
    page = login(personas["township_a1"])
    for month in ("9999-12", "0001-01"):
        assert page.get(f"/attendance/monthly/{TOWNSHIP_A1}/{month}/").status_code == 404
        assert page.get(f"/attendance/roster/{VILLAGE_A1}/{month}/").status_code == 404
    assert page.get(f"/attendance/duty-book/{VILLAGE_A1}/0001-01-01/").status_code == 404


def test_dates_far_from_today(officer: Client, make_cadre: Callable[..., Any]) -> None:
    """Finding 6: attendance on 0001-01-01 and a party-join date of 9999-12-31 were accepted; date
    arithmetic near year 1 was a 500."""
    person = make_cadre()
    for day in ("0001-01-01", "9999-12-31", (timezone.localdate() - dt.timedelta(days=365 * 11)).isoformat()):
        r = _json(officer, "POST", "/api/v1/attendance/records", {"cadre": person.pk, "date": day})
        _422(r, "date")
        r = _json(
            officer, "POST", "/api/v1/leave-requests",
            {"cadre": person.pk, "start_date": day, "end_date": day, "reason": "事假"},
        )  # fmt: skip
        _422(r)
    _422(_json(officer, "PATCH", f"/api/v1/cadres/{person.pk}", {"party_join_date": "9999-12-31"}), "party_join_date")
    _422(_json(officer, "POST", "/api/v1/cadres", _cadre_body(party_join_date="1900-01-01")), "party_join_date")
    _422(_json(officer, "POST", f"/api/v1/cadres/{person.pk}/posts", {"post": "VDD", "start_date": "0001-01-01"}))
    assert not Presence.objects.exists()


def test_api_server_errors_answer_json(officer: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 6: API 500s came back as HTML; now JSON, and still logged."""
    import touyan.cadres.api as cadres_api

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(cadres_api, "roster", boom)
    r = officer.get(f"/api/v1/cadres?region={TOWNSHIP_A1}")
    assert r.status_code == 500 and r["Content-Type"].startswith("application/json")
    assert "detail" in r.json()
    r = officer.get("/api/v1/no-such-thing")
    assert r.status_code == 404 and r["Content-Type"].startswith("application/json")


def test_every_page_survives_huge_numbers_in_its_address(
    personas: dict[str, User], login: Callable[[User], Client]
) -> None:
    """Every page route (from the resolver) with each number in its address set to 10^20: a 4xx or
    a page, never a 500."""
    c = login(personas["national"])
    c.raise_request_exception = False
    crashed: list[str] = []
    for huge in (10**20, 99999):
        crashed += _crawl(c, huge)
    assert not crashed, crashed


def _crawl(c: Client, huge: int) -> list[str]:
    from touyan.api.tests.test_access import _patterns

    crashed: list[str] = []
    for name, pattern in _patterns(get_resolver()):
        converters = getattr(pattern.pattern, "converters", {})
        ints = [k for k, v in converters.items() if type(v).__name__ == "IntConverter"]
        if not ints or name.startswith("admin:") or getattr(pattern.callback, "__module__", "").startswith("ninja"):
            continue
        kwargs: dict[str, Any] = {}
        for arg, conv in converters.items():
            kind = type(conv).__name__
            kwargs[arg] = (
                huge if kind == "IntConverter" else dt.date(2026, 3, 2) if kind == "DayConverter"
                else dt.date(2026, 3, 1) if kind == "MonthConverter" else "review" if arg == "action"
                else "township" if arg == "step" else COUNTY_A
            )  # fmt: skip
        try:
            url = reverse(name, kwargs=kwargs)
        except Exception:
            continue
        for method in ("get", "post"):
            r = getattr(c, method)(url)
            if r.status_code >= 500:
                crashed.append(f"{method.upper()} {url}: {r.status_code}")
    return crashed
