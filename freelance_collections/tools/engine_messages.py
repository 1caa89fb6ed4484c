"""The pure engine's messages (policy/messages.py) in the user's language.

The engine says what is wrong as a code with values; this is the one place that turns a code into
text. ``TERMS`` holds one lazy term per code, with the values as named placeholders: the terms are
exported with the addon's other code terms (``--i18n-export``, i18n/freelance_collections.pot) and
translated in i18n/<lang>.po. The values are formatted for the environment's language: numbers
with the digits the engine gives (as the English text always showed them) and the language's
decimal separator, dates with ``format_date``.
"""

import logging
from datetime import date
from decimal import Decimal

from odoo.tools import LazyTranslate, format_date
from odoo.tools.misc import get_lang

from ..policy.messages import PolicyError

_lt = LazyTranslate(__name__)
_logger = logging.getLogger(__name__)

TERMS = {
    # discounts.validate_tiers
    "discount.percent_range": _lt(
        "The discount within %(days)s days is %(percent)s%%; enter more than 0%% and less than 100%%."
    ),
    "discount.negative_days": _lt("A discount tier has %(days)s days; enter zero or a positive number of days."),
    "discount.duplicate_days": _lt("Two discount tiers end after %(days)s days; keep one."),
    "discount.days_too_many": _lt("A discount tier has %(days)s days; enter at most %(maximum)s days (ten years)."),
    "discount.not_decreasing": _lt(
        "The discount within %(days)s days (%(percent)s%%) must be smaller than "
        "the one within %(previous_days)s days (%(previous_percent)s%%)."
    ),
    # penalties.validate_rules
    "penalty.tier_negative_days": _lt("A penalty tier is at %(days)s days late; enter zero or more days."),
    "penalty.tier_days_too_many": _lt(
        "A penalty tier is at %(days)s days late; enter at most %(maximum)s days (ten years)."
    ),
    "penalty.tier_percent_range": _lt("The penalty tier at %(days)s days is %(percent)s%%; enter 0 to 100%%."),
    "penalty.tiers_out_of_order": _lt(
        "Penalty tiers at %(previous_days)s and %(days)s days are out of order: "
        "each tier must come strictly later than the one before it."
    ),
    "penalty.tier_decreasing": _lt(
        "The penalty tier at %(days)s days (%(percent)s%%) is lower than the one "
        "at %(previous_days)s days (%(previous_percent)s%%): tiers state the total surcharge, "
        "which can only grow."
    ),
    "penalty.fixed_fee_negative": _lt("The fixed fee cannot be negative."),
    "penalty.band_fee_negative": _lt("The fixed fee from a debt of %(min_debt)s cannot be negative."),
    "penalty.first_band_not_zero": _lt("The first fixed-fee band must start at a debt of 0."),
    "penalty.bands_out_of_order": _lt(
        "Fixed-fee bands from %(previous_min_debt)s and %(min_debt)s are out of order: "
        "each band must start at a larger debt than the one before it."
    ),
    "penalty.unknown_fixed_fee_mode": _lt("Unknown fixed fee mode '%(mode)s'; use 'once' or 'per_tier'."),
    "penalty.unknown_interest_mode": _lt("Unknown interest mode '%(mode)s'; use none, fixed or reference."),
    "penalty.annual_rate_range": _lt("The annual interest rate is %(rate)s%%; enter 0 to 100%%."),
    "penalty.day_count": _lt("The day count is %(day_count)s; use 360, 365 or 366."),
    "penalty.grace_negative": _lt("The grace period cannot be negative."),
    "penalty.cap_percent_range": _lt("The cap is %(percent)s%% of the invoice; enter 0 to 100%%."),
    "penalty.cap_amount_negative": _lt("The cap amount cannot be negative."),
    "penalty.minimum_charge_negative": _lt("The minimum amount worth charging cannot be negative."),
    # penalties: computing
    "penalty.no_reference_rate": _lt("No reference rate on or before %(date)s: add the rate in force then."),
    "penalty.no_installment": _lt("An invoice needs at least one installment to compute penalties."),
    # stages.validate_stages
    "stage.duplicate_key": _lt("Two stages share the same key; each stage must be distinct."),
    "stage.out_of_order": _lt(
        "Stages '%(previous_name)s' (%(previous_days)s days) and '%(name)s' (%(days)s days) "
        "are out of order: each stage must be reached strictly later than the one before it."
    ),
    "stage.days_too_many": _lt(
        "Stage '%(name)s' is reached at %(days)s days; enter from -%(maximum)s to %(maximum)s days "
        "(ten years either side of the due date)."
    ),
    # schedule.validate_deposit_lines, validate_plan, split_equal
    "deposit.no_line": _lt("Add at least one deposit line."),
    "deposit.line_percent_range": _lt(
        "Line %(line)s is %(percent)s%%; each line must be more than 0%% and at most 100%%."
    ),
    "deposit.unknown_trigger": _lt("Line %(line)s has an unknown trigger '%(trigger)s'; use one of %(triggers)s."),
    "deposit.negative_days": _lt("Line %(line)s has %(days)s days; enter zero or a positive number of days."),
    "deposit.days_too_many": _lt("Line %(line)s has %(days)s days; enter at most %(maximum)s days (ten years)."),
    "deposit.missing_fixed_date": _lt("Line %(line)s is due on a fixed date: enter the date."),
    "deposit.total_not_100": _lt("Deposit lines add up to %(total)s%%; they must add up to 100%%."),
    "payment_plan.no_installment": _lt("A payment plan needs at least one installment, not %(count)s."),
    "payment_plan.too_long": _lt(
        "%(count)s installments every %(months)s months end %(span)s months after the first one; "
        "a payment plan runs at most %(maximum)s months (ten years)."
    ),
    # fee_invoicing
    "fee_invoice.negative_interval": _lt("The late-fee invoice interval cannot be negative."),
    "reminder.negative_repeat": _lt("A reminder cannot repeat every negative number of days."),
    # overpayment
    "overpayment.negative_payment": _lt("A payment of %(amount)s is negative; a payment received is zero or more."),
    # autopay
    "autopay.retry_days": _lt(
        'The autopay retries are days after the charge, such as "1, 3, 7"; "%(item)s" is not a number of days '
        "above 0."
    ),
    "autopay.retry_days_too_many": _lt(
        'The autopay retry "%(item)s" is more than %(maximum)s days (ten years) after the charge: enter fewer days.'
    ),
    # rates: the publishers' answers and the derivation rules
    "rates.not_text": _lt("the answer is not text"),
    "rates.empty": _lt("the answer is empty"),
    "rates.web_page": _lt("the answer is a web page (HTML/XML), not CSV"),
    "rates.no_rate": _lt("the answer holds no rate"),
    "rates.ecb_columns": _lt("no TIME_PERIOD and OBS_VALUE columns in the ECB answer"),
    "rates.boe_header": _lt("the Bank of England answer does not start with DATE,%(series)s"),
    "rates.unknown_source": _lt("unknown rate source '%(source)s'"),
    "rates.unknown_rule": _lt("unknown half-year rule '%(rule)s'; use eu, uk or be"),
    # bounds: every number and date a user gives the addon
    "bounds.not_finite": _lt("%(field)s is %(value)s: enter a finite number."),
    "bounds.amount_too_large": _lt(
        "%(field)s is %(amount)s: the addon books amounts up to %(maximum)s; enter a smaller number."
    ),
    "bounds.integer_too_large": _lt("%(field)s is %(value)s: enter a whole number from -%(maximum)s to %(maximum)s."),
    "bounds.not_a_date": _lt("%(field)s is %(value)s: enter a date (year-month-day)."),
    "bounds.date_range": _lt("%(field)s is %(date)s: enter a date from %(minimum)s to %(maximum)s."),
    "bounds.days_negative": _lt("%(field)s is %(days)s days: enter zero or more days."),
    "bounds.days_too_many": _lt("%(field)s is %(days)s days: enter at most %(maximum)s days (ten years)."),
}


