"""Late penalties: stepped percentages, fixed fees and daily interest, charged only once."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from fc_policy import (
    BalanceChange,
    FeeBand,
    PenaltyRules,
    PenaltyTier,
    PolicyError,
    RatePeriod,
    compute_penalty,
    round_money,
    validate_rules,
)
from hypothesis import given
from hypothesis import strategies as st

D = Decimal
DUE = date(2024, 1, 1)
UK_BANDS = (FeeBand(D(0), D(40)), FeeBand(D(1000), D(70)), FeeBand(D(10000), D(100)))
STEPS_5_10 = (PenaltyTier(days_late=15, percent=D(5)), PenaltyTier(days_late=30, percent=D(10)))


def on_day(days):
    return DUE + timedelta(days=days)


def penalty(rules, amount="1000", day=30, **kwargs):
    return compute_penalty(rules, original_amount=D(amount), due_date=DUE, on_date=on_day(day), **kwargs)


def parts(result):
    return result.percent, result.fixed, result.interest, result.total


# --- Strategies --------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10**6, places=2)
digits_st = st.sampled_from([0, 2, 3])
# Rates in force long before any due date used here, with a few changes after it.
reference_rates = st.lists(
    st.tuples(st.integers(min_value=1, max_value=400), st.decimals(min_value=-1, max_value=10, places=2)),
    max_size=4,
).map(
    lambda changes: (
        RatePeriod(date(2000, 1, 1), D("4.50")),
        *(RatePeriod(on_day(offset), rate) for offset, rate in changes),
    )
)
balances = st.lists(
    st.builds(BalanceChange, date=st.integers(min_value=-30, max_value=400).map(on_day), residual=money),
    max_size=4,
)


@st.composite
def penalty_tiers(draw):
    days = sorted(draw(st.lists(st.integers(min_value=0, max_value=120), max_size=4, unique=True)))
    percents = sorted(
        draw(st.lists(st.decimals(min_value=0, max_value=25, places=2), min_size=len(days), max_size=len(days)))
    )
    return tuple(PenaltyTier(days_late=d, percent=p) for d, p in zip(days, percents, strict=False))


@st.composite
def fee_bands(draw):
    starts = sorted(draw(st.lists(st.integers(min_value=1, max_value=10**5), max_size=3, unique=True)))
    fees = draw(
        st.lists(
            st.decimals(min_value=0, max_value=200, places=2),
            min_size=len(starts) + 1,
            max_size=len(starts) + 1,
        )
    )
    return tuple(FeeBand(D(start), fee) for start, fee in zip([0, *starts], fees, strict=False))


@st.composite
def rules_st(draw):
    rules = PenaltyRules(
        penalty_tiers=draw(penalty_tiers()),
        fixed_fee=draw(st.decimals(min_value=0, max_value=100, places=2)),
        fee_bands=draw(st.one_of(st.just(()), fee_bands())),
        fixed_fee_mode=draw(st.sampled_from(["once", "per_tier"])),
        fixed_fee_days=draw(st.integers(min_value=0, max_value=30)),
        interest_mode=draw(st.sampled_from(["none", "fixed", "reference"])),
        annual_rate=draw(st.decimals(min_value=0, max_value=20, places=2)),
        rate_fixed_at_due=draw(st.booleans()),
        day_count=draw(st.sampled_from([360, 365, 366])),
        grace_days=draw(st.integers(min_value=0, max_value=30)),
        cap_percent=draw(st.none() | st.decimals(min_value=0, max_value=100, places=2)),
        cap_amount=draw(st.none() | st.decimals(min_value=0, max_value=5000, places=2)),
        minimum_charge=draw(st.decimals(min_value=0, max_value=20, places=2)),
    )
    assert validate_rules(rules) == []
    return rules


cases = st.fixed_dictionaries(
    {
        "rules": rules_st(),
        "original_amount": money,
        "balances": balances,
        "reference_rates": reference_rates,
        "digits": digits_st,
    }
)


def compute(case, day, **kwargs):
    return compute_penalty(due_date=DUE, on_date=on_day(day), **case, **kwargs)


# --- Percent steps -----------------------------------------------------------------------------


def test_steps_state_the_total_surcharge_on_what_is_owed_when_each_step_is_reached():
    """5% at 15 days, 10% at 30 days on 1000; a payment brings the balance to 600 on day 20.

    Day 15: 5% of 1000 = 50. Day 30: the step adds 10% - 5% = 5% of the 600 then owed = 30.
    """
    rules = PenaltyRules(penalty_tiers=STEPS_5_10)
    paid = (BalanceChange(on_day(20), D(600)),)
    assert penalty(rules, day=14, balances=paid).total == D("0.00")
    assert penalty(rules, day=15, balances=paid).total == D("50.00")
    assert penalty(rules, day=29, balances=paid).total == D("50.00")
    result = penalty(rules, day=30, balances=paid)
    assert parts(result) == (D("80.00"), D("0.00"), D("0.00"), D("80.00"))
    assert result.days_late == 30
    assert penalty(rules, day=30).total == D("100.00")  # without the payment: 10% of 1000


def test_a_payment_on_the_step_day_counts_before_the_step():
    rules = PenaltyRules(penalty_tiers=STEPS_5_10)
    # 5% of 600 on day 15, then 5% more of 600 on day 30.
    assert penalty(rules, day=30, balances=(BalanceChange(on_day(15), D(600)),)).total == D("60.00")


def test_each_step_contribution_is_rounded():
    rules = PenaltyRules(penalty_tiers=(PenaltyTier(1, D("1.5")), PenaltyTier(2, D(3))))
    # Each step adds 1.5% of 100.30 = 1.5045 -> 1.50, so 3.00 in all; 3% rounded once would be 3.009 -> 3.01.
    assert penalty(rules, amount="100.30", day=2).percent == D("3.00")


def test_steps_in_yen_and_in_three_decimal_currencies():
    rules = PenaltyRules(penalty_tiers=(PenaltyTier(1, D(5)),))
    assert str(penalty(rules, amount="123457", day=1, digits=0).total) == "6173"  # 6172.85
    assert str(penalty(rules, amount="1000.01", day=1, digits=3).total) == "50.001"  # 50.0005 half-up


# --- Fixed fees --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("debt", "fee"),
    [("0.01", 40), ("999.99", 40), ("1000", 70), ("9999.99", 70), ("10000", 100), ("250000", 100)],
)
def test_uk_fixed_fee_follows_the_debt_band(debt, fee):
    rules = PenaltyRules(fee_bands=UK_BANDS)
    result = penalty(rules, amount=debt, day=1)
    assert result.fixed == D(fee)
    assert result.total == D(fee)


def test_fee_band_uses_the_debt_at_the_due_date():
    rules = PenaltyRules(fee_bands=UK_BANDS)
    paid_before_due = (BalanceChange(on_day(-5), D("999.99")),)
    assert penalty(rules, amount="12000", balances=paid_before_due).fixed == D(40)
    paid_after_due = (BalanceChange(on_day(5), D("999.99")),)
    assert penalty(rules, amount="12000", balances=paid_after_due).fixed == D(100)


def test_bands_take_precedence_over_the_flat_fee():
    rules = PenaltyRules(fixed_fee=D(15), fee_bands=UK_BANDS)
    assert penalty(rules, amount="5000").fixed == D(70)


def test_fee_once_from_the_fee_day_on():
    rules = PenaltyRules(fixed_fee=D(40), fixed_fee_days=10)
    assert penalty(rules, day=9).fixed == D(0)
    assert penalty(rules, day=10).fixed == D(40)
    assert penalty(rules, day=365).fixed == D(40)


def test_fee_per_tier_is_charged_at_every_step_reached():
    rules = PenaltyRules(penalty_tiers=STEPS_5_10, fixed_fee=D(15), fixed_fee_mode="per_tier")
    assert penalty(rules, day=14).fixed == D(0)  # no step reached yet
    assert penalty(rules, day=15).fixed == D(15)
    result = penalty(rules, day=30)
    assert parts(result) == (D(100), D(30), D(0), D(130))


def test_fee_per_tier_stops_counting_once_paid():
    """Paid in full on day 20: the 30-day step is reached on a zero debt and charges nothing."""
    rules = PenaltyRules(penalty_tiers=STEPS_5_10, fixed_fee=D(15), fixed_fee_mode="per_tier")
    paid = (BalanceChange(on_day(20), D(0)),)
    assert penalty(rules, day=20, balances=paid).fixed == D(15)
    assert penalty(rules, day=40, balances=paid).fixed == D(15)
    assert penalty(rules, day=40, balances=paid).percent == D(50)


def test_fee_per_tier_without_steps_is_charged_once():
    rules = PenaltyRules(fixed_fee=D(15), fixed_fee_mode="per_tier")
    assert penalty(rules, day=1).fixed == D(15)
    assert penalty(rules, day=365).fixed == D(15)


def test_no_fee_on_an_invoice_paid_before_its_due_date():
    """Nothing was owed at the due date: the invoice was never late, so no late fee."""
    rules = PenaltyRules(fixed_fee=D(40), penalty_tiers=STEPS_5_10, interest_mode="fixed", annual_rate=D(8))
    paid = (BalanceChange(on_day(-3), D(0)),)
    assert penalty(rules, day=60, balances=paid).total == D(0)


# --- Interest ----------------------------------------------------------------------------------


def test_fixed_interest_is_split_at_each_payment():
    rules = PenaltyRules(interest_mode="fixed", annual_rate=D(12), day_count=360)
    paid = (BalanceChange(on_day(10), D(400)),)
    # Days 1-9 on 1000 and days 10-30 on 400 (the payment day already counts with what is left):
    # (1000 * 9 + 400 * 21) * 12% / 360 = 17400 * 0.12 / 360 = 5.80
    assert penalty(rules, day=30, balances=paid).interest == D("5.80")


def test_interest_stops_with_the_full_payment():
    rules = PenaltyRules(interest_mode="fixed", annual_rate=D(12), day_count=360)
    paid = (BalanceChange(on_day(10), D(0)),)
    # 9 days on 1000: 1000 * 12% * 9 / 360 = 3.00
    assert penalty(rules, day=10, balances=paid).interest == D("3.00")
    assert penalty(rules, day=200, balances=paid).interest == D("3.00")


def test_interest_is_summed_exactly_and_rounded_once():
    rules = PenaltyRules(interest_mode="fixed", annual_rate=D(10), day_count=365)
    # 1000 * 10% * 10 / 365 = 2.7397260...; 3 digits: 2.740, 0 digits: 3
    assert str(penalty(rules, day=10, digits=3).interest) == "2.740"
    assert str(penalty(rules, day=10, digits=0).interest) == "3"


def test_france_b2b_reference_rate_plus_ten_points_and_forty_euros():
    """12,000 EUR paid 73 days late, ECB rate + 10 points, 40 EUR recovery fee.

    Due 2024-06-01, computed on 2024-08-13 (29 + 31 + 13 = 73 days). The French rate is fixed per
    half-year: 4.50% from 2024-01-01, 4.25% from 2024-07-01. Interest runs on the days after the
    due date: 2 June - 30 June = 29 days at 14.50%, 1 July - 13 August = 44 days at 14.25%.

        12000 * 14.50% * 29 / 365 = 1740 * 29 / 365 = 50460 / 365
        12000 * 14.25% * 44 / 365 = 1710 * 44 / 365 = 75240 / 365
        sum = 125700 / 365 = 344.3835... -> 344.38, plus 40.00 = 384.38
    """
    due, on_date = date(2024, 6, 1), date(2024, 8, 13)
    rules = PenaltyRules(fixed_fee=D(40), interest_mode="reference", annual_rate=D(10), day_count=365)
    rates = (RatePeriod(date(2024, 7, 1), D("4.25")), RatePeriod(date(2024, 1, 1), D("4.50")))  # any order

    exact = Fraction(12000) * Fraction("14.50") / 100 * 29 / 365 + Fraction(12000) * Fraction("14.25") / 100 * 44 / 365
    assert exact == Fraction(125700, 365)
    expected_interest = (D(exact.numerator) / D(exact.denominator)).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert expected_interest == D("344.38")

    result = compute_penalty(rules, original_amount=D(12000), due_date=due, on_date=on_date, reference_rates=rates)
    assert result.days_late == 73
    assert parts(result) == (D("0.00"), D("40.00"), D("344.38"), D("384.38"))
    assert result.to_charge == D("384.38")
    assert not result.capped


def test_missing_reference_rate_is_an_error():
    rules = PenaltyRules(interest_mode="reference", annual_rate=D(8))
    late_rates = (RatePeriod(on_day(5), D(4)),)
    with pytest.raises(
        ValueError, match=r"No reference rate on or before 2024-01-02: add the rate in force then\."
    ) as caught:
        penalty(rules, day=30, reference_rates=late_rates)
    [message] = caught.value.messages
    assert (message.code, message.params) == ("penalty.no_reference_rate", {"date": on_day(1)})
    with pytest.raises(PolicyError, match="No reference rate") as caught:
        penalty(rules, day=30)
    assert caught.value.codes == ["penalty.no_reference_rate"]


def test_negative_reference_rate_lowers_the_rate_but_never_below_zero():
    rates = (RatePeriod(date(2020, 1, 1), D("-0.5")),)
    with_points = PenaltyRules(interest_mode="reference", annual_rate=D(8), day_count=360)
    # (-0.5 + 8) = 7.5%: 1000 * 7.5% * 48 / 360 = 10.00
    assert penalty(with_points, day=48, reference_rates=rates).interest == D("10.00")
    no_points = PenaltyRules(fixed_fee=D(40), interest_mode="reference", annual_rate=D(0))
    assert parts(penalty(no_points, day=48, reference_rates=rates)) == (D(0), D(40), D(0), D(40))


def test_a_rate_starting_the_day_after_the_due_date_is_enough():
    rules = PenaltyRules(interest_mode="reference", annual_rate=D(0), day_count=360)
    rates = (RatePeriod(on_day(1), D(36)),)
    # 1000 * 36% * 10 / 360 = 10.00
    assert penalty(rules, day=10, reference_rates=rates).interest == D("10.00")


# --- Grace, cap, minimum, already charged -------------------------------------------------------


def test_nothing_during_the_grace_period_then_everything_from_the_due_date():
    rules = PenaltyRules(
        penalty_tiers=(PenaltyTier(1, D(5)),),
        fixed_fee=D(40),
        interest_mode="fixed",
        annual_rate=D("36.5"),
        grace_days=5,
    )
    assert parts(penalty(rules, day=5)) == (D(0), D(0), D(0), D(0))
    # Day 6: the 5% step (reached on day 1), the fee, and six days of interest at 1.00 a day.
    assert parts(penalty(rules, day=6)) == (D(50), D(40), D(6), D(96))


def test_cap_limits_the_total_but_not_the_breakdown():
    rules = PenaltyRules(penalty_tiers=STEPS_5_10, fixed_fee=D(40), cap_percent=D(12), cap_amount=D(500))
    result = penalty(rules, day=30)
    assert parts(result) == (D(100), D(40), D(0), D(120))  # 12% of 1000 = 120 < 500
    assert result.capped
    assert result.to_charge == D(120)
    result = penalty(replace(rules, cap_amount=D(75)), day=30)
    assert result.total == D(75)
    assert result.capped


def test_total_exactly_at_the_cap_is_not_capped_and_a_cent_above_is():
    rules = PenaltyRules(penalty_tiers=STEPS_5_10, cap_amount=D(100))
    result = penalty(rules, day=30)
    assert result.total == D(100)
    assert not result.capped
    result = penalty(replace(rules, cap_amount=D("99.99")), day=30)
    assert result.total == D("99.99")
    assert result.capped


def test_zero_cap_means_nothing_is_charged():
    rules = PenaltyRules(fixed_fee=D(40), cap_amount=D(0))
    assert penalty(rules).total == D(0)


def test_amounts_below_the_minimum_wait_until_they_are_worth_charging():
    rules = PenaltyRules(interest_mode="fixed", annual_rate=D("36.5"), minimum_charge=D(5))  # 1.00 a day
    assert penalty(rules, day=4).total == D(4)
    assert penalty(rules, day=4).to_charge == D(0)
    assert penalty(rules, day=5).to_charge == D(5)
    assert penalty(rules, day=8, already_charged=D(5)).to_charge == D(0)  # 3 more: not yet
    assert penalty(rules, day=10, already_charged=D(5)).to_charge == D(5)


def test_already_charged_is_subtracted_and_never_refunded():
    rules = PenaltyRules(penalty_tiers=STEPS_5_10)
    assert penalty(rules, day=30, already_charged=D(50)).to_charge == D(50)
    assert penalty(rules, day=30, already_charged=D(100)).to_charge == D(0)
    assert penalty(rules, day=30, already_charged=D(150)).to_charge == D(0)


# --- Edge cases --------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [0, -1, -30])
def test_nothing_due_until_the_day_after_the_due_date(day):
    rules = PenaltyRules(
        penalty_tiers=(PenaltyTier(0, D(5)),),
        fixed_fee=D(40),
        fixed_fee_days=0,
        interest_mode="fixed",
        annual_rate=D(10),
    )
    result = penalty(rules, day=day)
    assert parts(result) == (D(0), D(0), D(0), D(0))
    assert result.to_charge == D(0)
    assert result.days_late == day


def test_zero_invoice_has_no_penalty():
    rules = PenaltyRules(penalty_tiers=STEPS_5_10, fee_bands=UK_BANDS, interest_mode="fixed", annual_rate=D(8))
    assert penalty(rules, amount="0", day=90).total == D(0)


def test_results_carry_the_currency_digits():
    rules = PenaltyRules(penalty_tiers=STEPS_5_10, fixed_fee=D(40), interest_mode="fixed", annual_rate=D(8))
    for digits in (0, 2, 3):
        result = penalty(rules, day=45, digits=digits)
        for amount in (*parts(result), result.to_charge):
            assert amount.as_tuple().exponent == -digits
    zero = penalty(rules, day=0, digits=3)
    assert str(zero.total) == "0.000"


# --- Validation --------------------------------------------------------------------------------


def test_default_and_preset_like_rules_are_valid():
    assert validate_rules(PenaltyRules()) == []
    assert (
        validate_rules(
            PenaltyRules(
                penalty_tiers=STEPS_5_10,
                fee_bands=UK_BANDS,
                interest_mode="reference",
                annual_rate=D(8),
                cap_percent=D(15),
                cap_amount=D(0),
            )
        )
        == []
    )


@pytest.mark.parametrize(
    ("changes", "code", "values", "english"),
    [
        (
            {"penalty_tiers": (PenaltyTier(-1, D(5)),)},
            "penalty.tier_negative_days",
            {"days": -1},
            "A penalty tier is at -1 days late; enter zero or more days.",
        ),
        (
            {"penalty_tiers": (PenaltyTier(15, D(120)),)},
            "penalty.tier_percent_range",
            {"days": 15, "percent": D(120)},
            "The penalty tier at 15 days is 120%; enter 0 to 100%.",
        ),
        (
            {"penalty_tiers": (PenaltyTier(15, D(-1)),)},
            "penalty.tier_percent_range",
            {"days": 15, "percent": D(-1)},
            "The penalty tier at 15 days is -1%; enter 0 to 100%.",
        ),
        (
            {"penalty_tiers": (PenaltyTier(15, D(5)), PenaltyTier(15, D(10)))},
            "penalty.tiers_out_of_order",
            {"previous_days": 15, "days": 15},
            "Penalty tiers at 15 and 15 days are out of order: each tier must come strictly later than "
            "the one before it.",
        ),
        (
            {"penalty_tiers": (PenaltyTier(30, D(10)), PenaltyTier(15, D(5)))},
            "penalty.tiers_out_of_order",
            {"previous_days": 30, "days": 15},
            "Penalty tiers at 30 and 15 days are out of order: each tier must come strictly later than "
            "the one before it.",
        ),
        (
            {"penalty_tiers": (PenaltyTier(15, D(10)), PenaltyTier(30, D(5)))},
            "penalty.tier_decreasing",
            {"days": 30, "percent": D(5), "previous_days": 15, "previous_percent": D(10)},
            "The penalty tier at 30 days (5%) is lower than the one at 15 days (10%): tiers state the total "
            "surcharge, which can only grow.",
        ),
        ({"fixed_fee": D(-40)}, "penalty.fixed_fee_negative", {}, "The fixed fee cannot be negative."),
        (
            {"fee_bands": (FeeBand(D(0), D(40)), FeeBand(D(1000), D(-70)))},
            "penalty.band_fee_negative",
            {"min_debt": D(1000)},
            "The fixed fee from a debt of 1000 cannot be negative.",
        ),
        (
            {"fee_bands": (FeeBand(D(100), D(40)),)},
            "penalty.first_band_not_zero",
            {},
            "The first fixed-fee band must start at a debt of 0.",
        ),
        (
            {"fee_bands": (FeeBand(D(0), D(40)), FeeBand(D(1000), D(70)), FeeBand(D(1000), D(100)))},
            "penalty.bands_out_of_order",
            {"previous_min_debt": D(1000), "min_debt": D(1000)},
            "Fixed-fee bands from 1000 and 1000 are out of order: each band must start at a larger debt "
            "than the one before it.",
        ),
        (
            {"fixed_fee_mode": "daily"},
            "penalty.unknown_fixed_fee_mode",
            {"mode": "daily"},
            "Unknown fixed fee mode 'daily'; use 'once' or 'per_tier'.",
        ),
        (
            {"interest_mode": "compound"},
            "penalty.unknown_interest_mode",
            {"mode": "compound"},
            "Unknown interest mode 'compound'; use none, fixed or reference.",
        ),
        (
            {"annual_rate": D(150)},
            "penalty.annual_rate_range",
            {"rate": D(150)},
            "The annual interest rate is 150%; enter 0 to 100%.",
        ),
        (
            {"annual_rate": D(-1)},
            "penalty.annual_rate_range",
            {"rate": D(-1)},
            "The annual interest rate is -1%; enter 0 to 100%.",
        ),
        (
            {"day_count": 364},
            "penalty.day_count",
            {"day_count": 364},
            "The day count is 364; use 360, 365 or 366.",
        ),
        ({"grace_days": -1}, "penalty.grace_negative", {}, "The grace period cannot be negative."),
        (
            {"cap_percent": D(-5)},
            "penalty.cap_percent_range",
            {"percent": D(-5)},
            "The cap is -5% of the invoice; enter 0 to 100%.",
        ),
        (
            {"cap_percent": D(150)},
            "penalty.cap_percent_range",
            {"percent": D(150)},
            "The cap is 150% of the invoice; enter 0 to 100%.",
        ),
        ({"cap_amount": D("-0.01")}, "penalty.cap_amount_negative", {}, "The cap amount cannot be negative."),
        (
            {"minimum_charge": D(-1)},
            "penalty.minimum_charge_negative",
            {},
            "The minimum amount worth charging cannot be negative.",
        ),
    ],
)
def test_invalid_rules_say_what_to_fix(changes, code, values, english):
    errors = validate_rules(replace(PenaltyRules(), **changes))
    assert [(error.code, error.params) for error in errors] == [(code, values)]
    assert [str(error) for error in errors] == [english]  # the English fallback is today's text


# --- Properties --------------------------------------------------------------------------------


@given(case=cases, day=st.integers(min_value=-30, max_value=400), later=st.integers(min_value=0, max_value=200))
def test_penalty_never_decreases_with_lateness(case, day, later):
    before, after = compute(case, day), compute(case, day + later)
    assert after.total >= before.total
    assert after.percent >= before.percent
    assert after.fixed >= before.fixed
    assert after.interest >= before.interest


@given(case=cases, day=st.integers(min_value=-30, max_value=400))
def test_amounts_are_rounded_and_never_negative(case, day):
    result = compute(case, day)
    for amount in (*parts(result), result.to_charge):
        assert amount >= 0
        assert amount.as_tuple().exponent == -case["digits"]
    assert result.days_late == day


@given(case=cases, day=st.integers(min_value=-30, max_value=400))
def test_total_is_the_sum_of_the_parts_within_the_cap(case, day):
    rules, digits = case["rules"], case["digits"]
    result = compute(case, day)
    uncapped = result.percent + result.fixed + result.interest
    caps = [rules.cap_amount] if rules.cap_amount is not None else []
    if rules.cap_percent is not None:
        caps.append(case["original_amount"] * rules.cap_percent / 100)
    if caps:
        limit = round_money(min(caps), digits)
        assert result.total == min(uncapped, limit)
        assert result.capped == (uncapped > limit)
    else:
        assert result.total == uncapped
        assert not result.capped


@given(case=cases, data=st.data())
def test_nothing_during_the_grace_period(case, data):
    day = data.draw(st.integers(min_value=-30, max_value=case["rules"].grace_days), label="day")
    result = compute(case, day)
    assert parts(result) == (0, 0, 0, 0)
    assert result.to_charge == 0


@given(case=cases, data=st.data())
def test_after_the_grace_period_everything_accrues_from_the_due_date(case, data):
    day = data.draw(st.integers(min_value=case["rules"].grace_days + 1, max_value=400), label="day")
    no_grace = {**case, "rules": replace(case["rules"], grace_days=0)}
    assert compute(case, day) == compute(no_grace, day)


@given(case=cases, day=st.integers(min_value=-30, max_value=400))
def test_charging_what_was_computed_leaves_nothing_to_charge(case, day):
    result = compute(case, day)
    assert compute(case, day, already_charged=result.total).to_charge == 0


@given(case=cases, days=st.lists(st.integers(min_value=-30, max_value=400), min_size=1, max_size=8))
def test_repeated_runs_never_charge_anything_twice(case, days):
    """A daily run charging to_charge each time never charges more than the total due."""
    minimum = case["rules"].minimum_charge
    charged = D(0)
    for day in sorted(days):
        result = compute(case, day, already_charged=charged)
        assert result.to_charge == 0 or result.to_charge >= minimum
        charged += result.to_charge
        assert charged <= result.total
        # Whatever is left uncharged is below the minimum worth charging.
        assert result.total - charged == 0 or result.total - charged < minimum


@given(case=cases, day=st.integers(min_value=-30, max_value=400), already=money)
def test_to_charge_is_what_is_due_beyond_what_was_charged(case, day, already):
    result = compute(case, day, already_charged=already)
    remaining = max(result.total - round_money(already, case["digits"]), 0)
    if remaining >= case["rules"].minimum_charge:
        assert result.to_charge == remaining
    else:
        assert result.to_charge == 0


@given(case=cases, day=st.integers(min_value=1, max_value=400))
def test_percent_part_is_each_step_on_what_was_owed_then(case, day):
    rules, digits, original = case["rules"], case["digits"], case["original_amount"]
    expected, previous = D(0), D(0)
    for tier in rules.penalty_tiers:
        if day > rules.grace_days and tier.days_late <= day:
            step_date = on_day(tier.days_late)
            owed = original
            for change in sorted(case["balances"], key=lambda c: c.date):
                if change.date <= step_date:
                    owed = change.residual
            expected += round_money(owed * (tier.percent - previous) / 100, digits)
            previous = tier.percent
    assert compute(case, day).percent == expected


@given(
    amount=money,
    rate=st.decimals(min_value=0, max_value=100, places=2),
    day_count=st.sampled_from([360, 365, 366]),
    day=st.integers(min_value=1, max_value=800),
    digits=digits_st,
)
def test_fixed_interest_without_payments_is_simple_interest(amount, rate, day_count, day, digits):
    rules = PenaltyRules(interest_mode="fixed", annual_rate=rate, day_count=day_count)
    exact = Fraction(amount) * Fraction(rate) / 100 * day / day_count
    expected = (D(exact.numerator) / D(exact.denominator)).quantize(D(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    result = compute_penalty(rules, original_amount=amount, due_date=DUE, on_date=on_day(day), digits=digits)
    assert result.interest == expected


@given(case=cases, day=st.integers(min_value=-30, max_value=400))
def test_nothing_is_due_when_nothing_was_owed_at_the_due_date(case, day):
    paid = {**case, "balances": [BalanceChange(on_day(-1), D(0))]}
    assert compute(paid, day).total == 0


# --- Invoices in installments --------------------------------------------------------------------


def test_one_installment_is_the_plain_computation():
    from fc_policy import InstallmentDebt, compute_invoice_penalty  # noqa: PLC0415

    rules = PenaltyRules(penalty_tiers=STEPS_5_10, fixed_fee=D(40), interest_mode="fixed", annual_rate=D(8))
    paid = (BalanceChange(on_day(20), D(600)),)
    single = compute_invoice_penalty(rules, installments=[InstallmentDebt(D(1000), DUE, paid)], on_date=on_day(45))
    assert single == penalty(rules, day=45, balances=paid)


def test_installments_each_late_from_their_due_date_fee_once():
    from fc_policy import InstallmentDebt, compute_invoice_penalty  # noqa: PLC0415

    rules = PenaltyRules(penalty_tiers=STEPS_5_10, fixed_fee=D(40))
    installments = [
        InstallmentDebt(D(300), DUE),
        InstallmentDebt(D(300), on_day(30)),
        InstallmentDebt(D("400.01"), on_day(60)),
    ]
    result = compute_invoice_penalty(rules, installments=installments, on_date=on_day(46))
    # 300 at 46 days: 10% = 30; 300 at 16 days: 5% = 15; the last not due; one 40 fee for the invoice
    assert parts(result) == (D(45), D(40), D(0), D(85))
    assert result.days_late == 46
    assert compute_invoice_penalty(
        rules, installments=installments, on_date=on_day(46), already_charged=D(85)
    ).to_charge == D(0)


@given(day=st.integers(min_value=0, max_value=400), split=st.integers(min_value=1, max_value=99))
def test_installment_penalty_never_decreases_with_lateness(day, split):
    from fc_policy import InstallmentDebt, compute_invoice_penalty  # noqa: PLC0415

    rules = PenaltyRules(
        penalty_tiers=STEPS_5_10, fixed_fee=D(40), interest_mode="fixed", annual_rate=D(8), cap_percent=D(50)
    )
    first = D(10) * split
    installments = [InstallmentDebt(first, DUE), InstallmentDebt(D(1000) - first, on_day(30))]
    today = compute_invoice_penalty(rules, installments=installments, on_date=on_day(day))
    tomorrow = compute_invoice_penalty(rules, installments=installments, on_date=on_day(day + 1))
    assert tomorrow.total >= today.total
    assert today.total <= D(500)


def test_an_invoice_needs_an_installment():
    from fc_policy import compute_invoice_penalty  # noqa: PLC0415

    with pytest.raises(PolicyError, match="at least one installment") as caught:
        compute_invoice_penalty(PenaltyRules(), installments=[], on_date=DUE)
    assert caught.value.codes == ["penalty.no_installment"]
