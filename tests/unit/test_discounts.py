"""Early-payment discount tiers: the best open tier, and its rounded discount."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from fc_policy import (
    DiscountTier,
    best_tier,
    discount_amount,
    discounted_total,
    next_tier,
    offer_on,
    round_money,
    tier_deadline,
    validate_tiers,
)
from hypothesis import given
from hypothesis import strategies as st

D = Decimal
INVOICE_DATE = date(2024, 3, 1)
# "3% within 5 days, 2% within 10, 1% within 15"
TIERS = [
    DiscountTier(days=5, percent=D(3)),
    DiscountTier(days=10, percent=D(2)),
    DiscountTier(days=15, percent=D(1)),
]


def on_day(days):
    return INVOICE_DATE + timedelta(days=days)


# Valid tier lists: distinct days, and a later deadline always gives a smaller discount.
@st.composite
def valid_tiers(draw):
    days = sorted(draw(st.lists(st.integers(min_value=0, max_value=90), min_size=1, max_size=5, unique=True)))
    percents = sorted(
        draw(st.lists(st.integers(min_value=1, max_value=9999), min_size=len(days), max_size=len(days), unique=True)),
        reverse=True,
    )
    tiers = [DiscountTier(days=d, percent=D(p).scaleb(-2)) for d, p in zip(days, percents, strict=False)]
    return draw(st.permutations(tiers))


amounts = st.decimals(min_value=0, max_value=10**7, places=3, allow_nan=False, allow_infinity=False)
digits_st = st.sampled_from([0, 2, 3])


# --- Hand examples -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "percent"),
    [(-3, 3), (0, 3), (5, 3), (6, 2), (10, 2), (11, 1), (15, 1), (16, None)],
)
def test_best_tier_is_the_highest_percent_whose_deadline_is_not_past(day, percent):
    tier = best_tier(TIERS, INVOICE_DATE, on_day(day))
    assert (tier.percent if tier else None) == (D(percent) if percent is not None else None)


def test_tier_order_does_not_matter():
    assert best_tier(list(reversed(TIERS)), INVOICE_DATE, on_day(0)) == TIERS[0]


def test_no_tiers_no_offer():
    assert best_tier([], INVOICE_DATE, INVOICE_DATE) is None
    assert next_tier([], INVOICE_DATE, INVOICE_DATE) is None
    assert offer_on([], INVOICE_DATE, INVOICE_DATE, D(100), 2) is None


def test_next_tier_is_the_one_that_takes_over_when_the_current_one_expires():
    assert next_tier(TIERS, INVOICE_DATE, on_day(0)) == TIERS[1]
    assert next_tier(TIERS, INVOICE_DATE, on_day(7)) == TIERS[2]
    assert next_tier(TIERS, INVOICE_DATE, on_day(12)) is None
    assert next_tier(TIERS, INVOICE_DATE, on_day(20)) is None


def test_offer_on_the_first_day():
    offer = offer_on(TIERS, INVOICE_DATE, INVOICE_DATE, D("1234.56"), 2)
    assert offer.tier == TIERS[0]
    assert offer.deadline == date(2024, 3, 6)
    assert offer.discount == D("37.04")  # 3% of 1234.56 = 37.0368
    assert offer.amount_to_pay == D("1197.52")


def test_offer_after_the_first_deadline_moves_to_the_next_tier():
    offer = offer_on(TIERS, INVOICE_DATE, on_day(6), D("1234.56"), 2)
    assert offer.deadline == date(2024, 3, 11)
    assert offer.discount == D("24.69")  # 2% of 1234.56 = 24.6912
    assert offer.amount_to_pay == D("1209.87")


def test_no_offer_once_every_deadline_is_past():
    assert offer_on(TIERS, INVOICE_DATE, on_day(16), D("1234.56"), 2) is None


@pytest.mark.parametrize(
    ("amount", "percent", "digits", "discount", "to_pay"),
    [
        ("1234", 3, 0, "37", "1197"),  # JPY: 37.02 -> 37
        ("50", 1, 0, "1", "49"),  # 0.5 rounds half-up
        ("10.005", 10, 2, "1.00", "9.01"),  # 1.0005 -> 1.00; the amount itself rounds to 10.01
        ("1000.125", "2.5", 3, "25.003", "975.122"),  # 25.003125 -> 25.003
        ("0", 3, 2, "0.00", "0.00"),
    ],
)
def test_discount_is_rounded_half_up_to_the_currency(amount, percent, digits, discount, to_pay):
    assert str(discount_amount(D(amount), D(percent), digits)) == discount
    assert str(discounted_total(D(amount), D(percent), digits)) == to_pay


# --- Validation --------------------------------------------------------------------------------


def test_valid_tiers_have_no_errors():
    assert validate_tiers(TIERS) == []
    assert validate_tiers([]) == []


@pytest.mark.parametrize(
    ("tiers", "code", "values", "english"),
    [
        (
            [DiscountTier(5, D(0))],
            "discount.percent_range",
            {"days": 5, "percent": D(0)},
            "The discount within 5 days is 0%; enter more than 0% and less than 100%.",
        ),
        (
            [DiscountTier(5, D(100))],
            "discount.percent_range",
            {"days": 5, "percent": D(100)},
            "The discount within 5 days is 100%; enter more than 0% and less than 100%.",
        ),
        (
            [DiscountTier(5, D(-1))],
            "discount.percent_range",
            {"days": 5, "percent": D(-1)},
            "The discount within 5 days is -1%; enter more than 0% and less than 100%.",
        ),
        (
            [DiscountTier(-2, D(3))],
            "discount.negative_days",
            {"days": -2},
            "A discount tier has -2 days; enter zero or a positive number of days.",
        ),
        (
            [DiscountTier(10, D(3)), DiscountTier(10, D(2))],
            "discount.duplicate_days",
            {"days": 10},
            "Two discount tiers end after 10 days; keep one.",
        ),
        (
            [DiscountTier(5, D(2)), DiscountTier(10, D(3))],
            "discount.not_decreasing",
            {"days": 10, "percent": D(3), "previous_days": 5, "previous_percent": D(2)},
            "The discount within 10 days (3%) must be smaller than the one within 5 days (2%).",
        ),
        (
            [DiscountTier(10, D(2)), DiscountTier(5, D(2))],
            "discount.not_decreasing",
            {"days": 10, "percent": D(2), "previous_days": 5, "previous_percent": D(2)},
            "The discount within 10 days (2%) must be smaller than the one within 5 days (2%).",
        ),
    ],
)
def test_invalid_tiers_say_what_to_fix(tiers, code, values, english):
    [message] = [message for message in validate_tiers(tiers) if message.code == code]
    assert message.params == values
    assert str(message) == english  # the English fallback is today's text


# --- Properties --------------------------------------------------------------------------------


@given(tiers=valid_tiers())
def test_generated_tiers_are_valid(tiers):
    assert validate_tiers(tiers) == []


@given(tiers=valid_tiers(), day=st.integers(min_value=-10, max_value=100))
def test_best_tier_matches_the_definition(tiers, day):
    on_date = on_day(day)
    still_open = [t for t in tiers if INVOICE_DATE + timedelta(days=t.days) >= on_date]
    expected = max(still_open, key=lambda t: t.percent) if still_open else None
    assert best_tier(tiers, INVOICE_DATE, on_date) == expected


@given(tiers=valid_tiers(), day=st.integers(min_value=-10, max_value=100))
def test_the_offer_only_gets_worse_with_time(tiers, day):
    today = best_tier(tiers, INVOICE_DATE, on_day(day))
    tomorrow = best_tier(tiers, INVOICE_DATE, on_day(day + 1))
    if today is None:
        assert tomorrow is None
    elif tomorrow is not None:
        assert tomorrow.percent <= today.percent


@given(tiers=valid_tiers(), day=st.integers(min_value=-10, max_value=100))
def test_next_tier_is_the_best_tier_the_day_after_the_deadline(tiers, day):
    current = best_tier(tiers, INVOICE_DATE, on_day(day))
    following = next_tier(tiers, INVOICE_DATE, on_day(day))
    if current is None:
        assert following is None
        return
    day_after = tier_deadline(current, INVOICE_DATE) + timedelta(days=1)
    assert following == best_tier(tiers, INVOICE_DATE, day_after)
    if following is not None:
        assert following.days > current.days
        assert following.percent < current.percent


@given(tiers=valid_tiers(), day=st.integers(min_value=-10, max_value=100), amount=amounts, digits=digits_st)
def test_offer_discount_is_rounded_and_adds_up(tiers, day, amount, digits):
    offer = offer_on(tiers, INVOICE_DATE, on_day(day), amount, digits)
    tier = best_tier(tiers, INVOICE_DATE, on_day(day))
    if tier is None:
        assert offer is None
        return
    assert offer.tier == tier
    assert offer.deadline == INVOICE_DATE + timedelta(days=tier.days)
    assert offer.deadline >= on_day(day)
    assert offer.discount == round_money(amount * tier.percent / 100, digits)
    assert offer.discount.as_tuple().exponent == -digits
    assert offer.discount + offer.amount_to_pay == round_money(amount, digits)
    assert 0 <= offer.discount <= round_money(amount, digits)
