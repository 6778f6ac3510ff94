"""Writes of selection (WF-1, R-ELIG-01…05); the exit's (WF-2, R-FIN-03, R-ORG-10) are in exits.py.

Every step goes through `core.workflow.transition` (lock, check, set, audit); the posts are
created and ended by the cadres services, so the quotas (R-POS-01/03/04) and the county filing
(R-ORG-09) hold on this path as on every other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts.models import Role
from touyan.accounts.scope import in_scope
from touyan.audit.services import audit_record, audit_record_many
from touyan.cadres.models import PostCode
from touyan.cadres.selectors import access_cadre
from touyan.cadres.services import PostIn, post_appoint, post_set_professional
from touyan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from touyan.core.workflow import transition
from touyan.policy.selectors import policy_resolve
from touyan.regions.selectors import access_region

from .. import rules
from ..actions import SelectionAction
from ..flows import CASE, PROF_LIST
from ..models import (
    CareerMove,
    Case,
    DisciplineRecord,
    ProfessionalEntry,
    ProfessionalList,
    Purpose,
    RecordKind,
    RecordLevel,
    Review,
)
from ..selectors import access_case, access_review, county_of, due_after, eligibility_for, is_official
from .exits import (  # noqa: F401  (the exit's writes, WF-2, live in services/exits.py)
    END_REASON_OF,
    exit_approve,
    exit_audit_report,
    exit_complete,
    exit_create,
    exit_handover,
    exit_handover_items,
    exit_recall_vote,
    exit_withdraw,
)

OPEN_STATES = (
    Case.State.NOMINATED,
    Case.State.TOWNSHIP_REVIEW,
    Case.State.JOINT_REVIEW,
    Case.State.SOFT_FLAG,
    Case.State.CLEARED,
    Case.State.PUBLICITY,
)
SOURCE_OF = {"election": "election", "by_election": "by_election"}


def _today() -> dt.date:
    return timezone.localdate()


def _require_officer(actor: Any, code: str, *, township_only: bool = False) -> None:
    roles = (Role.TOWNSHIP_OFFICER,) if township_only else (Role.TOWNSHIP_OFFICER, Role.ADMIN)
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden(_("请先登录"))
    if not (actor.is_superuser or actor.role in roles):
        raise Forbidden(_("您的角色无权执行此操作"))
    if not in_scope(actor, code):
        raise NotFound(_("未找到该区域,或不在您的管辖范围内"))


# --- records on the file ----------------------------------------------------------------------------
@transaction.atomic
def record_add(
    *,
    actor: Any,
    cadre_id: int,
    kind: str,
    date: dt.date,
    level: str = "",
    effect_until: dt.date | None = None,
    note: str = "",
) -> DisciplineRecord:
    """A discipline or organisational-handling record on a cadre's file (一人一档), with its period."""
    person = access_cadre(actor=actor, cadre_id=cadre_id, for_write=True)
    errors: dict[str, str] = {}
    if kind not in RecordKind.values:
        errors["kind"] = _("类别无效")
    if level and level not in RecordLevel.values:
        errors["level"] = _("处分(处理)种类无效")
    if effect_until and effect_until < date:
        errors["effect_until"] = _("影响期不能早于处分日期")
    if errors:
        raise InvalidInput(errors=errors)
    record = DisciplineRecord.objects.create(
        person=person, kind=kind, level=level, date=date, effect_until=effect_until, note=note[:300], recorded_by=actor
    )
    audit_record(
        actor=actor,
        action=SelectionAction.RECORD_ADD,
        obj=record,
        region_code=person.village_id,
        changes={"kind": [None, kind], "level": [None, level], "date": [None, date]},
    )
    return record


