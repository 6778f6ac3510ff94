"""The demo prefecture (黔西南州, `make demo`): every figure of its cockpit equals a count made here
in plain Python over the rows (S0: ≈9,060 两委 cadres, 3 full-time per village, R-POS-01; S1-style
structure shares; S3's one-shoulder share, R-ORG-05), and the pay standard of a county meets the
floors (S0: base ≥ 3 × income, 4.2 万 / 5 万, R-PAY-02)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from touyan.cadres.models import Person, Post
from touyan.dashboards import figures
from touyan.dashboards.structure import COLLEGE_PLUS, PARTY
from touyan.demo.loader import PREFECTURE, load_demo
from touyan.regions.models import Region

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 12, 1)


def age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def share(n: int, whole: int) -> float | None:
    return float((Decimal(n) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)) if whole else None


def test_demo_prefecture_cockpit_equals_a_direct_count() -> None:
    load_demo(say=lambda _m: None)
    from touyan.accounts.models import User

    admin = User.objects.get(username="admin_5223")
    d = figures.dashboard(actor=admin, code=PREFECTURE, on=ON, only=("cadres", "villages", "children"))

    people = {p.pk: p for p in Person.objects.filter(village__code__startswith="5223")}
    current = [
        p
        for p in Post.objects.filter(village__code__startswith="5223")
        if p.start_date <= ON and (p.end_date is None or p.end_date >= ON)
    ]
    team = [p for p in current if p.post not in ("FS", "RSV")]
    cadres = {p.person_id for p in team if p.person_id in people}
    full_time = {p.person_id for p in team if p.full_time}
    ages = [age(people[i].birth_date, ON) for i in cadres]
    n = len(cadres)
    assert 7000 <= n <= 9500  # S0: 9,060
    expected_cadres = {
        "total": n,
        "full_time": len(full_time),
        "average_age": float((Decimal(sum(ages)) / n).quantize(Decimal("0.1"), ROUND_HALF_UP)),
        "under_35": sum(1 for a in ages if a < 35),
        "under_35_share": share(sum(1 for a in ages if a < 35), n),
        "women": sum(1 for i in cadres if people[i].gender == "female"),
        "women_share": share(sum(1 for i in cadres if people[i].gender == "female"), n),
        "college_plus": sum(1 for i in cadres if people[i].education in COLLEGE_PLUS),
        "college_plus_share": share(sum(1 for i in cadres if people[i].education in COLLEGE_PLUS), n),
        "party_members": sum(1 for i in cadres if people[i].political_status in PARTY),
        "party_member_share": share(sum(1 for i in cadres if people[i].political_status in PARTY), n),
    }
    assert d["cadres"] == expected_cadres

    villages = list(Region.objects.filter(code__startswith="5223", level="village").values_list("code", flat=True))
    assert len(villages) == 1294
    ps: dict[str, set[int]] = defaultdict(set)
    vd: dict[str, set[int]] = defaultdict(set)
    ft: dict[str, set[int]] = defaultdict(set)
    for p in current:
        if p.post == "PS":
            ps[p.village_id].add(p.person_id)
        if p.post == "VD":
            vd[p.village_id].add(p.person_id)
        if p.full_time and p.post not in ("FS", "RSV"):
            ft[p.village_id].add(p.person_id)
    one_shoulder = sum(1 for v in villages if ps[v] & vd[v])
    assert d["villages"]["total"] == 1294
    assert d["villages"]["one_shoulder"] == one_shoulder
    assert d["villages"]["one_shoulder_share"] == share(one_shoulder, 1294)
    assert d["villages"]["vacant_secretary"] == sum(1 for v in villages if not ps[v])
    assert d["villages"]["quota_short"] == sum(1 for v in villages if len(ft[v]) < 3)
    assert d["villages"]["quota_exceeded"] == sum(1 for v in villages if len(ft[v]) > 3)
    # The drill-down adds up: the eight counties' cadres are the prefecture's.
    assert len(d["children"]) == 8 and sum(c["cadres"] for c in d["children"]) == n

    county = figures.dashboard(actor=admin, code="522301000000", on=ON, only=("payroll",))
    standard = county["payroll"]["standard"]
    for row in standard["rows"]:
        assert Decimal(row["base"]) >= Decimal(row["floor_base"])  # S0: base ≥ 3 × income
        if row["floor"] is not None:
            assert Decimal(row["at_competent"]) >= Decimal(row["floor"])  # 4.2 万 / 5 万
    assert {r["post"]: r["floor"] for r in standard["rows"]} == {
        "one_shoulder": "50000.00", "PS": "42000.00", "VD": "42000.00", "deputy": None,
    }  # fmt: skip
    assert standard["breaches"] == 0 and standard["income"] is not None
