"""Half-year competency ballots of professionalized secretaries (WF-7, R-ASMT-07): one record per
cadre and half, no states; an exit ends professional status from the next month."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts.models import User
from touyan.audit.services import audit_record
from touyan.cadres.models import Person, Post
from touyan.cadres.selectors import current_posts
from touyan.core.errors import Conflict, InvalidInput

from .. import rules
from ..actions import AssessmentAction
from ..models import CompetencyEvaluation
from ..selectors import assessment_policy
from .common import record_consequence, scorer


def _end_professional(actor: User, person: Person, first_of_next: dt.date) -> int:
    """End professional status from the first of next month: each professionalized
    post ends the day before and continues as a plain post (history kept)."""
    ended = 0
    last_day = first_of_next - dt.timedelta(days=1)
    for post in current_posts(first_of_next).filter(person=person, professionalized=True).select_for_update():
        if post.start_date > last_day:
            post.professionalized, post.tier = False, None
            post.save(update_fields=["professionalized", "tier"])
        else:
            post.end_date, post.end_reason = last_day, "other"
            post.save(update_fields=["end_date", "end_reason"])
            Post.objects.create(
                person=person,
                village=post.village,
                post=post.post,
                organisation=post.organisation,
                term_year=post.term_year,
                start_date=first_of_next,
                full_time=post.full_time,
                professionalized=False,
                tier=None,
                source=post.source,
                created_by=actor,
            )
        ended += 1
    return ended


@transaction.atomic
def competency_record(
    *,
    actor: User,
    cadre_id: int,
    year: int,
    half: int,
    tallies: dict[str, rules.CompetencyTally],
    on: dt.date | None = None,
) -> CompetencyEvaluation:
    """WF-7 / R-ASMT-07: rate = 胜任 ÷ valid votes of members and representatives;
    <90 % → an admonition talk; <80 % → professional status ends from next month."""
    person = scorer(actor, cadre_id)
    if half not in (1, 2):
        raise InvalidInput(errors={"half": _("半年为 1 或 2")})
    if set(tallies) - rules.COMPETENCY_GROUPS:
        raise InvalidInput(errors={"tallies": _("测评群体无效")})
    policy = assessment_policy(person.village_id, rules.half_policy_day(year, half))
    rate, outcome = rules.competency_under(policy, tallies)
    try:
        with transaction.atomic():
            ev = CompetencyEvaluation.objects.create(
                person=person,
                village_id=person.village_id,
                year=year,
                half=half,
                rate=rate,
                outcome=outcome,
                tallies={g: [t.competent, t.basic, t.incompetent] for g, t in tallies.items()},
                policy_documents=list(policy.documents),
                created_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict(_("该半年胜任度评价已录入"), field="half") from exc
    first_of_next = rules.first_of_next_month(on or timezone.localdate())
    if outcome == rules.EXIT:
        _end_professional(actor, person, first_of_next)
    due = rules.competency_consequence(outcome, rate, first_of_next)
    if due is not None:
        record_consequence(person, due, f"competency:{year}H{half}")
    audit_record(
        actor=actor,
        action=AssessmentAction.COMPETENCY_RECORD,
        obj=ev,
        region_code=person.village_id,
        changes={"rate": [None, str(rate)], "outcome": [None, outcome]},
    )
    return ev
