"""Pure rules of village affairs: 四议两公开 quorums and majorities, the spending bands and their
signers, disclosure periods and deadlines, objection reply dates, and what a public page may show.

No ORM here: plain values in, plain values out; money as Decimal. Each rule names its SPEC id.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# --- WF-3 / R-DEC-01…03: the six steps -------------------------------------------------------------

STEP_LABELS = {
    1: gettext_lazy("党组织提议"),
    2: gettext_lazy("两委会商议"),
    3: gettext_lazy("党员大会审议"),
    4: gettext_lazy("村民(代表)会议决议"),
    5: gettext_lazy("决议公开"),
    6: gettext_lazy("实施结果公开"),
}
ASSEMBLY = "assembly"  # 村民会议
REPRESENTATIVES = "representatives"  # 村民代表会议

# R-DEC-03's scope: the categories that always go through 四议两公开, whatever the amount.
MAJOR_CATEGORIES = frozenset(
    {"charter", "plan_budget", "land_assets", "borrowing", "project", "compensation", "collective_reward"}
)


@dataclass(frozen=True)
class Meeting:
    """What a step's record says: those due to attend, present, voting yes and no."""

    step: int
    due: int
    present: int
    yes: int
    no: int
    kind: str = ""  # step 4: assembly or representatives
    households_due: int | None = None
    households_present: int | None = None


def meeting_errors(m: Meeting) -> dict[str, str]:
    """Counts that cannot be (a field → message): more present than due, more votes than present."""
    errors: dict[str, str] = {}
    for name in ("due", "present", "yes", "no"):
        if getattr(m, name) < 0:
            errors[name] = _("人数不能为负数")
    if errors:
        return errors
    if m.present > m.due:
        errors["present"] = _("实到人数 %(p)s 不能多于应到人数 %(d)s") % {"p": m.present, "d": m.due}
    elif m.yes + m.no > m.present:
        errors["yes"] = _("赞成与反对票合计 %(v)s 不能多于实到人数 %(p)s") % {"v": m.yes + m.no, "p": m.present}
    if m.households_due is not None or m.households_present is not None:
        hd, hp = m.households_due or 0, m.households_present or 0
        if hd < 0 or hp < 0 or hp > hd:
            errors["households_present"] = _("到会户数须在 0 到应到户数之间")
    return errors


def _two_thirds(present: int, due: int) -> bool:
    return present * 3 >= due * 2


def _more_than_half(part: int, whole: int) -> bool:
    return part * 2 > whole


