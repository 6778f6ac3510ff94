"""Village affairs' figures for the oversight cockpit (SPEC A8): disclosure timeliness and objections.

Plain functions of (region prefix, day) returning counts, read set-based at every level (a province's
≈30,000 villages × ≈50 catalogue items are never walked one by one): the dashboards app, above
affairs in the layers, registers them as its `affairs` block and alert sources.

R-OPEN-01/02 timeliness: villages are grouped by what their policy asks of them (the catalogue's
periodic items with the last closed period of each and its deadline, the same for every village
that resolves the same policy); for each group, one aggregate counts per (item, period) the villages
that published it. The number of queries depends on the number of distinct policies, never on the
number of villages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr

from touyan.policy.selectors import policy_resolve_many
from touyan.regions.models import Region

from . import rules
from .models import DisclosureItem, Objection


@dataclass(frozen=True)
class Wanted:
    """One periodic catalogue item's last closed period, as a village's policy asks for it."""

    code: str
    title: str
    period: str
    deadline: dt.date


@dataclass(frozen=True)
class Timeliness:
    """R-OPEN-01/02 under a region on a day: (village, item) pairs due, published, overdue."""

    due: int
    published: int
    overdue: int

    @property
    def waiting(self) -> int:
        return self.due - self.published - self.overdue


def _wanted(policy: Any, on: dt.date) -> tuple[Wanted, ...]:
    out = []
    for entry in policy["disclosure_catalogue"]:
        schedule = rules.effective_schedule(
            entry.schedule, finance_period=policy["finance_period"], party_period=policy["party_affairs_period"]
        )
        period = rules.last_closed_period(schedule, on)
        if period is not None:
            deadline = rules.disclosure_deadline(period, policy["quarter_disclosure_day"])
            out.append(Wanted(entry.code, entry.title, period.code, deadline))
    return tuple(out)


def village_groups(prefix: str, on: dt.date) -> tuple[dict[tuple[Wanted, ...], list[str]], int]:
    """The region's villages grouped by the items their policy asks for on `on` (few groups), and
    the number of villages."""
    codes = list(
        Region.objects.filter(code__startswith=prefix, level="village").order_by("code").values_list("code", flat=True)
    )
    if not codes:
        return {}, 0
    policies = policy_resolve_many(codes, on)
    by_policy: dict[int, tuple[Wanted, ...]] = {}
    groups: dict[tuple[Wanted, ...], list[str]] = defaultdict(list)
    for code in codes:
        p = policies[code]
        key = by_policy.get(id(p))
        if key is None:
            key = by_policy[id(p)] = _wanted(p, on)
        if key:
            groups[key].append(code)
    return dict(groups), len(codes)


def under(prefix: str) -> Q:
    """The villages under a code prefix as a range of 12-digit codes (an index range scan)."""
    return Q(village_id__gte=prefix.ljust(12, "0"), village_id__lte=prefix.ljust(12, "9")) if prefix else Q()


def _pairs(wanted: tuple[Wanted, ...]) -> Q:
    q = Q()
    for w in wanted:
        q |= Q(item_code=w.code, period=w.period)
    return q


def published_per_item(
    prefix: str, wanted: tuple[Wanted, ...], villages: list[str], whole: bool
) -> dict[tuple[str, str], int]:
    """For each wanted (item, period): how many of the villages have published it (one aggregate;
    the villages by prefix when the group is the whole region)."""
    qs = DisclosureItem.objects.filter(state=DisclosureItem.State.PUBLISHED).filter(_pairs(wanted))
    qs = qs.filter(under(prefix)) if whole else qs.filter(village_id__in=villages)
    rows = qs.values("item_code", "period").annotate(n=Count("village_id", distinct=True)).order_by()
    return {(r["item_code"], r["period"]): r["n"] for r in rows}


def timeliness(prefix: str, on: dt.date) -> Timeliness:
    """R-OPEN-01/02: for every village under `prefix` and every periodic item of its catalogue, the
    last closed period: `due` pairs, `published` (an item of that period is published), `overdue`
    (unpublished past its deadline, R-OPEN-02's `quarter_disclosure_day`)."""
    groups, total = village_groups(prefix, on)
    due = published = overdue = 0
    for wanted, villages in groups.items():
        whole = len(villages) == total
        done = published_per_item(prefix, wanted, villages, whole)
        for w in wanted:
            n = done.get((w.code, w.period), 0)
            due += len(villages)
            published += n
            if on > w.deadline:
                overdue += len(villages) - n
    return Timeliness(due, published, overdue)


def overdue_objections(prefix: str, on: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """R-OPEN-03: objections still open after their reply date (`objection_reply_days`, 10):
    (village, village name, filed on, reply due), the oldest first."""
    return list(
        Objection.objects.filter(under(prefix), state=Objection.State.OPEN, reply_due__lt=on, filed_on__lte=on)
        .order_by("reply_due", "pk")
        .values_list("village_id", "village__name", "filed_on", "reply_due")
    )


def overdue_by_township(prefix: str, on: dt.date) -> dict[str, int]:
    """R-OPEN-02 per township (12-digit code): (village, item) pairs of the last closed periods still
    unpublished past their deadline — for regions too large to list item by item. One aggregate per
    group of villages, by township and item."""
    groups, total = village_groups(prefix, on)
    out: dict[str, int] = defaultdict(int)
    for wanted, villages in groups.items():
        late = tuple(w for w in wanted if on > w.deadline)
        if not late:
            continue
        per_town: dict[str, int] = defaultdict(int)
        for v in villages:
            per_town[v[:9]] += 1
        qs = DisclosureItem.objects.filter(state=DisclosureItem.State.PUBLISHED).filter(_pairs(late))
        qs = qs.filter(under(prefix)) if len(villages) == total else qs.filter(village_id__in=villages)
        done: dict[tuple[str, str, str], int] = {
            (r["t"], r["item_code"], r["period"]): r["n"]
            for r in qs.annotate(t=Substr("village_id", 1, 9))
            .values("t", "item_code", "period")
            .annotate(n=Count("village_id", distinct=True))
            .order_by()
        }
        for town, n in per_town.items():
            missing = sum(n - done.get((town, w.code, w.period), 0) for w in late)
            if missing:
                out[town.ljust(12, "0")] += missing
    return dict(out)
