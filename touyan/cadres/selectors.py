"""Scoped reads of cadre files. `access_cadre` is the one way to fetch one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from zhconv import convert

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.scope import require, scope_filter
from touyan.core.errors import NotFound

from .models import Person, Post


def current_posts(day: dt.date | None = None) -> QuerySet[Post]:
    day = day or dt.date.today()
    return Post.objects.filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


def cadres_in_scope(*, actor: Any) -> QuerySet[Person]:
    """Cadre files the actor may see: those in their region; a cadre sees only their own."""
    if getattr(actor, "is_authenticated", False) and actor.role == Role.CADRE and not actor.is_superuser:
        return Person.objects.filter(pk=actor.cadre_id) if actor.cadre_id else Person.objects.none()
    return scope_filter(Person.objects.all(), actor, "village__code")


def access_cadre(*, actor: Any, cadre_id: int, for_write: bool = False) -> Person:
    """One cadre file in the actor's scope, or NotFound (outsiders learn nothing)."""
    if for_write:
        require(actor, account_rules.CADRES_WRITE)
    person = (
        cadres_in_scope(actor=actor)
        .select_related("village", "village__parent", "village__parent__parent")
        .filter(pk=cadre_id)
        .first()
    )
    if person is None:
        raise NotFound(_("未找到该干部档案,或不在您的管辖范围内"))
    return person


def with_current_posts(qs: QuerySet[Person], day: dt.date | None = None) -> QuerySet[Person]:
    """Prefetch each person's current posts into `.current_posts` (one extra query)."""
    return qs.prefetch_related(Prefetch("posts", queryset=current_posts(day).order_by("post"), to_attr="current_posts"))


@dataclass(frozen=True)
class RosterFilters:
    region: str | None = None  # a code prefix inside scope
    post: str | None = None
    full_time: bool | None = None
    professionalized: bool | None = None
    one_shoulder: bool | None = None
    age_min: int | None = None
    age_max: int | None = None
    education: str | None = None
    origin: str | None = None
    political_status: str | None = None
    gender: str | None = None
    q: str | None = None  # name (simplified or traditional) or masked ID tail
    in_office: bool | None = True
    sort: str = "village"


SORTS = {
    "village": ("village_id", "id"),
    "name": ("name_search", "id"),
    "-name": ("-name_search", "-id"),
    "age": ("-birth_date", "id"),
    "-age": ("birth_date", "id"),
    "education": ("education", "id"),
}


def normalize_name(text: str) -> str:
    """Names are searched in simplified characters; traditional input is converted (S1)."""
    return convert((text or "").strip(), "zh-cn")


def _birth_bounds(age_min: int | None, age_max: int | None, today: dt.date) -> Q:
    q = Q()
    if age_min is not None:  # born on or before today minus age_min years
        q &= Q(birth_date__lte=_years_ago(today, age_min))
    if age_max is not None:  # younger than age_max + 1
        q &= Q(birth_date__gt=_years_ago(today, age_max + 1))
    return q


def _years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def roster(*, actor: Any, filters: RosterFilters, today: dt.date | None = None) -> QuerySet[Person]:
    """The roster (花名册): scoped, filtered, sorted; posts and region names in a fixed
    number of queries whatever the page size."""
    day = today or dt.date.today()
    qs = cadres_in_scope(actor=actor)
    if filters.region:
        qs = qs.filter(village__code__startswith=filters.region)
    posts = current_posts(day).filter(person=OuterRef("pk"))
    if filters.in_office is True:
        qs = qs.filter(Exists(posts))
    elif filters.in_office is False:
        qs = qs.exclude(Exists(posts))
    if filters.post:
        qs = qs.filter(Exists(posts.filter(post=filters.post)))
    if filters.full_time is not None:
        qs = (
            qs.filter(Exists(posts.filter(full_time=True)))
            if filters.full_time
            else qs.exclude(Exists(posts.filter(full_time=True)))
        )
    if filters.professionalized is not None:
        prof = Exists(posts.filter(professionalized=True))
        qs = qs.filter(prof) if filters.professionalized else qs.exclude(prof)
    if filters.one_shoulder is not None:
        both = Exists(posts.filter(post="PS")) & Exists(posts.filter(post="VD"))
        qs = qs.filter(both) if filters.one_shoulder else qs.exclude(both)
    qs = qs.filter(_birth_bounds(filters.age_min, filters.age_max, day))
    for field in ("education", "origin", "political_status", "gender"):
        value = getattr(filters, field)
        if value:
            qs = qs.filter(**{field: value})
    if filters.q:
        text = filters.q.strip()
        if text.replace("*", "").upper().rstrip("X").isdigit() and len(text.replace("*", "")) <= 4:
            qs = qs.filter(id_masked__endswith=text.replace("*", "").upper())
        else:
            qs = qs.filter(name_search__contains=normalize_name(text))
    qs = qs.order_by(*SORTS.get(filters.sort, SORTS["village"]))
    return with_current_posts(qs.select_related("village", "village__parent"), day)
