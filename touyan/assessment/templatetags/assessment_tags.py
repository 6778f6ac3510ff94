"""Status tags on the assessment pages, from `assessment.status` (the one source of their colours):

{% load assessment_tags %}
{% state_tag "pledge" p.state %}                      → the page's label
{% state_tag "period" p.state p.get_state_display %}  → a label of one's own
<div class="alert alert-{{ period.state|tone:'period' }}">
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from touyan.assessment import status

register = template.Library()


@register.simple_tag
def state_tag(kind: str, state: Any, label: Any = None, classes: str = "tag") -> SafeString:
    tone, default = status.tag(kind, str(state))
    text = default if label is None or label == "" else label
    return format_html('<span class="badge text-bg-{} {}">{}</span>', tone, classes, text)


@register.filter
def tone(state: Any, kind: str) -> str:
    return status.tone(kind, str(state))


@register.filter
def state_label(state: Any, kind: str) -> str:
    return status.label(kind, str(state))
