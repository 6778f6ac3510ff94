"""Quarterly evaluations (R-ASMT-01, WF-5): a draft is scored and rescored, finalized through
`flows.QUARTERLY_FLOW`, and a final one is never changed in place — it is corrected by a new
version with a reason. The township's board saves and finalizes many rows in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts.models import User
from touyan.audit.services import audit_record
from touyan.core.errors import Conflict, InvalidInput, NotFound
from touyan.core.workflow import transition

from .. import rules
from ..actions import AssessmentAction
from ..flows import QUARTERLY_FLOW
from ..models import QuarterlyEvaluation
from ..selectors import access_quarterly, assessment_policy, current_quarterly, quarterly_facts
from .common import check_score, require_assessor, scorer

FINAL = QuarterlyEvaluation.Status.FINAL


@transaction.atomic
def quarterly_score(
    *, actor: User, cadre_id: int, year: int, quarter: int, score: Decimal, indicators: dict[str, Any] | None = None
) -> QuarterlyEvaluation:
    """Score a quarter (R-ASMT-01): a draft is replaced in place; a final evaluation
    is never changed — correct it with `quarterly_correct`."""
    person = scorer(actor, cadre_id)
    if quarter not in rules.QUARTER_MONTHS:
        raise InvalidInput(errors={"quarter": _("季度为 1–4")})
    check_score(score)
    current = current_quarterly(person.pk, year, quarter, for_update=True)
    if current is not None and current.status == FINAL:
        raise Conflict(_("该季度评价已定稿,不能直接修改;如需更正请提交更正并说明事由"), field="score")
    policy = assessment_policy(person.village_id, rules.quarter_policy_day(year, quarter))
    grade = rules.grade(score, policy.bands)
    old = None if current is None else str(current.score)
    if current is None:
        current = QuarterlyEvaluation(person=person, village_id=person.village_id, year=year, quarter=quarter)
    current.score, current.grade, current.indicators = score, grade, indicators or {}
    current.scored_by, current.policy_documents = actor, list(policy.documents)
    current.save()
    audit_record(
        actor=actor,
        action=AssessmentAction.QUARTERLY_SCORE,
        obj=current,
        region_code=person.village_id,
        changes={"score": [old, str(score)], "grade": [None, grade]},
    )
    return current


@transaction.atomic
def quarterly_correct(*, actor: User, evaluation_id: int, score: Decimal, reason: str) -> QuarterlyEvaluation:
    """A corrected version of a final evaluation, as a new draft with a reason."""
    original = QuarterlyEvaluation.objects.filter(pk=evaluation_id).first()
    if original is None:
        raise NotFound(_("未找到该评价"))
    person = scorer(actor, original.person_id)
    if original.status != FINAL:
        raise InvalidInput(errors={"status": _("草稿可直接修改,无需更正")})
    if len((reason or "").strip()) < 4:
        raise InvalidInput(errors={"reason": _("请填写更正事由")})
    check_score(score)
    latest = current_quarterly(person.pk, original.year, original.quarter, for_update=True)
    if latest is None or latest.pk != original.pk:
        raise Conflict(_("已有更新的版本"), field="version")
    policy = assessment_policy(person.village_id, rules.quarter_policy_day(original.year, original.quarter))
    new = QuarterlyEvaluation.objects.create(
        person=person,
        village_id=person.village_id,
        year=original.year,
        quarter=original.quarter,
        score=score,
        grade=rules.grade(score, policy.bands),
        indicators=original.indicators,
        version=original.version + 1,
        reason=reason.strip(),
        scored_by=actor,
        policy_documents=list(policy.documents),
    )
    audit_record(
        actor=actor,
        action=AssessmentAction.QUARTERLY_CORRECT,
        obj=new,
        region_code=person.village_id,
        reason=reason,
        changes={"score": [str(original.score), str(score)], "version": [original.version, new.version]},
    )
    return new


@transaction.atomic
def quarterly_finalize(
    *, actor: User, evaluation_id: int, facts_of: Callable[[QuarterlyEvaluation], Mapping[str, Any]] | None = None
) -> QuarterlyEvaluation:
    """WF-5: a draft becomes final (QUARTERLY_FLOW.finalize); finalizing a final one changes nothing.
    `facts_of` gathers the guards' facts (a batch passes one that remembers each village's period)."""
    require_assessor(actor)
    ev = access_quarterly(actor=actor, evaluation_id=evaluation_id, for_update=True)
    if ev.status == FINAL:
        return ev
    done: QuarterlyEvaluation = transition(
        QUARTERLY_FLOW,
        actor=actor,
        obj=ev,
        name="finalize",
        set_fields={"finalized_by": actor, "finalized_at": timezone.now()},
        facts_of=facts_of or quarterly_facts,
    )
    return done


@dataclass(frozen=True)
class BoardResult:
    saved: int = 0  # scores written
    finalized: int = 0  # drafts made final
    unscored: list[int] = field(default_factory=list)  # asked to finalize, but no score yet


@transaction.atomic
def quarterly_board_save(
    *,
    actor: User,
    year: int,
    quarter: int,
    scores: Mapping[int, Decimal],
    finalize: Collection[int] = (),
) -> BoardResult:
    """The township board's one write (R-ASMT-01, WF-5): save the typed scores (cadre → score),
    then finalize the drafts of the cadres in `finalize` — all or nothing. A score that cannot be
    saved is reported beside its field (`score-<cadre>`) and nothing is written."""
    errors: dict[str, list[str]] = {}
    saved = 0
    for pid, value in scores.items():
        try:
            with transaction.atomic():
                quarterly_score(actor=actor, cadre_id=pid, year=year, quarter=quarter, score=value)
        except (InvalidInput, Conflict) as exc:
            errors[f"score-{pid}"] = [exc.text()]
        else:
            saved += 1
    if errors:
        raise InvalidInput(errors=errors)
    finalized, unscored = 0, []
    known: dict[str, Mapping[str, Any]] = {}

    def facts_of(ev: QuarterlyEvaluation) -> Mapping[str, Any]:
        if ev.village_id not in known:
            known[ev.village_id] = quarterly_facts(ev)
        return known[ev.village_id]

    for pid in finalize:
        current = current_quarterly(pid, year, quarter)
        if current is None:
            unscored.append(pid)
        elif current.status != FINAL:
            quarterly_finalize(actor=actor, evaluation_id=current.pk, facts_of=facts_of)
            finalized += 1
    return BoardResult(saved, finalized, unscored)
