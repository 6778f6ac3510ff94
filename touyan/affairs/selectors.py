"""Scoped reads of village affairs; `access_*` return one object or raise NotFound.

Who sees what: officials (county admin, township officer, liaison) everything of the villages in
their region; a village cadre their own village's decisions, spending, items and objections, and
the supervision records about themselves; other roles nothing. The public reads (`public_*`) need
no login and show published items only (R-OPEN-03, R-DATA-05).

Also here: the small read of payroll this app needs (a pay run's village notice, names and amounts
only) and `closed_decision_for`, the check payroll's collective-economy reward calls (R-PAY-08).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _
from zhconv import convert

from touyan.accounts.models import Role
from touyan.accounts.rules import is_village_cadre
from touyan.accounts.scope import scope_filter
from touyan.cadres.models import Person, PostCode
from touyan.core.errors import NotFound
from touyan.core.scoped import every_row
from touyan.regions import rules as region_rules
from touyan.regions.models import Region

from . import relations, rules
from .models import Decision, DecisionStep, DisclosureItem, Expenditure, Objection, SupervisionRecord

M = TypeVar("M", bound=Model)


def _scoped(qs: QuerySet[M], actor: Any, field: str = "village__code") -> QuerySet[M]:
    """Officials: their region. A village cadre: their own village. Anyone else: nothing."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return qs.none()
    if actor.is_superuser:
        return every_row(qs)
    if actor.role == Role.CADRE:
        village = actor.region_id
        if not village or not relations.is_village_cadre(actor, village):
            return qs.none()
        return qs.filter(**{field.replace("__code", "_id"): village})
    if actor.role in (Role.ADMIN, Role.TOWNSHIP_OFFICER, Role.LIAISON):
        return scope_filter(qs, actor, field)
    return qs.none()


def _one(qs: QuerySet[M], pk: int, message: str) -> M:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound(message)
    return obj


def access_village(*, actor: Any, code: str) -> Region:
    """A village the actor works on (officials: in their region; a cadre: their own village)."""
    try:
        full = region_rules.normalize_code(code)
    except region_rules.BadCode as exc:
        raise NotFound(str(exc)) from exc
    region = _scoped(Region.objects.filter(level=region_rules.VILLAGE), actor, "code").filter(code=full).first()
    if region is None:
        raise NotFound(_("未找到该村(社区),或不在您的管辖范围内"))
    return region


def villages_in_scope(*, actor: Any) -> QuerySet[Region]:
    return _scoped(Region.objects.filter(level=region_rules.VILLAGE), actor, "code").order_by("code")


# --- decisions ---------------------------------------------------------------------------------------


def decisions_in_scope(*, actor: Any) -> QuerySet[Decision]:
    return _scoped(Decision.objects.select_related("village", "village__parent"), actor)


def access_decision(*, actor: Any, decision_id: int) -> Decision:
    return _one(decisions_in_scope(actor=actor), decision_id, _("未找到该事项,或不在您的管辖范围内"))


def current_steps(decision: Decision) -> dict[int, DecisionStep]:
    """The steps of the decision's current round, by number."""
    return {s.step: s for s in decision.steps.filter(round=decision.round).select_related("sc_signed_by")}


@dataclass(frozen=True)
class DecisionRef:
    id: int
    ref: str
    village: str
    title: str
    category: str
    amount: Decimal | None
    closed_at: dt.datetime | None


def closed_decision_for(*, village_code: str, ref: str, category: str | None = None) -> DecisionRef | None:
    """R-PAY-08 hook: the village's closed 四议两公开 decision with this number (or id), or None.

    Payroll's collective-economy reward calls it (through the hook payroll offers) before a reward
    may be proposed: `category` "collective_reward" asks for a decision on distributing collective
    income. A decision of another village, or one not closed, is None."""
    text = (ref or "").strip()
    if not text:
        return None
    qs = Decision.objects.filter(village_id=village_code, state=Decision.State.CLOSED)
    if category:
        qs = qs.filter(category=category)
    found = qs.filter(Q(ref=text) | Q(pk=int(text)) if text.isdigit() else Q(ref=text)).first()
    if found is None:
        return None
    return DecisionRef(
        found.pk, found.ref, found.village_id, found.title, found.category, found.amount, found.closed_at
    )


