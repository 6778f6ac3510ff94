"""Structure statistics of the village cadre team (队伍结构) for any region in scope.

The figures the seeds report at every level — S0 (Qianxinan: 9,060 两委 cadres, 3
full-time cadres per village, R-POS-01), S1 (Zhouwang: secretaries profiled,
reserves, bachelor+ 10.8 %, college+ over 89 %, reserves bachelor+ 45 %), S3
(Luzhou: one-shoulder 99.2 %, average age 41.4, R-ORG-05) — computed by
`structure_stats` with a fixed number of aggregate queries, whatever the number
of villages or cadres (a province: ≈30,000 villages, ≈150,000 cadres).

Definitions (all on the day `on`, default today in Asia/Shanghai):

- a post is *current* when `start_date ≤ on` and `end_date` is empty or `≥ on`;
- a *cadre* (两委干部) is a person in the actor's scope, filed in a village under
  the region, holding at least one current post other than 第一书记 (FS) and
  后备干部 (RSV); a person with several posts counts once;
- *reserves* are people with a current RSV post, counted apart (as S1 does);
- *age* is in completed years on `on` (the birthday has to have come);
  *under 35* means age < 35;
- *bachelor+* = bachelor, master, doctor; *college+* = 大专 and above;
- *Party members* include probationary members (预备党员);
- *villages* are the village-level regions (村 and 社区) under the region;
  a village is *one-shoulder* (一肩挑, R-ORG-05) when its current secretary (PS)
  also holds its current director (VD) post, and *vacant* when it has no
  current PS;
- *full-time cadres* (R-POS-01) are the distinct people holding a current
  full-time post other than FS/RSV; per village = full-time cadres ÷ villages,
  against the quota `full_time_quota_per_village` resolved for the region
  (default 3); a village is *below quota* when it has fewer full-time people
  than that quota.

Rounding (ROUND_HALF_UP): shares are percentages to 0.1 (10.8 means 10.8 %);
the average age is in years to 0.1; full-time cadres per village to 0.01 (to
one decimal 2.96 would read as 3.0 and hide a shortfall). A share or average
whose denominator is 0 is None, shown as "—".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear, Substr
from django.utils import timezone

from touyan.cadres.models import Education, Origin, PoliticalStatus, PostCode
from touyan.cadres.selectors import cadres_in_scope, current_posts
from touyan.policy.selectors import policy_resolve
from touyan.regions import rules as region_rules
from touyan.regions.models import Region
from touyan.regions.selectors import access_region

EXCLUDED_POSTS = (PostCode.FS.value, PostCode.RSV.value)
TEAM_POSTS: tuple[str, ...] = tuple(p for p in PostCode.values if p not in EXCLUDED_POSTS)
BACHELOR_PLUS = (Education.BACHELOR.value, Education.MASTER.value, Education.DOCTOR.value)
COLLEGE_PLUS = (Education.COLLEGE.value, *BACHELOR_PLUS)
PARTY = (PoliticalStatus.PARTY_MEMBER.value, PoliticalStatus.PROBATIONARY.value)
YOUNG_AGE = 35
# Age bands: (key, lower bound inclusive, upper bound exclusive). Under 35 = the first two.
AGE_BANDS: tuple[tuple[str, int | None, int | None], ...] = (
    ("lt30", None, 30),
    ("30_34", 30, 35),
    ("35_39", 35, 40),
    ("40_49", 40, 50),
    ("50_59", 50, 60),
    ("ge60", 60, None),
)
_AGE_CUTS = sorted({b for _k, lo, hi in AGE_BANDS for b in (lo, hi) if b is not None})
PCT_PLACES = Decimal("0.1")
RATIO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Bucket:
    """One category of a structure: its code, how many, and its share of the whole (%)."""

    key: str
    n: int
    share: Decimal | None


@dataclass(frozen=True)
class ChildRow:
    """The main figures of one child region (a township of a county, a county of a prefecture…)."""

    code: str
    name: str
    level: str
    cadres: int
    villages: int
    average_age: Decimal | None
    women_share: Decimal | None
    college_plus_share: Decimal | None
    one_shoulder_villages: int
    one_shoulder_share: Decimal | None
    vacant_secretary: int


@dataclass(frozen=True)
class StructureStats:
    """The structure of a region's cadre team on one day (see the module docstring)."""

    region_code: str
    region_name: str
    level: str
    on: dt.date
    # people
    cadres: int
    average_age: Decimal | None
    under_35: int
    under_35_share: Decimal | None
    women: int
    women_share: Decimal | None
    bachelor_plus: int
    bachelor_plus_share: Decimal | None
    college_plus: int
    college_plus_share: Decimal | None
    party_members: int
    party_share: Decimal | None
    by_post: tuple[Bucket, ...]
    education: tuple[Bucket, ...]
    origin: tuple[Bucket, ...]
    age_bands: tuple[Bucket, ...]
    reserves: int
    reserves_bachelor_plus: int
    reserves_bachelor_plus_share: Decimal | None
    first_secretaries: int
    # villages (R-ORG-05, R-POS-01)
    villages: int
    one_shoulder_villages: int
    one_shoulder_share: Decimal | None
    vacant_secretary: int
    full_time: int
    full_time_per_village: Decimal | None
    full_time_quota: int
    villages_below_quota: int
    children: tuple[ChildRow, ...]


