"""Money: yuan as Decimal with two decimals (fen), never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")


def to_fen(value: Decimal | int | str) -> Decimal:
    """Round to the fen, half up, the way Chinese payroll rounds."""
    if isinstance(value, float):  # pragma: no cover - guarded by type checkers too
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def format_yuan(value: Decimal | None) -> str:
    """`¥3,850.00`; an empty string for no value."""
    if value is None:
        return ""
    amount = to_fen(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"
