"""Every edit page round-trips: opened for a full record and posted back unchanged, the record is
unchanged (issue 16: a zh-hans date input showed "2015/11/04", the browser blanked it, saving erased it).

The browser's rule is applied by `core.browserform`: a `type="date"` input posts "" for any value
that is not YYYY-MM-DD.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

import touyan
from touyan.accounts.models import User
from touyan.core.browserform import post_form

LANGS = ["zh-hans", "en"]


def _client(user: User, lang: str) -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = lang
    return c


def _round_trip(c: Client, url: str) -> None:
    page = c.get(url)
    assert page.status_code == 200, url
    data, dropped = post_form(page.content.decode())
    assert dropped == [], f"{url}: the browser would blank {dropped}"
    reply = c.post(url, data)
    assert reply.status_code in (200, 302), url
    if reply.status_code == 200:  # re-rendered: it must not be an error page
        body = reply.content.decode()
        assert "is-invalid" not in body and "invalid-feedback" not in body, f"{url}: an unchanged form was refused"


def _cadre_edit(personas: dict[str, User], make_cadre: Callable[..., Any], lang: str) -> None:
    from touyan.cadres.models import Person

    person = make_cadre(
        name="岑红梅",
        ethnicity="布依族",
        phone="13812345678",
        party_join_date=dt.date(2015, 11, 4),
        education="bachelor",
        full_time_education=True,
        origin="veteran",
        political_status="party_member",
    )
    before = model_to_dict(Person.objects.get(pk=person.pk))
    phone_before = Person.objects.get(pk=person.pk).phone_enc
    _round_trip(_client(personas["township_a1"], lang), f"/cadres/{person.pk}/edit/")
    after = Person.objects.get(pk=person.pk)
    assert model_to_dict(after) == before
    assert after.party_join_date == dt.date(2015, 11, 4)
    assert after.phone_masked and after.phone_enc == phone_before
    # Nothing changed, so the history records no change either (issue 16: "2015-11-04 → ∅").
    latest, *older = Person.history.filter(id=person.pk).order_by("-history_date")
    if older:
        assert latest.diff_against(older[0]).changed_fields == []


def _policy_edit_real(personas: dict[str, User], make_cadre: Callable[..., Any], lang: str) -> None:
    from django.utils import timezone

    from touyan.policy.selectors import policy_resolve
    from touyan.policy.services import policy_put

    county = "522301000000"
    today = timezone.localdate()
    policy_put(
        actor=personas["national"],
        region_code=county,
        effective_from=today,
        params={"min_days_per_month": 20, "leave_max_single": 15},
        note="",
    )
    before = policy_resolve(county, today).params.model_dump()
    _round_trip(_client(personas["county_a_admin"], lang), f"/policy/{county}/")
    assert policy_resolve(county, today).params.model_dump() == before


def _user_edit(personas: dict[str, User], make_cadre: Callable[..., Any], lang: str) -> None:
    target = personas["township_a1"]
    fields = ("display_name", "role", "region_id", "department", "is_active", "password")
    before = {f: getattr(User.objects.get(pk=target.pk), f) for f in fields}
    _round_trip(_client(personas["county_a_admin"], lang), f"/accounts/users/{target.pk}/edit/")
    assert {f: getattr(User.objects.get(pk=target.pk), f) for f in fields} == before


# Every edit page, by URL name, with the test that opens it for a full record and posts it back.
EDIT_VIEWS: dict[str, Callable[[dict[str, User], Callable[..., Any], str], None]] = {
    "cadres:edit": _cadre_edit,
    "policy:edit": _policy_edit_real,
    "accounts:user_edit": _user_edit,
}


def _names(resolver: URLResolver, ns: str = "") -> list[str]:
    out: list[str] = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            out += _names(p, f"{ns}{p.namespace}:" if p.namespace else ns)
        elif isinstance(p, URLPattern) and p.name:
            out.append(ns + p.name)
    return out


def test_every_edit_page_has_a_round_trip() -> None:
    """An edit page (URL name "…edit…" or "…update…") without a round trip here fails this test."""
    names = {n for n in _names(get_resolver()) if not n.startswith("admin:")}
    edits = {n for n in names if ("edit" in n.split(":")[-1] or "update" in n.split(":")[-1])}
    edits -= {n for n in edits if n.endswith("_current")}  # redirects to the region's page
    assert edits <= set(EDIT_VIEWS), sorted(edits - set(EDIT_VIEWS))


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(EDIT_VIEWS))
def test_edit_page_round_trips(name: str, lang: str, personas: dict[str, User], make_cadre: Callable[..., Any]) -> None:
    EDIT_VIEWS[name](personas, make_cadre, lang)


def _form_classes() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for mod in pkgutil.walk_packages(touyan.__path__, "touyan."):
        if (
            ".tests" in mod.name
            or ".migrations" in mod.name
            or not (mod.name.endswith(".forms") or ".views" in mod.name)
        ):
            continue
        module = importlib.import_module(mod.name)
        for _n, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, forms.BaseForm) and obj.__module__ == mod.name:
                found[f"{obj.__module__}.{obj.__name__}"] = obj
    return list(found.values())


@pytest.mark.parametrize("lang", LANGS)
def test_every_date_field_renders_iso(lang: str) -> None:
    """Every DateField of every form of the project renders YYYY-MM-DD in a `type="date"` input."""
    checked = 0
    with translation.override(lang):
        for cls in _form_classes():
            for fname, field in cls.base_fields.items():  # type: ignore[attr-defined]
                if not isinstance(field, forms.DateField):
                    continue
                html = field.widget.render(fname, dt.date(2015, 11, 4))
                assert 'type="date"' in html and 'value="2015-11-04"' in html, f"{cls.__name__}.{fname}: {html}"
                checked += 1
    assert checked >= 5
