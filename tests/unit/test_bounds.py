"""The bounds of every number and date a user gives the addon (policy/bounds.py), and the validators
that refuse days beyond ten years."""

import math
from datetime import date
from decimal import Decimal

import pytest
from fc_policy import (
    DepositLine,
    DiscountTier,
    PenaltyRules,
    PenaltyTier,
    PolicyError,
    StageRule,
    autopay,
    bounds,
    validate_deposit_lines,
    validate_rules,
    validate_stages,
    validate_tiers,
)
from fc_policy.schedule import validate_plan
from hypothesis import given
from hypothesis import strategies as st


def codes(messages):
    return [message.code for message in messages]


@pytest.mark.parametrize(
    "value", [math.nan, math.inf, -math.inf, "nan", "inf", "-Infinity", Decimal("NaN"), "abc", None]
)
def test_not_finite(value):
    assert not bounds.is_finite(value)
    assert codes(bounds.check_number("Fee", value)) == ["bounds.not_finite"]


@pytest.mark.parametrize("value", [0, 1, True, 1.5, "2.5", Decimal("40.00"), 10**12, -(10**12)])
def test_finite(value):
    assert bounds.is_finite(value)
    assert bounds.check_number("Fee", value) == []


@pytest.mark.parametrize("value", [1e12 + 1, -1e13, 1e18, 1e308, 10**30])
def test_amounts_beyond_what_the_addon_books(value):
    [message] = bounds.check_number("Fixed Fee", value)
    assert message.code == "bounds.amount_too_large"
    assert message.params["maximum"] == Decimal(10) ** 12
    assert str(message).startswith("Fixed Fee is ")


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_every_finite_amount_within_the_bound_is_accepted(value):
    assert bounds.check_number("Amount", value) == []


def test_integers_fit_postgresql():
    assert bounds.check_integer("Days", 2**31 - 1) == []
    assert bounds.check_integer("Days", -(2**31 - 1)) == []
    assert codes(bounds.check_integer("Days", 2**40)) == ["bounds.integer_too_large"]
    assert codes(bounds.check_integer("Days", math.nan)) == ["bounds.not_finite"]


def test_dates_from_1900_to_2100():
    assert bounds.check_date("Until", date(2100, 12, 31)) == []
    assert bounds.check_date("Until", date(1900, 1, 1)) == []
    assert bounds.check_date("Until", None) == []
    for day in (date(2101, 1, 1), date(9999, 12, 31), date(1899, 12, 31), date(1, 1, 1)):
        [message] = bounds.check_date("Until", day)
        assert message.code == "bounds.date_range"
        assert str(message) == f"Until is {day.isoformat()}: enter a date from 1900-01-01 to 2100-12-31."
    assert bounds.not_a_date("Until", "tomorrow").code == "bounds.not_a_date"


def test_days_at_most_ten_years():
    assert bounds.check_days("Grace", 3660) == []
    assert bounds.check_days("Grace", -3660) == []
    assert bounds.check_days("Grace", -5) == [], "negative days have their own message where they matter"
    assert codes(bounds.check_days("Grace", -5, minimum=0)) == ["bounds.days_negative"]
    assert codes(bounds.check_days("Grace", 3661)) == ["bounds.days_too_many"]
    assert codes(bounds.check_days("Grace", -100000)) == ["bounds.days_too_many"]


def test_validators_refuse_days_beyond_ten_years():
    assert "penalty.tier_days_too_many" in codes(
        validate_rules(PenaltyRules(penalty_tiers=(PenaltyTier(days_late=3661, percent=Decimal(5)),)))
    )
    assert validate_rules(PenaltyRules(penalty_tiers=(PenaltyTier(days_late=3660, percent=Decimal(5)),))) == []
    assert codes(validate_tiers([DiscountTier(days=3661, percent=Decimal(2))])) == ["discount.days_too_many"]
    assert codes(validate_stages([StageRule(key=1, sequence=0, days=100000, name="Far")])) == ["stage.days_too_many"]
    assert codes(validate_stages([StageRule(key=1, sequence=0, days=-3661, name="Early")])) == ["stage.days_too_many"]
    assert validate_stages([StageRule(key=1, sequence=0, days=-3660), StageRule(key=2, sequence=1, days=3660)]) == []
    lines = [DepositLine(percent=Decimal(100), trigger="days_after", days=3661)]
    assert codes(validate_deposit_lines(lines)) == ["deposit.days_too_many"]


def test_payment_plans_run_at_most_ten_years():
    assert validate_plan(120, 1) == []
    assert validate_plan(11, 12) == []
    assert codes(validate_plan(0, 1)) == ["payment_plan.no_installment"]
    assert codes(validate_plan(121, 1)) == ["payment_plan.too_long"]
    [message] = validate_plan(13, 12)
    assert message.params == {"count": 13, "months": 12, "span": 144, "maximum": 120}


def test_autopay_retries_within_ten_years():
    assert autopay.parse_offsets("1, 3, 3660") == (1, 3, 3660)
    with pytest.raises(PolicyError) as caught:
        autopay.parse_offsets("1, 99999")
    assert caught.value.codes == ["autopay.retry_days_too_many"]
