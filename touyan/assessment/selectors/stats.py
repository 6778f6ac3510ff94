"""Grouped reads behind the assessment pages: progress of the periods, the year's consequences,
grade distributions and the quota check (R-ASMT-03), pioneer totals (R-PTY-02)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Substr

from touyan.regions import rules as region_rules
from touyan.regions.models import Region

from .. import rules
from ..models import AnnualAssessment, Consequence, PioneerEntry, QuarterlyEvaluation
from .records import assessment_policies


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


def _annual_counts(prefix: str, year: int) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(rules.GRADES, 0))
    finals: dict[str, int] = defaultdict(int)
    for row in (
        AnnualAssessment.objects.filter(village__code__startswith=prefix, year=year)
        .annotate(t=Substr("village_id", 1, 9))
        .values("t", "grade", "status")
        .annotate(n=Count("id"))
    ):
        counts[row["t"]][row["grade"]] += row["n"]
        if row["status"] == AnnualAssessment.Status.FINAL:
            finals[row["t"]] += row["n"]
    return counts, finals


def _quarter_counts(prefix: str, year: int, quarter: int) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(rules.GRADES, 0))
    finals: dict[str, int] = defaultdict(int)
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
    return counts, finals


def grade_distribution(*, prefix: str, year: int, quarter: int | None = None) -> list[GradeCounts]:
    """Grades per township under the prefix: annual assessments (computed and final) or, with a
    quarter, each cadre's latest quarterly version; flags townships whose 优秀 share exceeds the
    policy's `excellent_max_share` (R-ASMT-03)."""
    townships = list(
        Region.objects.filter(code__startswith=prefix, level=region_rules.TOWNSHIP)
        .order_by("code")
        .values_list("code", "name")
    )
    counts, finals = _annual_counts(prefix, year) if quarter is None else _quarter_counts(prefix, year, quarter)
    policies = assessment_policies([c for c, _n in townships], dt.date(year, 12, 31))
    out = []
    for code, name in townships:
        c = counts.get(code[:9], dict.fromkeys(rules.GRADES, 0))
        total = sum(c.values())
        max_share = policies[code].excellent_max_share
        share = rules.excellent_share_pct(c[rules.EXCELLENT], total)
        over = rules.over_excellent_quota(c[rules.EXCELLENT], total, max_share)
        out.append(GradeCounts(code, name, dict(c), total, finals.get(code[:9], 0), max_share, share, over))
    return out


def pioneer_board(*, village_code: str, year: int, caps: Mapping[str, Decimal]) -> dict[int, dict[str, Decimal]]:
    """person → {item: yearly sum, …, "total": capped total} for a village's Party members (R-PTY-02),
    in one grouped query."""
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
