"""The overpayment-scam guard's pure rules: the excess of a payment and the refund decision."""

from decimal import Decimal

import pytest
from fc_policy import PolicyError
from fc_policy.overpayment import Overpayment, decide_refund, overpayment_excess
from hypothesis import given
from hypothesis import strategies as st

D = Decimal

money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
signed_money = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    ("amount", "owed", "excess"),
    [
        (D("1500"), D("1000"), D("500.00")),  # the scam: a cheque of 1,500 for an invoice of 1,000
        (D("1000"), D("1000"), D("0.00")),  # exactly the debt
        (D("400"), D("1000"), D("0.00")),  # a partial payment
        (D("300"), D("0"), D("300.00")),  # nothing owed: all of it
        (D("300"), D("-200"), D("300.00")),  # already in credit: all of it, never more
        (D("0"), D("100"), D("0.00")),
        (D("1000.005"), D("1000"), D("0.01")),  # rounded half-up to the currency first
    ],
)
def test_excess_examples(amount, owed, excess):
    assert overpayment_excess(amount, owed) == excess


def test_excess_in_a_currency_without_cents():
    assert overpayment_excess(D("1500"), D("999.6"), digits=0) == D("500")


def test_negative_payment_is_refused():
    with pytest.raises(PolicyError) as caught:
        overpayment_excess(D("-1"), D("0"))
    assert caught.value.codes == ["overpayment.negative_payment"]


@given(money, signed_money)
def test_excess_between_zero_and_the_payment(amount, owed):
    excess = overpayment_excess(amount, owed)
    assert D(0) <= excess <= amount


@given(money, signed_money)
def test_excess_plus_what_it_paid_is_the_payment(amount, owed):
    excess = overpayment_excess(amount, owed)
    paid_on_debt = amount - excess
    assert paid_on_debt == min(amount, max(owed, D(0)))


@given(money, money, signed_money)
def test_excess_grows_with_the_payment(amount, more, owed):
    assert overpayment_excess(amount, owed) <= overpayment_excess(amount + more, owed)


@given(money, signed_money, money)
def test_excess_shrinks_with_the_debt(amount, owed, more):
    assert overpayment_excess(amount, owed + more) <= overpayment_excess(amount, owed)


@given(money)
def test_paying_the_debt_exactly_is_no_overpayment(amount):
    assert overpayment_excess(amount, amount) == 0


def test_refund_allowed_without_overpayments():
    decision = decide_refund([])
    assert decision.allowed
    assert decision.blocking == ()
    assert decision.unverified_excess == 0


def test_refund_refused_while_an_overpayment_is_unverified():
    cheque = Overpayment("PAY/1", D("500"))
    decision = decide_refund([cheque])
    assert not decision.allowed
    assert decision.blocking == (cheque,)
    assert decision.unverified_excess == D("500")


@pytest.mark.parametrize(
    "overpayment",
    [
        Overpayment("PAY/1", D("500"), matched=True),
        Overpayment("PAY/1", D("500"), approved=True),
        Overpayment("PAY/1", D("500"), matched=True, approved=True),
        Overpayment("PAY/1", D("0")),
    ],
)
def test_refund_allowed_once_verified_or_nothing_in_excess(overpayment):
    assert decide_refund([overpayment]).allowed


@given(st.lists(st.tuples(money, st.booleans(), st.booleans()), max_size=8))
def test_decision_is_the_unverified_excesses(rows):
    overpayments = [
        Overpayment(f"PAY/{i}", excess, matched, approved) for i, (excess, matched, approved) in enumerate(rows)
    ]
    decision = decide_refund(overpayments)
    unverified = [o for o in overpayments if o.excess > 0 and not (o.matched or o.approved)]
    assert decision.allowed == (not unverified)
    assert list(decision.blocking) == unverified
    assert decision.unverified_excess == sum((o.excess for o in unverified), D(0))
    assert decision.unverified_excess >= 0
