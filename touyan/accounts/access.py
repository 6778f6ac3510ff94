"""The access table: what every page and API route needs, per role (ENGINEERING habit 4).

Each app declares its routes in its own `access.py` as `ROUTES`, a mapping from a
route key to a `Rule`:

- a page by its URL name: ``"payroll:runs"``;
- an API operation by method and OpenAPI path: ``"GET /api/v1/payroll/runs/{run_id}/payslips"``.

A `Rule` names, for each role that may use the route, how far it reaches:

    ROUTES = {
        "payroll:runs": allow(admin=REGION, township_officer=REGION, finance=REGION),
        "payroll:me": allow(cadre=OWN),
        "public:village": PUBLIC,
    }

A role that is not named is refused (403, or 404 where the route names an object);
a route that has no row is refused for everybody and fails the route test. The
reach is what the selectors behind the route enforce on each object and what the
role × relation test checks: OWN — the user's own file and records; VILLAGE — their
own village (a cadre's duty book); ASSIGNED — a liaison's villages; DEPARTMENT — a
reviewer's own department's cases in their county; REGION — anything inside the
user's region; USER — nothing personal, any signed-in user (home, logout); PUBLIC —
no login at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from .models import Role


class Reach(StrEnum):
    PUBLIC = "public"
    USER = "user"
    OWN = "own"
    VILLAGE = "village"
    ASSIGNED = "assigned"
    DEPARTMENT = "department"
    REGION = "region"


PUBLIC_REACH = Reach.PUBLIC
USER = Reach.USER
OWN = Reach.OWN
VILLAGE = Reach.VILLAGE
ASSIGNED = Reach.ASSIGNED
DEPARTMENT = Reach.DEPARTMENT
REGION = Reach.REGION


@dataclass(frozen=True)
class Rule:
    reach: Mapping[str, Reach] = field(default_factory=dict)
    public: bool = False

    def reach_of(self, role: str) -> Reach | None:
        if self.public:
            return Reach.PUBLIC
        return self.reach.get(role)

    def allows(self, role: str) -> bool:
        return self.public or role in self.reach


def allow(**roles: Reach) -> Rule:
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles in access rule: {sorted(unknown)}")
    return Rule(reach=dict(roles))


def everyone(reach: Reach = Reach.USER) -> Rule:
    """Every signed-in role, with the same reach (home, logout, the region tree)."""
    return Rule(reach=dict.fromkeys(Role.values, reach))


PUBLIC = Rule(public=True)

_TABLE: dict[str, Rule] | None = None


def table() -> dict[str, Rule]:
    """The merged table of every installed app's `access.ROUTES` (read once per process)."""
    global _TABLE
    if _TABLE is None:
        from importlib import import_module
        from importlib.util import find_spec

        from django.apps import apps

        merged: dict[str, Rule] = {}
        for config in apps.get_app_configs():
            name = f"{config.name}.access"
            if find_spec(name) is None:
                continue
            routes: Mapping[str, Rule] = getattr(import_module(name), "ROUTES", {})
            for key, rule in routes.items():
                if key in merged:
                    raise ValueError(f"route {key!r} declared twice (again in {name})")
                merged[key] = rule
        _TABLE = merged
    return _TABLE


# --- the accounts app's own routes ------------------------------------------------------------
# (below `table()` so the helpers above are defined; `table()` reads this module's ROUTES too)

ROUTES: dict[str, Rule] = {
    "login": PUBLIC,
    "logout": everyone(),
    "set_language": PUBLIC,
    "accounts:users": allow(admin=REGION),
    "accounts:user_password_reset": allow(admin=REGION, security_admin=REGION),
    "accounts:security": allow(security_admin=REGION),
    "accounts:user_unlock": allow(security_admin=REGION),
    "accounts:user_2fa_reset": allow(security_admin=REGION),
    "accounts:twofactor_setup": everyone(),
    "accounts:password_change": everyone(),
    "accounts:tokens": everyone(),  # a user's own tokens; an administrator's region's
    # the Django admin site (/sysadmin/, staff only: its own checks on top)
    "admin:*": allow(admin=REGION),
    # the API's own pages: its schema and the root (no personal data)
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:api-root": PUBLIC,
    # API
    "POST /api/v1/auth/token": PUBLIC,  # username and password (and a TOTP code) in the body
    "DELETE /api/v1/auth/token": PUBLIC,  # the bearer token in the header revokes itself
    "POST /api/v1/users": allow(admin=REGION),
    "GET /api/v1/users": allow(admin=REGION),
}
