"""Scoped reads of cadre files. `access_cadre` is the one way to fetch one.

The roster is built to stay fast at national scale (issue #3, bench/RESULTS.md): region prefixes are
also given as a code range the (village_id, id) index can walk in roster order, and a very large
unfiltered roster may be counted by estimate, on request (`RosterQuerySet.with_estimated_count`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from zhconv import convert

from touyan.accounts import rules as account_rules
from touyan.accounts.rules import is_village_cadre
from touyan.accounts.scope import assigned_villages, require, scope_filter, scope_prefix
from touyan.core import crypto, idnumber
from touyan.core.errors import NotFound
from touyan.regions.rules import CODE_LENGTH

from .models import Person, Post

TAIL_CONTEXT = "id_tail"


def id_tail_hash(number_or_tail: str) -> str:
    """The keyed hash of an ID number's last four characters (or of the four typed in a search)."""
    return crypto.blind_index(idnumber.tail(number_or_tail), context=TAIL_CONTEXT)


def current_posts(day: dt.date | None = None) -> QuerySet[Post]:
    day = day or timezone.localdate()
    return Post.objects.filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


def cadres_in_scope(*, actor: Any) -> QuerySet[Person]:
    """Cadre files the actor may see: those in their region; a cadre sees only their own."""
    if is_village_cadre(actor):
        return Person.objects.filter(pk=actor.cadre_id) if actor.cadre_id else Person.objects.none()
    if getattr(actor, "is_authenticated", False) and not account_rules.has_capability(
        actor.role, account_rules.CADRES_READ, is_superuser=actor.is_superuser
    ):
        # A role with no business with files reads none (R-DATA-04): a joint-review officer sees a
        # candidate only in their queue, an auditor reads audit events.
        return Person.objects.none()
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


PersonQS = TypeVar("PersonQS", bound=QuerySet[Person])


def with_current_posts(qs: PersonQS, day: dt.date | None = None) -> PersonQS:
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


# An unfiltered national or provincial roster above this many files is counted by estimate when the
# caller asks for it (issue #3: an exact count of those in office takes ~45 ms for 30,000 files and
# 0.7–1 s for a million on the bench machine; the estimate 10–25 ms whatever the size).
ESTIMATE_COUNT_ABOVE = 20_000
ESTIMATE_MAX_PREFIX = 2  # national ("") or a province
ESTIMATE_SAMPLE_ROWS = 5_000  # files sampled (TABLESAMPLE) for the share in office


@dataclass(frozen=True)
class _EstimateScope:
    """An unfiltered roster: the files under `prefix`, in office or all of them."""

    prefix: str
    in_office: bool
    day: dt.date


class RosterQuerySet(QuerySet[Person]):
    """The roster's rows. `count()` is exact unless the caller opted in with `with_estimated_count()`;
    then `count_is_estimate` says whether the last count was an estimate, to be shown as 约."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._estimate_scope: _EstimateScope | None = None
        self._estimate_wanted = False
        self.count_is_estimate = False

    def _clone(self) -> RosterQuerySet:
        clone: RosterQuerySet = super()._clone()  # type: ignore[misc]
        clone._estimate_scope = self._estimate_scope
        clone._estimate_wanted = self._estimate_wanted
        return clone

    def with_estimated_count(self) -> RosterQuerySet:
        """Let `count()` estimate an unfiltered national or provincial roster of more than
        ESTIMATE_COUNT_ABOVE files on PostgreSQL; every other roster is still counted exactly."""
        clone = self._clone()
        clone._estimate_wanted = True
        return clone

    def count(self) -> int:
        """The number of rows, or (opted in, large and unfiltered) PostgreSQL's estimate of it."""
        self.count_is_estimate = False
        if self._estimate_wanted and self._estimate_scope is not None and self._result_cache is None:
            estimate = _estimated_count(self._estimate_scope, self.db)
            if estimate is not None:
                self.count_is_estimate = True
                return estimate
        return super().count()


def _code_range(prefix: str) -> Q:
    """The villages under a region prefix as a range of 12-digit codes: the same rows as a prefix
    match, but one the (village_id, id) index walks in roster order, so a page needs no sort."""
    return Q(village_id__gte=prefix.ljust(CODE_LENGTH, "0"), village_id__lte=prefix.ljust(CODE_LENGTH, "9"))


