"""What village affairs adds to other apps' workflows (registered in AffairsConfig.ready).

R-PAY-08: a collective-economy reward is approved only on the village's closed 四议两公开
decision on distributing collective income (category `collective_reward`); payroll offers the
guard hook (`payroll.flows.register_reward_check`), affairs answers it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .selectors import closed_decision_for


def reward_needs_closed_decision(reward: Any, facts: Mapping[str, Any]) -> str | Promise | None:
    """R-PAY-08: the reward's decision number names a closed collective-reward decision of its village."""
    found = closed_decision_for(village_code=reward.village_id, ref=reward.decision_ref, category="collective_reward")
    if found is None:
        return _("决议“%(ref)s”不是本村已完成四议两公开的集体收益分配决议,不能批准") % {"ref": reward.decision_ref}
    return None


def register() -> None:
    from touyan.payroll.flows import register_reward_check

    register_reward_check(reward_needs_closed_decision)