# --- spending, items, objections, supervision ----------------------------------------------------------


def expenditures_in_scope(*, actor: Any) -> QuerySet[Expenditure]:
    return _scoped(Expenditure.objects.select_related("village", "village__parent", "decision"), actor)


def access_expenditure(*, actor: Any, expenditure_id: int) -> Expenditure:
    return _one(expenditures_in_scope(actor=actor), expenditure_id, _("未找到该笔支出,或不在您的管辖范围内"))


def items_in_scope(*, actor: Any) -> QuerySet[DisclosureItem]:
    return _scoped(DisclosureItem.objects.select_related("village", "village__parent"), actor)


def access_item(*, actor: Any, item_id: int) -> DisclosureItem:
    return _one(items_in_scope(actor=actor), item_id, _("未找到该公开事项,或不在您的管辖范围内"))


def objections_in_scope(*, actor: Any) -> QuerySet[Objection]:
    return _scoped(Objection.objects.select_related("village", "village__parent", "item"), actor)


def access_objection(*, actor: Any, objection_id: int) -> Objection:
    return _one(objections_in_scope(actor=actor), objection_id, _("未找到该异议,或不在您的管辖范围内"))


def supervision_in_scope(*, actor: Any) -> QuerySet[SupervisionRecord]:
    """Officials: their region (the county sees every township's); a cadre: the records about them."""
    qs = SupervisionRecord.objects.select_related("person", "village", "recorded_by")
    if is_village_cadre(actor):
        return qs.filter(person_id=actor.cadre_id) if actor.cadre_id else qs.none()
    return _scoped(qs, actor)


def catalogue_for(policy: Any) -> dict[str, Any]:
    """The region's disclosure catalogue by code (R-OPEN-04)."""
    return {e.code: e for e in policy["disclosure_catalogue"]}


@dataclass(frozen=True)
class DueItem:
    village: Region
    code: str
    title: str
    period: str
    deadline: dt.date
    overdue: bool


def disclosures_due(*, villages: list[Region], policies: dict[str, Any], today: dt.date) -> list[DueItem]:
    """R-OPEN-01/02: for each village and each periodic catalogue item, the last closed period that
    has no published item yet, with its deadline (overdue when past). Two queries."""
    wanted: dict[tuple[str, str, str], tuple[Region, Any, rules.Period]] = {}
    for v in villages:
        p = policies[v.code]
        for entry in p["disclosure_catalogue"]:
            schedule = rules.effective_schedule(
                entry.schedule, finance_period=p["finance_period"], party_period=p["party_affairs_period"]
            )
            period = rules.last_closed_period(schedule, today)
            if period is not None:
                wanted[v.code, entry.code, period.code] = (v, entry, period)
    if not wanted:
        return []
    periods = {k[2] for k in wanted}
    done = set(
        DisclosureItem.objects.filter(
            village_id__in=[v.code for v in villages], state=DisclosureItem.State.PUBLISHED, period__in=periods
        ).values_list("village_id", "item_code", "period")
    )
    out = []
    for key, (v, entry, period) in wanted.items():
        if key in done:
            continue
        deadline = rules.disclosure_deadline(period, policies[v.code]["quarter_disclosure_day"])
        out.append(DueItem(v, entry.code, entry.title, period.code, deadline, today > deadline))
    return sorted(out, key=lambda d: (not d.overdue, d.deadline, d.village.code, d.code))


# --- the public page (云公开): no login, published items only ---------------------------------------------


