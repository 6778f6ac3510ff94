"""Scoped reads of assessment data; the township ranking used by eligibility (R-POS-03); the
set-based reads behind the assessment pages (rows of cadres, quarter states, attendance beside
the score, grade distributions, pioneer totals)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet

from touyan.accounts.scope import scope_filter
from touyan.cadres.models import Person, Post
from touyan.regions import rules as region_rules
from touyan.regions.models import Region

from . import rules
from .models import AnnualAssessment, Consequence, Period, PioneerEntry, QuarterlyEvaluation


def current_quarterly(
    person_id: int, year: int, quarter: int, *, for_update: bool = False
) -> QuarterlyEvaluation | None:
    qs = QuarterlyEvaluation.objects.filter(person_id=person_id, year=year, quarter=quarter).order_by("-version")
    if for_update:
        qs = qs.select_for_update()
    return qs.first()


def quarterlies_in_scope(*, actor: Any) -> QuerySet[QuarterlyEvaluation]:
    return scope_filter(QuarterlyEvaluation.objects.all(), actor, "village__code")


def township_ranking(*, township_prefix: str, year: int) -> list[tuple[int, Decimal, int]]:
    """(person, total, rank) of the final annual assessments in a township, best first.
    Visible to officers only (no public ranking, A4)."""
    rows = list(
        AnnualAssessment.objects.filter(village__code__startswith=township_prefix, year=year, status="final")
        .order_by("-total", "person_id")
        .values_list("person_id", "total")
    )
    return [(pid, total, i + 1) for i, (pid, total) in enumerate(rows)]


def pioneer_score(person_id: int, year: int, caps: dict[str, Decimal]) -> Decimal:
    entries = [
        rules.PointItem(item, points)
        for item, points in PioneerEntry.objects.filter(person_id=person_id, date__year=year).values_list(
            "item", "points"
        )
    ]
    return rules.pioneer_total(entries, caps)


# --- Reads for the assessment pages (views.py) --------------------------------------------------------------------
# Each read is set-based: a handful of queries per page whatever the number of cadres.

POST_ORDER = ("PS", "VD", "PDS", "VDD", "CLK", "SD", "CEO", "ACC", "BK", "PCM", "VM", "SM", "FS", "RSV")
PARTY = ("party_member", "probationary_member")
QUARTER_MONTHS = {1: (1, 2, 3), 2: (4, 5, 6), 3: (7, 8, 9), 4: (10, 11, 12)}


def post_rank(code: str) -> int:
    return POST_ORDER.index(code) if code in POST_ORDER else len(POST_ORDER)


def quarter_span(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, quarter * 3 - 2, 1)
    last = dt.date(year, 12, 31) if quarter == 4 else dt.date(year, quarter * 3 + 1, 1) - dt.timedelta(days=1)
    return first, last


def half_span(year: int, half: int) -> tuple[dt.date, dt.date]:
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))


@dataclass(frozen=True)
class Member:
    """A cadre as one row of a township or village page."""

    person_id: int
    name: str
    village_id: str
    village_name: str
    posts: tuple[str, ...]  # post codes held within the span, most senior first
    political_status: str = ""


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
    ids = set(held) | set(also)
    if not ids:
        return []
    people = Person.objects.filter(pk__in=ids, village__code__startswith=prefix)
    if party_only:
        people = people.filter(political_status__in=PARTY)
    rows = [
        Member(p["id"], p["name"], p["village_id"], p["village__name"],
               tuple(sorted(held.get(p["id"], ()), key=post_rank)), p["political_status"])
        for p in people.values("id", "name", "village_id", "village__name", "political_status")
    ]  # fmt: skip
    rows.sort(key=lambda m: (m.village_id, post_rank(m.posts[0]) if m.posts else 99, m.name, m.person_id))
    return rows


@dataclass(frozen=True)
class QuarterState:
    """The latest version of a quarter's evaluation and the latest final one (they differ while a
    correction is pending)."""

    current: QuarterlyEvaluation | None = None
    final: QuarterlyEvaluation | None = None


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
    begun — one input to the quarterly evaluation, not the evaluation itself."""
    from touyan.attendance.selectors import monthly_summary

    out: dict[int, list[MonthPresence]] = defaultdict(list)
    for month in QUARTER_MONTHS[quarter]:
        if dt.date(year, month, 1) > today:
            continue
        for row in monthly_summary(prefix=prefix, year=year, month=month):
            out[row.person_id].append(MonthPresence(month, row.result.present_days, row.result.required_days))
    return out


def period_for(region_code: str, *, kind: str, year: int, number: int) -> Period | None:
    """The assessment period that covers a region: its own or the nearest ancestor's (WF-5)."""
    chain = region_rules.ancestors(region_code)
    found = {p.region_id: p for p in Period.objects.filter(region_id__in=chain, kind=kind, year=year, number=number)}
    return next((found[c] for c in chain if c in found), None)


