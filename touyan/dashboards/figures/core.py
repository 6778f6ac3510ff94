"""The cadre and village blocks of the dashboard (SPEC A8; S0, S1, S3; R-POS-01, R-ORG-05, R-PAY-12).

Definitions (all on the day `on`; the same as the structure page, `dashboards.structure`):

- a post is *current* when `start_date ≤ on` and `end_date` is empty or `≥ on`;
- *cadres* (两委干部) are the people filed in a village under the region who hold at least one
  current post other than 第一书记 (FS) and 后备干部 (RSV); a person with several posts counts once;
- `full_time`: cadres holding a current full-time post (R-POS-01);
- `average_age`: the mean of the cadres' ages in completed years on `on`, in years to 1 decimal
  (half up); `under_35_share`: age < 35;
- `women_share`, `college_plus_share` (大专 and above), `party_member_share` (incl. 预备党员):
  decimals 0–1, 4 places, half up (`figures.share`);
- *villages* are the village-level regions (村 and 社区) under the region (a village: itself);
  `one_shoulder_share`: villages whose current secretary (PS) also holds their current director
  (VD) post ÷ villages (R-ORG-05); `vacant_secretary`: villages with no current PS;
  `quota_short` / `quota_exceeded`: villages with fewer / more full-time cadres than
  `full_time_quota_per_village` (R-POS-01, default 3, resolved for the region);
  `weak_collective`: villages whose latest collective income on record (RegionStat of a year
  ≤ on's year) is below `weak_income` (R-PAY-12, default 10,000 yuan, resolved for the region).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr

from touyan.cadres.models import Person, Post, PostCode
from touyan.cadres.selectors import current_posts
from touyan.policy.selectors import policy_resolve
from touyan.regions import rules as region_rules
from touyan.regions.models import Region, RegionStat

from ..structure import COLLEGE_PLUS, PARTY, TEAM_POSTS, YOUNG_AGE, age_expression, years_before
from . import share

AGE_PLACES = Decimal("0.1")


class Under(Protocol):
    """What the queries need of a region: its code prefix ("" for the whole country)."""

    @property
    def prefix(self) -> str: ...


@dataclass(frozen=True)
class Nation:
    """The whole country, for a national administrator's overview of the provinces."""

    prefix: str = ""


def code_range(prefix: str, field: str = "village_id") -> Q:
    """The codes under a prefix as a range of 12-digit codes (an index range scan)."""
    if not prefix:
        return Q()
    return Q(**{f"{field}__gte": prefix.ljust(12, "0"), f"{field}__lte": prefix.ljust(12, "9")})


def team_posts(region: Under, on: dt.date) -> QuerySet[Post]:
    """Current posts other than FS/RSV in the region's villages."""
    return current_posts(on).filter(code_range(region.prefix), post__in=TEAM_POSTS).order_by()


def cadres_of(region: Under, on: dt.date) -> QuerySet[Person]:
    """The cadres (see the module docstring) of the region on `on`."""
    posts = team_posts(region, on)
    return (
        Person.objects.filter(code_range(region.prefix)).filter(Exists(posts.filter(person=OuterRef("pk")))).order_by()
    )


def villages_of(region: Under) -> QuerySet[Region]:
    return Region.objects.filter(code_range(region.prefix, "code"), level=region_rules.VILLAGE).order_by()


def average_age(age_sum: int | None, n: int) -> float | None:
    if not n:
        return None
    return float((Decimal(age_sum or 0) / Decimal(n)).quantize(AGE_PLACES, rounding=ROUND_HALF_UP))


def person_aggregates(on: dt.date) -> dict[str, Any]:
    return {
        "total": Count("pk"),
        "women": Count("pk", filter=Q(gender="female")),
        "party": Count("pk", filter=Q(political_status__in=PARTY)),
        "college": Count("pk", filter=Q(education__in=COLLEGE_PLUS)),
        "young": Count("pk", filter=Q(birth_date__gt=years_before(on, YOUNG_AGE))),
        "age_sum": Sum(age_expression(on)),
    }


def cadres_block(region: Region, on: dt.date) -> dict[str, Any]:
    """`cadres` of A8 (see the module docstring for each figure). Two queries."""
    row = cadres_of(region, on).aggregate(**person_aggregates(on))
    n = row["total"]
    full_time = team_posts(region, on).filter(full_time=True).values("person").distinct().count()
    return {
        "total": n,
        "full_time": full_time,
        "average_age": average_age(row["age_sum"], n),
        "under_35": row["young"],
        "under_35_share": share(row["young"], n),
        "women": row["women"],
        "women_share": share(row["women"], n),
        "college_plus": row["college"],
        "college_plus_share": share(row["college"], n),
        "party_members": row["party"],
        "party_member_share": share(row["party"], n),
    }


def head_counts(region: Region, on: dt.date) -> dict[str, int]:
    """Over current PS/VD posts: villages with a secretary; one-shoulder villages = PS/VD rows −
    distinct PS/VD people (a person holds a post once and a village has one secretary)."""
    row = (
        current_posts(on)
        .filter(code_range(region.prefix), post__in=(PostCode.PS, PostCode.VD))
        .order_by()
        .aggregate(
            with_ps=Count("village", distinct=True, filter=Q(post=PostCode.PS)),
            rows=Count("pk"),
            people=Count("person", distinct=True),
        )
    )
    return {"with_ps": row["with_ps"], "one_shoulder": row["rows"] - row["people"]}


