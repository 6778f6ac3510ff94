"""Scoped reads of the region tree."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from touyan.core.errors import InvalidInput, NotFound

from . import rules
from .models import Region, RegionStat
from .scope import assigned_villages, require_in_scope, scope_prefix

M = TypeVar("M", bound=Model)


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


def region_filter(*, actor: Any, code: str | None, param: str = "region") -> Region | None:
    """A list's region filter (`?region=<code>`, `?village=<code>`): None when no code is given;
    the region when it lies in the actor's scope; outside it NotFound (outsiders learn nothing);
    a malformed code InvalidInput on the field `param`."""
    code = (code or "").strip()
    return access_region(actor=actor, code=code, field=param) if code else None


def narrow_to_region(
    qs: QuerySet[M], *, actor: Any, code: str | None, field: str = "region__code", param: str = "region"
) -> tuple[QuerySet[M], Region | None]:
    """The one scoped-list filter: an in-scope queryset narrowed to the region named by `code`
    (rows whose `field`, a lookup path ending in a region code, lies under it), and that region;
    unchanged and None when no code is given. Refusals as `region_filter`."""
    region = region_filter(actor=actor, code=code, param=param)
    if region is None:
        return qs, None
    return qs.filter(**{f"{field}__startswith": region.prefix}), region


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


# Level pairs a picker may list, finest first: the first that fits the limit is used.
PICKER_LEVELS = (
    (rules.TOWNSHIP, rules.VILLAGE),
    (rules.COUNTY, rules.TOWNSHIP),
    (rules.PREFECTURE, rules.COUNTY),
    (rules.PROVINCE, rules.PREFECTURE),
)


def region_options(actor: Any, *, villages_only: bool = False, limit: int = 600) -> list[tuple[str, Any]]:
    """Regions in the actor's scope for a picker: townships with their villages under
    them (optgroups), or the two finest levels that fit for larger scopes (a county's
    townships, a province's prefectures and counties, the country's provinces and
    prefectures). Sizes are counted with a bound, so a national scope costs a few
    milliseconds; any region in scope remains a valid filter even if not listed."""
    prefix = scope_prefix(actor)
    if prefix is None:
        return []
    # The scope as a range of codes (same rows as the prefix match): the primary key's index then
    # answers "the first 601 of these levels" without reading the regions ahead of the scope.
    qs = Region.objects.filter(
        code__gte=prefix.ljust(rules.CODE_LENGTH, "0"), code__lte=prefix.ljust(rules.CODE_LENGTH, "9")
    )
    qs = qs.order_by("code")
    levels: tuple[str, ...] = PICKER_LEVELS[0]
    rows: list[tuple[str, str, str]] = []
    if not villages_only:
        # The first levels whose regions fit: read up to limit + 1 of them at once (no count first).
        for candidate in PICKER_LEVELS:
            levels = candidate
            rows = list(qs.filter(level__in=candidate).values_list("code", "name", "level")[: limit + 1])
            if len(rows) <= limit:
                break
        else:
            rows = []
    if not rows:
        rows = list(qs.filter(level__in=levels).values_list("code", "name", "level")[: limit * 2])
    options: list[tuple[str, Any]] = [] if villages_only else [("", _("全部(本辖区)"))]
    group: list[tuple[str, str]] = []
    label = ""
    for code, name, level in rows:
        if level == rules.VILLAGE:
            group.append((code, name))
            continue
        if group:
            options.append((label, group))
            group = []
        label = name
        if not villages_only:
            indent = level == levels[1] or levels[1] == rules.VILLAGE
            options.append((code, ("　" if indent else "") + name))
    if group:
        options.append((label or _("村(社区)"), group))
    return options
