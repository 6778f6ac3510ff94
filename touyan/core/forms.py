"""Form helpers: Bootstrap classes on every widget, and selects rendered without a template per option."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from .text import validate_name, validate_text


def _attrs(attrs: dict[str, Any]) -> str:
    """As Django's attrs.html: False drops the attribute, True writes its bare name."""
    out = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        out.append(f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"')
    return "".join(out)


class FastSelect(forms.Select):
    """forms.Select with the same HTML, written in Python: Django renders one template per option,
    which costs a region picker of 600 options ~5 ms and made the roster page slow at scale (issue #3)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(
                    f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>"
                )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


ISO_DATE = "%Y-%m-%d"


class IsoDateInput(forms.DateInput):
    """`<input type="date">` whose value is always ISO YYYY-MM-DD, whatever the language: a browser
    shows nothing for "2015/11/04", and a form posted back then erased the date (issue 16)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs=attrs, format=format or ISO_DATE)


def iso_dates(form: forms.BaseForm) -> None:
    """Every date widget of the form renders ISO (a `type="date"` input, or any DateInput)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.DateInput):
            widget.format = ISO_DATE
            widget.input_type = "date"
            widget.attrs["type"] = "date"


NAME_FIELDS = frozenset({"name", "display_name", "title", "username"})


class StyledForm(forms.Form):
    """Bootstrap classes; and the core text check (touyan.core.text) on every text field: no NUL,
    control, lone-surrogate or bidi-override characters, and none of the zero-width ones in names."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        iso_dates(self)
        for field_name, field in self.fields.items():
            if isinstance(field, forms.CharField):
                check = validate_name if field_name in NAME_FIELDS else validate_text
                if check not in field.validators:
                    field.validators = [*field.validators, check]
            widget = field.widget
            if type(widget) is forms.Select:  # exactly Select: same HTML, rendered faster
                widget.__class__ = FastSelect
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
