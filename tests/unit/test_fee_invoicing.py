"""When accrued late fees are invoiced, and the email repeat cycle (policy/fee_invoicing.py)."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from fc_policy import (
    BalanceChange,
    PenaltyRules,
    compute_penalty,
    fee_invoice_due,
    next_fee_invoice_date,
    next_repeat_date,
    repeat_cycle,
)
from hypothesis import given
from hypothesis import strategies as st

D = Decimal
DUE = date(2026, 1, 1)
FRANCE = PenaltyRules(fixed_fee=D(40), interest_mode="fixed", annual_rate=D("12.15"), day_count=365)


def day(n):
    return DUE + timedelta(days=n)


def simulate(rules, amount, paid_day, stage_from, interval, last_day=None):
    """Run every day from the due date; the invoice is paid in full on PAID_DAY. Returns the
    bookings [(day, amount)] and the one-shot total on the payment day."""
    balances = (BalanceChange(date=day(paid_day), residual=D(0)),)
    charged, bookings, last_fee = D(0), [], None
    for n in range(1, (last_day or paid_day) + 1):
        today = day(n)
        paid = n >= paid_day
        if bookings and paid and bookings[-1][0] >= day(paid_day):
            break  # settled: the run looks no more
        if not fee_invoice_due(
            today,
            paid=paid,
            stage_invoices_fees=n >= stage_from,
            last_fee_date=last_fee,
            interval_days=interval,
        ):
            continue
        result = compute_penalty(
            rules,
            original_amount=amount,
            due_date=DUE,
            on_date=today,
            balances=balances,
            already_charged=charged,
        )
        if result.to_charge > 0:
            charged += result.to_charge
            bookings.append((today, result.to_charge))
            last_fee = today
        if paid:
            break
    one_shot = compute_penalty(
        rules, original_amount=amount, due_date=DUE, on_date=day(paid_day), balances=balances
    ).total
    return bookings, one_shot


def test_french_invoice_97_days_late_paid_on_day_98():
    """Interest 12.15 % + 40 EUR on 10,000, the run every day, fees from day 15, paid on day 98:
    fee invoices on days 15, 45, 75 and the payment day, adding up to the one-shot amount."""
    bookings, one_shot = simulate(FRANCE, D(10000), paid_day=98, stage_from=15, interval=30)
    assert [b[0] for b in bookings] == [day(15), day(45), day(75), day(98)]
    assert sum(b[1] for b in bookings) == one_shot
    # 40 EUR + 10,000 x 12.15 % x 97 / 365 (the payment day itself earns none)
    assert one_shot == D(40) + (D(10000) * D("0.1215") * 97 / 365).quantize(D("0.01"))


def test_interest_stops_at_the_payment_date():
    balances = (BalanceChange(date=day(98), residual=D(0)),)
    at_payment = compute_penalty(FRANCE, original_amount=D(1000), due_date=DUE, on_date=day(98), balances=balances)
    later = compute_penalty(FRANCE, original_amount=D(1000), due_date=DUE, on_date=day(200), balances=balances)
    assert at_payment.total == later.total


@given(
    amount=st.decimals(min_value=1, max_value=10**6, places=2),
    paid_day=st.integers(min_value=1, max_value=400),
    stage_from=st.integers(min_value=1, max_value=120),
    interval=st.integers(min_value=0, max_value=60),
    rate=st.decimals(min_value=0, max_value=25, places=2),
    fee=st.decimals(min_value=0, max_value=100, places=2),
)
def test_what_is_invoiced_over_time_equals_the_one_shot_amount(amount, paid_day, stage_from, interval, rate, fee):
    rules = replace(FRANCE, fixed_fee=fee, annual_rate=rate)
    bookings, one_shot = simulate(rules, amount, paid_day, stage_from, interval)
    assert sum((b[1] for b in bookings), D(0)) == one_shot
    dates = [b[0] for b in bookings]
    before_payment = [d for d in dates if d < day(paid_day)]
    assert all(d >= day(stage_from) for d in before_payment), "no fee invoice before the marked stage"
    assert all((b - a).days >= interval for a, b in zip(before_payment, before_payment[1:], strict=False))
    assert len(dates) <= len(before_payment) + 1, "one final invoice at most"


def test_moments_and_next_dates():
    assert not fee_invoice_due(day(10), paid=False, stage_invoices_fees=False, last_fee_date=None, interval_days=30)
    assert fee_invoice_due(day(10), paid=True, stage_invoices_fees=False, last_fee_date=day(9), interval_days=30)
    assert fee_invoice_due(day(10), paid=False, stage_invoices_fees=True, last_fee_date=None, interval_days=30)
    assert not fee_invoice_due(day(39), paid=False, stage_invoices_fees=True, last_fee_date=day(10), interval_days=30)
    assert fee_invoice_due(day(40), paid=False, stage_invoices_fees=True, last_fee_date=day(10), interval_days=30)
    assert next_fee_invoice_date(day(10), stage_invoices_fees=True, last_fee_date=day(10), interval_days=30) == day(40)
    assert next_fee_invoice_date(day(10), stage_invoices_fees=True, last_fee_date=None, interval_days=30) == day(11)
    assert next_fee_invoice_date(day(10), stage_invoices_fees=False, last_fee_date=None, interval_days=30) is None
    with pytest.raises(ValueError, match="The late-fee invoice interval cannot be negative.") as caught:
        fee_invoice_due(day(1), paid=False, stage_invoices_fees=True, last_fee_date=None, interval_days=-1)
    assert caught.value.codes == ["fee_invoice.negative_interval"]


def test_repeat_cycle():
    assert repeat_cycle(day(45), day(51), 7) == 0
    assert repeat_cycle(day(45), day(52), 7) == 1
    assert repeat_cycle(day(45), day(66), 7) == 3
    assert repeat_cycle(day(45), day(80), 0) == 0
    assert next_repeat_date(day(45), day(46), 7) == day(52)
    assert next_repeat_date(day(45), day(52), 7) == day(59)
    assert next_repeat_date(day(45), day(52), 0) is None
    with pytest.raises(ValueError, match="A reminder cannot repeat every negative number of days.") as caught:
        repeat_cycle(day(1), day(2), -7)
    assert caught.value.codes == ["reminder.negative_repeat"]


@given(first=st.integers(0, 100), today=st.integers(0, 400), every=st.integers(1, 30))
def test_repeats_come_every_n_days(first, today, every):
    cycle = repeat_cycle(day(first), day(today), every)
    nxt = next_repeat_date(day(first), day(today), every)
    assert nxt > day(today)
    assert repeat_cycle(day(first), nxt, every) == cycle + 1
    assert repeat_cycle(day(first), nxt - timedelta(days=1), every) == cycle
