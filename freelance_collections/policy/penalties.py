"""Late penalties: stepped percentages, fixed fees and daily interest, charged only once.

Semantics:
* The residual on a date is the original amount until the first BalanceChange, then the residual
  of the latest BalanceChange on or before that date (never below zero).
* days_late = on_date - due_date. While days_late <= grace_days nothing is due; once past the grace
  period everything accrues as from the due date.
* Penalty tiers state the TOTAL surcharge once reached: reaching a tier charges the difference with
  the previous tier, applied to what is still owed on the day the tier is reached (moving from 5%
  to 10% charges 5% more). Each tier's contribution is rounded.
* The fixed fee is the fee band for the debt (residual at the due date), or the flat fixed fee;
  there is none when nothing was owed at the due date;
  'once' charges it once days_late >= fixed_fee_days, 'per_tier' once per penalty tier reached
  while something was still owed (once in all if there are no tiers).
* Interest is simple interest on the residual for each day after the due date up to on_date,
  split at every payment and every reference-rate change; the rate is the fixed annual rate, or the
  reference rate of the day + the annual rate as points (never below zero: a negative reference
  rate cannot earn the debtor interest). Summed exactly, rounded once.
* rate_fixed_at_due: the reference rate is the one in force on the first day of interest (the day
  after the due date) and stays so until paid, whatever later fixings say (UK: the Late Payment of
  Commercial Debts (Rate of Interest) (No. 3) Order 2002, art. 4; Ireland: one rate per late
  payment); the interest is then split at payments only.
* The total is capped at min(cap_amount, cap_percent of the original amount) when set.
* to_charge = total - already_charged, never negative; an amount below minimum_charge is not charged
  yet (it stays due and is charged once it is worth it).
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from .bounds import MAX_DAYS
from .messages import Message, PolicyError
from .money import round_money, to_decimal

HUNDRED = Decimal(100)
ZERO = Decimal(0)
INTEREST_MODES = ("none", "fixed", "reference")
FIXED_FEE_MODES = ("once", "per_tier")


@dataclass(frozen=True)
class PenaltyTier:
    days_late: int
    percent: Decimal


@dataclass(frozen=True)
class FeeBand:
    min_debt: Decimal
    amount: Decimal


@dataclass(frozen=True)
class RatePeriod:
    start: date
    rate: Decimal


@dataclass(frozen=True)
class BalanceChange:
    date: date
    residual: Decimal


@dataclass(frozen=True)
class PenaltyRules:
    penalty_tiers: tuple = ()
    fixed_fee: Decimal = ZERO
    fee_bands: tuple = ()
    fixed_fee_mode: str = "once"
    fixed_fee_days: int = 1
    interest_mode: str = "none"
    annual_rate: Decimal = ZERO
    rate_fixed_at_due: bool = False
    day_count: int = 365
    grace_days: int = 0
    cap_percent: Decimal | None = None
    cap_amount: Decimal | None = None
    minimum_charge: Decimal = ZERO


@dataclass(frozen=True)
class PenaltyBreakdown:
    percent: Decimal
    fixed: Decimal
    interest: Decimal
    total: Decimal
    capped: bool
    to_charge: Decimal
    days_late: int


def validate_rules(rules):  # noqa: C901 - one check per rule, read top to bottom
    """Return what is wrong with penalty rules, as Messages that say what to fix."""
    errors = []
    tiers = list(rules.penalty_tiers)
    for tier in tiers:
        percent = to_decimal(tier.percent)
        if tier.days_late < 0:
            errors.append(Message.of("penalty.tier_negative_days", days=tier.days_late))
        elif tier.days_late > MAX_DAYS:
            errors.append(Message.of("penalty.tier_days_too_many", days=tier.days_late, maximum=MAX_DAYS))
        if percent < 0 or percent > HUNDRED:
            errors.append(Message.of("penalty.tier_percent_range", days=tier.days_late, percent=percent))
    for previous, tier in zip(tiers, tiers[1:], strict=False):
        if tier.days_late <= previous.days_late:
            errors.append(
                Message.of("penalty.tiers_out_of_order", previous_days=previous.days_late, days=tier.days_late)
            )
        elif to_decimal(tier.percent) < to_decimal(previous.percent):
            errors.append(
                Message.of(
                    "penalty.tier_decreasing",
                    days=tier.days_late,
                    percent=to_decimal(tier.percent),
                    previous_days=previous.days_late,
                    previous_percent=to_decimal(previous.percent),
                )
            )
    if to_decimal(rules.fixed_fee) < 0:
        errors.append(Message.of("penalty.fixed_fee_negative"))
    bands = list(rules.fee_bands)
    for band in bands:
        if to_decimal(band.amount) < 0:
            errors.append(Message.of("penalty.band_fee_negative", min_debt=to_decimal(band.min_debt)))
    if bands and to_decimal(bands[0].min_debt) != 0:
        errors.append(Message.of("penalty.first_band_not_zero"))
    for previous, band in zip(bands, bands[1:], strict=False):
        if to_decimal(band.min_debt) <= to_decimal(previous.min_debt):
            errors.append(
                Message.of(
                    "penalty.bands_out_of_order",
                    previous_min_debt=to_decimal(previous.min_debt),
                    min_debt=to_decimal(band.min_debt),
                )
            )
    if rules.fixed_fee_mode not in FIXED_FEE_MODES:
        errors.append(Message.of("penalty.unknown_fixed_fee_mode", mode=rules.fixed_fee_mode))
    if rules.interest_mode not in INTEREST_MODES:
        errors.append(Message.of("penalty.unknown_interest_mode", mode=rules.interest_mode))
    rate = to_decimal(rules.annual_rate)
    if rate < 0 or rate > HUNDRED:
        errors.append(Message.of("penalty.annual_rate_range", rate=rate))
    if rules.day_count not in (360, 365, 366):
        errors.append(Message.of("penalty.day_count", day_count=rules.day_count))
    if rules.grace_days < 0:
        errors.append(Message.of("penalty.grace_negative"))
    if rules.cap_percent is not None and not 0 <= to_decimal(rules.cap_percent) <= HUNDRED:
        errors.append(Message.of("penalty.cap_percent_range", percent=to_decimal(rules.cap_percent)))
    if rules.cap_amount is not None and to_decimal(rules.cap_amount) < 0:
        errors.append(Message.of("penalty.cap_amount_negative"))
    if to_decimal(rules.minimum_charge) < 0:
        errors.append(Message.of("penalty.minimum_charge_negative"))
    return errors


def _residual_on(day, original, balances):
    residual = original
    for change in balances:
        if change.date <= day:
            residual = to_decimal(change.residual)
        else:
            break
    return max(residual, ZERO)


def _rate_on(day, periods):
    rate = None
    for period in periods:
        if period.start <= day:
            rate = to_decimal(period.rate)
        else:
            break
    if rate is None:
        raise PolicyError(Message.of("penalty.no_reference_rate", date=day))
    return rate


def _fee_for(debt, rules):
    if rules.fee_bands:
        amount = ZERO
        for band in sorted(rules.fee_bands, key=lambda b: to_decimal(b.min_debt)):
            if debt >= to_decimal(band.min_debt):
                amount = to_decimal(band.amount)
        return amount
    return to_decimal(rules.fixed_fee)


def _interest(rules, original, due_date, on_date, balances, periods):
    """Exact (unrounded) simple interest from the day after DUE_DATE to ON_DATE inclusive."""
    if rules.interest_mode == "none" or on_date <= due_date:
        return ZERO
    points = to_decimal(rules.annual_rate)
    # Segment boundaries: every payment and every rate change inside the period.
    cuts = {due_date + timedelta(days=1), on_date + timedelta(days=1)}
    cuts.update(c.date for c in balances if due_date < c.date <= on_date)
    fixed_rate = None
    if rules.interest_mode == "fixed":
        fixed_rate = points
    elif rules.rate_fixed_at_due:
        fixed_rate = max(_rate_on(due_date + timedelta(days=1), periods) + points, ZERO)
    else:
        cuts.update(p.start for p in periods if due_date < p.start <= on_date)
    bounds = sorted(cuts)
    total = ZERO
    for start, end in zip(bounds, bounds[1:], strict=False):
        residual = _residual_on(start, original, balances)
        if not residual:
            continue
        rate = fixed_rate if fixed_rate is not None else max(_rate_on(start, periods) + points, ZERO)
        total += residual * rate / HUNDRED * (end - start).days / rules.day_count
    return total


def compute_penalty(
    rules, *, original_amount, due_date, on_date, balances=(), reference_rates=(), digits=2, already_charged=ZERO
):
    """What is due in penalties on ON_DATE, and what is still to charge (see module docstring)."""
    original = to_decimal(original_amount)
    balances = sorted(balances, key=lambda change: change.date)
    periods = sorted(reference_rates, key=lambda period: period.start)
    late = (on_date - due_date).days
    zero = round_money(ZERO, digits)
    if late <= rules.grace_days or late <= 0:
        return PenaltyBreakdown(zero, zero, zero, zero, False, zero, late)

    percent_part = ZERO
    previous = ZERO
    steps = 0
    for tier in sorted(rules.penalty_tiers, key=lambda t: t.days_late):
        if late < tier.days_late:
            break
        step_date = due_date + timedelta(days=tier.days_late)
        residual = _residual_on(step_date, original, balances)
        percent = to_decimal(tier.percent)
        percent_part += round_money(residual * (percent - previous) / HUNDRED, digits)
        previous = percent
        if residual > 0:  # a step reached after the debt was paid charges no per-step fee either
            steps += 1

    fixed_part = ZERO
    debt = _residual_on(due_date, original, balances)
    fee = _fee_for(debt, rules)
    if fee and debt and late >= rules.fixed_fee_days:
        times = max(steps, 1) if rules.fixed_fee_mode == "per_tier" and rules.penalty_tiers else 1
        if rules.fixed_fee_mode == "per_tier" and rules.penalty_tiers and not steps:
            times = 0
        fixed_part = round_money(fee * times, digits)

    interest_part = round_money(_interest(rules, original, due_date, on_date, balances, periods), digits)
    return _breakdown(rules, original, percent_part, fixed_part, interest_part, late, digits, already_charged)


def _breakdown(rules, original, percent, fixed, interest, late, digits, already_charged):
    """Cap the parts' total, deduct what was already charged and apply the minimum worth charging."""
    total = percent + fixed + interest
    capped = False
    caps = []
    if rules.cap_amount is not None:
        caps.append(to_decimal(rules.cap_amount))
    if rules.cap_percent is not None:
        caps.append(original * to_decimal(rules.cap_percent) / HUNDRED)
    if caps:
        limit = round_money(min(caps), digits)
        if total > limit:
            total, capped = limit, True
    total = round_money(total, digits)
    to_charge = max(total - round_money(already_charged, digits), ZERO)
    if to_charge and to_charge < to_decimal(rules.minimum_charge):
        to_charge = ZERO
    return PenaltyBreakdown(
        percent=round_money(percent, digits),
        fixed=round_money(fixed, digits),
        interest=round_money(interest, digits),
        total=total,
        capped=capped,
        to_charge=round_money(to_charge, digits),
        days_late=late,
    )


