"""Benefits beyond the monthly pay, and the cadre's 一卡通 account (R-PAY-07…11, R-DATA-01/03/05):
bank accounts (encrypted, shown masked), insurance enrolment per year (R-PAY-07),
collective-economy rewards (R-PAY-08, flows.REWARD), honours (R-PAY-09), condolence payments
(R-PAY-11) and corrections. One-off payments are written as `Adjustment` rows that the next pay
run turns into lines (lines.py). Keyword-only, atomic, scoped, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.scope import require
from touyan.audit.services import audit_record
from touyan.cadres.selectors import access_cadre
from touyan.core import crypto
from touyan.core.errors import Conflict, InvalidInput, NotFound
from touyan.core.money import to_fen
from touyan.core.workflow import transition
from touyan.policy.selectors import policy_resolve
from touyan.regions import rules as region_rules
from touyan.regions.models import Region
from touyan.regions.selectors import access_region

from ..actions import PayrollAction
from ..flows import REWARD
from ..models import Adjustment, BankAccount, CollectiveReward, Insurance
from ..rules.benefits import (
    CARD,
    CONDOLENCE_KINDS,
    HONOUR_LEVELS,
    check_account,
    mask_account,
    reward_pool,
    split_evenly,
)
from ..rules.params import OneOffParams, RewardParams
from ..selectors import access_reward
from ..selectors.benefits import reward_eligible

if TYPE_CHECKING:
    from touyan.accounts.models import User

BANK_CONTEXT = "bank_account"


# ---------------------------------------------------------------------------
# 一卡通 account
# ---------------------------------------------------------------------------


def _require_finance_or_write(actor: User) -> None:
    if getattr(actor, "role", None) == Role.FINANCE and actor.is_authenticated:
        return
    require(actor, account_rules.CADRES_WRITE)


@transaction.atomic
def bank_account_set(*, actor: User, cadre_id: int, bank: str, account: str, kind: str = CARD) -> BankAccount:
    """Set a cadre's 一卡通 account (R-DATA-01 sensitive, R-DATA-03): stored encrypted, shown as
    6217****1234; the audit trail records only the masks. Township officers, county admins and
    county finance may set it. A bank card is checked for 16–19 digits and its Luhn digit; a
    passbook account is the marked exception (`kind="passbook"`, rules.check_account)."""
    _require_finance_or_write(actor)
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    digits = _checked_account(bank, account, kind)
    return _bank_account_write(actor, person, bank.strip(), digits, kind)


def _checked_account(bank: str, account: str, kind: str) -> str:
    errors: dict[str, str] = {}
    if not (bank or "").strip():
        errors["bank"] = _("请填写开户行")
    digits = ""
    try:
        digits = check_account(account, kind)
    except InvalidInput as exc:
        errors |= {k: v[0] for k, v in exc.errors.items()}
    if errors:
        raise InvalidInput(errors=errors)
    return digits


def _bank_account_write(actor: User, person: Any, bank: str, digits: str, kind: str) -> BankAccount:
    existing = BankAccount.objects.select_for_update().filter(person=person).first()
    old = (existing.bank, existing.account_masked) if existing else (None, None)
    record = existing or BankAccount(person=person)
    record.bank = bank[:60]
    record.kind = kind
    record.account_enc = crypto.encrypt(digits, context=BANK_CONTEXT)
    record.account_masked = mask_account(digits)
    record.updated_by = actor
    record.save()
    audit_record(
        actor=actor,
        action=PayrollAction.BANK_ACCOUNT_SET,
        obj=record,
        region_code=person.village_id,
        changes={"bank": [old[0], record.bank], "account": [old[1], record.account_masked]},
    )
    return record


def bank_account_number(record: BankAccount) -> str:
    """The full number, for the payout file only (whose download is audited)."""
    return crypto.decrypt(record.account_enc, context=BANK_CONTEXT)


# ---------------------------------------------------------------------------
# Insurance (R-PAY-07)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    """One cadre's enrolment for a year, as a page submits it."""

    cadre_id: int
    pension: bool
    health_check: bool
    accident: bool


