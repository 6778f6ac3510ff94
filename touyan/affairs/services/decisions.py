"""Writes of 四议两公开 (WF-3, R-DEC-01…03): a matter, its six steps, rejection and revision, the
supervision committee's countersignature. Each step goes through `core.workflow.transition`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.audit.services import audit_record
from touyan.cadres.selectors import current_posts
from touyan.core.errors import Forbidden, InvalidInput
from touyan.core.workflow import transition
from touyan.policy.selectors import policy_resolve

from .. import pagecache, relations, rules
from ..actions import AffairsAction
from ..flows import DECISION
from ..models import Decision, DecisionStep, DisclosureItem
from ..selectors import access_decision, access_village, current_steps, search_text


@dataclass(frozen=True)
class StepIn:
    step: int
    date: dt.date
    due: int = 0
    present: int = 0
    yes: int = 0
    no: int = 0
    kind: str = ""
    households_due: int | None = None
    households_present: int | None = None
    merge_1_2: bool = False
    supervisors_present: int | None = None
    township_present: bool = False
    sc_signed: bool = True
    note: str = ""


STEP_TRANSITIONS = {2: "consult", 3: "deliberate", 4: "resolve", 5: "publish_resolution", 6: "publish_result"}


def _may_record(actor: Any, village_code: str) -> None:
    if not (relations.is_head(actor, village_code) or relations.is_township(actor, village_code)):
        raise Forbidden(_("四议两公开事项由村党组织书记(主任)或乡镇党委干部登记"))


def _next_ref(village_code: str, year: int) -> str:
    n = Decision.objects.filter(village_id=village_code, ref__startswith=f"{year}-").count() + 1
    return f"{year}-{n:03d}"


@transaction.atomic
def decision_create(
    *, actor: Any, village_code: str, title: str, category: str, amount: Decimal | None = None
) -> Decision:
    """Open a major matter (R-DEC-03). Whether it must go through 四议两公开 follows its category and
    amount; a matter that need not may still take the procedure."""
    village = access_village(actor=actor, code=village_code)
    _may_record(actor, village.code)
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = _("请填写事项名称")
    if category not in Decision.Category.values:
        errors["category"] = _("事项类别无效")
    if amount is not None and amount < 0:
        errors["amount"] = _("金额不能为负数")
    if errors:
        raise InvalidInput(errors=errors)
    year = timezone.localdate().year
    for _attempt in range(3):
        try:
            with transaction.atomic():
                decision = Decision.objects.create(
                    village=village,
                    ref=_next_ref(village.code, year),
                    title=title.strip()[:120],
                    category=category,
                    amount=amount,
                    created_by=actor,
                )
            break
        except IntegrityError:  # two matters numbered at once: take the next number
            continue
    else:  # pragma: no cover - three collisions in a row
        raise InvalidInput(errors={"title": _("编号冲突,请重试")})
    audit_record(
        actor=actor,
        action=AffairsAction.DECISION_CREATE,
        obj=decision,
        region_code=village.code,
        changes={"title": [None, decision.title], "category": [None, category], "amount": [None, amount]},
    )
    return decision


def _one_shoulder(village_code: str, day: dt.date) -> bool:
    held: dict[int, set[str]] = {}
    for pid, post in (
        current_posts(day).filter(village_id=village_code, post__in=("PS", "VD")).values_list("person_id", "post")
    ):
        held.setdefault(pid, set()).add(post)
    return any(p >= {"PS", "VD"} for p in held.values())


def _check_step(decision: Decision, data: StepIn, today: dt.date) -> None:
    """The 422s of a step: impossible counts, a date out of line, a quorum or majority that fails."""
    errors: dict[str, str] = {}
    if data.date > today:
        errors["date"] = _("日期不能晚于今天")
    previous = current_steps(decision)
    earlier = [s.meeting_date for n, s in previous.items() if n < data.step]
    if earlier and data.date < max(earlier):
        errors["date"] = _("日期不能早于上一步骤(%(d)s)") % {"d": max(earlier).isoformat()}
    if data.step == 4 and data.kind not in (rules.ASSEMBLY, rules.REPRESENTATIVES):
        errors["kind"] = _("请选择村民会议或村民代表会议")
    if not data.sc_signed:
        errors["sc_signed"] = _("村务监督委员会须到场监督并签字(R-DEC-03)")
    if data.merge_1_2:
        policy = policy_resolve(decision.village_id, data.date)
        if data.step != 1:
            errors["merge_1_2"] = _("只有第一步可以与第二步合并")
        elif not rules.may_merge_1_2(
            one_shoulder=_one_shoulder(decision.village_id, data.date),
            policy_allows=policy["merge_1_2_if_one_shoulder"],
        ):
            errors["merge_1_2"] = _("只有书记、主任“一肩挑”且政策允许的村,才能合并提议与商议")
    meeting = rules.Meeting(
        step=data.step,
        due=data.due,
        present=data.present,
        yes=data.yes,
        no=data.no,
        kind=data.kind,
        households_due=data.households_due,
        households_present=data.households_present,
    )
    if data.step not in (5, 6):
        errors.update(rules.meeting_errors(meeting))
    if errors:
        raise InvalidInput(errors=errors)
    refusal = rules.step_refusal(meeting)
    if refusal is not None:
        raise InvalidInput(errors={refusal[0]: refusal[1]})


def _step_row(decision: Decision, data: StepIn, actor: Any) -> DecisionStep:
    return DecisionStep.objects.create(
        decision=decision,
        round=decision.round,
        step=data.step,
        kind=data.kind if data.step == 4 else "",
        meeting_date=data.date,
        due=data.due,
        present=data.present,
        yes=data.yes,
        no=data.no,
        households_due=data.households_due,
        households_present=data.households_present,
        supervisors_present=data.supervisors_present,
        township_present=data.township_present,
        sc_signed=data.sc_signed,
        note=(data.note or "")[:4000],
        recorded_by=actor,
    )


def _disclose(decision: Decision, data: StepIn, actor: Any) -> DisclosureItem:
    """Steps 5 and 6 publish the resolution (V04) and the result (V05) as disclosure items; the
    supervision committee's signature on the step is its review (R-OPEN-03)."""
    steps = current_steps(decision)
    rows = [
        [str(rules.STEP_LABELS[n]), s.meeting_date.isoformat(), str(s.due), str(s.present), str(s.yes), str(s.no)]
        for n, s in sorted(steps.items())
        if n <= 4
    ]
    code = "V04" if data.step == 5 else "V05"
    title = (_("决议公开:%(t)s") if data.step == 5 else _("实施结果公开:%(t)s")) % {"t": decision.title}
    lines = [
        _("事项编号:%(r)s") % {"r": decision.ref},
        _("事项类别:%(c)s") % {"c": decision.get_category_display()},
    ]
    if decision.amount is not None:
        lines.append(_("涉及金额:%(a)s 元") % {"a": f"{decision.amount:.2f}"})
    if data.note:
        lines.append(rules.redact_personal(data.note))
    body = "\n".join(str(x) for x in lines)
    now = timezone.now()
    period = data.date.isoformat()
    pagecache.changed(decision.village_id)
    return DisclosureItem.objects.create(
        village_id=decision.village_id,
        item_code=code,
        category=DisclosureItem.Category.VILLAGE,
        period=period,
        period_start=data.date,
        title=title[:120],
        body=body,
        table={
            "columns": [str(_("步骤")), str(_("日期")), str(_("应到")), str(_("实到")), str(_("赞成")), str(_("反对"))],
            "rows": rows,
        },
        state=DisclosureItem.State.PUBLISHED,
        source_key=f"decision:{decision.pk}:{decision.round}:{data.step}",
        decision=decision,
        search=search_text(title, body),
        created_by=actor,
        reviewed_at=now,
        published_by=actor,
        published_at=now,
    )


