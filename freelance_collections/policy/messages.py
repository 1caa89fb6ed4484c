"""What the engine says when something is wrong: a code and its values, not a sentence.

The engine never writes user-facing text. A validation returns ``Message`` values and a refusal
raises ``PolicyError`` (a ``ValueError``, so ``except ValueError`` keeps working); the Odoo layer
(``freelance_collections/tools/engine_messages.py``) turns each code into the user's language and
formats the values (numbers, dates) for it. ``str(message)`` is the English text, for logs and
plain tests.

Values are plain data: ints, Decimals, strings, dates, tuples of strings. The English templates
below use ``str.format`` fields named after the values.
"""

from dataclasses import dataclass

ENGLISH = {
    # discounts.validate_tiers
    "discount.percent_range": "The discount within {days} days is {percent}%; enter more than 0% and less than 100%.",
    "discount.negative_days": "A discount tier has {days} days; enter zero or a positive number of days.",
    "discount.duplicate_days": "Two discount tiers end after {days} days; keep one.",
    "discount.days_too_many": "A discount tier has {days} days; enter at most {maximum} days (ten years).",
    "discount.not_decreasing": "The discount within {days} days ({percent}%) must be smaller than "
    "the one within {previous_days} days ({previous_percent}%).",
    # penalties.validate_rules
    "penalty.tier_negative_days": "A penalty tier is at {days} days late; enter zero or more days.",
    "penalty.tier_days_too_many": "A penalty tier is at {days} days late; enter at most {maximum} days (ten years).",
    "penalty.tier_percent_range": "The penalty tier at {days} days is {percent}%; enter 0 to 100%.",
    "penalty.tiers_out_of_order": "Penalty tiers at {previous_days} and {days} days are out of order: "
    "each tier must come strictly later than the one before it.",
    "penalty.tier_decreasing": "The penalty tier at {days} days ({percent}%) is lower than the one "
    "at {previous_days} days ({previous_percent}%): tiers state the total surcharge, "
    "which can only grow.",
    "penalty.fixed_fee_negative": "The fixed fee cannot be negative.",
    "penalty.band_fee_negative": "The fixed fee from a debt of {min_debt} cannot be negative.",
    "penalty.first_band_not_zero": "The first fixed-fee band must start at a debt of 0.",
    "penalty.bands_out_of_order": "Fixed-fee bands from {previous_min_debt} and {min_debt} are out of order: "
    "each band must start at a larger debt than the one before it.",
    "penalty.unknown_fixed_fee_mode": "Unknown fixed fee mode '{mode}'; use 'once' or 'per_tier'.",
    "penalty.unknown_interest_mode": "Unknown interest mode '{mode}'; use none, fixed or reference.",
    "penalty.annual_rate_range": "The annual interest rate is {rate}%; enter 0 to 100%.",
    "penalty.day_count": "The day count is {day_count}; use 360, 365 or 366.",
    "penalty.grace_negative": "The grace period cannot be negative.",
    "penalty.cap_percent_range": "The cap is {percent}% of the invoice; enter 0 to 100%.",
    "penalty.cap_amount_negative": "The cap amount cannot be negative.",
    "penalty.minimum_charge_negative": "The minimum amount worth charging cannot be negative.",
    # penalties: computing
    "penalty.no_reference_rate": "No reference rate on or before {date}: add the rate in force then.",
    "penalty.no_installment": "An invoice needs at least one installment to compute penalties.",
    # stages.validate_stages
    "stage.duplicate_key": "Two stages share the same key; each stage must be distinct.",
    "stage.out_of_order": "Stages '{previous_name}' ({previous_days} days) and '{name}' ({days} days) "
    "are out of order: each stage must be reached strictly later than the one before it.",
    "stage.days_too_many": "Stage '{name}' is reached at {days} days; enter from -{maximum} to {maximum} days "
    "(ten years either side of the due date).",
    # schedule.validate_deposit_lines, validate_plan, split_equal
    "deposit.no_line": "Add at least one deposit line.",
    "deposit.line_percent_range": "Line {line} is {percent}%; each line must be more than 0% and at most 100%.",
    "deposit.unknown_trigger": "Line {line} has an unknown trigger '{trigger}'; use one of {triggers}.",
    "deposit.negative_days": "Line {line} has {days} days; enter zero or a positive number of days.",
    "deposit.days_too_many": "Line {line} has {days} days; enter at most {maximum} days (ten years).",
    "deposit.missing_fixed_date": "Line {line} is due on a fixed date: enter the date.",
    "deposit.total_not_100": "Deposit lines add up to {total:f}%; they must add up to 100%.",
    "payment_plan.no_installment": "A payment plan needs at least one installment, not {count}.",
    "payment_plan.too_long": "{count} installments every {months} months end {span} months after the first one; "
    "a payment plan runs at most {maximum} months (ten years).",
    # fee_invoicing
    "fee_invoice.negative_interval": "The late-fee invoice interval cannot be negative.",
    "reminder.negative_repeat": "A reminder cannot repeat every negative number of days.",
    # overpayment
    "overpayment.negative_payment": "A payment of {amount} is negative; a payment received is zero or more.",
    # autopay
    "autopay.retry_days": 'The autopay retries are days after the charge, such as "1, 3, 7"; "{item}" is not '
    "a number of days above 0.",
    "autopay.retry_days_too_many": 'The autopay retry "{item}" is more than {maximum} days (ten years) after the '
    "charge: enter fewer days.",
    # rates: the publishers' answers (a changed layout, an error page) and the derivation rules
    "rates.not_text": "the answer is not text",
    "rates.empty": "the answer is empty",
    "rates.web_page": "the answer is a web page (HTML/XML), not CSV",
    "rates.no_rate": "the answer holds no rate",
    "rates.ecb_columns": "no TIME_PERIOD and OBS_VALUE columns in the ECB answer",
    "rates.boe_header": "the Bank of England answer does not start with DATE,{series}",
    "rates.unknown_source": "unknown rate source '{source}'",
    "rates.unknown_rule": "unknown half-year rule '{rule}'; use eu, uk or be",
    # bounds: every number and date a user gives the addon
    "bounds.not_finite": "{field} is {value}: enter a finite number.",
    "bounds.amount_too_large": "{field} is {amount}: the addon books amounts up to {maximum}; enter a smaller number.",
    "bounds.integer_too_large": "{field} is {value}: enter a whole number from -{maximum} to {maximum}.",
    "bounds.not_a_date": "{field} is {value}: enter a date (year-month-day).",
    "bounds.date_range": "{field} is {date}: enter a date from {minimum} to {maximum}.",
    "bounds.days_negative": "{field} is {days} days: enter zero or more days.",
    "bounds.days_too_many": "{field} is {days} days: enter at most {maximum} days (ten years).",
}

#: Every code the engine can produce.
CODES = tuple(ENGLISH)


def _english_value(value):
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Message:
    """One thing the engine has to say: ``code`` (one of CODES) and ``values``, pairs (name, value)."""

    code: str
    values: tuple = ()

    def __post_init__(self):
        if self.code not in ENGLISH:
            raise KeyError(f"Unknown engine message code {self.code!r}")

    @classmethod
    def of(cls, code, **values):
        return cls(code, tuple(values.items()))

    @property
    def params(self):
        """The values as a dict."""
        return dict(self.values)

    def __str__(self):
        return ENGLISH[self.code].format(**{name: _english_value(value) for name, value in self.values})


class PolicyError(ValueError):
    """The engine refuses its input: ``messages`` say why (``str()`` is the English text)."""

    def __init__(self, *messages):
        self.messages = tuple(messages)
        super().__init__(" ".join(str(message) for message in self.messages))

    @property
    def codes(self):
        return [message.code for message in self.messages]
