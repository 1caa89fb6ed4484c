"""The bounds of every number and date a user gives the addon, one home for all of them.

- Numbers must be finite: NaN and infinities are refused (Odoo would fail converting them).
- Amounts (fees, caps, thresholds, installments, retainers) at most ``MAX_AMOUNT``: the largest
  invoice amount the addon books. Beyond it Odoo's floats no longer keep the cents of a sum of such
  invoices (2**53 cents is about 9 * 10**13), so nothing above it can be charged exactly.
- Counts of days (stage days, tiers, delays, intervals, notices, retries) at most ``MAX_DAYS``, ten
  years; before the due date too (a stage at -3650 days).
- Dates from ``MIN_DATE`` to ``MAX_DATE`` (1900 to 2100).
- Whole numbers fit PostgreSQL's ``integer`` column (``MAX_INTEGER``).

Each check returns a list of ``Message`` values (empty when the value is fine); FIELD is the name of
what is checked, in the user's words (the Odoo layer passes the field's label).
"""

import math
from datetime import date
from decimal import Decimal

from .messages import Message
from .money import to_decimal

MAX_AMOUNT = Decimal(10) ** 12
MAX_DAYS = 3660
MAX_MONTHS = 120
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
MAX_INTEGER = 2**31 - 1


def is_finite(value):
    """Whether VALUE (an int, float, Decimal or numeric string) is a finite number."""
    if value is None:
        return False
    if isinstance(value, bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    try:
        return to_decimal(value).is_finite()
    except (ArithmeticError, ValueError, TypeError):
        return False


def check_number(field, value):
    """A float of the addon: finite, at most MAX_AMOUNT either way (no percent, rate or amount of
    the addon is larger)."""
    if not is_finite(value):
        return [Message.of("bounds.not_finite", field=field, value=str(value))]
    if abs(to_decimal(value)) > MAX_AMOUNT:
        return [Message.of("bounds.amount_too_large", field=field, amount=to_decimal(value), maximum=MAX_AMOUNT)]
    return []


def check_integer(field, value):
    """A whole number of the addon: what PostgreSQL's integer column holds."""
    if isinstance(value, float) and not math.isfinite(value):
        return [Message.of("bounds.not_finite", field=field, value=str(value))]
    if abs(int(value)) > MAX_INTEGER:
        return [Message.of("bounds.integer_too_large", field=field, value=int(value), maximum=MAX_INTEGER)]
    return []


def check_date(field, value):
    """A date of the addon: from MIN_DATE to MAX_DATE."""
    if value and not MIN_DATE <= value <= MAX_DATE:
        return [Message.of("bounds.date_range", field=field, date=value, minimum=MIN_DATE, maximum=MAX_DATE)]
    return []


def not_a_date(field, value):
    """The message refusing VALUE, which is not a date."""
    return Message.of("bounds.not_a_date", field=field, value=str(value))


def check_days(field, value, minimum=None):
    """A count of days: at most MAX_DAYS either way, and not below MINIMUM when given (callers with
    a message of their own for negative days leave it out)."""
    if minimum is not None and value < minimum:
        return [Message.of("bounds.days_negative", field=field, days=value)]
    if abs(value) > MAX_DAYS:
        return [Message.of("bounds.days_too_many", field=field, days=value, maximum=MAX_DAYS)]
    return []