def periods_progress(*, prefix: str, years: Iterable[int]) -> dict[tuple[int, int], tuple[int, int]]:
    """(year, quarter) → (cadres scored, of which final), counting each cadre's latest version."""
    latest: dict[tuple[int, int, int], str] = {}
    for pid, year, quarter, status in (
        QuarterlyEvaluation.objects.filter(village__code__startswith=prefix, year__in=list(years))
        .order_by("person_id", "year", "quarter", "-version")
        .values_list("person_id", "year", "quarter", "status")
    ):
        latest.setdefault((pid, year, quarter), status)
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for (_pid, year, quarter), status in latest.items():
        scored, final = out.get((year, quarter), (0, 0))
        out[(year, quarter)] = (scored + 1, final + (status == QuarterlyEvaluation.Status.FINAL))
    return out


def consequences_for(*, prefix: str, year: int) -> QuerySet[Consequence]:
    """The year's consequences (R-ASMT-05/07) under the prefix: open ones first."""
    return (
        Consequence.objects.filter(village__code__startswith=prefix)
        .filter(Q(source=f"annual:{year}") | Q(source__startswith=f"competency:{year}H"))
        .select_related("person", "village")
        .order_by(F("done_at").asc(nulls_first=True), "village_id", "person__name", "kind")
    )


@dataclass(frozen=True)
class GradeCounts:
    """Grades of one township: the distribution and the excellent quota check (R-ASMT-03)."""

    code: str
    name: str
    counts: dict[str, int]
    total: int
    final: int
    max_share: Decimal
    excellent_share: Decimal | None  # percent, one decimal
    over: bool

    @property
    def max_share_pct(self) -> Decimal:
        return (self.max_share * 100).quantize(Decimal("0.1")).normalize()


def grade_distribution(*, prefix: str, year: int, quarter: int | None = None) -> list[GradeCounts]:
    """Grades per township under the prefix: annual assessments (computed and final) or, with a
    quarter, each cadre's latest quarterly version; flags townships whose 优秀 share exceeds the
    policy's `excellent_max_share` (R-ASMT-03)."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from touyan.policy.selectors import policy_resolve_many

    townships = list(
        Region.objects.filter(code__startswith=prefix, level=region_rules.TOWNSHIP)
        .order_by("code")
        .values_list("code", "name")
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(rules.GRADES, 0))
    finals: dict[str, int] = defaultdict(int)
    if quarter is None:
        for row in (
            AnnualAssessment.objects.filter(village__code__startswith=prefix, year=year)
            .annotate(t=Substr("village_id", 1, 9))
            .values("t", "grade", "status")
            .annotate(n=Count("id"))
        ):
            counts[row["t"]][row["grade"]] += row["n"]
            if row["status"] == AnnualAssessment.Status.FINAL:
                finals[row["t"]] += row["n"]
    else:
        seen: set[int] = set()
        for pid, village, grade, status in (
            QuarterlyEvaluation.objects.filter(village__code__startswith=prefix, year=year, quarter=quarter)
            .order_by("person_id", "-version")
            .values_list("person_id", "village_id", "grade", "status")
        ):
            if pid in seen:
                continue
            seen.add(pid)
            counts[village[:9]][grade] += 1
            finals[village[:9]] += status == QuarterlyEvaluation.Status.FINAL
    policies = policy_resolve_many([c for c, _n in townships], dt.date(year, 12, 31)) if townships else {}
    out = []
    for code, name in townships:
        c = counts.get(code[:9], dict.fromkeys(rules.GRADES, 0))
        total = sum(c.values())
        max_share = policies[code]["excellent_max_share"]
        share = (Decimal(100 * c[rules.EXCELLENT]) / total).quantize(Decimal("0.1")) if total else None
        over = bool(total) and Decimal(c[rules.EXCELLENT]) / total > max_share
        out.append(GradeCounts(code, name, dict(c), total, finals.get(code[:9], 0), max_share, share, over))
    return out


def pioneer_board(*, village_code: str, year: int, caps: dict[str, Decimal]) -> dict[int, dict[str, Decimal]]:
    """person → {item: yearly sum, …, "total": capped total} for a village's Party members (R-PTY-02),
    in one grouped query."""
    from django.db.models import Sum

    by_person: dict[int, list[rules.PointItem]] = defaultdict(list)
    sums: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in (
        PioneerEntry.objects.filter(village_id=village_code, date__year=year)
        .values("person_id", "item")
        .annotate(points=Sum("points"))
    ):
        sums[row["person_id"]][row["item"]] = row["points"]
        by_person[row["person_id"]].append(rules.PointItem(row["item"], row["points"]))
    for pid, entries in by_person.items():
        sums[pid]["total"] = rules.pioneer_total(entries, caps)
    return sums


def is_secretary(person_id: int, on: dt.date) -> bool:
    """Whether the person holds the Party secretary post on the day (target plans, R-ASMT-06)."""
    from touyan.cadres.selectors import current_posts

    return current_posts(on).filter(person_id=person_id, post="PS").exists()
