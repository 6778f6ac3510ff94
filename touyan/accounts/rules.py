"""Pure rules of roles: what each role may do and where it may be bound (SPEC A1)."""

from __future__ import annotations

from typing import Any

from touyan.regions import rules as region_rules

from .models import Role

# Capabilities, checked by `require()`; scope is checked separately.
REGION_STATS_WRITE = "regions.stats.write"
POLICY_WRITE = "policy.write"
USERS_MANAGE = "users.manage"
AUDIT_READ = "audit.read"
CADRES_WRITE = "cadres.write"
CADRES_READ = "cadres.read"
ID_REVEAL = "cadres.reveal_id"
ASSESS = "assessment.score"
# The security administrator's (等保 三权分立): security settings, revoking API tokens, unlocking
# accounts and resetting second factors — no business data.
SECURITY_MANAGE = "security.manage"

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {REGION_STATS_WRITE, POLICY_WRITE, USERS_MANAGE, CADRES_READ, CADRES_WRITE, ID_REVEAL, ASSESS}
    ),
    Role.TOWNSHIP_OFFICER: frozenset({CADRES_READ, CADRES_WRITE, ID_REVEAL, ASSESS}),
    Role.LIAISON: frozenset({CADRES_READ, ASSESS}),
    Role.CADRE: frozenset(),
    Role.REVIEWER: frozenset(),
    Role.FINANCE: frozenset({CADRES_READ}),
    Role.AUDITOR: frozenset({AUDIT_READ}),
    Role.SECURITY_ADMIN: frozenset({SECURITY_MANAGE}),
}

# The levels a user of each role may be bound to.
ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({region_rules.PROVINCE, region_rules.PREFECTURE, region_rules.COUNTY}),
    Role.TOWNSHIP_OFFICER: frozenset({region_rules.TOWNSHIP}),
    Role.LIAISON: frozenset({region_rules.TOWNSHIP, region_rules.VILLAGE}),
    Role.CADRE: frozenset({region_rules.VILLAGE}),
    Role.REVIEWER: frozenset({region_rules.COUNTY}),  # A8: a reviewer belongs to a county department
    Role.FINANCE: frozenset({region_rules.PREFECTURE, region_rules.COUNTY}),
    Role.AUDITOR: frozenset(region_rules.LEVELS),
    Role.SECURITY_ADMIN: frozenset({region_rules.PROVINCE, region_rules.PREFECTURE, region_rules.COUNTY}),
}


def has_capability(role: str, capability: str, *, is_superuser: bool = False) -> bool:
    if is_superuser:
        return True
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


def level_allowed(role: str, level: str) -> bool:
    return level in ROLE_LEVELS.get(role, frozenset())


def is_village_cadre(user: Any) -> bool:
    """A village cadre's own login (never a superuser): they see their own records and, of the
    officials' pages, nothing (`scope.officials_only`)."""
    return getattr(user, "role", None) == Role.CADRE and not getattr(user, "is_superuser", False)
