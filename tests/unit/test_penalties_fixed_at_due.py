"""A reference rate fixed when the debt falls due (UK Late Payment Act, Ireland): one rate until paid."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from fc_policy import BalanceChange, PenaltyRules, RatePeriod, compute_penalty
from hypothesis import given
from hypothesis import strategies as st

D = Decimal
# Bank of England Bank Rate as the Late Payment Act fixes it per half-year (shipped BOE_SEMESTER).
BOE = (
    RatePeriod(date(2025, 1, 1), D("4.75")),
    RatePeriod(date(2025, 7, 1), D("4.25")),
)
UK = PenaltyRules(interest_mode="reference", annual_rate=D(8), rate_fixed_at_due=True)


def uk(due, on, rules=UK, **kwargs):
    return compute_penalty(
        rules, original_amount=D(10000), due_date=due, on_date=on, reference_rates=BOE, **kwargs
    ).interest


def test_the_rate_of_the_half_year_the_debt_fell_due_in_applies_until_paid():
    """10,000 GBP due 10 June 2025, 45 days late on 25 July 2025 (20 days in June, 25 in July).

    Fixed at due: 4.75 + 8 = 12.75% for all 45 days: 10000 x 12.75% x 45 / 365 = 57375 / 365
    = 157.1918 -> 157.19. Moving with the half-years it would be (20 x 12.75 + 25 x 12.25) x 100 / 365
    = 56125 / 365 = 153.7671 -> 153.77.
    """
    assert uk(date(2025, 6, 10), date(2025, 7, 25)) == D("157.19")
    assert uk(date(2025, 6, 10), date(2025, 7, 25), rules=replace(UK, rate_fixed_at_due=False)) == D("153.77")


def test_a_debt_due_on_30_june_starts_its_interest_on_1_july_at_the_new_half_years_rate():
    """Statutory interest starts to run the day after the due date (1998 Act s. 4): the 30 June rate applies.

    Due 30 June 2025, 10 days late on 10 July: 4.25 + 8 = 12.25%: 10000 x 12.25% x 10 / 365 = 12250 / 365
    = 33.5616 -> 33.56.
    """
    assert uk(date(2025, 6, 30), date(2025, 7, 10)) == D("33.56")


def test_payments_still_split_the_interest():
    # 10,000 due 10 June, 4,000 paid on 20 June (10 days on 10,000), then 6,000 for 35 days, all at 12.75%:
    # (10000 x 10 + 6000 x 35) x 12.75% / 365 = 310000 x 0.1275 / 365 = 39525 / 365 = 108.2877 -> 108.29
    paid = (BalanceChange(date(2025, 6, 21), D(6000)),)
    assert uk(date(2025, 6, 10), date(2025, 7, 25), balances=paid) == D("108.29")


# --- Properties --------------------------------------------------------------------------------

DUE = date(2024, 3, 1)
rates = st.lists(
    st.tuples(st.integers(min_value=-200, max_value=400), st.decimals(min_value=-1, max_value=10, places=2)),
    max_size=5,
).map(
    lambda changes: (
        RatePeriod(date(2020, 1, 1), D("3.00")),
        *(RatePeriod(DUE + timedelta(days=o), r) for o, r in changes),
    )
)
points = st.decimals(min_value=0, max_value=12, places=2)
amounts = st.decimals(min_value=0, max_value=10**6, places=2)
days = st.integers(min_value=1, max_value=800)


def _rate_on(day, periods):
    return [p.rate for p in sorted(periods, key=lambda p: p.start) if p.start <= day][-1]


@given(periods=rates, extra=points, amount=amounts, late=days, day_count=st.sampled_from([360, 365, 366]))
def test_fixed_at_due_is_a_fixed_rate_of_the_first_day_of_interest(periods, extra, amount, late, day_count):
    on = DUE + timedelta(days=late)
    fixed_at_due = PenaltyRules(
        interest_mode="reference", annual_rate=extra, rate_fixed_at_due=True, day_count=day_count
    )
    rate = max(_rate_on(DUE + timedelta(days=1), periods) + extra, D(0))
    as_fixed = PenaltyRules(interest_mode="fixed", annual_rate=rate, day_count=day_count)
    kwargs = {"original_amount": amount, "due_date": DUE, "on_date": on, "reference_rates": periods}
    assert compute_penalty(fixed_at_due, **kwargs).interest == compute_penalty(as_fixed, **kwargs).interest


@given(periods=rates, extra=points, amount=amounts, late=days)
def test_fixed_at_due_and_moving_rates_agree_while_the_rate_does_not_change(periods, extra, amount, late):
    on = DUE + timedelta(days=late)
    first = _rate_on(DUE + timedelta(days=1), periods)
    if any(_rate_on(DUE + timedelta(days=d), periods) != first for d in range(1, late + 1)):
        return  # a change inside the period: the two rules differ, as they should
    moving = PenaltyRules(interest_mode="reference", annual_rate=extra)
    kwargs = {"original_amount": amount, "due_date": DUE, "on_date": on, "reference_rates": periods}
    assert (
        compute_penalty(replace(moving, rate_fixed_at_due=True), **kwargs).interest
        == compute_penalty(moving, **kwargs).interest
    )


@given(periods=rates, extra=points, amount=amounts, late=days)
def test_later_fixings_never_change_a_fixed_at_due_debt(periods, extra, amount, late):
    on = DUE + timedelta(days=late)
    rules = PenaltyRules(interest_mode="reference", annual_rate=extra, rate_fixed_at_due=True)
    kwargs = {"original_amount": amount, "due_date": DUE, "on_date": on}
    later = (*periods, RatePeriod(DUE + timedelta(days=2), D("9.99")), RatePeriod(DUE + timedelta(days=3), D("-3")))
    assert (
        compute_penalty(rules, reference_rates=periods, **kwargs).interest
        == compute_penalty(rules, reference_rates=later, **kwargs).interest
    )
