"""Fuzzing the pure engine at the edges the other unit tests keep fixed.

The other files use one due date and amounts up to a million; here the dates run across years
and leap days, the amounts go from a fraction of a cent to 10^12, and the currencies have 0, 2
or 3 decimals. Properties: exact sums, no negative amount, caps kept, monotony in time, and a
daily run charging only what is new.
"""

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from fc_policy import (
    BalanceChange,
    DepositLine,
    DiscountTier,
    FeeBand,
    InstallmentDebt,
    InvoiceFacts,
    PenaltyRules,
    PenaltyTier,
    RatePeriod,
    StageRule,
    best_tier,
    compute_invoice_penalty,
    compute_penalty,
    decide_stage,
    discount_amount,
    discounted_total,
    offer_on,
    round_money,
    split_equal,
    split_installments,
    to_decimal,
    validate_rules,
)
from hypothesis import assume, given
from hypothesis import strategies as st

D = Decimal
TRILLION = 10**12

digits_st = st.sampled_from([0, 2, 3])
# Dates from 1999 to 2041: twelve leap years, 2000 (a leap century year) among them.
dates = st.dates(min_value=date(1999, 1, 1), max_value=date(2041, 12, 31))
leap_days = st.sampled_from([y for y in range(2000, 2041) if calendar.isleap(y)]).map(lambda y: date(y, 2, 29))
any_date = st.one_of(
    dates,
    leap_days,
    leap_days.map(lambda d: d - timedelta(days=1)),
    leap_days.map(lambda d: d + timedelta(days=1)),
)
huge = st.decimals(min_value=0, max_value=TRILLION, places=3, allow_nan=False, allow_infinity=False)
tiny = st.decimals(min_value=0, max_value=1, places=6, allow_nan=False, allow_infinity=False)
amounts = st.one_of(huge, tiny, st.integers(min_value=0, max_value=TRILLION).map(D))


def unit(digits):
    return D(1).scaleb(-digits)


def exponent_ok(amount, digits):
    return amount.as_tuple().exponent == -digits


# --- Money ---------------------------------------------------------------------------------------


@given(value=st.one_of(huge, tiny, huge.map(lambda v: -v)), digits=digits_st)
def test_rounding_huge_and_tiny_amounts(value, digits):
    rounded = round_money(value, digits)
    assert exponent_ok(rounded, digits)
    assert abs(rounded - value) <= unit(digits) / 2
    assert round_money(rounded, digits) == rounded
    assert round_money(-value, digits) == -rounded  # half away from zero: symmetric


@given(value=st.floats(min_value=0, max_value=TRILLION, allow_nan=False), digits=digits_st)
def test_floats_from_the_database_round_like_their_shortest_repr(value, digits):
    assert round_money(value, digits) == round_money(D(repr(value)), digits)
    assert to_decimal(value) == D(repr(value))


# --- Schedules -----------------------------------------------------------------------------------


@st.composite
def schedules(draw):
    count = draw(st.integers(min_value=1, max_value=8))
    cuts = draw(st.lists(st.integers(min_value=1, max_value=9999), min_size=count - 1, max_size=count - 1, unique=True))
    bounds = [0, *sorted(cuts), 10000]
    lines = []
    for low, high in zip(bounds, bounds[1:], strict=False):
        trigger = draw(st.sampled_from(["on_issue", "days_after", "fixed_date", "milestone", "before_final"]))
        lines.append(
            DepositLine(
                percent=D(high - low).scaleb(-2),
                trigger=trigger,
                days=draw(st.integers(min_value=0, max_value=3660)),
                fixed_date=draw(any_date) if trigger == "fixed_date" else None,
            )
        )
    return lines


@given(total=amounts, lines=schedules(), issue=any_date, final_due=st.none() | any_date, digits=digits_st)
def test_installments_add_up_are_never_negative_and_fall_on_their_dates(total, lines, issue, final_due, digits):
    installments = split_installments(total, lines, issue, digits, final_due=final_due)
    assert sum((i.amount for i in installments), D(0)) == round_money(total, digits)
    for installment, line in zip(installments, lines, strict=False):
        assert installment.amount >= 0
        assert exponent_ok(installment.amount, digits)
        expected = {
            "on_issue": issue,
            "fixed_date": line.fixed_date,
            "before_final": final_due or issue + timedelta(days=line.days),
        }.get(line.trigger, issue + timedelta(days=line.days))
        assert installment.due_date == expected
    # The exact share of each installment but the last is off by at most half a unit.
    for installment, line in zip(installments[:-1], lines, strict=False):
        exact = round_money(total, digits) * line.percent / 100
        assert installment.amount <= exact + unit(digits) / 2


