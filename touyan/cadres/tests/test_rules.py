"""Pure rules: ID numbers (GB 11643, R-DATA-03/05) and posts (R-ORG-05, A6.1, A6.3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from touyan.cadres import rules
from touyan.core import idnumber

D = dt.date


def test_gb11643_example_is_accepted() -> None:
    """R-DATA-03: the standard's own example 11010519491231002X — a woman born 1949-12-31."""
    facts = idnumber.parse_id("11010519491231002x")
    assert facts.number == "11010519491231002X"
    assert facts.birth_date == D(1949, 12, 31)
    assert facts.gender == "female"
    assert facts.region_code == "110105"


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("110105194912310021", "校验位"),
        ("11010519491231002", "18 位"),
        ("1101051949123100AX", "数字"),
        ("11010519491331002X", "出生日期"),
        ("990105194912310020", "行政区划"),
        ("110105219912310020", "不合理"),
    ],
)
def test_bad_ids_are_refused_with_a_reason(raw: str, why: str) -> None:
    with pytest.raises(idnumber.BadIdNumber) as exc:
        idnumber.parse_id(raw, today=D(2026, 11, 22))
    assert why in str(exc.value)


def test_masks() -> None:
    """R-DATA-05: first 6 + *********** + the check character (the birth date and sequence hidden);
    phone 138****5678."""
    assert idnumber.mask_id("11010519491231002X") == "110105***********X"
    assert idnumber.mask_id("11010519491231002X", 6, 4) == "110105********002X"
    assert idnumber.mask_phone("13812345678") == "138****5678"


def test_one_shoulder_and_pay_post() -> None:
    assert rules.one_shoulder(["PS", "VD"]) == "one_shoulder"
    assert rules.one_shoulder(["PS", "VD", "CEO"]) == "one_shoulder_three"
    assert rules.one_shoulder(["PS"]) is None
    assert rules.pay_post(["PS", "VD"]) == "one_shoulder"
    assert rules.pay_post(["VD"]) == "VD"
    assert rules.pay_post(["CLK"]) == "deputy"
    assert rules.pay_post(["SM"]) is None


def test_consecutive_terms_worked_example() -> None:
    """SPEC A6 worked example: a secretary re-elected twice in a row has n = 2 (uplift 10 %)."""
    history = [
        rules.Span("PS", D(2011, 4, 1), D(2016, 3, 31)),
        rules.Span("PS", D(2016, 4, 1), D(2021, 3, 31)),
    ]
    assert rules.consecutive_terms(history, rules.Span("PS", D(2021, 4, 1), None)) == 2


def test_consecutive_terms_break_on_a_long_gap() -> None:
    """A6.3: a term that ended more than 90 days before the next one's start breaks the line."""
    history = [
        rules.Span("PS", D(2008, 1, 1), D(2010, 12, 31)),
        rules.Span("PS", D(2011, 6, 1), D(2016, 5, 31)),  # 152 days after the previous end: a break
        rules.Span("PS", D(2016, 8, 1), D(2021, 3, 31)),  # 62 days: consecutive
        rules.Span("VD", D(2000, 1, 1), D(2007, 12, 31)),  # another line
    ]
    assert rules.consecutive_terms(history, rules.Span("PS", D(2021, 4, 1), None)) == 2
    assert rules.consecutive_terms(history, rules.Span("PS", D(2021, 4, 1), None), gap_days=200) == 3


def test_age() -> None:
    assert rules.age_on(D(1990, 6, 15), D(2026, 6, 14)) == 35
    assert rules.age_on(D(1990, 6, 15), D(2026, 6, 15)) == 36


# --- quotas (R-POS-01/03/04) ---------------------------------------------------------------------
LIMITS = rules.QuotaLimits(full_time_per_village=3, prof_secretary_share=Decimal("0.5"), young_share=Decimal("0.30"))


def _counts(villages: int = 10, full_time: int = 3, prof: int = 5, young: int = 3) -> rules.QuotaCounts:
    return rules.QuotaCounts(villages, full_time, prof, young)


def test_quota_full_time_per_village() -> None:
    """R-POS-01: 一般每村按3名核定 — a fourth full-time cadre breaks it."""
    assert rules.quota_breaches(_counts(full_time=3), LIMITS, touches=frozenset({"full_time"})) == []
    (breach,) = rules.quota_breaches(_counts(full_time=4), LIMITS, touches=frozenset({"full_time"}))
    assert breach.rule == "R-POS-01" and "R-POS-01" in breach.message


def test_quota_professional_secretaries_half_the_villages() -> None:
    """R-POS-03: professionalised secretaries ≤ 50 % of the township's villages (⌊0.5 × 3⌋ = 1)."""
    assert rules.quota_breaches(_counts(prof=5), LIMITS, touches=frozenset({"prof_secretary"})) == []
    assert [b.rule for b in rules.quota_breaches(_counts(prof=6), LIMITS, touches=frozenset({"prof_secretary"}))] == [
        "R-POS-03"
    ]
    assert rules.share_cap(Decimal("0.5"), 3) == 1
    assert rules.quota_breaches(_counts(villages=3, prof=2), LIMITS, touches=frozenset({"prof_secretary"}))


def test_quota_young_cadres_thirty_percent() -> None:
    """R-POS-04: young professional cadres ≤ 30 % of the villages."""
    assert rules.quota_breaches(_counts(young=3), LIMITS, touches=frozenset({"young"})) == []
    assert [b.rule for b in rules.quota_breaches(_counts(young=4), LIMITS, touches=frozenset({"young"}))] == [
        "R-POS-04"
    ]


def test_quota_only_what_the_change_touches() -> None:
    assert rules.quota_breaches(_counts(full_time=9, prof=9, young=9), LIMITS, touches=frozenset()) == []
    assert rules.quota_touches("PS", full_time=True, professionalized=True) == {"full_time", "prof_secretary"}
    assert rules.quota_touches("VM", full_time=False, professionalized=True) == {"young"}
    assert rules.quota_touches("VD", full_time=False, professionalized=True) == frozenset()