# --- cases (WF-1) -----------------------------------------------------------------------------------
@transaction.atomic
def case_create(
    *,
    actor: Any,
    cadre_id: int,
    purpose: str,
    village: str,
    post: str,
    full_time: bool = False,
    professionalized: bool = False,
    tier: int | None = None,
    election_round: str = "",
) -> Case:
    """A8 POST /selection/cases: nominate a filed person (a newcomer is filed first as RSV)."""
    region = access_region(actor=actor, code=village, field="village")
    _require_officer(actor, region.code)
    person = access_cadre(actor=actor, cadre_id=cadre_id, for_write=True)
    errors: dict[str, str] = {}
    if purpose not in Purpose.values:
        errors["purpose"] = _("选用类型无效,可选: %(v)s") % {"v": ", ".join(Purpose.values)}
    if post not in PostCode.values or post == "RSV":
        errors["post"] = _("拟任职务无效")
    if person.village_id != region.code:
        errors["village"] = _("须为该干部档案所在村(社区)")
    if purpose == Purpose.PROFESSIONAL_SECRETARY:
        if post != "PS":
            errors["post"] = _("专业化书记的拟任职务须为党组织书记(PS)")
        professionalized = True
    if purpose == Purpose.YOUNG_PROFESSIONAL:
        if post in ("PS", "VD"):
            errors["post"] = _("年轻专业化干部须为书记、主任以外的两委职务")
        professionalized = True
    if tier is not None and (not professionalized or tier not in (1, 2, 3)):
        errors["tier"] = _("专业化档次为 1、2、3,且只用于职业化管理")
    if errors:
        raise InvalidInput(errors=errors)
    if Case.objects.filter(cadre=person, state__in=OPEN_STATES).exists():
        raise Conflict(_("该干部已有在办的选用案件"), field="cadre")
    case = Case.objects.create(
        cadre=person,
        village=region,
        purpose=purpose,
        post=post,
        full_time=full_time,
        professionalized=professionalized,
        tier=tier,
        election_round=election_round[:40],
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=SelectionAction.CASE_CREATE,
        obj=case,
        region_code=region.code,
        changes={"cadre": [None, person.pk], "purpose": [None, purpose], "post": [None, post]},
    )
    return case


def _review_plan(case: Case, today: dt.date) -> tuple[list[str], dt.date, int]:
    policy = policy_resolve(case.village_id, today)
    return list(policy["review_depts"]), due_after(today, policy["review_sla_workdays"]), policy["review_validity_days"]


def case_submit(*, actor: Any, case_id: int, today: dt.date | None = None) -> Case:
    """A8 POST /selection/cases/{id}/submit: one review for each department of the county's
    `review_depts`, due `review_sla_workdays` workdays later (R-ELIG-04). A department that
    answered within `review_validity_days` is not asked again (R-ELIG-05)."""
    today = today or _today()
    case = access_case(actor=actor, case_id=case_id)
    depts, due, validity = _review_plan(case, today)

    def effect(locked: Case) -> list[str]:
        existing = {r.department: r for r in Review.objects.select_for_update().filter(case=locked)}
        earlier = _recent_opinions(locked, today, validity)
        new = []
        for dept in depts:
            r = existing.get(dept)
            if r is None:
                r = Review(case=locked, county=county_of(locked.village_id), department=dept, due_date=due)
                if dept in earlier:  # R-ELIG-05: not reviewed twice within the validity period
                    prev = earlier[dept]
                    r.result, r.reason, r.answered_by_id, r.answered_at = (
                        prev.result, prev.reason, prev.answered_by_id, prev.answered_at,
                    )  # fmt: skip
                new.append(r)
            elif not r.result or not rules.review_still_valid(
                timezone.localdate(r.answered_at) if r.answered_at else today, today, validity
            ):
                r.result, r.reason, r.answered_by, r.answered_at, r.due_date = "", "", None, None, due
                r.save(update_fields=["result", "reason", "answered_by", "answered_at", "due_date"])
        Review.objects.bulk_create(new)
        locked.submitted_on = today
        locked.outcome = ""
        return ["submitted_on", "outcome"]

    with transaction.atomic():
        transition(
            CASE,
            actor=actor,
            obj=case,
            name="submit",
            effect=effect,
            region_code=case.village_id,
            changes={"departments": depts, "due_date": due},
        )
        _aggregate_if_done(actor, case, today)
    return case


def _recent_opinions(case: Case, today: dt.date, validity: int) -> dict[str, Review]:
    """The same person's answered opinions from another case still within `review_validity_days`."""
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=validity - 1), dt.time.min))
    out: dict[str, Review] = {}
    for r in (
        Review.objects.filter(case__cadre_id=case.cadre_id, answered_at__gte=since)
        .exclude(case=case)
        .exclude(result="")
        .order_by("answered_at")
    ):
        out[r.department] = r
    return out


