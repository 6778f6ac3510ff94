"""The access table (accounts.access), enforced and complete (issue 21, item 1).

Every route is derived from the URL resolver and the OpenAPI document, never from a hand list:
a route with no row fails `test_every_route_has_a_row`; every role a row does not name is refused
by the table itself (`test_every_role_not_named_is_refused`), and every role it names gets past it.
The role × relation tests then ask, for the personal-data routes, for a record that is the user's
own, in the same village, the same township, another township and another county, and assert
allow or deny as the row's reach says (OWN, VILLAGE, REGION).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import COUNTY_A, COUNTY_B, PASSWORD, TOWNSHIP_A1, TOWNSHIP_A2, TOWNSHIP_B1, VILLAGE_A1, VILLAGE_B1
from touyan.accounts.access import OWN, REGION, VILLAGE, Reach, Rule, table
from touyan.accounts.enforce import REFUSED_HEADER, api_path
from touyan.accounts.models import Role, User
from touyan.api.api import api
from touyan.regions import rules as region_rules

VILLAGE_A1_2 = "522301001002"  # 栗坪村, the other village of township A1
VILLAGE_A2 = "522301002001"  # 丰都社区, township A2


# --- the routes, derived ----------------------------------------------------------------------


def _patterns(resolver: URLResolver, namespace: str | None = None) -> Iterator[tuple[str, URLPattern]]:
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x) if p.namespace else namespace
            yield from _patterns(p, ns)
        elif p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


def page_names() -> list[str]:
    """Every named URL but the API's operations (those come from the OpenAPI document)."""
    names: list[str] = []
    for name, pattern in _patterns(get_resolver()):
        if getattr(pattern.callback, "__module__", "").startswith("ninja.operation"):
            continue
        names.append(name)
    return sorted(set(names))


def api_operations() -> list[str]:
    schema = api.get_openapi_schema()
    return sorted(f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops)


def _key_of(name: str) -> str:
    rows = table()
    if name in rows:
        return name
    namespace = name.split(":", 1)[0]
    return f"{namespace}:*" if ":" in name and f"{namespace}:*" in rows else name


def test_every_route_has_a_row() -> None:
    """A new page or API operation without a row in its app's access.py fails here (fail closed)."""
    rows = table()
    missing = [n for n in page_names() if _key_of(n) not in rows]
    missing += [op for op in api_operations() if op not in rows]
    assert not missing, f"routes without an access row (add them to the app's access.py): {missing}"


def test_every_row_names_a_route() -> None:
    """No stale rows: each key is a page name, a namespace wildcard or an API operation."""
    routes = set(page_names()) | set(api_operations())
    namespaces = {n.split(":", 1)[0] for n in routes if ":" in n}
    stale = [
        k for k in table() if k not in routes and not (k.endswith(":*") and k[:-2] in namespaces)
    ]  # fmt: skip
    assert not stale, f"access rows that name no route: {stale}"


def test_resolver_route_maps_to_the_openapi_path() -> None:
    assert api_path("api/v1/cadres/<cadre_id>/posts/<post_id>/end") == "/api/v1/cadres/{cadre_id}/posts/{post_id}/end"
    assert api_path("api/v1/affairs/collective/<village>/<int:year>") == "/api/v1/affairs/collective/{village}/{year}"


# --- every role against every route -----------------------------------------------------------

SAMPLE = {
    "int": 999999,
    "string": "522301001001",
    "isodate": dt.date(2026, 3, 2),
    "yyyymm": dt.date(2026, 3, 1),
    "path": "x",
    "slug": "x",
}


def _page_url(name: str, pattern: URLPattern) -> str | None:
    converters = getattr(pattern.pattern, "converters", {})
    kwargs: dict[str, Any] = {}
    for arg, conv in converters.items():
        kind = type(conv).__name__.lower().replace("converter", "")
        kwargs[arg] = SAMPLE.get(kind, "1")
        if kind in ("int",) or arg in ("year", "quarter", "half"):
            kwargs[arg] = {"year": 2026, "quarter": 1, "half": 1}.get(arg, 999999)
        if arg == "step" and kind == "str":
            kwargs[arg] = "township"
        if arg == "action":
            kwargs[arg] = "review"
    try:
        return reverse(name, kwargs=kwargs)
    except Exception:
        return None


