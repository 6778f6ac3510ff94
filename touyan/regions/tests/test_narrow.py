"""The one scoped-list filter (`narrow_to_region`, `region_filter`): a list's ?region= / ?village=
narrows an in-scope queryset; outside the scope NotFound, a malformed code InvalidInput."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import COUNTY_A, TOWNSHIP_A1, TOWNSHIP_B1, VILLAGE_A1
from touyan.core.errors import InvalidInput, NotFound
from touyan.regions.models import Region
from touyan.regions.scope import scope_filter
from touyan.regions.selectors import narrow_to_region, region_filter


def _villages(user: Any) -> Any:
    return scope_filter(Region.objects.filter(level="village"), user, "code").order_by("code")


def test_no_code_leaves_the_list_as_it_is(personas: dict[str, Any]) -> None:
    user = personas["county_a_admin"]
    for code in (None, "", "  "):
        qs, region = narrow_to_region(_villages(user), actor=user, code=code, field="code")
        assert region is None
        assert list(qs.values_list("code", flat=True)) == ["522301001001", "522301001002", "522301002001"]


def test_a_region_in_scope_narrows_the_list(personas: dict[str, Any]) -> None:
    user = personas["county_a_admin"]
    qs, region = narrow_to_region(_villages(user), actor=user, code=TOWNSHIP_A1, field="code")
    assert region is not None and region.code == TOWNSHIP_A1
    assert list(qs.values_list("code", flat=True)) == ["522301001001", "522301001002"]
    short, _r = narrow_to_region(_villages(user), actor=user, code="522301001", field="code")  # a 9-digit code
    assert list(short.values_list("code", flat=True)) == ["522301001001", "522301001002"]
    one, _v = narrow_to_region(_villages(user), actor=user, code=VILLAGE_A1, field="code", param="village")
    assert list(one.values_list("code", flat=True)) == [VILLAGE_A1]


def test_outside_the_scope_is_not_found(personas: dict[str, Any]) -> None:
    user = personas["township_a1"]
    with pytest.raises(NotFound):
        narrow_to_region(_villages(user), actor=user, code=TOWNSHIP_B1, field="code")
    with pytest.raises(NotFound):
        region_filter(actor=user, code=COUNTY_A)  # above the scope too


@pytest.mark.parametrize("bad", ["abc", "52230", "5223010010011"])
def test_a_malformed_code_is_refused_on_its_field(personas: dict[str, Any], bad: str) -> None:
    user = personas["county_a_admin"]
    with pytest.raises(InvalidInput) as exc:
        narrow_to_region(_villages(user), actor=user, code=bad, field="code", param="village")
    assert list(exc.value.field_errors()) == ["village"]
