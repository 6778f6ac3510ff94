"""Pure rules over a cadre's posts: one-shoulder, the post that counts for pay,
consecutive terms, age (R-POS-01/02, R-ORG-05, SPEC A6.1 and A6.3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

HEAD_POSTS = frozenset({"PS", "VD"})
DEPUTY_POSTS = frozenset({"PDS", "PCM", "VDD", "VM", "CLK", "ACC", "BK"})
# Post lines for consecutive terms: one-shoulder secretaries continue the PS line.
POST_LINE = {"PS": "PS", "VD": "VD"}


@dataclass(frozen=True)
class Span:
    post: str
    start: dt.date
    end: dt.date | None


def one_shoulder(posts: Iterable[str]) -> str | None:
    """R-ORG-05: secretary who is also director (一肩挑), and also heads the
    collective economic organisation (一肩三挑)."""
    held = set(posts)
    if {"PS", "VD"} <= held:
        return "one_shoulder_three" if "CEO" in held else "one_shoulder"
    return None


def pay_post(posts: Iterable[str]) -> str | None:
    """SPEC A6.1: the highest post held — one_shoulder > PS > VD > deputy."""
    held = set(posts)
    if one_shoulder(held):
        return "one_shoulder"
    if "PS" in held:
        return "PS"
    if "VD" in held:
        return "VD"
    if held & DEPUTY_POSTS:
        return "deputy"
    return None


def consecutive_terms(history: Sequence[Span], current: Span, gap_days: int = 90) -> int:
    """SPEC A6.3 / R-PAY-05: earlier terms in the same post line that run into the
    current one without a break longer than `gap_days`."""
    line = POST_LINE.get(current.post, current.post)
    earlier = sorted(
        (s for s in history if POST_LINE.get(s.post, s.post) == line and s.start < current.start and s.end),
        key=lambda s: s.start,
        reverse=True,
    )
    n = 0
    next_start = current.start
    for span in earlier:
        assert span.end is not None
        if (next_start - span.end).days > gap_days:
            break
        n += 1
        next_start = span.start
    return n


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_current(span: Span, day: dt.date) -> bool:
    return span.start <= day and (span.end is None or span.end >= day)
