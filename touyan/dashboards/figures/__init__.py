"""The figures of the oversight cockpit (统计分析) and of `GET /api/v1/dashboards/{code}` (SPEC A8).

A dashboard is a dict of *blocks*, one per mechanism, each computed for one region on one day by a
function `fn(region, on) -> dict` registered here under the block's name. The caller has checked
scope (`dashboard()` does: the actor's role must read cadre figures and the region must lie in the
actor's scope); a block reads every row under the region's code prefix, with a constant number of
aggregate queries whatever the number of villages (set-based, no query per village or cadre).

Registering a block (from the providing app's `AppConfig.ready`, or from `dashboards.apps`):

    from touyan.dashboards import figures

    def training_block(region: Region, on: dt.date) -> dict[str, Any]:
        return {"year": on.year, "cadres_trained": ..., "trained_share": ...}

    figures.register("training", training_block)

Registering the same name again replaces the block (idempotent on reload). The built-in blocks
(`core.py`, `mechanisms.py`) are registered in `DashboardsConfig.ready`: `cadres`, `villages`,
`attendance`, `assessment`, `payroll`, `affairs` (its disclosure timeliness from
`affairs.figures`), and from the apps below dashboards in the layers (they may not import it, so
dashboards registers their functions) `training` (`training.figures.training_block`) and
`selection` (`selection.figures.selection_block`); `children` (one row per child region, for the
drill-down) is added by `dashboard()` itself.

Conventions every block keeps (the API returns them as they are):
- counts are ints; a share is a number from 0 to 1 rounded half up to 4 places (`share()`), None
  when its denominator is 0; averages say their unit and places in the block's docstring;
- money is a string with 2 decimals (Decimal, "42000.00"); dates and months are ISO (YYYY-MM-DD,
  YYYY-MM);
- no names, no ranking: a block holds aggregates of the region only (国办函〔2026〕12号).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.scope import require
from touyan.core.errors import InvalidInput
from touyan.regions.models import Region
from touyan.regions.selectors import access_region

BlockFn = Callable[[Region, dt.date], dict[str, Any]]

_BLOCKS: dict[str, BlockFn] = {}
SHARE_PLACES = Decimal("0.0001")
MONEY_PLACES = Decimal("0.01")


def register(name: str, fn: BlockFn) -> None:
    """Add (or replace) the block `name`: `fn(region, on)` returns the block's dict."""
    _BLOCKS[name] = fn


def unregister(name: str) -> None:
    _BLOCKS.pop(name, None)


def registered() -> tuple[str, ...]:
    return tuple(_BLOCKS)


def share(n: int, whole: int) -> float | None:
    """n ÷ whole as a decimal 0–1, rounded half up to 4 places; None when whole is 0."""
    if not whole:
        return None
    return float((Decimal(n) / Decimal(whole)).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP))


def money(value: Decimal | int | None) -> str | None:
    """Money as a string with 2 decimals (half up); None stays None."""
    if value is None:
        return None
    return str(Decimal(value).quantize(MONEY_PLACES, rounding=ROUND_HALF_UP))


def access_dashboard_region(*, actor: Any, code: str) -> Region:
    """The region of a dashboard: the actor's role must read cadre figures (admin, township
    officer, liaison, finance — an auditor, reviewer or cadre is refused, 403), and the region must
    lie in the actor's scope (404 otherwise: outsiders learn nothing)."""
    require(actor, account_rules.CADRES_READ)
    return access_region(actor=actor, code=code)


def compute(region: Region, day: dt.date, only: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every registered block of the region on `day` (or those in `only`), plus the region itself
    and its child regions' main figures (`children`, for the drill-down). No scope check."""
    from .core import children_block

    out: dict[str, Any] = {
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "on": day.isoformat(),
    }
    for name, fn in _BLOCKS.items():
        if only and name not in only:
            continue
        out[name] = fn(region, day)
    if not only or "children" in only:
        out["children"] = children_block(region, day)
    return out


def checked_day(on: dt.date | None) -> dt.date:
    """The day of the figures: today when not given; a day outside 2000–2100 is refused (422/400)."""
    if on is None:
        return timezone.localdate()
    if not 2000 <= on.year <= 2100:
        raise InvalidInput(errors={"on": _("日期须在 2000 年至 2100 年之间")})
    return on


def dashboard(*, actor: Any, code: str, on: dt.date | None = None, only: tuple[str, ...] = ()) -> dict[str, Any]:
    """The dashboard of a region in the actor's scope on `on` (default today, Asia/Shanghai),
    computed now: what `GET /api/v1/dashboards/{code}` returns (every figure a direct count)."""
    region = access_dashboard_region(actor=actor, code=code)
    return compute(region, checked_day(on), only)


# --- warm figures for the cockpit pages (docs/operations.md "Cockpit figures") -----------------

GENERATION_KEY = "touyan:dash:generation"


def cache_seconds() -> int:
    """How long a computed dashboard may serve the cockpit pages (TOUYAN_DASHBOARD_CACHE_SECONDS;
    0, the default, computes every page afresh)."""
    return int(getattr(settings, "TOUYAN_DASHBOARD_CACHE_SECONDS", 0))


def generation() -> int:
    return int(cache.get(GENERATION_KEY) or 0)


def invalidate(**_kwargs: Any) -> None:
    """Make every cached dashboard stale (a signal receiver: a cadre file, post, policy or region
    statistic was written). Figures fed by high-volume rows (presence, payslips) age out instead."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def cache_key(code: str, day: dt.date) -> str:
    return f"touyan:dash:{generation()}:{code}:{day.isoformat()}"


def warm(region: Region, day: dt.date) -> dict[str, Any]:
    """Compute and store the region's dashboard for `day` (the warm-up command and a cache miss)."""
    data = compute(region, day)
    data["computed_at"] = timezone.now().isoformat(timespec="seconds")
    seconds = cache_seconds()
    if seconds > 0:
        cache.set(cache_key(region.code, day), data, seconds)
    return data


def dashboard_warm(*, actor: Any, code: str, on: dt.date | None = None) -> dict[str, Any]:
    """The cockpit page's read: scope checked every time, then the cached dashboard of (region,
    day) when there is one no older than TOUYAN_DASHBOARD_CACHE_SECONDS, else computed now."""
    region = access_dashboard_region(actor=actor, code=code)
    day = checked_day(on)
    if cache_seconds() > 0:
        hit = cache.get(cache_key(region.code, day))
        if hit is not None:
            return dict(hit)
    return warm(region, day)


NATION = "nation"


def nation_warm(day: dt.date) -> dict[str, Any]:
    """Compute and store the national overview of `day` (one row per province, `core.provinces_block`)."""
    from .core import provinces_block

    data = {"rows": provinces_block(day), "computed_at": timezone.now().isoformat(timespec="seconds")}
    seconds = cache_seconds()
    if seconds > 0:
        cache.set(cache_key(NATION, day), data, seconds)
    return data


def nation_rows(day: dt.date) -> dict[str, Any]:
    """The national overview for the national cockpit page (the caller has checked the actor's
    national scope): the cached one of `day` when there is one, else computed now (and stored)."""
    if cache_seconds() > 0:
        hit = cache.get(cache_key(NATION, day))
        if hit is not None:
            return dict(hit)
    return nation_warm(day)
