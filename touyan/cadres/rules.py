"""Pure rules over a cadre's posts: one-shoulder, the post that counts for pay,
consecutive terms, age (R-POS-01/02, R-ORG-05, SPEC A6.1 and A6.3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.utils.translation import gettext as _

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


# --- Quotas (R-POS-01/03/04) -------------------------------------------------------------------------
@dataclass(frozen=True)
class QuotaLimits:
    full_time_per_village: int
    prof_secretary_share: Decimal
    young_share: Decimal


@dataclass(frozen=True)
class QuotaCounts:
    """Counts after a change, for the change's village and its township."""

    villages_in_township: int
    full_time_in_village: int  # people holding a full-time post in the village
    prof_secretaries_in_township: int  # professionalised secretaries (专业化书记)
    young_in_township: int  # young professional cadres (年轻专业化干部)


@dataclass(frozen=True)
class QuotaBreach:
    rule: str
    message: str


def share_cap(share: Decimal, villages: int) -> int:
    """The most a share of a township's villages allows: ⌊share × villages⌋ (R-POS-03/04)."""
    return int((share * villages).to_integral_value(rounding=ROUND_FLOOR))


def quota_breaches(counts: QuotaCounts, limits: QuotaLimits, *, touches: frozenset[str]) -> list[QuotaBreach]:
    """The quotas a change breaks, among those it touches ("full_time", "prof_secretary", "young").

    R-POS-01: at most `full_time_quota_per_village` full-time cadres per village.
    R-POS-03: professionalised secretaries at most `prof_secretary_share` of the township's villages.
    R-POS-04: young professional cadres at most `young_share` of the township's villages."""
    out: list[QuotaBreach] = []
    if "full_time" in touches and counts.full_time_in_village > limits.full_time_per_village:
        out.append(
            QuotaBreach(
                "R-POS-01",
                _("超出专职干部职数(R-POS-01):每村核定 %(n)s 名,调整后为 %(c)s 名")
                % {"n": limits.full_time_per_village, "c": counts.full_time_in_village},
            )
        )
    cap = share_cap(limits.prof_secretary_share, counts.villages_in_township)
    if "prof_secretary" in touches and counts.prof_secretaries_in_township > cap:
        out.append(
            QuotaBreach(
                "R-POS-03",
                _("超出专业化书记比例(R-POS-03):本乡镇 %(v)s 个村,最多 %(cap)s 名,调整后为 %(c)s 名")
                % {"v": counts.villages_in_township, "cap": cap, "c": counts.prof_secretaries_in_township},
            )
        )
    cap = share_cap(limits.young_share, counts.villages_in_township)
    if "young" in touches and counts.young_in_township > cap:
        out.append(
            QuotaBreach(
                "R-POS-04",
                _("超出年轻专业化干部比例(R-POS-04):本乡镇 %(v)s 个村,最多 %(cap)s 名,调整后为 %(c)s 名")
                % {"v": counts.villages_in_township, "cap": cap, "c": counts.young_in_township},
            )
        )
    return out


def quota_touches(post: str, *, full_time: bool, professionalized: bool) -> frozenset[str]:
    """Which quotas a new or changed post counts against."""
    touches = set()
    if full_time:
        touches.add("full_time")
    if professionalized:
        touches.add("prof_secretary" if post == "PS" else "young" if post not in HEAD_POSTS else "")
    touches.discard("")
    return frozenset(touches)
