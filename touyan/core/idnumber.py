"""National ID numbers (GB 11643-1999), pure: validate, derive, mask (R-DATA-03, R-DATA-05).

An 18-character number is a 6-digit region code, an 8-digit birth date, a
3-digit sequence (odd for men, even for women) and a check character computed
with the ISO 7064 MOD 11-2 weights.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
    if not EARLIEST_BIRTH <= birth <= (today or dt.date.today()):
        raise BadIdNumber("身份证号中的出生日期不合理")
    if check_char(number[:17]) != number[17]:
        raise BadIdNumber("身份证号校验位错误,请核对")
    gender = "male" if int(number[16]) % 2 == 1 else "female"
    return IdFacts(number=number, birth_date=birth, gender=gender, region_code=number[:6])


def mask_id(number: str, keep_first: int = 6, keep_last: int = 4) -> str:
    """`522301********1234`: one mask everywhere (R-DATA-05), so masks cannot be stitched."""
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
