"""The facts the flows' guards read (`flows.py` says which guard reads which), gathered after the
row is locked (`transition(..., facts_of=…)`). Pages that show a button without them get the
service's answer when the button is pressed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.utils import timezone

from touyan.regions import rules as region_rules

from .. import rules
from ..models import AnnualAssessment, Period, PeriodExemption, QuarterlyEvaluation
from .people import assessed_in, members
from .records import assessment_policy, period_for


def period_facts(period: Period) -> dict[str, Any]:
    """today; for a quarter, `unscored`: full-time cadres of the region in the quarter without a
    score and not listed as an exception (WF-5)."""
    facts: dict[str, Any] = {"today": timezone.localdate()}
    if period.kind == Period.Kind.QUARTER:
        prefix = region_rules.prefix_of(period.region_id)
        first, last = rules.quarter_span(period.year, period.number)
        people = {m.person_id for m in members(prefix=prefix, first=first, last=last, full_time=True)}
        scored = assessed_in(QuarterlyEvaluation, prefix=prefix, year=period.year, quarter=period.number)
        exempt = set(PeriodExemption.objects.filter(period=period).values_list("person_id", flat=True))
        facts["unscored"] = len(people - scored - exempt)
    return facts


def quarterly_facts(ev: QuarterlyEvaluation) -> dict[str, Any]:
    """today, the period that covers the evaluation (its appeal deadline) or None, and
    `finalizable_from`: the score is publicised when entered (A7), so its appeal window ends
    `appeal_days` after that day — or at the period's deadline, whichever is later (WF-5)."""
    today = timezone.localdate()
    period = period_for(ev.village_id, kind=Period.Kind.QUARTER, year=ev.year, number=ev.quarter)
    published = timezone.localdate(ev.created_at) if ev.created_at else today
    ends = rules.appeal_ends(published, assessment_policy(ev.village_id, today).appeal_days)
    if period is not None and period.appeal_until is not None:
        ends = max(ends, period.appeal_until)
    return {"today": today, "period": period, "finalizable_from": ends}


def annual_facts(annual: AnnualAssessment) -> dict[str, Any]:
    """today, the township's annual round and its quota (R-ASMT-03): `round` counts the grades the
    round would have once this one is final (the final ones and this one), `round_size` is every
    assessment of the township's year."""
    prefix = region_rules.prefix_of(annual.village_id, region_rules.TOWNSHIP)
    counts = dict.fromkeys(rules.GRADES, 0)
    same = AnnualAssessment.objects.filter(village__code__startswith=prefix, year=annual.year)
    rows = (
        same.filter(status=AnnualAssessment.Status.FINAL)
        .exclude(pk=annual.pk)
        .order_by()
        .values_list("grade")
        .annotate(n=Count("id"))
    )
    for grade, n in rows:
        counts[grade] += n
    counts[annual.grade] = counts.get(annual.grade, 0) + 1
    policy = assessment_policy(annual.village_id, dt.date(annual.year, 12, 31))
    return {
        "today": timezone.localdate(),
        "round": counts,
        "round_size": same.count(),
        "excellent_max_share": policy.excellent_max_share,
    }
