"""Division codes: pure rules over the 12-digit national statistical codes.

A code's significant prefix is 2 digits for a province, 4 for a prefecture,
6 for a county, 9 for a township and 12 for a village; the rest is zeros.
"Everything under X" is a prefix match on that significant part.
"""

from __future__ import annotations

PROVINCE = "province"
PREFECTURE = "prefecture"
COUNTY = "county"
TOWNSHIP = "township"
VILLAGE = "village"

LEVELS: tuple[str, ...] = (PROVINCE, PREFECTURE, COUNTY, TOWNSHIP, VILLAGE)
PREFIX_LENGTH: dict[str, int] = {PROVINCE: 2, PREFECTURE: 4, COUNTY: 6, TOWNSHIP: 9, VILLAGE: 12}
LEVEL_BY_LENGTH: dict[int, str] = {n: level for level, n in PREFIX_LENGTH.items()}
CODE_LENGTH = 12


class BadCode(ValueError):
    pass


def normalize_code(raw: str) -> str:
    """Return the 12-digit code for a 2/4/6/9/12-digit code, or raise BadCode."""
    code = (raw or "").strip()
    if not code.isdigit() or len(code) not in LEVEL_BY_LENGTH:
        raise BadCode(f"区划代码应为 2、4、6、9 或 12 位数字: {raw!r}")
    return code.ljust(CODE_LENGTH, "0")


def level_of(code: str) -> str:
    """The level a (12-digit or short) code names, from its trailing zeros."""
    full = normalize_code(code)
    if full[2:] == "0" * 10:
        return PROVINCE
    if full[4:] == "0" * 8:
        return PREFECTURE
    if full[6:] == "0" * 6:
        return COUNTY
    if full[9:] == "000":
        return TOWNSHIP
    return VILLAGE


def prefix_of(code: str, level: str | None = None) -> str:
    """The significant prefix of a code: what every code under it starts with."""
    full = normalize_code(code)
    return full[: PREFIX_LENGTH[level or level_of(full)]]


def parent_code(code: str, level: str | None = None) -> str | None:
    """The 12-digit code of the region one level up, or None for a province."""
    lvl = level or level_of(code)
    index = LEVELS.index(lvl)
    if index == 0:
        return None
    return normalize_code(code)[: PREFIX_LENGTH[LEVELS[index - 1]]].ljust(CODE_LENGTH, "0")


def ancestors(code: str, level: str | None = None) -> list[str]:
    """Codes from the region itself up to its province, nearest first."""
    chain: list[str] = []
    current: str | None = normalize_code(code)
    lvl: str | None = level or level_of(code)
    while current is not None and lvl is not None:
        chain.append(current)
        current = parent_code(current, lvl)
        index = LEVELS.index(lvl)
        lvl = LEVELS[index - 1] if index > 0 else None
    return chain


def is_under(code: str, ancestor_prefix: str) -> bool:
    """True when `code` lies inside (or is) the region with that prefix."""
    return normalize_code(code).startswith(ancestor_prefix)