def step_refusal(m: Meeting) -> tuple[str, str] | None:
    """R-DEC-01 / R-ORG-08: why a step's meeting does not carry the matter, as (field, message), or None.

    Step 3 (党员大会): at least 2/3 of the members due attend, and the yes votes are more than half
    of **all members due** (30 due: 19 present fails, 20 present with 15 yes fails, 16 yes passes).
    Step 4, villagers' assembly: more than half of the villagers aged 18+ attend, or at least 2/3 of
    the households; representatives' assembly: at least 2/3 of its members attend; either way the
    yes votes are more than half of those present. Steps 1–2 (the Party organisation's, the two
    committees' meetings): more than half of the members attend and more than half of those present
    agree. Steps 5–6 are disclosures: no vote.
    """
    if m.step in (5, 6):
        return None
    if m.due <= 0:
        return "due", _("请填写应到人数")
    if m.step == 3:
        if not _two_thirds(m.present, m.due):
            need = -(-m.due * 2 // 3)
            return "present", _("党员大会须有三分之二以上党员到会:应到 %(d)s 人,至少 %(n)s 人到会,实到 %(p)s 人") % {
                "d": m.due,
                "n": need,
                "p": m.present,
            }
        if not _more_than_half(m.yes, m.due):
            return "yes", _("须经应到党员过半数同意:应到 %(d)s 人,至少 %(n)s 票赞成,实得 %(y)s 票") % {
                "d": m.due,
                "n": m.due // 2 + 1,
                "y": m.yes,
            }
        return None
    if m.step == 4:
        if m.kind == REPRESENTATIVES:
            if not _two_thirds(m.present, m.due):
                return "present", _("村民代表会议须有三分之二以上代表到会:应到 %(d)s 人,实到 %(p)s 人") % {
                    "d": m.due,
                    "p": m.present,
                }
        else:
            by_people = _more_than_half(m.present, m.due)
            by_households = bool(m.households_due) and _two_thirds(m.households_present or 0, m.households_due or 0)
            if not (by_people or by_households):
                message = _("村民会议须有本村十八周岁以上村民过半数,或本村三分之二以上的户的代表参加")
                return "present", f"{message}:" + _("应到 %(d)s 人,实到 %(p)s 人") % {"d": m.due, "p": m.present}
        if not _more_than_half(m.yes, m.present):
            return "yes", _("须经到会人员过半数同意:实到 %(p)s 人,至少 %(n)s 票赞成,实得 %(y)s 票") % {
                "p": m.present,
                "n": m.present // 2 + 1,
                "y": m.yes,
            }
        return None
    if not _more_than_half(m.present, m.due):
        return "present", _("须有过半数成员到会:应到 %(d)s 人,实到 %(p)s 人") % {"d": m.due, "p": m.present}
    if not _more_than_half(m.yes, m.present):
        return "yes", _("须经到会成员过半数同意:实到 %(p)s 人,实得 %(y)s 票赞成") % {"p": m.present, "y": m.yes}
    return None


def next_step(done: set[int], merged_1_2: bool) -> int | None:
    """WF-3: the next step due, in order (1–2 count as one when merged, R-DEC-02)."""
    finished = set(done) | ({2} if merged_1_2 and 1 in done else set())
    for n in range(1, 7):
        if n not in finished:
            return n
    return None


def needs_decision(category: str, amount: Decimal | None, threshold: Decimal) -> bool:
    """R-DEC-03: a matter of the listed scope, or any spend of `major_matter_threshold` (50,000) or more."""
    return category in MAJOR_CATEGORIES or (amount is not None and amount >= threshold)


def may_merge_1_2(*, one_shoulder: bool, policy_allows: bool) -> bool:
    """R-DEC-02: steps 1–2 merge only in a one-shoulder village and where the region allows it."""
    return one_shoulder and policy_allows


# --- R-FIN-01/02: spending bands and the order of signatures ----------------------------------------

SIGNER_LABELS = {
    "supervision": gettext_lazy("村务监督委员会审核"),
    "head": gettext_lazy("书记或主任审批"),
    "committees": gettext_lazy("两委会议研究"),
    "liaison": gettext_lazy("包村干部审核"),
    "township": gettext_lazy("乡镇审批"),
    "accountant": gettext_lazy("乡镇代理会计审核记账"),
}


@dataclass(frozen=True)
class Band:
    band: int
    signers: tuple[str, ...]
    needs_decision: bool
    works_audit: bool


def spending_band(
    amount: Decimal,
    *,
    band_1: Decimal,
    band_2: Decimal,
    major_threshold: Decimal,
    works_audit_threshold: Decimal,
    is_works: bool = False,
) -> Band:
    """R-FIN-02 with R-FIN-01's order. ≤ band_1 (5,000): both committees' heads sign; ≤ band_2
    (20,000): a meeting of both committees plus the liaison official; above: 四议两公开 plus the
    township's approval. A spend of `major_matter_threshold` or more needs a closed decision in any
    band (R-DEC-03). Every band: the spender (who files it) → supervision committee → … → the
    township's accountant, who checks and books it (村账乡代管). Works ≥ 80,000 are audited."""
    signers: tuple[str, ...]
    if amount <= band_1:
        band, signers = 1, ("supervision", "head", "accountant")
    elif amount <= band_2:
        band, signers = 2, ("supervision", "committees", "liaison", "accountant")
    else:
        band, signers = 3, ("supervision", "head", "township", "accountant")
    return Band(
        band=band,
        signers=signers,
        needs_decision=band == 3 or amount >= major_threshold,
        works_audit=is_works and amount >= works_audit_threshold,
    )


# --- R-OPEN-01…03: periods, deadlines, objections -----------------------------------------------------

PERIOD_RE = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]|\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class Period:
    """A disclosure period: a year, a half, a quarter, a month or a day ("2026", "2026-H1",
    "2026-Q1", "2026-03", "2026-03-15")."""

    code: str
    kind: str  # annual | semiannual | quarterly | monthly | day
    start: dt.date
    end: dt.date


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


