"""The departure allowance (离任生活补贴, R-PAY-10), pure: who may have it, from when, and how much
under the region's strategy — (a) a share of the current secretary base, (b) per term, (c) by
years of service in brackets. Every table is a policy parameter (touyan/policy/params.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from touyan.cadres import rules as cadre_rules
from touyan.cadres.models import EndReason, Gender
from touyan.core.money import to_fen
from touyan.policy.params import DEFAULTS

from .benefits import TWO_COMMITTEE_POSTS, months_between, service_months
from .params import Params

ZERO = Decimal(0)
Level = tuple[int, int, Decimal]  # (continuous years, total years, share of the secretary base)
Bracket = tuple[int, dict[str, Decimal]]  # (from years of service, yuan a month by post)
POST_RANK = ("PS", "VD", "CLK", "ACC")  # the highest post held counts


def pct_levels_of(policy: Params | Mapping[str, Any]) -> tuple[Level, ...]:
    """R-PAY-10 (a): the region's levels (departure_pct_n and its years), highest share first."""
    levels = [
        (
            policy[f"departure_pct_{n}_continuous_years"],
            policy[f"departure_pct_{n}_total_years"],
            policy[f"departure_pct_{n}"],
        )
        for n in (1, 2, 3)
    ]
    return tuple(sorted(levels, key=lambda level: level[2], reverse=True))


def term_rates_of(policy: Params | Mapping[str, Any]) -> dict[str, Decimal]:
    """R-PAY-10 (b): yuan a month per full term for 书记 / 主任 / 文书 (departure_term_rate_*)."""
    return {post: policy[f"departure_term_rate_{post.lower()}"] for post in ("PS", "VD", "CLK")}


def brackets_of(policy: Params | Mapping[str, Any]) -> tuple[Bracket, ...]:
    """R-PAY-10 (c): (years, amounts for 书记 / 主任 / 会计) per bracket, the longest service first."""
    rows = [
        (
            policy[f"departure_bracket_{n}_years"],
            {post: policy[f"departure_bracket_{n}_{post.lower()}"] for post in ("PS", "VD", "ACC")},
        )
        for n in (1, 2, 3)
    ]
    return tuple(sorted(rows, key=lambda row: row[0], reverse=True))


PCT_LEVELS = pct_levels_of(DEFAULTS)  # the SPEC default, highest level first
DIRECTOR_RATIO: Decimal = DEFAULTS["departure_director_ratio"]  # 主任 gets 80 % of the secretary's figure
PER_TERM_RATES = term_rates_of(DEFAULTS)
BRACKETS = brackets_of(DEFAULTS)


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
    """The region's R-PAY-10 parameters; defaults are policy/params.py's."""

    strategy: str = DEFAULTS["departure_strategy"]
    age_men: int = DEFAULTS["departure_age_men"]
    age_women: int = DEFAULTS["departure_age_women"]
    secretary_base_annual: Decimal = DEFAULTS["base_standard_ps"]  # the current secretary base, A6.2
    term_gap_days: int = DEFAULTS["term_gap_days"]
    pct_levels: tuple[Level, ...] = PCT_LEVELS  # (a): highest level first
    director_ratio: Decimal = DIRECTOR_RATIO  # (a): 主任's share of the secretary's figure
    term_rates: Mapping[str, Decimal] = field(default_factory=lambda: dict(PER_TERM_RATES))  # (b)
    brackets: tuple[Bracket, ...] = BRACKETS  # (c): the longest service first

    @classmethod
    def of(cls, policy: Params, secretary_base_annual: Decimal) -> DeparturePolicy:
        """From a resolved policy and the current secretary base (A6.2, `pay.secretary_base_annual`)."""
        return cls(
            strategy=policy["departure_strategy"],
            age_men=policy["departure_age_men"],
            age_women=policy["departure_age_women"],
            secretary_base_annual=secretary_base_annual,
            term_gap_days=policy["term_gap_days"],
            pct_levels=pct_levels_of(policy),
            director_ratio=policy["departure_director_ratio"],
            term_rates=term_rates_of(policy),
            brackets=brackets_of(policy),
        )


@dataclass(frozen=True)
class DepartureResult:
    monthly: Decimal
    start_month: dt.date | None
    problems: tuple[str, ...]
    basis: dict[str, Any] = field(default_factory=dict)

    @property
    def eligible(self) -> bool:
        return not self.problems and self.monthly > 0


def first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _birthday(birth: dt.date, age: int) -> dt.date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # 29 February
        return birth.replace(year=birth.year + age, day=28)