def _api_url(path: str) -> str:
    out = path
    for param, value in (("{code}", VILLAGE_A1), ("{region}", VILLAGE_A1), ("{village}", VILLAGE_A1)):
        out = out.replace(param, value)
    while "{" in out:
        start = out.index("{")
        end = out.index("}", start)
        name = out[start + 1 : end]
        out = out[:start] + ("2026" if name == "year" else "1" if name == "step" else "999999") + out[end + 1 :]
    return out


ROLE_REGION = {
    Role.ADMIN: COUNTY_A,
    Role.TOWNSHIP_OFFICER: TOWNSHIP_A1,
    Role.LIAISON: TOWNSHIP_A1,
    Role.CADRE: VILLAGE_A1,
    Role.REVIEWER: COUNTY_A,
    Role.FINANCE: COUNTY_A,
    Role.AUDITOR: COUNTY_A,
    Role.SECURITY_ADMIN: COUNTY_A,
}


@pytest.fixture
def role_clients(personas: dict[str, User], cadre_user: Callable[..., User]) -> dict[str, Client]:
    clients: dict[str, Client] = {}
    for role, region in ROLE_REGION.items():
        if role == Role.CADRE:
            user = cadre_user(village=region, username="role_cadre")
        else:
            user = User.objects.create_user(username=f"role_{role}", password=PASSWORD, role=role, region_id=region)
        c = Client()
        c.force_login(user)
        clients[role] = c
    return clients


def _request(c: Client, method: str, url: str) -> Any:
    if method == "GET":
        return c.get(url)
    return c.generic(method, url, data="{}", content_type="application/json")


def _page_method(name: str) -> str:
    return "GET"


@pytest.mark.django_db
def test_every_role_not_named_is_refused(role_clients: dict[str, Client]) -> None:
    """Each page and API operation, each role: a role the row does not name gets the table's 403
    (the auditor gets no personal file, a village cadre no officials' page); a named role is let
    through to the view (whose selectors then apply the reach)."""
    rows = table()
    resolver = dict(_patterns(get_resolver()))
    wrong: list[str] = []
    for name in page_names():
        rule = rows[_key_of(name)]
        url = _page_url(name, resolver[name])
        if url is None or rule.public or name.startswith("admin:"):
            continue
        for role, c in role_clients.items():
            r = c.get(url)
            by_table = r.get(REFUSED_HEADER) == "refused"
            if rule.allows(role) == by_table:
                wrong.append(f"{role} {name} {url}: {r.status_code} {'refused' if by_table else 'passed'}")
    for op in api_operations():
        rule = rows[op]
        if rule.public:
            continue
        method, path = op.split(" ", 1)
        url = _api_url(path)
        for role, c in role_clients.items():
            r = _request(c, method, url)
            by_table = r.get(REFUSED_HEADER) == "refused"
            if rule.allows(role) == by_table:
                wrong.append(f"{role} {op}: {r.status_code} {'refused' if by_table else 'passed'}")
            if by_table:
                assert r.status_code in (403, 404) and r["Content-Type"].startswith("application/json"), op
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_bearer_tokens_meet_the_same_table(
    personas: dict[str, User], api_client: Callable[[User | None], Client]
) -> None:
    """The short chain (bearer tokens) is refused by the same rows as the session."""
    auditor = api_client(personas["auditor"])
    r = auditor.get(f"/api/v1/cadres?region={COUNTY_A}")
    assert r.status_code == 403 and r[REFUSED_HEADER] == "refused"
    assert auditor.get("/api/v1/cadres/1").status_code == 404  # an object: outsiders learn nothing
    officer = api_client(personas["township_a1"])
    assert officer.get(f"/api/v1/cadres?region={TOWNSHIP_A1}").status_code == 200


