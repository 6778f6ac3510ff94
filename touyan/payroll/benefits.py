"""Benefits beyond the monthly pay, and the cadre's 一卡通 account (R-PAY-07…12, R-DATA-01/03/05).

Owns: bank accounts (encrypted, shown masked), insurance enrolment per year (R-PAY-07),
collective-economy rewards (R-PAY-08), honours (R-PAY-09), departure allowances (R-PAY-10),
condolence payments (R-PAY-11) and the weak-collective-economy list (R-PAY-12).

The file has three parts: pure calculations (no ORM; table-tested with the SPEC's numbers),
services (keyword-only, atomic, scoped, audited; they write one-off payments as `Adjustment`
rows that the next pay run turns into lines), and scoped reads for the pages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.scope import require, scope_filter
from touyan.audit.services import audit_record
from touyan.cadres import rules as cadre_rules
from touyan.cadres.models import EndReason, Gender, Person, Post
from touyan.cadres.selectors import access_cadre
from touyan.core import crypto
from touyan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from touyan.core.money import to_fen
from touyan.policy.selectors import policy_resolve, policy_resolve_many
from touyan.regions import rules as region_rules
from touyan.regions.models import Region, RegionStat
from touyan.regions.selectors import access_region

from .calculation import code_range
from .models import Adjustment, BankAccount, CollectiveReward, DepartureAllowance, Insurance, PayRun

ZERO = Decimal(0)
BANK_CONTEXT = "bank_account"
TWO_COMMITTEE_POSTS = cadre_rules.HEAD_POSTS | cadre_rules.DEPUTY_POSTS  # 村两委 posts

HONOUR_LEVELS: dict[str, tuple[str, Any]] = {
    "county": ("honour_county", gettext_lazy("县级")),
    "prefecture": ("honour_prefecture", gettext_lazy("市(州)级")),
    "province": ("honour_province", gettext_lazy("省级")),
}
CONDOLENCE_KINDS: dict[str, tuple[str, Any]] = {
    "illness": ("condolence_illness", gettext_lazy("重病慰问")),
    "disabled": ("condolence_disabled", gettext_lazy("因公致残慰问")),
    "death": ("condolence_death", gettext_lazy("因公牺牲慰问")),
}


# ---------------------------------------------------------------------------
# Pure calculations
# ---------------------------------------------------------------------------


def mask_account(account: str) -> str:
    """`6217****1234`: the first and last four digits (R-DATA-05 practice for card numbers)."""
    if len(account) <= 8:
        return "*" * len(account)
    return f"{account[:4]}****{account[-4:]}"


def normalize_account(raw: str) -> str:
    """Digits only (spaces and dashes as people type them are dropped), or InvalidInput."""
    digits = "".join(ch for ch in (raw or "") if ch not in " -\u3000")
    if not digits.isdigit() or not 8 <= len(digits) <= 32:
        raise InvalidInput(errors={"account": _("账号应为 8 至 32 位数字")})
    return digits


def reward_pool(income: Decimal, previous_income: Decimal, rate: Decimal, cap_share: Decimal) -> Decimal:
    """R-PAY-08: rate × the year-on-year increase of the operating net income, only when it
    grew, and never more than cap_share of the increase."""
    increase = income - previous_income
    if increase <= 0:
        return ZERO
    return to_fen(min(increase * rate, increase * cap_share))


def split_evenly(total: Decimal, n: int) -> list[Decimal]:
    """`total` in n shares to the fen that sum to it exactly; the first shares take the odd fen."""
    if n <= 0:
        return []
    fen = int(to_fen(total) * 100)
    base, rest = divmod(fen, n)
    return [to_fen(Decimal(base + (1 if i < rest else 0)) / 100) for i in range(n)]


def months_between(start: dt.date, end: dt.date) -> int:
    """Full months from `start` up to and including the day `end` (2011-04-01 … 2017-03-31 = 72)."""
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month - (1 if after.day < start.day else 0)
    return max(months, 0)


def service_months(spans: Sequence[cadre_rules.Span], gap_days: int) -> tuple[int, int]:
    """(longest continuous, total) months of service over spans of one post line; spans that
    follow each other within `gap_days` are continuous (as for re-election, SPEC A6.3)."""
    ordered = sorted((s for s in spans if s.end is not None), key=lambda s: s.start)
    total = 0
    longest = run = 0
    last_end: dt.date | None = None
    for span in ordered:
        assert span.end is not None
        months = months_between(span.start, span.end)
        total += months
        run = run + months if last_end is not None and (span.start - last_end).days <= gap_days else months
        longest = max(longest, run)
        last_end = span.end
    return longest, total


# R-PAY-10 (a) pct_of_current_base: (continuous years, total years, share of the secretary base), highest
# level first — the SPEC default; a region sets its own with the departure_pct_* policy parameters.
PCT_LEVELS: tuple[tuple[int, int, Decimal], ...] = (
    (18, 27, Decimal("0.30")),
    (12, 18, Decimal("0.20")),
    (6, 9, Decimal("0.10")),
)
DIRECTOR_RATIO = Decimal("0.8")  # 主任 gets 80 % of the secretary's figure
# R-PAY-10 (b) per_term: yuan a month per full term of 3 years, by the highest post held.
PER_TERM_RATES = {"PS": Decimal(20), "VD": Decimal(15), "CLK": Decimal(10)}
# R-PAY-10 (c) bracket_table (句容): years → yuan a month for 书记 / 主任 / 会计.
BRACKETS: tuple[tuple[int, dict[str, Decimal]], ...] = (
    (20, {"PS": Decimal(525), "VD": Decimal(505), "ACC": Decimal(485)}),
    (15, {"PS": Decimal(505), "VD": Decimal(485), "ACC": Decimal(465)}),
    (10, {"PS": Decimal(485), "VD": Decimal(465), "ACC": Decimal(445)}),
)
POST_RANK = ("PS", "VD", "CLK", "ACC")


@dataclass(frozen=True)
class DepartureFacts:
    """A former cadre's service and standing, for R-PAY-10."""

    gender: str
    birth_date: dt.date
    spans: tuple[cadre_rules.Span, ...]  # every post held, ended or not
    end_reasons: tuple[str, ...]  # of the posts that ended
    criminal: bool = False  # criminally punished
    expelled: bool = False  # expelled from the Party or dismissed
    public_employment: bool = False  # since employed as a civil servant or in a 事业 post
    pension_monthly: Decimal = ZERO  # a pension already paid: only the difference is paid (补差)


