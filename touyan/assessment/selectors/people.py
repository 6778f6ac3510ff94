"""Set-based reads of the people a page lists: the cadres of a region in a span, the state of
their quarters, their attendance beside the score (a handful of queries per page whatever the
number of cadres)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from touyan.cadres import hooks
from touyan.cadres.models import Person, Post

from .. import rules
from ..models import QuarterlyEvaluation

PARTY = ("party_member", "probationary_member")


@dataclass(frozen=True)
class Member:
    """A cadre as one row of a township or village page."""

    person_id: int
    name: str
    village_id: str
    village_name: str
    posts: tuple[str, ...]  # post codes held within the span, most senior first
    political_status: str = ""


def _held_posts(
    *,
    prefix: str,
    first: dt.date,
    last: dt.date,
    full_time: bool | None,
    professionalized: bool | None,
    posts: Iterable[str] | None,
    exclude_posts: Iterable[str],
) -> dict[int, set[str]]:
    qs = Post.objects.filter(village__code__startswith=prefix, start_date__lte=last).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first)
    )
    if full_time is not None:
        qs = qs.filter(full_time=full_time)
    if professionalized is not None:
        qs = qs.filter(professionalized=professionalized)
    if posts is not None:
        qs = qs.filter(post__in=list(posts))
    qs = qs.exclude(post__in=list(exclude_posts))
    held: dict[int, set[str]] = defaultdict(set)
    for pid, code in qs.values_list("person_id", "post"):
        held[pid].add(code)
    return held


def members(
    *,
    prefix: str,
    first: dt.date,
    last: dt.date,
    full_time: bool | None = None,
    professionalized: bool | None = None,
    posts: Iterable[str] | None = None,
    exclude_posts: Iterable[str] = ("RSV", "FS"),
    party_only: bool = False,
    also: Iterable[int] = (),
) -> list[Member]:
    """People holding a post under the region prefix at some time in [first, last] (optionally only
    full-time, professionalized or some posts), plus `also` (people already assessed there), ordered
    by village, seniority and name. Three queries."""
    held = _held_posts(
        prefix=prefix,
        first=first,
        last=last,
        full_time=full_time,
        professionalized=professionalized,
        posts=posts,
        exclude_posts=exclude_posts,
    )
    ids = set(held) | set(also)
    if not ids:
        return []
    people = Person.objects.filter(pk__in=ids, village__code__startswith=prefix)
    if party_only:
        people = people.filter(political_status__in=PARTY)
    rows = [
        Member(
            p["id"],
            p["name"],
            p["village_id"],
            p["village__name"],
            tuple(sorted(held.get(p["id"], ()), key=rules.post_rank)),
            p["political_status"],
        )
        for p in people.values("id", "name", "village_id", "village__name", "political_status")
    ]
    rows.sort(key=lambda m: (m.village_id, rules.post_rank(m.posts[0]) if m.posts else 99, m.name, m.person_id))
    return rows


@dataclass(frozen=True)
class QuarterState:
    """The latest version of a quarter's evaluation and the latest final one (they differ while a
    correction is pending)."""

    current: QuarterlyEvaluation | None = None
    final: QuarterlyEvaluation | None = None

    @property
    def key(self) -> str:
        """The row's state tag (tags.QUARTER): none, draft, correcting or final."""
        if self.current is None:
            return "none"
        if self.current.status == QuarterlyEvaluation.Status.FINAL:
            return "final"
        return "correcting" if self.current.version > 1 else "draft"

    @property
    def is_final(self) -> bool:
        return self.current is not None and self.current.status == QuarterlyEvaluation.Status.FINAL

    @property
    def is_draft(self) -> bool:
        return self.current is not None and self.current.status == QuarterlyEvaluation.Status.DRAFT


def quarter_states(
    person_ids: Iterable[int], year: int, quarters: Iterable[int] = (1, 2, 3, 4)
) -> dict[tuple[int, int], QuarterState]:
    """(person, quarter) → QuarterState, in one query (R-ASMT-01)."""
    out: dict[tuple[int, int], QuarterState] = {}
    rows = QuarterlyEvaluation.objects.filter(
        person_id__in=list(person_ids), year=year, quarter__in=list(quarters)
    ).order_by("person_id", "quarter", "-version")
    for ev in rows:
        key = (ev.person_id, ev.quarter)
        state = out.get(key)
        if state is None:
            state = QuarterState(current=ev)
        if state.final is None and ev.status == QuarterlyEvaluation.Status.FINAL:
            state = QuarterState(current=state.current, final=ev)
        out[key] = state
    return out


def assessed_in(model: Any, *, prefix: str, **filters: Any) -> set[int]:
    """People with a record of `model` under the prefix (they stay on the page after a post change)."""
    return set(model.objects.filter(village__code__startswith=prefix, **filters).values_list("person_id", flat=True))


@dataclass(frozen=True)
class MonthPresence:
    month: int
    present: int
    required: int


def quarter_attendance(*, prefix: str, year: int, quarter: int, today: dt.date) -> dict[int, list[MonthPresence]]:
    """Present / required days (SPEC A4) of each full-time cadre in the quarter's months that have
    begun — one input to the quarterly evaluation, not the evaluation itself. Attendance answers
    through `cadres.hooks.month_presence` (a sibling app: assessment does not import it)."""
    out: dict[int, list[MonthPresence]] = defaultdict(list)
    for month in rules.QUARTER_MONTHS[quarter]:
        if dt.date(year, month, 1) > today:
            continue
        for person_id, present, required in hooks.month_presence(prefix=prefix, year=year, month=month):
            out[person_id].append(MonthPresence(month, present, required))
    return out


def is_secretary(person_id: int, on: dt.date) -> bool:
    """Whether the person holds the Party secretary post on the day (target plans, R-ASMT-06)."""
    from touyan.cadres.selectors import current_posts

    return current_posts(on).filter(person_id=person_id, post="PS").exists()
