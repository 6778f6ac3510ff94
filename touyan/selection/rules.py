"""Pure rules of selection and exit: eligibility (R-ELIG-02/03/06, R-POS-03/04), the joint
review's aggregation (R-ELIG-05), due dates in workdays (R-ELIG-04), the exit audit (R-FIN-03).

Facts in, violations out: each violation carries its rule id and a Chinese message. The
selectors gather the facts from the file (posts, records, assessments, stars, collective income).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from touyan.cadres.rules import HEAD_POSTS, Span, age_on

PURPOSES = ("election", "by_election", "appointment", "professional_secretary", "young_professional")
RESULTS = ("clear", "bar_hard", "bar_soft", "unknown")
TWO_COMMITTEES = frozenset({"PS", "PDS", "PCM", "VD", "VDD", "VM", "CLK"})
PARTY_REMOVAL_OR_HEAVIER = frozenset({"removal", "probation", "expulsion"})
SOFT_LOOKBACK_YEARS = 5  # R-ELIG-03: detention, gambling, petitions "within 5 years"
TOP_SHARE = Decimal("0.5")  # R-POS-03: last year's assessment in the township's top ½
# Roles whose exit needs the economic-responsibility audit besides full-time cadres (R-FIN-03, WF-2).
AUDITED_POSTS = frozenset({"VD", "ACC", "BK", "CEO"})
TERM_GAP_DAYS = 90


UNVERIFIED = "unverified"


@dataclass(frozen=True)
class Violation:
    """A failed condition; `bar` "unverified" marks one the file holds no data for (no star
    rating, no collective income, no final annual assessment): listed apart, not a failure."""

    rule: str
    message: str
    condition: str = ""  # which condition failed (tenure, assessment, …), for tests and the folded details
    bar: str = "hard"  # hard | soft | unverified


@dataclass(frozen=True)
class Record:
    kind: str
    level: str
    date: dt.date
    effect_until: dt.date | None


@dataclass(frozen=True)
class EligibilityPolicy:
    criminal_lookback_years: int | None = None
    party_sanction_bar_years: int = 2
    max_age_head: int = 60
    max_age_member: int = 65
    min_tenure_years: int = 3
    min_tenure_years_relaxed: int = 1
    prof_min_collective_income: Decimal = Decimal("100000")
    prof_min_stars: int = 4
    young_age_max: int = 35
    reserve_trained_years: int = 1  # R-TRN-06


@dataclass(frozen=True)
class Candidate:
    birth_date: dt.date
    education_rank: int  # cadres.models.EDUCATION_RANK
    college_rank: int  # the rank of 大专
    full_time_education: bool
    spans: tuple[Span, ...] = ()  # every post on the file
    records: tuple[Record, ...] = ()
    # R-POS-03 facts: None = not on file
    last_year_rank: tuple[int, int] | None = None  # (rank, out of) in the township, last year
    collective_income: Decimal | None = None
    stars: int | None = None
    # R-TRN-06: trained ≥ `reserve_trained_years` as a reserve (training.selectors.reserve_long_enough)
    from_reserves: bool = True


def _years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _in_effect(r: Record, today: dt.date) -> bool:
    return r.effect_until is None or r.effect_until >= today


def bars(records: Iterable[Record], policy: EligibilityPolicy, today: dt.date) -> list[Violation]:
    """R-ELIG-02 hard bars (不能) and R-ELIG-03 soft bars (不宜) found on the file."""
    out: list[Violation] = []
    soft_since = _years_ago(today, SOFT_LOOKBACK_YEARS)
    for r in records:
        if r.kind == "criminal":
            since = _years_ago(today, policy.criminal_lookback_years) if policy.criminal_lookback_years else None
            if since is None or r.date >= since:
                out.append(Violation("R-ELIG-02", _("受过刑事处罚,不能提名"), "criminal"))
        elif r.kind in ("gang", "cult", "incapacity", "pledge_refused"):
            label = {
                "gang": _("涉黑涉恶或村霸,不能提名"),
                "cult": _("参加邪教或非法组织,不能提名"),
                "incapacity": _("无民事行为能力,不能提名"),
                "pledge_refused": _("拒签换届纪律承诺,不能提名"),
            }[r.kind]
            out.append(Violation("R-ELIG-02", label, r.kind))
        elif (
            r.kind == "party_sanction"
            and r.level in PARTY_REMOVAL_OR_HEAVIER
            and (r.level == "expulsion" or r.date >= _years_ago(today, policy.party_sanction_bar_years))
        ):
            out.append(Violation("R-ELIG-02", _("受撤销党内职务以上处分未满影响期,不能提名"), "party_sanction"))
        elif (
            r.kind in ("party_sanction", "gov_sanction", "organisational")
            and r.effect_until
            and r.effect_until >= today
        ):
            out.append(
                Violation(
                    "R-ELIG-02",
                    _("处分或组织处理尚在影响期内(至 %(d)s),不能提名") % {"d": r.effect_until.isoformat()},
                    r.kind,
                )
            )
        elif r.kind == "investigation" and _in_effect(r, today):
            out.append(Violation("R-ELIG-03", _("正在接受纪检监察或司法机关调查,不宜提名"), r.kind, "soft"))
        elif r.kind in ("detention", "gambling", "petition") and r.date >= soft_since:
            label = {
                "detention": _("近五年受过行政拘留,不宜提名"),
                "gambling": _("近五年因赌博或封建迷信受过处罚,不宜提名"),
                "petition": _("近五年组织、煽动非正常上访,不宜提名"),
            }[r.kind]
            out.append(Violation("R-ELIG-03", label, r.kind, "soft"))
        elif r.kind in ("election_fraud", "absent", "encroachment", "dishonest") and _in_effect(r, today):
            label = {
                "election_fraud": _("有贿选或破坏选举行为,不宜提名"),
                "absent": _("长期不在村,不宜提名"),
                "encroachment": _("侵占集体资产资源,不宜提名"),
                "dishonest": _("被列为失信被执行人,不宜提名"),
            }[r.kind]
            out.append(Violation("R-ELIG-03", label, r.kind, "soft"))
    return out


def current_posts(spans: Iterable[Span], day: dt.date) -> set[str]:
    return {s.post for s in spans if s.start <= day and (s.end is None or s.end >= day)}


def line_start(spans: Sequence[Span], post: str, day: dt.date) -> dt.date | None:
    """The first day of the unbroken run of `post` that holds on `day` (terms joined when the gap
    is at most 90 days, as A6.3 counts consecutive terms)."""
    same = sorted((s for s in spans if s.post == post and s.start <= day), key=lambda s: s.start, reverse=True)
    if not same or not (same[0].end is None or same[0].end >= day):
        return None
    start = same[0].start
    for s in same[1:]:
        if s.end is not None and (start - s.end).days <= TERM_GAP_DAYS:
            start = s.start
        else:
            break
    return start


def full_years(start: dt.date, day: dt.date) -> int:
    return age_on(start, day)


def eligibility(
    c: Candidate, policy: EligibilityPolicy, purpose: str, today: dt.date, *, post: str = "", tier: int | None = None
) -> list[Violation]:
    """Every violation of the candidate for `purpose` (A7 GET /cadres/{id}/eligibility).

    All purposes: hard and soft bars (R-ELIG-02/03). Election, by-election, appointment: ages
    (R-ELIG-06; 书记/主任 ≤ 60, others ≤ 65); to the secretary's post for one who does not hold
    it, a reserve trained ≥ 1 year (R-TRN-06). professional_secretary (R-POS-03): holds the
    secretary's post; tenure ≥ 3 years, or ≥ 1 year for a full-time 大专+ graduate or under 35;
    last year's assessment in the township's top ½; collective income ≥ the minimum; Party
    organisation ≥ 4★, and 5★ for tier 1. young_professional (R-POS-04): under 35 and in a
    两委 post other than secretary or director."""
    out = bars(c.records, policy, today)
    age = age_on(c.birth_date, today)
    held = current_posts(c.spans, today)
    if purpose in ("election", "by_election", "appointment", "professional_secretary"):
        target = post or ("PS" if purpose == "professional_secretary" else "")
        head = target in HEAD_POSTS if target else bool(held & HEAD_POSTS)
        limit = policy.max_age_head if head else policy.max_age_member
        if age > limit:
            out.append(
                Violation(
                    "R-ELIG-06",
                    _("年龄 %(a)s 岁,超过%(who)s任职年龄上限 %(n)s 岁")
                    % {"a": age, "n": limit, "who": _("书记、主任") if head else _("两委成员")},
                    "age",
                )
            )
    if purpose in ("election", "by_election", "appointment") and post == "PS" and "PS" not in held:
        out.extend(_new_secretary(c, policy))
    if purpose == "professional_secretary":
        out.extend(_professional_secretary(c, policy, today, age, held, tier))
    if purpose == "young_professional":
        if age >= policy.young_age_max:
            out.append(
                Violation(
                    "R-POS-04",
                    _("年龄 %(a)s 岁,年轻专业化干部须在 %(n)s 岁以下") % {"a": age, "n": policy.young_age_max},
                    "age",
                )
            )
        proposed: set[str] = {post} if post else held
        if not (proposed & TWO_COMMITTEES) - HEAD_POSTS or (post and post in HEAD_POSTS):
            out.append(Violation("R-POS-04", _("年轻专业化干部须为书记、主任以外的两委成员"), "post"))
    return out


def _new_secretary(c: Candidate, policy: EligibilityPolicy) -> list[Violation]:
    """R-TRN-06: a new secretary (not holding the post now) comes from the reserves, trained as a
    reserve for at least `reserve_trained_years` (1) years."""
    if c.from_reserves:
        return []
    return [
        Violation(
            "R-TRN-06",
            _("新任党组织书记须从培养 %(n)s 年以上的后备干部中产生") % {"n": policy.reserve_trained_years},
            "reserve",
        )
    ]


def _professional_secretary(
    c: Candidate, policy: EligibilityPolicy, today: dt.date, age: int, held: set[str], tier: int | None
) -> list[Violation]:
    out: list[Violation] = []
    start = line_start(c.spans, "PS", today)
    if "PS" not in held or start is None:
        out.append(Violation("R-POS-03", _("须为现任村党组织书记"), "post"))
    else:
        relaxed = (c.full_time_education and c.education_rank >= c.college_rank) or age < 35
        need = policy.min_tenure_years_relaxed if relaxed else policy.min_tenure_years
        years = full_years(start, today)
        if years < need:
            out.append(
                Violation(
                    "R-POS-03",
                    _("任书记 %(y)s 年,不满 %(n)s 年") % {"y": years, "n": need},
                    "tenure",
                )
            )
    if c.last_year_rank is None:
        out.append(Violation("R-POS-03", _("没有上一年度的年度考核结果,未核实"), "assessment", UNVERIFIED))
    else:
        rank, out_of = c.last_year_rank
        # The first of the township is in its top half however few were assessed (one of one).
        if not (out_of > 0 and (rank == 1 or Decimal(rank) <= TOP_SHARE * out_of)):
            out.append(
                Violation(
                    "R-POS-03",
                    _("上一年度考核在本乡镇排第 %(r)s 名(共 %(n)s 人),未进入前二分之一") % {"r": rank, "n": out_of},
                    "assessment",
                )
            )
    if c.collective_income is None:
        out.append(Violation("R-POS-03", _("没有村集体经济收入数据,未核实"), "collective_income", UNVERIFIED))
    elif c.collective_income < policy.prof_min_collective_income:
        out.append(
            Violation(
                "R-POS-03",
                _("村集体经济收入 %(i)s 元,低于 %(n)s 元")
                % {"i": f"{c.collective_income:.2f}", "n": f"{policy.prof_min_collective_income:.2f}"},
                "collective_income",
            )
        )
    if c.stars is None:
        out.append(Violation("R-POS-03", _("村党组织尚未评定星级,未核实"), "stars", UNVERIFIED))
    elif c.stars < policy.prof_min_stars:
        out.append(
            Violation(
                "R-POS-03",
                _("村党组织为 %(s)s 星级,须 %(n)s 星级以上") % {"s": c.stars, "n": policy.prof_min_stars},
                "stars",
            )
        )
    elif tier == 1 and c.stars < 5:
        out.append(Violation("R-PAY-06", _("村党组织五星级以下,不能评为一档"), "tier_stars"))
    return out


# --- joint review (R-ELIG-04/05) --------------------------------------------------------------------
def aggregate(results: Iterable[str]) -> str | None:
    """R-ELIG-05: None while a department has not answered; then any bar_hard → rejected,
    all clear → cleared, otherwise (a bar_soft or an unknown) → soft_flag, for the township."""
    given = list(results)
    if not given or any(r == "" for r in given):
        return None
    if "bar_hard" in given:
        return "rejected"
    if all(r == "clear" for r in given):
        return "cleared"
    return "soft_flag"


def add_workdays(start: dt.date, n: int, is_workday: Callable[[dt.date], bool]) -> dt.date:
    """The n-th workday after `start` (R-ELIG-04: a reply is due `review_sla_workdays` workdays
    after submission)."""
    day = start
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def review_still_valid(answered_on: dt.date, today: dt.date, validity_days: int) -> bool:
    """R-ELIG-05: a review is valid `review_validity_days` (180) days and is not repeated within them."""
    return (today - answered_on).days < validity_days


# --- publicity and appointment (WF-1) ---------------------------------------------------------------
def publicity_end(start: dt.date, days: int) -> dt.date:
    """WF-1: the notice runs `publicity_days` calendar days from the day it is posted."""
    return start + dt.timedelta(days=days - 1)


# --- exit (WF-2, R-FIN-03) --------------------------------------------------------------------------
def exit_needs_audit(post: str, full_time: bool) -> bool:
    """R-FIN-03 / WF-2: the exit economic-responsibility audit is required for full-time cadres,
    villagers' committee directors and finance or collective-economy roles."""
    return full_time or post in AUDITED_POSTS


