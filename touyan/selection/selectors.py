"""Scoped reads of selection and exit: cases, a reviewer's queue (own department, own county),
overdue reviews for the county's workbench, exits, the county's quota board, and the facts the
eligibility rules read from the file.

Reach (accounts.access): officials see the cases and exits of their region; a reviewer sees the
reviews of their own department in their own county and, of a case, only their department's
opinion (R-DATA-04). Anyone else gets NotFound.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.scope import require, scope_filter, scope_prefix
from touyan.assessment.models import StarRating
from touyan.assessment.selectors import annual_rank_in_township
from touyan.attendance.workcalendar import workdays
from touyan.cadres import rules as cadre_rules
from touyan.cadres.models import EDUCATION_RANK, Person, Post
from touyan.cadres.selectors import access_cadre
from touyan.core.errors import NotFound
from touyan.policy.selectors import policy_resolve, policy_resolve_many
from touyan.regions import rules as region_rules
from touyan.regions.models import Region, RegionStat
from touyan.training.selectors import reserve_long_enough

from . import rules
from .models import Case, DisciplineRecord, Exit, Review

OFFICIALS = (Role.ADMIN, Role.TOWNSHIP_OFFICER)


def county_of(code: str) -> str:
    return code[:6].ljust(12, "0")


def township_of(code: str) -> str:
    return code[:9].ljust(12, "0")


def is_reviewer(actor: Any) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.role == Role.REVIEWER
        and actor.department
        and actor.region_id
        and not actor.is_superuser
    )


def is_official(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and (actor.is_superuser or actor.role in OFFICIALS))


# --- workdays ------------------------------------------------------------------------------------
def _month_workdays(year: int, month: int) -> frozenset[dt.date]:
    return workdays(year, month)


def is_workday_fn() -> Any:
    """A workday test over the statutory calendar (attendance.workcalendar), one read per month."""
    cached = lru_cache(maxsize=48)(_month_workdays)

    def is_workday(day: dt.date) -> bool:
        return day in cached(day.year, day.month)

    return is_workday


def due_after(start: dt.date, n: int) -> dt.date:
    return rules.add_workdays(start, n, is_workday_fn())


# --- cases ---------------------------------------------------------------------------------------
def cases_in_scope(*, actor: Any) -> QuerySet[Case]:
    if not is_official(actor):
        return Case.objects.none()
    return scope_filter(Case.objects.all(), actor, "village__code")


def access_case(*, actor: Any, case_id: int) -> Case:
    """One case: officials in scope; a reviewer when their department reviews it in their county."""
    qs = Case.objects.select_related("cadre", "village", "appointed_post")
    case = None
    if is_official(actor):
        case = (
            cases_in_scope(actor=actor).select_related("cadre", "village", "appointed_post").filter(pk=case_id).first()
        )
    elif is_reviewer(actor):
        case = qs.filter(
            pk=case_id, reviews__department=actor.department, reviews__county=county_of(actor.region_id)
        ).first()
    if case is None:
        raise NotFound(_("未找到该选用案件,或不在您的管辖范围内"))
    return case


def opinions_for(*, actor: Any, case: Case) -> list[Review]:
    """A case's opinions as the actor may read them (R-DATA-04): officials all, a reviewer their own."""
    qs = case.reviews.order_by("department")
    if is_reviewer(actor):
        qs = qs.filter(department=actor.department, county=county_of(actor.region_id))
    elif not is_official(actor):
        return []
    return list(qs)


def board(*, actor: Any, prefix: str | None = None, state: str = "") -> QuerySet[Case]:
    qs = cases_in_scope(actor=actor).select_related("cadre", "village")
    if prefix:
        qs = qs.filter(village__code__startswith=prefix)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-id")


def state_counts(qs: QuerySet[Case]) -> dict[str, int]:
    return dict(qs.order_by().values("state").annotate(n=Count("id")).values_list("state", "n"))


