"""The roster's scale work (issue #3): region prefixes as code ranges give exactly the prefix match's
rows, and the opt-in estimated count (RosterQuerySet.with_estimated_count) is used only for an
unfiltered national or provincial roster on PostgreSQL, flagged so pages can show 约."""

from __future__ import annotations

import pytest
from django.db import connection

from conftest import COUNTY_A, COUNTY_B, TOWNSHIP_A1, VILLAGE_A1, VILLAGE_B1
from touyan.accounts.models import Role, User
from touyan.cadres import selectors
from touyan.cadres.models import Person
from touyan.cadres.selectors import RosterFilters, roster

pytestmark = pytest.mark.django_db

VILLAGE_A2 = "522301002001"  # 丰都社区, township A2 of county A


@pytest.fixture
def cadres(make_cadre) -> dict[str, Person]:
    return {
        "a1": make_cadre(village=VILLAGE_A1, posts=("PS", "VD")),
        "a1b": make_cadre(village=VILLAGE_A1, posts=("VM",), education="bachelor"),
        "a2": make_cadre(village=VILLAGE_A2, posts=("PS",)),
        "b1": make_cadre(village=VILLAGE_B1, posts=("VD",)),
    }


def ids(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("persona", "region", "expected"),
    [
        ("national", None, {"a1", "a1b", "a2", "b1"}),
        ("national", "52", {"a1", "a1b", "a2", "b1"}),
        ("national", "5223", {"a1", "a1b", "a2", "b1"}),
        ("national", COUNTY_A[:6], {"a1", "a1b", "a2"}),
        ("national", TOWNSHIP_A1[:9], {"a1", "a1b"}),
        ("national", VILLAGE_B1, {"b1"}),
        ("national", "53", set()),
        ("county_a_admin", None, {"a1", "a1b", "a2"}),
        ("county_a_admin", "52", {"a1", "a1b", "a2"}),  # a wider region still stops at the scope
        ("county_a_admin", TOWNSHIP_A1[:9], {"a1", "a1b"}),
        ("county_a_admin", COUNTY_B[:6], set()),  # outside the scope: nothing
        ("county_a_admin", "53", set()),
        ("township_a1", None, {"a1", "a1b"}),
        ("township_b1", None, {"b1"}),
    ],
)
def test_region_ranges_give_the_prefix_match(personas, cadres, persona: str, region, expected: set[str]) -> None:
    qs = roster(actor=personas[persona], filters=RosterFilters(region=region))
    assert ids(qs) == {cadres[k].pk for k in expected}
    assert qs.count() == len(expected) and not qs.count_is_estimate


def test_a_cadre_sees_their_own_file_only(personas, cadres) -> None:
    user = User.objects.create_user(
        username="cadre_a1", password="x", role=Role.CADRE, region_id=COUNTY_B, cadre=cadres["a1"]
    )
    assert ids(roster(actor=user, filters=RosterFilters())) == {cadres["a1"].pk}


def test_the_count_is_exact_unless_asked_and_allowed(personas, cadres, monkeypatch) -> None:
    monkeypatch.setattr(selectors, "ESTIMATE_COUNT_ABOVE", 0)
    national = personas["national"]
    assert roster(actor=national, filters=RosterFilters()).count() == 4  # not asked: exact
    for persona, filters in (
        ("national", RosterFilters(education="bachelor")),  # filtered
        ("national", RosterFilters(region=COUNTY_A[:6])),  # a county
        ("county_a_admin", RosterFilters()),
        ("national", RosterFilters(in_office=False)),
    ):
        qs = roster(actor=personas[persona], filters=filters).with_estimated_count()
        assert qs.count() == len(ids(qs)) and not qs.count_is_estimate, (persona, filters)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates come from PostgreSQL's statistics")
def test_an_unfiltered_national_or_provincial_roster_may_be_estimated(personas, cadres, monkeypatch) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cadres_person")
        cursor.execute("ANALYZE cadres_post")
    national = personas["national"]
    qs = roster(actor=national, filters=RosterFilters()).with_estimated_count()
    assert qs.count() == 4 and not qs.count_is_estimate  # below the threshold: exact
    monkeypatch.setattr(selectors, "ESTIMATE_COUNT_ABOVE", 0)
    for filters in (RosterFilters(), RosterFilters(region="52"), RosterFilters(sort="name")):
        qs = roster(actor=national, filters=filters).with_estimated_count()
        # On a table this small the sample is the whole table and the statistics are exact.
        assert qs.count() == 4 and qs.count_is_estimate, filters
        assert len(list(qs[:2])) == 2  # the rows themselves are unaffected
    everyone = roster(actor=national, filters=RosterFilters(in_office=None)).with_estimated_count()
    assert everyone.count() == 4 and everyone.count_is_estimate


def test_a_region_missing_from_the_picker_still_filters_the_page(personas, cadres, login, monkeypatch) -> None:
    """Regression: a national admin's picker lists only provinces and prefectures, yet a county's
    code in the URL must filter the page (it used to drop every filter and show everyone)."""
    from touyan.regions import selectors

    monkeypatch.setattr(selectors, "PICKER_LEVELS", (("province", "prefecture"),))
    html = login(personas["national"]).get("/cadres/", {"region": COUNTY_A}).content.decode()
    assert "共 3 人" in html
    assert cadres["b1"].name not in html
    html = login(personas["national"]).get("/cadres/", {"region": VILLAGE_B1}).content.decode()
    assert "共 1 人" in html and cadres["b1"].name in html


def test_the_picker_lists_the_finest_levels_that_fit(personas) -> None:
    from touyan.regions.selectors import region_options

    def codes(options) -> list[str]:
        out: list[str] = []
        for value, label in options:
            out.extend(v for v, _ in label) if isinstance(label, list) else out.append(value)
        return out

    township = codes(region_options(personas["township_a1"]))
    assert TOWNSHIP_A1 in township and VILLAGE_A1 in township  # a township: itself and its villages
    wide = codes(region_options(personas["national"], limit=3))  # too many villages for 3: go coarser
    assert VILLAGE_A1 not in wide and TOWNSHIP_A1 not in wide
    assert "520000000000" in wide or COUNTY_A in wide


@pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates come from PostgreSQL's statistics")
def test_the_page_and_the_api_say_when_the_total_is_an_estimate(personas, cadres, login, api_client, monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cadres_person")
        cursor.execute("ANALYZE cadres_post")
    national = personas["national"]
    exact = api_client(national).get("/api/v1/cadres").json()
    assert exact["total"] == 4 and exact["total_is_estimate"] is False
    assert "共 4 人" in login(national).get("/cadres/").content.decode()
    monkeypatch.setattr(selectors, "ESTIMATE_COUNT_ABOVE", 0)
    body = api_client(national).get("/api/v1/cadres").json()
    assert body["total"] == 4 and body["total_is_estimate"] is True
    assert "共约 4 人" in login(national).get("/cadres/").content.decode()
    filtered = api_client(national).get("/api/v1/cadres", {"education": "bachelor"}).json()
    assert filtered["total"] == 1 and filtered["total_is_estimate"] is False
