"""Pay runs (WF-8): open, calculate set-based, approve, pay, close (SPEC A6, R-PAY-01…07).

Calculation reads its inputs chunk by chunk in a fixed number of queries per chunk,
computes each payslip with the pure rules, and writes all lines in one transaction
(calculation.py): a fault halfway leaves nothing, and running it again pays every
cadre exactly once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.scope import NATIONAL, require, scope_filter, scope_prefix
from touyan.attendance.models import MonthLock
from touyan.audit.services import audit_record, audit_record_many
from touyan.cadres.models import Post
from touyan.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from touyan.core.money import to_fen
from touyan.regions import rules as region_rules
from touyan.regions.models import Region
from touyan.regions.selectors import access_region

from . import calculation
from .benefits import departure_lines_between, departure_lines_for_run
from .models import Adjustment, PayLine, PayRun, PayrunStep, Payslip

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


def _adjustment_line(adj: Adjustment) -> tuple[str, Decimal, dict[str, Any]]:
    """An adjustment or one-off payment as a payslip line (WF-8: corrections go into a later run)."""
    component = "adjustment" if adj.kind == Adjustment.Kind.CORRECTION else adj.kind
    return component, to_fen(adj.amount), {"adjustment": adj.pk, "reason": adj.reason}


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
        slip.lines.append(_adjustment_line(adj))
    writer = calculation.SlipWriter(run.pk)
    if run.state == S.CALCULATED:  # an open run has no payslips yet (a failed calculation keeps none)
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


# ---------------------------------------------------------------------------
# Many runs in one pass (issue #6): every county (or township) run of a month under a prefix
# ---------------------------------------------------------------------------


@dataclass
class ManyRuns:
    """What payruns_open_and_calculate_many did: runs opened and calculated, the regions
    skipped (a run of the month already covers them) and refused (why, per region)."""

    runs: int = 0
    payslips: int = 0
    lines: int = 0
    total: Decimal = Decimal(0)
    skipped: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


@dataclass
class _Group:
    regions: list[Region]
    ranges: list[tuple[str, str]]  # village code ranges read chunk by chunk
    posts: int = 0
    range_posts: int = 0


class _Refused(Exception):
    """A group's run is refused (a cadre's pay cannot be computed): the group is retried run by run."""


def payruns_open_and_calculate_many(*, actor: Any, month: dt.date, prefix: str = "", progress: Any = None) -> ManyRuns:
    """WF-8 for many runs at once: opens and calculates the month's run of every county with
    full-time cadres under `prefix` ("" = the country) — of the township where a township has no
    county (东莞, 中山 …) — as payrun_open + payrun_calculate would one by one, with the same
    payslips and lines (SPEC A6), but set-based: whole runs are grouped into chunks of about
    CHUNK_POSTS posts, and each group's runs, steps, audit events, inputs, payslips and lines are
    read and written in a fixed number of queries, in one transaction per group (a run is all or
    nothing). A region already covered by a run of the month is skipped, so running it again pays
    every cadre once and resumes after a failure. A group in which a cadre's pay cannot be computed
    is retried run by run, and each refused run is reported, nothing of it kept."""
    require(actor, account_rules.CADRES_WRITE)
    if prefix:
        access_region(actor=actor, code=prefix.ljust(region_rules.CODE_LENGTH, "0"))
    elif scope_prefix(actor) != NATIONAL:
        raise Forbidden(_("全国批量计算需全国管理权限"))
    first, last = _month_bounds(month)
    lo, hi = calculation.code_range(prefix)
    out = ManyRuns()
    # Villages with posts in the month, in code order, and whether any post is full-time (one query).
    villages = list(
        Post.objects.filter(calculation._in_month(first, last), village_id__gte=lo, village_id__lte=hi)
        .values("village_id")
        .annotate(n=Count("id"), ft=Count("id", filter=Q(full_time=True)))
        .order_by("village_id")
        .values_list("village_id", "n", "ft")
    )
    # The run's region of each village: its county, or its township where the county code is no county.
    counties = {v[:6].ljust(12, "0") for v, _n, _f in villages}
    county_regions = {r.code: r for r in Region.objects.filter(code__in=counties, level=region_rules.COUNTY)}
    townships = {v[:9].ljust(12, "0") for v, _n, _f in villages if v[:6].ljust(12, "0") not in county_regions}
    township_regions = {r.code: r for r in Region.objects.filter(code__in=townships, level=region_rules.TOWNSHIP)}

    def region_of(village: str) -> Region | None:
        return county_regions.get(village[:6].ljust(12, "0")) or township_regions.get(village[:9].ljust(12, "0"))

    with_cadres: dict[str, Region] = {}
    needed_locks: dict[str, set[str]] = defaultdict(set)
    for v, _n, ft in villages:
        region = region_of(v)
        if region is not None and ft:
            with_cadres[region.code] = region
            needed_locks[region.code].add(v[:9].ljust(12, "0"))
    # Covered already: a run of the month on the region, inside it or above it (one query).
    covering = [
        r.region.prefix
        for r in PayRun.objects.filter(month=first)
        .filter(
            Q(region__code__gte=lo, region__code__lte=hi)
            | Q(region_id__in=region_rules.ancestors(lo) if prefix else [])
        )
        .select_related("region")
    ]
    locked = set(
        MonthLock.objects.filter(region_id__gte=lo, region_id__lte=hi, month=first).values_list("region_id", flat=True)
    )
    eligible: set[str] = set()
    for code, region in with_cadres.items():
        if any(region.prefix.startswith(p) or p.startswith(region.prefix) for p in covering):
            out.skipped.append(code)
        elif missing := sorted(needed_locks[code] - locked):
            out.refused[code] = _("以下乡镇尚未锁定 %(m)s 考勤: %(n)s") % {
                "m": first.strftime("%Y-%m"),
                "n": "、".join(missing[:5]),
            }
        else:
            eligible.add(code)
    # Groups of whole runs, contiguous in code order, of about CHUNK_POSTS posts.
    groups: list[_Group] = []
    current: _Group | None = None
    for v, n, _ft in villages:
        region = region_of(v)
        if region is None or region.code not in with_cadres:
            continue  # no full-time cadre in its run's region: nobody paid there
        if region.code not in eligible:
            current = None
            continue
        new_region = current is None or region.code != current.regions[-1].code
        if current is None or (new_region and current.posts + n > calculation.CHUNK_POSTS):
            current = _Group([region], [(v, v)])
            groups.append(current)
        elif new_region:
            current.regions.append(region)
        elif current.range_posts + n > calculation.CHUNK_POSTS:
            current.ranges.append((v, v))  # one big county: several chunks, as payrun_calculate reads it
            current.range_posts = 0
        current.ranges[-1] = (current.ranges[-1][0], v)
        current.posts += n
        current.range_posts += n
    for done, group in enumerate(groups):
        # Per group: memory follows the group; the fallback month summary spans only its runs' regions.
        inputs = calculation.RunInputs(month=first, prefix=_common_prefix([r.prefix for r in group.regions]))
        try:
            _open_and_calculate_group(actor, first, group, inputs, out)
        except (_Refused, IntegrityError):
            for region in group.regions:  # run by run, as the pay run page would
                try:
                    with transaction.atomic():
                        run = payrun_open(actor=actor, region_code=region.code, month=first)
                        run = payrun_calculate(actor=actor, run_id=run.pk)
                except DomainError as exc:
                    out.refused[region.code] = exc.text()
                    continue
                out.runs += 1
                out.payslips += run.payslip_count
                out.total += run.total
                out.lines += PayLine.objects.filter(payslip__run=run).count()
        if progress is not None:
            progress(done + 1, len(groups))
    out.skipped.sort()
    return out


def _common_prefix(codes: list[str]) -> str:
    """The longest code prefix all of the codes share (a region code prefix, digit by digit)."""
    first, last = min(codes), max(codes)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


@transaction.atomic
def _open_and_calculate_group(actor: Any, first: dt.date, group: _Group, inputs: calculation.RunInputs,
                              out: ManyRuns) -> None:  # fmt: skip
    """One group of whole runs, opened and calculated in one transaction (see
    payruns_open_and_calculate_many): raises _Refused, leaving nothing, if a cadre cannot be paid."""
    now = timezone.now()
    runs = PayRun.objects.bulk_create(
        [PayRun(region=r, month=first, created_by=actor, state=S.OPEN) for r in group.regions]
    )
    by_prefix = {run.region.prefix: run for run in runs}

    def run_of(village: str) -> PayRun | None:
        return by_prefix.get(village[:6]) or by_prefix.get(village[:9])

    lo, hi = group.ranges[0][0][:6].ljust(12, "0"), group.ranges[-1][1][:6].ljust(12, "9")
    if len(runs) == 1:
        lo, hi = calculation.code_range(runs[0].region.prefix)
    extra: dict[tuple[int, int], calculation.Slip] = {}  # (run, person) -> lines that are not monthly pay
    for dl in departure_lines_between(first, lo, hi):  # R-PAY-10
        run = run_of(dl.village_id)
        if run is not None:
            slip = extra.setdefault((run.pk, dl.person_id), calculation.Slip(dl.person_id, dl.village_id))
            slip.lines.append(("departure", dl.amount, dl.basis))
    adjustments: dict[int, list[int]] = defaultdict(list)
    for adj in (
        Adjustment.objects.select_for_update()
        .filter(village_id__gte=lo, village_id__lte=hi, run__isnull=True)
        .order_by("id")
    ):
        run = run_of(adj.village_id)
        if run is None:
            continue
        slip = extra.setdefault((run.pk, adj.person_id), calculation.Slip(adj.person_id, adj.village_id))
        slip.lines.append(_adjustment_line(adj))
        adjustments[run.pk].append(adj.pk)
    writer = calculation.SlipWriter()
    documents: dict[int, set[int]] = defaultdict(set)
    for chunk_lo, chunk_hi in group.ranges:
        chunk = calculation.calculate_chunk(inputs, chunk_lo, chunk_hi)
        if chunk.errors or chunk.ungraded:
            raise _Refused
        slips: list[calculation.Slip] = []
        run_ids: list[int] = []
        for slip in chunk.slips:
            run = run_of(slip.post_village)
            if run is None:
                continue
            more = extra.pop((run.pk, slip.person_id), None)
            if more is not None:
                slip.lines = [*slip.lines, *more.lines]
            documents[run.pk].update(chunk.policies[slip.village_id].documents)
            slips.append(slip)
            run_ids.append(run.pk)
        writer.write(slips, run_ids)
    rest = sorted(extra.items())  # former cadres, and people paid only extras, run by run
    writer.write([slip for _key, slip in rest], [run_id for (run_id, _p), _slip in rest])
    if adjustments:
        Adjustment.objects.filter(pk__in=[a for ids in adjustments.values() for a in ids]).update(
            run_id=Case(*[When(pk__in=ids, then=Value(run_id)) for run_id, ids in adjustments.items()])
        )
    for run in runs:
        count, _lines, total = writer.per_run.get(run.pk, (0, 0, Decimal(0)))
        run.total, run.payslip_count = total, count
        run.state, run.calculated_at, run.calculated_by = S.CALCULATED, now, actor
        run.policy_documents = sorted(documents[run.pk])
    PayRun.objects.bulk_update(
        runs, ["total", "payslip_count", "state", "calculated_at", "calculated_by", "policy_documents"]
    )
    PayrunStep.objects.bulk_create(
        [PayrunStep(run=run, state=state, actor=actor) for run in runs for state in (S.OPEN, S.CALCULATED)]
    )
    audit_record_many(
        actor=actor,
        action="payroll.run.open",
        records=[(run, run.region_id, {"month": [None, first.strftime("%Y-%m")]}) for run in runs],
    )
    audit_record_many(
        actor=actor,
        action="payroll.run.calculate",
        records=[
            (run, run.region_id, {"state": [S.OPEN, S.CALCULATED], "total": ["0.00", str(run.total)],
                                  "payslips": [None, run.payslip_count],
                                  "lines": [None, writer.per_run.get(run.pk, (0, 0, 0))[1]]})
            for run in runs
        ],
    )  # fmt: skip
    out.runs += len(runs)
    out.payslips += writer.payslips
    out.lines += writer.lines
    out.total += writer.total