def pct(n: int, whole: int) -> Decimal | None:
    """n as a percentage of whole, to 0.1, half up; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(n) * 100 / Decimal(whole)).quantize(PCT_PLACES, rounding=ROUND_HALF_UP)


def mean(total: int, n: int, places: Decimal = PCT_PLACES) -> Decimal | None:
    """total / n to `places`, half up; None when n is 0."""
    if not n:
        return None
    return (Decimal(total) / Decimal(n)).quantize(places, rounding=ROUND_HALF_UP)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier; 29 February falls back to the 28th.

    A person born after `years_before(on, a)` is younger than `a` on `on`."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_expression(on: dt.date) -> Any:
    """Age in completed years on `on`, in SQL (SQLite and PostgreSQL)."""
    birthday_to_come = Q(birth_date__month__gt=on.month) | Q(birth_date__month=on.month, birth_date__day__gt=on.day)
    return (
        Value(on.year)
        - ExtractYear("birth_date")
        - Case(When(birthday_to_come, then=Value(1)), default=Value(0), output_field=IntegerField())
    )


def _buckets(counts: Mapping[str, int], keys: Iterable[str], whole: int) -> tuple[Bucket, ...]:
    return tuple(Bucket(k, counts.get(k, 0), pct(counts.get(k, 0), whole)) for k in keys)


def _person_aggregates(on: dt.date) -> dict[str, Any]:
    """Conditional counts over cadres: gender, Party, education, origin, age cuts, age sum."""
    aggs: dict[str, Any] = {
        "n": Count("pk"),
        "women": Count("pk", filter=Q(gender="female")),
        "party": Count("pk", filter=Q(political_status__in=PARTY)),
        "age_sum": Sum(age_expression(on)),
    }
    for value in Education.values:
        aggs[f"edu_{value}"] = Count("pk", filter=Q(education=value))
    for value in Origin.values:
        aggs[f"origin_{value}"] = Count("pk", filter=Q(origin=value))
    for cut in _AGE_CUTS:
        aggs[f"lt{cut}"] = Count("pk", filter=Q(birth_date__gt=years_before(on, cut)))
    return aggs


def _age_bands(row: Mapping[str, int], n: int) -> tuple[Bucket, ...]:
    """Bands from the "younger than" counts: [lo, hi) = younger than hi − younger than lo."""
    bands = []
    for key, lo, hi in AGE_BANDS:
        upper = row[f"lt{hi}"] if hi is not None else n
        lower = row[f"lt{lo}"] if lo is not None else 0
        bands.append(Bucket(key, upper - lower, pct(upper - lower, n)))
    return tuple(bands)


def _totals(rows: Iterable[Mapping[str, Any]], keys: Iterable[str]) -> dict[str, int]:
    rows = list(rows)
    return {k: sum(r.get(k) or 0 for r in rows) for k in keys}


def structure_stats(*, actor: Any, region_code: str, on: dt.date | None = None) -> StructureStats:
    """The structure figures of a region in the actor's scope (S0, S1, S3; R-POS-01, R-ORG-05).

    Raises NotFound for a region outside the actor's scope. Eight queries whatever
    the number of villages and cadres (seven for a village): the region, its
    policy, then one scan each of the cadres, of the PS/VD posts and of the
    villages grouped by child region (the headline figures are their sums), the
    posts by code, the full-time people per village, and the children's names.
    """
    day = on or timezone.localdate()
    region = access_region(actor=actor, code=region_code)
    prefix = region.prefix
    quota = int(policy_resolve(region.code, day)["full_time_quota_per_village"])
    child_level = _child_level(region.level)
    width = region_rules.PREFIX_LENGTH[child_level or region_rules.VILLAGE]

    people = cadres_in_scope(actor=actor).filter(village__code__startswith=prefix)
    posts = current_posts(day).filter(village__code__startswith=prefix, person__in=people.values("pk")).order_by()
    team_posts = posts.filter(post__in=TEAM_POSTS)
    cadres = people.filter(Exists(team_posts.filter(person=OuterRef("pk")))).order_by()

    # 1. cadres, by child region: one row of conditional counts each
    person_aggs = _person_aggregates(day)
    by_child = {
        r["child"]: r
        for r in cadres.annotate(child=Substr("village_id", 1, width))
        .values("child")
        .annotate(**person_aggs)
        .order_by()
    }
    row = _totals(by_child.values(), person_aggs)
    n = row["n"]
    under_35 = row[f"lt{YOUNG_AGE}"]
    education = {v: row[f"edu_{v}"] for v in Education.values}
    origin = {v: row[f"origin_{v}"] for v in Origin.values}
    bachelor_plus = sum(education[v] for v in BACHELOR_PLUS)
    college_plus = sum(education[v] for v in COLLEGE_PLUS)

    # 2. villages, and their secretaries and directors (R-ORG-05), by child region
    head_aggs = _head_aggregates()
    heads_by_child = {
        r["child"]: r
        for r in posts.filter(post__in=(PostCode.PS, PostCode.VD))
        .annotate(child=Substr("village_id", 1, width))
        .values("child")
        .annotate(**head_aggs)
        .order_by()
    }
    heads = _totals(heads_by_child.values(), head_aggs)
    villages_by_child = {
        r["child"]: r["n"]
        for r in Region.objects.filter(level=region_rules.VILLAGE, code__startswith=prefix)
        .annotate(child=Substr("code", 1, width))
        .values("child")
        .annotate(n=Count("pk"))
        .order_by()
    }
    n_villages = sum(villages_by_child.values())
    one_shoulder = heads["head_rows"] - heads["head_people"]

    # 3. posts by code: distinct people, and how many of them hold a bachelor's degree or more
    #    (S1 reports the reserves' bachelor+ share)
    by_code = {
        r["post"]: r
        for r in posts.values("post")
        .annotate(
            n=Count("person", distinct=True),
            bachelor=Count("person", distinct=True, filter=Q(person__education__in=BACHELOR_PLUS)),
        )
        .order_by()
    }
    reserves = by_code.get(PostCode.RSV, {"n": 0, "bachelor": 0})

    # 4. full-time people per village against the quota (R-POS-01)
    full_time = (
        team_posts.filter(full_time=True)
        .values("village")
        .annotate(people=Count("person", distinct=True))
        .aggregate(total=Coalesce(Sum("people"), 0), at_quota=Count("village", filter=Q(people__gte=quota)))
    )

    children: tuple[ChildRow, ...] = ()
    if child_level is not None:
        children = _children(region, width, by_child, heads_by_child, villages_by_child)
    return StructureStats(
        region_code=region.code,
        region_name=region.name,
        level=region.level,
        on=day,
        cadres=n,
        average_age=mean(row["age_sum"], n),
        under_35=under_35,
        under_35_share=pct(under_35, n),
        women=row["women"],
        women_share=pct(row["women"], n),
        bachelor_plus=bachelor_plus,
        bachelor_plus_share=pct(bachelor_plus, n),
        college_plus=college_plus,
        college_plus_share=pct(college_plus, n),
        party_members=row["party"],
        party_share=pct(row["party"], n),
        by_post=_buckets({k: r["n"] for k, r in by_code.items()}, TEAM_POSTS, n),
        education=_buckets(education, Education.values, n),
        origin=_buckets(origin, Origin.values, n),
        age_bands=_age_bands(row, n),
        reserves=reserves["n"],
        reserves_bachelor_plus=reserves["bachelor"],
        reserves_bachelor_plus_share=pct(reserves["bachelor"], reserves["n"]),
        first_secretaries=by_code.get(PostCode.FS, {"n": 0})["n"],
        villages=n_villages,
        one_shoulder_villages=one_shoulder,
        one_shoulder_share=pct(one_shoulder, n_villages),
        vacant_secretary=n_villages - heads["with_ps"],
        full_time=full_time["total"],
        full_time_per_village=mean(full_time["total"], n_villages, RATIO_PLACES),
        full_time_quota=quota,
        villages_below_quota=n_villages - full_time["at_quota"],
        children=children,
    )


def _child_level(level: str) -> str | None:
    index = region_rules.LEVELS.index(level)
    return region_rules.LEVELS[index + 1] if index + 1 < len(region_rules.LEVELS) else None


def _head_aggregates() -> dict[str, Any]:
    """Over current PS and VD posts: villages with a secretary, and the rows and people.

    One-shoulder villages (R-ORG-05) = PS/VD rows − distinct PS/VD people: a person
    holds a post once and a village has one secretary (database constraints), so
    each person in both posts is one village whose secretary is also director. Pure
    aggregation, no correlated subquery per village (a province has ≈30,000)."""
    return {
        "with_ps": Count("village", distinct=True, filter=Q(post=PostCode.PS)),
        "head_rows": Count("pk"),
        "head_people": Count("person", distinct=True),
    }


def _children(
    region: Region,
    width: int,
    people: Mapping[str, Mapping[str, Any]],
    heads: Mapping[str, Mapping[str, Any]],
    villages: Mapping[str, int],
) -> tuple[ChildRow, ...]:
    """One row per child region from the grouped counts (one more query: the names)."""
    rows = []
    for child in Region.objects.filter(parent=region).order_by("code").values("code", "name", "level"):
        key = child["code"][:width]
        p = people.get(key, {"n": 0, "women": 0, "age_sum": 0})
        h = heads.get(key, {"with_ps": 0, "head_rows": 0, "head_people": 0})
        college = sum(p.get(f"edu_{v}", 0) for v in COLLEGE_PLUS)
        n_villages = villages.get(key, 0)
        one_shoulder = h["head_rows"] - h["head_people"]
        rows.append(
            ChildRow(
                code=child["code"],
                name=child["name"],
                level=child["level"],
                cadres=p["n"],
                villages=n_villages,
                average_age=mean(p["age_sum"] or 0, p["n"]),
                women_share=pct(p["women"], p["n"]),
                college_plus_share=pct(college, p["n"]),
                one_shoulder_villages=one_shoulder,
                one_shoulder_share=pct(one_shoulder, n_villages),
                vacant_secretary=n_villages - h["with_ps"],
            )
        )
    return tuple(rows)