def test_a_route_without_a_row_is_refused(rf: Any) -> None:
    """Fail closed: the middleware refuses what the table does not know, for everyone."""
    from django.urls import ResolverMatch

    from touyan.accounts.enforce import route_key

    request = rf.get("/nowhere/")
    key, rule, _api = route_key(request, ResolverMatch(lambda r: None, (), {}, url_name="nowhere", route="nowhere/"))
    assert key == "nowhere" and rule is None
    request = rf.delete("/api/v1/nothing")
    key, rule, is_api = route_key(request, ResolverMatch(lambda r: None, (), {}, url_name="x", route="api/v1/nothing"))
    assert key == "DELETE /api/v1/nothing" and rule is None and is_api


# --- findings of issue 21 (item 2): the auditor and the village cadre -------------------------


@pytest.fixture
def world(personas: dict[str, User], make_cadre: Callable[..., Any], cadre_user: Callable[..., User]) -> dict[str, Any]:
    """A cadre login in village A1 with a colleague in the same village, others in A1's second
    village, township A2 and county B; a quarterly evaluation and a publicised payslip each."""
    from touyan.assessment.models import QuarterlyEvaluation
    from touyan.cadres.models import Person
    from touyan.payroll.models import PayRun, Payslip

    me = cadre_user(village=VILLAGE_A1, posts=("PS",), username="me_cadre")
    people = {
        "own": Person.objects.get(pk=me.cadre_id or 0),
        "same_village": make_cadre(village=VILLAGE_A1, posts=("VD",)),
        "same_township": make_cadre(village=VILLAGE_A1_2),
        "other_township": make_cadre(village=VILLAGE_A2),
        "other_county": make_cadre(village=VILLAGE_B1),
    }
    evaluations = {
        k: QuarterlyEvaluation.objects.create(
            person=p, village_id=p.village_id, year=2026, quarter=1, score=Decimal("85"), grade="competent"
        )
        for k, p in people.items()
    }
    runs = {
        code: PayRun.objects.create(region_id=code, month=dt.date(2026, 3, 1), state=PayRun.State.CLOSED)
        for code in (TOWNSHIP_A1, TOWNSHIP_A2, TOWNSHIP_B1)
    }
    for p in people.values():
        run = runs[p.village.parent_id]
        Payslip.objects.create(run=run, person=p, village_id=p.village_id, total=Decimal("3000.00"))
    return {"me": me, "people": people, "evaluations": evaluations, "runs": runs}


