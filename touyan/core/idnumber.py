"""National ID numbers (GB 11643-1999), pure: validate, derive, mask (R-DATA-03, R-DATA-05).

An 18-character number is a 6-digit region code, an 8-digit birth date, a
3-digit sequence (odd for men, even for women) and a check character computed
with the ISO 7064 MOD 11-2 weights.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.utils import timezone

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Province-level codes in use (GB/T 2260), plus 71/81/82 for Taiwan, Hong Kong, Macao.
PROVINCES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42"}
    | {"43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"}
)
EARLIEST_BIRTH = dt.date(1900, 1, 1)


class BadIdNumber(ValueError):
    """The number is not a valid ID number; the message says why, in Chinese."""


@dataclass(frozen=True)
class IdFacts:
    number: str  # normalised: 18 characters, upper-case X
    birth_date: dt.date
    gender: str  # "male" | "female"
    region_code: str  # the first 6 digits


def check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalize(raw: str) -> str:
    return (raw or "").strip().replace(" ", "").upper()


def parse_id(raw: str, today: dt.date | None = None) -> IdFacts:
    """Validate an ID number and derive birth date and gender, or raise BadIdNumber."""
    number = normalize(raw)
    if len(number) != 18:
        raise BadIdNumber("身份证号应为 18 位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise BadIdNumber("身份证号前 17 位应为数字,最后一位为数字或 X")
    if number[:2] not in PROVINCES:
        raise BadIdNumber("身份证号前 6 位不是有效的行政区划代码")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise BadIdNumber("身份证号中的出生日期无效") from exc
    if not EARLIEST_BIRTH <= birth <= (today or timezone.localdate()):
        raise BadIdNumber("身份证号中的出生日期不合理")
    if check_char(number[:17]) != number[17]:
        raise BadIdNumber("身份证号校验位错误,请核对")
    gender = "male" if int(number[16]) % 2 == 1 else "female"
    return IdFacts(number=number, birth_date=birth, gender=gender, region_code=number[:6])


# R-DATA-05: the default mask keeps the region and the check character: `522301***********4`.
MASK_KEEP_FIRST = 6
MASK_KEEP_LAST = 1
# R-DATA-05: from everything one user may see of one person without a reveal, the number stays
# among at least this many numbers that pass the check character.
MIN_CANDIDATES = 1000
TAIL = 4  # the digits a search by "the last four" takes


def mask_id(number: str, keep_first: int = MASK_KEEP_FIRST, keep_last: int = MASK_KEEP_LAST) -> str:
    """`522301***********4`: one mask everywhere (R-DATA-05), so masks cannot be stitched."""
    n = normalize(number)
    hidden = len(n) - keep_first - keep_last
    if hidden <= 0:
        return "*" * len(n)
    return n[:keep_first] + "*" * hidden + n[len(n) - keep_last :]


def mask_phone(phone: str) -> str:
    """`138****5678` for an 11-digit mobile number; others keep only the last 4."""
    p = (phone or "").strip()
    if len(p) == 11 and p.isdigit():
        return p[:3] + "****" + p[7:]
    return "*" * max(len(p) - 4, 0) + p[-4:]


def tail(number: str) -> str:
    """The last four characters, which a search by "the last four digits" looks up (by their keyed
    hash, never shown: R-DATA-05)."""
    return normalize(number)[-TAIL:]


def _shown(masked: str, position: int) -> str | None:
    ch = masked[position] if position < len(masked) else "*"
    return None if ch == "*" else ch


def _birth_window(age: int, on: dt.date) -> tuple[dt.date, dt.date]:
    """The birth dates of a person who is `age` full years old on `on` (first, last)."""

    def years_before(years: int) -> dt.date:
        try:
            return on.replace(year=on.year - years)
        except ValueError:  # 29 February
            return on.replace(year=on.year - years, day=28)

    return years_before(age + 1) + dt.timedelta(days=1), years_before(age)


def candidates(masked: str, *, gender: str | None = None, age: int | None = None, on: dt.date | None = None,
               birth_date: dt.date | None = None) -> int:  # fmt: skip
    """How many valid ID numbers (GB 11643 check character) fit what is shown of one person: the
    masked number (`*` for each hidden character), and the gender, the age on `on` and the birth date
    where they are shown (R-DATA-05). Hidden region digits are taken as the shown village's (a lower
    bound). Sums the check character's weights over dates and sequences separately, so it is quick."""
    masked = normalize(masked)
    if len(masked) != 18:
        raise BadIdNumber("身份证号应为 18 位")
    day = on or timezone.localdate()
    if birth_date is not None:
        dates = [birth_date]
    else:
        first, last = _birth_window(age, day) if age is not None else (EARLIEST_BIRTH, day)
        dates = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    region = "".join(_shown(masked, i) or "0" for i in range(6))
    region_sum = sum(int(d) * w for d, w in zip(region, WEIGHTS[:6], strict=True))
    by_date = [0] * 11
    for d in dates:
        text = d.strftime("%Y%m%d")
        if all(_shown(masked, 6 + i) in (None, ch) for i, ch in enumerate(text)):
            by_date[sum(int(ch) * w for ch, w in zip(text, WEIGHTS[6:14], strict=True)) % 11] += 1
    by_seq = [0] * 11
    for seq in range(1000):
        text = f"{seq:03d}"
        if gender is not None and (int(text[2]) % 2 == 1) != (gender == "male"):
            continue
        if all(_shown(masked, 14 + i) in (None, ch) for i, ch in enumerate(text)):
            by_seq[sum(int(ch) * w for ch, w in zip(text, WEIGHTS[14:17], strict=True)) % 11] += 1
    check = _shown(masked, 17)
    total = 0
    for a, n_dates in enumerate(by_date):
        for b, n_seq in enumerate(by_seq):
            if check is None or CHECK_CHARS[(region_sum + a + b) % 11] == check:
                total += n_dates * n_seq
    return total


@functools.lru_cache(maxsize=64)
def mask_candidates(keep_first: int, keep_last: int) -> int:
    """The fewest candidates a mask leaves when the gender and the age are shown beside it
    (R-DATA-05), over a few sample numbers and days: the policy refuses a mask below MIN_CANDIDATES."""
    samples = ("52230119850101001X", "522301197012318912", "110105194912310021", "440304200002292345")
    days = (dt.date(2026, 3, 1), dt.date(2026, 12, 31))
    fewest: int | None = None
    for raw in samples:
        number = raw[:17] + check_char(raw[:17])
        facts = parse_id(number, today=days[-1])
        masked = mask_id(number, keep_first, keep_last)
        for day in days:
            years = (
                day.year
                - facts.birth_date.year
                - ((day.month, day.day) < (facts.birth_date.month, facts.birth_date.day))
            )
            n = candidates(masked, gender=facts.gender, age=years, on=day)
            fewest = n if fewest is None else min(fewest, n)
    return fewest or 0