@dataclass(frozen=True)
class DeparturePolicy:
    strategy: str = "pct_of_current_base"
    age_men: int = 60
    age_women: int = 55
    secretary_base_annual: Decimal = Decimal(42000)  # the current secretary base, A6.2
    term_gap_days: int = 90
    pct_levels: tuple[tuple[int, int, Decimal], ...] = PCT_LEVELS  # (a): highest level first
    director_ratio: Decimal = DIRECTOR_RATIO  # (a): 主任's share of the secretary's figure


@dataclass(frozen=True)
class DepartureResult:
    monthly: Decimal
    start_month: dt.date | None
    problems: tuple[str, ...]
    basis: dict[str, Any] = field(default_factory=dict)

    @property
    def eligible(self) -> bool:
        return not self.problems and self.monthly > 0


def _first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _birthday(birth: dt.date, age: int) -> dt.date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # 29 February
        return birth.replace(year=birth.year + age, day=28)


def departure_amount(facts: DepartureFacts, policy: DeparturePolicy) -> DepartureResult:
    """R-PAY-10: the monthly departure allowance, when it starts and why it cannot be paid.

    Eligible: left office normally (no post held; not removed or recalled), not criminally
    punished, expelled or dismissed, not since employed in a public post; paid from the month
    after reaching 60 (men) or 55 (women), or after leaving office if later. A pension already
    paid is deducted (补差)."""
    problems: list[str] = []
    if any(s.end is None for s in facts.spans):
        problems.append(_("仍在任,离任后才能申请"))
    if any(r in (EndReason.REMOVED, EndReason.RECALLED) for r in facts.end_reasons):
        problems.append(_("曾被罢免或撤职,不享受离任生活补贴"))
    if facts.criminal:
        problems.append(_("受过刑事处罚,不享受离任生活补贴"))
    if facts.expelled:
        problems.append(_("被开除党籍或辞退,不享受离任生活补贴"))
    if facts.public_employment:
        problems.append(_("离任后已录用为公务员或事业单位人员,不享受离任生活补贴"))
    age = policy.age_men if facts.gender == Gender.MALE else policy.age_women
    ends = [s.end for s in facts.spans if s.end is not None]
    start_month = _first_of_next_month(max([_birthday(facts.birth_date, age), *ends]))
    by_line: dict[str, list[cadre_rules.Span]] = defaultdict(list)
    for span in facts.spans:
        by_line[span.post].append(span)
    basis: dict[str, Any] = {"strategy": policy.strategy, "age_threshold": age}
    gross = ZERO
    if policy.strategy == "pct_of_current_base":
        figures: list[tuple[Decimal, str, Decimal, int, int]] = []
        for post, ratio in (("PS", Decimal(1)), ("VD", policy.director_ratio)):
            cont, total = service_months(by_line.get(post, []), policy.term_gap_days)
            pct = next((p for c, t, p in policy.pct_levels if cont >= c * 12 or total >= t * 12), ZERO)
            figures.append((to_fen(policy.secretary_base_annual * pct * ratio / 12), post, pct, cont, total))
        gross, post, pct, cont, total = max(figures, key=lambda f: f[0])
        basis |= {"post": post, "pct": str(pct), "ratio": str(policy.director_ratio if post == "VD" else Decimal(1)),
                  "secretary_base_annual": str(policy.secretary_base_annual), "continuous_months": cont,
                  "total_months": total}  # fmt: skip
    elif policy.strategy == "per_term":
        held = [p for p in POST_RANK if p in by_line and p in PER_TERM_RATES]
        months = _union_months([s for s in facts.spans if s.post in TWO_COMMITTEE_POSTS])
        terms = months // 36
        if held:
            gross = to_fen(PER_TERM_RATES[held[0]] * terms)
        basis |= {"post": held[0] if held else "", "terms": terms, "total_months": months,
                  "rate": str(PER_TERM_RATES[held[0]]) if held else "0"}  # fmt: skip
    else:  # bracket_table
        held = [p for p in POST_RANK if p in by_line and p in BRACKETS[0][1]]
        months = _union_months([s for s in facts.spans if s.post in TWO_COMMITTEE_POSTS])
        row = next((amounts for years, amounts in BRACKETS if months >= years * 12), None)
        if held and row:
            gross = row[held[0]]
        basis |= {"post": held[0] if held else "", "total_months": months}
    if gross <= 0:
        problems.append(_("任职年限或职务不符合离任生活补贴条件"))
    monthly = max(ZERO, to_fen(gross - facts.pension_monthly))
    if facts.pension_monthly:
        basis |= {"gross": str(gross), "pension_monthly": str(to_fen(facts.pension_monthly))}
    if gross > 0 and monthly <= 0:
        problems.append(_("已领养老金不低于补贴标准,无需补差"))
    return DepartureResult(monthly=monthly, start_month=start_month, problems=tuple(problems), basis=basis)