@transaction.atomic
def decision_step(*, actor: Any, decision_id: int, data: StepIn, today: dt.date | None = None) -> Decision:
    """Record one step of WF-3 (R-DEC-01): out of order → 409; a failed quorum or majority → 422
    naming `present` or `yes`; after step 6 the matter is closed."""
    decision = access_decision(actor=actor, decision_id=decision_id)
    if data.step not in range(1, 7):
        raise InvalidInput(errors={"step": _("步骤须为 1 到 6")})
    name = ("propose_merged" if data.merge_1_2 else "propose") if data.step == 1 else STEP_TRANSITIONS[data.step]
    refusal = DECISION.refusal(actor, decision, name)
    if refusal is not None:
        raise refusal
    _check_step(decision, data, today or timezone.localdate())
    changes = {"step": data.step, "due": data.due, "present": data.present, "yes": data.yes, "no": data.no}

    def effect(locked: Decision) -> list[str]:
        _step_row(locked, data, actor)
        if data.step in (5, 6):
            _disclose(locked, data, actor)
        if name == "propose_merged":
            locked.merged_1_2 = True
            return ["merged_1_2"]
        return []

    decision = transition(DECISION, actor=actor, obj=decision, name=name, effect=effect, changes=changes)
    if data.step == 6:
        steps = current_steps(decision)
        signed = all(steps[n].sc_signed for n in (5, 6) if n in steps) and 5 in steps
        decision = transition(
            DECISION,
            actor=actor,
            obj=decision,
            name="close",
            facts={"sc_signed_5_6": signed},
            set_fields={"closed_at": timezone.now()},
        )
    return decision