# --- a reviewer's queue --------------------------------------------------------------------------
def reviews_for(*, actor: Any, open_only: bool = False) -> QuerySet[Review]:
    """A reviewer's queue: their department's reviews in their county (A8 GET /selection/reviews)."""
    if not is_reviewer(actor):
        return Review.objects.none()
    qs = Review.objects.filter(department=actor.department, county=county_of(actor.region_id))
    if open_only:
        qs = qs.filter(result="")
    return qs.select_related("case__cadre", "case__village").order_by("result", "due_date", "id")


def access_review(*, actor: Any, review_id: int) -> Review:
    review = reviews_for(actor=actor).filter(pk=review_id).first()
    if review is None:
        raise NotFound(_("未找到该联审任务,或不属于您的部门"))
    return review


def review_state(review: Review, today: dt.date) -> str:
    if review.result:
        return "answered"
    return "overdue" if review.due_date < today else "pending"


def overdue_reviews(*, actor: Any, today: dt.date | None = None) -> QuerySet[Review]:
    """R-ELIG-04 / WF-1: reviews past their due date without an answer, escalated to the county
    (its workbench). County (or higher) admins in scope."""
    today = today or timezone.localdate()
    if not is_official(actor) or (actor.role != Role.ADMIN and not actor.is_superuser):
        return Review.objects.none()
    qs = Review.objects.filter(result="", due_date__lt=today, case__state=Case.State.JOINT_REVIEW)
    return scope_filter(qs, actor, "case__village__code").select_related("case__cadre", "case__village")


# --- eligibility facts ---------------------------------------------------------------------------
def eligibility_policy(code: str, day: dt.date | None = None) -> rules.EligibilityPolicy:
    p = policy_resolve(code, day)
    return rules.EligibilityPolicy(
        criminal_lookback_years=p["criminal_lookback_years"],
        party_sanction_bar_years=p["party_sanction_bar_years"],
        max_age_head=p["max_age_head"],
        max_age_member=p["max_age_member"],
        min_tenure_years=p["min_tenure_years"],
        min_tenure_years_relaxed=p["min_tenure_years_relaxed"],
        prof_min_collective_income=p["prof_min_collective_income"],
        prof_min_stars=p["prof_min_stars"],
        young_age_max=p["young_age_max"],
        reserve_trained_years=p["reserve_trained_years"],
    )


def candidate_facts(person: Person, today: dt.date) -> rules.Candidate:
    """What the eligibility rules read from the file (一人一档): posts, records, last year's
    annual assessment rank in the township, the village's collective income and stars (the most
    recent year on file, up to this year)."""
    spans = tuple(cadre_rules.Span(p, s, e) for p, s, e in person.posts.values_list("post", "start_date", "end_date"))
    records = tuple(
        rules.Record(k, lv, d, u)
        for k, lv, d, u in DisciplineRecord.objects.filter(person=person).values_list(
            "kind", "level", "date", "effect_until"
        )
    )
    rank = annual_rank_in_township([person.pk], today.year - 1).get(person.pk)
    income = (
        RegionStat.objects.filter(region_id=person.village_id, year__lte=today.year, collective_income__isnull=False)
        .order_by("-year")
        .values_list("collective_income", flat=True)
        .first()
    )
    stars = (
        StarRating.objects.filter(village_id=person.village_id, year__lte=today.year)
        .order_by("-year")
        .values_list("stars", flat=True)
        .first()
    )
    return rules.Candidate(
        from_reserves=reserve_long_enough(person.pk, person.village_id, today),
        birth_date=person.birth_date,
        education_rank=EDUCATION_RANK.get(person.education, 0),
        college_rank=EDUCATION_RANK["college"],
        full_time_education=person.full_time_education,
        spans=spans,
        records=records,
        last_year_rank=(rank.rank, rank.out_of) if rank else None,
        collective_income=Decimal(income) if income is not None else None,
        stars=stars,
    )


