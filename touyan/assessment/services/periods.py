"""Assessment periods (WF-5): a county opens one for its townships; it moves open → publicised
(the appeal window starts) → final, or back to scoring on appeal (`flows.PERIOD_FLOW`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.models import User
from touyan.accounts.scope import require
from touyan.audit.services import audit_record
from touyan.cadres.selectors import access_cadre
from touyan.core.errors import Conflict, InvalidInput
from touyan.core.workflow import transition
from touyan.regions.rules import prefix_of as region_prefix
from touyan.regions.selectors import access_region

from .. import rules
from ..actions import AssessmentAction
from ..flows import PERIOD_FLOW, PERIOD_STEP_TO
from ..models import Period, PeriodExemption
from ..selectors import access_period, assessment_policy, period_facts


@transaction.atomic
def period_open(*, actor: User, region_code: str, kind: str, year: int, number: int = 0) -> Period:
    """A county opens an assessment period for its townships (WF-5)."""
    require(actor, account_rules.POLICY_WRITE)
    region = access_region(actor=actor, code=region_code)
    if kind not in Period.Kind.values:
        raise InvalidInput(errors={"kind": _("类别无效")})
    if number not in rules.PERIOD_NUMBERS[kind]:
        raise InvalidInput(errors={"number": _("期次无效")})
    try:
        with transaction.atomic():
            period = Period.objects.create(region=region, kind=kind, year=year, number=number, opened_by=actor)
    except IntegrityError as exc:
        raise Conflict(_("该期考核已开启"), field="number") from exc
    audit_record(
        actor=actor,
        action=AssessmentAction.PERIOD_OPEN,
        obj=period,
        region_code=region.code,
        changes={"kind": [None, kind], "year": [None, year], "number": [None, number]},
    )
    return period


@transaction.atomic
def period_step(*, actor: User, period_id: int, step: str) -> Period:
    """One step of PERIOD_FLOW: publicise (the appeal deadline is set `appeal_days` from today),
    finalize, or reopen scoring on appeal (WF-5)."""
    require(actor, account_rules.POLICY_WRITE)
    period = access_period(actor=actor, period_id=period_id)
    set_fields: dict[str, Any] = {}
    if step == "publicise":
        days = assessment_policy(period.region_id).appeal_days
        set_fields["appeal_until"] = timezone.localdate() + dt.timedelta(days=days)
    locked: Period = transition(
        PERIOD_FLOW, actor=actor, obj=period, name=step, set_fields=set_fields, facts_of=period_facts
    )
    return locked


def period_advance(*, actor: User, period_id: int, to: str) -> Period:
    """The step that moves the period to the state `to` (the periods page's buttons)."""
    step = PERIOD_STEP_TO.get(to)
    if step is None:
        raise InvalidInput(errors={"state": _("当前状态不能进行该步骤")})
    return period_step(actor=actor, period_id=period_id, step=step)


@transaction.atomic
def period_exempt(*, actor: User, period_id: int, cadre_id: int, reason: str) -> PeriodExemption:
    """WF-5: list an in-post cadre the quarter is published without (a reason is required), so
    that 公示 is not held up by a cadre who cannot be scored; audited with the reason."""
    require(actor, account_rules.POLICY_WRITE)
    period = access_period(actor=actor, period_id=period_id)
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    if not person.village_id.startswith(region_prefix(period.region_id)):
        raise InvalidInput(errors={"cadre": _("该干部不在本考核期的区域内")})
    if not (reason or "").strip():
        raise InvalidInput(errors={"reason": _("请填写例外理由")})
    if period.state != Period.State.OPEN:
        raise Conflict(_("考核期已公示,不能再列例外"), field="state")
    exemption, created = PeriodExemption.objects.get_or_create(
        period=period, person=person, defaults={"reason": reason.strip()[:300], "created_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action=AssessmentAction.PERIOD_EXEMPT,
            obj=period,
            region_code=period.region_id,
            reason=exemption.reason,
            changes={"person": [None, person.pk]},
        )
    return exemption
