"""`{% state_tag obj %}`: a pay run's, departure allowance's or reward's state as a coloured tag,
the colour from flows.TAGS (the one place it is set)."""

from __future__ import annotations

from django import template
from django.db.models import Model
from django.utils.html import format_html
from django.utils.safestring import SafeString

from touyan.payroll.flows import tag_of

register = template.Library()


@register.simple_tag
def state_tag(obj: Model) -> SafeString:
    label = getattr(obj, "get_state_display", lambda: "")()
    return format_html('<span class="badge tag text-bg-{}">{}</span>', tag_of(obj), label)
