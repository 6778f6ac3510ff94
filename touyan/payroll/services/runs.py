"""Pay runs (WF-8): open, calculate set-based, approve, pay, close (SPEC A6, R-PAY-01…07).

A single run is the one-run case of the batch path (services.batch): the same code opens it,
calculates it chunk by chunk in one transaction (a fault halfway leaves nothing; running it again
pays every cadre exactly once) and audits it. The approval steps are the declared flow
`flows.PAYRUN`, taken through `core.workflow.transition`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.scope import NATIONAL, require, scope_prefix
from touyan.attendance.models import MonthLock
from touyan.cadres.models import Post
from touyan.core.errors import Conflict, DomainError, Forbidden, InvalidInput
from touyan.core.workflow import transition
from touyan.policy.selectors import policy_resolve
from touyan.regions import rules as region_rules
from touyan.regions.models import Region
from touyan.regions.selectors import access_region

from .. import calculation
from ..flows import PAYRUN, step_to
from ..models import PayLine, PayRun, PayrunStep
from ..selectors import access_run
from .batch import CALCULATE, Written, calculate_runs, open_runs

if TYPE_CHECKING:
    from touyan.accounts.models import User

S = PayRun.State
_month_bounds = calculation.month_bounds


def _townships_with_cadres(prefix: str, first: dt.date, last: dt.date) -> set[str]:
    villages = (
        Post.objects.filter(village__code__startswith=prefix, full_time=True, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values_list("village_id", flat=True)
        .distinct()
    )
    return {v[:9].ljust(12, "0") for v in villages}


def _missing_locks(region: Region, first: dt.date, last: dt.date) -> str:
    """WF-8: the townships with full-time cadres under the region whose attendance of the month
    is not locked, in words ("" when all are)."""
    needed = _townships_with_cadres(region.prefix, first, last)
    locked = set(MonthLock.objects.filter(region_id__in=needed, month=first).values_list("region_id", flat=True))
    missing = sorted(needed - locked)
    if not missing:
        return ""
    return _lock_refusal(first, missing, dict(Region.objects.filter(code__in=missing[:5]).values_list("code", "name")))


def _lock_refusal(first: dt.date, missing: list[str], names: dict[str, str] | None = None) -> str:
    """WF-8: why a run cannot open yet — the first five townships whose month is not locked."""
    shown = [(names or {}).get(c, c) for c in missing[:5]]
    return _("以下乡镇尚未锁定 %(m)s 考勤: %(n)s") % {"m": first.strftime("%Y-%m"), "n": "、".join(shown)}


@transaction.atomic
def payrun_open(*, actor: User, region_code: str, month: dt.date) -> PayRun:
    """WF-8: a township (or a county for all its townships) opens the month's run once
    the month's attendance is locked."""
    require(actor, account_rules.CADRES_WRITE)
    region = access_region(actor=actor, code=region_code)
    if region.level not in (region_rules.TOWNSHIP, region_rules.COUNTY):
        raise InvalidInput(errors={"region": _("按乡镇或县开设工资批次")})
    first, last = _month_bounds(month)
    missing = _missing_locks(region, first, last)
    if missing:
        raise InvalidInput(errors={"month": missing})
    overlapping = PayRun.objects.filter(month=first).filter(
        Q(region__code__startswith=region.prefix) | Q(region_id__in=region_rules.ancestors(region.code))
    )
    if overlapping.exists():
        raise Conflict(_("该月已有覆盖这些乡镇的工资批次"), field="month")
    try:
        with transaction.atomic():
            (run,) = open_runs(actor=actor, regions=[region], month=first)
    except IntegrityError as exc:
        raise Conflict(_("该月工资批次已存在"), field="month") from exc
    return run


@transaction.atomic
def payrun_calculate(*, actor: User, run_id: int) -> PayRun:
    """Compute every payslip of the run (SPEC A6) in one transaction, as the batch path computes
    a group of runs (services.batch.calculate_runs): a fault anywhere leaves no lines. The run's
    row lock makes two concurrent calculations run one after the other and give one result."""
    require(actor, account_rules.CADRES_WRITE)
    run = access_run(actor=actor, run_id=run_id, for_update=True)
    if run.state not in CALCULATE.source:
        raise Conflict(_("该批次已进入审批或发放,不能重新计算"), field="state")
    prefix = run.region.prefix
    inputs = calculation.RunInputs(month=run.month, prefix=prefix)
    ranges = calculation.village_chunks(prefix, inputs.first, inputs.last)
    calculate_runs(actor=actor, runs=[run], ranges=ranges, inputs=inputs)
    return run


