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
from ..models import AnnualAssessment, Period, QuarterlyEvaluation
from .people import assessed_in, members
from .records import assessment_policy, period_for


def period_facts(period: Period) -> dict[str, Any]:
    """today; for a quarter, `unscored`: full-time cadres of the region in the quarter without a score."""
    facts: dict[str, Any] = {"today": timezone.localdate()}
    if period.kind == Period.Kind.QUARTER:
        prefix = region_rules.prefix_of(period.region_id)
        first, last = rules.quarter_span(period.year, period.number)
        people = {m.person_id for m in members(prefix=prefix, first=first, last=last, full_time=True)}
        scored = assessed_in(QuarterlyEvaluation, prefix=prefix, year=period.year, quarter=period.number)
        facts["unscored"] = len(people - scored)
    return facts


def quarterly_facts(ev: QuarterlyEvaluation) -> dict[str, Any]:
    """today and the period that covers the evaluation (its appeal deadline), or None."""
    period = period_for(ev.village_id, kind=Period.Kind.QUARTER, year=ev.year, number=ev.quarter)
    return {"today": timezone.localdate(), "period": period}


def annual_facts(annual: AnnualAssessment) -> dict[str, Any]:
    """today, the township's annual round (grade → assessments, this one included) and its quota."""
    prefix = region_rules.prefix_of(annual.village_id, region_rules.TOWNSHIP)
    counts = dict.fromkeys(rules.GRADES, 0)
    rows = (
        AnnualAssessment.objects.filter(village__code__startswith=prefix, year=annual.year)
        .values_list("grade")
        .annotate(n=Count("id"))
    )
    for grade, n in rows:
        counts[grade] += n
    policy = assessment_policy(annual.village_id, dt.date(annual.year, 12, 31))
    return {"today": timezone.localdate(), "round": counts, "excellent_max_share": policy.excellent_max_share}