def public_village(code: str) -> Region:
    """A village or community by its 12-digit code (or the code without trailing zeros), or NotFound."""
    try:
        full = region_rules.normalize_code(code)
    except region_rules.BadCode as exc:
        raise NotFound(_("未找到该村(社区)")) from exc
    region = Region.objects.select_related("parent", "parent__parent").filter(code=full, level="village").first()
    if region is None:
        raise NotFound(_("未找到该村(社区)"))
    return region


def search_text(*parts: str) -> str:
    """What search matches: simplified characters, lower case (traditional input is normalised, A5)."""
    return convert(" ".join(p for p in parts if p), "zh-hans").lower()


def public_items(
    *, village_code: str, category: str = "", period: str = "", year: int | None = None, q: str = ""
) -> QuerySet[DisclosureItem]:
    qs = DisclosureItem.objects.filter(village_id=village_code, state=DisclosureItem.State.PUBLISHED)
    if category:
        qs = qs.filter(category=category)
    if period:
        qs = qs.filter(period=period)
    if year:
        qs = qs.filter(period_start__year=year)
    for word in search_text(q).split()[:5]:
        qs = qs.filter(search__contains=word)
    return qs.order_by("-period_start", "category", "item_code", "-id")


def public_archive(village_code: str) -> list[tuple[int, int]]:
    """(year, number of published items) for every year with any, newest first (past periods kept)."""
    counts: dict[int, int] = defaultdict(int)
    for start in DisclosureItem.objects.filter(
        village_id=village_code, state=DisclosureItem.State.PUBLISHED
    ).values_list("period_start", flat=True):
        counts[start.year] += 1
    return sorted(counts.items(), reverse=True)


def public_objections(village_code: str, limit: int = 20) -> list[Objection]:
    """The latest objections of the village: answered ones with the answer, open ones with their due date."""
    return list(
        Objection.objects.filter(village_id=village_code)
        .select_related("item")
        .only("id", "text", "filed_on", "reply_due", "state", "reply", "replied_at", "item__title")
        .order_by("-created_at", "-id")[:limit]
    )


# --- what this app reads of payroll (the village notice of a pay run, WF-8) --------------------------------
# Payroll is being restructured; these two functions are the only place affairs touches its models.

NOTICE_STATES = ("village_notice", "township_approved", "county_finance_approved", "disbursed", "closed")


def pay_runs_noticed(*, actor: Any) -> QuerySet[Any]:
    """Pay runs in the actor's region that have reached the village notice (村内公示) or later."""
    from touyan.payroll.models import PayRun

    if getattr(actor, "role", None) not in (Role.ADMIN, Role.TOWNSHIP_OFFICER) and not actor.is_superuser:
        return PayRun.objects.none()
    return scope_filter(PayRun.objects.filter(state__in=NOTICE_STATES), actor, "region__code").order_by(
        "-month", "region_id"
    )


@dataclass(frozen=True)
class PayNoticeRow:
    village: str
    name: str
    post: str
    total: Decimal


def pay_notice_rows(run: Any) -> list[PayNoticeRow]:
    """R-OPEN-04 cadre pay: each payslip of the run as name, post and amount (nothing else)."""
    from touyan.payroll.models import Payslip

    today = run.month
    slips = list(
        Payslip.objects.filter(run=run)
        .order_by("village_id", "person_id")
        .values_list("village_id", "person_id", "total")
    )
    ids = [s[1] for s in slips]
    names = dict(Person.objects.filter(pk__in=ids).values_list("pk", "name"))
    posts: dict[int, list[str]] = defaultdict(list)
    labels = dict(PostCode.choices)
    from touyan.cadres.selectors import current_posts

    for pid, code in (
        current_posts(today).filter(person_id__in=ids).exclude(post="RSV").values_list("person_id", "post")
    ):
        posts[pid].append(str(labels.get(code, code)))
    return [PayNoticeRow(v, names.get(pid, ""), "、".join(posts.get(pid, [])), total) for v, pid, total in slips]