@dataclass(frozen=True)
class Eligibility:
    """The conditions a candidate fails (`violations`) and those the file holds no data for
    (`unverified`: no star rating, collective income or final annual assessment on file).

    Decision on `unverified` (A7's eligibility row, `{eligible, violations: [{rule, message}]}`,
    defines no such field): a condition that cannot be checked is not met, so `eligible` is
    False while any condition is unverified — the same answer the yearly list gives (it refuses
    an unverified secretary) — and the API lists each such condition in `violations` (with
    `bar: "unverified"`, so every reason for False is there with its rule id) and again in
    `unverified`, for the township to complete the file."""

    person: Person
    purpose: str
    found: list[rules.Violation]

    @property
    def violations(self) -> list[rules.Violation]:
        return [v for v in self.found if v.bar != rules.UNVERIFIED]

    @property
    def unverified(self) -> list[rules.Violation]:
        return [v for v in self.found if v.bar == rules.UNVERIFIED]

    @property
    def eligible(self) -> bool:
        return not self.found


def eligibility_of(
    *, actor: Any, cadre_id: int, purpose: str, post: str = "", tier: int | None = None, today: dt.date | None = None
) -> Eligibility:
    """A7 GET /cadres/{id}/eligibility: officials who read files, in scope."""
    require(actor, account_rules.CADRES_READ)
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    return eligibility_for(person, purpose, post=post, tier=tier, today=today)


def eligibility_for(
    person: Person, purpose: str, *, post: str = "", tier: int | None = None, today: dt.date | None = None
) -> Eligibility:
    today = today or timezone.localdate()
    violations = rules.eligibility(
        candidate_facts(person, today),
        eligibility_policy(person.village_id, today),
        purpose,
        today,
        post=post,
        tier=tier,
    )
    return Eligibility(person, purpose, violations)


def records_of(*, actor: Any, person: Person) -> list[DisciplineRecord]:
    if not is_official(actor):
        return []
    return list(DisciplineRecord.objects.filter(person=person))


# --- exits ---------------------------------------------------------------------------------------
def exits_in_scope(*, actor: Any) -> QuerySet[Exit]:
    if not is_official(actor):
        return Exit.objects.none()
    return scope_filter(Exit.objects.all(), actor, "village__code").select_related("cadre", "post", "village")


def access_exit(*, actor: Any, exit_id: int) -> Exit:
    obj = exits_in_scope(actor=actor).filter(pk=exit_id).first()
    if obj is None:
        raise NotFound(_("未找到该离任事项,或不在您的管辖范围内"))
    return obj


def handover_overdue(*, actor: Any, today: dt.date | None = None) -> QuerySet[Exit]:
    """R-ORG-10: exits whose handover is not done by its due date (the decision + 10 days), for the
    county's workbench and to-dos; officials in scope."""
    today = today or timezone.localdate()
    return exits_in_scope(actor=actor).filter(state=Exit.State.HANDOVER, handover_due__lt=today)


def handover_open(*, actor: Any) -> QuerySet[Exit]:
    return exits_in_scope(actor=actor).filter(state=Exit.State.HANDOVER)


@dataclass(frozen=True)
class DepartureCheck:
    """R-PAY-10 as payroll decides it: eligible, why not, and from which month it would be paid."""

    eligible: bool
    problems: tuple[str, ...]
    start_month: dt.date | None
    monthly: Decimal


def departure_check(person: Person, on: dt.date) -> DepartureCheck:
    """The departure allowance's eligibility (R-PAY-10) by payroll's own rule and facts
    (payroll.rules.departure.departure_amount over every post on the file), not a copy of it.
    The application itself is payroll's flow (payroll:departure_new)."""
    from touyan.payroll.rules.departure import departure_amount
    from touyan.payroll.selectors.benefits import departure_facts_of, departure_policy_for

    result = departure_amount(departure_facts_of(person), departure_policy_for(person.village_id, on))
    return DepartureCheck(result.eligible, result.problems, result.start_month, result.monthly)


