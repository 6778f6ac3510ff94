"""Fixed personas and a small region tree shared by every app's tests.

Tree (real Qianxinan codes): prefecture 5223 → county A 522301 (兴义市) with
townships A1 522301001 and A2 522301002, each with villages; county B 522302
(兴仁市) with township B1 522302001. Personas: prefecture admin, county A
admin, township A1 officer, township B1 officer, auditor, national admin,
and an anonymous client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from touyan.accounts.models import Role, User
from touyan.regions.models import Region

PASSWORD = "Persona#2026"

TREE = [
    ("520000000000", "贵州省", "province", None),
    ("522300000000", "黔西南布依族苗族自治州", "prefecture", "520000000000"),
    ("522301000000", "兴义市", "county", "522300000000"),
    ("522301001000", "黄草街道", "township", "522301000000"),
    ("522301001001", "坪东社区", "village", "522301001000"),
    ("522301001002", "栗坪村", "village", "522301001000"),
    ("522301002000", "丰都街道", "township", "522301000000"),
    ("522301002001", "丰都社区", "village", "522301002000"),
    ("522302000000", "兴仁市", "county", "522300000000"),
    ("522302001000", "东湖街道", "township", "522302000000"),
    ("522302001001", "东湖社区", "village", "522302001000"),
    ("530000000000", "云南省", "province", None),
]

COUNTY_A, TOWNSHIP_A1, TOWNSHIP_A2, VILLAGE_A1 = "522301000000", "522301001000", "522301002000", "522301001001"
COUNTY_B, TOWNSHIP_B1, VILLAGE_B1 = "522302000000", "522302001000", "522302001001"
PREFECTURE = "522300000000"


@pytest.fixture(autouse=True)
def _forget_checked_tokens() -> None:
    """Each test starts with no remembered API tokens: the database a token was checked against
    is rolled back after each test, the process's token cache is not (accounts.services.token_user)."""
    from touyan.accounts.services import token_cache_clear

    token_cache_clear()


@pytest.fixture
def tree(db: Any) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for code, name, level, parent in TREE:
        regions[code] = Region.objects.create(code=code, name=name, level=level, parent_id=parent)
    return regions


def _user(username: str, role: str, region: str | None, **extra: Any) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role, region_id=region, **extra)


@pytest.fixture
def personas(tree: dict[str, Region]) -> dict[str, User]:
    return {
        "national": _user("national", Role.ADMIN, None, is_superuser=True, is_staff=True),
        "prefecture_admin": _user("pref_admin", Role.ADMIN, PREFECTURE),
        "county_a_admin": _user("county_a", Role.ADMIN, COUNTY_A),
        "county_b_admin": _user("county_b", Role.ADMIN, COUNTY_B),
        "township_a1": _user("town_a1", Role.TOWNSHIP_OFFICER, TOWNSHIP_A1),
        "township_b1": _user("town_b1", Role.TOWNSHIP_OFFICER, TOWNSHIP_B1),
        "auditor": _user("auditor", Role.AUDITOR, PREFECTURE),
    }


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    def _login(user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return _login


@pytest.fixture
def api_client(personas: dict[str, User]) -> Callable[[User | None], Client]:
    """A client that sends a bearer token for the user (None: anonymous)."""
    from touyan.accounts.services import token_issue

    def _client(user: User | None) -> Client:
        if user is None:
            return Client()
        from django.test import RequestFactory

        raw, _ = token_issue(
            request=RequestFactory().post("/api/v1/auth/token"), username=user.username, password=PASSWORD
        )
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return _client


def make_id(region6: str = "522301", birth: str = "19850101", seq: int = 1) -> str:
    """A synthetic but valid ID number (GB 11643 check digit); odd seq = male."""
    from touyan.core.idnumber import check_char

    body = f"{region6}{birth}{seq:03d}"
    return body + check_char(body)


@pytest.fixture
def make_cadre(personas: dict[str, User]) -> Callable[..., Any]:
    """Create a cadre through the service, as the national admin, with sensible defaults."""
    import datetime as dt

    from touyan.cadres.services import PersonIn, PostIn, cadre_create

    counter = iter(range(1, 1000))

    def _make(village: str = VILLAGE_A1, posts: tuple[str, ...] = ("VM",), **fields: Any) -> Any:
        seq = next(counter)
        data = PersonIn(
            name=fields.pop("name", f"干部{seq}"),
            id_number=fields.pop("id_number", make_id(village[:6], fields.pop("birth", "19850101"), seq)),
            village=village,
            education=fields.pop("education", "college"),
            political_status=fields.pop("political_status", "party_member"),
            posts=[PostIn(post=p, start_date=dt.date(2021, 4, 1), full_time=p in ("PS", "VD")) for p in posts],
            **fields,
        )
        return cadre_create(actor=personas["national"], data=data)

    return _make


@pytest.fixture
def cadre_user(personas: dict[str, User], make_cadre: Callable[..., Any]) -> Callable[..., User]:
    """A login of role `cadre` bound to a new cadre file (R-… A1: a cadre sees their own record)."""
    from touyan.accounts.services import user_create

    def _make(village: str = VILLAGE_A1, posts: tuple[str, ...] = ("VM",), username: str = "", **fields: Any) -> User:
        person = make_cadre(village=village, posts=posts, **fields)
        return user_create(
            actor=personas["national"], username=username or f"cadre{person.pk}", password=PASSWORD,
            role=Role.CADRE, region_code=village, cadre_id=person.pk,
        )  # fmt: skip

    return _make


@pytest.fixture
def finance(personas: dict[str, User]) -> dict[str, User]:
    """County finance officers (role "finance"), one per county: they approve, pay out and close
    pay runs and alone download the 一卡通 payout file (WF-8)."""
    return {
        "a": _user("finance_a", Role.FINANCE, COUNTY_A),
        "b": _user("finance_b", Role.FINANCE, COUNTY_B),
    }


@pytest.fixture
def no_waiting_periods(db: Any) -> None:
    """A national policy with no appeal window (`appeal_days = 0`, WF-5) and no pay notice period
    (`pay_notice_days = 0`, WF-8), for tests that take the next step in the same minute; the tests
    of those periods set them on a region."""
    import datetime as dt

    from touyan.policy.models import PolicyDocument

    PolicyDocument.objects.create(
        region_id=None, effective_from=dt.date(2000, 1, 1), params={"appeal_days": 0, "pay_notice_days": 0}
    )


def use_no_waiting_periods(request: pytest.FixtureRequest) -> None:
    """For a test directory's autouse fixture: `no_waiting_periods` for every database test."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in request.fixturenames:
        return
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
    request.getfixturevalue("no_waiting_periods")
