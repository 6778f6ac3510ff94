"""Pure rules of cadre development: hours credited (R-TRN-01), a cadre's yearly requirements and
shortfalls (R-TRN-01/02), certificate allowance (R-TRN-03), secondment length (R-TRN-05) and the
reserve pool of a village (R-TRN-06). Frozen dataclasses in, dataclasses out, Decimal, no ORM."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

ZERO = Decimal(0)
TWO_PLACES = Decimal("0.01")

# Secretaries and the two committees' members need 56 hours, other Party members 32 (R-TRN-01).
SECRETARY_POSTS = frozenset({"PS"})
COMMITTEE_POSTS = frozenset({"PS", "PDS", "PCM", "VD", "VDD", "VM"})
PARTY_STATUSES = frozenset({"party_member", "probationary_member"})
# Levels at or above the prefecture (市级及以上) and at or above the county.
PREFECTURE_UP = frozenset({"prefecture", "province", "national"})
COUNTY_UP = frozenset({"county", "prefecture", "province", "national"})
# Kinds that are not sessions of a level's course (the rotation is counted by itself; an exam is no course).
NOT_A_SESSION = frozenset({"political_rotation", "exam"})
# After a concentrated training (集中培训) a professionalized secretary files a learning report (R-TRN-02, S2).
REPORT_KINDS = frozenset({"central"})
SOCIAL_WORKER_KINDS = ("social_worker_senior", "social_worker", "social_worker_assistant")  # highest first


@dataclass(frozen=True)
class HoursPolicy:
    """How hours are credited (R-TRN-01 [cfg]): a day is `hours_per_day` hours (half a day half of
    it); an online course by its length (one province: ≥ 30 min → 1 h, 15–30 → 0.5, less → 0.25)."""

    hours_per_day: Decimal = Decimal(8)
    online_full_minutes: int = 30
    online_half_minutes: int = 15
    online_full_hours: Decimal = Decimal(1)
    online_half_hours: Decimal = Decimal("0.5")
    online_short_hours: Decimal = Decimal("0.25")


def credited_hours(
    policy: HoursPolicy, *, kind: str, days: Decimal, hours: Decimal | None = None, minutes: int | None = None
) -> Decimal:
    """R-TRN-01: the hours an attendance earns. Hours given outright stand; an online course with a
    length earns by the length's band; otherwise days × hours a day (half a day = 4 h at 8 h a day)."""
    if hours is not None:
        return Decimal(hours).quantize(TWO_PLACES, ROUND_HALF_UP)
    if kind == "online" and minutes is not None:
        if minutes >= policy.online_full_minutes:
            return policy.online_full_hours.quantize(TWO_PLACES)
        if minutes >= policy.online_half_minutes:
            return policy.online_half_hours.quantize(TWO_PLACES)
        return policy.online_short_hours.quantize(TWO_PLACES)
    return (Decimal(days) * policy.hours_per_day).quantize(TWO_PLACES, ROUND_HALF_UP)


@dataclass(frozen=True)
class Requirements:
    """A region's yearly requirements (R-TRN-01/02 [cfg])."""

    hours_member: int = 32
    hours_secretary: int = 56
    prefecture_days: Decimal = Decimal(3)
    township_sessions: int = 2
    township_days: Decimal = Decimal(7)
    rotation_days: Decimal = Decimal(5)
    county_course: bool = True
    new_secretary_months: int = 6
    carry_over_max: Decimal = ZERO


@dataclass(frozen=True)
class CadreYear:
    """One cadre's year: posts held in it, and the sums of their trainings."""

    posts: frozenset[str]
    professionalized: bool = False
    party_member: bool = True
    hours: Decimal = ZERO
    prefecture_days: Decimal = ZERO
    township_sessions: int = 0
    township_days: Decimal = ZERO
    rotation_days: Decimal = ZERO
    county_courses: int = 0
    previous_surplus: Decimal = ZERO  # hours above last year's requirement
    secretary_since: dt.date | None = None  # took office as secretary (a new secretary, R-TRN-01)
    first_training_after: dt.date | None = None  # first training on or after taking office
    reports_missing: int = 0  # concentrated trainings without a learning report (R-TRN-02)
    follow_ups_missing: int = 0  # poor results without an admonition talk and make-up study recorded


@dataclass(frozen=True)
class Shortfall:
    rule: str
    code: str
    message: str


@dataclass(frozen=True)
class Compliance:
    hours: Decimal
    required_hours: int
    shortfalls: tuple[Shortfall, ...] = field(default_factory=tuple)
    pending: tuple[Shortfall, ...] = field(default_factory=tuple)  # owed after trainings (R-TRN-02)


def required_hours(req: Requirements, posts: frozenset[str], party_member: bool) -> int:
    """R-TRN-01: 56 hours for secretaries and the two committees' members, 32 for other Party
    members, none asked of anyone else."""
    if posts & COMMITTEE_POSTS:
        return req.hours_secretary
    return req.hours_member if party_member else 0


