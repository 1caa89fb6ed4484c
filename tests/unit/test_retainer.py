"""Retainer arithmetic: draws to the cent, the threshold, the top-up, exhaustion and work stop."""

from decimal import Decimal

from fc_policy import retainer
from hypothesis import given
from hypothesis import strategies as st

D = Decimal
cents = st.integers(min_value=0, max_value=10_000_000).map(lambda c: D(c).scaleb(-2))
signed_cents = st.integers(min_value=-1_000_000, max_value=10_000_000).map(lambda c: D(c).scaleb(-2))


def test_the_issue_example_to_the_cent():
    steps = retainer.draw_sequence(D("2000"), [D("800"), D("900"), D("700")])
    assert steps == [(D("800.00"), D("1200.00")), (D("900.00"), D("300.00")), (D("300.00"), D("0.00"))]
    assert retainer.crosses_threshold(D("1200"), D("300"), D("500"))
    assert not retainer.crosses_threshold(D("2000"), D("1200"), D("500"))
    assert retainer.topup_amount(D("2000"), D("300")) == D("1700.00")
    assert retainer.exhausted(D("0.00"))
    assert retainer.work_stops(D("0"), topup_open=True)
    assert not retainer.work_stops(D("0"), topup_open=False)
    assert not retainer.work_stops(D("0.01"), topup_open=True)


def test_check_terms():
    assert retainer.check_terms(D("2000"), D("500")) == []
    assert retainer.check_terms(D("2000"), D("2000"), D("0")) == []
    codes = [code for code, _values in retainer.check_terms(D("2000"), D("2500"))]
    assert codes == ["threshold_above_amount"]
    codes = [code for code, _values in retainer.check_terms(D("-1"), D("-2"), D("-3"))]
    assert codes == ["amount_not_positive", "threshold_negative", "topup_negative"]


@given(balance=signed_cents, residual=signed_cents)
def test_draw_is_the_smaller_and_never_negative(balance, residual):
    taken = retainer.draw(balance, residual)
    assert taken >= 0
    assert taken <= max(balance, D(0)) and taken <= max(residual, D(0))
    assert taken == max(min(balance, residual), D(0))
    assert taken == taken.quantize(D("0.01"))


@given(balance=cents, residuals=st.lists(cents, max_size=12))
def test_draws_add_up_to_the_cent(balance, residuals):
    steps = retainer.draw_sequence(balance, residuals)
    drawn = sum((taken for taken, _after in steps), D(0))
    assert drawn == min(balance, sum(residuals, D(0)))
    assert all(after >= 0 for _taken, after in steps)
    if steps:
        assert steps[-1][1] == balance - drawn
    # once exhausted, nothing more is drawn
    for index, (_taken, after) in enumerate(steps):
        if retainer.exhausted(after):
            assert all(taken == 0 for taken, _ in steps[index + 1 :])


@given(amount=cents.filter(lambda a: a > 0), balance=signed_cents)
def test_topup_restores_the_amount(amount, balance):
    topup = retainer.topup_amount(amount, balance)
    assert topup >= 0
    if balance >= 0:
        assert max(balance, D(0)) + topup == max(amount, balance)
    else:
        assert topup == amount


@given(before=signed_cents, after=signed_cents, threshold=cents)
def test_a_crossing_happens_once(before, after, threshold):
    crossed = retainer.crosses_threshold(before, after, threshold)
    assert crossed == (before >= threshold > after)
    if crossed:
        assert not retainer.crosses_threshold(after, after, threshold)