def _union_months(spans: Iterable[cadre_rules.Span]) -> int:
    """Months covered by any of the spans, overlaps counted once (no double counting)."""
    ordered = sorted((s for s in spans if s.end is not None), key=lambda s: s.start)
    months = 0
    cur_start: dt.date | None = None
    cur_end: dt.date | None = None
    for s in ordered:
        assert s.end is not None
        if cur_end is not None and s.start <= cur_end + dt.timedelta(days=1):
            cur_end = max(cur_end, s.end)
            continue
        if cur_start is not None and cur_end is not None:
            months += months_between(cur_start, cur_end)
        cur_start, cur_end = s.start, s.end
    if cur_start is not None and cur_end is not None:
        months += months_between(cur_start, cur_end)
    return months


# ---------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------


def _require_finance_or_write(actor: Any) -> None:
    if getattr(actor, "role", None) == Role.FINANCE and actor.is_authenticated:
        return
    require(actor, account_rules.CADRES_WRITE)


@transaction.atomic
def bank_account_set(*, actor: Any, cadre_id: int, bank: str, account: str) -> BankAccount:
    """Set a cadre's 一卡通 account (R-DATA-01 sensitive, R-DATA-03): stored encrypted, shown as
    6217****1234; the audit trail records only the masks. Township officers, county admins and
    county finance may set it."""
    _require_finance_or_write(actor)
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    bank = (bank or "").strip()
    errors: dict[str, str] = {}
    if not bank:
        errors["bank"] = _("请填写开户行")
    try:
        digits = normalize_account(account)
    except InvalidInput as exc:
        errors |= {k: v[0] for k, v in exc.errors.items()}
    if errors:
        raise InvalidInput(errors=errors)
    existing = BankAccount.objects.select_for_update().filter(person=person).first()
    old = (existing.bank, existing.account_masked) if existing else (None, None)
    record = existing or BankAccount(person=person)
    record.bank = bank[:60]
    record.account_enc = crypto.encrypt(digits, context=BANK_CONTEXT)
    record.account_masked = mask_account(digits)
    record.updated_by = actor
    record.save()
    audit_record(
        actor=actor,
        action="payroll.bank_account.set",
        obj=record,
        region_code=person.village_id,
        changes={"bank": [old[0], record.bank], "account": [old[1], record.account_masked]},
    )
    return record


def bank_account_number(record: BankAccount) -> str:
    """The full number, for the payout file only (whose download is audited)."""
    return crypto.decrypt(record.account_enc, context=BANK_CONTEXT)


@transaction.atomic
def insurance_set(
    *, actor: Any, cadre_id: int, year: int, pension: bool, health_check: bool, accident: bool
) -> Insurance:
    """R-PAY-07 (and S1): record a cadre's enrolment for a year — urban employee basic pension
    insurance bought by the county, the health check, accident insurance."""
    require(actor, account_rules.CADRES_WRITE)
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    if not 2000 <= year <= 2100:
        raise InvalidInput(errors={"year": _("年度无效")})
    record, created = Insurance.objects.select_for_update().get_or_create(
        person=person, year=year, defaults={"village_id": person.village_id}
    )
    old = {"pension": record.pension, "health_check": record.health_check, "accident": record.accident}
    new = {"pension": pension, "health_check": health_check, "accident": accident}
    record.pension, record.health_check, record.accident = pension, health_check, accident
    record.village_id = person.village_id
    record.updated_by = actor
    record.save()
    audit_record(
        actor=actor,
        action="payroll.insurance.set",
        obj=record,
        region_code=person.village_id,
        changes={k: [None if created else old[k], new[k]] for k in new if created or old[k] != new[k]} | {"year": year},
    )
    return record


