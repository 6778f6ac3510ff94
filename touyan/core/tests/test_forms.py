"""FastSelect writes the same HTML as Django's template-rendered Select (issue #3 roster speed)."""

from __future__ import annotations

import re

from django import forms

from touyan.core.forms import FastSelect, StyledForm

CHOICES = [
    ("", "全部"),
    ("522301000000", "兴义市"),
    ("乡镇", [("522301001001", '桔山"社区"'), ("522301001002", "<b>丰都</b>")]),
    (7, "seven & more"),
]


def test_same_html_as_the_template_rendered_select() -> None:
    for value in ("", "522301001002", "7", None, ["522301000000"]):
        for attrs in ({"id": "id_region"}, {"id": "x", "required": True, "disabled": False}):
            slow = forms.Select(choices=CHOICES, attrs={"class": "form-select"}).render("region", value, attrs)
            fast = FastSelect(choices=CHOICES, attrs={"class": "form-select"}).render("region", value, attrs)
            assert fast == re.sub(r">\s+<", "><", slow.strip()), (value, attrs)
    assert "selected" in FastSelect(choices=CHOICES).render("r", "522301001002")


def test_styled_forms_use_it_for_plain_selects_only() -> None:
    class F(StyledForm):
        a = forms.ChoiceField(choices=CHOICES)
        b = forms.MultipleChoiceField(choices=CHOICES)
        c = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)

    form = F()
    assert type(form.fields["a"].widget) is FastSelect
    assert type(form.fields["b"].widget) is forms.SelectMultiple
    assert type(form.fields["c"].widget) is forms.RadioSelect
    assert 'class="form-select"' in str(form["a"])