# Recall (罢免, 村组法 art.16, WF-2): law, not policy — the same in every county.
RECALL_POSTS = frozenset({"VD", "VDD", "VM", "SD", "SM"})  # elected by the villagers
RECALL_BY = ("voters", "representatives")


def recall_petition_problems(
    petition_by: str, signatures: int | None, registered_voters: int | None, representatives: int | None
) -> dict[str, str]:
    """WF-2 recall (村组法 art.16): the petition is signed by at least 1/5 of the registered voters
    or at least 1/3 of the villagers' representatives. Field → Chinese message; empty = valid."""
    errors: dict[str, str] = {}
    if petition_by not in RECALL_BY:
        return {"petition_by": _("请选择联名方式:voters(登记选民)或 representatives(村民代表)")}
    electorate = registered_voters if petition_by == "voters" else representatives
    field_name = "registered_voters" if petition_by == "voters" else "representatives"
    if not electorate:
        errors[field_name] = _("请填写登记选民数") if petition_by == "voters" else _("请填写村民代表人数")
    if signatures is None:
        errors["signatures"] = _("请填写联名人数")
    if errors:
        return errors
    assert signatures is not None and electorate is not None
    if signatures > electorate:
        return {
            "signatures": _("联名人数不能多于%(who)s人数")
            % {"who": _("登记选民") if petition_by == "voters" else _("村民代表")}
        }
    if petition_by == "voters" and signatures * 5 < electorate:
        errors["signatures"] = _("罢免须本村五分之一以上有选举权的村民联名(%(s)s / %(n)s 人)") % {
            "s": signatures,
            "n": electorate,
        }
    if petition_by == "representatives" and signatures * 3 < electorate:
        errors["signatures"] = _("罢免须本村三分之一以上的村民代表联名(%(s)s / %(n)s 人)") % {
            "s": signatures,
            "n": electorate,
        }
    return errors


