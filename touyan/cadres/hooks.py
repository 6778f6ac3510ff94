"""Hooks cadres offers the apps above it, which register in their AppConfig.ready
(docs/app-shape.md: a lower app never imports a higher one, nor one of its own level).

Attendance registers all three: a full-time post begun, ended or imported on a date inside a
month a township has already locked changes that month's stored results, which the pay run reads
(R-ATT-01, A4, WF-8); and it answers how many days each full-time cadre was present in a month,
which assessment's quarterly board shows beside the score (its sibling, so it asks here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

# fn(*, person_id, village_code, start, end): one cadre's full-time post changed from `start` on.
PostChanged = Callable[..., None]
# fn(since) -> township-months refreshed: `since` maps a township's code to the earliest date an
# import touched a full-time post of its villages.
PostsImported = Callable[[Mapping[str, dt.date]], int]

# fn(*, prefix, year, month) -> [(person_id, present days, required days)] for every full-time cadre
# under the region prefix in the month (SPEC A4).
MonthPresence = Callable[..., Iterable[tuple[int, int, int]]]

_POST_CHANGED: dict[str, PostChanged] = {}
_POSTS_IMPORTED: dict[str, PostsImported] = {}
_MONTH_PRESENCE: dict[str, MonthPresence] = {}


def _key(fn: Callable[..., object]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def register_post_changed(fn: PostChanged) -> PostChanged:
    _POST_CHANGED[_key(fn)] = fn
    return fn


def register_posts_imported(fn: PostsImported) -> PostsImported:
    _POSTS_IMPORTED[_key(fn)] = fn
    return fn


def register_month_presence(fn: MonthPresence) -> MonthPresence:
    _MONTH_PRESENCE[_key(fn)] = fn
    return fn


def post_changed(*, person_id: int, village_code: str, start: dt.date, end: dt.date) -> None:
    """Tell the registered apps that a full-time post of the cadre changed between the dates."""
    for fn in _POST_CHANGED.values():
        fn(person_id=person_id, village_code=village_code, start=start, end=end)


def posts_imported(since: Mapping[str, dt.date]) -> int:
    """Tell the registered apps which townships an import touched; how many months they refreshed."""
    if not since:
        return 0
    return sum(fn(since) for fn in _POSTS_IMPORTED.values())


def month_presence(*, prefix: str, year: int, month: int) -> list[tuple[int, int, int]]:
    """(person_id, present days, required days) of the full-time cadres under the prefix in the
    month, from the registered app (none registered: no rows)."""
    return [row for fn in _MONTH_PRESENCE.values() for row in fn(prefix=prefix, year=year, month=month)]
