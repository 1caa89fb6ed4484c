"""Autopay: the days a client is told, charged and charged again, and when the ladder takes over."""

from datetime import date, timedelta

import pytest
from fc_policy import PolicyError
from fc_policy.autopay import (
    DONE,
    FAILED,
    PENDING,
    Rules,
    attempt_days,
    charge_day,
    decide,
    ladder_takes_over,
    notice_day,
    parse_offsets,
)
from hypothesis import given
from hypothesis import strategies as st

DUE = date(2026, 3, 31)
RULES = Rules(notice_days=3, retry_offsets=(1, 3, 7))
days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
rules_st = st.builds(
    Rules,
    notice_days=st.integers(0, 15),
    retry_offsets=st.lists(st.integers(1, 30), max_size=4, unique=True).map(lambda xs: tuple(sorted(xs))),
)


def simulate(day, rules, outcome, first, last, notice_sent=False):
    """Run decide() every day from FIRST to LAST (twice a day), making the attempts it asks for with
    OUTCOME(attempt day) as their answer; returns (notices, attempts made, days the ladder was held)."""
    attempts, notices, held = {}, [], []
    today = first
    while today <= last:
        for _run in range(2):
            decision = decide(today, day, rules, attempts, notice_sent)
            if decision.notify:
                notices.append(today)
                notice_sent = True
            if decision.attempt_day:
                assert decision.attempt_day not in attempts, "an attempt is made once"
                attempts[decision.attempt_day] = outcome(decision.attempt_day)
        if decide(today, day, rules, attempts, notice_sent).holds_ladder:
            held.append(today)
        today += timedelta(days=1)
    return notices, attempts, held


def test_the_example_of_the_issue():
    # told 3 days before, charged on the due date, refused, tried 1, 3 and 7 days later, then the ladder
    notices, attempts, held = simulate(DUE, RULES, lambda d: FAILED, DUE - timedelta(days=10), DUE + timedelta(days=20))
    assert notices == [date(2026, 3, 28)]
    assert list(attempts) == [DUE, date(2026, 4, 1), date(2026, 4, 3), date(2026, 4, 7)]
    assert held[-1] == date(2026, 4, 6), "the ladder takes over the day the last attempt fails"
    assert ladder_takes_over(date(2026, 4, 7), DUE, RULES, attempts)


def test_a_charge_that_succeeds_is_made_once():
    notices, attempts, held = simulate(DUE, RULES, lambda d: DONE, DUE - timedelta(days=5), DUE + timedelta(days=30))
    assert attempts == {DUE: DONE}
    assert held == [DUE - timedelta(days=5) + timedelta(days=i) for i in range(5)], "held until paid"


def test_a_pending_charge_is_never_sent_again_and_holds_the_ladder():
    decision = decide(DUE + timedelta(days=30), DUE, RULES, {DUE: PENDING}, True)
    assert decision.attempt_day is None and decision.holds_ladder and decision.next_day is None


def test_the_second_attempt_succeeds():
    outcome = {DUE: FAILED, DUE + timedelta(days=1): DONE}
    _notices, attempts, _held = simulate(DUE, RULES, outcome.get, DUE, DUE + timedelta(days=20))
    assert attempts == outcome


def test_a_run_missed_on_the_charge_day_charges_the_next_day_once():
    attempts = {}
    decision = decide(DUE + timedelta(days=2), DUE, RULES, attempts, True)
    assert decision.attempt_day == DUE + timedelta(days=1), "the latest attempt due, not the missed one"


def test_charge_day():
    assert charge_day(DUE, date(2026, 3, 1)) == DUE
    assert charge_day(DUE, date(2026, 3, 1), offer_deadline=date(2026, 3, 10)) == date(2026, 3, 10)
    assert charge_day(DUE, date(2026, 4, 1)) is None, "already due when autopay was turned on: the ladder's"
    assert charge_day(DUE, None) is None
    assert charge_day(DUE, date(2026, 3, 1), offer_deadline=date(2026, 4, 10)) == DUE


def test_no_notice_when_notice_days_is_zero():
    notices, _attempts, _held = simulate(DUE, Rules(0, (1,)), lambda d: DONE, DUE - timedelta(days=5), DUE)
    assert notices == []


def test_parse_offsets():
    assert parse_offsets("7, 1,3,3") == (1, 3, 7)
    assert parse_offsets("") == ()
    for bad in ("0", "-1", "x", "1.5"):
        with pytest.raises(PolicyError):
            parse_offsets(bad)


@given(day=days, rules=rules_st, failures=st.integers(0, 5), start_before=st.integers(0, 20))
def test_each_attempt_at_most_once_the_notice_once_and_before(day, rules, failures, start_before):
    schedule = attempt_days(day, rules)
    results = {attempt: (FAILED if index < failures else DONE) for index, attempt in enumerate(schedule)}
    first = day - timedelta(days=start_before)
    notices, attempts, held = simulate(day, rules, results.get, first, day + timedelta(days=40))
    assert len(notices) <= 1
    if notices:
        assert notices[0] < day and notices[0] >= notice_day(day, rules)
    assert set(attempts) <= set(schedule)
    assert sum(1 for state in attempts.values() if state == DONE) <= 1
    assert all(state == FAILED for attempt, state in attempts.items() if attempt < max(attempts))
    if failures >= len(schedule):
        assert len(attempts) == len(schedule) and all(h < schedule[-1] for h in held)
    else:
        assert attempts[schedule[failures]] == DONE


@given(today=days, day=days, rules=rules_st, made=st.integers(0, 5))
def test_the_next_day_is_the_next_thing_to_do(today, day, rules, made):
    schedule = attempt_days(day, rules)
    attempts = {attempt: FAILED for attempt in schedule[:made] if attempt <= today}
    decision = decide(today, day, rules, attempts, notice_sent=False)
    if decision.next_day is not None:
        assert decision.next_day > today
        # nothing happens between today and the next day
        for offset in range(1, (decision.next_day - today).days):
            later = decide(today + timedelta(days=offset), day, rules, dict(attempts), notice_sent=True)
            assert later.attempt_day is None or later.attempt_day in attempts or later.attempt_day <= today
