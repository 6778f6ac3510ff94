"""Hand-typed addresses with odd values answer 400/404, never 500 (issue 16 item 8).

Every URL pattern with parameters is opened by the national administrator with odd values in
each parameter (month 9999-12, year 0, id 0, a huge number, a code of nothing), and every page with
odd query values (page_size=0, on=2026-99-99, year=abc …).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from touyan.accounts.models import User

# Odd values by the converter of the parameter (the <…> part of the pattern).
ODD: dict[str, list[str]] = {
    "int": ["0", "99999999", "99999999999999999999"],
    "str": ["0", "x", "999999999999", "522301000000", "522301001001"],
    "path": ["0", "x"],
    "yyyymm": ["9999-12", "0001-01", "2026-13", "2026-00"],
    "isodate": ["9999-12-31", "0001-01-01", "2026-02-30"],
    "year": ["0", "1999", "99999", "2026"],
}
QUERIES = [
    "page=0",
    "page=-1",
    "page=99999999999999999999",
    "page=abc",
    "page_size=0",
    "page_size=-5",
    "page_size=99999999999",
    "on=2026-99-99",
    "on=9999-12-31",
    "year=abc",
    "year=0",
    "year=99999",
    "month=2026-13",
    "month=9999-12",
    "quarter=9",
    "half=0",
    "day=2026-02-30",
    "cadre=abc",
    "job=abc",
    "region=x",
]
_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _patterns(p, route)
        elif isinstance(p, URLPattern):
            yield route


def _routes() -> list[str]:
    skip = ("sysadmin/", "logout/", "api/v1/docs", "api/v1/openapi.json", "i18n/")
    return sorted({r for r in _patterns(get_resolver()) if not r.startswith(skip) and "(?P" not in r and "^" not in r})


PLAUSIBLE = {
    "int": "1",
    "str": "522301000000",
    "path": "1",
    "yyyymm": "2026-11",
    "isodate": "2026-11-02",
    "year": "2026",
}


def _plausible(route: str) -> str:
    """The route with every parameter on an ordinary value (a code of county A, id 1, this year)."""
    url = route
    for m in _PARAM.finditer(route):
        url = url.replace(m.group(0), PLAUSIBLE.get(m.group("conv") or "str", "1"), 1)
    return "/" + url


def _fill(route: str) -> list[str]:
    params = list(_PARAM.finditer(route))
    if not params:
        return []
    choices = [ODD.get(m.group("conv") or "str", ODD["str"]) for m in params]
    # Each parameter odd in turn, the others on a plausible value (the first of their list's valid ones).
    plausible = [c[-1] for c in choices]
    urls = set()
    for i, values in enumerate(choices):
        for v in values:
            filled = list(plausible)
            filled[i] = v
            url = route
            for m, value in zip(params, filled, strict=True):
                url = url.replace(m.group(0), value, 1)
            urls.add("/" + url)
    return sorted(urls)


@pytest.fixture
def odd_client(personas: dict[str, User], make_cadre: Any) -> Client:
    make_cadre()
    c = Client(raise_request_exception=False)
    c.force_login(personas["national"])
    return c


@pytest.mark.django_db
def test_odd_path_values_never_500(odd_client: Client) -> None:
    bad = []
    for route in _routes():
        for url in _fill(route):
            status = odd_client.get(url).status_code
            if status >= 500:
                bad.append(f"{status} {url}")
    assert bad == [], "\n".join(bad)


@pytest.mark.django_db
def test_odd_query_values_never_500(odd_client: Client) -> None:
    bad = []
    pages = [r for r in _routes() if not _PARAM.search(r)]
    filled = [_plausible(r) for r in _routes() if _PARAM.search(r)]
    for url, query in itertools.product(["/" + p for p in pages] + filled, QUERIES):
        status = odd_client.get(f"{url}?{query}").status_code
        if status >= 500:
            bad.append(f"{status} {url}?{query}")
    assert bad == [], "\n".join(bad)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/attendance/monthly/522301001000/9999-12/",
        "/attendance/monthly/522301001000/0001-01/",
        "/payroll/insurance/522301001000/0/",
        "/cadres/?page_size=0",
        "/policy/522301000000/?on=2026-99-99",
        "/policy/x/",
        "/stats/structure/x/",
    ],
)
def test_the_issue_addresses_answer_4xx_or_their_default(odd_client: Client, url: str) -> None:
    """The addresses of issue 16: a 4xx page, or (page_size=0) the page at its default size."""
    status = odd_client.get(url).status_code
    assert status < 500
    if "page_size" in url:
        assert status == 200
    else:
        assert 400 <= status < 500
