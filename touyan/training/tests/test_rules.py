"""Pure rules of cadre development (no database), with the SPEC's and the issue's own numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from touyan.training import rules

REQ = rules.Requirements()
AS_OF = dt.date(2026, 12, 31)


def test_hours_credited_by_policy() -> None:
    """R-TRN-01: 1 day = 8 h, half a day = 4 h; online ≥ 30 min → 1 h, 15–30 → 0.5, less → 0.25."""
    p = rules.HoursPolicy()
    assert rules.credited_hours(p, kind="central", days=D(1)) == D("8.00")
    assert rules.credited_hours(p, kind="central", days=D("0.5")) == D("4.00")
    assert rules.credited_hours(p, kind="central", days=D(4)) == D("32.00")
    assert rules.credited_hours(p, kind="online", days=D(0), minutes=45) == D("1.00")
    assert rules.credited_hours(p, kind="online", days=D(0), minutes=30) == D("1.00")
    assert rules.credited_hours(p, kind="online", days=D(0), minutes=20) == D("0.50")
    assert rules.credited_hours(p, kind="online", days=D(0), minutes=10) == D("0.25")
    assert rules.credited_hours(p, kind="central", days=D(2), hours=D(10)) == D("10.00")
    assert rules.credited_hours(rules.HoursPolicy(hours_per_day=D(6)), kind="central", days=D(1)) == D("6.00")


def test_required_hours() -> None:
    """R-TRN-01: 56 h for secretaries and committee members, 32 h for other Party members."""
    assert rules.required_hours(REQ, frozenset({"PS"}), True) == 56
    assert rules.required_hours(REQ, frozenset({"PCM"}), True) == 56
    assert rules.required_hours(REQ, frozenset({"VM"}), False) == 56
    assert rules.required_hours(REQ, frozenset({"SM"}), True) == 32
    assert rules.required_hours(REQ, frozenset({"CLK"}), False) == 0


def test_professionalized_secretary_acceptance_has_no_trn02_shortfall() -> None:
    """R-TRN-02 acceptance: 3 prefecture days, township sessions of 4 and 3 days, 5 days of political
    rotation: no shortfall (and 15 days = 120 h ≥ 56 h)."""
    c = rules.CadreYear(
        posts=frozenset({"PS"}),
        professionalized=True,
        hours=D(120),
        prefecture_days=D(3),
        township_sessions=2,
        township_days=D(7),
        rotation_days=D(5),
        county_courses=2,
    )
    result = rules.compliance(REQ, c, as_of=AS_OF)
    assert [s for s in result.shortfalls if s.rule == "R-TRN-02"] == []
    assert result.shortfalls == ()


def test_professionalized_secretary_short_of_each_trn02_part() -> None:
    """R-TRN-02: 2 prefecture days, one township session of 7 days, 4 rotation days: three shortfalls."""
    c = rules.CadreYear(
        posts=frozenset({"PS"}), professionalized=True, hours=D(104), prefecture_days=D(2), township_sessions=1,
        township_days=D(7), rotation_days=D(4), county_courses=1,
    )  # fmt: skip
    codes = [s.code for s in rules.compliance(REQ, c, as_of=AS_OF).shortfalls]
    assert codes == ["prefecture_days", "township", "political_rotation"]


def test_committee_member_with_four_days_is_short_of_56_hours() -> None:
    """R-TRN-01 acceptance: 4 days = 32 h < 56 h."""
    c = rules.CadreYear(posts=frozenset({"PCM"}), hours=D(32))
    result = rules.compliance(REQ, c, as_of=AS_OF)
    assert result.required_hours == 56
    assert [(s.rule, s.code) for s in result.shortfalls] == [("R-TRN-01", "hours")]
    assert "56" in result.shortfalls[0].message


def test_party_member_with_32_hours_is_fine_and_surplus_carries_over() -> None:
    """R-TRN-01: 32 h suffice for a Party member; carry-over of surplus is a parameter (0 by default)."""
    assert rules.compliance(REQ, rules.CadreYear(posts=frozenset({"SM"}), hours=D(32)), as_of=AS_OF).shortfalls == ()
    short = rules.CadreYear(posts=frozenset({"PCM"}), hours=D(50), previous_surplus=D(10))
    assert rules.compliance(REQ, short, as_of=AS_OF).shortfalls
    carry = rules.Requirements(carry_over_max=D(8))
    assert rules.compliance(carry, short, as_of=AS_OF).hours == D(58)
    assert rules.compliance(carry, short, as_of=AS_OF).shortfalls == ()


def test_new_secretary_trained_within_six_months() -> None:
    """R-TRN-01: a new secretary is trained within 6 months of taking office."""
    from dataclasses import replace

    base = rules.CadreYear(posts=frozenset({"PS"}), hours=D(60), rotation_days=D(5), county_courses=1)
    late = replace(base, secretary_since=dt.date(2026, 3, 1), first_training_after=dt.date(2026, 10, 1))
    ok = replace(base, secretary_since=dt.date(2026, 3, 1), first_training_after=dt.date(2026, 8, 31))
    pending = replace(base, secretary_since=dt.date(2026, 11, 1))
    assert [s.code for s in rules.compliance(REQ, late, as_of=AS_OF).shortfalls] == ["new_secretary"]
    assert rules.compliance(REQ, ok, as_of=AS_OF).shortfalls == ()
    assert rules.compliance(REQ, pending, as_of=AS_OF).shortfalls == ()


def test_certificate_allowance_kind() -> None:
    """R-TRN-03: the highest valid social-worker certificate of the month pays; the qualification none."""
    first, last = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    q = rules.HeldCertificate("village_cadre_qualification", dt.date(2025, 1, 1))
    a = rules.HeldCertificate("social_worker_assistant", dt.date(2025, 1, 1))
    s = rules.HeldCertificate("social_worker", dt.date(2026, 3, 15))
    expired = rules.HeldCertificate("social_worker_senior", dt.date(2020, 1, 1), dt.date(2026, 2, 28))
    assert rules.allowance_kind([q], first, last) is None
    assert rules.allowance_kind([q, a], first, last) == "social_worker_assistant"
    assert rules.allowance_kind([a, s, expired], first, last) == "social_worker"
    assert rules.allowance_kind([s], dt.date(2026, 2, 1), dt.date(2026, 2, 28)) is None
    assert rules.expiring(expired, dt.date(2026, 1, 1), 60)


def test_secondment_at_least_a_month() -> None:
    """R-TRN-05: ≥ 1 month."""
    assert rules.secondment_long_enough(dt.date(2026, 3, 1), dt.date(2026, 3, 31), 1)
    assert not rules.secondment_long_enough(dt.date(2026, 3, 1), dt.date(2026, 3, 20), 1)


def test_reserve_sufficiency() -> None:
    """R-TRN-06: ≥ 2 secretary reserves in a professionalized village; 一职一备 for other posts."""
    one = rules.VillagePool(True, 1, {"VD": 1, "VM": 2}, {"PS": 1, "VD": 1, "VM": 2})
    r = rules.sufficiency(one, per_prof_village=2)
    assert (r.required, r.posts_without_reserve, r.short) == (2, (), True)
    two = rules.VillagePool(True, 2, {"VD": 1, "VM": 2}, {"PS": 2, "VD": 1, "VM": 1})
    r = rules.sufficiency(two, per_prof_village=2)
    assert (r.required, r.posts_without_reserve, r.short) == (2, ("VM",), True)
    plain = rules.VillagePool(False, 1, {"VD": 1}, {"PS": 1, "VD": 1})
    assert rules.sufficiency(plain, per_prof_village=2).short is False
    none = rules.VillagePool(True, 0, {"VD": 1}, {"VD": 1})
    assert rules.sufficiency(none, per_prof_village=2).posts_without_reserve == ("PS",)


def test_trained_years() -> None:
    """R-TRN-06: a new secretary comes from reserves trained ≥ 1 year."""
    assert rules.trained_years(dt.date(2025, 3, 1), dt.date(2026, 3, 1)) == 1
    assert rules.trained_years(dt.date(2025, 3, 2), dt.date(2026, 3, 1)) == 0
    assert rules.trained_years(None, dt.date(2026, 3, 1)) == 0


def test_secondment_quota() -> None:
    """R-TRN-05: ≥ 1 a year to city agencies, 20 % (rounded up) to township agencies."""
    q = rules.secondment_quota(6, 1, 1, city_per_township=1, township_share=D("0.20"))
    assert (q.required_city, q.required_township, q.short) == (1, 2, True)
    assert not rules.secondment_quota(6, 1, 2, city_per_township=1, township_share=D("0.20")).short
    assert not rules.secondment_quota(0, 0, 0, city_per_township=1, township_share=D("0.20")).short


def test_messages_in_english() -> None:
    """Chinese first; English from the app's locale."""
    from django.utils import translation

    with translation.override("en"):
        c = rules.compliance(REQ, rules.CadreYear(posts=frozenset({"PCM"}), hours=D(32)), as_of=AS_OF)
    assert c.shortfalls[0].message == "32 study hours this year, short of 56"
    with translation.override("zh-hans"):  # an earlier test's request may leave English active
        zh = rules.compliance(REQ, rules.CadreYear(posts=frozenset({"PCM"})), as_of=AS_OF)
    assert "学时" in zh.shortfalls[0].message