@transaction.atomic
def round_submit(*, actor: Any, case_ids: Sequence[int], today: dt.date | None = None) -> int:
    """A whole election round submitted at once (set-based: a few queries per county, whatever
    the number of cases): the same effect as `case_submit` on each nominated case."""
    today = today or _today()
    cases = list(
        Case.objects.select_for_update().filter(pk__in=list(case_ids), state=Case.State.NOMINATED).order_by("id")
    )
    for c in cases:
        if not CASE.can(actor, c, "submit"):
            raise Forbidden(_("您无权提交其中的案件:%(id)s") % {"id": c.pk})
    plans: dict[str, tuple[list[str], dt.date, int]] = {}
    reviews: list[Review] = []
    for c in cases:
        county = county_of(c.village_id)
        if county not in plans:
            plans[county] = _review_plan(c, today)
        depts, due, _v = plans[county]
        reviews.extend(Review(case=c, county=county, department=d, due_date=due) for d in depts)
    Review.objects.bulk_create(reviews, batch_size=2000)
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(state=Case.State.JOINT_REVIEW, submitted_on=today)
    audit_record_many(
        actor=actor,
        action=CASE.action("submit"),
        records=[
            (c, c.village_id, {"state": [Case.State.NOMINATED, Case.State.JOINT_REVIEW], "round": True}) for c in cases
        ],
    )
    return len(cases)


def _aggregate_if_done(actor: Any, case: Case, today: dt.date) -> None:
    """R-ELIG-05, after the last reply: any bar_hard → rejected; all clear → cleared; else soft_flag."""
    results = list(Review.objects.filter(case=case).values_list("result", flat=True))
    outcome = rules.aggregate(results)
    if outcome is None:
        return
    name = {"cleared": "aggregate_clear", "rejected": "aggregate_reject", "soft_flag": "aggregate_soft"}[outcome]
    fields: dict[str, Any] = {"outcome": outcome}
    if outcome == "cleared":
        fields["cleared_on"] = today
    transition(
        CASE,
        actor=actor,
        obj=case,
        name=name,
        facts={"outcome": outcome},
        set_fields=fields,
        region_code=case.village_id,
    )


@transaction.atomic
def review_answer(*, actor: Any, review_id: int, result: str, reason: str = "", today: dt.date | None = None) -> Review:
    """A8 POST /selection/reviews/{id}: the department's opinion, final once given (again → 409)."""
    today = today or _today()
    review = access_review(actor=actor, review_id=review_id)
    review = Review.objects.select_for_update().select_related("case").get(pk=review.pk)
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if result not in rules.RESULTS:
        errors["result"] = _("意见无效,可选: %(v)s") % {"v": ", ".join(rules.RESULTS)}
    elif result != "clear" and not reason:
        errors["reason"] = _("除“无异议”外,请填写理由")
    if review.result:
        raise Conflict(_("该联审意见已反馈,不能修改"), field="result")
    if errors:
        raise InvalidInput(errors=errors)
    if review.case.state != Case.State.JOINT_REVIEW:
        raise Conflict(_("该案件不在联审阶段"), field="state")
    review.result, review.reason, review.answered_by, review.answered_at = result, reason[:2000], actor, timezone.now()
    review.save(update_fields=["result", "reason", "answered_by", "answered_at"])
    audit_record(
        actor=actor,
        action=SelectionAction.REVIEW_ANSWER,
        obj=review,
        region_code=review.case.village_id,
        changes={"department": review.department, "result": ["", result]},
    )
    _aggregate_if_done(actor, review.case, today)
    return review


def reviews_clear(*, actor: Any, review_ids: Sequence[int]) -> int:
    """A reviewer clears a page of candidates in one action (each still its own final opinion)."""
    done = 0
    with transaction.atomic():
        for rid in review_ids:
            review = access_review(actor=actor, review_id=rid)
            if review.result or review.case.state != Case.State.JOINT_REVIEW:
                continue
            review_answer(actor=actor, review_id=rid, result="clear")
            done += 1
    return done


def case_decide(*, actor: Any, case_id: int, decision: str, reason: str) -> Case:
    """A8 POST /selection/cases/{id}/decide: the township's reasoned decision on a soft flag."""
    case = access_case(actor=actor, case_id=case_id)
    if decision not in ("clear", "reject"):
        raise InvalidInput(errors={"decision": _("请选择 clear(同意)或 reject(不同意)")})
    if not (reason or "").strip():
        raise InvalidInput(errors={"reason": _("请填写乡镇党委研究意见(理由)")})
    fields: dict[str, Any] = {"decision_reason": reason.strip()[:2000]}
    if decision == "clear":
        fields["cleared_on"] = _today()
    return transition(
        CASE,
        actor=actor,
        obj=case,
        name="decide_clear" if decision == "clear" else "decide_reject",
        reason=reason,
        set_fields=fields,
        region_code=case.village_id,
    )