def format_value(env, value):
    """VALUE of an engine message as text in ENV's language."""
    if isinstance(value, tuple | list):
        return ", ".join(format_value(env, item) for item in value)
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        # the engine's digits, never grouped nor rounded: the language's decimal separator only
        return f"{value:f}".replace(".", get_lang(env).decimal_point or ".")
    if isinstance(value, date):
        return format_date(env, value)
    return str(value)


def translate(env, message):
    """MESSAGE (a policy Message) as text in ENV's language."""
    term = TERMS.get(message.code)
    if term is None:
        _logger.warning("Engine message %s has no translation entry; shown in English", message.code)
        return str(message)
    values = {name: format_value(env, value) for name, value in message.values}
    template = env._(term)
    try:
        return template % values
    except (KeyError, TypeError, ValueError):
        _logger.exception("Bad translation %r of engine message %s", template, message.code)
        return env(context=dict(env.context, lang="en_US"))._(term) % values


def render_messages(env, messages):
    """MESSAGES as a list of texts in ENV's language."""
    return [translate(env, message) for message in messages]


def error_text(env, error):
    """The text of ERROR raised by the engine: its messages translated (a PolicyError), else str()."""
    if isinstance(error, PolicyError):
        return " ".join(render_messages(env, error.messages))
    return str(error)
