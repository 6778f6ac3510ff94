"""Scoped reads of assessment data; the township ranking used by eligibility (R-POS-03)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from touyan.accounts.scope import scope_filter

from . import rules
from .models import AnnualAssessment, PioneerEntry, QuarterlyEvaluation


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
