"""When accrued late fees are invoiced (the "moments"), and the email repeat cycle.

Fees accrue every day (policy/penalties.py computes what is owed on any date); a late-fee invoice
is issued only at a moment a bookkeeper accepts:

* the overdue invoice is paid: the fees up to the payment date are invoiced, then nothing more;
* otherwise only while the invoice is at a stage that invoices fees (a stage marked so, or a later
  one; a ladder with no marked stage invoices from the first day late), and at most once every
  ``interval_days`` (the policy's fee-invoice interval, 30 by default; 0: at every run).

Whatever the moments, what is invoiced over time adds up to the one-shot computation on the last
day: each booking charges the total accrued so far less what was already invoiced.
"""

from datetime import timedelta

from .messages import Message, PolicyError


def fee_invoice_due(today, *, paid, stage_invoices_fees, last_fee_date, interval_days):
    """Whether the fees accrued on an invoice may be invoiced TODAY."""
    if interval_days < 0:
        raise PolicyError(Message.of("fee_invoice.negative_interval"))
    if paid:
        return True
    if not stage_invoices_fees:
        return False
    return last_fee_date is None or (today - last_fee_date).days >= interval_days


def next_fee_invoice_date(today, *, stage_invoices_fees, last_fee_date, interval_days):
    """The first day after TODAY on which fees may be invoiced again, as things stand (None when
    the stage does not invoice fees: reaching a stage that does is a stage date of its own)."""
    if not stage_invoices_fees:
        return None
    tomorrow = today + timedelta(days=1)
    if last_fee_date is None:
        return tomorrow
    return max(tomorrow, last_fee_date + timedelta(days=interval_days))


def repeat_cycle(first_sent, today, repeat_days):
    """How many repeats of a stage's email are due by TODAY when it was first sent on FIRST_SENT
    and repeats every REPEAT_DAYS (0: never): 0 before the first repeat is due."""
    if repeat_days < 0:
        raise PolicyError(Message.of("reminder.negative_repeat"))
    if not repeat_days or first_sent is None or today <= first_sent:
        return 0
    return (today - first_sent).days // repeat_days


def next_repeat_date(first_sent, today, repeat_days):
    """The first day after TODAY on which the next repeat falls due, or None."""
    if not repeat_days or first_sent is None:
        return None
    cycle = repeat_cycle(first_sent, today, repeat_days)
    return first_sent + timedelta(days=(cycle + 1) * repeat_days)
