"""The pay run's calculation at scale (WF-8, SPEC A6; issue #6): inputs read and payslips
written in chunks of villages, inside the one transaction `payrun_calculate` holds.

Memory is bounded by the chunk (about CHUNK_POSTS posts), not by the run: each chunk's inputs
are read in a fixed number of queries (posts, people, PS/VD history, and at a quarter's end the
grades and the locked month results), computed with the pure rules, and written before the
next chunk is read. On PostgreSQL payslips and lines are written with COPY, payslip ids taken
from the sequence in one query; elsewhere with bulk_create. A fault anywhere rolls the whole
transaction back, so a run is still all or nothing.

`compute_pay` is pure, so its result is memoised per (facts, policy): most cadres of a county
share their facts, and a national run computes and serialises a few thousand distinct
payslips, not a million.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Count, Field, Model, Q, QuerySet

from touyan.assessment.models import QuarterlyEvaluation
from touyan.attendance.models import MonthResult
from touyan.attendance.selectors import monthly_summary
from touyan.cadres import rules as cadre_rules
from touyan.cadres.models import EDUCATION_RANK, Person, Post
from touyan.core import copy as bulk_copy
from touyan.policy.selectors import ResolvedPolicy, policy_resolve_many
from touyan.regions.models import RegionStat

from . import rules
from .models import PayLine, Payslip

M = TypeVar("M", bound=Model)

CHUNK_POSTS = 20_000  # posts read per chunk (~16,000 cadres): bounds the memory of a national run
CODE_LENGTH = 12
COLLEGE = EDUCATION_RANK["college"]
MAIN_POST = {"one_shoulder": "PS", "PS": "PS", "VD": "VD"}
FALLBACK_PREFIX_TOWNSHIPS = 20  # more townships than this without month results: summarise the run's prefix


def with_ids(qs: QuerySet[M], field: str, ids: list[int]) -> QuerySet[M]:
    """qs where `field` is one of ids: on PostgreSQL one array parameter (`= ANY(%s)`) instead of
    one placeholder per id, which Django and psycopg would each prepare and split (a chunk has
    ~16,000 ids); `__in` elsewhere."""
    if connection.vendor != "postgresql":
        return qs.filter(**{f"{field}__in": ids})
    meta = qs.model._meta
    target = meta.get_field(field)
    assert isinstance(target, Field)
    column = target.column
    return qs.extra(where=[f'"{meta.db_table}"."{column}" = ANY(%s)'], params=[ids])  # noqa: S610 - model names


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def code_range(prefix: str) -> tuple[str, str]:
    """The 12-digit codes under a prefix as an inclusive range (an index range scan)."""
    return prefix.ljust(CODE_LENGTH, "0"), prefix.ljust(CODE_LENGTH, "9")


def _in_month(first: dt.date, last: dt.date) -> Q:
    return Q(start_date__lte=last) & (Q(end_date__isnull=True) | Q(end_date__gte=first))


def village_chunks(prefix: str, first: dt.date, last: dt.date, size: int | None = None) -> list[tuple[str, str]]:
    """Ranges of village codes under the prefix, each holding about `size` (CHUNK_POSTS) posts in
    the month (one grouped query); a village is never split."""
    size = size or CHUNK_POSTS
    lo, hi = code_range(prefix)
    counts = (
        Post.objects.filter(_in_month(first, last), village_id__gte=lo, village_id__lte=hi)
        .values("village_id")
        .annotate(n=Count("id"))
        .order_by("village_id")
        .values_list("village_id", "n")
    )
    chunks: list[tuple[str, str]] = []
    start: str | None = None
    held = 0
    previous = ""
    for village, n in counts:
        if start is None:
            start = village
        elif held + n > size:
            chunks.append((start, previous))
            start, held = village, 0
        held += n
        previous = village
    if start is not None:
        chunks.append((start, previous))
    return chunks


@dataclass
class Slip:
    """One payslip being built: its lines as (component, amount, basis)."""

    person_id: int
    village_id: str
    lines: list[tuple[str, Decimal, dict[str, Any]]] = field(default_factory=list)
    post_village: str = ""  # the village of the full-time post the slip is paid for (its run's region)
    run_id: int | None = None  # the run it is written into

    @property
    def total(self) -> Decimal:
        return sum((amount for _c, amount, _b in self.lines), Decimal(0))


class RunInputs:
    """Run-wide inputs read once or cached across chunks: county statistics, pay policies,
    memoised pure results, and month summaries computed for cadres without a stored result."""

    def __init__(self, *, month: dt.date, prefix: str) -> None:
        self.first, self.last = month_bounds(month)
        self.year, self.month = self.first.year, self.first.month
        self.prefix = prefix
        self.quarter_end = self.month in rules.QUARTER_END
        self.stats: dict[str, dict[int, RegionStat]] = {}
        # keyed by id(policy); the policy is kept alive with it, so that no later object reuses its id
        self.pay_policies: dict[int, tuple[ResolvedPolicy, rules.PayPolicy]] = {}
        self.computed: dict[tuple[rules.PayFacts, int], list[rules.Line]] = {}
        self.summaries: dict[tuple[str, int], dict[int, tuple[int, int]]] = {}

    def county_stats(self, counties: set[str]) -> None:
        wanted = counties - set(self.stats)
        for code in wanted:
            self.stats[code] = {}
        if wanted:
            for stat in RegionStat.objects.filter(region_id__in=wanted, year__lte=self.year):
                self.stats[stat.region_id][stat.year] = stat

    def pay_policy(self, policy: ResolvedPolicy) -> rules.PayPolicy:
        """The monthly-pay parameter group of a resolved policy, built once per policy."""
        held = self.pay_policies.get(id(policy))
        if held is None:
            held = self.pay_policies[id(policy)] = (policy, rules.PayPolicy.from_params(policy))
        return held[1]

    def pay(self, facts: rules.PayFacts, policy: ResolvedPolicy) -> list[rules.Line]:
        """compute_pay, memoised: it is pure, and a county's cadres mostly share their facts."""
        key = (facts, id(policy))
        lines = self.computed.get(key)
        if lines is None:
            lines = self.computed[key] = rules.compute_pay(facts, self.pay_policy(policy))
        return lines

    def fallback_attendance(self, missing: dict[int, str], months: list[int]) -> dict[int, tuple[int, int]]:
        """(present, required) over the quarter for cadres whose month results were not stored
        (a month locked before month results existed, or a cadre appointed after the lock):
        computed from presence, per township, as the attendance pages do."""
        townships = {village[:9] for village in missing.values()}
        prefixes = sorted(townships) if len(townships) <= FALLBACK_PREFIX_TOWNSHIPS else [self.prefix]
        out: dict[int, tuple[int, int]] = {}
        for m in months:
            for prefix in prefixes:
                summary = self.summaries.get((prefix, m))
                if summary is None:
                    summary = self.summaries[(prefix, m)] = {
                        row.person_id: (row.result.present_days, row.result.required_days)
                        for row in monthly_summary(prefix=prefix, year=self.year, month=m)
                    }
                for pid in missing:
                    if pid in summary:
                        present, required = out.get(pid, (0, 0))
                        out[pid] = (present + summary[pid][0], required + summary[pid][1])
        return out


