"""Exact money helpers: Decimal conversion and half-up rounding to a currency's digits."""

from decimal import Decimal

import pytest
from fc_policy import round_money, to_decimal
from hypothesis import given
from hypothesis import strategies as st

D = Decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7, D("7")),
        ("12.345", D("12.345")),
        (0.1, D("0.1")),  # through repr: not 0.1000000000000000055511151231257827...
        (2.675, D("2.675")),
        (None, D("0")),
    ],
)
def test_to_decimal_converts_exactly(value, expected):
    result = to_decimal(value)
    assert isinstance(result, Decimal)
    assert result == expected
    assert str(result) == str(expected)


def test_to_decimal_returns_a_decimal_unchanged():
    value = D("1.10")
    assert to_decimal(value) is value


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        ("0.125", 2, "0.13"),  # half-up, not banker's rounding (which gives 0.12)
        ("0.135", 2, "0.14"),
        ("0.124999", 2, "0.12"),
        ("-0.125", 2, "-0.13"),  # half away from zero
        (2.675, 2, "2.68"),  # the float's repr is 2.675, its binary value is just below it
        ("2.5", 0, "3"),  # JPY
        ("3.5", 0, "4"),
        ("1.0005", 3, "1.001"),  # KWD, BHD
        ("7", 2, "7.00"),
        (0, 3, "0.000"),
    ],
)
def test_round_money_rounds_half_up_to_the_currency_digits(value, digits, expected):
    result = round_money(value, digits)
    assert str(result) == expected


@given(
    value=st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False, allow_infinity=False),
    digits=st.sampled_from([0, 2, 3]),
)
def test_round_money_is_within_half_a_unit_and_idempotent(value, digits):
    unit = D(1).scaleb(-digits)
    result = round_money(value, digits)
    assert result.as_tuple().exponent == -digits
    assert abs(result - value) <= unit / 2
    if abs(result - value) == unit / 2:  # ties go away from zero
        assert abs(result) > abs(value)
    assert round_money(result, digits) == result
