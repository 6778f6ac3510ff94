"""Stars of village Party organisations (R-PTY-03), Party members' pioneer points (R-PTY-02) and
the township ranking (A4 officers only; R-POS-03)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .scores import q2

# --- stars (R-PTY-03) and pioneer points (R-PTY-02) -----------------------------------------------------------------


def stars(score: Decimal, *, innovation: bool = False) -> int:
    """R-PTY-03: ≥90 with an innovation project → 5★; 80–89 → 4★ (≥90 without one also 4★);
    70–79 → 3★; 60–69 → 2★; <60 → 1★."""
    if score >= 90 and innovation:
        return 5
    if score >= 80:
        return 4
    if score >= 70:
        return 3
    if score >= 60:
        return 2
    return 1


# R-PTY-02's typical model: yearly caps of the basic duties (60) and the pioneer role (40).
PIONEER_CAPS: dict[str, Decimal] = {
    "study": Decimal(20),
    "organisational_life": Decimal(20),
    "duties": Decimal(20),
    "service": Decimal(20),
    "governance": Decimal(10),
    "urgent_tasks": Decimal(10),
}
PIONEER_BONUS, PIONEER_PENALTY = "bonus", "penalty"
PIONEER_ITEMS = (*PIONEER_CAPS, PIONEER_BONUS, PIONEER_PENALTY)


@dataclass(frozen=True)
class PointItem:
    code: str
    points: Decimal


def pioneer_total(
    entries: Sequence[PointItem],
    caps: Mapping[str, Decimal],
    *,
    bonus_cap: Decimal = Decimal(10),
    penalty_floor: Decimal = Decimal(-20),
) -> Decimal:
    """R-PTY-02: points by item, each item capped per year; bonus items (code "bonus")
    capped at +10, penalties (code "penalty") floored at −20."""
    by_item: dict[str, Decimal] = {}
    for e in entries:
        by_item[e.code] = by_item.get(e.code, Decimal(0)) + e.points
    total = Decimal(0)
    for code, value in by_item.items():
        if code == PIONEER_BONUS:
            total += min(value, bonus_cap)
        elif code == PIONEER_PENALTY:
            total += max(value, penalty_floor)
        else:
            total += min(value, caps.get(code, value))
    return q2(total)


def pioneer_sign_ok(item: str, points: Decimal) -> bool:
    """R-PTY-02: a penalty is negative, every other entry positive."""
    return (item == PIONEER_PENALTY) == (points < 0)


# --- the township ranking (A4 officers only; R-POS-03) -------------------------------------------------------------


def competition_ranks(totals: Sequence[Decimal]) -> list[int]:
    """Ranks of totals sorted best first, equal totals sharing a rank ("1224")."""
    ranks: list[int] = []
    for i, total in enumerate(totals):
        ranks.append(ranks[-1] if i and total == totals[i - 1] else i + 1)
    return ranks


def in_top_share(rank: int, out_of: int, share: Decimal) -> bool:
    """R-POS-03: last year's assessment in the township's top `share` (½ by default): the rank
    is within share × the number assessed (5 assessed, top half → ranks 1 and 2)."""
    return out_of > 0 and Decimal(rank) <= share * out_of
