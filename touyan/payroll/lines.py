"""The kinds of payslip line that are not the monthly pay (SPEC A6) — one place to add one.

A pay run's calculation (services.runs) asks every registered source, in order, for the lines
of the villages lo…hi in the run's month and adds each to its person's payslip (a payslip of
its own when the person has no monthly pay). Today: approved departure allowances (R-PAY-10)
and adjustments — corrections and approved one-off payments (R-PAY-08/09/11, WF-8: corrections
go into the next run). A new kind (say a certificate allowance, R-TRN-03) is one `register`
call with its source and the names of its components, which the payslip, the summary workbook
and the run page then show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from touyan.core.money import to_fen
from touyan.training.selectors import certificate_allowances

from .models import Adjustment
from .selectors.benefits import departure_lines_between


@dataclass(frozen=True)
class ExtraLine:
    """One line for one person's payslip of the run whose region holds `village_id`."""

    person_id: int
    village_id: str
    component: str
    amount: Decimal
    basis: dict[str, Any]
    adjustment_id: int | None = None  # an Adjustment this line pays (marked as paid by the run)


# (month's first day, lowest village code, highest village code, the runs being calculated)
LineSource = Callable[[dt.date, str, str, Sequence[int]], Iterable[ExtraLine]]


@dataclass(frozen=True)
class LineKind:
    source: LineSource
    labels: dict[str, str | Promise]  # component -> name on the payslip


KINDS: list[LineKind] = []


def register(source: LineSource, labels: dict[str, str | Promise]) -> None:
    """Add a kind of line to every pay run from now on (idempotent)."""
    if all(kind.source is not source for kind in KINDS):
        KINDS.append(LineKind(source, labels))


def labels() -> dict[str, str | Promise]:
    return {component: label for kind in KINDS for component, label in kind.labels.items()}


def extra_lines(month: dt.date, lo: str, hi: str, run_ids: Sequence[int]) -> list[ExtraLine]:
    """Every registered kind's lines for the villages lo…hi, in registration order."""
    return [line for kind in KINDS for line in kind.source(month, lo, hi, run_ids)]


def departure_lines(month: dt.date, lo: str, hi: str, run_ids: Sequence[int]) -> list[ExtraLine]:
    """R-PAY-10: a former cadre's approved allowance, each month from its start until it stops."""
    return [
        ExtraLine(d.person_id, d.village_id, "departure", d.amount, d.basis)
        for d in departure_lines_between(month, lo, hi)
    ]


def adjustment_lines(month: dt.date, lo: str, hi: str, run_ids: Sequence[int]) -> list[ExtraLine]:
    """Adjustments not yet paid (or paid by these runs, which are being recalculated), locked until
    the run commits: each is paid once."""
    rows = (
        Adjustment.objects.select_for_update()
        .filter(village_id__gte=lo, village_id__lte=hi)
        .filter(Q(run__isnull=True) | Q(run_id__in=list(run_ids)))
        .order_by("id")
    )
    return [
        ExtraLine(
            adj.person_id,
            adj.village_id,
            "adjustment" if adj.kind == Adjustment.Kind.CORRECTION else adj.kind,
            to_fen(adj.amount),
            {"adjustment": adj.pk, "reason": adj.reason},
            adjustment_id=adj.pk,
        )
        for adj in rows
    ]


register(departure_lines, {"departure": _("离任生活补贴")})
register(
    adjustment_lines,
    {
        "reward": _("集体经济发展奖励"),
        "honour": _("表彰奖励"),
        "condolence": _("慰问金"),
        "adjustment": _("更正"),
    },
)


def certificate_lines(month: dt.date, lo: str, hi: str, run_ids: Sequence[int]) -> list[ExtraLine]:
    """R-TRN-03: a cadre holding a valid social-worker certificate in the month gets its monthly
    allowance (`certificate_allowance_<kind>`, 0 = no line; training.selectors)."""
    return [
        ExtraLine(pid, village, "certificate_allowance", amount, basis)
        for pid, village, _kind, amount, basis in certificate_allowances(month, lo, hi)
    ]


register(certificate_lines, {"certificate_allowance": _("社工证书津贴")})