def recall_vote_problems(registered: int, cast: int, votes_for: int) -> dict[str, str]:
    """The vote's numbers must be possible: votes cast ≤ registered voters, votes for ≤ cast."""
    errors: dict[str, str] = {}
    if registered <= 0:
        errors["registered_voters"] = _("登记选民数须大于 0")
    elif cast > registered:
        errors["votes_cast"] = _("投票人数不能多于登记选民数")
    if votes_for > cast:
        errors["votes_for"] = _("赞成票不能多于投票人数")
    return errors


def recall_passes(registered: int, cast: int, votes_for: int) -> bool:
    """WF-2 recall (村组法 art.16): more than half of the registered voters vote, and more than
    half of the votes cast are for it."""
    return cast * 2 > registered and votes_for * 2 > cast


@dataclass(frozen=True)
class HandoverItem:
    code: str
    label: str


def handover_checklist() -> list[HandoverItem]:
    """R-ORG-10: what the outgoing cadre hands over within `handover_days` (10) of the decision."""
    return [
        HandoverItem("seals", _("公章、印鉴")),
        HandoverItem("books", _("账簿、票据、财务资料")),
        HandoverItem("assets", _("集体资产、资源清单")),
        HandoverItem("archives", _("档案资料")),
        HandoverItem("matters", _("未办结事项")),
    ]


