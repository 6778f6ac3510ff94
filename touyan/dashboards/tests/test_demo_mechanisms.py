"""The demo prefecture (黔西南州, `make demo`): the cockpit's training, selection and village-affairs
figures each equal a count made here over the rows (R-TRN-01/02/03/06, R-ELIG-04, R-POS-01/03/04,
R-OPEN-01/02/03); the set-based disclosure count equals the item-by-item schedule
(affairs.disclosures_due) at the prefecture's 1,294 villages."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest

from touyan.accounts.models import User
from touyan.affairs import rules
from touyan.affairs.models import Objection
from touyan.affairs.selectors import disclosures_due
from touyan.cadres.models import Post
from touyan.dashboards import alerts, figures
from touyan.demo.loader import PREFECTURE, load_demo
from touyan.policy.selectors import policy_resolve_many
from touyan.regions.models import Region
from touyan.selection.models import Case, Review
from touyan.training import selectors as training
from touyan.training.models import Attendee, Certificate, Reserve

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 12, 1)


def age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def test_mechanism_figures_equal_a_direct_count() -> None:
    """One load of the demo (≈1.5 min), three mechanisms' checks."""
    load_demo(say=lambda _m: None)
    admin = User.objects.get(username="admin_5223")
    d = figures.dashboard(actor=admin, code=PREFECTURE, on=ON, only=("training", "selection", "affairs"))
    check_training(d["training"])
    check_selection(d["selection"])
    check_affairs(d["affairs"])


def current(p: Post, on: dt.date) -> bool:
    return p.start_date <= on and (p.end_date is None or p.end_date >= on)


def check_training(t: dict[str, Any]) -> None:
    first, last = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    posts = [
        p
        for p in Post.objects.filter(village__code__startswith="5223").exclude(post="RSV")
        if p.start_date <= last and (p.end_date is None or p.end_date >= first)
    ]
    cadres = {p.person_id for p in posts}
    attended = {
        a.person_id for a in Attendee.objects.filter(village__code__startswith="5223", year=2026) if a.date <= ON
    }
    assert t["cadres"] == len(cadres) > 0
    assert t["trained"] == len(cadres & attended) > 0
    rows = training.compliance(region=Region.objects.get(code=PREFECTURE), year=2026, today=ON)
    assert t["short"] == sum(1 for r in rows if r.shortfalls)
    certs = list(Certificate.objects.filter(village__code__startswith="5223"))
    live = [c for c in certs if c.issued_on <= ON and (c.revoked_on is None or c.revoked_on > ON)]
    assert t["certificates"]["valid"] == sum(1 for c in live if c.expires_on is None or c.expires_on >= ON)
    assert t["certificates"]["expired"] == sum(1 for c in live if c.expires_on and c.expires_on < ON)
    reserves = [
        r
        for r in Reserve.objects.filter(village__code__startswith="5223")
        if r.since <= ON and (r.until is None or r.until > ON)
    ]
    res = t["reserves"]
    assert res["villages"] == Region.objects.filter(code__startswith="5223", level="village").count() == 1294
    assert res["secretary_reserves"] == sum(1 for r in reserves if r.target_post == "PS")
    prof = {p.village_id for p in posts if p.post == "PS" and p.professionalized and current(p, ON)}
    assert res["professionalized_villages"] == len(prof)
    # R-TRN-06: 2 per professionalized village, 1 in any other
    assert res["secretary_reserves_required"] == 2 * len(prof) + (1294 - len(prof))
    assert res["sufficient"] + res["short"] == 1294
    kinds = {a.kind for a in alerts.collect(Region.objects.get(code=PREFECTURE), ON)}
    assert res["short"] == 0 or "reserves_short" in kinds
    assert t["short"] == 0 or "training_shortfall" in kinds


def check_selection(s: dict[str, Any]) -> None:
    cases = list(Case.objects.filter(village__code__startswith="5223"))
    for state in Case.State.values:
        assert s["cases"][state] == sum(1 for c in cases if c.state == state)
    open_reviews = [
        r
        for r in Review.objects.filter(case__village__code__startswith="5223").select_related("case")
        if not r.result and r.case.state == Case.State.JOINT_REVIEW
    ]
    assert s["reviews_open"] == len(open_reviews)
    assert s["reviews_overdue"] == sum(1 for r in open_reviews if r.due_date < ON)
    held = [p for p in Post.objects.filter(village__code__startswith="5223").exclude(post="RSV") if current(p, ON)]
    ft: dict[str, set[int]] = defaultdict(set)
    prof: dict[str, set[int]] = defaultdict(set)
    young: dict[str, set[int]] = defaultdict(set)
    for p in Post.objects.filter(pk__in=[p.pk for p in held]).select_related("person"):
        if p.full_time:
            ft[p.village_id].add(p.person_id)
        if p.professionalized and p.post == "PS":
            prof[p.village_id[:9]].add(p.person_id)
        elif p.professionalized and p.post != "VD" and age(p.person.birth_date, ON) < 35:
            young[p.village_id[:9]].add(p.person_id)
    q = s["quota"]
    assert q["villages"] == 1294
    assert q["full_time"] == sum(len(v) for v in ft.values()) > 0
    assert q["full_time_quota"] == 3 * 1294  # R-POS-01: 3 per village
    assert q["villages_over"] == sum(1 for v in ft.values() if len(v) > 3)
    assert q["prof_secretaries"] == sum(len(v) for v in prof.values())
    assert q["young"] == sum(len(v) for v in young.values())
    towns: dict[str, int] = defaultdict(int)
    for code in Region.objects.filter(code__startswith="5223", level="village").values_list("code", flat=True):
        towns[code[:9]] += 1
    assert q["prof_cap"] == sum(n // 2 for n in towns.values())  # R-POS-03: ½ of the villages
    assert q["young_cap"] == sum(n * 3 // 10 for n in towns.values())  # R-POS-04: 30 %


def check_affairs(a: dict[str, Any]) -> None:
    """The set-based disclosure count equals the item-by-item schedule."""
    villages = list(Region.objects.filter(code__startswith="5223", level="village").order_by("code"))
    policies = policy_resolve_many([v.code for v in villages], ON)
    due = 0
    for v in villages:
        p = policies[v.code]
        for entry in p["disclosure_catalogue"]:
            schedule = rules.effective_schedule(
                entry.schedule, finance_period=p["finance_period"], party_period=p["party_affairs_period"]
            )
            due += rules.last_closed_period(schedule, ON) is not None
    missing = disclosures_due(villages=villages, policies=policies, today=ON)
    overdue = sum(1 for m in missing if m.overdue)
    assert a["disclosures"]["due"] == due > 0
    assert a["disclosures"]["published"] == due - len(missing)
    assert a["disclosures"]["overdue"] == overdue
    assert a["disclosures"]["waiting"] == len(missing) - overdue
    objections = [o for o in Objection.objects.filter(village__code__startswith="5223") if o.filed_on <= ON]
    assert a["objections"]["filed"] == len(objections)
    assert a["objections"]["overdue"] == sum(1 for o in objections if o.state == "open" and o.reply_due < ON)
