"""The demo cadre generator (issue "Cadre files", item 7): pure, deterministic, and shaped by
R-POS-01 (three full-time cadres), R-ORG-03 (a woman on each villagers' committee), R-ORG-05
(one-shoulder secretaries), R-POS-03 / R-PAY-06 (professionalised secretaries in tiers) and
R-PAY-05 (earlier consecutive terms)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest

from touyan.cadres import rules
from touyan.cadres.demo import demo_people
from touyan.cadres.services import PersonIn, PostIn, validate_person
from touyan.core import idnumber

TODAY = dt.date(2026, 11, 22)
# Four townships of 60 villages in two counties of Qianxinan.
VILLAGES = [
    (f"{county}{township:03d}{village:03d}", f"示范{township}-{village}村")
    for county in ("522301", "522323")
    for township in (1, 2)
    for village in range(1, 61)
]


@pytest.fixture(scope="module")
def people() -> list[PersonIn]:
    return demo_people(VILLAGES, today=TODAY)


def current(person: PersonIn) -> list[PostIn]:
    return [p for p in person.posts if p.end_date is None]


def by_village(people: list[PersonIn]) -> dict[str, list[PersonIn]]:
    grouped: dict[str, list[PersonIn]] = defaultdict(list)
    for person in people:
        grouped[person.village].append(person)
    return grouped


def holders(people: list[PersonIn], code: str) -> list[PersonIn]:
    return [p for p in people if any(post.post == code for post in current(p))]


def test_same_input_same_people_and_another_seed_differs(people: list[PersonIn]) -> None:
    assert demo_people(VILLAGES, today=TODAY) == people
    assert demo_people(VILLAGES, seed=1, today=TODAY) != people


def test_every_village_has_5_to_7_people_one_director_and_one_secretary_unless_vacant(
    people: list[PersonIn],
) -> None:
    grouped = by_village(people)
    assert list(grouped) == [code for code, _name in VILLAGES]
    vacant = 0
    for village, members in grouped.items():
        assert 5 <= len(members) <= 7, village
        assert len(holders(members, "VD")) == 1, village
        secretaries = holders(members, "PS")
        if secretaries:
            assert len(secretaries) == 1, village
        else:  # vacant: the previous secretary's post has ended, with a reason
            vacant += 1
            former = [p for p in members if any(post.post == "PS" and post.end_date for post in p.posts)]
            assert len(former) == 1 and not current(former[0]), village
            assert all(post.end_reason for post in former[0].posts)
        for seat in ("SD", "CEO"):
            assert len(holders(members, seat)) <= 1, village
    assert 1 <= vacant <= len(VILLAGES) // 20  # about 1 in 60


def test_three_full_time_cadres_per_village(people: list[PersonIn]) -> None:
    """R-POS-01: the secretary and director plus a deputy secretary or clerk."""
    for village, members in by_village(people).items():
        full_time = [p for p in members if any(post.full_time for post in current(p))]
        assert len(full_time) == 3, village
        posts = {post.post for p in full_time for post in current(p)}
        assert "VD" in posts and posts & {"PDS", "CLK"}, village
        for p in members:  # nobody is full-time in one current post and part-time in another
            assert len({post.full_time for post in current(p)}) <= 1


def test_one_shoulder_share_and_three_shoulders(people: list[PersonIn]) -> None:
    """R-ORG-05: 60–80 % of secretaries are also director; about a fifth of those also head the collective."""
    secretaries = [p for p in people if any(post.post == "PS" for post in current(p))]
    shapes = Counter(rules.one_shoulder(post.post for post in current(p)) for p in secretaries)
    share = (shapes["one_shoulder"] + shapes["one_shoulder_three"]) / len(secretaries)
    assert 0.6 <= share <= 0.8
    three = shapes["one_shoulder_three"] / (shapes["one_shoulder"] + shapes["one_shoulder_three"])
    assert 0.1 <= three <= 0.3


def test_ids_are_valid_unique_and_carry_the_village_county(people: list[PersonIn]) -> None:
    numbers = [p.id_number for p in people]
    assert len(set(numbers)) == len(numbers)
    for person in people:
        facts = idnumber.parse_id(person.id_number, today=TODAY)  # raises on a bad check character
        assert facts.region_code == person.village[:6]
        assert 25 <= rules.age_on(facts.birth_date, TODAY) <= 62
    phones = [p.phone for p in people]
    assert len(set(phones)) == len(phones)
    assert all(len(p) == 11 and p[0] == "1" and p[1] in "3456789" and p.isdigit() for p in phones)


def test_every_row_passes_the_checks_of_one_by_one_entry(people: list[PersonIn]) -> None:
    for person in people:
        _facts, errors = validate_person(person, today=TODAY)
        assert errors == {}, (person.name, errors)


def test_women_at_least_a_quarter_and_one_on_every_villagers_committee(people: list[PersonIn]) -> None:
    """R-ORG-03: at least one woman among the villagers' committee (VD, VDD, VM, CLK)."""

    def female(p: PersonIn) -> bool:
        return idnumber.parse_id(p.id_number, today=TODAY).gender == "female"

    assert sum(map(female, people)) / len(people) >= 0.25
    for village, members in by_village(people).items():
        committee = [p for p in members if {post.post for post in current(p)} & {"VD", "VDD", "VM", "CLK"}]
        assert any(female(p) for p in committee), village


