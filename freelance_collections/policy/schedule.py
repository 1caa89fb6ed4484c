"""Deposit schedules: split an invoice total into installments with their due dates.

Every installment but the last is the rounded share of the total; the last one takes the
remainder, so the installments always add up to the rounded total to the cent.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from .bounds import MAX_DAYS, MAX_MONTHS
from .messages import Message, PolicyError
from .money import round_money, to_decimal

TRIGGERS = ("on_issue", "days_after", "fixed_date", "milestone", "before_final")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class DepositLine:
    percent: Decimal
    trigger: str = "on_issue"
    days: int = 0
    fixed_date: date | None = None
    label: str = ""


@dataclass(frozen=True)
class Installment:
    sequence: int
    label: str
    percent: Decimal
    amount: Decimal
    due_date: date | None
    trigger: str


def validate_deposit_lines(lines):
    """Return what is wrong with a deposit schedule, as Messages that say what to fix."""
    lines = list(lines)
    if not lines:
        return [Message.of("deposit.no_line")]
    errors = []
    for index, line in enumerate(lines, start=1):
        percent = to_decimal(line.percent)
        if percent <= 0 or percent > HUNDRED:
            errors.append(Message.of("deposit.line_percent_range", line=index, percent=percent))
        if line.trigger not in TRIGGERS:
            errors.append(Message.of("deposit.unknown_trigger", line=index, trigger=line.trigger, triggers=TRIGGERS))
        if line.days is not None and line.days < 0:
            errors.append(Message.of("deposit.negative_days", line=index, days=line.days))
        elif line.days is not None and line.days > MAX_DAYS:
            errors.append(Message.of("deposit.days_too_many", line=index, days=line.days, maximum=MAX_DAYS))
        if line.trigger == "fixed_date" and not line.fixed_date:
            errors.append(Message.of("deposit.missing_fixed_date", line=index))
    total = sum((to_decimal(line.percent) for line in lines), Decimal(0))
    if total != HUNDRED:
        errors.append(Message.of("deposit.total_not_100", total=total.normalize()))
    return errors


def _due_date(line, issue_date, final_due):
    if line.trigger == "on_issue":
        return issue_date
    if line.trigger == "fixed_date":
        return line.fixed_date
    if line.trigger == "before_final" and final_due:
        return final_due
    return issue_date + timedelta(days=line.days or 0)


def split_installments(total, lines, issue_date, digits, final_due=None):
    """Split TOTAL into installments following LINES; raise PolicyError if LINES are invalid."""
    lines = list(lines)
    errors = validate_deposit_lines(lines)
    if errors:
        raise PolicyError(*errors)
    total = round_money(total, digits)
    installments = []
    allocated = Decimal(0)
    count = len(lines)
    for sequence, line in enumerate(lines, start=1):
        percent = to_decimal(line.percent)
        if sequence < count:
            amount = round_money(total * percent / HUNDRED, digits)
            if total >= 0:  # rounding up many small shares must never leave a negative remainder
                amount = min(amount, total - allocated)
            allocated += amount
        else:
            amount = total - allocated
        label = line.label or f"Installment {sequence}/{count} ({percent.normalize():f}%)"
        installments.append(
            Installment(
                sequence=sequence,
                label=label,
                percent=percent,
                amount=amount,
                due_date=_due_date(line, issue_date, final_due),
                trigger=line.trigger,
            )
        )
    return installments


def validate_plan(count, interval_months):
    """Return what is wrong with a payment plan of COUNT installments every INTERVAL_MONTHS months
    (at least one, every month or more, ending within MAX_MONTHS of the first), as Messages."""
    if count < 1 or interval_months < 1:
        return [Message.of("payment_plan.no_installment", count=count)]
    span = (count - 1) * interval_months
    if span > MAX_MONTHS or count > MAX_MONTHS:
        return [Message.of("payment_plan.too_long", count=count, months=interval_months, span=span, maximum=MAX_MONTHS)]
    return []


def split_equal(total, count, digits):
    """Split TOTAL into COUNT amounts rounded to DIGITS that sum exactly to it (remainder last)."""
    if count < 1:
        raise PolicyError(Message.of("payment_plan.no_installment", count=count))
    total = round_money(total, digits)
    share = round_money(total / count, digits)
    if total >= 0 and share * (count - 1) > total:  # tiny totals: round the shares down instead
        share = to_decimal(total / count).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_DOWN)
    return [share] * (count - 1) + [total - share * (count - 1)]
