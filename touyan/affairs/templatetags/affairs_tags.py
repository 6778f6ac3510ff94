"""Template filters of the village-affairs pages."""

from __future__ import annotations

from django import template

from ..views.common import TONES

register = template.Library()


@register.filter
def tone(state: str) -> str:
    """The Bootstrap colour of a state's tag (草稿 grey, 审签中 amber, 已办结 green, 未通过 red…)."""
    return TONES.get(str(state), "secondary")


@register.filter
def get_files(files: dict[int, list[object]], key: int) -> list[object]:
    """The attachments of one step (a dict by step id)."""
    return files.get(key, []) if files else []
