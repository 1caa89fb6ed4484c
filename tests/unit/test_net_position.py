"""The client's net position: unmatched credits applied to the oldest debts first."""

from datetime import date
from decimal import Decimal

from fc_policy.net_position import Credit, Debt, allocate, covered_total
from hypothesis import given
from hypothesis import strategies as st

D = Decimal


def test_a_credit_covering_the_only_overdue_invoice_leaves_nothing_owed():
    allocation = allocate([Debt(1, date(2026, 10, 1), D("500.00"))], [Credit(date(2026, 10, 20), D("500.00"))])
    assert allocation == {1: ((date(2026, 10, 20), D("500.00")),)}
    assert covered_total(allocation, 1) == D("500.00")


def test_credits_cover_the_oldest_invoice_first_then_the_next():
    debts = [
        Debt(3, date(2026, 11, 1), D("300.00")),  # newest
        Debt(1, date(2026, 9, 1), D("100.00")),  # oldest
        Debt(2, date(2026, 10, 1), D("200.00")),
    ]
    allocation = allocate(debts, [Credit(date(2026, 11, 5), D("250.00"))])
    assert covered_total(allocation, 1) == D("100.00")
    assert covered_total(allocation, 2) == D("150.00")
    assert covered_total(allocation, 3) == D("0")
    assert 3 not in allocation


def test_partial_credit_leaves_the_rest_owed():
    allocation = allocate([Debt(7, date(2026, 9, 1), D("1000.00"))], [Credit(date(2026, 9, 20), D("400.00"))])
    assert covered_total(allocation, 7) == D("400.00")


def test_credits_are_applied_in_date_order_and_split_across_debts():
    debts = [Debt(1, date(2026, 9, 1), D("100.00")), Debt(2, date(2026, 9, 15), D("100.00"))]
    credits = [Credit(date(2026, 10, 10), D("80.00")), Credit(date(2026, 10, 1), D("50.00"))]
    allocation = allocate(debts, credits)
    # the credit of 1 October first: 50 on invoice 1; then 50 of the 80 on invoice 1, 30 on invoice 2
    assert allocation[1] == ((date(2026, 10, 1), D("50.00")), (date(2026, 10, 10), D("50.00")))
    assert allocation[2] == ((date(2026, 10, 10), D("30.00")),)


def test_more_credit_than_debt_covers_everything_and_no_more():
    debts = [Debt(1, date(2026, 9, 1), D("100.00")), Debt(2, date(2026, 9, 2), D("50.00"))]
    allocation = allocate(debts, [Credit(date(2026, 9, 3), D("1000.00"))])
    assert covered_total(allocation, 1) == D("100.00")
    assert covered_total(allocation, 2) == D("50.00")


def test_same_due_date_goes_to_the_smaller_key_first():
    debts = [Debt(9, date(2026, 9, 1), D("10.00")), Debt(4, date(2026, 9, 1), D("10.00"))]
    allocation = allocate(debts, [Credit(date(2026, 9, 3), D("10.00"))])
    assert list(allocation) == [4]


def test_no_credit_or_nothing_owed_allocates_nothing():
    assert allocate([Debt(1, date(2026, 9, 1), D("10.00"))], []) == {}
    assert allocate([Debt(1, date(2026, 9, 1), D("0"))], [Credit(date(2026, 9, 3), D("10.00"))]) == {}
    assert allocate([], [Credit(date(2026, 9, 3), D("10.00"))]) == {}


amounts = st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2)
days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))


@given(
    st.lists(st.tuples(days, amounts), min_size=0, max_size=8),
    st.lists(st.tuples(days, amounts), min_size=0, max_size=5),
)
def test_allocation_conserves_money_and_fills_oldest_first(debt_specs, credit_specs):
    debts = [Debt(index, due, amount) for index, (due, amount) in enumerate(debt_specs)]
    credits = [Credit(day, amount) for day, amount in credit_specs]
    allocation = allocate(debts, credits)
    total_debt = sum((d.residual for d in debts), D(0))
    total_credit = sum((c.amount for c in credits), D(0))
    covered = {d.key: covered_total(allocation, d.key) for d in debts}
    # no debt covered beyond what it owes, no credit spent beyond what it holds, nothing lost
    assert all(D(0) <= covered[d.key] <= d.residual for d in debts)
    assert sum(covered.values(), D(0)) == min(total_debt, total_credit)
    # oldest first: a debt is covered only once every older debt is fully covered
    ordered = sorted(debts, key=lambda d: (d.due_date, d.key))
    for older, newer in zip(ordered, ordered[1:], strict=False):
        if covered[newer.key] > 0:
            assert covered[older.key] == older.residual