HANDOVER_CODES = ("seals", "books", "assets", "archives", "matters")


def handover_missing(done: Iterable[str]) -> list[HandoverItem]:
    """R-ORG-10: the checklist's items not yet handed over (the exit is filed only when none is)."""
    have = set(done)
    return [i for i in handover_checklist() if i.code not in have]


def handover_overdue(due: dt.date | None, done_on: dt.date | None, today: dt.date) -> bool:
    """R-ORG-10: the handover is overdue when it is not done by `handover_due` (the decision + 10 days)."""
    return due is not None and done_on is None and today > due


@dataclass
class QuotaRow:
    """One township on the county's quota board (R-POS-01/03/04)."""

    code: str
    name: str
    villages: int = 0
    full_time: int = 0
    full_time_quota: int = 0
    prof_secretaries: int = 0
    prof_cap: int = 0
    young: int = 0
    young_cap: int = 0
    villages_over: list[str] = field(default_factory=list)

    @property
    def alerts(self) -> list[str]:
        out = []
        if self.villages_over:
            out.append(_("%(n)s 个村专职干部超过核定职数") % {"n": len(self.villages_over)})
        if self.prof_secretaries > self.prof_cap:
            out.append(_("专业化书记超过比例"))
        if self.young > self.young_cap:
            out.append(_("年轻专业化干部超过比例"))
        return out


