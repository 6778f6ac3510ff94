"""Pure policy rules: merging up the tree, [law] locks, consistency checks."""

from __future__ import annotations

from decimal import Decimal

from touyan.policy import rules
from touyan.policy.params import DEFAULTS, FullParams


def test_defaults_are_the_spec_numbers() -> None:
    """R-ATT-01 22 days, R-POS-01 3 cadres, R-PAY-02 3× and 42,000/50,000, R-PAY-04 0.4, R-ORG-02 5 years."""
    assert DEFAULTS["min_days_per_month"] == 22
    assert DEFAULTS["full_time_quota_per_village"] == 3
    assert DEFAULTS["base_multiple"] == Decimal("3")
    assert DEFAULTS["annual_floor_ps"] == Decimal("42000")
    assert DEFAULTS["annual_floor_one_shoulder"] == Decimal("50000")
    assert DEFAULTS["perf_share"] == Decimal("0.4")
    assert DEFAULTS["term_years"] == 5
    assert DEFAULTS["reelection_uplift"] == Decimal("0.05")
    assert DEFAULTS["tier2_amount"] == Decimal("600")
    assert DEFAULTS["pension_subsidy"] == Decimal("2000")


def test_nearest_region_wins() -> None:
    merged = rules.merge(
        [
            rules.Layer("522301000000", 2, {"min_days_per_month": 20}),
            rules.Layer("522300000000", 1, {"min_days_per_month": 21, "full_time_quota_per_village": 4}),
        ]
    )
    assert merged.values["min_days_per_month"] == 20
    assert merged.sources["min_days_per_month"] == "522301000000"
    assert merged.values["full_time_quota_per_village"] == 4
    assert merged.sources["full_time_quota_per_village"] == "522300000000"
    assert merged.sources["perf_share"] is None
    assert merged.documents == (1, 2)


def test_law_keys_cannot_be_overridden_by_any_layer() -> None:
    """R-ORG-02: the 5-year term is [law]."""
    merged = rules.merge([rules.Layer("522301000000", 1, {"term_years": 3})])
    assert merged.values["term_years"] == 5
    assert merged.sources["term_years"] is None


def test_default_policy_is_consistent() -> None:
    assert rules.check_consistency(FullParams().model_dump()) == {}


def test_floor_check_uses_spec_worked_example() -> None:
    """SPEC A6.9 / R-PAY-02: one-shoulder 42,000 + 28,000 = 70,000 ≥ 50,000."""
    assert rules.annual_pay_at_competent(Decimal("42000"), Decimal("0.4"), Decimal("1.0")) == Decimal("70000")


def test_floor_broken_names_the_post() -> None:
    """R-PAY-02: a one-shoulder standard of 29,000 gives 29,000/0.6 = 48,333.33 < 50,000."""
    values = FullParams(base_standard_one_shoulder=Decimal("29000")).model_dump()
    errors = rules.check_consistency(values)
    assert list(errors) == ["base_standard_one_shoulder"]
    assert "一肩挑" in errors["base_standard_one_shoulder"]
    assert "48333.33" in errors["base_standard_one_shoulder"]


def test_weights_must_sum_to_one() -> None:
    """R-ASMT-02: w_work 0.7 + w_demo 0.3."""
    values = FullParams(w_work=Decimal("0.6")).model_dump()
    assert "w_demo" in rules.check_consistency(values)
