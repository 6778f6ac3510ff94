"""Writes to assessment: periods, quarterly scores, annual assessments, competency
ballots and their consequences, pledges, targets, pioneer points, stars
(R-ASMT-01…09, R-PTY-01…03, WF-5…7). Every write is audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.scope import require
from touyan.audit.services import audit_record
from touyan.cadres.models import Person, Post
from touyan.cadres.selectors import access_cadre, current_posts
from touyan.core.errors import Conflict, InvalidInput, NotFound
from touyan.policy.selectors import policy_resolve
from touyan.regions import rules as region_rules
from touyan.regions.selectors import access_region

from . import rules
from .models import (
    AnnualAssessment,
    BallotTally,
    CompetencyEvaluation,
    Consequence,
    Period,
    PioneerEntry,
    Pledge,
    QuarterlyEvaluation,
    StarRating,
    TargetPlan,
)
from .selectors import current_quarterly

M = TypeVar("M", bound=models.Model)


def _locked(model: type[M], pk: int, missing: str) -> M:
    """The row, locked for the rest of the transaction, or NotFound with `missing`."""
    row = model.objects.select_for_update().filter(pk=pk).first()  # type: ignore[attr-defined]
    if row is None:
        raise NotFound(missing)
    return row


def _bands(policy: Any) -> rules.Bands:
    return rules.Bands(policy["grade_excellent_min"], policy["grade_competent_min"], policy["grade_basic_min"])


def _scorer(actor: Any, cadre_id: int) -> Person:
    require(actor, account_rules.ASSESS)
    return access_cadre(actor=actor, cadre_id=cadre_id)


def _check_score(score: Decimal, field: str = "score") -> None:
    if not Decimal(0) <= score <= Decimal(100):
        raise InvalidInput(errors={field: _("分数须在 0–100 之间")})


@transaction.atomic
def period_open(*, actor: Any, region_code: str, kind: str, year: int, number: int = 0) -> Period:
    """A county opens an assessment period for its townships (WF-5)."""
    require(actor, account_rules.POLICY_WRITE)
    region = access_region(actor=actor, code=region_code)
    if kind not in Period.Kind.values:
        raise InvalidInput(errors={"kind": _("类别无效")})
    valid = {"quarter": range(1, 5), "half": range(1, 3), "year": range(0, 1)}[kind]
    if number not in valid:
        raise InvalidInput(errors={"number": _("期次无效")})
    try:
        with transaction.atomic():
            period = Period.objects.create(region=region, kind=kind, year=year, number=number, opened_by=actor)
    except IntegrityError as exc:
        raise Conflict(_("该期考核已开启"), field="number") from exc
    audit_record(
        actor=actor,
        action="assessment.period.open",
        obj=period,
        region_code=region.code,
        changes={"kind": [None, kind], "year": [None, year], "number": [None, number]},
    )
    return period


@transaction.atomic
def period_advance(*, actor: Any, period_id: int, to: str) -> Period:
    """open → publicised (appeal window starts) → final; an appeal reopens scoring (WF-5)."""
    require(actor, account_rules.POLICY_WRITE)
    period = _locked(Period, period_id, _("未找到该考核期"))
    access_region(actor=actor, code=period.region_id)
    allowed = {("open", "publicised"), ("publicised", "final"), ("publicised", "open")}
    if (period.state, to) not in allowed:
        raise InvalidInput(errors={"state": _("不能从“%(a)s”转为该状态") % {"a": period.get_state_display()}})
    old = period.state
    period.state = to
    if to == "publicised":
        days = policy_resolve(period.region_id)["appeal_days"]
        period.appeal_until = timezone.localdate() + dt.timedelta(days=days)
    period.save(update_fields=["state", "appeal_until"])
    audit_record(
        actor=actor,
        action="assessment.period.advance",
        obj=period,
        region_code=period.region_id,
        changes={"state": [old, to]},
    )
    return period


@transaction.atomic
def quarterly_score(
    *, actor: Any, cadre_id: int, year: int, quarter: int, score: Decimal, indicators: dict[str, Any] | None = None
) -> QuarterlyEvaluation:
    """Score a quarter (R-ASMT-01): a draft is replaced in place; a final evaluation
    is never changed — correct it with `quarterly_correct`."""
    person = _scorer(actor, cadre_id)
    if quarter not in (1, 2, 3, 4):
        raise InvalidInput(errors={"quarter": _("季度为 1–4")})
    _check_score(score)
    current = current_quarterly(person.pk, year, quarter, for_update=True)
    if current is not None and current.status == QuarterlyEvaluation.Status.FINAL:
        raise Conflict(_("该季度评价已定稿,不能直接修改;如需更正请提交更正并说明事由"), field="score")
    policy = policy_resolve(person.village_id, dt.date(year, quarter * 3, 1))
    grade = rules.grade(score, _bands(policy))
    old = None if current is None else str(current.score)
    if current is None:
        current = QuarterlyEvaluation(person=person, village_id=person.village_id, year=year, quarter=quarter)
    current.score, current.grade, current.indicators = score, grade, indicators or {}
    current.scored_by, current.policy_documents = actor, list(policy.documents)
    current.save()
    audit_record(
        actor=actor,
        action="assessment.quarterly.score",
        obj=current,
        region_code=person.village_id,
        changes={"score": [old, str(score)], "grade": [None, grade]},
    )
    return current


@transaction.atomic
def quarterly_correct(*, actor: Any, evaluation_id: int, score: Decimal, reason: str) -> QuarterlyEvaluation:
    """A corrected version of a final evaluation, as a new draft with a reason."""
    original = QuarterlyEvaluation.objects.filter(pk=evaluation_id).first()
    if original is None:
        raise NotFound(_("未找到该评价"))
    person = _scorer(actor, original.person_id)
    if original.status != QuarterlyEvaluation.Status.FINAL:
        raise InvalidInput(errors={"status": _("草稿可直接修改,无需更正")})
    if len((reason or "").strip()) < 4:
        raise InvalidInput(errors={"reason": _("请填写更正事由")})
    _check_score(score)
    latest = current_quarterly(person.pk, original.year, original.quarter, for_update=True)
    assert latest is not None
    if latest.pk != original.pk:
        raise Conflict(_("已有更新的版本"), field="version")
    policy = policy_resolve(person.village_id, dt.date(original.year, original.quarter * 3, 1))
    new = QuarterlyEvaluation.objects.create(
        person=person, village_id=person.village_id, year=original.year, quarter=original.quarter, score=score,
        grade=rules.grade(score, _bands(policy)), indicators=original.indicators, version=original.version + 1,
        reason=reason.strip(), scored_by=actor, policy_documents=list(policy.documents),
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="assessment.quarterly.correct",
        obj=new,
        region_code=person.village_id,
        reason=reason,
        changes={"score": [str(original.score), str(score)], "version": [original.version, new.version]},
    )
    return new


@transaction.atomic
def quarterly_finalize(*, actor: Any, evaluation_id: int) -> QuarterlyEvaluation:
    ev = _locked(QuarterlyEvaluation, evaluation_id, _("未找到该评价"))
    _scorer(actor, ev.person_id)
    if ev.status == QuarterlyEvaluation.Status.FINAL:
        return ev
    ev.status, ev.finalized_by, ev.finalized_at = QuarterlyEvaluation.Status.FINAL, actor, timezone.now()
    ev.save(update_fields=["status", "finalized_by", "finalized_at"])
    audit_record(
        actor=actor,
        action="assessment.quarterly.finalize",
        obj=ev,
        region_code=ev.village_id,
        changes={"status": ["draft", "final"]},
    )
    return ev


def _consequence(person: Person, kind: str, source: str, note: str = "") -> None:
    Consequence.objects.get_or_create(
        person=person, kind=kind, source=source, defaults={"village_id": person.village_id, "note": note}
    )


@transaction.atomic
def annual_compute(
    *,
    actor: Any,
    cadre_id: int,
    year: int,
    tallies: dict[str, rules.Tally],
    bonus: Decimal = Decimal(0),
    penalty: Decimal = Decimal(0),
    target_adjustment: Decimal = Decimal(0),
) -> AnnualAssessment:
    """R-ASMT-02/04/05: the annual score from the four final quarters and the ballot
    tallies, its grade, and the consequences it leads to (recorded as tasks)."""
    person = _scorer(actor, cadre_id)
    quarters = [current_quarterly(person.pk, year, q) for q in (1, 2, 3, 4)]
    missing = [str(q) for q, ev in zip((1, 2, 3, 4), quarters, strict=True)
               if ev is None or ev.status != QuarterlyEvaluation.Status.FINAL]  # fmt: skip
    if missing:
        raise InvalidInput(errors={"quarters": _("第 %(q)s 季度评价尚未定稿") % {"q": "、".join(missing)}})
    bad = [g for g in tallies if g not in BallotTally.Group.values]
    if bad:
        raise InvalidInput(errors={"tallies": _("测评群体无效: %(g)s") % {"g": ", ".join(bad)}})
    policy = policy_resolve(person.village_id, dt.date(year, 12, 31))
    total_tally = sum(tallies.values(), rules.Tally())
    result = rules.annual(
        [ev.score for ev in quarters if ev is not None], total_tally, target_adjustment=target_adjustment,
        bonus=bonus, penalty=penalty, w_work=policy["w_work"], w_demo=policy["w_demo"], bands=_bands(policy),
        satisfaction_min=policy["demo_satisfaction_min"], unqualified_admonish=policy["demo_unqualified_admonish"],
    )  # fmt: skip
    existing = AnnualAssessment.objects.select_for_update().filter(person=person, year=year).first()
    if existing is not None and existing.status == AnnualAssessment.Status.FINAL:
        raise Conflict(_("该年度考核已定稿"), field="year")
    demo = rules.democratic(total_tally)
    values = {
        "village_id": person.village_id, "work_score": result.work_score, "target_adjustment": target_adjustment,
        "demo_score": result.demo_score, "satisfaction": demo.satisfaction, "bonus": bonus, "penalty": penalty,
        "total": result.total, "grade": result.grade, "computed_by": actor, "policy_documents": list(policy.documents),
    }  # fmt: skip
    annual, _created = AnnualAssessment.objects.update_or_create(person=person, year=year, defaults=values)
    annual.tallies.all().delete()
    BallotTally.objects.bulk_create([
        BallotTally(annual=annual, group=g, excellent=t.excellent, competent=t.competent, basic=t.basic,
                    incompetent=t.incompetent)
        for g, t in tallies.items()
    ])  # fmt: skip
    audit_record(
        actor=actor,
        action="assessment.annual.compute",
        obj=annual,
        region_code=person.village_id,
        changes={"total": [None, str(result.total)], "grade": [None, result.grade]},
    )
    return annual


@transaction.atomic
def annual_finalize(*, actor: Any, annual_id: int) -> AnnualAssessment:
    """Final: consequences are recorded (R-ASMT-05); two consecutive 不称职 flag the post for exit."""
    annual = _locked(AnnualAssessment, annual_id, _("未找到该年度考核"))
    person = _scorer(actor, annual.person_id)
    if annual.status == AnnualAssessment.Status.FINAL:
        return annual
    annual.status = AnnualAssessment.Status.FINAL
    annual.save(update_fields=["status"])
    source = f"annual:{annual.year}"
    if annual.grade == rules.EXCELLENT:
        _consequence(person, Consequence.Kind.PRAISE, source)
    if annual.grade == rules.INCOMPETENT:
        for kind in (
            Consequence.Kind.SELF_CRITICISM,
            Consequence.Kind.CRITICISM_NOTICE,
            Consequence.Kind.BONUS_WITHHELD,
        ):
            _consequence(person, kind, source)
        previous = AnnualAssessment.objects.filter(person=person, year=annual.year - 1, status="final").first()
        if previous is not None and previous.grade == rules.INCOMPETENT:
            _consequence(person, Consequence.Kind.EXIT_REVIEW, source, _("连续两年不称职(村组法第三十三条)"))
    if rules.democratic(
        sum(
            (rules.Tally(t.excellent, t.competent, t.basic, t.incompetent) for t in annual.tallies.all()), rules.Tally()
        )
    ).admonition:
        _consequence(person, Consequence.Kind.ADMONITION, source, _("不称职票达到约谈比例"))
    audit_record(
        actor=actor,
        action="assessment.annual.finalize",
        obj=annual,
        region_code=annual.village_id,
        changes={"status": ["computed", "final"], "grade": [None, annual.grade]},
    )
    return annual


def _end_professional(actor: Any, person: Person, first_of_next: dt.date) -> int:
    """End professional status from the first of next month: each professionalized
    post ends the day before and continues as a plain post (history kept)."""
    ended = 0
    for post in current_posts(first_of_next).filter(person=person, professionalized=True).select_for_update():
        last_day = first_of_next - dt.timedelta(days=1)
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
    actor: Any,
    cadre_id: int,
    year: int,
    half: int,
    tallies: dict[str, rules.CompetencyTally],
    on: dt.date | None = None,
) -> CompetencyEvaluation:
    """WF-7 / R-ASMT-07: rate = 胜任 ÷ valid votes of members and representatives;
    <90 % → an admonition talk; <80 % → professional status ends from next month."""
    person = _scorer(actor, cadre_id)
    if half not in (1, 2):
        raise InvalidInput(errors={"half": _("半年为 1 或 2")})
    groups = {"party_members", "representatives", "liaison", "township"}
    if set(tallies) - groups:
        raise InvalidInput(errors={"tallies": _("测评群体无效")})
    policy = policy_resolve(person.village_id, dt.date(year, half * 6, 1))
    rate, outcome = rules.competency(
        tallies.get("party_members", rules.CompetencyTally()), tallies.get("representatives", rules.CompetencyTally()),
        count_basic_as_competent=policy["count_basic_as_competent"],
        admonish_below=policy["competency_admonish_below"], exit_below=policy["competency_exit_below"],
    )  # fmt: skip
    try:
        with transaction.atomic():
            ev = CompetencyEvaluation.objects.create(
                person=person, village_id=person.village_id, year=year, half=half, rate=rate, outcome=outcome,
                tallies={g: [t.competent, t.basic, t.incompetent] for g, t in tallies.items()},
                policy_documents=list(policy.documents), created_by=actor,
            )  # fmt: skip
    except IntegrityError as exc:
        raise Conflict(_("该半年胜任度评价已录入"), field="half") from exc
    source = f"competency:{year}H{half}"
    if outcome == rules.ADMONISH:
        _consequence(
            person, Consequence.Kind.ADMONITION, source, _("胜任率 %(r)s%% 低于 90%%") % {"r": f"{rate * 100:.1f}"}
        )
    elif outcome == rules.EXIT:
        day = on or timezone.localdate()
        first_of_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        _end_professional(actor, person, first_of_next)
        _consequence(
            person,
            Consequence.Kind.LEAVE_PROFESSIONAL,
            source,
            _("胜任率 %(r)s%% 低于 80%%,自 %(d)s 起退出职业化管理") % {"r": f"{rate * 100:.1f}", "d": first_of_next},
        )
    audit_record(
        actor=actor,
        action="assessment.competency.record",
        obj=ev,
        region_code=person.village_id,
        changes={"rate": [None, str(rate)], "outcome": [None, outcome]},
    )
    return ev


@transaction.atomic
def consequence_done(*, actor: Any, consequence_id: int, note: str = "") -> Consequence:
    item = _locked(Consequence, consequence_id, _("未找到该事项"))
    _scorer(actor, item.person_id)
    if item.done_at is None:
        item.done_at, item.done_by = timezone.now(), actor
        if note:
            item.note = note[:300]
        item.save(update_fields=["done_at", "done_by", "note"])
        audit_record(actor=actor, action="assessment.consequence.done", obj=item, region_code=item.village_id)
    return item


PLEDGE_FLOW = {
    "vetting": ("drafting",),
    "publicised": ("vetting",),
    "midyear": ("publicised",),
    "yearend": ("midyear", "publicised"),
}


@transaction.atomic
def pledge_save(*, actor: Any, cadre_id: int, year: int, items: list[str]) -> Pledge:
    """WF-6: a cadre's pledge of 2–5 items (R-ASMT-08), editable while drafting."""
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    if not (
        getattr(actor, "cadre_id", None) == person.pk
        or account_rules.has_capability(actor.role, account_rules.ASSESS, is_superuser=actor.is_superuser)
    ):
        raise InvalidInput(errors={"cadre": _("只能填写本人的承诺")})
    policy = policy_resolve(person.village_id)
    clean = [i.strip() for i in items if i and i.strip()]
    if not policy["pledge_items_min"] <= len(clean) <= policy["pledge_items_max"]:
        raise InvalidInput(
            errors={
                "items": _("承诺事项须为 %(a)s–%(b)s 条")
                % {"a": policy["pledge_items_min"], "b": policy["pledge_items_max"]}
            }
        )
    pledge, _created = Pledge.objects.get_or_create(
        person=person, year=year, defaults={"village_id": person.village_id}
    )
    if pledge.state != Pledge.State.DRAFTING:
        raise Conflict(_("承诺已提交审核,不能修改"), field="items")
    old = pledge.items
    pledge.items = clean
    pledge.save(update_fields=["items"])
    audit_record(
        actor=actor,
        action="assessment.pledge.save",
        obj=pledge,
        region_code=person.village_id,
        changes={"items": [old, clean]},
    )
    return pledge


