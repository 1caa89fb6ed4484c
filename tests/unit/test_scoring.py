"""Payer score: bounded, monotonic in lateness, neutral without history; deposit suggestion."""

from datetime import date, timedelta
from decimal import Decimal

from fc_policy.scoring import (
    DEPOSIT_BY_GRADE,
    InstallmentRecord,
    PayerHistory,
    grade,
    payer_score,
    pick_schedule,
    score_from,
    suggested_deposit,
    summarize,
)
from hypothesis import given
from hypothesis import strategies as st

D = Decimal
TODAY = date(2026, 6, 1)
DUE = date(2026, 1, 31)

days = st.integers(min_value=0, max_value=2000)
shares = st.decimals(min_value=0, max_value=1, places=3)
amounts = st.decimals(min_value="0.01", max_value="100000", places=2)


def paid(invoice, amount, late, due=DUE):
    return InstallmentRecord(invoice, due, D(amount), ((due + timedelta(days=late), D(amount)),))


# ---------------------------------------------------------------------------------------------
# The formula
# ---------------------------------------------------------------------------------------------
def test_perfect_payer_scores_100_grade_a():
    assert score_from(0, 1) == 100
    assert grade(100) == "A"


def test_worked_examples():
    # 10 days late, never on time: 100 * 0.7 / (1 + 10/45) = 57.27
    assert score_from(10, 0) == 57
    assert grade(57) == "C"
    # 45 days late: punctuality 1/2
    assert score_from(45, 0) == 35
    assert grade(35) == "E"
    # half the invoices on time, 5 days late on average
    assert score_from(5, D("0.5")) == 78
    assert grade(78) == "B"


def test_grade_thresholds():
    assert [grade(s) for s in (85, 84, 70, 69, 55, 54, 40, 39, 0)] == [
        "A",
        "B",
        "B",
        "C",
        "C",
        "D",
        "D",
        "E",
        "E",
    ]
    assert grade(None) is None


@given(days, shares)
def test_bounded(late, share):
    assert 0 <= score_from(late, share) <= 100


@given(days, days, shares)
def test_monotonic_in_lateness(a, b, share):
    low, high = sorted((a, b))
    assert score_from(high, share) <= score_from(low, share)


@given(days, shares, shares)
def test_monotonic_in_on_time_share(late, a, b):
    low, high = sorted((a, b))
    assert score_from(late, low) <= score_from(late, high)


@given(st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=100))
def test_grade_monotonic(a, b):
    low, high = sorted((a, b))
    assert grade(low) >= grade(high)  # "A" < "E": a better score never gets a worse letter


def test_no_history_is_neutral():
    assert payer_score(PayerHistory()) is None
    assert grade(payer_score(PayerHistory())) is None
    assert summarize([], TODAY) == PayerHistory()
    assert suggested_deposit(None) is None


def test_not_due_yet_is_no_history():
    untouched = InstallmentRecord("inv", TODAY + timedelta(days=10), D(100))
    assert summarize([untouched], TODAY).invoice_count == 0


# ---------------------------------------------------------------------------------------------
# History from installments (what the SQL query computes)
# ---------------------------------------------------------------------------------------------
def test_weighted_by_amount():
    history = summarize([paid("big", 9000, 30), paid("small", 1000, 0)], TODAY)
    assert history.invoice_count == 2
    assert history.on_time_count == 1
    assert history.paid_days_late == D(27)  # (9000 * 30 + 1000 * 0) / 10000
    assert history.invoiced == history.paid == D(10000)


def test_partial_payments_count_each_part_from_its_date():
    half_late = InstallmentRecord("inv", DUE, D(1000), ((DUE, D(500)), (DUE + timedelta(days=30), D(500))))
    history = summarize([half_late], TODAY)
    assert history.paid_days_late == D(15)
    assert history.on_time_count == 0


def test_overdue_money_counts_up_to_today():
    unpaid = InstallmentRecord("inv", DUE, D(1000), ((DUE, D(400)),))
    history = summarize([unpaid], TODAY)
    assert history.overdue == D(600)
    assert history.paid_days_late == D(0)
    overdue_days = (TODAY - DUE).days
    assert history.days_late == D(600 * overdue_days) / D(1000)
    assert payer_score(history) < payer_score(summarize([paid("inv", 1000, 0)], TODAY))


def test_installments_on_time_each_on_its_own_due_date():
    second_due = DUE + timedelta(days=30)
    records = [paid("inv", 300, 0), paid("inv", 700, 0, due=second_due)]
    history = summarize(records, TODAY)
    assert (history.invoice_count, history.on_time_count) == (1, 1)
    assert payer_score(history) == 100


records_st = st.lists(st.tuples(amounts, st.integers(min_value=0, max_value=400)), min_size=1, max_size=8)


@given(records_st, st.integers(min_value=0, max_value=7), st.integers(min_value=1, max_value=200))
def test_paying_later_never_raises_the_score(rows, which, extra):
    which %= len(rows)
    before = [paid(i, amount, late) for i, (amount, late) in enumerate(rows)]
    later = list(before)
    amount, late = rows[which]
    later[which] = paid(which, amount, late + extra)
    assert payer_score(summarize(later, TODAY)) <= payer_score(summarize(before, TODAY))


@given(records_st)
def test_history_bounded_and_consistent(rows):
    history = summarize([paid(i, amount, late) for i, (amount, late) in enumerate(rows)], TODAY)
    assert history.invoice_count == len(rows)
    assert 0 <= history.on_time_count <= history.invoice_count
    assert history.paid == history.invoiced == sum(amount for amount, _late in rows)
    assert 0 <= payer_score(history) <= 100
    assert min(late for _a, late in rows) <= history.paid_days_late <= max(late for _a, late in rows)


# ---------------------------------------------------------------------------------------------
# Deposit suggestion
# ---------------------------------------------------------------------------------------------
def test_deposit_table_grows_with_risk():
    shares_by_grade = [suggested_deposit(letter) for letter in "ABCDE"]
    assert shares_by_grade == sorted(shares_by_grade)
    assert suggested_deposit("A") <= 20 and suggested_deposit("E") >= 50
    assert suggested_deposit("C", {"C": D(35)}) == D(35)
    assert set(DEPOSIT_BY_GRADE) == set("ABCDE")


def test_pick_schedule():
    candidates = [(None, 0), ("30/30/40", 30), ("50/50", 50)]
    assert pick_schedule(D(0), candidates) is None  # grade A: no deposit
    assert pick_schedule(D(20), candidates) == "30/30/40"
    assert pick_schedule(D(30), candidates) == "30/30/40"
    assert pick_schedule(D(40), candidates) == "50/50"
    assert pick_schedule(D(80), candidates) == "50/50"  # nothing covers it: the largest
    assert pick_schedule(None, candidates) is None
    assert pick_schedule(D(20), []) is None
    assert pick_schedule(D(50), [("first", 50), ("second", 50)]) == "first"


@given(
    st.decimals(min_value=0, max_value=100, places=1),
    st.lists(st.decimals(min_value=0, max_value=100, places=1), min_size=1, max_size=6),
)
def test_pick_schedule_covers_when_it_can(suggested, upfronts):
    candidates = [(index, share) for index, share in enumerate(upfronts)]
    picked = upfronts[pick_schedule(suggested, candidates)]
    if any(share >= suggested for share in upfronts):
        assert picked == min(share for share in upfronts if share >= suggested)
    else:
        assert picked == max(upfronts)