AUDITOR_DENIED = [
    "/api/v1/cadres?region={county}",
    "/api/v1/cadres/{cadre}",
    "/api/v1/attendance/monthly?region={county}&month=2026-03",
    "/api/v1/assessments/quarterly/{evaluation}",
    "/api/v1/payroll/runs/{run}/payslips",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", AUDITOR_DENIED)
def test_the_auditor_reads_no_files(
    url: str, world: dict[str, Any], personas: dict[str, User], api_client: Callable[[User | None], Client]
) -> None:
    """SPEC A8: the auditor (audit.read only) reads audit events, not personal files — 403/404 from
    each API route the probe found open (issue 21, finding 2)."""
    person = world["people"]["same_village"]
    filled = url.format(
        county=COUNTY_A, cadre=person.pk, evaluation=world["evaluations"]["same_village"].pk,
        run=world["runs"][TOWNSHIP_A1].pk,
    )  # fmt: skip
    for c in (api_client(personas["auditor"]), _session(personas["auditor"])):
        r = c.get(filled)
        assert r.status_code in (403, 404), (filled, r.status_code)
        assert r["Content-Type"].startswith("application/json")
    assert _session(personas["auditor"]).get("/audit/").status_code == 200


def _session(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_a_village_cadre_reads_only_their_own_records(world: dict[str, Any]) -> None:
    """SPEC A8: a cadre reads their own file, payslips and evaluations and their village's duty
    book, nothing of a colleague's (issue 21, finding 2)."""
    me, people, evs = world["me"], world["people"], world["evaluations"]
    c = _session(me)
    assert c.get(f"/api/v1/assessments/quarterly/{evs['own'].pk}").status_code == 200
    assert c.get(f"/api/v1/assessments/quarterly/{evs['same_village'].pk}").status_code == 404
    assert c.get(f"/api/v1/cadres/{people['own'].pk}").status_code == 200
    assert c.get(f"/api/v1/cadres/{people['same_village'].pk}").status_code == 404
    # the monthly attendance: their own row only, never the whole village
    r = c.get(f"/api/v1/attendance/monthly?region={VILLAGE_A1}&month=2026-03")
    assert r.status_code == 200, r.content
    assert {row["cadre"] for row in r.json()["items"]} == {people["own"].pk}
    assert r.json()["total"] == 1
    # their payslips: their own line in the run, nobody else's
    r = c.get(f"/api/v1/payroll/runs/{world['runs'][TOWNSHIP_A1].pk}/payslips")
    assert r.status_code == 200, r.content
    assert [s["cadre"] for s in r.json()["items"]] == [people["own"].pk]
    assert c.get(f"/api/v1/payroll/runs/{world['runs'][TOWNSHIP_A2].pk}/payslips").status_code == 404
    # the village's duty book: their own village yes, another no
    # (the day's book itself opens to the cadre on duty that day: the page's own rule, not the table's)
    today = timezone.localdate().isoformat()
    assert c.get(f"/attendance/duty-book/{VILLAGE_A1}/{today}/").get(REFUSED_HEADER) is None
    assert c.get(f"/attendance/roster/{VILLAGE_A1}/2026-03/").status_code == 200
    assert c.get(f"/attendance/roster/{VILLAGE_A1_2}/2026-03/").status_code in (403, 404)
    assert c.get(f"/attendance/duty-book/{VILLAGE_A1_2}/{today}/").status_code in (403, 404)
    # the whole village's monthly page stays closed
    assert c.get(f"/attendance/monthly/{VILLAGE_A1}/2026-03/").status_code == 403


# --- role × relation --------------------------------------------------------------------------

RELATIONS = ("own", "same_village", "same_township", "other_township", "other_county")
PERSONAS_FOR = {
    Role.CADRE: None,  # the world's own cadre
    Role.TOWNSHIP_OFFICER: TOWNSHIP_A1,
    Role.LIAISON: TOWNSHIP_A1,
    Role.ADMIN: COUNTY_A,
    Role.FINANCE: COUNTY_A,
    Role.AUDITOR: COUNTY_A,
    Role.REVIEWER: COUNTY_A,
    Role.SECURITY_ADMIN: COUNTY_A,
}


def expected(rule: Rule, user: User, relation: str, village: str) -> bool:
    """What the row says: a role not named is refused; OWN reaches the user's own record, VILLAGE
    their village's, REGION anything under the user's region."""
    reach: Reach | None = rule.reach_of(user.role)
    if reach is None:
        return False
    if reach == OWN:
        return relation == "own"
    if reach == VILLAGE:
        return village == user.region_id
    assert reach in (REGION, Reach.ASSIGNED)
    return region_rules.is_under(village, region_rules.prefix_of(user.region_id or ""))


OBJECT_ROUTES: list[tuple[str, Callable[[dict[str, Any], str], str]]] = [
    ("GET /api/v1/cadres/{cadre_id}", lambda w, rel: f"/api/v1/cadres/{w['people'][rel].pk}"),
    (
        "GET /api/v1/assessments/quarterly/{evaluation_id}",
        lambda w, rel: f"/api/v1/assessments/quarterly/{w['evaluations'][rel].pk}",
    ),
    ("cadres:detail", lambda w, rel: f"/cadres/{w['people'][rel].pk}/"),
    # More classes of route: a write page, a payslip, a bank account page, a region's month and a
    # village's duty roster (the region routes take the relation's village).
    ("cadres:edit", lambda w, rel: f"/cadres/{w['people'][rel].pk}/edit/"),
    ("payroll:payslip", lambda w, rel: f"/payroll/payslips/{_slip_of(w['people'][rel]).pk}/"),
    ("payroll:bank", lambda w, rel: f"/payroll/cadres/{w['people'][rel].pk}/bank/"),
    ("attendance:monthly", lambda w, rel: f"/attendance/monthly/{w['people'][rel].village_id}/2026-03/"),
    ("attendance:roster", lambda w, rel: f"/attendance/roster/{w['people'][rel].village_id}/2026-03/"),
]


def _slip_of(person: Any) -> Any:
    from touyan.payroll.models import Payslip

    return Payslip.objects.get(person=person)


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r[0] for r in OBJECT_ROUTES])
def test_role_by_relation(route: str, world: dict[str, Any]) -> None:
    """Each role, each relation (own, same village, same township, other township, other county):
    allowed exactly where the route's row and reach say (issue 21, item 1)."""
    url_of = dict(OBJECT_ROUTES)[route]
    rule = table()[route]
    wrong: list[str] = []
    for role, region in PERSONAS_FOR.items():
        user = world["me"] if region is None else User.objects.create_user(
            username=f"rel_{role}", password=PASSWORD, role=role, region_id=region
        )  # fmt: skip
        c = _session(user)
        for relation in RELATIONS:
            village = world["people"][relation].village_id
            r = c.get(url_of(world, relation))
            ok = r.status_code == 200
            if ok != expected(rule, user, relation, village):
                wrong.append(f"{role} {relation}: {r.status_code}")
            if not ok:
                assert r.status_code in (403, 404), (role, relation, r.status_code)
    assert not wrong, f"{route}: " + "; ".join(wrong)


