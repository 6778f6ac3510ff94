"""Retention (R-DATA-07) as purges that Celery beat runs daily (`touyan.ops.tasks.retention_purge_task`)
and `manage.py purge_expired` runs by hand.

- Leave and attendance data older than `attendance_retention_years` [cfg, default 5] of each
  county's policy: presence records, duty rosters, leave requests (with their approvals) and stored
  monthly results. The cadre dossier is permanent and is never purged here.
- Joint-review raw results are deleted once their purpose has ended (PIPL art.47), keeping only the
  decision. The selection app owns them: it registers its purge here from its AppConfig.ready()
  (`register("selection.joint_review", purge_fn)`), as a lower app offers a hook to a higher one.

A purge is `fn(today) -> int` (rows deleted), idempotent, and audited by `purge_all`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from touyan.audit.services import audit_record

Purge = Callable[[dt.date], int]
_REGISTRY: dict[str, Purge] = {}


def register(name: str, purge: Purge) -> None:
    """Add a purge (another app's, e.g. the selection app's joint-review raw results)."""
    _REGISTRY[name] = purge


def registered() -> dict[str, Purge]:
    return dict(_REGISTRY)


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def purge_attendance(today: dt.date) -> int:
    """R-DATA-07: leave and attendance records older than each county's `attendance_retention_years`."""
    from touyan.attendance.models import DutyAssignment, LeaveRequest, MonthResult, Presence
    from touyan.policy.selectors import policy_resolve
    from touyan.regions import rules as region_rules
    from touyan.regions.models import Region

    deleted = 0
    counties = Region.objects.filter(level=region_rules.COUNTY).values_list("code", flat=True).order_by("code")
    for county in counties.iterator():
        years = policy_resolve(county, today)["attendance_retention_years"]
        cutoff = years_before(today, years)
        prefix = region_rules.prefix_of(county)
        with transaction.atomic():
            # approvals go with their requests (CASCADE)
            deleted += LeaveRequest.objects.filter(village__code__startswith=prefix, end_date__lt=cutoff).delete()[0]
            deleted += Presence.objects.filter(village__code__startswith=prefix, date__lt=cutoff).delete()[0]
            deleted += DutyAssignment.objects.filter(village__code__startswith=prefix, date__lt=cutoff).delete()[0]
            deleted += MonthResult.objects.filter(village__code__startswith=prefix, month__lt=cutoff).delete()[0]
    return deleted


register("attendance", purge_attendance)


@dataclass(frozen=True)
class PurgeReport:
    deleted: dict[str, int]


def purge_all(today: dt.date | None = None) -> PurgeReport:
    """Run every registered purge; one audit event per purge that deleted something."""
    day = today or timezone.localdate()
    out: dict[str, int] = {}
    for name, purge in sorted(_REGISTRY.items()):
        n = purge(day)
        out[name] = n
        if n:
            with transaction.atomic():
                audit_record(
                    actor=None, action="ops.retention.purge", object_type=name, username="system",
                    changes={"deleted": n, "on": day.isoformat()},
                )  # fmt: skip
    return PurgeReport(deleted=out)