@given(total=amounts, count=st.integers(min_value=1, max_value=120), digits=digits_st)
def test_equal_split_of_huge_and_tiny_debts(total, count, digits):
    parts = split_equal(total, count, digits)
    assert len(parts) == count
    assert sum(parts, D(0)) == round_money(total, digits)
    assert all(part >= 0 and exponent_ok(part, digits) for part in parts)
    assert len(set(parts[:-1])) <= 1, "equal installments, the remainder on the last"


# --- Discounts -----------------------------------------------------------------------------------

percents = st.integers(min_value=1, max_value=9999).map(lambda p: D(p).scaleb(-2))


@given(amount=amounts, percent=percents, digits=digits_st)
def test_discount_and_discounted_amount_add_up(amount, percent, digits):
    discount = discount_amount(amount, percent, digits)
    to_pay = discounted_total(amount, percent, digits)
    assert discount + to_pay == round_money(amount, digits)
    assert 0 <= discount <= round_money(amount, digits)
    assert to_pay >= 0
    assert exponent_ok(discount, digits) and exponent_ok(to_pay, digits)
    assert abs(discount - amount * percent / 100) <= unit(digits) / 2


@given(
    invoice_date=any_date,
    tiers=st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=4, unique=True),
    offset=st.integers(min_value=-30, max_value=500),
    amount=amounts,
    digits=digits_st,
)
def test_offers_across_years_and_leap_days(invoice_date, tiers, offset, amount, digits):
    days = sorted(tiers)
    tiers = [DiscountTier(days=d, percent=D(len(days) - i)) for i, d in enumerate(days)]
    today = invoice_date + timedelta(days=offset)
    offer = offer_on(tiers, invoice_date, today, amount, digits)
    open_tiers = [t for t in tiers if offset <= t.days]
    if not open_tiers:
        assert offer is None
        return
    assert offer.tier == open_tiers[0]
    assert offer.deadline == invoice_date + timedelta(days=open_tiers[0].days)
    assert (offer.deadline - invoice_date).days == offer.tier.days
    assert offer.discount + offer.amount_to_pay == round_money(amount, digits)
    tomorrow = best_tier(tiers, invoice_date, today + timedelta(days=1))
    assert tomorrow is None or tomorrow.percent <= offer.tier.percent


# --- Penalties -----------------------------------------------------------------------------------


@st.composite
def penalty_rules(draw, big=False):
    days = sorted(draw(st.lists(st.integers(min_value=0, max_value=400), max_size=4, unique=True)))
    percents = sorted(draw(st.lists(st.integers(min_value=0, max_value=10000), min_size=len(days), max_size=len(days))))
    fee_cap = TRILLION if big else 10**4
    starts = sorted(draw(st.lists(st.integers(min_value=1, max_value=TRILLION), max_size=3, unique=True)))
    bands = (
        tuple(
            FeeBand(D(start), D(draw(st.integers(min_value=0, max_value=10**6))).scaleb(-2)) for start in [0, *starts]
        )
        if draw(st.booleans())
        else ()
    )
    rules = PenaltyRules(
        penalty_tiers=tuple(PenaltyTier(d, D(p).scaleb(-2)) for d, p in zip(days, percents, strict=False)),
        fixed_fee=D(draw(st.integers(min_value=0, max_value=fee_cap))).scaleb(-2),
        fee_bands=bands,
        fixed_fee_mode=draw(st.sampled_from(["once", "per_tier"])),
        fixed_fee_days=draw(st.integers(min_value=0, max_value=60)),
        interest_mode=draw(st.sampled_from(["none", "fixed", "reference"])),
        annual_rate=D(draw(st.integers(min_value=0, max_value=10000))).scaleb(-2),
        rate_fixed_at_due=draw(st.booleans()),
        day_count=draw(st.sampled_from([360, 365, 366])),
        grace_days=draw(st.integers(min_value=0, max_value=60)),
        cap_percent=draw(st.none() | st.integers(min_value=0, max_value=10000).map(lambda p: D(p).scaleb(-2))),
        cap_amount=draw(st.none() | amounts),
        minimum_charge=draw(st.just(D(0)) | st.integers(min_value=0, max_value=5000).map(lambda p: D(p).scaleb(-2))),
    )
    assert validate_rules(rules) == []
    return rules


