"""Exact money helpers: Decimal amounts rounded half-up to a currency's decimal places."""

from decimal import ROUND_HALF_UP, Decimal


def to_decimal(value):
    """Convert an int, str, float (through its shortest repr) or Decimal to Decimal."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value if value is not None else 0)


def round_money(value, digits):
    """Round VALUE half-up to DIGITS decimal places (0, 2 or 3 for real currencies)."""
    return to_decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
