"""The development to-dos on a township's or county's workbench (core.todos, TrainingConfig.ready):
villages short of reserves (R-TRN-06), certificates about to expire (R-TRN-03), and — for a
township — the cadres short of this year's training (R-TRN-01/02)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from touyan.accounts.models import Role
from touyan.core.todos import Todo, TodoContext
from touyan.policy.selectors import policy_resolve

from . import selectors

LEVELS = ("county", "township")


def training_todos(user: Any, ctx: TodoContext) -> list[Todo]:
    region = ctx.region
    if user.role not in (Role.ADMIN, Role.TOWNSHIP_OFFICER) or region is None or region.level not in LEVELS:
        return []
    if not selectors.in_scope(user, region.code):
        return []
    group = _("干部培养")
    query = f"?region={region.code}"
    short = [r for r in selectors.sufficiency(region=region, today=ctx.today) if r.short]
    days = policy_resolve(region.code, ctx.today)["certificate_expiry_alert_days"]
    expiring = (
        selectors.expiring_certificates(actor=user, today=ctx.today, within_days=days)
        .filter(village__code__startswith=region.prefix)
        .count()
    )
    out = [
        Todo(label=_("后备干部配备不足的村"), count=len(short), url=reverse("training:reserves") + query,
             icon="people", group=group),
        Todo(label=_("即将到期的证书"), count=expiring, url=reverse("training:certificates"), icon="patch-check",
             group=group),
    ]  # fmt: skip
    if region.level == "township":
        rows = selectors.compliance(region=region, year=ctx.today.year, today=ctx.today)
        out.append(
            Todo(
                label=_("本年度培训未达标的干部"),
                count=sum(1 for r in rows if r.shortfalls),
                url=reverse("training:compliance") + query,
                icon="mortarboard",
                group=group,
            )
        )
    return out