def _estimated_count(scope: _EstimateScope, using: str) -> int | None:
    """The files under the prefix — counted exactly from the index for a province, taken from
    pg_class for the whole country — times the share in office in a fixed sample of all files.
    None (count exactly) below ESTIMATE_COUNT_ABOVE files, on another database, or before the
    table was ever analysed."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    person, post = Person._meta.db_table, Post._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [person])
        total = float(cursor.fetchone()[0])
        if total <= 0:
            return None
        files = (
            Person.objects.using(using).filter(_code_range(scope.prefix)).order_by().count()
            if scope.prefix
            else round(total)
        )
        if files <= ESTIMATE_COUNT_ABOVE:
            return None
        if not scope.in_office:
            return files
        percent = min(100.0, 100.0 * ESTIMATE_SAMPLE_ROWS / total)
        cursor.execute(
            f"SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM {post} po WHERE po.person_id = p.id"  # noqa: S608 - table names from the models
            f" AND po.start_date <= %s AND (po.end_date IS NULL OR po.end_date >= %s)))"
            f" FROM {person} p TABLESAMPLE SYSTEM (%s) REPEATABLE (5223)",
            [scope.day, scope.day, percent],
        )
        sampled, in_office = cursor.fetchone()
    share = in_office / sampled if sampled else 1.0
    return round(files * share)


def _unfiltered(filters: RosterFilters) -> bool:
    """Only the region, the default in-office choice (or all files) and the order are set."""
    return filters.in_office is not False and filters == RosterFilters(
        region=filters.region, in_office=filters.in_office, sort=filters.sort
    )


def roster(*, actor: Any, filters: RosterFilters, today: dt.date | None = None) -> RosterQuerySet:
    """The roster (花名册): scoped, filtered, sorted; posts and region names in a fixed
    number of queries whatever the page size."""
    day = today or timezone.localdate()
    # The actor's scope is the prefix scope_prefix() gives, expressed as a code range rather than the
    # LIKE of scope_filter: a second condition on village_id would make PostgreSQL misjudge how many
    # rows match, and sort a whole county where walking the index for one page is enough.
    reads = getattr(actor, "is_authenticated", False) and account_rules.has_capability(
        actor.role, account_rules.CADRES_READ, is_superuser=actor.is_superuser
    )
    scope = scope_prefix(actor) if reads and not is_village_cadre(actor) else None
    base = cadres_in_scope(actor=actor) if scope is None else Person.objects.unscoped()  # scoped below
    qs = RosterQuerySet(model=Person, query=base.query.chain(), using=base.db)
    # The narrowest prefix, the scope's or the region asked for (the pages and the API only ask for
    # regions inside the scope; one outside it matches nothing).
    prefix = max((p for p in (scope, filters.region) if p), key=len, default="")
    if prefix:
        qs = qs.filter(_code_range(prefix))
    villages = assigned_villages(actor) if scope is not None else None
    if villages is not None:  # a liaison's assigned villages (the ASSIGNED reach)
        qs = qs.filter(village_id__in=sorted(villages))
    if filters.region and not prefix.startswith(filters.region):
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
        digits = text.replace("*", "").upper()
        if digits.rstrip("X").isdigit() and len(digits) == idnumber.TAIL and digits.count("X") <= 1:
            # The last four, found by their keyed hash: the mask need not show them (R-DATA-05).
            qs = qs.filter(id_tail_hash=id_tail_hash(digits))
        elif digits.rstrip("X").isdigit() and len(digits) < idnumber.TAIL:
            qs = qs.filter(id_masked__endswith=digits)
        else:
            qs = qs.filter(name_search__contains=normalize_name(text))
    qs = qs.order_by(*SORTS.get(filters.sort, SORTS["village"]))
    result = with_current_posts(qs.select_related("village", "village__parent"), day)
    if scope is not None and len(prefix) <= ESTIMATE_MAX_PREFIX and _unfiltered(filters):
        result._estimate_scope = _EstimateScope(prefix, filters.in_office is True, day)
    return result