def reference_rates(due):
    """Rates in force from well before DUE, changing every half-year (negative ones included)."""
    return st.lists(st.integers(min_value=-100, max_value=1500), min_size=1, max_size=30).map(
        lambda values: tuple(
            RatePeriod(date(due.year - 1 + i // 2, 1 + 6 * (i % 2), 1), D(v).scaleb(-2)) for i, v in enumerate(values)
        )
    )


@st.composite
def penalty_cases(draw, big=False):
    due = draw(any_date)
    amount = draw(amounts)
    changes = draw(st.lists(st.tuples(st.integers(min_value=-30, max_value=1500), amounts), max_size=4))
    return {
        "rules": draw(penalty_rules(big=big)),
        "original_amount": amount,
        "due_date": due,
        "balances": tuple(BalanceChange(due + timedelta(days=offset), residual) for offset, residual in changes),
        "reference_rates": draw(reference_rates(due)),
        "digits": draw(digits_st),
    }


def penalty_on(case, day, **kwargs):
    return compute_penalty(on_date=case["due_date"] + timedelta(days=day), **case, **kwargs)


def cap_of(case):
    rules = case["rules"]
    caps = [rules.cap_amount] if rules.cap_amount is not None else []
    if rules.cap_percent is not None:
        caps.append(case["original_amount"] * rules.cap_percent / 100)
    return round_money(min(caps), case["digits"]) if caps else None


@given(
    case=penalty_cases(big=True),
    days=st.lists(st.integers(min_value=-30, max_value=1500), min_size=2, max_size=6),
)
def test_penalties_are_never_negative_never_above_the_cap_and_never_decrease(case, days):
    previous = None
    cap = cap_of(case)
    for day in sorted(days):
        result = penalty_on(case, day)
        parts = (result.percent, result.fixed, result.interest, result.total, result.to_charge)
        assert all(part >= 0 and exponent_ok(part, case["digits"]) for part in parts)
        if cap is not None:
            assert result.total <= cap
        if previous is not None:
            assert result.total >= previous.total
            assert result.percent >= previous.percent
            assert result.interest >= previous.interest
        previous = result


@given(case=penalty_cases(), days=st.lists(st.integers(min_value=-30, max_value=1500), min_size=1, max_size=12))
def test_a_daily_run_charges_only_what_is_new(case, days):
    """Charging to_charge on each run: the increments add up to the total due on the last run
    (less what is still below the minimum worth charging), and nothing is charged twice."""
    charged = D(0)
    increments = []
    for day in sorted(set(days)):
        result = penalty_on(case, day, already_charged=charged)
        increments.append(result.to_charge)
        charged += result.to_charge
        assert charged <= result.total
        left = result.total - charged
        assert left == 0 or left < case["rules"].minimum_charge
    assert sum(increments, D(0)) == charged
    if case["rules"].minimum_charge == 0:
        assert charged == result.total
        assert penalty_on(case, max(days), already_charged=charged).to_charge == 0


@given(
    due=any_date,
    amount=huge,
    rate=st.integers(min_value=0, max_value=10000).map(lambda p: D(p).scaleb(-2)),
    day_count=st.sampled_from([360, 365, 366]),
    day=st.integers(min_value=1, max_value=1500),
    digits=digits_st,
)
def test_fixed_interest_counts_every_calendar_day_leap_days_included(due, amount, rate, day_count, day, digits):
    rules = PenaltyRules(interest_mode="fixed", annual_rate=rate, day_count=day_count)
    on_date = due + timedelta(days=day)
    exact = Fraction(amount) * Fraction(rate) / 100 * (on_date - due).days / day_count
    expected = (D(exact.numerator) / D(exact.denominator)).quantize(unit(digits), rounding=ROUND_HALF_UP)
    result = compute_penalty(rules, original_amount=amount, due_date=due, on_date=on_date, digits=digits)
    assert result.interest == expected


@given(
    due=any_date,
    day=st.integers(min_value=1, max_value=1500),
    amount=huge,
    digits=digits_st,
    rates=st.lists(st.integers(min_value=-100, max_value=1500), min_size=1, max_size=30),
)
def test_reference_interest_is_the_sum_over_the_rate_periods(due, day, amount, digits, rates):
    """ECB rate + 10 points, the rate changing every half-year: interest is the exact sum of each
    day's rate (never below zero), rounded once."""
    periods = tuple(
        RatePeriod(date(due.year - 1 + i // 2, 1 + 6 * (i % 2), 1), D(v).scaleb(-2)) for i, v in enumerate(rates)
    )
    rules = PenaltyRules(interest_mode="reference", annual_rate=D(10), day_count=365)
    on_date = due + timedelta(days=day)
    exact = Fraction(0)
    for offset in range(1, day + 1):
        today = due + timedelta(days=offset)
        rate = [p.rate for p in periods if p.start <= today][-1]
        exact += Fraction(amount) * max(Fraction(rate) + 10, Fraction(0)) / 100 / 365
    expected = (D(exact.numerator) / D(exact.denominator)).quantize(unit(digits), rounding=ROUND_HALF_UP)
    result = compute_penalty(
        rules, original_amount=amount, due_date=due, on_date=on_date, reference_rates=periods, digits=digits
    )
    assert result.interest == expected


@st.composite
def invoices_in_installments(draw):
    issue = draw(any_date)
    lines = draw(schedules())
    digits = draw(digits_st)
    total = draw(amounts)
    installments = split_installments(total, lines, issue, digits, final_due=issue + timedelta(days=90))
    debts = []
    for installment in installments:
        paid = draw(
            st.lists(
                st.tuples(st.integers(min_value=0, max_value=900), st.integers(min_value=0, max_value=100)),
                max_size=2,
            )
        )
        balances = tuple(
            BalanceChange(
                installment.due_date + timedelta(days=offset),
                round_money(installment.amount * left / 100, digits),
            )
            for offset, left in sorted(paid)
        )
        debts.append(InstallmentDebt(installment.amount, installment.due_date, balances))
    return {
        "rules": draw(penalty_rules()),
        "installments": debts,
        "digits": digits,
        "reference_rates": draw(reference_rates(min(d.due_date for d in debts))),
        "issue": issue,
    }


@given(
    case=invoices_in_installments(),
    days=st.lists(st.integers(min_value=-30, max_value=2000), min_size=2, max_size=6),
)
def test_invoices_in_installments(case, days):
    """Never negative, capped on the invoice total, never decreasing, each new run charging the
    difference only."""
    rules, digits = case["rules"], case["digits"]
    total = sum((debt.amount for debt in case["installments"]), D(0))
    caps = [rules.cap_amount] if rules.cap_amount is not None else []
    if rules.cap_percent is not None:
        caps.append(total * rules.cap_percent / 100)
    cap = round_money(min(caps), digits) if caps else None
    previous, charged = None, D(0)
    for day in sorted(set(days)):
        result = compute_invoice_penalty(
            rules,
            installments=case["installments"],
            on_date=case["issue"] + timedelta(days=day),
            reference_rates=case["reference_rates"],
            digits=digits,
            already_charged=charged,
        )
        assert all(
            part >= 0 and exponent_ok(part, digits)
            for part in (result.percent, result.fixed, result.interest, result.total, result.to_charge)
        )
        if cap is not None:
            assert result.total <= cap
        if previous is not None:
            assert result.total >= previous.total
        charged += result.to_charge
        assert charged <= result.total
        previous = result
    if rules.minimum_charge == 0:
        assert charged == previous.total


# --- Stages --------------------------------------------------------------------------------------


@st.composite
def ladders(draw):
    days = sorted(draw(st.lists(st.integers(min_value=-30, max_value=400), min_size=1, max_size=7, unique=True)))
    return [StageRule(key=i, sequence=i, days=d) for i, d in enumerate(days)]


@given(
    ladder=ladders(),
    due=any_date,
    offsets=st.lists(st.integers(min_value=-60, max_value=2000), min_size=2, max_size=8),
    residual=st.one_of(huge, tiny),
)
def test_stage_follows_the_days_late_across_years(ladder, due, offsets, residual):
    assume(residual > 0)
    facts = InvoiceFacts(due_date=due, residual=residual)
    stages = [decide_stage(ladder, facts, due + timedelta(days=offset)) for offset in sorted(offsets)]
    ranks = [-1 if key is None else key for key in stages]
    assert ranks == sorted(ranks), "never goes back as the invoice gets later"
    for offset, key in zip(sorted(offsets), stages, strict=False):
        reached = [stage.key for stage in ladder if stage.days <= offset]
        assert key == (reached[-1] if reached else None)


@given(
    ladder=ladders(),
    due=any_date,
    shift=st.integers(min_value=-3000, max_value=3000),
    offset=st.integers(min_value=-60, max_value=800),
)
def test_stage_depends_on_the_days_late_only(ladder, due, shift, offset):
    """Moving both the due date and today by the same number of days (across a leap day or not)
    keeps the stage."""
    facts = InvoiceFacts(due_date=due, residual=D("0.01"))
    moved = InvoiceFacts(due_date=due + timedelta(days=shift), residual=D(TRILLION))
    assert decide_stage(ladder, facts, due + timedelta(days=offset)) == decide_stage(
        ladder, moved, due + timedelta(days=shift + offset)
    )