@dataclass(frozen=True)
class InstallmentDebt:
    """One installment of an invoice: its amount, due date and what it still owed after each payment."""

    amount: Decimal
    due_date: date
    balances: tuple = ()


def compute_invoice_penalty(rules, *, installments, on_date, reference_rates=(), digits=2, already_charged=ZERO):
    """Penalties of an invoice paid in INSTALLMENTS, each late from its own due date.

    Penalty tiers and interest run per installment on what it still owes; the fixed fee (or fee
    band) is charged once for the invoice, from its earliest installment; the cap applies to the
    invoice total, then what was already charged is deducted and the minimum applies, as in
    compute_penalty (which a single installment is).
    """
    installments = sorted(installments, key=lambda inst: inst.due_date)
    if not installments:
        raise PolicyError(Message.of("penalty.no_installment"))
    if len(installments) == 1:
        only = installments[0]
        return compute_penalty(
            rules,
            original_amount=only.amount,
            due_date=only.due_date,
            on_date=on_date,
            balances=only.balances,
            reference_rates=reference_rates,
            digits=digits,
            already_charged=already_charged,
        )
    variable = replace(rules, fixed_fee=ZERO, fee_bands=(), cap_percent=None, cap_amount=None, minimum_charge=ZERO)
    fixed_only = replace(rules, interest_mode="none", cap_percent=None, cap_amount=None, minimum_charge=ZERO)
    parts = [
        compute_penalty(
            variable,
            original_amount=inst.amount,
            due_date=inst.due_date,
            on_date=on_date,
            balances=inst.balances,
            reference_rates=reference_rates,
            digits=digits,
        )
        for inst in installments
    ]
    first = installments[0]
    fixed = compute_penalty(
        fixed_only,
        original_amount=first.amount,
        due_date=first.due_date,
        on_date=on_date,
        balances=first.balances,
        digits=digits,
    ).fixed
    percent = sum((part.percent for part in parts), ZERO)
    interest = sum((part.interest for part in parts), ZERO)
    original = sum((to_decimal(inst.amount) for inst in installments), ZERO)
    late = max(part.days_late for part in parts)
    return _breakdown(rules, original, percent, fixed, interest, late, digits, already_charged)