@transaction.atomic
def insurance_set(
    *, actor: User, cadre_id: int, year: int, pension: bool, health_check: bool, accident: bool
) -> Insurance:
    """R-PAY-07 (and S1): record a cadre's enrolment for a year — urban employee basic pension
    insurance bought by the county, the health check, accident insurance."""
    (record,) = insurance_set_many(actor=actor, year=year, rows=[Enrolment(cadre_id, pension, health_check, accident)])
    return record


@transaction.atomic
def insurance_set_many(
    *, actor: User, year: int, rows: Sequence[Enrolment], region_code: str | None = None
) -> list[Insurance]:
    """R-PAY-07: the enrolments of many cadres (a township's table) in one transaction, each
    audited; a cadre outside the scope (or outside `region_code`) refuses the whole table."""
    require(actor, account_rules.CADRES_WRITE)
    if not 2000 <= year <= 2100:
        raise InvalidInput(errors={"year": _("年度无效")})
    return [_enrol(actor, year, row, region_code) for row in rows]


def _enrol(actor: User, year: int, row: Enrolment, region_code: str | None) -> Insurance:
    person = access_cadre(actor=actor, cadre_id=row.cadre_id)
    if region_code and not region_rules.is_under(person.village_id, region_rules.prefix_of(region_code)):
        raise NotFound(_("未找到该干部档案,或不在您的管辖范围内"))
    record, created = Insurance.objects.select_for_update().get_or_create(
        person=person, year=year, defaults={"village_id": person.village_id}
    )
    old = {"pension": record.pension, "health_check": record.health_check, "accident": record.accident}
    new = {"pension": row.pension, "health_check": row.health_check, "accident": row.accident}
    record.pension, record.health_check, record.accident = row.pension, row.health_check, row.accident
    record.village_id = person.village_id
    record.updated_by = actor
    record.save()
    changes = {k: [None if created else old[k], new[k]] for k in new if created or old[k] != new[k]}
    audit_record(
        actor=actor,
        action=PayrollAction.INSURANCE_SET,
        obj=record,
        region_code=person.village_id,
        changes=changes | {"year": year},
    )
    return record


# ---------------------------------------------------------------------------
# Collective-economy reward (R-PAY-08)
# ---------------------------------------------------------------------------


def _village(actor: User, code: str) -> Region:
    region = access_region(actor=actor, code=code, field="village")
    if region.level != region_rules.VILLAGE:
        raise InvalidInput(errors={"village": _("请选择一个村(社区)")})
    return region


def _reward_shares(village: Region, year: int, pool: Decimal, params: RewardParams, today: dt.date | None) -> list[Any]:
    people = [
        r
        for r in reward_eligible(
            village_code=village.code, year=year, min_months=params.reward_min_months_in_post, today=today
        )
        if r["eligible"]
    ]
    if not people:
        message = _("该村没有任职满 %(m)s 个月的两委成员") % {"m": params.reward_min_months_in_post}
        raise InvalidInput(errors={"village": message})
    return [
        {"cadre": r["person"].pk, "name": r["person"].name, "post": r["post"], "months": r["months"], "amount": str(a)}
        for r, a in zip(people, split_evenly(pool, len(people)), strict=True)
    ]


