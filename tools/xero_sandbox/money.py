"""Decimal helpers: Xero keeps money to 2 dp and unit amounts to 2 or 4 dp."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0")
CENT = Decimal("0.01")
UNIT4 = Decimal("0.0001")


def dec(value, default=None):
    """Decimal from an inbound JSON value; ValueError when not a number."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(value) from exc
    if not result.is_finite():
        raise ValueError(value)
    return result


def r2(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def r4(value):
    return value.quantize(UNIT4, rounding=ROUND_HALF_UP)


def num(value):
    """JSON number for output."""
    if value is None:
        return 0.0
    return float(value)