def _quarter_facts(
    inputs: RunInputs, paid: list[int], people: dict[int, Any]
) -> tuple[dict[int, rules.QuarterFacts], int]:
    """The quarter's final grade (latest final version) and Σ present / Σ required over its
    months from the month results stored at the lock (A6.5). Returns the facts and how many
    cadres have no final grade."""
    q = inputs.month // 3
    grades: dict[int, str] = {}
    for pid, grade, _v in (
        with_ids(QuarterlyEvaluation.objects.all(), "person", paid)
        .filter(year=inputs.year, quarter=q, status="final")
        .order_by("person_id", "-version")
        .values_list("person_id", "grade", "version")
    ):
        grades.setdefault(pid, grade)
    months = [inputs.month - 2, inputs.month - 1, inputs.month]
    firsts = [dt.date(inputs.year, m, 1) for m in months]
    present: dict[int, int] = defaultdict(int)
    required: dict[int, int] = defaultdict(int)
    seen: dict[int, int] = defaultdict(int)
    for pid, p, r in (
        with_ids(MonthResult.objects.all(), "person", paid)
        .filter(month__in=firsts)
        .values_list("person_id", "present_days", "required_days")
    ):
        present[pid] += p
        required[pid] += r
        seen[pid] += 1
    missing = {pid: people[pid]["village_id"] for pid in paid if seen[pid] < len(months)}
    if missing:
        for pid, (p, r) in inputs.fallback_attendance(missing, months).items():
            present[pid], required[pid] = p, r
    facts = {pid: rules.QuarterFacts(grades[pid], present[pid], required[pid]) for pid in paid if pid in grades}
    return facts, sum(1 for pid in paid if pid not in grades)


@dataclass
class ChunkResult:
    slips: list[Slip]
    errors: list[str]
    ungraded: int
    policies: dict[str, ResolvedPolicy] = field(default_factory=dict)  # by the paid cadres' villages


@dataclass
class _ChunkRows:
    """What a chunk reads: each paid cadre's posts in the month, file and PS/VD history."""

    posts: dict[int, list[dict[str, Any]]]
    paid: list[int]
    people: dict[int, Any]  # id -> the file's values
    history: dict[int, list[cadre_rules.Span]]