@transaction.atomic
def payrun_advance(*, actor: User, run_id: int, to: str, note: str = "") -> PayRun:
    """WF-8 approvals (flows.PAYRUN): the township publicises and approves; county finance
    approves, pays and closes. `to` names the state the step leads to."""
    run = access_run(actor=actor, run_id=run_id)
    try:
        step = step_to(PAYRUN, run, to)
    except InvalidInput as exc:
        raise InvalidInput(errors={"state": _("状态无效")}) from exc
    return payrun_step(actor=actor, run=run, name=step.name, note=note)


def payrun_step(*, actor: User, run: PayRun, name: str, note: str = "") -> PayRun:
    """One WF-8 step by its name (flows.PAYRUN), recorded as a step of the run and audited."""

    def record(locked: PayRun) -> None:
        PayrunStep.objects.create(run=locked, state=locked.state, actor=actor, note=note[:300])

    transition(
        PAYRUN,
        actor=actor,
        obj=run,
        name=name,
        reason=note,
        effect=record,
        facts_of=payrun_facts,
        region_code=run.region_id,
    )
    return run


def payrun_facts(run: PayRun) -> dict[str, Any]:
    """The guards' facts (flows.notice_period_over): today, the day the village notice began and
    the region's `pay_notice_days` (WF-8)."""
    today = timezone.localdate()
    notices = PayrunStep.objects.filter(run=run, state=PayRun.State.NOTICE).order_by("-at", "-id")
    started = notices.values_list("at", flat=True).first()
    return {
        "today": today,
        "notice_from": timezone.localdate(started) if started else None,
        "notice_days": policy_resolve(run.region_id, today)["pay_notice_days"],
    }


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

    def add(self, runs: int, written: Written) -> None:
        self.runs += runs
        self.payslips += written.payslips
        self.lines += written.lines
        self.total += written.total


@dataclass
class _Group:
    regions: list[Region]
    ranges: list[tuple[str, str]]  # village code ranges read chunk by chunk
    posts: int = 0
    range_posts: int = 0


@dataclass
class _Month:
    """The villages with posts in the month under the prefix, and the run region of each."""

    first: dt.date
    villages: list[tuple[str, int, int]]  # (village, posts, full-time posts), in code order
    region_of: Callable[[str], Region | None]
    with_cadres: dict[str, Region]  # run regions with a full-time cadre
    needed_locks: dict[str, set[str]]  # run region -> its townships with full-time cadres


def _county(code: str) -> str:
    return code[:6].ljust(region_rules.CODE_LENGTH, "0")


def _township(code: str) -> str:
    return code[:9].ljust(region_rules.CODE_LENGTH, "0")


def _month_of(first: dt.date, last: dt.date, lo: str, hi: str) -> _Month:
    """One grouped query over the posts, two over the regions: the run's region of each village is
    its county, or its township where the county code is no county (东莞, 中山 …)."""
    villages = list(
        Post.objects.filter(calculation._in_month(first, last), village_id__gte=lo, village_id__lte=hi)
        .values("village_id")
        .annotate(n=Count("id"), ft=Count("id", filter=Q(full_time=True)))
        .order_by("village_id")
        .values_list("village_id", "n", "ft")
    )
    counties = {_county(v) for v, _n, _f in villages}
    county_regions = {r.code: r for r in Region.objects.filter(code__in=counties, level=region_rules.COUNTY)}
    townships = {_township(v) for v, _n, _f in villages if _county(v) not in county_regions}
    township_regions = {r.code: r for r in Region.objects.filter(code__in=townships, level=region_rules.TOWNSHIP)}

    def region_of(village: str) -> Region | None:
        return county_regions.get(_county(village)) or township_regions.get(_township(village))

    with_cadres: dict[str, Region] = {}
    needed_locks: dict[str, set[str]] = defaultdict(set)
    for v, _n, ft in villages:
        region = region_of(v)
        if region is not None and ft:
            with_cadres[region.code] = region
            needed_locks[region.code].add(_township(v))
    return _Month(first, villages, region_of, with_cadres, needed_locks)


