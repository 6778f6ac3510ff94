"""Scoped reads of single assessment records (`access_*`: the record, or NotFound for outsiders),
the typed assessment policy, the facts the flows' guards read, and the township ranking
(A4 officers only; R-POS-03 for selection)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from touyan.accounts.models import User
from touyan.accounts.rules import is_village_cadre
from touyan.accounts.scope import scope_filter
from touyan.core.errors import NotFound
from touyan.policy.selectors import ResolvedPolicy, policy_resolve, policy_resolve_many
from touyan.regions import rules as region_rules

from .. import rules
from ..models import (
    AnnualAssessment,
    Consequence,
    Period,
    PioneerEntry,
    Pledge,
    QuarterlyEvaluation,
    TargetPlan,
)

M = TypeVar("M", bound=Model)


def _about_people(qs: QuerySet[M], actor: User) -> QuerySet[M]:
    """Records about people: those in the actor's region; a cadre's own records only (fail closed)."""
    if is_village_cadre(actor):
        return qs.filter(person_id=actor.cadre_id) if actor.cadre_id else qs.none()
    return scope_filter(qs, actor, "village__code")


def _one(qs: QuerySet[M], pk: int, missing: str, *, for_update: bool) -> M:
    if for_update:
        qs = qs.select_for_update()
    row = qs.filter(pk=pk).first()
    if row is None:
        raise NotFound(missing)
    return row


def quarterlies_in_scope(*, actor: User) -> QuerySet[QuarterlyEvaluation]:
    return _about_people(QuarterlyEvaluation.objects.all(), actor)


def access_quarterly(*, actor: User, evaluation_id: int, for_update: bool = False) -> QuarterlyEvaluation:
    return _one(quarterlies_in_scope(actor=actor), evaluation_id, _("未找到该评价"), for_update=for_update)


def access_annual(*, actor: User, annual_id: int, for_update: bool = False) -> AnnualAssessment:
    qs = _about_people(AnnualAssessment.objects.all(), actor)
    return _one(qs, annual_id, _("未找到该年度考核"), for_update=for_update)


def access_pledge(*, actor: User, pledge_id: int, for_update: bool = False) -> Pledge:
    return _one(_about_people(Pledge.objects.all(), actor), pledge_id, _("未找到该承诺"), for_update=for_update)


def access_target_plan(*, actor: User, plan_id: int, for_update: bool = False) -> TargetPlan:
    qs = _about_people(TargetPlan.objects.all(), actor)
    return _one(qs, plan_id, _("未找到该目标"), for_update=for_update)


def access_consequence(*, actor: User, consequence_id: int, prefix: str = "", for_update: bool = False) -> Consequence:
    """A consequence in scope (and, with `prefix`, under the page's region)."""
    qs = _about_people(Consequence.objects.filter(village__code__startswith=prefix), actor)
    return _one(qs, consequence_id, _("未找到该事项"), for_update=for_update)


def access_period(*, actor: User, period_id: int, region_code: str = "", for_update: bool = False) -> Period:
    """A period of a region in scope (and, with `region_code`, that region's own)."""
    qs = scope_filter(Period.objects.select_related("opened_by"), actor, "region__code")
    if region_code:
        qs = qs.filter(region_id=region_code)
    return _one(qs, period_id, _("未找到该考核期"), for_update=for_update)


def current_quarterly(
    person_id: int, year: int, quarter: int, *, for_update: bool = False
) -> QuarterlyEvaluation | None:
    qs = QuarterlyEvaluation.objects.filter(person_id=person_id, year=year, quarter=quarter).order_by("-version")
    if for_update:
        qs = qs.select_for_update()
    return qs.first()


def annual_of(*, person_id: int, year: int) -> AnnualAssessment | None:
    """A cadre's annual assessment of a year (a page's cadre, already checked to be on the page)."""
    return AnnualAssessment.objects.filter(person_id=person_id, year=year).first()


def period_for(region_code: str, *, kind: str, year: int, number: int) -> Period | None:
    """The assessment period that covers a region: its own or the nearest ancestor's (WF-5)."""
    chain = region_rules.ancestors(region_code)
    found = {p.region_id: p for p in Period.objects.filter(region_id__in=chain, kind=kind, year=year, number=number)}
    return next((found[c] for c in chain if c in found), None)


# --- the policy, typed ------------------------------------------------------------------------------------------------


def _typed(policy: ResolvedPolicy) -> rules.AssessmentPolicy:
    """The one place the assessment parameters' keys are read (`policy/params.py`, group "asmt")."""
    return rules.AssessmentPolicy(
        bands=rules.Bands(policy["grade_excellent_min"], policy["grade_competent_min"], policy["grade_basic_min"]),
        excellent_max_share=policy["excellent_max_share"],
        w_work=policy["w_work"],
        w_demo=policy["w_demo"],
        satisfaction_min=policy["demo_satisfaction_min"],
        unqualified_admonish=policy["demo_unqualified_admonish"],
        competency_admonish_below=policy["competency_admonish_below"],
        competency_exit_below=policy["competency_exit_below"],
        count_basic_as_competent=policy["count_basic_as_competent"],
        appeal_days=policy["appeal_days"],
        pledge_items_min=policy["pledge_items_min"],
        pledge_items_max=policy["pledge_items_max"],
        documents=tuple(policy.documents),
    )


def assessment_policy(region_code: str, on: dt.date | None = None) -> rules.AssessmentPolicy:
    return _typed(policy_resolve(region_code, on))


def assessment_policies(region_codes: list[str], on: dt.date) -> dict[str, rules.AssessmentPolicy]:
    if not region_codes:
        return {}
    return {code: _typed(p) for code, p in policy_resolve_many(region_codes, on).items()}


def competency_outcome(
    village_code: str, year: int, half: int, tallies: Mapping[str, rules.CompetencyTally]
) -> tuple[Decimal, str]:
    """The rate and outcome a ballot leads to under the village's policy (R-ASMT-07): what the
    page asks the officer to confirm before `competency_record` records it."""
    policy = assessment_policy(village_code, rules.half_policy_day(year, half))
    return rules.competency_under(policy, tallies)


# --- rankings -------------------------------------------------------------------------------------------------------


def township_ranking(*, township_prefix: str, year: int) -> list[tuple[int, Decimal, int]]:
    """(person, total, rank) of the final annual assessments in a township, best first.
    Visible to officers only (no public ranking, A4)."""
    rows = list(
        AnnualAssessment.objects.filter(
            village__code__startswith=township_prefix, year=year, status=AnnualAssessment.Status.FINAL
        )
        .order_by("-total", "person_id")
        .values_list("person_id", "total")
    )
    return [(pid, total, i + 1) for i, (pid, total) in enumerate(rows)]


@dataclass(frozen=True)
class AnnualRank:
    """A cadre's final annual result among their township's (R-POS-03: "last year's overall
    assessment in the township's top ½")."""

    person_id: int
    township: str  # the township's 12-digit code
    total: Decimal
    grade: str
    rank: int  # equal totals share a rank
    out_of: int  # final assessments in the township that year

    def in_top(self, share: Decimal) -> bool:
        return rules.in_top_share(self.rank, self.out_of, share)


def _township_of(village_code: str) -> str:
    return region_rules.prefix_of(village_code, region_rules.TOWNSHIP).ljust(region_rules.CODE_LENGTH, "0")


def annual_rank_in_township(person_ids: Iterable[int], year: int) -> dict[int, AnnualRank]:
    """person → their rank among the final annual assessments of their township in `year`, for
    those who have one (two queries whatever the number of people). For eligibility checks
    (R-POS-03), not for display: rankings are for officers only (A4)."""
    own = dict(
        AnnualAssessment.objects.filter(
            person_id__in=list(person_ids), year=year, status=AnnualAssessment.Status.FINAL
        ).values_list("person_id", "village_id")
    )
    townships = {_township_of(v) for v in own.values()}
    if not townships:
        return {}
    by_township: dict[str, list[tuple[int, Decimal, str]]] = defaultdict(list)
    rows = (
        AnnualAssessment.objects.filter(year=year, status=AnnualAssessment.Status.FINAL)
        .filter(reduce(or_, (Q(village__code__startswith=t[:9]) for t in sorted(townships))))
        .order_by("-total", "person_id")
        .values_list("person_id", "village_id", "total", "grade")
    )
    for pid, village, total, grade in rows:
        by_township[_township_of(village)].append((pid, total, grade))
    out: dict[int, AnnualRank] = {}
    for township, entries in by_township.items():
        ranks = rules.competition_ranks([total for _pid, total, _g in entries])
        for (pid, total, grade), rank in zip(entries, ranks, strict=True):
            if pid in own:
                out[pid] = AnnualRank(pid, township, total, grade, rank, len(entries))
    return out


def pioneer_score(person_id: int, year: int, caps: Mapping[str, Decimal]) -> Decimal:
    entries = [
        rules.PointItem(item, points)
        for item, points in PioneerEntry.objects.filter(person_id=person_id, date__year=year).values_list(
            "item", "points"
        )
    ]
    return rules.pioneer_total(entries, caps)
