"""Payroll's policy parameters as typed groups (one frozen dataclass per group), so that the
rules and mypy see names and types instead of string keys into a resolved policy.

Each group's field is named as its parameter in `touyan.policy.params` and defaults to its SPEC
default there (never repeated here); `Group.of(policy)` reads a resolved policy
(`policy_resolve`, or any mapping of parameter keys, e.g. `policy.params.DEFAULTS`). Pure.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol, Self

from touyan.policy.params import DEFAULTS


class Params(Protocol):
    """A resolved policy: `policy_resolve(...)`, or a mapping of parameter keys."""

    def __getitem__(self, key: str, /) -> Any: ...


class Group:
    """Base of a parameter group: every field is a parameter of the same name."""

    @classmethod
    def of(cls, p: Params | Mapping[str, Any]) -> Self:
        names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
        return cls(**{name: p[name] for name in names})


@dataclasses.dataclass(frozen=True)
class RewardParams(Group):
    """R-PAY-08: the collective-economy reward."""

    reward_rate: Decimal = DEFAULTS["reward_rate"]
    reward_cap_share: Decimal = DEFAULTS["reward_cap_share"]
    reward_min_months_in_post: int = DEFAULTS["reward_min_months_in_post"]


@dataclasses.dataclass(frozen=True)
class OneOffParams(Group):
    """R-PAY-09 honours and R-PAY-11 condolence payments, in yuan."""

    honour_county: Decimal = DEFAULTS["honour_county"]
    honour_prefecture: Decimal = DEFAULTS["honour_prefecture"]
    honour_province: Decimal = DEFAULTS["honour_province"]
    condolence_illness: Decimal = DEFAULTS["condolence_illness"]
    condolence_disabled: Decimal = DEFAULTS["condolence_disabled"]
    condolence_death: Decimal = DEFAULTS["condolence_death"]

    def amount(self, key: str) -> Decimal:
        """The amount of one kind (`honour_county`, `condolence_death`, …)."""
        value: Decimal = getattr(self, key)
        return value


@dataclasses.dataclass(frozen=True)
class WeakParams(Group):
    """R-PAY-12: the weak-collective-economy list."""

    weak_income: Decimal = DEFAULTS["weak_income"]
    weak_township_share: Decimal = DEFAULTS["weak_township_share"]
    weak_bonus_cut: Decimal = DEFAULTS["weak_bonus_cut"]


@dataclasses.dataclass(frozen=True)
class FloorParams(Group):
    """R-PAY-02: the annual floors a head post's pay at 称职 with full attendance must reach."""

    annual_floor_one_shoulder: Decimal = DEFAULTS["annual_floor_one_shoulder"]
    annual_floor_ps: Decimal = DEFAULTS["annual_floor_ps"]
    annual_floor_vd: Decimal = DEFAULTS["annual_floor_vd"]

    def of_post(self, post: str) -> Decimal | None:
        """The floor of a pay post (one_shoulder, PS, VD); deputies have none."""
        floors = {"one_shoulder": self.annual_floor_one_shoulder, "PS": self.annual_floor_ps}
        return (floors | {"VD": self.annual_floor_vd}).get(post)
