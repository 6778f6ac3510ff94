"""The region of a user picked from the tree (issue 16: not a hand-typed 12-digit code): the
actor's own region and the regions under it, two levels deep, townships grouped with their
villages; a deeper or larger scope keeps a code box as a fallback (the same `region` field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from touyan.regions import rules as region_rules
from touyan.regions.models import Region

from .scope import scope_prefix

LIMIT = 800


def region_choices(actor: Any) -> list[tuple[str, Any]]:
    """(code, name) options under the actor's scope, at most two levels below it, in tree order;
    villages grouped under their township (optgroups)."""
    prefix = scope_prefix(actor)
    if prefix is None:
        return []
    top = region_rules.level_of(prefix.ljust(region_rules.CODE_LENGTH, "0")) if prefix else None
    levels = region_rules.LEVELS
    start = levels.index(top) if top in levels else -1
    wanted = levels[max(start, 0) : start + 3] if start >= 0 else levels[:2]
    lo = prefix.ljust(region_rules.CODE_LENGTH, "0")
    hi = prefix.ljust(region_rules.CODE_LENGTH, "9")
    rows = list(
        Region.objects.filter(code__gte=lo, code__lte=hi, level__in=wanted)
        .order_by("code")
        .values_list("code", "name", "level")[:LIMIT]
    )
    options: list[tuple[str, Any]] = []
    group: list[tuple[str, str]] = []
    group_label = ""
    for code, name, level in rows:
        if level == region_rules.VILLAGE:
            group.append((code, name))
            continue
        if group:
            options.append((group_label, group))
            group = []
        depth = levels.index(level) - max(start, 0)
        options.append((code, "　" * depth + name))
        group_label = _("%(t)s 下属村(社区)") % {"t": name}
    if group:
        options.append((group_label, group))
    return options


class RegionPickField(forms.CharField):
    """A select of the actor's regions (a 12-digit code is still accepted for a region not listed)."""

    def __init__(self, *, actor: Any, **kwargs: Any) -> None:
        choices = region_choices(actor)
        kwargs.setdefault("label", _("所属区域"))
        kwargs.setdefault("help_text", _("从本辖区的区划中选择"))
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)
        self.widget = forms.Select(choices=[("", _("请选择区域")), *choices])
