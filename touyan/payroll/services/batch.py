"""Opening and calculating pay runs, set-based: the one implementation behind a single run
(`payrun_open`, `payrun_calculate`: the one-run case) and many at once
(`payruns_open_and_calculate_many`).

`open_runs` creates runs with their first step and audit events in a fixed number of queries.
`calculate_runs` computes every payslip of some runs (SPEC A6), chunk by chunk (calculation.py),
in the caller's transaction: it checks the flow's "calculate" step for each run, adds the lines
that are not monthly pay (lines.py: departure allowances, adjustments, any registered kind),
writes payslips and lines through one writer, sets the runs' totals and state, and records the
steps and audit events — a fault anywhere leaves nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Model, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.audit.services import audit_record_many
from touyan.core.errors import InvalidInput
from touyan.core.money import to_fen
from touyan.regions.models import Region

from .. import calculation, lines
from ..actions import PayrollAction
from ..flows import PAYRUN
from ..models import Adjustment, PayRun, PayrunStep

if TYPE_CHECKING:
    from touyan.accounts.models import User

S = PayRun.State
CALCULATE = PAYRUN.get("calculate")


def open_runs(*, actor: User, regions: Sequence[Region], month: dt.date) -> list[PayRun]:
    """WF-8: the month's runs of these regions, opened (state open), each with its step and its
    audit event; one INSERT each. The caller has checked the regions (payrun_open, the batch)."""
    runs = PayRun.objects.bulk_create([PayRun(region=r, month=month, created_by=actor, state=S.OPEN) for r in regions])
    PayrunStep.objects.bulk_create([PayrunStep(run=run, state=S.OPEN, actor=actor) for run in runs])
    audit_record_many(
        actor=actor,
        action=PayrollAction.RUN_OPEN,
        records=[(run, run.region_id, {"month": [None, month.strftime("%Y-%m")]}) for run in runs],
    )
    return runs


@dataclass
class Written:
    """What calculate_runs wrote, over all its runs."""

    payslips: int = 0
    lines: int = 0
    total: Decimal = Decimal(0)


@dataclass
class _Extras:
    """The lines that are not monthly pay, by (run, person), and the adjustments they pay, by run."""

    slips: dict[tuple[int, int], calculation.Slip] = field(default_factory=dict)
    adjustments: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))


class _RunOf:
    """The run of a village: its county's, or its township's where the run is the township's."""

    def __init__(self, runs: Sequence[PayRun]) -> None:
        self.by_prefix = {run.region.prefix: run for run in runs}

    def __call__(self, village: str) -> PayRun | None:
        return self.by_prefix.get(village[:6]) or self.by_prefix.get(village[:9])


def _extras(runs: Sequence[PayRun], run_of: _RunOf, month: dt.date) -> _Extras:
    lo = min(calculation.code_range(run.region.prefix)[0] for run in runs)
    hi = max(calculation.code_range(run.region.prefix)[1] for run in runs)
    out = _Extras()
    for line in lines.extra_lines(month, lo, hi, [run.pk for run in runs]):
        run = run_of(line.village_id)
        if run is None:
            continue
        key = (run.pk, line.person_id)
        slip = out.slips.get(key)
        if slip is None:
            slip = out.slips[key] = calculation.Slip(line.person_id, line.village_id, run_id=run.pk)
        slip.lines.append((line.component, line.amount, line.basis))
        if line.adjustment_id is not None:
            out.adjustments[run.pk].append(line.adjustment_id)
    return out


