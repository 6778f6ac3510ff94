"""Writes to regions: yearly statistics. (The tree itself is loaded by import_divisions.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from touyan.accounts import rules as account_rules
from touyan.accounts.scope import require
from touyan.audit.services import audit_record, diff
from touyan.regions.models import Region, RegionStat
from touyan.regions.selectors import access_region

STAT_FIELDS = ("rural_income_per_capita", "ref_new_staff_monthly", "collective_income")


@transaction.atomic
def region_stat_put(
    *,
    actor: Any,
    code: str,
    year: int,
    rural_income_per_capita: Decimal | None,
    ref_new_staff_monthly: Decimal | None = None,
    collective_income: Decimal | None = None,
    is_demo: bool = False,
) -> tuple[RegionStat, bool]:
    """Create or replace a region's statistics for a year. Returns (stat, created)."""
    require(actor, account_rules.REGION_STATS_WRITE)
    region: Region = access_region(actor=actor, code=code)
    stat = RegionStat.objects.select_for_update().filter(region=region, year=year).first()
    created = stat is None
    old: dict[str, Any] = {} if stat is None else {f: getattr(stat, f) for f in STAT_FIELDS}
    new = {
        "rural_income_per_capita": rural_income_per_capita,
        "ref_new_staff_monthly": ref_new_staff_monthly,
        "collective_income": collective_income,
    }
    if stat is None:
        stat = RegionStat(region=region, year=year)
    for field, value in new.items():
        setattr(stat, field, value)
    stat.is_demo = is_demo
    stat.updated_by = actor if getattr(actor, "pk", None) else None
    stat.save()
    audit_record(
        actor=actor,
        action="regions.stat.put",
        obj=stat,
        region_code=region.code,
        changes=diff(old, new) | {"year": [None, year]} if created else diff(old, new),
    )
    return stat, created