@transaction.atomic
def pledge_advance(*, actor: Any, pledge_id: int, to: str, report: str = "") -> Pledge:
    """WF-6 steps: submit for vetting (the cadre), publicise (township), mid-year and
    year-end reports (the cadre)."""
    pledge = _locked(Pledge, pledge_id, _("未找到该承诺"))
    access_cadre(actor=actor, cadre_id=pledge.person_id)
    if to not in PLEDGE_FLOW or pledge.state not in PLEDGE_FLOW[to]:
        raise InvalidInput(errors={"state": _("当前状态不能进行该步骤")})
    if to == "publicised":
        require(actor, account_rules.ASSESS)
    if to in ("midyear", "yearend"):
        if not report.strip():
            raise InvalidInput(errors={"report": _("请填写报告内容")})
        setattr(pledge, f"{to}_report", report.strip())
    old = pledge.state
    pledge.state = to
    pledge.save()
    audit_record(
        actor=actor,
        action="assessment.pledge.advance",
        obj=pledge,
        region_code=pledge.village_id,
        changes={"state": [old, to]},
    )
    return pledge


@transaction.atomic
def pledge_review(*, actor: Any, pledge_id: int, democratic_score: Decimal, organisational_score: Decimal) -> Pledge:
    """Dual review (一诺双评): democratic by members and villagers, organisational by the
    township; the pledge's score is their mean."""
    pledge = _locked(Pledge, pledge_id, _("未找到该承诺"))
    _scorer(actor, pledge.person_id)
    if pledge.state != Pledge.State.YEAREND:
        raise InvalidInput(errors={"state": _("年终述诺后才能评议")})
    _check_score(democratic_score, "democratic_score")
    _check_score(organisational_score, "organisational_score")
    pledge.democratic_score, pledge.organisational_score = democratic_score, organisational_score
    pledge.score = rules.q2((democratic_score + organisational_score) / 2)
    pledge.state = Pledge.State.SCORED
    pledge.save()
    audit_record(
        actor=actor,
        action="assessment.pledge.review",
        obj=pledge,
        region_code=pledge.village_id,
        changes={"score": [None, str(pledge.score)]},
    )
    return pledge


