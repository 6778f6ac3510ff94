"""Pure rules of selection: bars, ages, the professionalisation conditions, aggregation, workdays."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from touyan.cadres.rules import Span
from touyan.selection import rules

TODAY = dt.date(2026, 12, 6)
POLICY = rules.EligibilityPolicy()


def candidate(**kw: object) -> rules.Candidate:
    base: dict[str, object] = {
        "birth_date": dt.date(1980, 5, 1),
        "education_rank": 3,
        "college_rank": 5,
        "full_time_education": False,
        "spans": (Span("PS", dt.date(2021, 4, 1), None),),
        "records": (),
        "last_year_rank": (1, 4),
        "collective_income": Decimal("150000"),
        "stars": 4,
    }
    base.update(kw)
    return rules.Candidate(**base)  # type: ignore[arg-type]


def conditions(c: rules.Candidate, purpose: str = "professional_secretary", **kw: object) -> list[tuple[str, str]]:
    return [(v.rule, v.condition) for v in rules.eligibility(c, POLICY, purpose, TODAY, **kw)]  # type: ignore[arg-type]


def test_a_secretary_meeting_every_condition_is_eligible() -> None:
    """R-POS-03: ≥3 years as secretary, top half of the township last year, collective income
    ≥ 100,000, Party organisation ≥ 4★."""
    assert conditions(candidate()) == []


@pytest.mark.parametrize(
    ("change", "condition"),
    [
        ({"spans": (Span("PS", dt.date(2024, 6, 1), None),)}, "tenure"),
        ({"spans": (Span("VM", dt.date(2015, 1, 1), None),)}, "post"),
        ({"last_year_rank": (3, 4)}, "assessment"),
        ({"last_year_rank": None}, "assessment"),
        ({"collective_income": Decimal("99999.99")}, "collective_income"),
        ({"collective_income": None}, "collective_income"),
        ({"stars": 3}, "stars"),
        ({"stars": None}, "stars"),
    ],
)
def test_each_failing_professionalisation_condition_names_r_pos_03(change: dict[str, object], condition: str) -> None:
    """R-POS-03: each failing condition is reported with its rule id."""
    assert conditions(candidate(**change)) == [("R-POS-03", condition)]
    (v,) = rules.eligibility(candidate(**change), POLICY, "professional_secretary", TODAY)  # type: ignore[arg-type]
    missing = any(value is None for value in change.values())
    assert v.bar == (rules.UNVERIFIED if missing else "hard")  # no data on file: unverified, not failed


def test_tenure_relaxed_to_one_year_for_graduates_and_the_under_35s() -> None:
    """R-POS-03: 1 year for full-time 大专+ graduates or age < 35."""
    short = (Span("PS", dt.date(2025, 6, 1), None),)
    assert conditions(candidate(spans=short)) == [("R-POS-03", "tenure")]
    assert conditions(candidate(spans=short, education_rank=5, full_time_education=True)) == []
    assert conditions(candidate(spans=short, birth_date=dt.date(1995, 1, 1))) == []


def test_consecutive_terms_count_as_one_tenure() -> None:
    spans = (Span("PS", dt.date(2016, 4, 1), dt.date(2021, 3, 31)), Span("PS", dt.date(2021, 5, 1), None))
    assert rules.line_start(spans, "PS", TODAY) == dt.date(2016, 4, 1)


def test_tier_one_needs_five_stars() -> None:
    """R-PAY-06 / A3: a Party organisation below 5★ cannot be tier 1."""
    assert conditions(candidate(stars=4), tier=1) == [("R-PAY-06", "tier_stars")]
    assert conditions(candidate(stars=5), tier=1) == []


def test_hard_bars() -> None:
    """R-ELIG-02: a criminal record at any time; a 撤销党内职务 sanction within 2 years; a sanction
    still inside its restriction period."""
    old_crime = rules.Record("criminal", "", dt.date(1999, 1, 1), None)
    assert conditions(candidate(records=(old_crime,)), "election") == [("R-ELIG-02", "criminal")]
    removal = rules.Record("party_sanction", "removal", dt.date(2025, 3, 1), None)
    assert conditions(candidate(records=(removal,)), "election") == [("R-ELIG-02", "party_sanction")]
    old_removal = rules.Record("party_sanction", "removal", dt.date(2023, 3, 1), None)
    assert conditions(candidate(records=(old_removal,)), "election") == []
    handling = rules.Record("organisational", "admonition", dt.date(2026, 6, 1), dt.date(2027, 6, 1))
    assert conditions(candidate(records=(handling,)), "election") == [("R-ELIG-02", "organisational")]
    lookback = rules.EligibilityPolicy(criminal_lookback_years=5)
    assert rules.eligibility(candidate(records=(old_crime,)), lookback, "election", TODAY) == []


def test_soft_bars() -> None:
    """R-ELIG-03: under investigation; detention within 5 years (not older)."""
    inv = rules.Record("investigation", "", dt.date(2026, 10, 1), None)
    (v,) = rules.eligibility(candidate(records=(inv,)), POLICY, "election", TODAY)
    assert (v.rule, v.bar) == ("R-ELIG-03", "soft")
    old = rules.Record("detention", "", dt.date(2020, 1, 1), None)
    assert rules.eligibility(candidate(records=(old,)), POLICY, "election", TODAY) == []


def test_ages() -> None:
    """R-ELIG-06: 书记/主任 ≤ 60 at election, others ≤ 65."""
    old = dt.date(1965, 1, 1)  # 61
    assert conditions(candidate(birth_date=old), "election") == [("R-ELIG-06", "age")]
    assert conditions(candidate(birth_date=old, spans=()), "election", post="VM") == []


def test_young_professional() -> None:
    """R-POS-04: under 35, in a 两委 post other than secretary or director."""
    young = candidate(birth_date=dt.date(1996, 1, 1), spans=(Span("VM", dt.date(2024, 1, 1), None),))
    assert conditions(young, "young_professional") == []
    assert conditions(candidate(birth_date=dt.date(1990, 1, 1), spans=young.spans), "young_professional") == [
        ("R-POS-04", "age")
    ]
    assert conditions(candidate(birth_date=dt.date(1996, 1, 1)), "young_professional") == [("R-POS-04", "post")]


def test_aggregation() -> None:
    """R-ELIG-05: any bar_hard → rejected whatever the others; all clear → cleared; else soft_flag."""
    assert rules.aggregate(["clear", ""]) is None
    assert rules.aggregate(["clear", "bar_hard", "bar_soft"]) == "rejected"
    assert rules.aggregate(["clear", "clear"]) == "cleared"
    assert rules.aggregate(["clear", "bar_soft"]) == "soft_flag"
    assert rules.aggregate(["clear", "unknown"]) == "soft_flag"


def test_due_in_workdays() -> None:
    """R-ELIG-04: 7 workdays after a Friday is the second Tuesday after."""
    weekday = lambda d: d.weekday() < 5  # noqa: E731
    assert rules.add_workdays(dt.date(2026, 3, 6), 7, weekday) == dt.date(2026, 3, 17)


def test_publicity_and_audit() -> None:
    """WF-1: 5 days from the 1st end on the 5th; R-FIN-03: the exit audit for full-time and finance roles."""
    assert rules.publicity_end(dt.date(2026, 3, 1), 5) == dt.date(2026, 3, 5)
    assert rules.exit_needs_audit("VM", True) and rules.exit_needs_audit("ACC", False)
    assert not rules.exit_needs_audit("VM", False)
    assert rules.recall_passes(100, 51, 26) and not rules.recall_passes(100, 50, 40)


def test_a_new_secretary_comes_from_reserves_trained_a_year() -> None:
    """R-TRN-06: for the secretary's post, one who does not hold it must have been a reserve
    for ≥ 1 year (training.selectors.reserve_long_enough); a sitting secretary re-elected need not."""
    newcomer = candidate(spans=(Span("VM", dt.date(2021, 4, 1), None),), from_reserves=False)
    assert conditions(newcomer, "election", post="PS") == [("R-TRN-06", "reserve")]
    (v,) = rules.eligibility(newcomer, POLICY, "by_election", TODAY, post="PS")
    assert v.message == "新任党组织书记须从培养 1 年以上的后备干部中产生"
    assert conditions(newcomer, "election", post="VM") == []
    assert conditions(candidate(spans=(Span("VM", dt.date(2021, 4, 1), None),)), "election", post="PS") == []
    assert conditions(candidate(from_reserves=False), "election", post="PS") == []  # already the secretary