def _standing_problems(facts: DepartureFacts) -> list[str]:
    """R-PAY-10 eligibility: left office normally, never punished, not since in a public post."""
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
    return problems


def departure_amount(facts: DepartureFacts, policy: DeparturePolicy) -> DepartureResult:
    """R-PAY-10: the monthly departure allowance, when it starts and why it cannot be paid.

    Eligible: left office normally (no post held; not removed or recalled), not criminally
    punished, expelled or dismissed, not since employed in a public post; paid from the month
    after reaching 60 (men) or 55 (women), or after leaving office if later. A pension already
    paid is deducted (补差)."""
    problems = _standing_problems(facts)
    age = policy.age_men if facts.gender == Gender.MALE else policy.age_women
    ends = [s.end for s in facts.spans if s.end is not None]
    start_month = first_of_next_month(max([_birthday(facts.birth_date, age), *ends]))
    basis: dict[str, Any] = {"strategy": policy.strategy, "age_threshold": age}
    strategy = STRATEGIES.get(policy.strategy, _bracket_table)
    gross, more = strategy(facts, policy)
    basis |= more
    if gross <= 0:
        problems.append(_("任职年限或职务不符合离任生活补贴条件"))
    monthly = max(ZERO, to_fen(gross - facts.pension_monthly))
    if facts.pension_monthly:
        basis |= {"gross": str(gross), "pension_monthly": str(to_fen(facts.pension_monthly))}
    if gross > 0 and monthly <= 0:
        problems.append(_("已领养老金不低于补贴标准,无需补差"))
    return DepartureResult(monthly=monthly, start_month=start_month, problems=tuple(problems), basis=basis)


def _by_line(facts: DepartureFacts) -> dict[str, list[cadre_rules.Span]]:
    by_line: dict[str, list[cadre_rules.Span]] = defaultdict(list)
    for span in facts.spans:
        by_line[span.post].append(span)
    return by_line


def _pct_of_current_base(facts: DepartureFacts, policy: DeparturePolicy) -> tuple[Decimal, dict[str, Any]]:
    """(a): the share of the current secretary base of the highest level reached (6 continuous or
    9 total years → 10 % …); 主任 at director_ratio of it; the higher figure of the two counts."""
    by_line = _by_line(facts)
    figures: list[tuple[Decimal, str, Decimal, int, int]] = []
    for post, ratio in (("PS", Decimal(1)), ("VD", policy.director_ratio)):
        cont, total = service_months(by_line.get(post, []), policy.term_gap_days)
        pct = next((p for c, t, p in policy.pct_levels if cont >= c * 12 or total >= t * 12), ZERO)
        figures.append((to_fen(policy.secretary_base_annual * pct * ratio / 12), post, pct, cont, total))
    gross, post, pct, cont, total = max(figures, key=lambda f: f[0])
    return gross, {
        "post": post,
        "pct": str(pct),
        "ratio": str(policy.director_ratio if post == "VD" else Decimal(1)),
        "secretary_base_annual": str(policy.secretary_base_annual),
        "continuous_months": cont,
        "total_months": total,
    }


def _per_term(facts: DepartureFacts, policy: DeparturePolicy) -> tuple[Decimal, dict[str, Any]]:
    """(b): the highest post's rate × full terms (36 months) of 两委 service, overlaps counted once."""
    by_line = _by_line(facts)
    held = [p for p in POST_RANK if p in by_line and p in policy.term_rates]
    months = _union_months([s for s in facts.spans if s.post in TWO_COMMITTEE_POSTS])
    terms = months // 36
    gross = to_fen(policy.term_rates[held[0]] * terms) if held else ZERO
    rate = str(policy.term_rates[held[0]]) if held else "0"
    return gross, {"post": held[0] if held else "", "terms": terms, "total_months": months, "rate": rate}


def _bracket_table(facts: DepartureFacts, policy: DeparturePolicy) -> tuple[Decimal, dict[str, Any]]:
    """(c): the amount of the highest post in the longest bracket the years of 两委 service reach."""
    by_line = _by_line(facts)
    posts = policy.brackets[0][1] if policy.brackets else {}
    held = [p for p in POST_RANK if p in by_line and p in posts]
    months = _union_months([s for s in facts.spans if s.post in TWO_COMMITTEE_POSTS])
    row = next((amounts for years, amounts in policy.brackets if months >= years * 12), None)
    gross = row[held[0]] if held and row else ZERO
    return gross, {"post": held[0] if held else "", "total_months": months}


STRATEGIES = {"pct_of_current_base": _pct_of_current_base, "per_term": _per_term, "bracket_table": _bracket_table}


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