def case_publicize(*, actor: Any, case_id: int, start_date: dt.date, today: dt.date | None = None) -> Case:
    """A8 POST /selection/cases/{id}/publicize: the notice runs `publicity_days` from `start_date`
    (not before the case was cleared, not in the future)."""
    today = today or _today()
    case = access_case(actor=actor, case_id=case_id)
    if case.state == Case.State.CLEARED:
        if start_date > today:
            raise InvalidInput(errors={"start_date": _("公示日期不能晚于今天")})
        if case.cleared_on and start_date < case.cleared_on:
            raise InvalidInput(
                errors={"start_date": _("公示日期不能早于联审通过日期 %(d)s") % {"d": case.cleared_on.isoformat()}}
            )
    days = policy_resolve(case.village_id, start_date)["publicity_days"]
    return transition(
        CASE,
        actor=actor,
        obj=case,
        name="publicize",
        set_fields={"publicity_start": start_date, "publicity_end": rules.publicity_end(start_date, days)},
        region_code=case.village_id,
    )


def case_object(*, actor: Any, case_id: int, reason: str) -> Case:
    """An objection during publicity: back to the township's review (WF-1)."""
    case = access_case(actor=actor, case_id=case_id)
    return transition(CASE, actor=actor, obj=case, name="object", reason=reason, region_code=case.village_id)


def case_withdraw(*, actor: Any, case_id: int, reason: str) -> Case:
    case = access_case(actor=actor, case_id=case_id)
    return transition(CASE, actor=actor, obj=case, name="withdraw", reason=reason, region_code=case.village_id)


def case_appoint(*, actor: Any, case_id: int, start_date: dt.date) -> Case:
    """A8 POST /selection/cases/{id}/appoint: after the publicity period the post is created
    (quotas R-POS-01/03/04 checked by the cadres service, 409 naming the rule) and filed with
    the county (R-ORG-09); attendance and pay start from it."""
    case = access_case(actor=actor, case_id=case_id)

    def effect(locked: Case) -> list[str]:
        post = post_appoint(
            actor=actor,
            cadre_id=locked.cadre_id,
            data=PostIn(
                post=locked.post,
                start_date=start_date,
                full_time=locked.full_time,
                professionalized=locked.professionalized,
                tier=locked.tier,
                term_year=start_date.year if locked.purpose == "election" else None,
                source=SOURCE_OF.get(locked.purpose, "appointment"),
            ),
        )
        locked.appointed_post = post
        return ["appointed_post"]

    return transition(
        CASE,
        actor=actor,
        obj=case,
        name="appoint",
        facts={"start_date": start_date},
        effect=effect,
        region_code=case.village_id,
        changes={"start_date": start_date},
    )


# --- the yearly professionalisation list (S2 第十三条) ---------------------------------------------------
@transaction.atomic
def prof_list_propose(
    *, actor: Any, township: str, year: int, entries: Sequence[tuple[int, int]], today: dt.date | None = None
) -> ProfessionalList:
    """The township proposes the year's professionalised secretaries and their tiers: each a
    current secretary of the township who meets R-POS-03 (tier 1 needs 5★, R-PAY-06); the list
    within ½ of the villages (R-POS-03) and the tiers about a third each. Replaces a proposal
    not yet approved; an approved list is final."""
    from touyan.cadres.models import Post
    from touyan.regions import rules as region_rules
    from touyan.regions.models import Region

    today = today or _today()
    region = access_region(actor=actor, code=township, field="township")
    if region.level != region_rules.TOWNSHIP:
        raise InvalidInput(errors={"township": _("请选择乡镇(街道)")})
    _require_officer(actor, region.code, township_only=True)
    errors: dict[str, str] = {}
    people = {}
    for i, (cadre_id, tier) in enumerate(entries):
        holds = Post.objects.filter(
            person_id=cadre_id, post="PS", end_date__isnull=True, village__code__startswith=region.code[:9]
        ).exists()
        if not holds:
            errors[f"entries.{i}.cadre"] = _("须为本乡镇现任村党组织书记")
            continue
        person = access_cadre(actor=actor, cadre_id=cadre_id)
        people[cadre_id] = person
        found = eligibility_for(person, "professional_secretary", tier=tier, today=today)
        if found.found:  # the filed list needs every condition met and verified on the file
            errors[f"entries.{i}.cadre"] = ";".join(v.message for v in found.found)
    if len({c for c, _t in entries}) != len(entries):
        errors["entries"] = _("同一人只能列入一次")
    villages = Region.objects.filter(level=region_rules.VILLAGE, code__startswith=region.code[:9]).count()
    share = policy_resolve(region.code, today)["prof_secretary_share"]
    for v in rules.list_problems([t for _c, t in entries], villages, share):
        errors.setdefault("entries", "")
        errors["entries"] = (errors["entries"] + ";" if errors["entries"] else "") + v.message
    if errors:
        raise InvalidInput(errors=errors)
    existing = ProfessionalList.objects.select_for_update().filter(township=region, year=year).first()
    if existing is not None and existing.state == ProfessionalList.State.APPROVED:
        raise Conflict(_("%(y)s 年名单已经县级审核备案") % {"y": year}, field="year")
    plist = existing or ProfessionalList.objects.create(township=region, year=year, proposed_by=actor)
    plist.entries.all().delete()
    ProfessionalEntry.objects.bulk_create([ProfessionalEntry(list=plist, person_id=c, tier=t) for c, t in entries])
    audit_record(
        actor=actor,
        action=SelectionAction.LIST_PROPOSE,
        obj=plist,
        region_code=region.code,
        changes={"year": year, "entries": [[c, t] for c, t in entries]},
    )
    return plist


