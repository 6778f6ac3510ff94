"""The yearly development report (年度培养报告, R-TRN-06 "an annual training report"): for a village
or a township, each village's year of training (cadres, trained, short, hours, owed reports), its
reserves (secretary reserves, 一职一备, local talents) and its 1+1+N mentoring and secondments;
above a township, the same by township. A read: `compliance` (one statement), `sufficiency` and
three aggregate queries, whatever the region's size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from touyan.regions.models import Region

from . import selectors
from .models import Mentorship, MentorshipRecord, Reserve, Secondment

ZERO = Decimal(0)


@dataclass
class ReportRow:
    code: str
    name: str
    cadres: int = 0
    trained: int = 0
    short: int = 0
    pending: int = 0
    hours: Decimal = ZERO
    reserves: int = 0
    secretary_reserves: int = 0
    villages_short: int = 0  # villages short of reserves (R-TRN-06)
    local_talents: int = 0
    talents_short: int = 0  # villages short of local talents (S4)
    mentorships: int = 0
    mentoring_records: int = 0
    secondments: int = 0

    @property
    def trained_share(self) -> Decimal:
        return (Decimal(self.trained) / self.cadres * 100).quantize(Decimal("0.1")) if self.cadres else ZERO


def _key(region: Region) -> Callable[[str], str]:
    """Rows by village within a township, by township above it."""
    if region.level in ("village", "township"):
        return lambda code: code
    return lambda code: code[:9] + "000"


def development_report(*, region: Region, year: int, today: dt.date | None = None) -> tuple[list[ReportRow], ReportRow]:
    """The rows (by village, or by township above a township) and the region's total."""
    today = today or timezone.localdate()
    on = min(today, dt.date(year, 12, 31))
    key = _key(region)
    prefix = region.prefix
    level = "village" if region.level in ("village", "township") else "township"
    names = dict(Region.objects.filter(code__startswith=prefix, level=level).values_list("code", "name"))
    if region.level == "village":
        names = {region.code: region.name}
    rows: dict[str, ReportRow] = {code: ReportRow(code, name) for code, name in sorted(names.items())}

    def row(code: str) -> ReportRow:
        k = key(code)
        if k not in rows:
            rows[k] = ReportRow(k, k)
        return rows[k]

    for c in selectors.compliance(region=region, year=year, today=today):
        r = row(c.village)
        r.cadres += 1
        r.trained += c.hours > 0
        r.short += bool(c.shortfalls)
        r.pending += bool(c.pending)
        r.hours += c.hours
    for s in selectors.sufficiency(region=region, today=on):
        r = row(s.village)
        r.secretary_reserves += s.secretary_reserves
        r.villages_short += s.short
        r.local_talents += s.local_talents
        r.talents_short += s.talents_short
    _counts(row, prefix, year, on)
    total = ReportRow(region.code, region.name)
    for r in rows.values():
        for name in ReportRow.__dataclass_fields__:
            if name not in ("code", "name"):
                setattr(total, name, getattr(total, name) + getattr(r, name))
    return list(rows.values()), total


def _counts(row: Callable[[str], ReportRow], prefix: str, year: int, on: dt.date) -> None:
    """Reserves held, mentorships and their records of the year, secondments begun in the year."""
    held = Q(since__lte=on) & (Q(until__isnull=True) | Q(until__gt=on))
    for village, n in (
        Reserve.objects.filter(held, village__code__startswith=prefix)
        .values("village_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("village_id", "n")
        .order_by()
    ):
        row(village).reserves += n
    for village, n in (
        Mentorship.objects.filter(reserve__village__code__startswith=prefix, since__lte=on)
        .values("reserve__village_id")
        .annotate(n=Count("id"))
        .values_list("reserve__village_id", "n")
        .order_by()
    ):
        row(village).mentorships += n
    for village, n in (
        MentorshipRecord.objects.filter(mentorship__reserve__village__code__startswith=prefix, date__year=year)
        .values("mentorship__reserve__village_id")
        .annotate(n=Count("id"))
        .values_list("mentorship__reserve__village_id", "n")
        .order_by()
    ):
        row(village).mentoring_records += n
    for village, n in (
        Secondment.objects.filter(village__code__startswith=prefix, start_date__year=year)
        .values("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
        .order_by()
    ):
        row(village).secondments += n