@dataclass(frozen=True)
class DepartureOffer:
    eligible: bool
    problems: list[str]
    start_month: dt.date | None
    applied: bool  # an application is in payroll (not rejected)
    apply_url: str  # payroll's own application, on the cadre's village


def departure_offer(e: Exit) -> DepartureOffer | None:
    """What an exit's page offers once the post has ended: payroll's answer on the departure
    allowance now, and the link to start payroll's application (R-PAY-10)."""
    from django.urls import reverse

    from touyan.payroll.models import DepartureAllowance

    if e.end_date is None or e.trigger == "competency":
        return None
    check = departure_check(e.cadre, max(e.end_date, timezone.localdate()))
    applied = (
        DepartureAllowance.objects.filter(person_id=e.cadre_id)
        .exclude(state=DepartureAllowance.State.REJECTED)
        .exists()
    )
    url = f"{reverse('payroll:departure_new')}?village={e.village_id}"
    return DepartureOffer(check.eligible, list(check.problems), check.start_month, applied, url)


def departure_offers(*, actor: Any) -> QuerySet[Exit]:
    """Exits completed with the departure allowance found eligible whose cadre has no application
    in payroll yet (or only a rejected one): the township's to-do to start it."""
    from touyan.payroll.models import DepartureAllowance

    applied = DepartureAllowance.objects.filter(person_id=OuterRef("cadre_id")).exclude(
        state=DepartureAllowance.State.REJECTED
    )
    return (
        exits_in_scope(actor=actor)
        .filter(allowance_eligible=True, state__in=[Exit.State.HANDOVER, Exit.State.FILED])
        .exclude(Exists(applied))
    )


# --- the county's quota board (R-POS-01/03/04) ----------------------------------------------------
def quota_board(*, actor: Any, prefix: str, today: dt.date | None = None) -> list[rules.QuotaRow]:
    """Per township under `prefix`: villages, full-time cadres against the quota, professionalised
    secretaries against ½ of the villages, young professional cadres against 30 %, with alerts.
    A fixed number of grouped queries whatever the number of townships."""
    today = today or timezone.localdate()
    mine = scope_prefix(actor)
    if mine is None or not is_official(actor) or not prefix.startswith(mine):
        return []
    return quota_rows(prefix=prefix, today=today)