# --- the yearly professionalisation list (S2 第十三条, R-POS-03, R-PAY-06) ----------------------------
def list_problems(tiers: Sequence[int], villages: int, share: Decimal) -> list[Violation]:
    """The list as a whole: at most `prof_secretary_share` of the township's villages (R-POS-03);
    the three tiers about a third each (R-PAY-06: no tier above ⌈n/3⌉)."""
    from touyan.cadres.rules import share_cap

    out: list[Violation] = []
    cap = share_cap(share, villages)
    if len(tiers) > cap:
        out.append(
            Violation(
                "R-POS-03",
                _("名单 %(n)s 人,超过本乡镇 %(v)s 个村的比例上限 %(cap)s 人")
                % {"n": len(tiers), "v": villages, "cap": cap},
                "quota",
            )
        )
    if any(t not in (1, 2, 3) for t in tiers):
        out.append(Violation("R-PAY-06", _("档次为一、二、三档"), "tier"))
    limit = -(-len(tiers) // 3)
    for t in (1, 2, 3):
        n = sum(1 for x in tiers if x == t)
        if n > limit:
            out.append(
                Violation(
                    "R-PAY-06",
                    _("%(t)s档 %(n)s 人,三个档次各约三分之一(每档最多 %(m)s 人)") % {"t": t, "n": n, "m": limit},
                    "tier_share",
                )
            )
    return out