def _read_chunk(inputs: RunInputs, lo: str, hi: str) -> _ChunkRows:
    by_person: dict[int, list[Any]] = defaultdict(list)
    for p in Post.objects.filter(_in_month(inputs.first, inputs.last), village_id__gte=lo, village_id__lte=hi).values(
        "person_id", "post", "full_time", "professionalized", "tier", "start_date", "end_date", "village_id"
    ):
        by_person[p["person_id"]].append(p)
    paid = sorted(pid for pid, posts in by_person.items() if any(p["full_time"] for p in posts))
    if not paid:
        return _ChunkRows(by_person, [], {}, {})
    people = {
        p["id"]: p
        for p in with_ids(Person.objects.all(), "id", paid).values(
            "id", "village_id", "birth_date", "education", "full_time_education"
        )
    }
    history: dict[int, list[cadre_rules.Span]] = defaultdict(list)
    for pid, code, start, end in (
        with_ids(Post.objects.all(), "person", paid)
        .filter(post__in=["PS", "VD"])
        .values_list("person_id", "post", "start_date", "end_date")
    ):
        history[pid].append(cadre_rules.Span(code, start, end))
    return _ChunkRows(by_person, paid, people, history)


def _county_of(village: str) -> str:
    return village[:6].ljust(CODE_LENGTH, "0")


def calculate_chunk(inputs: RunInputs, lo: str, hi: str) -> ChunkResult:
    """Every full-time cadre's payslip in the villages lo…hi (SPEC A6), in a fixed number of queries."""
    rows = _read_chunk(inputs, lo, hi)
    if not rows.paid:
        return ChunkResult([], [], 0)
    inputs.county_stats({_county_of(rows.people[pid]["village_id"]) for pid in rows.paid})
    policies = policy_resolve_many(list({rows.people[pid]["village_id"] for pid in rows.paid}), inputs.last)
    quarter: dict[int, rules.QuarterFacts] = {}
    if inputs.quarter_end:
        quarter, ungraded = _quarter_facts(inputs, rows.paid, rows.people)
        if ungraded:
            return ChunkResult([], [], ungraded, policies)
    slips: list[Slip] = []
    errors: list[str] = []
    for pid in rows.paid:
        person, posts = rows.people[pid], rows.posts[pid]
        policy = policies[person["village_id"]]
        facts = _pay_facts(inputs, person, posts, rows.history[pid], inputs.pay_policy(policy), quarter.get(pid))
        try:
            lines = inputs.pay(facts, policy)
        except rules.PayError as exc:
            errors.append(f"{pid}: {exc}")
            continue
        post_village = next(p["village_id"] for p in posts if p["full_time"])
        slips.append(Slip(pid, person["village_id"], [(x.component, x.amount, x.basis) for x in lines], post_village))
    return ChunkResult(slips, errors, 0, policies)


def _pay_facts(
    inputs: RunInputs,
    person: dict[str, Any],
    posts: list[dict[str, Any]],
    history: list[cadre_rules.Span],
    policy: rules.PayPolicy,
    quarter: rules.QuarterFacts | None,
) -> rules.PayFacts:
    """A cadre's facts for compute_pay: the pay post, consecutive terms (A6.3), the professionalised
    secretary's tier (A6.6), young professional (A6.8), and the county's statistics of last year."""
    pay_post = cadre_rules.pay_post([p["post"] for p in posts]) or "deputy"
    main = MAIN_POST.get(pay_post)
    terms = 0
    if main:
        current = next(p for p in posts if p["post"] == main)
        span = cadre_rules.Span(main, current["start_date"], current["end_date"])
        terms = cadre_rules.consecutive_terms(history, span, policy.term_gap_days)
    secretary = next((p for p in posts if p["post"] == "PS" and p["professionalized"]), None)
    young = (
        main is None
        and any(p["professionalized"] for p in posts)
        and cadre_rules.age_on(person["birth_date"], inputs.first) < policy.young_age_max
    )
    county_stats = inputs.stats.get(_county_of(person["village_id"]), {})
    income = county_stats.get(inputs.year - 1)
    staff = (county_stats[y].ref_new_staff_monthly for y in sorted(county_stats, reverse=True))
    college = person["full_time_education"] and EDUCATION_RANK[person["education"]] >= COLLEGE
    return rules.PayFacts(
        year=inputs.year,
        month=inputs.month,
        pay_post=pay_post,
        income_ref=income.rural_income_per_capita if income else None,
        consecutive_terms=terms,
        professionalized_secretary=secretary is not None,
        tier=secretary["tier"] if secretary else None,
        young_professional=young,
        full_time_college=college,
        ref_new_staff_monthly=next((s for s in staff if s is not None), None),
        quarter=quarter,
    )


