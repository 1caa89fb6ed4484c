"""Early-payment discount tiers: "3% within 5 days, 2% within 10, 1% within 15".

The best offer on a date is the tier with the highest percent whose deadline (invoice date +
days) is not past; when it expires the next tier takes over.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .bounds import MAX_DAYS
from .messages import Message
from .money import round_money, to_decimal

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class DiscountTier:
    days: int
    percent: Decimal


@dataclass(frozen=True)
class DiscountOffer:
    tier: DiscountTier
    deadline: date
    discount: Decimal
    amount_to_pay: Decimal


def validate_tiers(tiers):
    """Return what is wrong with discount tiers, as Messages that say what to fix."""
    errors = []
    ordered = sorted(tiers, key=lambda tier: tier.days)
    for tier in ordered:
        percent = to_decimal(tier.percent)
        if percent <= 0 or percent >= HUNDRED:
            errors.append(Message.of("discount.percent_range", days=tier.days, percent=percent))
        if tier.days < 0:
            errors.append(Message.of("discount.negative_days", days=tier.days))
        elif tier.days > MAX_DAYS:
            errors.append(Message.of("discount.days_too_many", days=tier.days, maximum=MAX_DAYS))
    for previous, tier in zip(ordered, ordered[1:], strict=False):
        if previous.days == tier.days:
            errors.append(Message.of("discount.duplicate_days", days=tier.days))
        elif to_decimal(tier.percent) >= to_decimal(previous.percent):
            errors.append(
                Message.of(
                    "discount.not_decreasing",
                    days=tier.days,
                    percent=to_decimal(tier.percent),
                    previous_days=previous.days,
                    previous_percent=to_decimal(previous.percent),
                )
            )
    return errors


def tier_deadline(tier, invoice_date):
    return invoice_date + timedelta(days=tier.days)


def best_tier(tiers, invoice_date, on_date):
    """The tier with the highest percent still open on ON_DATE, or None."""
    open_tiers = [tier for tier in tiers if tier_deadline(tier, invoice_date) >= on_date]
    return max(open_tiers, key=lambda tier: (to_decimal(tier.percent), -tier.days), default=None)


def next_tier(tiers, invoice_date, on_date):
    """The tier that applies the day after the current best tier expires, or None."""
    current = best_tier(tiers, invoice_date, on_date)
    if current is None:
        return None
    return best_tier(tiers, invoice_date, tier_deadline(current, invoice_date) + timedelta(days=1))


def discount_amount(amount, percent, digits):
    return round_money(to_decimal(amount) * to_decimal(percent) / HUNDRED, digits)


def discounted_total(amount, percent, digits):
    return round_money(amount, digits) - discount_amount(amount, percent, digits)


def offer_on(tiers, invoice_date, on_date, amount, digits):
    """The early-payment offer open on ON_DATE for AMOUNT, or None."""
    tier = best_tier(tiers, invoice_date, on_date)
    if tier is None:
        return None
    return DiscountOffer(
        tier=tier,
        deadline=tier_deadline(tier, invoice_date),
        discount=discount_amount(amount, tier.percent, digits),
        amount_to_pay=discounted_total(amount, tier.percent, digits),
    )
