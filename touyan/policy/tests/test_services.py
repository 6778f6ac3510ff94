"""Policy documents on the database: inheritance, dates, locks, validation (SPEC A3, B4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conftest import COUNTY_A, PREFECTURE, VILLAGE_A1
from touyan.audit.models import AuditEvent
from touyan.core.errors import Forbidden, InvalidInput, NotFound
from touyan.policy.models import PolicyDocument
from touyan.policy.selectors import policy_resolve
from touyan.policy.services import policy_put

D = dt.date


def test_county_override_wins_over_prefecture(personas) -> None:
    policy_put(
        actor=personas["prefecture_admin"],
        region_code=PREFECTURE,
        effective_from=D(2026, 1, 1),
        params={"min_days_per_month": 21, "full_time_quota_per_village": 4},
    )
    policy_put(
        actor=personas["county_a_admin"],
        region_code=COUNTY_A,
        effective_from=D(2026, 1, 1),
        params={"min_days_per_month": 20},
    )
    village = policy_resolve(VILLAGE_A1, D(2026, 3, 1))
    assert village["min_days_per_month"] == 20
    assert village.sources["min_days_per_month"] == COUNTY_A
    assert village["full_time_quota_per_village"] == 4
    assert village.sources["full_time_quota_per_village"] == PREFECTURE
    assert village["perf_share"] == Decimal("0.4")
    assert village.sources["perf_share"] is None
    # County B only inherits the prefecture's values.
    assert policy_resolve("522302001001", D(2026, 3, 1))["min_days_per_month"] == 21


def test_later_effective_from_wins_from_that_day(personas) -> None:
    admin = personas["county_a_admin"]
    policy_put(actor=admin, region_code=COUNTY_A, effective_from=D(2026, 1, 1), params={"min_days_per_month": 20})
    policy_put(actor=admin, region_code=COUNTY_A, effective_from=D(2026, 7, 1), params={"min_days_per_month": 18})
    assert policy_resolve(COUNTY_A, D(2025, 12, 31))["min_days_per_month"] == 22
    assert policy_resolve(COUNTY_A, D(2026, 6, 30))["min_days_per_month"] == 20
    assert policy_resolve(COUNTY_A, D(2026, 7, 1))["min_days_per_month"] == 18
    # Same date again: the newer version wins.
    policy_put(actor=admin, region_code=COUNTY_A, effective_from=D(2026, 7, 1), params={"min_days_per_month": 19})
    assert policy_resolve(COUNTY_A, D(2026, 8, 1))["min_days_per_month"] == 19


def test_law_value_cannot_be_overridden(personas) -> None:
    """R-ORG-02: term_years is [law]."""
    with pytest.raises(InvalidInput) as exc:
        policy_put(
            actor=personas["county_a_admin"],
            region_code=COUNTY_A,
            effective_from=D(2026, 1, 1),
            params={"term_years": 3},
        )
    assert "params.term_years" in exc.value.errors
    assert PolicyDocument.objects.count() == 0


def test_invalid_document_names_the_field(personas) -> None:
    with pytest.raises(InvalidInput) as exc:
        policy_put(
            actor=personas["county_a_admin"],
            region_code=COUNTY_A,
            effective_from=D(2026, 1, 1),
            params={"min_days_per_month": "abc", "no_such_key": 1, "perf_share": "0.95"},
        )
    assert set(exc.value.errors) == {"params.min_days_per_month", "params.no_such_key", "params.perf_share"}


def test_pay_floor_refused_naming_the_post(personas) -> None:
    """R-PAY-02 / A6.9: one-shoulder 29,000 → 48,333.33 a year at 称职 < 50,000."""
    with pytest.raises(InvalidInput) as exc:
        policy_put(
            actor=personas["county_a_admin"],
            region_code=COUNTY_A,
            effective_from=D(2026, 1, 1),
            params={"base_standard_one_shoulder": "29000"},
        )
    assert "一肩挑" in exc.value.errors["params.base_standard_one_shoulder"][0]


def test_parent_change_checked_against_child_documents(personas) -> None:
    """A prefecture cannot raise a floor that a county's own standard then breaks."""
    policy_put(
        actor=personas["county_a_admin"],
        region_code=COUNTY_A,
        effective_from=D(2026, 1, 1),
        params={"base_standard_ps": "26000"},
    )  # 26000/0.6 = 43,333 ≥ 42,000
    with pytest.raises(InvalidInput) as exc:
        policy_put(
            actor=personas["prefecture_admin"],
            region_code=PREFECTURE,
            effective_from=D(2026, 1, 1),
            params={"annual_floor_ps": "45000"},
        )
    assert COUNTY_A in exc.value.errors["params.base_standard_ps"][0]


def test_scope_and_role(personas) -> None:
    with pytest.raises(NotFound):
        policy_put(actor=personas["county_b_admin"], region_code=COUNTY_A, effective_from=D(2026, 1, 1), params={})
    with pytest.raises(Forbidden):
        policy_put(actor=personas["township_a1"], region_code="522301001000", effective_from=D(2026, 1, 1), params={})
    with pytest.raises(NotFound):
        policy_put(actor=personas["county_a_admin"], region_code=PREFECTURE, effective_from=D(2026, 1, 1), params={})


def test_put_is_audited_with_old_and_new(personas) -> None:
    admin = personas["county_a_admin"]
    policy_put(actor=admin, region_code=COUNTY_A, effective_from=D(2026, 1, 1), params={"min_days_per_month": 20})
    doc = policy_put(
        actor=admin,
        region_code=COUNTY_A,
        effective_from=D(2026, 2, 1),
        params={"min_days_per_month": 21},
        note="县委组织部文件",
    )
    event = AuditEvent.objects.get(action="policy.put", object_id=str(doc.pk))
    assert event.changes["min_days_per_month"] == [20, 21]
    assert event.actor == admin
    assert event.region_code == COUNTY_A
    assert event.reason == "县委组织部文件"


@pytest.mark.parametrize("many_regions", [2000, 0])
def test_resolve_many_agrees_with_resolve_one_by_one(personas, monkeypatch, many_regions) -> None:
    """policy_resolve_many gives what policy_resolve gives for each region, whether it names the regions
    in the query or (for many regions, issue #4) reads every document in force."""
    from touyan.policy import selectors

    monkeypatch.setattr(selectors, "MANY_REGIONS", many_regions)
    policy_put(actor=personas["prefecture_admin"], region_code=PREFECTURE, effective_from=D(2026, 1, 1),
               params={"min_days_per_month": 21})  # fmt: skip
    policy_put(actor=personas["county_a_admin"], region_code=COUNTY_A, effective_from=D(2026, 1, 1),
               params={"min_days_per_month": 20})  # fmt: skip
    policy_put(actor=personas["county_a_admin"], region_code=COUNTY_A, effective_from=D(2026, 6, 1),
               params={"min_days_per_month": 19})  # fmt: skip
    codes = [VILLAGE_A1, "522301002001", "522302001001", "522301001000", COUNTY_A, "530000000000"]
    for day in (D(2025, 12, 31), D(2026, 3, 1), D(2026, 6, 1)):
        many = selectors.policy_resolve_many(codes, day)
        for code in codes:
            one = policy_resolve(code, day)
            assert (many[code].params, many[code].sources, many[code].documents) == (
                one.params,
                one.sources,
                one.documents,
            ), (code, day)
    assert selectors.policy_resolve_many([VILLAGE_A1], D(2026, 3, 1))[VILLAGE_A1]["min_days_per_month"] == 20