def run_chunks(inputs: RunInputs) -> Iterator[ChunkResult]:
    for lo, hi in village_chunks(inputs.prefix, inputs.first, inputs.last):
        yield calculate_chunk(inputs, lo, hi)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


class SlipWriter:
    """Writes payslips and their lines, of one run or many, through the one bulk writer
    (`core.copy`: COPY on PostgreSQL, bulk INSERT elsewhere), and counts them per run. The JSON
    of a basis is serialised once per distinct dict (bases are shared by memoised results)."""

    def __init__(self, run_id: int | None = None) -> None:
        self.run_id = run_id  # the run of slips that do not name theirs
        self.postgres = bulk_copy.is_postgres()
        self._json: dict[int, tuple[dict[str, Any], str]] = {}
        self.payslips = 0
        self.lines = 0
        self.total = Decimal(0)
        self.per_run: dict[int, list[Any]] = {}  # run id -> [payslips, lines, total]

    def delete_existing(self, run_ids: list[int] | None = None) -> None:
        """A recalculation replaces the runs' payslips (set-based on PostgreSQL)."""
        ids = run_ids if run_ids is not None else [self.run_id]
        if not ids:
            return
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {PayLine._meta.db_table} WHERE payslip_id IN "  # noqa: S608 - model tables
                    f"(SELECT id FROM {Payslip._meta.db_table} WHERE run_id = ANY(%s))",
                    [ids],
                )
                cursor.execute(f"DELETE FROM {Payslip._meta.db_table} WHERE run_id = ANY(%s)", [ids])  # noqa: S608
        else:
            Payslip.objects.filter(run_id__in=ids).delete()

    def _basis_json(self, basis: dict[str, Any]) -> str:
        cached = self._json.get(id(basis))
        if cached is None or cached[0] is not basis:
            text = bulk_copy.escape(json.dumps(basis, ensure_ascii=False, separators=(",", ":"), default=str))
            cached = self._json[id(basis)] = (basis, text)
        return cached[1]

    def write(self, slips: list[Slip], run_ids: list[int] | None = None) -> None:
        """Write the slips: `run_ids[i]` is slip i's run, else the slip's own `run_id`, else the writer's."""
        if not slips:
            return
        if run_ids is None:
            run_ids = [s.run_id or self.run_id or 0 for s in slips]
        totals = [s.total for s in slips]
        self.payslips += len(slips)
        self.lines += sum(len(s.lines) for s in slips)
        self.total += sum(totals, Decimal(0))
        for run_id, slip, total in zip(run_ids, slips, totals, strict=True):
            tally = self.per_run.get(run_id)
            if tally is None:
                tally = self.per_run[run_id] = [0, 0, Decimal(0)]
            tally[0] += 1
            tally[1] += len(slip.lines)
            tally[2] += total
        if self.postgres:
            self._copy(slips, totals, run_ids)
        else:
            self._insert(slips, totals, run_ids)

    def _insert(self, slips: list[Slip], totals: list[Decimal], run_ids: list[int]) -> None:
        rows = [
            {"run_id": r, "person_id": s.person_id, "village_id": s.village_id, "total": t}
            for s, t, r in zip(slips, totals, run_ids, strict=True)
        ]
        bulk_copy.insert_rows(Payslip, rows)
        lines = [
            {"payslip_id": row["id"], "component": c, "amount": a, "basis": b}
            for row, s in zip(rows, slips, strict=True)
            for c, a, b in s.lines
        ]
        bulk_copy.insert_rows(PayLine, lines)

    def _copy(self, slips: list[Slip], totals: list[Decimal], run_ids: list[int]) -> None:
        """COPY text built here, not adapted value by value: the national run writes ~1.2M lines."""
        ids = bulk_copy.reserve_ids(Payslip, len(slips))
        slip_rows = "".join(
            f"{i}\t{r}\t{s.person_id}\t{s.village_id}\t{t}\n"
            for i, s, t, r in zip(ids, slips, totals, run_ids, strict=True)
        )
        bulk_copy.copy_text(Payslip._meta.db_table, ("id", "run_id", "person_id", "village_id", "total"), slip_rows)
        basis_json = self._basis_json
        line_rows = "".join(
            f"{i}\t{c}\t{a}\t{basis_json(b)}\n" for i, s in zip(ids, slips, strict=True) for c, a, b in s.lines
        )
        bulk_copy.copy_text(PayLine._meta.db_table, ("payslip_id", "component", "amount", "basis"), line_rows)
