"""Division-code rules (pure)."""

from __future__ import annotations

import pytest

from touyan.regions import rules


@pytest.mark.parametrize(
    ("raw", "full", "level", "prefix"),
    [
        ("52", "520000000000", "province", "52"),
        ("5223", "522300000000", "prefecture", "5223"),
        ("522301", "522301000000", "county", "522301"),
        ("522301001", "522301001000", "township", "522301001"),
        ("522301001001", "522301001001", "village", "522301001001"),
        ("522301000000", "522301000000", "county", "522301"),
    ],
)
def test_codes(raw: str, full: str, level: str, prefix: str) -> None:
    assert rules.normalize_code(raw) == full
    assert rules.level_of(raw) == level
    assert rules.prefix_of(raw) == prefix


@pytest.mark.parametrize("raw", ["", "5", "52230", "52a3", "5223010010011", " "])
def test_bad_codes(raw: str) -> None:
    with pytest.raises(rules.BadCode):
        rules.normalize_code(raw)


def test_ancestors_and_parent() -> None:
    assert rules.ancestors("522301001001") == [
        "522301001001",
        "522301001000",
        "522301000000",
        "522300000000",
        "520000000000",
    ]
    assert rules.parent_code("520000000000") is None
    assert rules.is_under("522301001001", "522301")
    assert not rules.is_under("522302001001", "522301")