@transaction.atomic
def reward_propose(
    *,
    actor: User,
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
    params = RewardParams.of(policy_resolve(village.code, dt.date(year, 12, 31)))
    pool = reward_pool(to_fen(income), to_fen(previous_income), params.reward_rate, params.reward_cap_share)
    if pool <= 0:
        raise InvalidInput(errors={"income": _("当年经营收益没有比上年增长,不产生奖励")})
    shares = _reward_shares(village, year, pool, params, today)
    try:
        with transaction.atomic():
            reward = CollectiveReward.objects.create(
                village=village,
                year=year,
                income=to_fen(income),
                previous_income=to_fen(previous_income),
                pool=pool,
                shares=shares,
                decision_ref=decision_ref.strip()[:100],
                created_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict(_("该村 %(y)s 年度的奖励已经申报") % {"y": year}, field="year") from exc
    audit_record(
        actor=actor,
        action=PayrollAction.REWARD_PROPOSE,
        obj=reward,
        region_code=village.code,
        changes={"year": year, "pool": [None, str(pool)], "cadres": [None, len(shares)]},
    )
    return reward


@transaction.atomic
def reward_approve(*, actor: User, reward_id: int, approve: bool = True, note: str = "") -> CollectiveReward:
    """R-PAY-08 (flows.REWARD): the township approves (each share becomes an Adjustment of kind
    "reward", paid in the village's next pay run) or rejects, with a reason, a proposed reward."""
    require(actor, account_rules.CADRES_WRITE)
    reward = access_reward(actor=actor, reward_id=reward_id)

    def pay_shares(locked: CollectiveReward) -> None:
        reason = _("%(y)s 年度集体经济发展奖励") % {"y": locked.year}
        Adjustment.objects.bulk_create(
            [
                Adjustment(
                    person_id=s["cadre"],
                    village_id=locked.village_id,
                    kind=Adjustment.Kind.REWARD,
                    amount=Decimal(s["amount"]),
                    reason=reason,
                    created_by=actor,
                )
                for s in locked.shares
            ]
        )

    transition(
        REWARD,
        actor=actor,
        obj=reward,
        name="approve" if approve else "reject",
        reason=note,
        facts={"note": note},
        effect=pay_shares if approve else None,
        changes={"pool": str(reward.pool)},
        region_code=reward.village_id,
    )
    return reward


# ---------------------------------------------------------------------------
# One-off payments: honours (R-PAY-09), condolences (R-PAY-11), corrections
# ---------------------------------------------------------------------------


def _one_off(
    *, actor: User, cadre_id: int, kind: str, amount: Decimal, reason: str, action: str, detail: dict[str, Any]
) -> Adjustment:
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    adj = Adjustment.objects.create(
        person=person,
        village_id=person.village_id,
        kind=kind,
        amount=to_fen(amount),
        reason=reason[:300],
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=action,
        obj=adj,
        region_code=person.village_id,
        changes={"amount": [None, str(adj.amount)], **detail},
    )
    return adj


@transaction.atomic
def honour_award(*, actor: User, cadre_id: int, level: str, title: str) -> Adjustment:
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
    return _one_off(
        actor=actor,
        cadre_id=person.pk,
        kind=Adjustment.Kind.HONOUR,
        amount=OneOffParams.of(policy_resolve(person.village_id)).amount(key),
        reason=_("%(level)s表彰:%(title)s") % {"level": label, "title": title.strip()},
        action=PayrollAction.HONOUR_AWARD,
        detail={"level": level},
    )


@transaction.atomic
def condolence_grant(*, actor: User, cadre_id: int, kind: str) -> Adjustment:
    """R-PAY-11: serious illness 2000, disabled on duty 5000, died on duty 20000 yuan (policy
    condolence_*). Only the category is stored (health data, R-DATA-01): no diagnosis."""
    require(actor, account_rules.CADRES_WRITE)
    if kind not in CONDOLENCE_KINDS:
        raise InvalidInput(errors={"kind": _("请选择慰问类别")})
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    key, label = CONDOLENCE_KINDS[kind]
    return _one_off(
        actor=actor,
        cadre_id=person.pk,
        kind=Adjustment.Kind.CONDOLENCE,
        amount=OneOffParams.of(policy_resolve(person.village_id)).amount(key),
        reason=str(label),
        action=PayrollAction.CONDOLENCE_GRANT,
        detail={"kind": kind},
    )


@transaction.atomic
def adjustment_add(*, actor: User, cadre_id: int, kind: str, amount: Decimal, reason: str) -> Adjustment:
    """A correction or an approved one-off payment, paid in the next run as a line."""
    require(actor, account_rules.CADRES_WRITE)
    person = access_cadre(actor=actor, cadre_id=cadre_id)
    if kind not in Adjustment.Kind.values:
        raise InvalidInput(errors={"kind": _("类别无效")})
    if not reason.strip():
        raise InvalidInput(errors={"reason": _("请填写事由")})
    adj = Adjustment.objects.create(
        person=person,
        village_id=person.village_id,
        kind=kind,
        amount=to_fen(amount),
        reason=reason.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=PayrollAction.ADJUSTMENT_ADD,
        obj=adj,
        region_code=person.village_id,
        changes={"kind": [None, kind], "amount": [None, str(adj.amount)]},
        reason=reason,
    )
    return adj