@transaction.atomic
def pledge_withdraw(*, actor: Any, pledge_id: int, reason: str) -> Pledge:
    """A pledge is withdrawn only for objective reasons, explained publicly (WF-6)."""
    pledge = _locked(Pledge, pledge_id, _("未找到该承诺"))
    _scorer(actor, pledge.person_id)
    if len((reason or "").strip()) < 4:
        raise InvalidInput(errors={"reason": _("请填写撤回的客观原因,将向群众公开说明")})
    old = pledge.state
    pledge.state, pledge.withdrawal_reason = Pledge.State.WITHDRAWN, reason.strip()
    pledge.save(update_fields=["state", "withdrawal_reason"])
    audit_record(
        actor=actor,
        action="assessment.pledge.withdraw",
        obj=pledge,
        region_code=pledge.village_id,
        reason=reason,
        changes={"state": [old, "withdrawn"]},
    )
    return pledge


TARGET_FLOW = {"reviewed": "draft", "publicised": "reviewed", "filed": "publicised", "assessed": "filed"}


@transaction.atomic
def target_plan_save(*, actor: Any, cadre_id: int, year: int, items: list[str]) -> TargetPlan:
    """R-ASMT-06: the secretary's annual goals, drafted by the village."""
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    clean = [i.strip() for i in items if i and i.strip()]
    if not clean:
        raise InvalidInput(errors={"items": _("请至少填写一项目标")})
    plan, _created = TargetPlan.objects.get_or_create(
        person=person, year=year, defaults={"village_id": person.village_id}
    )
    if plan.state != TargetPlan.State.DRAFT:
        raise Conflict(_("目标已审核,不能修改"), field="items")
    plan.items = clean
    plan.save(update_fields=["items"])
    audit_record(
        actor=actor,
        action="assessment.target.save",
        obj=plan,
        region_code=person.village_id,
        changes={"items": [None, clean]},
    )
    return plan