def test_party_posts_are_held_by_party_members_who_joined_before(people: list[PersonIn]) -> None:
    for person in people:
        party_posts = [post for post in person.posts if post.post in ("PS", "PDS", "PCM")]
        if party_posts:
            assert person.political_status == "party_member"
            assert person.party_join_date is not None
            assert person.party_join_date < min(post.start_date for post in party_posts)
        if person.political_status in ("masses", "other"):
            assert person.party_join_date is None


def test_professionalised_secretaries_half_per_township_in_three_tiers(people: list[PersonIn]) -> None:
    """R-POS-03: at most half of a township's villages; R-PAY-06: tiers 1/2/3 about a third each."""
    tiers: Counter[int] = Counter()
    per_township: Counter[str] = Counter()
    for person in people:
        for post in person.posts:
            if post.tier is not None or post.professionalized:
                assert post.professionalized and post.tier in (1, 2, 3)
                assert post.post == "PS" and post.end_date is None
                tiers[post.tier] += 1
                per_township[person.village[:9]] += 1
    assert per_township == {code[:9]: 30 for code, _name in VILLAGES}
    assert max(tiers.values()) - min(tiers.values()) <= 1


def test_earlier_secretary_terms_are_consecutive(people: list[PersonIn]) -> None:
    """R-PAY-05 / SPEC A6.3: some secretaries were re-elected once or twice before 2021."""
    counts: Counter[int] = Counter()
    for person in people:
        now = [post for post in current(person) if post.post == "PS"]
        if not now:
            continue
        assert now[0].start_date == dt.date(2021, 4, 1) and now[0].term_year == 2021
        spans = [rules.Span(p.post, p.start_date, p.end_date) for p in person.posts]
        earlier = [p for p in person.posts if p.end_date is not None]
        assert all(p.post == "PS" and p.end_reason == "term_end" for p in earlier)
        n = rules.consecutive_terms(spans, rules.Span("PS", now[0].start_date, None))
        assert n == len(earlier)
        counts[n] += 1
    assert counts[1] > 0 and counts[2] > 0 and counts[0] > 0
    assert set(counts) <= {0, 1, 2}


def test_a_realistic_mix(people: list[PersonIn]) -> None:
    n = len(people)
    ethnicity = Counter(p.ethnicity for p in people)
    assert 0.35 <= ethnicity["汉族"] / n <= 0.55
    assert 0.25 <= ethnicity["布依族"] / n <= 0.45
    assert 0.08 <= ethnicity["苗族"] / n <= 0.22
    college = sum(p.education in ("college", "bachelor", "master", "doctor") for p in people)
    assert 0.28 <= college / n <= 0.45
    assert {p.education for p in people} <= {"junior_high", "senior_high", "vocational", "college", "bachelor"}
    assert {p.origin for p in people} == {
        "rich_farmer", "returned_graduate", "veteran", "migrant_worker", "dispatched", "other",
    }  # fmt: skip
    assert all(2 <= len(p.name) <= 3 for p in people)
    for members in by_village(people).values():
        assert len({p.name for p in members}) == len(members)