def _village(actor: Any, code: str) -> Region:
    region = access_region(actor=actor, code=code, field="village")
    if region.level != region_rules.VILLAGE:
        raise InvalidInput(errors={"village": _("请选择一个村(社区)")})
    return region


def reward_eligible(*, village_code: str, year: int, min_months: int, today: dt.date | None = None) -> list[Any]:
    """R-PAY-08: the village's 两委 members in office at the reference day (31 December of the
    year, or today if earlier) who have held a post there for at least `min_months` months."""
    day = min(dt.date(year, 12, 31), today or timezone.localdate())
    posts = (
        Post.objects.filter(village_id=village_code, post__in=TWO_COMMITTEE_POSTS, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("person")
        .order_by("person_id", "start_date")
    )
    first: dict[int, tuple[Person, dt.date, str]] = {}
    for p in posts:
        if p.person_id not in first or p.start_date < first[p.person_id][1]:
            first[p.person_id] = (p.person, p.start_date, p.post)
    out = []
    for person, start, post in first.values():
        months = months_between(start, day)
        out.append({"person": person, "post": post, "months": months, "eligible": months >= min_months})
    order = {code: i for i, code in enumerate(("PS", "VD", "PDS", "VDD", "PCM", "VM", "CLK", "ACC", "BK"))}
    return sorted(out, key=lambda r: (order.get(r["post"], 99), r["person"].pk))


@transaction.atomic
def reward_propose(
    *,
    actor: Any,
    village_code: str,
    year: int,
    income: Decimal,
    previous_income: Decimal,
    decision_ref: str,
    today: dt.date | None = None,
) -> CollectiveReward:
    """R-PAY-08: propose the collective-economy reward of a village for a year: pool =
    reward_rate × (income − previous income) when it grew, capped at reward_cap_share of the
    increase; shared evenly among the 两委 members in post ≥ reward_min_months_in_post months.
    It needs the village's 四议两公开 decision (its reference) and then township approval."""
    require(actor, account_rules.CADRES_WRITE)
    village = _village(actor, village_code)
    errors: dict[str, str] = {}
    if not (decision_ref or "").strip():
        errors["decision_ref"] = _("请填写四议两公开决议文号或编号")
    if not 2000 <= year <= 2100:
        errors["year"] = _("年度无效")
    if errors:
        raise InvalidInput(errors=errors)
    policy = policy_resolve(village.code, dt.date(year, 12, 31))
    pool = reward_pool(to_fen(income), to_fen(previous_income), policy["reward_rate"], policy["reward_cap_share"])
    if pool <= 0:
        raise InvalidInput(errors={"income": _("当年经营收益没有比上年增长,不产生奖励")})
    people = [
        r
        for r in reward_eligible(
            village_code=village.code, year=year, min_months=policy["reward_min_months_in_post"], today=today
        )
        if r["eligible"]
    ]
    if not people:
        raise InvalidInput(errors={"village": _("该村没有任职满 %(m)s 个月的两委成员") % {
            "m": policy["reward_min_months_in_post"]}})  # fmt: skip
    amounts = split_evenly(pool, len(people))
    shares = [{"cadre": r["person"].pk, "name": r["person"].name, "post": r["post"], "months": r["months"],
               "amount": str(a)} for r, a in zip(people, amounts, strict=True)]  # fmt: skip
    try:
        with transaction.atomic():
            reward = CollectiveReward.objects.create(
                village=village, year=year, income=to_fen(income), previous_income=to_fen(previous_income),
                pool=pool, shares=shares, decision_ref=decision_ref.strip()[:100], created_by=actor,
            )  # fmt: skip
    except IntegrityError as exc:
        raise Conflict(_("该村 %(y)s 年度的奖励已经申报") % {"y": year}, field="year") from exc
    audit_record(
        actor=actor,
        action="payroll.reward.propose",
        obj=reward,
        region_code=village.code,
        changes={"year": year, "pool": [None, str(pool)], "cadres": [None, len(shares)]},
    )
    return reward


def access_reward(*, actor: Any, reward_id: int, for_update: bool = False) -> CollectiveReward:
    qs = _scoped(CollectiveReward.objects.select_related("village", "village__parent"), actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    reward = qs.filter(pk=reward_id).first()
    if reward is None:
        raise NotFound(_("未找到该奖励申报"))
    return reward


@transaction.atomic
def reward_approve(*, actor: Any, reward_id: int, approve: bool = True, note: str = "") -> CollectiveReward:
    """R-PAY-08: the township approves (each share becomes an Adjustment of kind "reward",
    paid in the village's next pay run) or rejects a proposed reward."""
    require(actor, account_rules.CADRES_WRITE)
    reward = access_reward(actor=actor, reward_id=reward_id, for_update=True)
    if reward.state != CollectiveReward.State.PROPOSED:
        raise Conflict(_("该奖励已审批,不能重复办理"), field="state")
    old = reward.state
    if approve:
        reason = _("%(y)s 年度集体经济发展奖励") % {"y": reward.year}
        Adjustment.objects.bulk_create(
            [
                Adjustment(person_id=s["cadre"], village_id=reward.village_id, kind=Adjustment.Kind.REWARD,
                           amount=Decimal(s["amount"]), reason=reason, created_by=actor)
                for s in reward.shares
            ]
        )  # fmt: skip
        reward.state = CollectiveReward.State.APPROVED
    else:
        if not note.strip():
            raise InvalidInput(errors={"note": _("驳回时请说明理由")})
        reward.state = CollectiveReward.State.REJECTED
    reward.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="payroll.reward.approve" if approve else "payroll.reward.reject",
        obj=reward,
        region_code=reward.village_id,
        changes={"state": [old, reward.state], "pool": str(reward.pool)},
        reason=note,
    )
    return reward


def _one_off(
    *, actor: Any, cadre_id: int, kind: str, amount: Decimal, reason: str, action: str, detail: dict[str, Any]
) -> Adjustment:
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    adj = Adjustment.objects.create(
        person=person, village_id=person.village_id, kind=kind, amount=to_fen(amount), reason=reason[:300],
        created_by=actor,
    )  # fmt: skip
    audit_record(
        actor=actor,
        action=action,
        obj=adj,
        region_code=person.village_id,
        changes={"amount": [None, str(adj.amount)], **detail},
    )
    return adj


@transaction.atomic
def honour_award(*, actor: Any, cadre_id: int, level: str, title: str) -> Adjustment:
    """R-PAY-09: a commendation at county / prefecture / province level adds 1000 / 1500 / 2000
    yuan (policy honour_*) to the cadre's next payslip."""
    require(actor, account_rules.CADRES_WRITE)
    errors: dict[str, str] = {}
    if level not in HONOUR_LEVELS:
        errors["level"] = _("请选择表彰级别")
    if not (title or "").strip():
        errors["title"] = _("请填写表彰名称")
    if errors:
        raise InvalidInput(errors=errors)
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    key, label = HONOUR_LEVELS[level]
    amount = policy_resolve(person.village_id)[key]
    return _one_off(
        actor=actor, cadre_id=person.pk, kind=Adjustment.Kind.HONOUR, amount=amount,
        reason=_("%(level)s表彰:%(title)s") % {"level": label, "title": title.strip()},
        action="payroll.honour.award", detail={"level": level},
    )  # fmt: skip


@transaction.atomic
def condolence_grant(*, actor: Any, cadre_id: int, kind: str) -> Adjustment:
    """R-PAY-11: serious illness 2000, disabled on duty 5000, died on duty 20000 yuan (policy
    condolence_*). Only the category is stored (health data, R-DATA-01): no diagnosis."""
    require(actor, account_rules.CADRES_WRITE)
    if kind not in CONDOLENCE_KINDS:
        raise InvalidInput(errors={"kind": _("请选择慰问类别")})
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    key, label = CONDOLENCE_KINDS[kind]
    return _one_off(
        actor=actor, cadre_id=person.pk, kind=Adjustment.Kind.CONDOLENCE,
        amount=policy_resolve(person.village_id)[key], reason=str(label), action="payroll.condolence.grant",
        detail={"kind": kind},
    )  # fmt: skip


def _secretary_base_annual(village_code: str, on: dt.date) -> tuple[Decimal, dict[str, Any]]:
    """The current secretary base of A6.2 for the village's county: max(standard, multiple × income)."""
    policy = policy_resolve(village_code, on)
    county = village_code[:6].ljust(12, "0")
    stat = RegionStat.objects.filter(region_id=county, year=on.year - 1).first()
    income = stat.rural_income_per_capita if stat and stat.rural_income_per_capita is not None else None
    standard = policy["base_standard_ps"]
    base = max(standard, policy["base_multiple"] * income) if income is not None else standard
    return base, {"base_standard_ps": str(standard), "income_ref": str(income) if income is not None else None}


def departure_facts_of(person: Person, **declared: Any) -> DepartureFacts:
    posts = list(Post.objects.filter(person=person).order_by("start_date"))
    return DepartureFacts(
        gender=person.gender,
        birth_date=person.birth_date,
        spans=tuple(cadre_rules.Span(p.post, p.start_date, p.end_date) for p in posts),
        end_reasons=tuple(p.end_reason for p in posts if p.end_date),
        **declared,
    )


def pct_levels_of(policy: Any) -> tuple[tuple[int, int, Decimal], ...]:
    """R-PAY-10 (a): the region's levels (departure_pct_n and its years), highest share first."""
    levels = [(policy[f"departure_pct_{n}_continuous_years"], policy[f"departure_pct_{n}_total_years"],
               policy[f"departure_pct_{n}"]) for n in (1, 2, 3)]  # fmt: skip
    return tuple(sorted(levels, key=lambda level: level[2], reverse=True))


def departure_policy_for(village_code: str, on: dt.date) -> DeparturePolicy:
    policy = policy_resolve(village_code, on)
    base, _info = _secretary_base_annual(village_code, on)
    return DeparturePolicy(
        strategy=policy["departure_strategy"], age_men=policy["departure_age_men"],
        age_women=policy["departure_age_women"], secretary_base_annual=base, term_gap_days=policy["term_gap_days"],
        pct_levels=pct_levels_of(policy), director_ratio=policy["departure_director_ratio"],
    )  # fmt: skip


@transaction.atomic
def departure_apply(
    *,
    actor: Any,
    cadre_id: int,
    criminal: bool = False,
    expelled: bool = False,
    public_employment: bool = False,
    pension_monthly: Decimal = ZERO,
    note: str = "",
    today: dt.date | None = None,
) -> DepartureAllowance:
    """R-PAY-10: record a former cadre's application; the amount is computed now (and again at
    county approval) with the region's strategy; an ineligible applicant is refused with reasons."""
    require(actor, account_rules.CADRES_WRITE)
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    day = today or timezone.localdate()
    active = DepartureAllowance.objects.filter(person=person).exclude(
        state__in=[DepartureAllowance.State.REJECTED, DepartureAllowance.State.STOPPED]
    )
    if active.exists():
        raise Conflict(_("该干部已有在办或在发的离任生活补贴"), field="cadre")
    facts = departure_facts_of(
        person, criminal=criminal, expelled=expelled, public_employment=public_employment,
        pension_monthly=to_fen(pension_monthly or ZERO),
    )  # fmt: skip
    policy = departure_policy_for(person.village_id, day)
    result = departure_amount(facts, policy)
    if not result.eligible:
        raise InvalidInput(errors={"cadre": list(result.problems)})
    allowance = DepartureAllowance.objects.create(
        person=person, village_id=person.village_id, strategy=policy.strategy,
        basis=result.basis | {"declared": {"criminal": criminal, "expelled": expelled,
                                            "public_employment": public_employment}},
        monthly_amount=result.monthly, start_month=result.start_month, note=note.strip()[:300], created_by=actor,
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="payroll.departure.apply",
        obj=allowance,
        region_code=person.village_id,
        changes={"monthly_amount": [None, str(result.monthly)], "strategy": policy.strategy},
    )
    return allowance


DS = DepartureAllowance.State
DEPARTURE_FLOW: dict[str, tuple[tuple[str, ...], str]] = {
    # to: (from states, capability)
    DS.VILLAGE: ((DS.APPLIED,), account_rules.CADRES_WRITE),
    DS.TOWNSHIP: ((DS.VILLAGE,), account_rules.CADRES_WRITE),
    DS.NOTICE: ((DS.TOWNSHIP,), account_rules.CADRES_WRITE),
    DS.APPROVED: ((DS.NOTICE,), account_rules.POLICY_WRITE),
    DS.REJECTED: ((DS.APPLIED, DS.VILLAGE, DS.TOWNSHIP, DS.NOTICE), account_rules.CADRES_WRITE),
    DS.STOPPED: ((DS.APPROVED,), account_rules.CADRES_WRITE),
}


def access_departure(*, actor: Any, departure_id: int, for_update: bool = False) -> DepartureAllowance:
    qs = _scoped(DepartureAllowance.objects.select_related("person", "village", "village__parent"), actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    allowance = qs.filter(pk=departure_id).first()
    if allowance is None:
        raise NotFound(_("未找到该离任生活补贴"))
    return allowance


def _departure_capability(allowance: DepartureAllowance, to: str) -> str:
    if to == DS.REJECTED and allowance.state == DS.NOTICE:
        return account_rules.POLICY_WRITE  # after the public notice only the county decides
    return DEPARTURE_FLOW[to][1]


def departure_can(actor: Any, allowance: DepartureAllowance, to: str) -> bool:
    """May the actor move the allowance to `to` now (its state and the actor's role)?"""
    if to not in DEPARTURE_FLOW or allowance.state not in DEPARTURE_FLOW[to][0]:
        return False
    return account_rules.has_capability(
        actor.role, _departure_capability(allowance, to), is_superuser=actor.is_superuser
    )


@transaction.atomic
def departure_advance(
    *,
    actor: Any,
    departure_id: int,
    to: str,
    note: str = "",
    stop_month: dt.date | None = None,
    today: dt.date | None = None,
) -> DepartureAllowance:
    """R-PAY-10 flow: applied → village checked → township checked → public notice → county
    approved (the amount is recomputed with the current secretary base and frozen) → stopped
    (on death: from `stop_month`, the first month not paid). Rejection at any step before approval."""
    allowance = access_departure(actor=actor, departure_id=departure_id, for_update=True)
    if to not in DEPARTURE_FLOW:
        raise InvalidInput(errors={"to": _("状态无效")})
    if allowance.state not in DEPARTURE_FLOW[to][0]:
        raise Conflict(_("当前状态“%(s)s”不能进行该步骤") % {"s": allowance.get_state_display()}, field="state")
    if not departure_can(actor, allowance, to):
        county = _departure_capability(allowance, to) == account_rules.POLICY_WRITE
        raise Forbidden(_("该步骤由县委组织部办理") if county else _("您的角色无权执行此操作"))
    old = (allowance.state, str(allowance.monthly_amount))
    if to == DS.REJECTED and not note.strip():
        raise InvalidInput(errors={"note": _("不符合条件时请说明理由")})
    fields = ["state", "note"]
    if to == DS.APPROVED:
        day = today or timezone.localdate()
        declared = allowance.basis.get("declared", {})
        pension = Decimal(allowance.basis.get("pension_monthly", "0"))
        result = departure_amount(
            departure_facts_of(allowance.person, pension_monthly=pension, **declared),
            departure_policy_for(allowance.village_id, day),
        )
        if not result.eligible:
            raise InvalidInput(errors={"to": list(result.problems)})
        allowance.monthly_amount, allowance.start_month = result.monthly, result.start_month
        allowance.basis = result.basis | {"declared": declared, "approved_on": day.isoformat()}
        fields += ["monthly_amount", "start_month", "basis"]
    if to == DS.STOPPED:
        day = today or timezone.localdate()
        allowance.stop_month = (stop_month or _first_of_next_month(day)).replace(day=1)
        fields.append("stop_month")
    allowance.state = to
    if note.strip():
        allowance.note = note.strip()[:300]
    allowance.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="payroll.departure.advance",
        obj=allowance,
        region_code=allowance.village_id,
        changes={"state": [old[0], to], "monthly_amount": [old[1], str(allowance.monthly_amount)]},
        reason=note,
    )
    return allowance


@dataclass(frozen=True)
class DepartureLine:
    """One former cadre's allowance for a run's month (component "departure")."""

    person_id: int
    village_id: str
    amount: Decimal
    basis: dict[str, Any]


def departure_lines_for_run(run: PayRun) -> list[DepartureLine]:
    """R-PAY-10: the lines approved departure allowances add to a run — one per former cadre
    in the run's region whose allowance has started by the run's month and not stopped.
    One query; payrun_calculate adds each as a payslip line (a payslip of its own when the
    former cadre has no other pay that month)."""
    return departure_lines_between(run.month, *code_range(run.region.prefix))


def departure_lines_between(month: dt.date, lo: str, hi: str) -> list[DepartureLine]:
    """departure_lines_for_run for the villages lo…hi (inclusive codes): many runs' in one query
    (R-PAY-10; payruns_open_and_calculate_many)."""
    month = month.replace(day=1)
    rows = (
        DepartureAllowance.objects.filter(
            village_id__gte=lo,
            village_id__lte=hi,
            state__in=[DS.APPROVED, DS.STOPPED],  # a stopped one is still paid before its stop month
            start_month__lte=month,
        )
        .filter(Q(stop_month__isnull=True) | Q(stop_month__gt=month))
        .order_by("person_id", "id")
        .values("id", "person_id", "village_id", "monthly_amount", "strategy")
    )
    return [
        DepartureLine(
            person_id=r["person_id"],
            village_id=r["village_id"],
            amount=to_fen(r["monthly_amount"]),
            basis={
                "departure": r["id"],
                "strategy": r["strategy"],
                "monthly": str(r["monthly_amount"]),
                "reason": "离任生活补贴",
            },
        )
        for r in rows
    ]


# ---------------------------------------------------------------------------
# Scoped reads
# ---------------------------------------------------------------------------


def _scoped(qs: QuerySet[Any], actor: Any) -> QuerySet[Any]:
    if getattr(actor, "role", None) == Role.CADRE and not actor.is_superuser:
        return qs.none()
    return scope_filter(qs, actor, "village__code")


def _region_for_officials(actor: Any, code: str) -> Region:
    """A region in scope for the pages of officials; a village cadre sees none of them."""
    if getattr(actor, "role", None) == Role.CADRE and not actor.is_superuser:
        raise NotFound(_("未找到该区域,或不在您的管辖范围内"))
    return access_region(actor=actor, code=code)


def adjustments_in_scope(*, actor: Any, kind: str) -> QuerySet[Adjustment]:
    return _scoped(Adjustment.objects.filter(kind=kind), actor).select_related(
        "person", "village", "village__parent", "run"
    )


def rewards_in_scope(*, actor: Any) -> QuerySet[CollectiveReward]:
    return _scoped(CollectiveReward.objects.select_related("village", "village__parent"), actor)


def departures_in_scope(*, actor: Any) -> QuerySet[DepartureAllowance]:
    return _scoped(DepartureAllowance.objects.select_related("person", "village", "village__parent"), actor)


@dataclass
class CoverageRow:
    person: Person
    posts: list[str]
    insurance: Insurance | None


@dataclass
class CoverageGroup:
    township: Region
    rows: list[CoverageRow] = field(default_factory=list)

    def count(self, attr: str) -> int:
        return sum(1 for r in self.rows if r.insurance is not None and getattr(r.insurance, attr))


def insurance_coverage(*, actor: Any, region_code: str, year: int) -> tuple[Region, list[CoverageGroup]]:
    """R-PAY-07: the full-time cadres in office during the year under a region, with their
    enrolment, grouped by township (a fixed number of queries)."""
    region = _region_for_officials(actor, region_code)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    posts = (
        Post.objects.filter(village__code__startswith=region.prefix, full_time=True, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values_list("person_id", "post")
    )
    held: dict[int, list[str]] = defaultdict(list)
    for pid, code in posts:
        held[pid].append(code)
    people = Person.objects.filter(pk__in=held).select_related("village").order_by("village_id", "id")
    enrolled = {i.person_id: i for i in Insurance.objects.filter(person_id__in=held, year=year)}
    townships = {
        r.code: r
        for r in Region.objects.filter(code__startswith=region.prefix, level=region_rules.TOWNSHIP).order_by("code")
    }
    groups: dict[str, CoverageGroup] = {}
    for person in people:
        code = person.village_id[:9].ljust(12, "0")
        if code not in townships:
            continue
        group = groups.setdefault(code, CoverageGroup(townships[code]))
        group.rows.append(CoverageRow(person, sorted(held[person.pk]), enrolled.get(person.pk)))
    return region, [groups[c] for c in sorted(groups)]


@dataclass
class WeakVillage:
    village: Region
    income: Decimal | None
    previous_income: Decimal | None
    weak: bool
    sharp_fall: bool
    secretaries: list[str]


@dataclass
class WeakTownship:
    township: Region
    villages: list[WeakVillage]
    with_data: int
    weak: int
    share: Decimal
    flagged: bool
    bonus_cut: Decimal


SHARP_FALL = Decimal("0.5")  # income halved year on year: "a sharp fall" (R-PAY-12), shown, not counted


def weak_villages(*, actor: Any, region_code: str, year: int) -> tuple[Region, list[WeakTownship]]:
    """R-PAY-12: villages whose collective income of the year is below weak_income (10,000) are
    weak (软弱涣散 trigger; their current secretary is not to be nominated for the next term);
    a township where weak villages make up ≥ weak_township_share (50 %) of the villages with
    figures has its secretary's bonus cut by weak_bonus_cut (10 %). Villages without a figure
    are listed as missing and left out of the share. Works for a county or a township."""
    region = _region_for_officials(actor, region_code)
    if region.level not in (region_rules.COUNTY, region_rules.TOWNSHIP):
        raise InvalidInput(errors={"region": _("请选择县或乡镇")})
    villages = list(
        Region.objects.filter(code__startswith=region.prefix, level=region_rules.VILLAGE)
        .select_related("parent")
        .order_by("code")
    )
    codes = [v.code for v in villages]
    income: dict[tuple[str, int], Decimal] = {
        (s.region_id, s.year): s.collective_income or ZERO
        for s in RegionStat.objects.filter(region_id__in=codes, year__in=[year, year - 1]).exclude(
            collective_income__isnull=True
        )
    }
    policies = policy_resolve_many(codes, dt.date(year, 12, 31)) if codes else {}
    today = timezone.localdate()
    secretaries: dict[str, list[str]] = defaultdict(list)
    for village_id, name in (
        Post.objects.filter(village_id__in=codes, post="PS", start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values_list("village_id", "person__name")
    ):
        secretaries[village_id].append(name)
    by_township: dict[str, list[WeakVillage]] = defaultdict(list)
    for v in villages:
        now, before = income.get((v.code, year)), income.get((v.code, year - 1))
        weak = now is not None and now < policies[v.code]["weak_income"]
        fall = now is not None and before is not None and before > 0 and now < before * (1 - SHARP_FALL)
        by_township[v.parent_id or ""].append(
            WeakVillage(v, now, before, weak, fall, secretaries.get(v.code, []) if weak else [])
        )
    townships = {t.code: t for t in Region.objects.filter(code__in=by_township)}
    out = []
    for code in sorted(by_township):
        rows = by_township[code]
        with_data = sum(1 for r in rows if r.income is not None)
        n_weak = sum(1 for r in rows if r.weak)
        share = (Decimal(n_weak) / with_data).quantize(Decimal("0.0001")) if with_data else ZERO
        policy = policies[rows[0].village.code]
        flagged = with_data > 0 and share >= policy["weak_township_share"]
        out.append(
            WeakTownship(townships[code], rows, with_data, n_weak, share, flagged,
                         policy["weak_bonus_cut"] if flagged else ZERO)
        )  # fmt: skip
    return region, out
