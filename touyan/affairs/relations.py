"""What a user is to a village, for village affairs: which posts they hold there now (a village
cadre's login), or whether the village lies in their township or county (officials).

Village affairs are done by people in posts (SPEC A8): the village secretary (PS, or VD as the other
head), the supervision committee (SD, SM), any village cadre; the township officer of the village's
township; the liaison official assigned there. The answer is cached on the user object for the
request, so a page that asks many times reads the posts once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from touyan.accounts.models import Role
from touyan.accounts.scope import in_scope
from touyan.cadres.models import Post

HEADS = frozenset({"PS", "VD"})
SUPERVISORS = frozenset({"SD", "SM"})


def _authenticated(actor: Any) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active)


def posts_in(actor: Any, village_code: str, day: dt.date | None = None) -> frozenset[str]:
    """The posts a cadre's login holds in the village today (empty for anyone else)."""
    if not _authenticated(actor) or actor.role != Role.CADRE or not actor.cadre_id:
        return frozenset()
    cache: dict[tuple[str, dt.date], frozenset[str]] = actor.__dict__.setdefault("_affairs_posts", {})
    day = day or timezone.localdate()
    key = (village_code, day)
    if key not in cache:
        cache[key] = frozenset(
            Post.objects.filter(person_id=actor.cadre_id, village_id=village_code, start_date__lte=day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
            .exclude(post="RSV")
            .values_list("post", flat=True)
        )
    return cache[key]


def is_village_cadre(actor: Any, village_code: str) -> bool:
    return bool(posts_in(actor, village_code))


def is_head(actor: Any, village_code: str) -> bool:
    """The village secretary (or the director, the other head: R-FIN-01 "heads of the Party
    organisation or villagers' committee")."""
    return bool(posts_in(actor, village_code) & HEADS)


def is_supervisor(actor: Any, village_code: str) -> bool:
    return bool(posts_in(actor, village_code) & SUPERVISORS)


def is_township(actor: Any, village_code: str) -> bool:
    """A township officer whose township holds the village (or a national administrator)."""
    if not _authenticated(actor):
        return False
    if actor.is_superuser:
        return True
    return actor.role == Role.TOWNSHIP_OFFICER and in_scope(actor, village_code)


def is_liaison(actor: Any, village_code: str) -> bool:
    return _authenticated(actor) and actor.role == Role.LIAISON and in_scope(actor, village_code)


def is_official(actor: Any, village_code: str) -> bool:
    """Any non-cadre login whose region holds the village (reads: county, township, liaison)."""
    if not _authenticated(actor):
        return False
    if actor.is_superuser:
        return True
    return actor.role in (Role.ADMIN, Role.TOWNSHIP_OFFICER, Role.LIAISON) and in_scope(actor, village_code)


def signer_may(role: str, actor: Any, village_code: str) -> bool:
    """R-FIN-01/02: who may put each signature on a village's spend."""
    if role == "supervision":
        return is_supervisor(actor, village_code)
    if role in ("head", "committees"):
        return is_head(actor, village_code)
    if role == "liaison":
        return is_liaison(actor, village_code)
    if role in ("township", "accountant"):
        return is_township(actor, village_code)
    return False