def hours_only(posts: frozenset[str]) -> bool:
    """Whether `compliance` reads a cadre's hours alone (anyone but a secretary: R-TRN-01's county
    course and new-secretary rules and all of R-TRN-02 are a secretary's). A region's compliance
    caches results by the facts read, so this must follow `compliance`."""
    return not (posts & SECRETARY_POSTS)


def months_after(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _num(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text


@dataclass(frozen=True)
class Messages:
    """The shortfalls' message templates in the current language, looked up once for a whole region
    (a province's compliance formats tens of thousands of messages)."""

    hours: str
    county_course: str
    new_secretary: str
    prefecture_days: str
    township: str
    rotation: str
    report: str
    follow_up: str

    @classmethod
    def current(cls) -> Messages:
        return cls(
            hours=_("年度学习 %(h)s 学时,不足 %(n)s 学时"),
            county_course=_("本年度未参加县级以上轮训"),
            new_secretary=_("新任书记未在任职后 %(m)s 个月内参加培训"),
            prefecture_days=_("市级以上培训 %(d)s 天,不足 %(n)s 天"),
            township=_("乡镇培训 %(s)s 期 %(d)s 天,应不少于 %(ns)s 期累计 %(nd)s 天"),
            rotation=_("政治轮训 %(d)s 天,不足 %(n)s 天"),
            report=_("%(n)s 次集中培训后未提交学习体会"),
            follow_up=_("%(n)s 次培训考核不合格,未记录约谈和补学"),
        )


def compliance(req: Requirements, c: CadreYear, *, as_of: dt.date, messages: Messages | None = None) -> Compliance:
    """R-TRN-01 and R-TRN-02 for one cadre's year:

    - R-TRN-01 hours ≥ 32 (Party members) or 56 (secretaries and committee members), surplus of last
      year carried up to `carry_over_max`; a secretary takes ≥ 1 county-level (or higher) course; a
      new secretary is trained within 6 months of taking office;
    - R-TRN-02 a professionalized secretary: prefecture (or higher) ≥ 3 days, township ≥ 2 sessions
      totalling ≥ 7 days; a head of a Party organisation: political rotation ≥ 5 days.

    What a professionalized secretary still owes after trainings (learning reports, follow-ups)
    is `pending` (see `follow_through`), apart from the shortfalls of training received.
    """
    m = messages or Messages.current()
    need = required_hours(req, c.posts, c.party_member)
    carried = min(max(c.previous_surplus, ZERO), req.carry_over_max)
    hours = c.hours + carried
    out: list[Shortfall] = []
    if hours < need:
        out.append(
            Shortfall(
                "R-TRN-01",
                "hours",
                m.hours % {"h": _num(hours), "n": need},
            )
        )
    is_secretary = bool(c.posts & SECRETARY_POSTS)
    if is_secretary and req.county_course and c.county_courses < 1:
        out.append(Shortfall("R-TRN-01", "county_course", m.county_course))
    if is_secretary and c.secretary_since is not None:
        due = months_after(c.secretary_since, req.new_secretary_months)
        trained = c.first_training_after is not None and c.first_training_after <= due
        if not trained and due <= as_of:
            out.append(
                Shortfall(
                    "R-TRN-01",
                    "new_secretary",
                    m.new_secretary % {"m": req.new_secretary_months},
                )
            )
    if is_secretary and c.professionalized:
        if c.prefecture_days < req.prefecture_days:
            out.append(
                Shortfall(
                    "R-TRN-02",
                    "prefecture_days",
                    m.prefecture_days % {"d": _num(c.prefecture_days), "n": _num(req.prefecture_days)},
                )
            )
        if c.township_sessions < req.township_sessions or c.township_days < req.township_days:
            out.append(
                Shortfall(
                    "R-TRN-02",
                    "township",
                    m.township
                    % {
                        "s": c.township_sessions,
                        "d": _num(c.township_days),
                        "ns": req.township_sessions,
                        "nd": _num(req.township_days),
                    },
                )
            )
    if is_secretary and c.rotation_days < req.rotation_days:
        out.append(
            Shortfall(
                "R-TRN-02",
                "political_rotation",
                m.rotation % {"d": _num(c.rotation_days), "n": _num(req.rotation_days)},
            )
        )
    return Compliance(hours=hours, required_hours=need, shortfalls=tuple(out), pending=follow_through(c, m))


def follow_through(c: CadreYear, m: Messages) -> tuple[Shortfall, ...]:
    """R-TRN-02 (S2 第六条): after each concentrated training a professionalized secretary files a
    learning report (学习体会); after poor results the township records an admonition talk and
    make-up study. Each one missing is owed, shown beside the shortfalls."""
    if not (c.professionalized and c.posts & SECRETARY_POSTS):
        return ()
    out = []
    if c.reports_missing:
        out.append(Shortfall("R-TRN-02", "learning_report", m.report % {"n": c.reports_missing}))
    if c.follow_ups_missing:
        out.append(Shortfall("R-TRN-02", "follow_up", m.follow_up % {"n": c.follow_ups_missing}))
    return tuple(out)


def surplus(req: Requirements, posts: frozenset[str], party_member: bool, hours: Decimal) -> Decimal:
    """Hours above the year's requirement (carried into the next year up to `carry_over_max`)."""
    return max(hours - required_hours(req, posts, party_member), ZERO)


# --- certificates (R-TRN-03) ---------------------------------------------------------------------


@dataclass(frozen=True)
class HeldCertificate:
    kind: str
    issued_on: dt.date
    expires_on: dt.date | None = None
    revoked_on: dt.date | None = None


def valid_in(cert: HeldCertificate, first: dt.date, last: dt.date) -> bool:
    """Valid on some day of first…last: issued by `last`, not expired or revoked before `first`."""
    if cert.issued_on > last:
        return False
    if cert.expires_on is not None and cert.expires_on < first:
        return False
    return cert.revoked_on is None or cert.revoked_on >= first


def allowance_kind(certs: list[HeldCertificate], first: dt.date, last: dt.date) -> str | None:
    """R-TRN-03: the social-worker certificate a monthly allowance is paid for — the highest valid
    in the month (one allowance a cadre), or None."""
    valid = {c.kind for c in certs if valid_in(c, first, last)}
    for kind in SOCIAL_WORKER_KINDS:
        if kind in valid:
            return kind
    return None


def expiring(cert: HeldCertificate, today: dt.date, within_days: int) -> bool:
    """An expiry alert: the certificate runs out within `within_days` days (or has run out)."""
    return (
        cert.expires_on is not None and cert.revoked_on is None and cert.expires_on <= today + dt.timedelta(within_days)
    )


# --- secondment (R-TRN-05) -----------------------------------------------------------------------


def secondment_long_enough(start: dt.date, end: dt.date, months: int) -> bool:
    """R-TRN-05: a secondment lasts ≥ `months` month(s): its last day is on or after the day before
    the same date `months` later (2026-03-01 … 2026-03-31 is one month)."""
    return end >= months_after(start, months) - dt.timedelta(days=1)


@dataclass(frozen=True)
class SecondmentQuota:
    required_city: int
    required_township: int
    short: bool


def secondment_quota(
    prof_secretaries: int, city: int, township: int, *, city_per_township: int, township_share: Decimal
) -> SecondmentQuota:
    """R-TRN-05: a township with professionalized secretaries sends ≥ `city_per_township` (1) of them a
    year to city agencies and `township_share` (20 %, rounded up) to township agencies."""
    if prof_secretaries == 0:
        return SecondmentQuota(0, 0, False)
    need_city = min(city_per_township, prof_secretaries)
    need_town = int((Decimal(prof_secretaries) * township_share).to_integral_value(rounding="ROUND_CEILING"))
    return SecondmentQuota(need_city, need_town, city < need_city or township < need_town)


# --- reserves (R-TRN-06) -------------------------------------------------------------------------


@dataclass(frozen=True)
class VillagePool:
    professionalized: bool
    secretary_reserves: int
    post_holders: dict[str, int]  # other two-committee post → holders now
    post_reserves: dict[str, int]  # post → reserves for it
    local_talents: int = 0  # reserves drawn from local talents (乡土人才)


@dataclass(frozen=True)
class Sufficiency:
    required: int
    posts_without_reserve: tuple[str, ...]
    short: bool
    talents_short: bool = False  # fewer local talents than asked (S4), shown apart from `short`


OTHER_POSTS = ("PDS", "PCM", "VD", "VDD", "VM")


def sufficiency(pool: VillagePool, *, per_prof_village: int, per_post: int = 1, talents: int = 0) -> Sufficiency:
    """R-TRN-06: ≥ `per_prof_village` (2) secretary reserves for a professionalized village, one for
    any other; 一职一备 — each other two-committee post held has `per_post` reserve(s) for it. The
    posts without any reserve are listed (the secretary's among them when it has none). S4: each
    village keeps 1–2 local talents (`talents`, 1), reported apart (`talents_short`)."""
    required = per_prof_village if pool.professionalized else per_post
    missing = (("PS",) if pool.secretary_reserves == 0 and required else ()) + tuple(
        post
        for post in OTHER_POSTS
        if pool.post_holders.get(post, 0) and pool.post_reserves.get(post, 0) < per_post * pool.post_holders[post]
    )
    short = pool.secretary_reserves < required or bool(missing)
    return Sufficiency(required, missing, short, pool.local_talents < talents)


def trained_years(since: dt.date | None, on: dt.date) -> int:
    """Whole years a reserve has been trained by `on` (R-TRN-06: a new secretary ≥ 1 year)."""
    if since is None or since > on:
        return 0
    years = on.year - since.year - ((on.month, on.day) < (since.month, since.day))
    return max(years, 0)