@pytest.mark.django_db
def test_other_county_and_township_reach(world: dict[str, Any], personas: dict[str, User]) -> None:
    """County B's admin and township B1's officer reach nothing of county A (REGION)."""
    for user in (personas["county_b_admin"], personas["township_b1"]):
        c = _session(user)
        for relation in ("own", "same_village", "same_township", "other_township"):
            assert c.get(f"/api/v1/cadres/{world['people'][relation].pk}").status_code == 404
        assert c.get(f"/api/v1/cadres/{world['people']['other_county'].pk}").status_code == 200
    assert COUNTY_B and TOWNSHIP_A2


# --- personal data fails closed ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_unscoped_query_over_files_raises_during_a_request(make_cadre: Callable[..., Any]) -> None:
    """issue 21 item 1: a query over every cadre file, run while a request is served, raises; a
    scoped one, an explicit .unscoped() and anything outside a request (batches, tasks) do not."""
    from touyan.cadres.models import Person
    from touyan.core.scoped import UnscopedQuery, serving_request

    make_cadre()
    assert Person.objects.count() == 1  # outside a request: a batch, a command
    with serving_request():
        with pytest.raises(UnscopedQuery):
            Person.objects.count()
        with pytest.raises(UnscopedQuery):
            list(Person.objects.all())
        with pytest.raises(UnscopedQuery):
            Person.objects.exists()
        assert Person.objects.filter(village_id=VILLAGE_A1).count() == 1
        assert Person.objects.unscoped().count() == 1
        assert Person.objects.none().count() == 0


@pytest.mark.django_db
def test_the_national_scope_says_unscoped(personas: dict[str, User], make_cadre: Callable[..., Any]) -> None:
    """The national administrator reaches every file through scope_filter's explicit .unscoped()."""
    make_cadre()
    make_cadre(village=VILLAGE_B1)
    c = _session(personas["national"])
    r = c.get("/api/v1/cadres")
    assert r.status_code == 200 and r.json()["total"] == 2
    assert c.get("/cadres/").status_code == 200
    assert c.get("/").status_code == 200
