"""The departure allowance (离任生活补贴, R-PAY-10): a former cadre's application, then the
declared flow (flows.DEPARTURE): village → township → public notice → county approval (the
amount recomputed with the current secretary base and frozen) → stopped; rejected with a reason
before approval. Approved allowances are paid by each pay run (lines.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.scope import require
from touyan.audit.services import audit_record
from touyan.cadres.selectors import access_cadre
from touyan.core.errors import Conflict, InvalidInput
from touyan.core.money import to_fen
from touyan.core.workflow import transition
from touyan.policy.selectors import policy_resolve

from ..actions import PayrollAction
from ..flows import DEPARTURE, step_to
from ..models import DepartureAllowance
from ..rules.departure import departure_amount, first_of_next_month
from ..selectors import access_departure
from ..selectors.benefits import departure_facts_of, departure_policy_for

if TYPE_CHECKING:
    from touyan.accounts.models import User

ZERO = Decimal(0)
DS = DepartureAllowance.State


@transaction.atomic
def departure_apply(
    *,
    actor: User,
    cadre_id: int,
    criminal: bool = False,
    expelled: bool = False,
    public_employment: bool = False,
    pension_monthly: Decimal = ZERO,
    note: str = "",
    today: dt.date | None = None,
) -> DepartureAllowance:
    """R-PAY-10: record a former cadre's application; the amount is computed now (and again at
    county approval) with the region's strategy; an ineligible applicant is refused with reasons."""
    require(actor, account_rules.CADRES_WRITE)
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    day = today or timezone.localdate()
    active = DepartureAllowance.objects.filter(person=person).exclude(state__in=[DS.REJECTED, DS.STOPPED])
    if active.exists():
        raise Conflict(_("该干部已有在办或在发的离任生活补贴"), field="cadre")
    declared = {"criminal": criminal, "expelled": expelled, "public_employment": public_employment}
    facts = departure_facts_of(person, pension_monthly=to_fen(pension_monthly or ZERO), **declared)
    policy = departure_policy_for(person.village_id, day)
    result = departure_amount(facts, policy)
    if not result.eligible:
        raise InvalidInput(errors={"cadre": list(result.problems)})
    allowance = DepartureAllowance.objects.create(
        person=person,
        village_id=person.village_id,
        strategy=policy.strategy,
        basis=result.basis | {"declared": declared},
        monthly_amount=result.monthly,
        start_month=result.start_month,
        note=note.strip()[:300],
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=PayrollAction.DEPARTURE_APPLY,
        obj=allowance,
        region_code=person.village_id,
        changes={"monthly_amount": [None, str(result.monthly)], "strategy": policy.strategy},
    )
    return allowance


def _approve(allowance: DepartureAllowance, day: dt.date) -> list[str]:
    """At county approval the amount is recomputed with the current secretary base and frozen."""
    declared = allowance.basis.get("declared", {})
    pension = Decimal(allowance.basis.get("pension_monthly", "0"))
    result = departure_amount(
        departure_facts_of(allowance.person, pension_monthly=pension, **declared),
        departure_policy_for(allowance.village_id, day),
    )
    if not result.eligible:
        raise InvalidInput(errors={"to": list(result.problems)})
    allowance.monthly_amount, allowance.start_month = result.monthly, result.start_month
    allowance.basis = result.basis | {"declared": declared, "approved_on": day.isoformat()}
    return ["monthly_amount", "start_month", "basis"]


@transaction.atomic
def departure_advance(
    *,
    actor: User,
    departure_id: int,
    to: str,
    note: str = "",
    stop_month: dt.date | None = None,
    today: dt.date | None = None,
) -> DepartureAllowance:
    """R-PAY-10 flow (flows.DEPARTURE), by the state `to` the step leads to: applied → village
    checked → township checked → public notice → county approved (the amount recomputed and
    frozen) → stopped (on death: from `stop_month`, the first month not paid). Rejection, with a
    reason, at any step before approval (after the public notice by the county)."""
    allowance = access_departure(actor=actor, departure_id=departure_id)
    step = step_to(DEPARTURE, allowance, to)
    return departure_step(
        actor=actor, allowance=allowance, name=step.name, note=note, stop_month=stop_month, today=today
    )


def departure_step(
    *,
    actor: User,
    allowance: DepartureAllowance,
    name: str,
    note: str = "",
    stop_month: dt.date | None = None,
    today: dt.date | None = None,
) -> DepartureAllowance:
    """One step of flows.DEPARTURE by its name, audited with the amount before and after."""
    day = today or timezone.localdate()
    changes: dict[str, list[str]] = {}  # filled by the effect, recorded with the step

    def effect(locked: DepartureAllowance) -> list[str]:
        old = str(locked.monthly_amount)
        fields: list[str] = []
        if locked.state == DS.APPROVED:
            fields = _approve(locked, day)
        elif locked.state == DS.STOPPED:
            locked.stop_month = (stop_month or first_of_next_month(day)).replace(day=1)
            fields = ["stop_month"]
        changes["monthly_amount"] = [old, str(locked.monthly_amount)]
        return fields

    return transition(
        DEPARTURE,
        actor=actor,
        obj=allowance,
        name=name,
        reason=note,
        facts={"note": note, "today": day},
        facts_of=departure_notice_facts,
        set_fields=({"note": note.strip()[:300]} if note.strip() else {})
        | ({"notice_from": day} if name == "publicise" else {}),
        effect=effect,
        changes=changes,
        region_code=allowance.village_id,
    )


def departure_notice_facts(allowance: DepartureAllowance) -> dict[str, object]:
    """The publicity guard's facts (flows.publicity_over): the day the public notice was posted and
    the village's `publicity_days`."""
    return {
        "notice_from": allowance.notice_from,
        "notice_days": policy_resolve(allowance.village_id, timezone.localdate())["publicity_days"],
    }
