"""Payroll's scoped reads (ENGINEERING: selectors). `access_<entity>(*, actor, …)` returns one
object in the actor's scope or raises NotFound (outsiders learn nothing); the lists are scoped
querysets. A village cadre reads only their own publicised payslips; every other payroll read is
for officials. Benefit reads are in `selectors.benefits`, page data in `selectors.pages`."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from touyan.accounts.rules import is_village_cadre
from touyan.accounts.scope import officials_only, scope_filter
from touyan.core.errors import NotFound
from touyan.regions import rules as region_rules
from touyan.regions.models import Region
from touyan.regions.selectors import access_region

from ..models import Adjustment, CollectiveReward, DepartureAllowance, PayRun, Payslip

if TYPE_CHECKING:
    from touyan.accounts.models import User

M = TypeVar("M", bound=Model)
S = PayRun.State
# States from which a village cadre sees their own payslip: once it is publicised (R-OPEN-04),
# never while the run may still be recalculated.
CADRE_VISIBLE = (S.NOTICE, S.TOWNSHIP, S.FINANCE, S.DISBURSED, S.CLOSED)


def _scoped(qs: QuerySet[M], actor: User, field: str = "village__code") -> QuerySet[M]:
    if is_village_cadre(actor):
        return qs.none()
    return scope_filter(qs, actor, field)


def region_for_officials(*, actor: User, code: str) -> Region:
    """A region in scope for the pages of officials; a village cadre sees none of them."""
    officials_only(actor)
    return access_region(actor=actor, code=code)


def _one(qs: QuerySet[M], pk: int, message: str, *, for_update: bool = False) -> M:
    if for_update:
        qs = qs.select_for_update(of=("self",))
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound(message)
    return obj


def access_run(*, actor: User, run_id: int, for_update: bool = False) -> PayRun:
    """A pay run of a region in the actor's scope (officials only)."""
    qs = _scoped(PayRun.objects.select_related("region"), actor, "region__code")
    return _one(qs, run_id, _("未找到该工资发放批次"), for_update=for_update)


def access_own_payslip_in_run(*, actor: User, run_id: int) -> Payslip:
    """A village cadre's own payslip in a run, once publicised; NotFound otherwise."""
    qs = Payslip.objects.filter(run_id=run_id, person_id=actor.cadre_id or -1, run__state__in=CADRE_VISIBLE)
    slip = qs.first()
    if slip is None:
        raise NotFound(_("未找到该工资发放批次"))
    return slip


def access_payslip(*, actor: User, payslip_id: int) -> Payslip:
    """One payslip: a village cadre gets only their own, once publicised; officials get those
    of villages in their scope. NotFound otherwise (outsiders learn nothing)."""
    qs: QuerySet[Payslip] = Payslip.objects.select_related("run", "run__region", "person", "village", "village__parent")
    if is_village_cadre(actor):
        qs = qs.filter(person_id=actor.cadre_id or -1, run__state__in=CADRE_VISIBLE)
    else:
        qs = scope_filter(qs, actor, "village__code")
    return _one(qs, payslip_id, _("未找到该工资条"))


def access_reward(*, actor: User, reward_id: int, for_update: bool = False) -> CollectiveReward:
    qs = _scoped(CollectiveReward.objects.select_related("village", "village__parent"), actor)
    return _one(qs, reward_id, _("未找到该奖励申报"), for_update=for_update)


def access_departure(*, actor: User, departure_id: int, for_update: bool = False) -> DepartureAllowance:
    qs = _scoped(DepartureAllowance.objects.select_related("person", "village", "village__parent"), actor)
    return _one(qs, departure_id, _("未找到该离任生活补贴"), for_update=for_update)


def payslips_of_self(*, actor: User) -> list[Payslip]:
    """A village cadre's own publicised payslips, newest month first (我的工资条)."""
    own = getattr(actor, "cadre_id", None)
    if not own:
        return []
    return list(
        Payslip.objects.filter(person_id=own, run__state__in=CADRE_VISIBLE)
        .select_related("run", "village")
        .order_by("-run__month", "-id")
    )


def runs_in_scope(*, actor: User, region: Region | None = None, state: str = "") -> QuerySet[PayRun]:
    """The runs the actor may see, newest month first; under a region (or covering it), in a state."""
    qs = _scoped(PayRun.objects.select_related("region", "calculated_by"), actor, "region__code")
    if region is not None:
        qs = qs.filter(Q(region__code__startswith=region.prefix) | Q(region_id__in=region_rules.ancestors(region.code)))
    if state in S.values:
        qs = qs.filter(state=state)
    return qs.order_by("-month", "region_id")


def adjustments_in_scope(*, actor: User, kind: str, region: Region | None = None) -> QuerySet[Adjustment]:
    qs = _scoped(Adjustment.objects.filter(kind=kind), actor).select_related(
        "person", "village", "village__parent", "run"
    )
    return _under(qs, region).order_by("-created_at", "-id")


def rewards_in_scope(*, actor: User, region: Region | None = None) -> QuerySet[CollectiveReward]:
    qs = _scoped(CollectiveReward.objects.select_related("village", "village__parent"), actor)
    return _under(qs, region).order_by("-year", "village_id")


def departures_in_scope(*, actor: User, region: Region | None = None, state: str = "") -> QuerySet[DepartureAllowance]:
    qs = _scoped(DepartureAllowance.objects.select_related("person", "village", "village__parent"), actor)
    if state in DepartureAllowance.State.values:
        qs = qs.filter(state=state)
    return _under(qs, region).order_by("-created_at", "-id")


def _under(qs: QuerySet[M], region: Region | None) -> QuerySet[M]:
    return qs if region is None else qs.filter(village__code__startswith=region.prefix)