@transaction.atomic
def prof_list_approve(*, actor: Any, list_id: int, today: dt.date | None = None) -> ProfessionalList:
    """The county approves and files the list (flows.PROF_LIST): from 1 January (or today, if
    later) the listed secretaries are professionalised at their tiers and the others in the
    township are not (the tiers reset each January). Posts change through the cadres service
    (quotas R-POS-03/04), in the step's transaction."""
    today = today or _today()
    plist = ProfessionalList.objects.select_related("township").filter(pk=list_id).first()
    if plist is None or not is_official(actor) or not in_scope(actor, plist.township_id):
        raise NotFound(_("未找到该名单,或不在您的管辖范围内"))
    since = max(dt.date(plist.year, 1, 1), today)

    def professionalise(locked: ProfessionalList) -> list[str]:
        _professionalise_listed(actor, locked, since)
        locked.approved_by, locked.approved_on = actor, today
        return ["approved_by", "approved_on"]

    approved: ProfessionalList = transition(
        PROF_LIST,
        actor=actor,
        obj=plist,
        name="approve",
        effect=professionalise,
        changes={"since": since},
        region_code=plist.township_id,
    )
    return approved


def _professionalise_listed(actor: Any, plist: ProfessionalList, since: dt.date) -> None:
    """The township's current secretaries on the list take its tiers; the others are taken off."""
    from touyan.cadres.models import Post

    tiers = dict(plist.entries.values_list("person_id", "tier"))
    current = list(
        Post.objects.filter(post="PS", end_date__isnull=True, village__code__startswith=plist.township_id[:9])
        .filter(Q(professionalized=True) | Q(person_id__in=list(tiers)))
        .values_list("pk", "person_id", "professionalized", "tier")
    )
    # Off the list first, so a change of hands never counts both against the quota.
    for pk, person_id, prof, _tier in current:
        if prof and person_id not in tiers:
            post_set_professional(actor=actor, post_id=pk, professionalized=False, tier=None, since=since)
    for pk, person_id, _prof, _tier in current:
        if person_id in tiers:
            post_set_professional(actor=actor, post_id=pk, professionalized=True, tier=tiers[person_id], since=since)


# --- career channels (S3 三个通道, R-TRN-07) -----------------------------------------------------------
@transaction.atomic
def career_record(*, actor: Any, cadre_id: int, channel: str, date: dt.date, title: str = "") -> CareerMove:
    """A cadre promoted into township leadership, or recruited as a civil servant or into a 事业 post."""
    person = access_cadre(actor=actor, cadre_id=cadre_id, for_write=True)
    if channel not in CareerMove.Channel.values:
        raise InvalidInput(errors={"channel": _("通道无效,可选: %(v)s") % {"v": ", ".join(CareerMove.Channel.values)}})
    if date > _today():
        raise InvalidInput(errors={"date": _("日期不能晚于今天")})
    move = CareerMove.objects.create(
        person=person, village_id=person.village_id, channel=channel, date=date, title=title[:100], recorded_by=actor
    )
    audit_record(
        actor=actor,
        action=SelectionAction.CAREER_RECORD,
        obj=move,
        region_code=person.village_id,
        changes={"channel": [None, channel], "date": [None, date]},
    )
    return move