@transaction.atomic
def decision_reject(*, actor: Any, decision_id: int, reason: str) -> Decision:
    """A meeting voted the matter down (WF-3 `rejected`); it may be revised and proposed again."""
    decision = access_decision(actor=actor, decision_id=decision_id)
    return transition(
        DECISION, actor=actor, obj=decision, name="reject", reason=reason, set_fields={"rejected_reason": reason[:300]}
    )


@transaction.atomic
def decision_revise(
    *, actor: Any, decision_id: int, data: StepIn, reason: str, title: str = "", amount: Decimal | None = None
) -> Decision:
    """WF-3 revise → proposed: a new round begins with the Party organisation's new proposal (step 1)."""
    decision = access_decision(actor=actor, decision_id=decision_id)
    refusal = DECISION.refusal(actor, decision, "revise")
    if refusal is not None:
        raise refusal
    if not reason.strip():
        raise InvalidInput(errors={"reason": _("请填写修改说明")})
    step1 = StepIn(**{**data.__dict__, "step": 1, "merge_1_2": False})
    decision.round += 1  # the new round's step 1 is checked against its own (empty) history
    _check_step(decision, step1, timezone.localdate())
    decision.round -= 1
    fields: dict[str, Any] = {"round": decision.round + 1, "rejected_reason": "", "merged_1_2": False}
    if title.strip():
        fields["title"] = title.strip()[:120]
    if amount is not None:
        fields["amount"] = amount

    def effect(locked: Decision) -> list[str]:
        _step_row(locked, step1, actor)
        return []

    return transition(
        DECISION, actor=actor, obj=decision, name="revise", reason=reason, set_fields=fields, effect=effect
    )


@transaction.atomic
def step_countersign(*, actor: Any, decision_id: int, step: int) -> DecisionStep:
    """A supervision-committee member signs a step's record with their own login (R-DEC-03)."""
    decision = access_decision(actor=actor, decision_id=decision_id)
    if not relations.is_supervisor(actor, decision.village_id):
        raise Forbidden(_("由本村村务监督委员会成员签字"))
    row = DecisionStep.objects.select_for_update().filter(decision=decision, round=decision.round, step=step).first()
    if row is None:
        raise InvalidInput(errors={"step": _("该步骤尚未登记")})
    if row.sc_signed_by_id is None:
        row.sc_signed, row.sc_signed_by, row.sc_signed_at = True, actor, timezone.now()
        row.save(update_fields=["sc_signed", "sc_signed_by", "sc_signed_at"])
        audit_record(
            actor=actor,
            action=AffairsAction.STEP_SIGN,
            obj=decision,
            region_code=decision.village_id,
            changes={"step": step},
        )
    return row