@lru_cache(maxsize=4096)  # pure, and asked for the same few codes once per village and item
def parse_period(raw: str) -> Period:
    """Parse a period code; ValueError with a Chinese message when it is not one."""
    text = (raw or "").strip().upper()
    m = PERIOD_RE.match(text)
    if not m:
        raise ValueError(_("期间格式应为 2026、2026-H1、2026-Q1、2026-03 或 2026-03-15"))
    year = int(m.group(1))
    part, day = m.group(2), m.group(3)
    if not 2000 <= year <= 2100:
        raise ValueError(_("年度无效"))
    if part is None:
        return Period(text, "annual", dt.date(year, 1, 1), dt.date(year, 12, 31))
    if part.startswith("H") and day is None:
        half = int(part[1])
        start = dt.date(year, 1 if half == 1 else 7, 1)
        return Period(text, "semiannual", start, _month_end(year, 6 if half == 1 else 12))
    if part.startswith("Q") and day is None:
        q = int(part[1])
        return Period(text, "quarterly", dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q))
    if part.isdigit() and 1 <= int(part) <= 12:
        month = int(part)
        if day is None:
            return Period(f"{year}-{month:02d}", "monthly", dt.date(year, month, 1), _month_end(year, month))
        try:
            d = dt.date(year, month, int(day))
        except ValueError:
            raise ValueError(_("日期无效")) from None
        return Period(d.isoformat(), "day", d, d)
    raise ValueError(_("期间格式应为 2026、2026-H1、2026-Q1、2026-03 或 2026-03-15"))


def effective_schedule(schedule: str, *, finance_period: str, party_period: str) -> str:
    """An entry's schedule with the region's finance and Party-affairs periods filled in (R-OPEN-01/02)."""
    if schedule == "finance":
        return finance_period
    if schedule == "party":
        return party_period
    return schedule


def period_of(schedule: str, day: dt.date) -> Period | None:
    """The period of a schedule that contains `day` (None for at_once items)."""
    if schedule == "monthly":
        return parse_period(f"{day.year}-{day.month:02d}")
    if schedule == "quarterly":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    if schedule == "semiannual":
        return parse_period(f"{day.year}-H{1 if day.month <= 6 else 2}")
    if schedule == "annual":
        return parse_period(str(day.year))
    return None


def disclosure_deadline(period: Period, disclosure_day: int) -> dt.date:
    """R-OPEN-02: a period's items are posted by `quarter_disclosure_day` (20) of the month after it
    ends — for a quarter the first month of the next quarter; the same day of the next month for a
    month, of January or July for a half-year, of January for a year."""
    after = period.end + dt.timedelta(days=1)
    return dt.date(after.year, after.month, min(disclosure_day, 28))


def last_closed_period(schedule: str, today: dt.date) -> Period | None:
    """The latest period of the schedule that has ended before today (what must be posted next)."""
    current = period_of(schedule, today)
    if current is None:
        return None
    return period_of(schedule, current.start - dt.timedelta(days=1))


def reply_due(filed_on: dt.date, reply_days: int) -> dt.date:
    """R-OPEN-03: an objection is answered within `objection_reply_days` (10) calendar days."""
    return filed_on + dt.timedelta(days=reply_days)


# --- R-DATA-05 / R-OPEN-04: nothing on a public page identifies a person beyond name and post -------

_ID_OR_LONG_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15,19})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
HIDDEN = "〔已隐去〕"


def redact_personal(text: str) -> str:
    """Replace ID numbers (and other 15–19-digit numbers: bank cards), mobile and landline numbers
    by a mark (R-DATA-05: public notices carry names and posts only; R-OPEN-04)."""
    if not text:
        return text
    out = _ID_OR_LONG_NUMBER.sub(HIDDEN, text)
    out = _MOBILE.sub(HIDDEN, out)
    return _LANDLINE.sub(HIDDEN, out)


def has_personal(text: str) -> bool:
    return redact_personal(text) != text


def redact_table(table: dict[str, Any] | None) -> dict[str, Any] | None:
    """redact_personal over every cell of a disclosure's table."""
    if not table:
        return table
    return {
        "columns": [redact_personal(str(c)) for c in table.get("columns", [])],
        "rows": [[redact_personal(str(c)) for c in row] for row in table.get("rows", [])],
    }


# --- R-DEC-04: a power's flow drawn as a chart (server-side SVG, readable without scripts) ------------


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int
    text: str
    n: int


def flow_layout(steps: tuple[str, ...] | list[str], width: int = 300, box_h: int = 34, gap: int = 16) -> list[Box]:
    """A vertical chart of a power's steps: one box per step, arrows between (drawn by the template)."""
    return [Box(x=10, y=10 + i * (box_h + gap), w=width - 20, h=box_h, text=s, n=i + 1) for i, s in enumerate(steps)]


def flow_height(n_steps: int, box_h: int = 34, gap: int = 16) -> int:
    return 20 + n_steps * box_h + max(n_steps - 1, 0) * gap
