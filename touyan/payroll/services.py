"""Pay runs (WF-8): open, calculate set-based, approve, pay, close (SPEC A6, R-PAY-01…07).

Calculation reads every input in a fixed number of queries, computes each
payslip with the pure rules, and writes all lines in one transaction: a fault
halfway leaves nothing, and running it again pays every cadre exactly once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.scope import require, scope_filter
from touyan.assessment.models import QuarterlyEvaluation
from touyan.attendance.models import MonthLock
from touyan.attendance.selectors import monthly_summary
from touyan.audit.services import audit_record
from touyan.cadres import rules as cadre_rules
from touyan.cadres.models import EDUCATION_RANK, Person, Post
from touyan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from touyan.core.money import to_fen
from touyan.policy.selectors import policy_resolve_many
from touyan.regions import rules as region_rules
from touyan.regions.models import Region, RegionStat
from touyan.regions.selectors import access_region

from . import rules
from .benefits import departure_lines_for_run
from .models import Adjustment, PayLine, PayRun, PayrunStep, Payslip

S = PayRun.State
COLLEGE = EDUCATION_RANK["college"]


def _month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


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


def _gather(run: PayRun) -> tuple[list[tuple[int, str, rules.PayFacts]], tuple[int, ...]]:
    """Every input of the run in a fixed number of queries, as pure facts."""
    first, last = _month_bounds(run.month)
    prefix = run.region.prefix
    month_posts = list(
        Post.objects.filter(village__code__startswith=prefix, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values("person_id", "post", "full_time", "professionalized", "tier", "start_date", "end_date")
    )
    by_person: dict[int, list[Any]] = defaultdict(list)
    for p in month_posts:
        by_person[p["person_id"]].append(p)
    paid = [pid for pid, posts in by_person.items() if any(p["full_time"] for p in posts)]
    if not paid:
        return [], ()
    people = {p["id"]: p for p in Person.objects.filter(pk__in=paid).values(
        "id", "village_id", "birth_date", "education", "full_time_education")}  # fmt: skip
    history: dict[int, list[cadre_rules.Span]] = defaultdict(list)
    for pid, code, start, end in Post.objects.filter(person_id__in=paid, post__in=["PS", "VD"]).values_list(
        "person_id", "post", "start_date", "end_date"
    ):
        history[pid].append(cadre_rules.Span(code, start, end))
    counties = {people[pid]["village_id"][:6].ljust(12, "0") for pid in paid}
    stats: dict[str, dict[int, RegionStat]] = defaultdict(dict)
    for stat in RegionStat.objects.filter(region_id__in=counties, year__lte=run.month.year):
        stats[stat.region_id][stat.year] = stat
    policies = policy_resolve_many(list({people[pid]["village_id"] for pid in paid}), last)
    quarter: dict[int, rules.QuarterFacts] = {}
    if run.month.month in rules.QUARTER_END:
        q = run.month.month // 3
        grades: dict[int, str] = {}
        for pid, grade_, _v in (
            QuarterlyEvaluation.objects.filter(person_id__in=paid, year=run.month.year, quarter=q, status="final")
            .order_by("person_id", "-version")
            .values_list("person_id", "grade", "version")
        ):
            grades.setdefault(pid, grade_)
        missing = [pid for pid in paid if pid not in grades]
        if missing:
            raise InvalidInput(
                errors={
                    "quarter": _("第 %(q)s 季度还有 %(n)s 名干部的考核评价未定稿,不能计算绩效报酬")
                    % {"q": q, "n": len(missing)}
                }
            )
        present: dict[int, int] = defaultdict(int)
        required: dict[int, int] = defaultdict(int)
        for m in range(run.month.month - 2, run.month.month + 1):
            for row in monthly_summary(prefix=prefix, year=run.month.year, month=m):
                present[row.person_id] += row.result.present_days
                required[row.person_id] += row.result.required_days
        quarter = {pid: rules.QuarterFacts(grades[pid], present[pid], required[pid]) for pid in paid}
    out: list[tuple[int, str, rules.PayFacts]] = []
    documents: set[int] = set()
    for pid in sorted(paid):
        person = people[pid]
        posts = by_person[pid]
        codes = [p["post"] for p in posts]
        pay_post = cadre_rules.pay_post(codes) or "deputy"
        policy = policies[person["village_id"]]
        documents.update(policy.documents)
        main = {"one_shoulder": "PS", "PS": "PS", "VD": "VD"}.get(pay_post)
        terms = 0
        if main:
            current = next(p for p in posts if p["post"] == main)
            terms = cadre_rules.consecutive_terms(
                history[pid],
                cadre_rules.Span(main, current["start_date"], current["end_date"]),
                policy["term_gap_days"],
            )
        secretary = next((p for p in posts if p["post"] == "PS" and p["professionalized"]), None)
        young = (
            main is None
            and any(p["professionalized"] for p in posts)
            and cadre_rules.age_on(person["birth_date"], first) < policy["young_age_max"]
        )
        county_stats = stats.get(person["village_id"][:6].ljust(12, "0"), {})
        income = county_stats.get(run.month.year - 1)
        ref_staff = next((county_stats[y].ref_new_staff_monthly for y in sorted(county_stats, reverse=True)
                          if county_stats[y].ref_new_staff_monthly is not None), None)  # fmt: skip
        out.append((pid, person["village_id"], rules.PayFacts(
            year=run.month.year, month=run.month.month, pay_post=pay_post,
            income_ref=income.rural_income_per_capita if income else None, consecutive_terms=terms,
            professionalized_secretary=secretary is not None, tier=secretary["tier"] if secretary else None,
            young_professional=young,
            full_time_college=person["full_time_education"] and EDUCATION_RANK[person["education"]] >= COLLEGE,
            ref_new_staff_monthly=ref_staff, quarter=quarter.get(pid),
        )))  # fmt: skip
    return out, tuple(sorted(documents))


@transaction.atomic
def payrun_calculate(*, actor: Any, run_id: int) -> PayRun:
    """Compute every payslip of the run (SPEC A6). The run's row lock makes two
    concurrent calculations run one after the other and give one result."""
    require(actor, account_rules.CADRES_WRITE)
    run = access_run(actor=actor, run_id=run_id, for_update=True)
    if run.state not in (S.OPEN, S.CALCULATED):
        raise Conflict(_("该批次已进入审批或发放,不能重新计算"), field="state")
    facts, documents = _gather(run)
    policies = policy_resolve_many(list({v for _p, v, _f in facts}), _month_bounds(run.month)[1])
    adjustments = list(
        Adjustment.objects.select_for_update().filter(village__code__startswith=run.region.prefix)
        .filter(Q(run__isnull=True) | Q(run=run))
    )  # fmt: skip
    errors: dict[str, list[str]] = {}
    slips: list[tuple[Payslip, list[PayLine]]] = []
    for pid, village, f in facts:
        try:
            computed = rules.compute_pay(f, rules.PayPolicy.from_params(policies[village]))
        except rules.PayError as exc:
            errors.setdefault("cadres", []).append(f"{pid}: {exc}")
            continue
        slip = Payslip(run=run, person_id=pid, village_id=village, total=Decimal(0))
        slips.append((slip, [PayLine(payslip=slip, component=x.component, amount=x.amount, basis=x.basis)
                             for x in computed]))  # fmt: skip
    if errors:
        raise InvalidInput(errors={"cadres": errors["cadres"][:20]})
    by_person = {s.person_id: (s, lines) for s, lines in slips}
    for dl in departure_lines_for_run(run):  # R-PAY-10: former cadres' monthly allowance
        if dl.person_id not in by_person:
            slip = Payslip(run=run, person_id=dl.person_id, village_id=dl.village_id, total=Decimal(0))
            by_person[dl.person_id] = (slip, [])
            slips.append(by_person[dl.person_id])
        slip, lines = by_person[dl.person_id]
        lines.append(PayLine(payslip=slip, component="departure", amount=dl.amount, basis=dl.basis))
    for adj in adjustments:
        if adj.person_id not in by_person:
            slip = Payslip(run=run, person_id=adj.person_id, village_id=adj.village_id, total=Decimal(0))
            by_person[adj.person_id] = (slip, [])
            slips.append(by_person[adj.person_id])
        slip, lines = by_person[adj.person_id]
        component = "adjustment" if adj.kind == Adjustment.Kind.CORRECTION else adj.kind
        lines.append(PayLine(payslip=slip, component=component, amount=to_fen(adj.amount),
                             basis={"adjustment": adj.pk, "reason": adj.reason}))  # fmt: skip
    Payslip.objects.filter(run=run).delete()
    for slip, lines in slips:
        slip.total = sum((line.amount for line in lines), Decimal(0))
    Payslip.objects.bulk_create([s for s, _l in slips], batch_size=2000)
    PayLine.objects.bulk_create([line for _s, lines in slips for line in lines], batch_size=5000)
    Adjustment.objects.filter(pk__in=[a.pk for a in adjustments]).update(run=run)
    old = (run.state, str(run.total))
    run.total = sum((s.total for s, _l in slips), Decimal(0))
    run.payslip_count = len(slips)
    run.state, run.calculated_at, run.calculated_by = S.CALCULATED, timezone.now(), actor
    run.policy_documents = list(documents)
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
