"""Training's figures and alerts for the oversight cockpit (SPEC A8): coverage and shortfalls
(R-TRN-01/02), certificates (R-TRN-03), reserve sufficiency (R-TRN-06).

Plain functions of (region, day) over the region's rows, set-based (the selectors' grouped
queries, never one query per village or cadre); the dashboards app, above training in the layers,
registers `training_block` as its `training` block and the `*_alerts` functions as alert sources.
An alert here is a dict with the keys of `dashboards.alerts.Alert` (kind, rule, region, subject,
due_date, owner_role, resolution). Shares are decimals 0–1 to 4 places, half up, None on 0.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from touyan.accounts.models import Role
from touyan.policy.selectors import policy_resolve
from touyan.regions.models import Region

from . import selectors
from .models import Attendee, Certificate

Alert = dict[str, Any]


def share(n: int, whole: int) -> float | None:
    if not whole:
        return None
    return float((Decimal(n) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def _under(prefix: str) -> Q:
    return Q(village_id__gte=prefix.ljust(12, "0"), village_id__lte=prefix.ljust(12, "9")) if prefix else Q()


def expiry_days(region: Region, on: dt.date) -> int:
    return int(policy_resolve(region.code, on)["certificate_expiry_alert_days"])


def certificate_counts(region: Region, on: dt.date) -> dict[str, int]:
    """R-TRN-03 on `on`: certificates held (not revoked, not expired), expiring within the policy's
    `certificate_expiry_alert_days`, expired and not renewed; one aggregate."""
    soon = on + dt.timedelta(days=expiry_days(region, on))
    live = Q(revoked_on__isnull=True) | Q(revoked_on__gt=on)
    valid = live & (Q(expires_on__isnull=True) | Q(expires_on__gte=on))
    return Certificate.objects.filter(_under(region.prefix), issued_on__lte=on).aggregate(
        valid=Count("pk", filter=valid),
        expiring=Count("pk", filter=live & Q(expires_on__gte=on, expires_on__lte=soon)),
        expired=Count("pk", filter=live & Q(expires_on__lt=on)),
    )


def training_block(region: Region, on: dt.date) -> dict[str, Any]:
    """Training in on's year up to `on` (R-TRN-01/02, training.compliance): cadres in post during the
    year (reserves aside), `trained` (on a training record of the year up to `on`), `short` (a
    shortfall so far), with shares and the cadres short per rule; certificates (R-TRN-03); reserve
    sufficiency per village (R-TRN-06, training.sufficiency): villages, those with enough reserves,
    short, secretary reserves held against the required, posts without a reserve (一职一备)."""
    rows = selectors.compliance(region=region, year=on.year, today=on)
    attended = set(
        Attendee.objects.filter(_under(region.prefix), year=on.year, date__lte=on)
        .values_list("person_id", flat=True)
        .distinct()
        .order_by()
    )
    trained = sum(1 for r in rows if r.cadre in attended)
    short = sum(1 for r in rows if r.shortfalls)
    by_rule: dict[str, int] = defaultdict(int)
    for r in rows:
        for rule in {s.rule for s in r.shortfalls}:
            by_rule[rule] += 1
    pools = selectors.sufficiency(region=region, today=on)
    pools_short = sum(1 for p in pools if p.short)
    return {
        "year": on.year,
        "cadres": len(rows),
        "trained": trained,
        "trained_share": share(trained, len(rows)),
        "short": short,
        "short_share": share(short, len(rows)),
        "short_by_rule": dict(sorted(by_rule.items())),
        "certificates": certificate_counts(region, on),
        "reserves": {
            "villages": len(pools),
            "sufficient": len(pools) - pools_short,
            "short": pools_short,
            "sufficient_share": share(len(pools) - pools_short, len(pools)),
            "professionalized_villages": sum(1 for p in pools if p.professionalized),
            "secretary_reserves": sum(p.secretary_reserves for p in pools),
            "secretary_reserves_required": sum(p.required for p in pools),
            "posts_without_reserve": sum(len(p.posts_without_reserve) for p in pools),
        },
    }


def shortfall_alerts(region: Region, on: dt.date) -> Iterator[Alert]:
    """R-TRN-01/02: per village, the cadres whose training of on's year falls short so far; due by
    the year's end (the township organises the make-up study)."""
    per: dict[str, int] = defaultdict(int)
    broken: dict[str, set[str]] = defaultdict(set)
    for r in selectors.compliance(region=region, year=on.year, today=on):
        if r.shortfalls:
            per[r.village] += 1
            broken[r.village].update(s.rule for s in r.shortfalls)
    names = dict(Region.objects.filter(code__in=per).values_list("code", "name"))
    for village in sorted(per):
        yield {
            "kind": "training_shortfall",
            "rule": min(broken[village]),
            "region": village,
            "subject": _("%(v)s %(n)s 名干部 %(y)s 年培训未达要求")
            % {"v": names.get(village, village), "n": per[village], "y": on.year},
            "due_date": dt.date(on.year, 12, 31),
            "owner_role": Role.TOWNSHIP_OFFICER,
            "resolution": _("组织补学或参加轮训,记入培训台账"),
        }


def certificate_alerts(region: Region, on: dt.date) -> Iterator[Alert]:
    """R-TRN-03: each certificate (not revoked) expiring within `certificate_expiry_alert_days` or
    expired; due on its expiry date."""
    soon = on + dt.timedelta(days=expiry_days(region, on))
    rows = (
        Certificate.objects.filter(_under(region.prefix), revoked_on__isnull=True, expires_on__lte=soon)
        .order_by("expires_on", "pk")
        .values_list("village_id", "person__name", "kind", "expires_on")
    )
    kinds = dict(Certificate.CertKind.choices)
    for village, name, kind, expires in rows:
        yield {
            "kind": "certificate_expiring",
            "rule": "R-TRN-03",
            "region": village,
            "subject": _("%(n)s 的%(k)s %(d)s 到期")
            % {"n": name, "k": kinds.get(kind, kind), "d": expires.isoformat() if expires else ""},
            "due_date": expires,
            "owner_role": Role.TOWNSHIP_OFFICER,
            "resolution": _("组织复训考试并换发证书"),
        }


def reserve_alerts(region: Region, on: dt.date) -> Iterator[Alert]:
    """R-TRN-06: each village whose reserves fall short (≥ 2 secretary reserves in a
    professionalized village, one reserve per other post); due at once."""
    for p in selectors.sufficiency(region=region, today=on):
        if p.short:
            yield {
                "kind": "reserves_short",
                "rule": "R-TRN-06",
                "region": p.village,
                "subject": _("%(v)s 书记后备 %(s)s 人(应 %(r)s 人),%(n)s 个岗位无后备")
                % {"v": p.name, "s": p.secretary_reserves, "r": p.required, "n": len(p.posts_without_reserve)},
                "due_date": None,
                "owner_role": Role.TOWNSHIP_OFFICER,
                "resolution": _("物色并确定后备人选,录入后备干部库"),
            }


ALERTS = {
    "training_shortfall": shortfall_alerts,
    "certificate_expiring": certificate_alerts,
    "reserves_short": reserve_alerts,
}
