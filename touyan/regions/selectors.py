"""Scoped reads of the region tree."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from touyan.accounts.scope import assigned_villages, require_in_scope, scope_prefix
from touyan.core.errors import InvalidInput, NotFound

from . import rules
from .models import Region, RegionStat


def parse_code(raw: str, field: str = "region") -> str:
    try:
        return rules.normalize_code(raw)
    except rules.BadCode as exc:
        raise InvalidInput(errors={field: str(exc)}) from exc


def access_region(*, actor: Any, code: str, field: str = "region") -> Region:
    """The region with this code if it lies in the actor's scope; else NotFound."""
    full = parse_code(code, field)
    require_in_scope(actor, full)
    region = Region.objects.select_related("parent").filter(code=full).first()
    if region is None:
        raise NotFound(_("未找到区划代码 %(code)s") % {"code": code})
    return region


def region_children(*, actor: Any, region: Region) -> QuerySet[Region]:
    require_in_scope(actor, region.code)
    children = Region.objects.filter(parent=region).order_by("code")
    villages = assigned_villages(actor)
    if villages is not None and region.level == rules.TOWNSHIP:  # a liaison's own villages only
        children = children.filter(code__in=sorted(villages))
    return children


def region_roots(*, actor: Any) -> QuerySet[Region]:
    """The top of the tree the actor sees: their own region, or the provinces."""
    prefix = scope_prefix(actor)
    if prefix is None:
        return Region.objects.none()
    if prefix == "":
        return Region.objects.filter(level=rules.PROVINCE)
    return Region.objects.filter(code=actor.region_id)


def region_path(region: Region) -> list[Region]:
    """Ancestors from the province down to the region (one query)."""
    codes = rules.ancestors(region.code, region.level)
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [found[c] for c in reversed(codes) if c in found]


def visible_path(*, actor: Any, region: Region) -> list[Region]:
    """The breadcrumb: the part of the path inside the actor's scope."""
    prefix = scope_prefix(actor) or ""
    return [r for r in region_path(region) if r.code.startswith(prefix) and len(r.prefix) >= len(prefix)]


def region_stats(*, actor: Any, region: Region) -> QuerySet[RegionStat]:
    require_in_scope(actor, region.code)
    return RegionStat.objects.filter(region=region).order_by("-year")


def count_descendants(region: Region) -> dict[str, int]:
    """How many regions of each lower level lie under the region."""
    from django.db.models import Count

    rows = (
        Region.objects.filter(code__startswith=region.prefix)
        .exclude(code=region.code)
        .values("level")
        .annotate(n=Count("code"))
    )
    return {row["level"]: row["n"] for row in rows}
