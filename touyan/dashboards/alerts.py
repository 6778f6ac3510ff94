"""The alerts centre (预警中心, SPEC A8 `GET /api/v1/alerts`): every rule that is broken now.

An alert names the rule broken (`rule`, an R-id), where (`region`: the village, township or county
code), what (`subject`, Chinese, for the officer in charge), by when it must be put right
(`due_date`, None when at once), who must act (`owner_role`, a `Role` value) and its `state`:
`open`, or `overdue` once `due_date` has passed. An alert disappears when the facts no longer break
the rule (an alert is computed, not stored: its resolution is the fix itself, `resolution` says
what it is). Alerts are listed to officials of the region only, never published and never ranked
(国办函〔2026〕12号): the list is ordered by due date, kind and region code, not by any score.

Sources are registered by kind, each a function `fn(region, on) -> Iterable[Alert]` reading the
rows under the region with a fixed number of queries (scope is checked by `alerts_for`):

    from touyan.dashboards import alerts

    def certificates_expiring(region: Region, on: dt.date) -> Iterable[alerts.Alert]:
        for cert in ...:
            yield alerts.Alert(kind="certificate_expiring", rule="R-TRN-05", region=cert.village_id,
                               subject=..., due_date=cert.expires_on, owner_role=Role.TOWNSHIP_OFFICER,
                               resolution=_("上传新证书"))

    alerts.register("certificate_expiring", certificates_expiring)

The built-in sources (`alert_sources.py`): attendance shortfall and duty gaps (R-ATT-01), missing
quarterly evaluations (R-ASMT-01), excellent share over the quota (R-ASMT-03), full-time cadres
over the village quota (R-POS-01), pay floors broken (R-PAY-02), weak collective economies
(R-PAY-12), disclosures overdue (R-OPEN-01/02) and objections unanswered (R-OPEN-03); from
`training.figures.ALERTS` training shortfalls (R-TRN-01/02), certificates expiring (R-TRN-03) and
reserves short (R-TRN-06); from `selection.figures.ALERTS` joint reviews overdue (R-ELIG-04) and
professionalized or young cadres over their share (R-POS-03/04). Those apps sit below dashboards in
the layers, so their sources yield dicts with Alert's keys and `alert_sources.from_dicts` wraps them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language

from touyan.regions.models import Region

from .figures import access_dashboard_region, cache_key, cache_seconds

OPEN = "open"
OVERDUE = "overdue"


@dataclass(frozen=True)
class Alert:
    kind: str
    rule: str
    region: str
    subject: str
    due_date: dt.date | None
    owner_role: str
    state: str = OPEN
    resolution: str = ""

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["due_date"] = self.due_date.isoformat() if self.due_date else None
        return out


SourceFn = Callable[[Region, dt.date], Iterable[Alert]]
_SOURCES: dict[str, SourceFn] = {}


def register(kind: str, fn: SourceFn) -> None:
    """Add (or replace) the source of the alerts of `kind`."""
    _SOURCES[kind] = fn


def unregister(kind: str) -> None:
    _SOURCES.pop(kind, None)


def kinds() -> tuple[str, ...]:
    return tuple(_SOURCES)


def stated(alert: Alert, on: dt.date) -> Alert:
    """The alert with its state on `on`: overdue once its due date has passed."""
    overdue = alert.due_date is not None and alert.due_date < on
    return replace(alert, state=OVERDUE if overdue else OPEN)


def collect(region: Region, on: dt.date, kinds: Iterable[str] = ()) -> list[Alert]:
    """Every registered source's alerts under the region on `on`, ordered by due date (at once
    first), kind and region — no score, no ranking. With TOUYAN_DASHBOARD_CACHE_SECONDS set, the
    whole list of (region, day) is kept as long as the cockpit's figures and made stale by the
    same writes (figures.invalidate), so the workbench, the alerts centre and the API share it."""
    wanted = set(kinds)
    seconds = cache_seconds()
    if seconds <= 0:
        return _collect(region, on, wanted)
    key = cache_key(f"alerts:{get_language()}:{region.code}", on)  # the texts are in the page's language
    every: list[Alert] | None = cache.get(key)
    if every is None:
        every = _collect(region, on, set())
        cache.set(key, every, seconds)
    return [a for a in every if a.kind in wanted] if wanted else list(every)


def _collect(region: Region, on: dt.date, wanted: set[str]) -> list[Alert]:
    out: list[Alert] = []
    for kind, fn in _SOURCES.items():
        if wanted and kind not in wanted:
            continue
        out.extend(stated(a, on) for a in fn(region, on))
    out.sort(key=lambda a: (a.due_date or dt.date.min, a.kind, a.region, a.subject))
    return out


def alerts_for(
    *, actor: Any, code: str, on: dt.date | None = None, kinds: Iterable[str] = ()
) -> tuple[Region, list[Alert]]:
    """The alerts of a region in the actor's scope (the same roles as the dashboards)."""
    from .figures import checked_day

    region = access_dashboard_region(actor=actor, code=code)
    return region, collect(region, checked_day(on), kinds)


# Regions whose alerts the workbench counts (above a county the alerts centre lists them on demand:
# a prefecture's sources read a month of attendance for thousands of cadres).
WORKBENCH_LEVELS = ("county", "township", "village")


def alerts_todo(user: Any, ctx: Any) -> list[Any]:
    """The workbench's line for the alerts centre (core.todos): how many rules are broken in the
    region the official is looking at, the earliest due date, red when one is overdue."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from touyan.accounts import rules as account_rules
    from touyan.accounts.scope import in_scope
    from touyan.core.todos import Todo

    region = ctx.region
    if region is None or region.level not in WORKBENCH_LEVELS or not in_scope(user, region.code):
        return []
    if not account_rules.has_capability(user.role, account_rules.CADRES_READ, is_superuser=user.is_superuser):
        return []
    items = collect(region, ctx.today)
    overdue = sum(1 for a in items if a.state == OVERDUE)
    return [
        Todo(
            label=_("预警中心"),
            count=len(items),
            url=reverse("alerts", args=[region.code]),
            due=min((a.due_date for a in items if a.due_date), default=None),
            icon="bell",
            note=_("其中 %(n)s 项已逾期") % {"n": overdue} if overdue else "",
            urgent=bool(overdue),
            group=_("统计分析"),
        )
    ]