def quota_rows(*, prefix: str, today: dt.date) -> list[rules.QuotaRow]:
    """The quota board under `prefix` with no scope check (the caller has checked it: quota_board,
    the oversight cockpit)."""
    townships = list(
        Region.objects.filter(level=region_rules.TOWNSHIP, code__startswith=prefix)
        .order_by("code")
        .values_list("code", "name")
    )
    rows = {code: rules.QuotaRow(code=code, name=name) for code, name in townships}
    if not rows:
        return []
    policies = policy_resolve_many(list(rows), today)
    village_counts: dict[str, int] = defaultdict(int)
    for code in Region.objects.filter(level=region_rules.VILLAGE, code__startswith=prefix).values_list(
        "code", flat=True
    ):
        village_counts[township_of(code)] += 1
    held = (
        Post.objects.filter(village__code__startswith=prefix, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .exclude(post="RSV")
    )
    per_village: dict[str, int] = dict(
        held.filter(full_time=True)
        .order_by()
        .values("village_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("village_id", "n")
    )
    prof: dict[str, set[int]] = defaultdict(set)
    young: dict[str, set[int]] = defaultdict(set)
    for village, post, person, birth in held.filter(professionalized=True).values_list(
        "village_id", "post", "person_id", "person__birth_date"
    ):
        t = township_of(village)
        if post == "PS":
            prof[t].add(person)
        elif (
            post not in cadre_rules.HEAD_POSTS
            and t in policies
            and cadre_rules.age_on(birth, today) < int(policies[t]["young_age_max"])
        ):
            young[t].add(person)
    for village, n in per_village.items():
        t = township_of(village)
        if t in rows:
            rows[t].full_time += n
            if n > int(policies[t]["full_time_quota_per_village"]):
                rows[t].villages_over.append(village)
    for code, row in rows.items():
        p = policies[code]
        row.villages = village_counts.get(code, 0)
        row.full_time_quota = row.villages * int(p["full_time_quota_per_village"])
        row.prof_secretaries = len(prof.get(code, ()))
        row.prof_cap = cadre_rules.share_cap(p["prof_secretary_share"], row.villages)
        row.young = len(young.get(code, ()))
        row.young_cap = cadre_rules.share_cap(p["young_share"], row.villages)
    return list(rows.values())


@dataclass(frozen=True)
class Workbench:
    """What the workbench shows of selection: a county's overdue reviews (escalated, WF-1), a
    reviewer's open reviews, a township's cases waiting for its decision."""

    overdue_reviews: int | None = None
    open_reviews: int | None = None
    soft_flags: int | None = None
    handover_overdue: int | None = None  # R-ORG-10, county and township
    handover_open: int | None = None  # township: handovers to finish
    handover_next_due: dt.date | None = None
    departure_offers: int | None = None  # township: departure allowances to start (R-PAY-10)


def workbench(*, actor: Any, today: dt.date | None = None) -> Workbench | None:
    if is_reviewer(actor):
        return Workbench(open_reviews=reviews_for(actor=actor, open_only=True).count())
    if not is_official(actor):
        return None
    late = handover_overdue(actor=actor, today=today).count()
    if actor.role == Role.ADMIN or actor.is_superuser:
        return Workbench(overdue_reviews=overdue_reviews(actor=actor, today=today).count(), handover_overdue=late)
    pending = handover_open(actor=actor).order_by().aggregate(n=Count("id"), due=Min("handover_due"))
    return Workbench(
        soft_flags=cases_in_scope(actor=actor).filter(state=Case.State.SOFT_FLAG).count(),
        handover_overdue=late,
        handover_open=pending["n"],
        handover_next_due=pending["due"],
        departure_offers=departure_offers(actor=actor).count(),
    )


# --- the yearly professionalisation list -------------------------------------------------------------
@dataclass(frozen=True)
class ListRow:
    post: Post
    eligibility: Eligibility
    proposed_tier: int | None


def list_candidates(*, actor: Any, township: Region, year: int, today: dt.date | None = None) -> list[ListRow]:
    """The township's current secretaries with their R-POS-03 check (a township has a few dozen)."""
    from .models import ProfessionalList

    today = today or timezone.localdate()
    if not is_official(actor) or scope_prefix(actor) is None or not township.code.startswith(scope_prefix(actor) or ""):
        return []
    plist = ProfessionalList.objects.filter(township=township, year=year).first()
    proposed = dict(plist.entries.values_list("person_id", "tier")) if plist else {}
    posts = (
        Post.objects.filter(post="PS", end_date__isnull=True, village__code__startswith=township.code[:9])
        .select_related("person", "village")
        .order_by("village_id")
    )
    return [
        ListRow(p, eligibility_for(p.person, "professional_secretary", today=today), proposed.get(p.person_id))
        for p in posts
    ]


def lists_in_scope(*, actor: Any) -> QuerySet[Any]:
    from .models import ProfessionalList

    if not is_official(actor):
        return ProfessionalList.objects.none()
    return scope_filter(ProfessionalList.objects.all(), actor, "township__code").select_related("township")


def career_figures(*, actor: Any, prefix: str, year: int | None = None) -> dict[str, int]:
    """The county's (region's) figures of the three channels (S0: 7 secretaries into township
    leadership, 5 into the civil service)."""
    from .models import CareerMove

    if not is_official(actor):
        return {}
    qs = scope_filter(CareerMove.objects.all(), actor, "village__code").filter(village__code__startswith=prefix)
    if year:
        qs = qs.filter(date__year=year)
    counts = dict(qs.order_by().values("channel").annotate(n=Count("id")).values_list("channel", "n"))
    out = {c: counts.get(c, 0) for c in CareerMove.Channel.values}
    out["total"] = sum(out.values())
    return out