def full_time_by_village(region: Region, on: dt.date) -> dict[str, int]:
    """Full-time cadres per village that has any (R-POS-01)."""
    return {
        r["village_id"]: r["n"]
        for r in team_posts(region, on)
        .filter(full_time=True)
        .values("village_id")
        .annotate(n=Count("person", distinct=True))
        .order_by()
    }


def weak_villages(region: Region, on: dt.date, weak_income: Decimal) -> set[str]:
    """Villages whose latest collective income on record (year ≤ on's year) is below weak_income."""
    latest: dict[str, tuple[int, Decimal]] = {}
    income: Decimal | None
    stats = (
        RegionStat.objects.filter(code_range(region.prefix, "region_id"), year__lte=on.year)
        .exclude(collective_income__isnull=True)
        .filter(region__level=region_rules.VILLAGE)
        .values_list("region_id", "year", "collective_income")
    )
    for code, year, income in stats:
        if income is not None and (code not in latest or year > latest[code][0]):
            latest[code] = (year, income)
    return {code for code, (_y, income) in latest.items() if income < weak_income}


def villages_block(region: Region, on: dt.date) -> dict[str, Any]:
    """`villages` of A8 (see the module docstring). Five queries."""
    policy = policy_resolve(region.code, on)
    quota = int(policy["full_time_quota_per_village"])
    n = villages_of(region).count()
    heads = head_counts(region, on)
    per_village = full_time_by_village(region, on)
    at_quota = sum(1 for v in per_village.values() if v >= quota)
    weak = weak_villages(region, on, Decimal(policy["weak_income"]))
    return {
        "total": n,
        "one_shoulder": heads["one_shoulder"],
        "one_shoulder_share": share(heads["one_shoulder"], n),
        "vacant_secretary": n - heads["with_ps"],
        "full_time_quota": quota,
        "quota_short": n - at_quota,
        "quota_exceeded": sum(1 for v in per_village.values() if v > quota),
        "weak_collective": len(weak),
    }


def child_level(level: str) -> str | None:
    i = region_rules.LEVELS.index(level)
    return region_rules.LEVELS[i + 1] if i + 1 < len(region_rules.LEVELS) else None


def children_block(region: Region, on: dt.date) -> list[dict[str, Any]]:
    """One row per child region (the drill-down): cadres, full-time, villages, one-shoulder share,
    vacant secretaries. Five grouped queries whatever the number of children; [] for a village."""
    level = child_level(region.level)
    if level is None:
        return []
    return child_rows(region, region_rules.PREFIX_LENGTH[level], Region.objects.filter(parent=region), on)


def provinces_block(on: dt.date) -> list[dict[str, Any]]:
    """The children rows of the whole country: one per province (the national overview)."""
    provinces = Region.objects.filter(level=region_rules.PROVINCE)
    return child_rows(Nation(), region_rules.PREFIX_LENGTH[region_rules.PROVINCE], provinces, on)


def child_rows(region: Under, width: int, children: QuerySet[Region], on: dt.date) -> list[dict[str, Any]]:
    """The rows of `children_block` for the regions `children` under `region`, whose codes start
    with their first `width` digits."""
    people: dict[str, Any] = {
        r["c"]: r
        for r in cadres_of(region, on)
        .annotate(c=Substr("village_id", 1, width))
        .values("c")
        .annotate(**person_aggregates(on))
        .order_by()
    }
    heads = {
        r["c"]: r
        for r in current_posts(on)
        .filter(code_range(region.prefix), post__in=(PostCode.PS, PostCode.VD))
        .annotate(c=Substr("village_id", 1, width))
        .values("c")
        .annotate(
            with_ps=Count("village", distinct=True, filter=Q(post=PostCode.PS)),
            rows=Count("pk"),
            people=Count("person", distinct=True),
        )
        .order_by()
    }
    full_time = {
        r["c"]: r["n"]
        for r in team_posts(region, on)
        .filter(full_time=True)
        .annotate(c=Substr("village_id", 1, width))
        .values("c")
        .annotate(n=Count("person", distinct=True))
        .order_by()
    }
    villages = {
        r["c"]: r["n"]
        for r in villages_of(region).annotate(c=Substr("code", 1, width)).values("c").annotate(n=Count("pk")).order_by()
    }
    rows = []
    for child in children.order_by("code").values("code", "name", "level"):
        key = child["code"][:width]
        p = people.get(key, {"total": 0, "women": 0, "party": 0, "college": 0, "young": 0, "age_sum": 0})
        h = heads.get(key, {"with_ps": 0, "rows": 0, "people": 0})
        n_villages = villages.get(key, 0)
        one_shoulder = h["rows"] - h["people"]
        rows.append(
            {
                "code": child["code"],
                "name": child["name"],
                "level": child["level"],
                "cadres": p["total"],
                "full_time": full_time.get(key, 0),
                "average_age": average_age(p["age_sum"], p["total"]),
                "women_share": share(p["women"], p["total"]),
                "villages": n_villages,
                "one_shoulder": one_shoulder,
                "one_shoulder_share": share(one_shoulder, n_villages),
                "vacant_secretary": n_villages - h["with_ps"],
            }
        )
    return rows