def _refused(runs: Sequence[PayRun], ungraded: int, errors: list[str]) -> InvalidInput:
    if ungraded:
        message = _("第 %(q)s 季度还有 %(n)s 名干部的考核评价未定稿,不能计算绩效报酬")
        return InvalidInput(errors={"quarter": message % {"q": runs[0].month.month // 3, "n": ungraded}})
    return InvalidInput(errors={"cadres": errors[:20]})


def calculate_runs(
    *,
    actor: User,
    runs: Sequence[PayRun],
    ranges: Sequence[tuple[str, str]],
    inputs: calculation.RunInputs,
    stop_at_first_problem: bool = False,
) -> Written:
    """Compute and write every payslip of the runs (of one month), reading the villages in
    `ranges` chunk by chunk; the runs are locked by the caller, in its transaction. Raises
    InvalidInput (nothing written that the caller's rollback would keep) when a cadre cannot be
    paid: how many have no final grade, or the first 20 rule errors."""
    for run in runs:
        problem = PAYRUN.refusal(actor, run, CALCULATE.name)
        if problem is not None:
            raise problem
    run_of = _RunOf(runs)
    extras = _extras(runs, run_of, inputs.first)
    writer = calculation.SlipWriter()
    writer.delete_existing([run.pk for run in runs if run.state == S.CALCULATED])  # an open run has none
    documents: dict[int, set[int]] = defaultdict(set)
    errors: list[str] = []
    ungraded = 0
    for lo, hi in ranges:
        chunk = calculation.calculate_chunk(inputs, lo, hi)
        errors += chunk.errors
        ungraded += chunk.ungraded
        if errors or ungraded:
            if stop_at_first_problem:
                break
            continue  # keep counting what is missing; nothing will be kept
        writer.write(_assign(chunk, run_of, extras, documents))
    if errors or ungraded:
        raise _refused(runs, ungraded, errors)
    writer.write([slip for _key, slip in sorted(extras.slips.items())])  # former cadres, people paid only extras
    _mark_paid(extras.adjustments)
    _finish(actor, runs, writer, documents)
    return Written(writer.payslips, writer.lines, writer.total)


def _assign(
    chunk: calculation.ChunkResult, run_of: _RunOf, extras: _Extras, documents: dict[int, set[int]]
) -> list[calculation.Slip]:
    """The chunk's payslips of these runs, each with its run and its other lines."""
    slips: list[calculation.Slip] = []
    for slip in chunk.slips:
        run = run_of(slip.post_village)
        if run is None:
            continue
        more = extras.slips.pop((run.pk, slip.person_id), None)
        if more is not None:
            slip.lines = [*slip.lines, *more.lines]
        slip.run_id = run.pk
        documents[run.pk].update(chunk.policies[slip.village_id].documents)
        slips.append(slip)
    return slips


def _mark_paid(adjustments: dict[int, list[int]]) -> None:
    if adjustments:
        Adjustment.objects.filter(pk__in=[a for ids in adjustments.values() for a in ids]).update(
            run_id=Case(*[When(pk__in=ids, then=Value(run_id)) for run_id, ids in adjustments.items()])
        )


def _finish(
    actor: User, runs: Sequence[PayRun], writer: calculation.SlipWriter, documents: dict[int, set[int]]
) -> None:
    """The runs' totals, counts, state and documents (one UPDATE), steps and audit events."""
    now = timezone.now()
    records: list[tuple[Model, str, dict[str, Any]]] = []
    for run in runs:
        count, n_lines, total = writer.per_run.get(run.pk, (0, 0, Decimal(0)))
        changes = {
            "state": [run.state, CALCULATE.target],
            "total": [str(to_fen(Decimal(run.total))), str(total)],
            "payslips": [None, count],
            "lines": [None, n_lines],
        }
        records.append((run, run.region_id, changes))
        run.total, run.payslip_count = total, count
        run.state, run.calculated_at, run.calculated_by = CALCULATE.target, now, actor
        run.policy_documents = sorted(documents[run.pk])
    fields = ["total", "payslip_count", "state", "calculated_at", "calculated_by", "policy_documents"]
    PayRun.objects.bulk_update(runs, fields)
    PayrunStep.objects.bulk_create([PayrunStep(run=run, state=CALCULATE.target, actor=actor) for run in runs])
    audit_record_many(actor=actor, action=PAYRUN.action(CALCULATE.name), records=records)
