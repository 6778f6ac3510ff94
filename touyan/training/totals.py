"""The per-cadre yearly training totals (`TrainingTotal`, derived from the attendee rows): refreshed
by the services for the cadres a write touched, rebuilt for a region's year when the count of
attendee rows no longer matches (a row written around the services, an import, the benchmark's
COPY). Set-based: one aggregate grouped by cadre, village and year, then one bulk insert.

Compliance (R-TRN-01/02) reads these rows: a province's year is then 150,000 rows to read instead
of an aggregate over 1.5 million attendances (bench/training_compliance.py)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from . import rules
from .models import Attendee, FollowUp, TrainingTotal

FIELDS = (
    "attendances",
    "hours",
    "prefecture_days",
    "township_sessions",
    "township_days",
    "rotation_days",
    "county_courses",
    "reports_missing",
    "follow_ups_missing",
)
CHUNK = 5000


def _sums(attendees: QuerySet[Attendee]) -> QuerySet[Any]:
    """The attendee rows summed by (cadre, village, year), as compliance counts them."""
    money = DecimalField(max_digits=9, decimal_places=2)
    zero = Value(Decimal(0), output_field=money)
    session = Q(level="township") & ~Q(kind__in=rules.NOT_A_SESSION)
    prefecture = Q(level__in=rules.PREFECTURE_UP) & ~Q(kind__in=rules.NOT_A_SESSION)
    talked = Exists(FollowUp.objects.filter(attendee_id=OuterRef("pk")))
    return (
        attendees.values("person_id", "village_id", "year")
        .annotate(
            attendances=Count("id"),
            hours=Coalesce(Sum("hours"), zero),
            prefecture_days=Coalesce(Sum("days", filter=prefecture), zero),
            township_sessions=Count("id", filter=session),
            township_days=Coalesce(Sum("days", filter=session), zero),
            rotation_days=Coalesce(Sum("days", filter=Q(kind="political_rotation")), zero),
            county_courses=Count("id", filter=Q(level__in=rules.COUNTY_UP) & ~Q(kind="exam")),
            reports_missing=Count("id", filter=Q(kind__in=rules.REPORT_KINDS, report_submitted=False)),
            follow_ups_missing=Count("id", filter=Q(passed=False) & ~Q(talked)),
        )
        .order_by()
    )


def _write(attendees: QuerySet[Attendee]) -> int:
    rows = [
        TrainingTotal(person_id=r["person_id"], village_id=r["village_id"], year=r["year"], **{f: r[f] for f in FIELDS})
        for r in _sums(attendees).iterator(chunk_size=CHUNK)
    ]
    TrainingTotal.objects.bulk_create(rows, batch_size=CHUNK)
    return len(rows)


@transaction.atomic
def totals_refresh(*, person_ids: Iterable[int], years: Iterable[int]) -> None:
    """Recompute the totals of these cadres in these years (called by every service that changes
    an attendee row, in its transaction)."""
    people, span = sorted(set(person_ids)), sorted(set(years))
    if not people or not span:
        return
    TrainingTotal.objects.filter(person_id__in=people, year__in=span).delete()
    _write(Attendee.objects.filter(person_id__in=people, year__in=span))


@transaction.atomic
def totals_rebuild(*, prefix: str, year: int) -> int:
    """Recompute the totals of a region's year from its attendee rows; returns the rows written."""
    TrainingTotal.objects.filter(year=year, village__code__startswith=prefix).delete()
    return _write(Attendee.objects.filter(year=year, village__code__startswith=prefix))


def totals_current(*, prefix: str, year: int) -> None:
    """Rebuild the region's year if its totals do not count as many attendee rows as there are
    (two counts over indexes; a no-op when the services kept them)."""
    attended = Attendee.objects.filter(year=year, village__code__startswith=prefix).count()
    counted = TrainingTotal.objects.filter(year=year, village__code__startswith=prefix).aggregate(n=Sum("attendances"))
    if (counted["n"] or 0) != attended:
        totals_rebuild(prefix=prefix, year=year)
