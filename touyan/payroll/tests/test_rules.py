"""SPEC A6 with its own worked example (R-PAY-02…07, R-POS-04)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from touyan.payroll import rules

POLICY = rules.PayPolicy()


def test_worked_example_march_payslip() -> None:
    """A6: income_ref 14,000; one-shoulder, re-elected twice, tier 2; Q1 称职; 57 of 59 days.
    base = max(42,000, 42,000) × 1.10 = 46,200 → 3,850.00; perf target 28,000 → pot 7,000 × 0.9661 = 6,762.70;
    allowance 600.00; pension subsidy 166.67 → 11,379.37."""
    facts = rules.PayFacts(
        year=2026,
        month=3,
        pay_post="one_shoulder",
        income_ref=D(14000),
        consecutive_terms=2,
        professionalized_secretary=True,
        tier=2,
        quarter=rules.QuarterFacts("competent", 21 + 16 + 20, 21 + 16 + 22),
    )
    lines = {line.component: line.amount for line in rules.compute_pay(facts, POLICY)}
    assert lines == {
        "base": D("3850.00"),
        "performance": D("6762.70"),
        "allowance": D("600.00"),
        "pension_subsidy": D("166.67"),
    }
    assert sum(lines.values()) == D("11379.37")


def test_year_sums_exactly() -> None:
    """A6.4 / A6.7: December takes the remainder — 11 × 166.67 + 166.63 = 2,000.00."""
    total_base = D(0)
    total_pension = D(0)
    for month in range(1, 13):
        facts = rules.PayFacts(
            year=2026, month=month, pay_post="PS", income_ref=D(13000), quarter=rules.QuarterFacts("competent", 22, 22)
        )
        for line in rules.compute_pay(facts, POLICY):
            total_base += line.amount if line.component == "base" else 0
            total_pension += line.amount if line.component == "pension_subsidy" else 0
    assert total_base == D("39000.00")  # max(36,000, 3 × 13,000 = 39,000)
    assert total_pension == D("2000.00")


def test_deputy_and_multiple_floor() -> None:
    """A6.1/A6.2: a deputy's standard is 0.8 × 36,000 = 28,800 < 3 × 12,000 = 36,000 → 3,000.00 a month;
    no pension subsidy for deputies (R-PAY-07 is for 村主干)."""
    facts = rules.PayFacts(year=2026, month=4, pay_post="deputy", income_ref=D(12000))
    assert [(x.component, x.amount) for x in rules.compute_pay(facts, POLICY)] == [("base", D("3000.00"))]


def test_grades_scale_performance() -> None:
    """R-PAY-04: 优秀 1.2, 基本称职 0.6, 不称职 0 of the quarter's pot (PS: 36,000 × 0.4/0.6 / 4 = 6,000)."""
    for grade, expected in [("excellent", "7200.00"), ("basically_competent", "3600.00"), ("incompetent", "0.00")]:
        facts = rules.PayFacts(
            year=2026, month=6, pay_post="PS", income_ref=D(10000), quarter=rules.QuarterFacts(grade, 60, 60)
        )
        perf = next(x for x in rules.compute_pay(facts, POLICY) if x.component == "performance")
        assert perf.amount == D(expected)


def test_quarter_end_needs_the_evaluation() -> None:
    with pytest.raises(rules.PayError, match="考核"):
        rules.compute_pay(rules.PayFacts(year=2026, month=9, pay_post="VD", income_ref=D(10000)), POLICY)


def test_compound_uplift() -> None:
    """R-PAY-05 with compound = true: 36,000 × 1.05² = 39,690 → 3,307.50."""
    policy = rules.PayPolicy(uplift_compound=True)
    facts = rules.PayFacts(year=2026, month=1, pay_post="PS", income_ref=D(10000), consecutive_terms=2)
    assert rules.compute_pay(facts, policy)[0].amount == D("3307.50")


def test_young_professional_cadre() -> None:
    """A6.8 / R-POS-04: 0.8 × 4,500 + 500 + 500 = 4,600.00 with a full-time college degree."""
    facts = rules.PayFacts(
        year=2026,
        month=5,
        pay_post="deputy",
        income_ref=D(14000),
        young_professional=True,
        full_time_college=True,
        ref_new_staff_monthly=D(4500),
    )
    assert [(x.component, x.amount) for x in rules.compute_pay(facts, POLICY)] == [("young_cadre", D("4600.00"))]


def test_attendance_factor() -> None:
    assert rules.attendance_factor(57, 59) == D("0.9661")
    assert rules.attendance_factor(70, 59) == D(1)
    assert rules.attendance_factor(0, 0) == D(1)