@transaction.atomic
def target_plan_advance(*, actor: Any, plan_id: int, to: str, result_score: Decimal | None = None) -> TargetPlan:
    plan = _locked(TargetPlan, plan_id, _("未找到该目标"))
    _scorer(actor, plan.person_id)
    if TARGET_FLOW.get(to) != plan.state:
        raise InvalidInput(errors={"state": _("当前状态不能进行该步骤")})
    if to == "assessed":
        if result_score is None:
            raise InvalidInput(errors={"result_score": _("请填写年终核查得分")})
        _check_score(result_score, "result_score")
        plan.result_score = result_score
    old = plan.state
    plan.state = to
    plan.save()
    audit_record(
        actor=actor,
        action="assessment.target.advance",
        obj=plan,
        region_code=plan.village_id,
        changes={"state": [old, to]},
    )
    return plan


PIONEER_ITEMS = {"study": Decimal(20), "organisational_life": Decimal(20), "duties": Decimal(20),
                 "service": Decimal(20), "governance": Decimal(10), "urgent_tasks": Decimal(10)}  # fmt: skip


@transaction.atomic
def pioneer_record(
    *, actor: Any, cadre_id: int, day: dt.date, item: str, points: Decimal, evidence: str = ""
) -> PioneerEntry:
    """R-PTY-01/02: the branch records a Party member's points (items capped per year)."""
    person = _scorer(actor, cadre_id)
    if item not in {*PIONEER_ITEMS, "bonus", "penalty"}:
        raise InvalidInput(errors={"item": _("项目无效")})
    if (item == "penalty") != (points < 0):
        raise InvalidInput(errors={"points": _("扣分项填负数,其他项填正数")})
    entry = PioneerEntry.objects.create(
        person=person,
        village_id=person.village_id,
        date=day,
        item=item,
        points=points,
        evidence=evidence[:300],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="assessment.pioneer.record",
        obj=entry,
        region_code=person.village_id,
        changes={"item": [None, item], "points": [None, str(points)]},
    )
    return entry