def _eligible(month: _Month, lo: str, hi: str, prefix: str, out: ManyRuns) -> set[str]:
    """The run regions to open: not covered by a run of the month (skipped), attendance locked
    in every township with full-time cadres (else refused). Two queries."""
    first = month.first
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
    for code, region in month.with_cadres.items():
        if any(region.prefix.startswith(p) or p.startswith(region.prefix) for p in covering):
            out.skipped.append(code)
        elif missing := sorted(month.needed_locks[code] - locked):
            out.refused[code] = _lock_refusal(first, missing)
        else:
            eligible.add(code)
    return eligible


def _groups(month: _Month, eligible: set[str]) -> list[_Group]:
    """Whole runs, contiguous in code order, in groups of about CHUNK_POSTS posts; a big county is
    a group of its own, read in several chunks as payrun_calculate reads it."""
    groups: list[_Group] = []
    current: _Group | None = None
    for v, n, _ft in month.villages:
        region = month.region_of(v)
        if region is None or region.code not in month.with_cadres:
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
            current.ranges.append((v, v))
            current.range_posts = 0
        current.ranges[-1] = (current.ranges[-1][0], v)
        current.posts += n
        current.range_posts += n
    return groups


def payruns_open_and_calculate_many(
    *, actor: User, month: dt.date, prefix: str = "", progress: Callable[[int, int], Any] | None = None
) -> ManyRuns:
    """WF-8 for many runs at once: opens and calculates the month's run of every county with
    full-time cadres under `prefix` ("" = the country) — of the township where a township has no
    county (东莞, 中山 …) — as payrun_open + payrun_calculate do one by one, with the same code
    (services.batch), but set-based: whole runs are grouped into chunks of about CHUNK_POSTS posts,
    and each group's runs, steps, audit events, inputs, payslips and lines are read and written in
    a fixed number of queries, in one transaction per group (a run is all or nothing). A region
    already covered by a run of the month is skipped, so running it again pays every cadre once and
    resumes after a failure. A group in which a cadre's pay cannot be computed is retried run by
    run, and each refused run is reported, nothing of it kept."""
    require(actor, account_rules.CADRES_WRITE)
    if prefix:
        access_region(actor=actor, code=prefix.ljust(region_rules.CODE_LENGTH, "0"))
    elif scope_prefix(actor) != NATIONAL:
        raise Forbidden(_("全国批量计算需全国管理权限"))
    first, last = _month_bounds(month)
    lo, hi = calculation.code_range(prefix)
    out = ManyRuns()
    the_month = _month_of(first, last, lo, hi)
    groups = _groups(the_month, _eligible(the_month, lo, hi, prefix, out))
    for done, group in enumerate(groups):
        try:
            _open_and_calculate_group(actor, first, group, out)
        except (InvalidInput, IntegrityError):
            for region in group.regions:  # run by run, as the pay run page would
                _one_run(actor, region, first, out)
        if progress is not None:
            progress(done + 1, len(groups))
    out.skipped.sort()
    return out


@transaction.atomic
def _open_and_calculate_group(actor: User, first: dt.date, group: _Group, out: ManyRuns) -> None:
    """One group of whole runs, opened and calculated in one transaction: raises InvalidInput,
    leaving nothing, if a cadre cannot be paid. Memory follows the group: its own inputs, whose
    fallback month summary spans only its runs' regions."""
    inputs = calculation.RunInputs(month=first, prefix=_common_prefix([r.prefix for r in group.regions]))
    runs = open_runs(actor=actor, regions=group.regions, month=first)
    written = calculate_runs(actor=actor, runs=runs, ranges=group.ranges, inputs=inputs, stop_at_first_problem=True)
    out.add(len(runs), written)


def _one_run(actor: User, region: Region, first: dt.date, out: ManyRuns) -> None:
    """A region's run opened and calculated alone (after its group was refused); a refusal is
    reported and leaves nothing."""
    try:
        with transaction.atomic():
            run = payrun_open(actor=actor, region_code=region.code, month=first)
            run = payrun_calculate(actor=actor, run_id=run.pk)
    except DomainError as exc:
        out.refused[region.code] = exc.text()
        return
    lines = PayLine.objects.filter(payslip__run=run).count()
    out.add(1, Written(run.payslip_count, lines, run.total))


def _common_prefix(codes: list[str]) -> str:
    """The longest code prefix all of the codes share (a region code prefix, digit by digit)."""
    first, last = min(codes), max(codes)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]
