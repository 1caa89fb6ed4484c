"""Escalation ladder: the stage an invoice is in, decided from facts only."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from fc_policy import InvoiceFacts, StageRule, days_late, decide_stage, validate_stages, worst_stage
from hypothesis import given
from hypothesis import strategies as st

D = Decimal
DUE = date(2024, 4, 1)
LADDER = [
    StageRule(key="courtesy", sequence=1, days=-3, name="Courtesy reminder"),
    StageRule(key="reminder", sequence=2, days=10),
    StageRule(key="formal", sequence=3, days=40, name="Formal notice"),
    StageRule(key="agency", sequence=4, days=70),
]


def facts(residual="100", **kwargs):
    return InvoiceFacts(due_date=DUE, residual=D(residual), **kwargs)


def on_day(days):
    return DUE + timedelta(days=days)


# Valid ladders: distinct keys, each stage reached strictly later than the one before it.
@st.composite
def ladders(draw):
    days = sorted(draw(st.lists(st.integers(min_value=-30, max_value=200), min_size=1, max_size=6, unique=True)))
    stages = [StageRule(key=f"stage{i}", sequence=10 * i, days=d) for i, d in enumerate(days, start=1)]
    return draw(st.permutations(stages))


def rank(stages, key):
    return next(stage.sequence for stage in stages if stage.key == key) if key is not None else -1


# --- Hand examples -----------------------------------------------------------------------------


def test_days_late_counts_calendar_days_from_the_due_date():
    assert days_late(DUE, DUE) == 0
    assert days_late(DUE, date(2024, 5, 1)) == 30
    assert days_late(DUE, date(2024, 3, 30)) == -2


@pytest.mark.parametrize(
    ("day", "stage"),
    [
        (-10, None),
        (-4, None),
        (-3, "courtesy"),  # a stage can start before the due date
        (0, "courtesy"),  # due today
        (9, "courtesy"),
        (10, "reminder"),
        (39, "reminder"),
        (40, "formal"),
        (70, "agency"),
        (400, "agency"),
    ],
)
def test_stage_follows_the_days_late(day, stage):
    assert decide_stage(LADDER, facts(), on_day(day)) == stage


def test_nothing_due_means_no_stage():
    assert decide_stage(LADDER, facts("0"), on_day(100)) is None
    assert decide_stage(LADDER, facts("-5"), on_day(100)) is None  # overpaid


def test_a_pause_keeps_the_stage_held_when_it_started():
    held = facts(paused=True, paused_stage_key="reminder")
    assert decide_stage(LADDER, held, on_day(100)) == "reminder"
    assert decide_stage(LADDER, held, on_day(0)) == "reminder"
    # Paused before any stage was reached: no stage at all while paused.
    assert decide_stage(LADDER, facts(paused=True), on_day(100)) is None


def test_days_on_a_kept_payment_plan_do_not_count_as_late():
    """On plan from day 40 (formal notice) to day 70, then the plan breaks: back at formal notice."""
    broken_plan = facts(paused_days=30)
    assert decide_stage(LADDER, broken_plan, on_day(70)) == "formal"
    assert decide_stage(LADDER, broken_plan, on_day(99)) == "formal"
    assert decide_stage(LADDER, broken_plan, on_day(100)) == "agency"  # 100 - 30 = 70 days late
    assert decide_stage(LADDER, facts(paused_days=30), on_day(35)) == "courtesy"  # 5 days late


def test_negative_paused_days_are_ignored():
    assert decide_stage(LADDER, facts(paused_days=-30), on_day(40)) == "formal"


def test_a_running_plan_holds_the_stage_whatever_the_paused_days():
    assert decide_stage(LADDER, facts(paused=True, paused_stage_key="formal", paused_days=30), on_day(400)) == "formal"


def test_a_paid_invoice_has_no_stage_even_when_paused():
    assert decide_stage(LADDER, facts("0", paused=True, paused_stage_key="formal"), on_day(100)) is None


def test_no_ladder_no_stage():
    assert decide_stage([], facts(), on_day(100)) is None


def test_worst_stage_picks_the_furthest_along_the_ladder():
    assert worst_stage(LADDER, ["reminder", "agency", "courtesy"]) == "agency"
    assert worst_stage(LADDER, [None, "formal", None, "reminder"]) == "formal"
    assert worst_stage(LADDER, ["unknown", "courtesy"]) == "courtesy"  # keys off the ladder are ignored
    assert worst_stage(LADDER, [None, "unknown"]) is None
    assert worst_stage(LADDER, []) is None


def test_title_falls_back_to_the_key():
    assert LADDER[2].title == "Formal notice"
    assert LADDER[1].title == "reminder"


# --- Validation --------------------------------------------------------------------------------


def test_valid_ladder_has_no_errors():
    assert validate_stages(LADDER) == []
    assert validate_stages([]) == []


def test_duplicate_keys_are_refused():
    ladder = [StageRule(key="a", sequence=1, days=0), StageRule(key="a", sequence=2, days=10)]
    errors = validate_stages(ladder)
    assert [error.code for error in errors] == ["stage.duplicate_key"]
    assert [str(error) for error in errors] == ["Two stages share the same key; each stage must be distinct."]


@pytest.mark.parametrize("later_days", [10, 5])
def test_stages_must_be_reached_strictly_later(later_days):
    ladder = [
        StageRule(key="a", sequence=1, days=10, name="Reminder"),
        StageRule(key="b", sequence=2, days=later_days),
    ]
    errors = validate_stages(ladder)
    assert [(error.code, error.params) for error in errors] == [
        (
            "stage.out_of_order",
            {"previous_name": "Reminder", "previous_days": 10, "name": "b", "days": later_days},
        )
    ]
    assert [str(error) for error in errors] == [
        f"Stages 'Reminder' (10 days) and 'b' ({later_days} days) are out of order: each stage must be "
        "reached strictly later than the one before it."
    ]


# --- Properties --------------------------------------------------------------------------------


@given(stages=ladders())
def test_generated_ladders_are_valid(stages):
    assert validate_stages(stages) == []


@given(
    stages=ladders(),
    day=st.integers(min_value=-60, max_value=300),
    later=st.integers(min_value=0, max_value=300),
)
def test_stage_never_goes_back_as_the_invoice_gets_later(stages, day, later):
    before = decide_stage(stages, facts(), on_day(day))
    after = decide_stage(stages, facts(), on_day(day + later))
    assert rank(stages, after) >= rank(stages, before)


@given(stages=ladders(), day=st.integers(min_value=-60, max_value=300))
def test_stage_is_the_last_one_reached(stages, day):
    reached = [stage for stage in stages if stage.days <= day]
    expected = max(reached, key=lambda stage: stage.days).key if reached else None
    assert decide_stage(stages, facts(), on_day(day)) == expected


@given(
    stages=ladders(),
    pause_day=st.integers(min_value=-60, max_value=300),
    later=st.integers(min_value=0, max_value=300),
    residual=st.decimals(min_value="0.01", max_value=10**6, places=2),
)
def test_a_pause_freezes_escalation(stages, pause_day, later, residual):
    """The stage held when the pause started stays, however late the invoice gets meanwhile."""
    held = decide_stage(stages, facts(residual), on_day(pause_day))
    paused = facts(residual, paused=True, paused_stage_key=held)
    assert decide_stage(stages, paused, on_day(pause_day + later)) == held


@given(stages=ladders(), days=st.lists(st.integers(min_value=-60, max_value=300), max_size=8))
def test_worst_stage_is_the_stage_of_the_latest_invoice(stages, days):
    keys = [decide_stage(stages, facts(), on_day(day)) for day in days]
    worst = worst_stage(stages, keys)
    assert worst in keys or worst is None
    assert all(rank(stages, worst) >= rank(stages, key) for key in keys)
    expected = decide_stage(stages, facts(), on_day(max(days))) if days else None
    assert worst == expected


@given(
    stages=ladders(),
    day=st.integers(min_value=-60, max_value=300),
    paused_days=st.integers(min_value=0, max_value=200),
)
def test_paused_days_shift_the_ladder_by_exactly_that_many_days(stages, day, paused_days):
    shifted = facts(paused_days=paused_days)
    assert decide_stage(stages, shifted, on_day(day + paused_days)) == decide_stage(stages, facts(), on_day(day))


@given(
    stages=ladders(),
    day=st.integers(min_value=-60, max_value=300),
    paused_days=st.integers(min_value=0, max_value=200),
    more=st.integers(min_value=0, max_value=200),
)
def test_more_paused_days_never_escalate_further(stages, day, paused_days, more):
    fewer = decide_stage(stages, facts(paused_days=paused_days), on_day(day))
    longer = decide_stage(stages, facts(paused_days=paused_days + more), on_day(day))
    assert rank(stages, longer) <= rank(stages, fewer)


@given(
    stages=ladders(),
    paused_days=st.integers(min_value=0, max_value=200),
    day=st.integers(min_value=-60, max_value=300),
    later=st.integers(min_value=0, max_value=300),
)
def test_stage_never_goes_back_with_lateness_after_a_plan(stages, paused_days, day, later):
    after_plan = facts(paused_days=paused_days)
    before = decide_stage(stages, after_plan, on_day(day))
    after = decide_stage(stages, after_plan, on_day(day + later))
    assert rank(stages, after) >= rank(stages, before)