@transaction.atomic
def star_rate(*, actor: Any, village_code: str, year: int, score: Decimal, innovation: bool) -> StarRating:
    """R-PTY-03: a village Party organisation's yearly stars from its score."""
    require(actor, account_rules.ASSESS)
    village = access_region(actor=actor, code=village_code, field="village")
    if village.level != region_rules.VILLAGE:
        raise InvalidInput(errors={"village": _("请选择村(社区)")})
    _check_score(score)
    rating, _created = StarRating.objects.update_or_create(
        village=village, year=year,
        defaults={"score": score, "innovation": innovation, "stars": rules.stars(score, innovation=innovation),
                  "rated_by": actor},
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="assessment.star.rate",
        obj=rating,
        region_code=village.code,
        changes={"score": [None, str(score)], "stars": [None, rating.stars]},
    )
    return rating


@transaction.atomic
def quarterly_finalize_many(*, actor: Any, evaluation_ids: list[int]) -> int:
    """Finalize several quarterly evaluations at once (the board's 全部定稿), all or none (WF-5)."""
    done = 0
    for evaluation_id in evaluation_ids:
        before = QuarterlyEvaluation.objects.filter(pk=evaluation_id).values_list("status", flat=True).first()
        quarterly_finalize(actor=actor, evaluation_id=evaluation_id)
        done += before == QuarterlyEvaluation.Status.DRAFT
    return done


@transaction.atomic
def pledge_return(*, actor: Any, pledge_id: int, reason: str) -> Pledge:
    """Township vetting sends a pledge back to its cadre for revision, with a reason (WF-6, R-ASMT-08)."""
    pledge = _locked(Pledge, pledge_id, _("未找到该承诺"))
    _scorer(actor, pledge.person_id)
    if pledge.state != Pledge.State.VETTING:
        raise InvalidInput(errors={"state": _("只有待审核的承诺可以退回修改")})
    if len((reason or "").strip()) < 2:
        raise InvalidInput(errors={"reason": _("请填写退回修改的意见")})
    pledge.state = Pledge.State.DRAFTING
    pledge.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="assessment.pledge.return",
        obj=pledge,
        region_code=pledge.village_id,
        reason=reason.strip(),
        changes={"state": ["vetting", "drafting"]},
    )
    return pledge
