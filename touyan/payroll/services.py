"""Pay runs (WF-8): open, calculate set-based, approve, pay, close (SPEC A6, R-PAY-01…07).

Calculation reads its inputs chunk by chunk in a fixed number of queries per chunk,
computes each payslip with the pure rules, and writes all lines in one transaction
(calculation.py): a fault halfway leaves nothing, and running it again pays every
cadre exactly once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.scope import require, scope_filter
from touyan.attendance.models import MonthLock
from touyan.audit.services import audit_record
from touyan.cadres.models import Post
from touyan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from touyan.core.money import to_fen
from touyan.regions import rules as region_rules
from touyan.regions.models import Region
from touyan.regions.selectors import access_region

from . import calculation
from .benefits import departure_lines_for_run
from .models import Adjustment, PayRun, PayrunStep, Payslip

S = PayRun.State
_month_bounds = calculation.month_bounds


def access_run(*, actor: Any, run_id: int, for_update: bool = False) -> PayRun:
    qs = scope_filter(PayRun.objects.select_related("region"), actor, "region__code")
    if getattr(actor, "role", None) == Role.CADRE and not actor.is_superuser:
        qs = qs.none()
    if for_update:
        qs = qs.select_for_update()
    run = qs.filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("未找到该工资发放批次"))
    return run


def _townships_with_cadres(prefix: str, first: dt.date, last: dt.date) -> set[str]:
    villages = (
        Post.objects.filter(village__code__startswith=prefix, full_time=True, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values_list("village_id", flat=True)
        .distinct()
    )
    return {v[:9].ljust(12, "0") for v in villages}


@transaction.atomic
def payrun_open(*, actor: Any, region_code: str, month: dt.date) -> PayRun:
    """WF-8: a township (or a county for all its townships) opens the month's run once
    the month's attendance is locked."""
    require(actor, account_rules.CADRES_WRITE)
    region = access_region(actor=actor, code=region_code)
    if region.level not in (region_rules.TOWNSHIP, region_rules.COUNTY):
        raise InvalidInput(errors={"region": _("按乡镇或县开设工资批次")})
    first, last = _month_bounds(month)
    needed = _townships_with_cadres(region.prefix, first, last)
    locked = set(MonthLock.objects.filter(region_id__in=needed, month=first).values_list("region_id", flat=True))
    missing = sorted(needed - locked)
    if missing:
        names = dict(Region.objects.filter(code__in=missing[:5]).values_list("code", "name"))
        raise InvalidInput(
            errors={
                "month": _("以下乡镇尚未锁定 %(m)s 考勤: %(n)s")
                % {"m": first.strftime("%Y-%m"), "n": "、".join(names.get(c, c) for c in missing[:5])}
            }
        )
    overlapping = PayRun.objects.filter(month=first).filter(
        Q(region__code__startswith=region.prefix) | Q(region_id__in=region_rules.ancestors(region.code))
    )
    if overlapping.exists():
        raise Conflict(_("该月已有覆盖这些乡镇的工资批次"), field="month")
    try:
        with transaction.atomic():
            run = PayRun.objects.create(region=region, month=first, created_by=actor)
    except IntegrityError as exc:
        raise Conflict(_("该月工资批次已存在"), field="month") from exc
    PayrunStep.objects.create(run=run, state=S.OPEN, actor=actor)
    audit_record(
        actor=actor,
        action="payroll.run.open",
        obj=run,
        region_code=region.code,
        changes={"month": [None, first.strftime("%Y-%m")]},
    )
    return run


