"""When an invoice next needs the daily run: the earliest date its facts alone can change anything.

Nothing about an open invoice changes with time except at known dates: the next stage of the
ladder is reached, a penalty tier or fee falls due (interest grows every day), an early-payment
tier expires or its expiry reminder is due, a client pause ends. The run processes only the
invoices whose date has come (or whose facts changed since: a payment, a dispute, a new policy),
so a day with nothing new costs a few queries, whatever the number of invoices.

Every function answers conservatively: a date that is too early only costs a visit, one that is
too late would miss an action, so when in doubt they answer the next day.
"""

from datetime import timedelta

from .discounts import tier_deadline
from .money import to_decimal
from .stages import days_late


def earliest(*dates):
    """The earliest of DATES, ignoring None; None when there is none."""
    present = [day for day in dates if day is not None]
    return min(present) if present else None


def next_stage_date(stages, facts, today):
    """The first day after TODAY on which FACTS reach a stage further along the ladder, or None.

    A paused invoice keeps its stage (the pause ending is a separate date); a paid one leaves the ladder.
    """
    if facts.residual <= 0 or facts.paused:
        return None
    late = days_late(facts.due_date, today) - max(facts.paused_days, 0)
    ahead = [stage.days for stage in stages if stage.days > late]
    if not ahead:
        return None
    return today + timedelta(days=min(ahead) - late)


def next_penalty_date(rules, installments, today):
    """The first day after TODAY on which the penalties of INSTALLMENTS (InstallmentDebt) can grow.

    Interest grows every day while something is owed after the grace period; tiers and fixed fees
    fall due on their own days after each installment's due date. What the cap or the minimum worth
    charging hold back is looked at again on the next of those days.
    """
    owed = [inst for inst in installments if _still_owed(inst)]
    if not owed:
        return None
    tomorrow = today + timedelta(days=1)
    start = rules.grace_days + 1  # penalties start the day after the grace period
    candidates = []
    for inst in owed:
        first_day = inst.due_date + timedelta(days=max(start, 1))
        if rules.interest_mode != "none":
            candidates.append(max(first_day, tomorrow))
        for tier in rules.penalty_tiers:
            candidates.append(inst.due_date + timedelta(days=max(tier.days_late, start, 1)))
    if to_decimal(rules.fixed_fee) or rules.fee_bands:
        first = min(installments, key=lambda inst: inst.due_date)
        candidates.append(first.due_date + timedelta(days=max(rules.fixed_fee_days, start, 1)))
    return earliest(*(day for day in candidates if day > today))


def _still_owed(installment):
    if installment.balances:
        return to_decimal(installment.balances[-1].residual) > 0
    return to_decimal(installment.amount) > 0


def next_discount_date(tiers, invoice_date, today, nudge_days=0):
    """The first day after TODAY on which an early-payment offer moves to the next tier (the day
    after a deadline) or its expiry reminder is due (NUDGE_DAYS before a deadline), or None."""
    candidates = []
    for tier in tiers:
        deadline = tier_deadline(tier, invoice_date)
        candidates.append(deadline + timedelta(days=1))
        if nudge_days:
            candidates.append(deadline - timedelta(days=nudge_days))
    return earliest(*(day for day in candidates if day > today))
