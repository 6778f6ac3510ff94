"""Benefits beyond the monthly pay, pure (R-PAY-07…12, R-DATA-05): the 一卡通 account's mask, the
collective-economy reward's pool and shares, service months, and the kinds of one-off payment.
No ORM; table-tested with the SPEC's numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from touyan.cadres import rules as cadre_rules
from touyan.core.errors import InvalidInput
from touyan.core.money import to_fen

ZERO = Decimal(0)
TWO_COMMITTEE_POSTS = cadre_rules.HEAD_POSTS | cadre_rules.DEPUTY_POSTS  # 村两委 posts
# The 两委 posts in the order a reward's shares list them.
POST_ORDER = ("PS", "VD", "PDS", "VDD", "PCM", "VM", "CLK", "ACC", "BK")

# R-PAY-09 / R-PAY-11: kind → (policy parameter of its amount, name).
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


def mask_account(account: str) -> str:
    """`6217****1234`: the first and last four digits (R-DATA-05 practice for card numbers)."""
    if len(account) <= 8:
        return "*" * len(account)
    return f"{account[:4]}****{account[-4:]}"


CARD = "card"
PASSBOOK = "passbook"
ACCOUNT_KINDS: dict[str, Any] = {CARD: gettext_lazy("银行卡"), PASSBOOK: gettext_lazy("存折")}
CARD_LENGTHS = range(16, 20)  # bank card numbers: 16 to 19 digits (GB/T 15694, ISO/IEC 7812)


def luhn_ok(digits: str) -> bool:
    """The Luhn check digit of a bank card number (ISO/IEC 7812): 6217000011112220 passes,
    6217000011112222 does not."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return bool(digits) and total % 10 == 0


def check_account(raw: str, kind: str = CARD) -> str:
    """A 一卡通 account number as stored (digits only), or InvalidInput naming `account`/`kind`:
    a bank card has 16–19 digits and a valid Luhn check digit ("62170000", 8 digits, is refused);
    a passbook (存折) account, marked as such, has 8–32 digits and no check digit."""
    if kind not in ACCOUNT_KINDS:
        raise InvalidInput(errors={"kind": _("账户类型应为“银行卡”或“存折”")})
    digits = normalize_account(raw)
    if kind == CARD:
        if len(digits) not in CARD_LENGTHS:
            raise InvalidInput(
                errors={
                    "account": _("银行卡号应为 16 至 19 位数字(现为 %(n)s 位);存折账号请选“存折”") % {"n": len(digits)}
                }
            )
        if not luhn_ok(digits):
            raise InvalidInput(errors={"account": _("银行卡号校验位不符,请核对是否抄错")})
    return digits


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


def reward_members(
    first_posts: dict[int, tuple[dt.date, str]], day: dt.date, min_months: int
) -> list[tuple[int, str, int, bool]]:
    """R-PAY-08: each 两委 member in office on `day` — (person, post, months in post, eligible) from
    their earliest current post — eligible after `min_months`; secretary first, then by post."""
    order = {code: i for i, code in enumerate(POST_ORDER)}
    rows = []
    for person_id, (start, post) in first_posts.items():
        months = months_between(start, day)
        rows.append((person_id, post, months, months >= min_months))
    return sorted(rows, key=lambda r: (order.get(r[1], 99), r[0]))


SHARP_FALL = Decimal("0.5")  # income halved year on year: "a sharp fall" (R-PAY-12), shown, not counted


def is_weak(income: Decimal | None, weak_income: Decimal) -> bool:
    """R-PAY-12: a collective income of the year below weak_income (10,000) makes the village weak."""
    return income is not None and income < weak_income


def sharp_fall(income: Decimal | None, previous: Decimal | None) -> bool:
    """R-PAY-12: the income fell by more than half year on year (shown beside the list)."""
    return income is not None and previous is not None and previous > 0 and income < previous * (1 - SHARP_FALL)


def weak_share(
    incomes: Sequence[Decimal | None], weak: Sequence[bool], threshold: Decimal
) -> tuple[int, Decimal, bool]:
    """R-PAY-12 for a township: (villages with a figure, weak share of them, flagged: share ≥ the
    threshold, 50 %, which cuts the township secretary's bonus). Villages without a figure are
    left out of the share."""
    with_data = sum(1 for i in incomes if i is not None)
    share = (Decimal(sum(weak)) / with_data).quantize(Decimal("0.0001")) if with_data else ZERO
    return with_data, share, with_data > 0 and share >= threshold
