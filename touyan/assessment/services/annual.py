"""The annual assessment (R-ASMT-02…05): computed from the four final quarters and the ballot
tallies, finalized through `flows.ANNUAL_FLOW` with the consequences it leads to; and the
consequences' 办结."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts.models import User
from touyan.audit.services import audit_record
from touyan.core.errors import Conflict, InvalidInput
from touyan.core.workflow import transition

from .. import rules
from ..actions import AssessmentAction
from ..flows import ANNUAL_FLOW, quota_exceeded
from ..models import AnnualAssessment, BallotTally, Consequence, QuarterlyEvaluation
from ..selectors import access_annual, access_consequence, annual_facts, assessment_policy, current_quarterly
from .common import record_consequence, require_assessor, scorer

QUARTERS = (1, 2, 3, 4)


def _final_quarter_scores(person_id: int, year: int) -> list[Decimal]:
    """The four final quarterly scores, or InvalidInput naming the quarters not final yet."""
    quarters = [current_quarterly(person_id, year, q) for q in QUARTERS]
    missing = [
        str(q)
        for q, ev in zip(QUARTERS, quarters, strict=True)
        if ev is None or ev.status != QuarterlyEvaluation.Status.FINAL
    ]
    if missing:
        raise InvalidInput(errors={"quarters": _("第 %(q)s 季度评价尚未定稿") % {"q": "、".join(missing)}})
    return [ev.score for ev in quarters if ev is not None]


def _replace_tallies(annual: AnnualAssessment, tallies: dict[str, rules.Tally]) -> None:
    """The ballot counts per rater group, never ballots (R-ASMT-04)."""
    annual.tallies.all().delete()
    BallotTally.objects.bulk_create(
        BallotTally(
            annual=annual,
            group=g,
            excellent=t.excellent,
            competent=t.competent,
            basic=t.basic,
            incompetent=t.incompetent,
        )
        for g, t in tallies.items()
    )


@transaction.atomic
def annual_compute(
    *,
    actor: User,
    cadre_id: int,
    year: int,
    tallies: dict[str, rules.Tally],
    bonus: Decimal = Decimal(0),
    penalty: Decimal = Decimal(0),
    target_adjustment: Decimal = Decimal(0),
) -> AnnualAssessment:
    """R-ASMT-02/04: the annual score from the four final quarters and the ballot tallies and its
    grade; recomputed freely until it is final."""
    person = scorer(actor, cadre_id)
    scores = _final_quarter_scores(person.pk, year)
    bad = [g for g in tallies if g not in BallotTally.Group.values]
    if bad:
        raise InvalidInput(errors={"tallies": _("测评群体无效: %(g)s") % {"g": ", ".join(bad)}})
    policy = assessment_policy(person.village_id, dt.date(year, 12, 31))
    tally = rules.total_tally(tallies.values())
    result = rules.annual_under(
        policy, scores, tally, target_adjustment=target_adjustment, bonus=bonus, penalty=penalty
    )
    existing = AnnualAssessment.objects.select_for_update().filter(person=person, year=year).first()
    if existing is not None and existing.status == AnnualAssessment.Status.FINAL:
        raise Conflict(_("该年度考核已定稿"), field="year")
    demo = rules.democratic(tally)
    values = {
        "village_id": person.village_id,
        "work_score": result.work_score,
        "target_adjustment": target_adjustment,
        "demo_score": result.demo_score,
        "satisfaction": demo.satisfaction,
        "bonus": bonus,
        "penalty": penalty,
        "total": result.total,
        "grade": result.grade,
        "computed_by": actor,
        "policy_documents": list(policy.documents),
    }
    annual, _created = AnnualAssessment.objects.update_or_create(person=person, year=year, defaults=values)
    _replace_tallies(annual, tallies)
    audit_record(
        actor=actor,
        action=AssessmentAction.ANNUAL_COMPUTE,
        obj=annual,
        region_code=person.village_id,
        changes={"total": [None, str(result.total)], "grade": [None, result.grade]},
    )
    return annual


def stored_tally(annual: AnnualAssessment) -> rules.Tally:
    return rules.total_tally(
        rules.Tally(t.excellent, t.competent, t.basic, t.incompetent) for t in annual.tallies.all()
    )


def _annual_consequences(annual: AnnualAssessment) -> list[str]:
    """ANNUAL_FLOW.finalize's effect: the consequences of R-ASMT-05 recorded as tasks."""
    policy = assessment_policy(annual.village_id, dt.date(annual.year, 12, 31))
    previous = AnnualAssessment.objects.filter(
        person_id=annual.person_id, year=annual.year - 1, status=AnnualAssessment.Status.FINAL
    ).first()
    demo = rules.democratic(
        stored_tally(annual),
        satisfaction_min=policy.satisfaction_min,
        unqualified_admonish=policy.unqualified_admonish,
    )
    due = rules.annual_consequences(
        annual.grade, previous_grade=previous.grade if previous else None, admonition=demo.admonition
    )
    for item in due:
        record_consequence(annual.person, item, f"annual:{annual.year}")
    return []


@transaction.atomic
def annual_finalize(*, actor: User, annual_id: int, reason: str = "") -> AnnualAssessment:
    """Final: consequences are recorded (R-ASMT-05); two consecutive 不称职 flag the post for exit.
    Finalizing a final one changes nothing. R-ASMT-03: a 优秀 that takes the township's annual
    round above `excellent_max_share` is refused (409) unless the county finalizes it as an
    exception with a `reason` (ANNUAL_FLOW.finalize_exception, audited with the reason)."""
    require_assessor(actor)
    annual = access_annual(actor=actor, annual_id=annual_id, for_update=True)
    if annual.status == AnnualAssessment.Status.FINAL:
        return annual
    step = "finalize"
    if reason.strip() and quota_exceeded(annual, annual_facts(annual)) is None:
        step = "finalize_exception"
    done: AnnualAssessment = transition(
        ANNUAL_FLOW,
        actor=actor,
        obj=annual,
        name=step,
        reason=reason.strip(),
        effect=_annual_consequences,
        facts_of=annual_facts,
        changes={"grade": [None, annual.grade]},
    )
    return done


@transaction.atomic
def consequence_done(*, actor: User, consequence_id: int, note: str = "", prefix: str = "") -> Consequence:
    """A consequence carried out (办结), with how (R-ASMT-05/07); `prefix` keeps it to a page's region."""
    require_assessor(actor)
    item = access_consequence(actor=actor, consequence_id=consequence_id, prefix=prefix, for_update=True)
    if item.done_at is None:
        item.done_at, item.done_by = timezone.now(), actor
        if note:
            item.note = note[:300]
        item.save(update_fields=["done_at", "done_by", "note"])
        audit_record(actor=actor, action=AssessmentAction.CONSEQUENCE_DONE, obj=item, region_code=item.village_id)
    return item
