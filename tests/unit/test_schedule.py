"""Deposit schedules: installments that add up to the total to the cent."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from fc_policy import (
    TRIGGERS,
    DepositLine,
    PolicyError,
    round_money,
    split_equal,
    split_installments,
    validate_deposit_lines,
)
from hypothesis import assume, given
from hypothesis import strategies as st

D = Decimal
ISSUE = date(2024, 3, 1)


def lines_of(*percents):
    return [DepositLine(percent=D(percent)) for percent in percents]


def amounts(installments):
    return [installment.amount for installment in installments]


# Shares as the addon stores them (two decimals), each more than 0%, adding up to exactly 100%.
@st.composite
def percent_lines(draw, max_lines=6):
    count = draw(st.integers(min_value=1, max_value=max_lines))
    cuts = draw(st.lists(st.integers(min_value=1, max_value=9999), min_size=count - 1, max_size=count - 1, unique=True))
    bounds = [0, *sorted(cuts), 10000]
    return [DepositLine(percent=D(high - low).scaleb(-2)) for low, high in zip(bounds, bounds[1:], strict=False)]


totals = st.decimals(min_value=0, max_value=10**8, places=4, allow_nan=False, allow_infinity=False)
digits_st = st.sampled_from([0, 2, 3])


# --- Hand examples -----------------------------------------------------------------------------


def test_30_30_40_puts_the_rounding_remainder_on_the_last_installment():
    installments = split_installments(D("1000.01"), lines_of(30, 30, 40), ISSUE, 2)
    assert amounts(installments) == [D("300.00"), D("300.00"), D("400.01")]
    assert [i.sequence for i in installments] == [1, 2, 3]
    assert [i.label for i in installments] == [
        "Installment 1/3 (30%)",
        "Installment 2/3 (30%)",
        "Installment 3/3 (40%)",
    ]


def test_50_50_on_an_odd_cent():
    assert amounts(split_installments(D("100.01"), lines_of(50, 50), ISSUE, 2)) == [D("50.01"), D("50.00")]


def test_fractional_percent_label_is_normalized():
    installments = split_installments(D("200"), lines_of("33.50", "66.50"), ISSUE, 2)
    assert [i.label for i in installments] == ["Installment 1/2 (33.5%)", "Installment 2/2 (66.5%)"]
    assert amounts(installments) == [D("67.00"), D("133.00")]


def test_total_is_rounded_half_up_before_splitting():
    installments = split_installments(D("1000.005"), lines_of(100), ISSUE, 2)
    assert amounts(installments) == [D("1000.01")]


def test_zero_total_gives_zero_installments():
    installments = split_installments(D("0"), lines_of(30, 30, 40), ISSUE, 2)
    assert amounts(installments) == [D("0.00")] * 3


def test_currency_without_decimals():
    # JPY: 30% of 1001 is 300.3 -> 300; the last one takes 1001 - 600.
    assert amounts(split_installments(D("1001"), lines_of(30, 30, 40), ISSUE, 0)) == [D(300), D(300), D(401)]


def test_currency_with_three_decimals():
    # KWD: the total 1000.0005 rounds half-up to 1000.001; 30% of it is 300.0003 -> 300.000.
    installments = split_installments(D("1000.0005"), lines_of(30, 30, 40), ISSUE, 3)
    assert [str(amount) for amount in amounts(installments)] == ["300.000", "300.000", "400.001"]


def test_custom_labels_and_due_dates_follow_each_trigger():
    final_due = date(2024, 6, 30)
    lines = [
        DepositLine(percent=D(20), trigger="on_issue", label="Upfront deposit"),
        DepositLine(percent=D(20), trigger="days_after", days=30),
        DepositLine(percent=D(20), trigger="fixed_date", fixed_date=date(2024, 5, 15)),
        DepositLine(percent=D(20), trigger="milestone", days=45),
        DepositLine(percent=D(20), trigger="before_final", days=60),
    ]
    installments = split_installments(D("5000"), lines, ISSUE, 2, final_due=final_due)
    assert [i.due_date for i in installments] == [
        ISSUE,
        ISSUE + timedelta(days=30),
        date(2024, 5, 15),
        ISSUE + timedelta(days=45),
        final_due,
    ]
    assert [i.trigger for i in installments] == [
        "on_issue",
        "days_after",
        "fixed_date",
        "milestone",
        "before_final",
    ]
    assert installments[0].label == "Upfront deposit"
    assert installments[1].label == "Installment 2/5 (20%)"


def test_before_final_without_a_final_date_falls_back_to_days_after_issue():
    lines = [DepositLine(percent=D(50)), DepositLine(percent=D(50), trigger="before_final", days=60)]
    installments = split_installments(D("100"), lines, ISSUE, 2)
    assert installments[1].due_date == ISSUE + timedelta(days=60)


def test_no_installment_is_negative_for_a_tiny_total():
    installments = split_installments(D("2"), lines_of(25, 25, 25, 25), ISSUE, 0)
    assert amounts(installments) == [D(1), D(1), D(0), D(0)]
    assert split_equal(D("0.05"), 10, 2) == [D(0)] * 9 + [D("0.05")]


# --- Validation --------------------------------------------------------------------------------


def test_valid_schedule_has_no_errors():
    assert validate_deposit_lines(lines_of(30, 30, 40)) == []
    assert validate_deposit_lines(lines_of("33.33", "33.33", "33.34")) == []


@pytest.mark.parametrize(
    ("lines", "code", "values", "english"),
    [
        ([], "deposit.no_line", {}, "Add at least one deposit line."),
        (
            lines_of(0, 100),
            "deposit.line_percent_range",
            {"line": 1, "percent": D(0)},
            "Line 1 is 0%; each line must be more than 0% and at most 100%.",
        ),
        (
            lines_of(120, -20),
            "deposit.line_percent_range",
            {"line": 1, "percent": D(120)},
            "Line 1 is 120%; each line must be more than 0% and at most 100%.",
        ),
        (
            lines_of(120, -20),
            "deposit.line_percent_range",
            {"line": 2, "percent": D(-20)},
            "Line 2 is -20%; each line must be more than 0% and at most 100%.",
        ),
        (
            [DepositLine(percent=D(100), trigger="someday")],
            "deposit.unknown_trigger",
            {"line": 1, "trigger": "someday", "triggers": TRIGGERS},
            "Line 1 has an unknown trigger 'someday'; use one of on_issue, days_after, fixed_date, "
            "milestone, before_final.",
        ),
        (
            [DepositLine(percent=D(100), trigger="days_after", days=-5)],
            "deposit.negative_days",
            {"line": 1, "days": -5},
            "Line 1 has -5 days; enter zero or a positive number of days.",
        ),
        (
            [DepositLine(percent=D(100), trigger="fixed_date")],
            "deposit.missing_fixed_date",
            {"line": 1},
            "Line 1 is due on a fixed date: enter the date.",
        ),
        (
            lines_of(30, 30, 30),
            "deposit.total_not_100",
            {"total": D(90)},
            "Deposit lines add up to 90%; they must add up to 100%.",
        ),
        (
            lines_of("50", "50.50"),
            "deposit.total_not_100",
            {"total": D("100.5")},
            "Deposit lines add up to 100.5%; they must add up to 100%.",
        ),
    ],
)
def test_invalid_schedule_says_what_to_fix(lines, code, values, english):
    found = [message for message in validate_deposit_lines(lines) if message.code == code]
    [message] = [message for message in found if message.params == values]
    assert str(message) == english  # the English fallback is today's text


def test_every_problem_is_reported():
    lines = [DepositLine(percent=D(0), trigger="someday", days=-1)]
    assert [message.code for message in validate_deposit_lines(lines)] == [
        "deposit.line_percent_range",
        "deposit.unknown_trigger",
        "deposit.negative_days",
        "deposit.total_not_100",
    ]


def test_split_refuses_an_invalid_schedule():
    with pytest.raises(ValueError, match=r"Deposit lines add up to 90%; they must add up to 100%\.") as caught:
        split_installments(D("1000"), lines_of(30, 30, 30), ISSUE, 2)
    assert isinstance(caught.value, PolicyError)
    assert [(message.code, message.params) for message in caught.value.messages] == [
        ("deposit.total_not_100", {"total": D(90)})
    ]
    with pytest.raises(PolicyError, match="Add at least one deposit line") as caught:
        split_installments(D("1000"), [], ISSUE, 2)
    assert caught.value.codes == ["deposit.no_line"]


def test_a_refusal_says_every_problem_in_english():
    """PolicyError's text joins its messages as split_installments' ValueError did."""
    with pytest.raises(PolicyError) as caught:
        split_installments(D("1000"), [DepositLine(percent=D(0), trigger="fixed_date")], ISSUE, 2)
    assert caught.value.codes == [
        "deposit.line_percent_range",
        "deposit.missing_fixed_date",
        "deposit.total_not_100",
    ]
    assert str(caught.value) == (
        "Line 1 is 0%; each line must be more than 0% and at most 100%. "
        "Line 1 is due on a fixed date: enter the date. "
        "Deposit lines add up to 0%; they must add up to 100%."
    )


# --- Properties --------------------------------------------------------------------------------


@given(total=totals, lines=percent_lines(), digits=digits_st)
def test_installments_add_up_exactly_to_the_rounded_total(total, lines, digits):
    installments = split_installments(total, lines, ISSUE, digits)
    assert len(installments) == len(lines)
    assert sum(amounts(installments), D(0)) == round_money(total, digits)
    for installment in installments:
        assert installment.amount.as_tuple().exponent == -digits


@given(total=totals, lines=percent_lines(), digits=digits_st)
def test_only_the_last_installment_carries_the_rounding_remainder(total, lines, digits):
    rounded_total = round_money(total, digits)
    installments = split_installments(total, lines, ISSUE, digits)
    *first, last = installments
    allocated = D(0)
    for installment, line in zip(first, lines, strict=False):
        # its rounded share, unless earlier shares rounded up took it (tiny totals): never below zero
        share = round_money(rounded_total * line.percent / 100, digits)
        assert installment.amount == min(share, rounded_total - allocated)
        assert installment.amount >= 0
        allocated += installment.amount
    assert last.amount >= 0
    # Each earlier share is off by at most half a unit, so the last one by at most (n - 1) halves.
    unit = D(1).scaleb(-digits)
    exact_last_share = rounded_total * lines[-1].percent / 100
    assert abs(last.amount - exact_last_share) <= (len(lines) - 1) * unit / 2


@given(total=totals, lines=percent_lines(), digits=digits_st)
def test_no_installment_is_negative_once_the_last_share_covers_the_rounding(total, lines, digits):
    unit = D(1).scaleb(-digits)
    assume(round_money(total, digits) * lines[-1].percent / 100 >= (len(lines) - 1) * unit / 2)
    assert all(amount >= 0 for amount in amounts(split_installments(total, lines, ISSUE, digits)))


@given(lines=percent_lines())
def test_schedules_that_add_up_to_100_are_valid(lines):
    assert validate_deposit_lines(lines) == []


@given(lines=percent_lines(), extra=st.integers(min_value=1, max_value=500))
def test_schedules_that_do_not_add_up_to_100_are_refused(lines, extra):
    changed = [*lines[:-1], DepositLine(percent=lines[-1].percent + D(extra).scaleb(-2))]
    errors = validate_deposit_lines(changed)
    assert any(error.code == "deposit.total_not_100" and "they must add up to 100%" in str(error) for error in errors)
    with pytest.raises(PolicyError):
        split_installments(D(1000), changed, ISSUE, 2)


# --- Equal splits (payment plans) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "count", "digits", "expected"),
    [
        ("100", 3, 2, ["33.33", "33.33", "33.34"]),
        ("200", 3, 2, ["66.67", "66.67", "66.66"]),  # the share rounds up: the last one is smaller
        ("1000.005", 1, 2, ["1000.01"]),
        ("0", 4, 2, ["0.00", "0.00", "0.00", "0.00"]),
        ("1000", 3, 0, ["333", "333", "334"]),
        ("10", 3, 3, ["3.333", "3.333", "3.334"]),
    ],
)
def test_split_equal(total, count, digits, expected):
    assert [str(amount) for amount in split_equal(D(total), count, digits)] == expected


@pytest.mark.parametrize("count", [0, -2])
def test_split_equal_needs_at_least_one_installment(count):
    with pytest.raises(ValueError, match=f"A payment plan needs at least one installment, not {count}.") as caught:
        split_equal(D(100), count, 2)
    [message] = caught.value.messages
    assert (message.code, message.params) == ("payment_plan.no_installment", {"count": count})


@given(total=totals, count=st.integers(min_value=1, max_value=24), digits=digits_st)
def test_split_equal_adds_up_with_the_remainder_last(total, count, digits):
    rounded_total = round_money(total, digits)
    parts = split_equal(total, count, digits)
    assert len(parts) == count
    assert sum(parts, D(0)) == rounded_total
    assert all(part.as_tuple().exponent == -digits for part in parts)
    *first, last = parts
    share = round_money(rounded_total / count, digits)
    unit = D(1).scaleb(-digits)
    off_by = (count - 1) * unit / 2  # each earlier share is off by at most half a unit
    if share * (count - 1) > rounded_total:  # tiny totals: shares rounded down, never negative
        share = (rounded_total / count).quantize(unit, rounding="ROUND_DOWN")
        off_by = (count - 1) * unit
    assert all(part == share for part in first)
    assert last >= 0
    assert abs(last - rounded_total / count) <= off_by