@transaction.atomic
def payrun_calculate(*, actor: Any, run_id: int) -> PayRun:
    """Compute every payslip of the run (SPEC A6), chunk by chunk (see calculation.py), in one
    transaction: a fault anywhere leaves no lines. The run's row lock makes two concurrent
    calculations run one after the other and give one result."""
    require(actor, account_rules.CADRES_WRITE)
    run = access_run(actor=actor, run_id=run_id, for_update=True)
    if run.state not in (S.OPEN, S.CALCULATED):
        raise Conflict(_("该批次已进入审批或发放,不能重新计算"), field="state")
    prefix = run.region.prefix
    adjustments = list(
        Adjustment.objects.select_for_update().filter(village__code__startswith=prefix)
        .filter(Q(run__isnull=True) | Q(run=run)).order_by("id")
    )  # fmt: skip
    extra: dict[int, calculation.Slip] = {}  # lines that are not monthly pay, by person
    for dl in departure_lines_for_run(run):  # R-PAY-10: former cadres' monthly allowance
        slip = extra.setdefault(dl.person_id, calculation.Slip(dl.person_id, dl.village_id))
        slip.lines.append(("departure", dl.amount, dl.basis))
    for adj in adjustments:
        slip = extra.setdefault(adj.person_id, calculation.Slip(adj.person_id, adj.village_id))
        component = "adjustment" if adj.kind == Adjustment.Kind.CORRECTION else adj.kind
        slip.lines.append((component, to_fen(adj.amount), {"adjustment": adj.pk, "reason": adj.reason}))
    writer = calculation.SlipWriter(run.pk)
    writer.delete_existing()
    inputs = calculation.RunInputs(month=run.month, prefix=prefix)
    errors: list[str] = []
    ungraded = 0
    for chunk in calculation.run_chunks(inputs):
        errors += chunk.errors
        ungraded += chunk.ungraded
        if errors or ungraded:
            continue  # keep counting what is missing; nothing will be kept
        for slip in chunk.slips:
            more = extra.pop(slip.person_id, None)
            if more is not None:
                slip.lines = [*slip.lines, *more.lines]
        writer.write(chunk.slips)
    if ungraded:
        raise InvalidInput(
            errors={
                "quarter": _("第 %(q)s 季度还有 %(n)s 名干部的考核评价未定稿,不能计算绩效报酬")
                % {"q": run.month.month // 3, "n": ungraded}
            }
        )
    if errors:
        raise InvalidInput(errors={"cadres": errors[:20]})
    writer.write(sorted(extra.values(), key=lambda s: s.person_id))  # former cadres, and people paid only extras
    Adjustment.objects.filter(pk__in=[a.pk for a in adjustments]).update(run=run)
    old = (run.state, str(run.total))
    run.total = writer.total
    run.payslip_count = writer.payslips
    run.state, run.calculated_at, run.calculated_by = S.CALCULATED, timezone.now(), actor
    run.policy_documents = sorted(inputs.documents)
    run.save()
    PayrunStep.objects.create(run=run, state=S.CALCULATED, actor=actor)
    audit_record(
        actor=actor,
        action="payroll.run.calculate",
        obj=run,
        region_code=run.region_id,
        changes={
            "state": [old[0], run.state],
            "total": [old[1], str(run.total)],
            "payslips": [None, run.payslip_count],
            "lines": [None, writer.lines],
        },
    )
    return run


TRANSITIONS: dict[str, tuple[str, str]] = {
    # to: (from, who)
    S.NOTICE: (S.CALCULATED, "township"),
    S.TOWNSHIP: (S.NOTICE, "township"),
    S.FINANCE: (S.TOWNSHIP, "finance"),
    S.DISBURSED: (S.FINANCE, "finance"),
    S.CLOSED: (S.DISBURSED, "finance"),
}


@transaction.atomic
def payrun_advance(*, actor: Any, run_id: int, to: str, note: str = "") -> PayRun:
    """WF-8 approvals: township publicises and approves; county finance approves, pays and closes."""
    run = access_run(actor=actor, run_id=run_id, for_update=True)
    if to not in TRANSITIONS:
        raise InvalidInput(errors={"state": _("状态无效")})
    source, who = TRANSITIONS[to]
    if run.state != source:
        raise Conflict(_("当前状态“%(s)s”不能进行该步骤") % {"s": run.get_state_display()}, field="state")
    allowed = actor.is_superuser or (
        actor.role in (Role.TOWNSHIP_OFFICER, Role.ADMIN) if who == "township" else actor.role == Role.FINANCE
    )
    if not allowed:
        raise Forbidden(_("该步骤由%(who)s办理") % {"who": _("乡镇") if who == "township" else _("县财政")})
    old = run.state
    run.state = to
    run.save(update_fields=["state"])
    PayrunStep.objects.create(run=run, state=to, actor=actor, note=note[:300])
    audit_record(
        actor=actor,
        action="payroll.run.advance",
        obj=run,
        region_code=run.region_id,
        changes={"state": [old, to]},
        reason=note,
    )
    return run


@transaction.atomic
def adjustment_add(*, actor: Any, cadre_id: int, kind: str, amount: Decimal, reason: str) -> Adjustment:
    """A correction or an approved one-off payment, paid in the next run as a line."""
    from touyan.cadres.selectors import access_cadre

    require(actor, account_rules.CADRES_WRITE)
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    if kind not in Adjustment.Kind.values:
        raise InvalidInput(errors={"kind": _("类别无效")})
    if not reason.strip():
        raise InvalidInput(errors={"reason": _("请填写事由")})
    adj = Adjustment.objects.create(person=person, village_id=person.village_id, kind=kind, amount=to_fen(amount),
                                    reason=reason.strip(), created_by=actor)  # fmt: skip
    audit_record(
        actor=actor,
        action="payroll.adjustment.add",
        obj=adj,
        region_code=person.village_id,
        changes={"kind": [None, kind], "amount": [None, str(adj.amount)]},
        reason=reason,
    )
    return adj


# States from which a village cadre sees their own payslip: once it is publicised (R-OPEN-04),
# never while the run may still be recalculated.
CADRE_VISIBLE = (S.NOTICE, S.TOWNSHIP, S.FINANCE, S.DISBURSED, S.CLOSED)


def access_payslip(*, actor: Any, payslip_id: int) -> Payslip:
    """One payslip: a village cadre gets only their own, once publicised; officials get those
    of villages in their scope. NotFound otherwise (outsiders learn nothing)."""
    qs = Payslip.objects.select_related("run", "run__region", "person", "village", "village__parent")
    if getattr(actor, "role", None) == Role.CADRE and not actor.is_superuser:
        qs = qs.filter(person_id=actor.cadre_id or -1, run__state__in=CADRE_VISIBLE)
    else:
        qs = scope_filter(qs, actor, "village__code")
    slip = qs.filter(pk=payslip_id).first()
    if slip is None:
        raise NotFound(_("未找到该工资条"))
    return slip


def payslips_of_self(*, actor: Any) -> list[Payslip]:
    """A village cadre's own publicised payslips, newest month first (我的工资条)."""
    if not getattr(actor, "cadre_id", None):
        return []
    return list(
        Payslip.objects.filter(person_id=actor.cadre_id, run__state__in=CADRE_VISIBLE)
        .select_related("run", "village")
        .order_by("-run__month", "-id")
    )
