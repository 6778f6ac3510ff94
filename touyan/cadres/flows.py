"""The filing desk's state machine (凡动必报, R-ORG-09) on `core.workflow`: a reported change is
filed (备案) by the county organisation department, or returned to the township with a reason.
Audited as `cadres.filing.<step>`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from touyan.accounts import rules as account_rules
from touyan.core.workflow import Flow, Transition

from .models import Filing


def county(actor: Any, obj: Any) -> bool:
    """County-level (and higher) administrators file (capability `policy.write`)."""
    return bool(getattr(actor, "is_authenticated", False)) and account_rules.has_capability(
        actor.role, account_rules.POLICY_WRITE, is_superuser=actor.is_superuser
    )


F = Filing.Status
FILING_FLOW = Flow(
    model=Filing,
    action_prefix="cadres.filing",
    state_field="status",
    transitions=(
        Transition("file", (F.PENDING,), F.FILED, _("县级备案"), who=county, refused=_("备案由县委组织部办理")),
        Transition(
            "return",
            (F.PENDING,),
            F.RETURNED,
            _("退回备案"),
            who=county,
            refused=_("备案由县委组织部办理"),
            reason_required=True,
        ),
    ),
)
