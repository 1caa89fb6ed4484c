"""Reference rates: the publishers' answers read, and the half-year fixings derived (policy/rates.py)."""

from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from fc_policy import rates
from hypothesis import given
from hypothesis import strategies as st

# one copy of the answers, shipped with the addon's tests (its Odoo tests read them too)
DATA = Path(__file__).resolve().parents[2] / "freelance_collections" / "tests" / "data" / "rates"


def _read(name):
    return (DATA / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------
# Parsers on the publishers' formats
# ---------------------------------------------------------------------------------------------------


def test_ecb_csvdata_decisions():
    observations = rates.parse_ecb_csv(_read("ecb_mro_csvdata.csv"))
    assert observations[0] == (date(2016, 3, 16), D("0"))
    assert observations[-1] == (date(2025, 6, 11), D("2.15"))
    assert (date(2023, 9, 20), D("4.5")) in observations
    assert len(observations) == 19


def test_boe_iadb_daily_rows_become_decisions():
    observations = rates.parse_boe_csv(_read("boe_iudbedr.csv"))
    assert observations[0] == (date(2025, 6, 2), D("4.25"))
    assert rates.changes(observations) == [
        (date(2025, 6, 2), D("4.25")),
        (date(2025, 8, 7), D("4.00")),
        (date(2025, 12, 18), D("3.75")),
    ]


@pytest.mark.parametrize("name", ["bbk_basiszins_en.csv", "bbk_basiszins_de.csv"])
def test_bundesbank_csv_english_and_german(name):
    observations = rates.parse_bbk_csv(_read(name))
    assert observations[0] == (date(2023, 1, 1), D("1.62"))
    assert (date(2025, 7, 1), D("1.27")) in observations
    assert (date(2026, 1, 1), D("1.27")) in observations
    # "." (no value) is no rate, never 0
    assert all(day != date(2026, 6, 1) for day, _value in observations)


@pytest.mark.parametrize(
    "parser,text",
    [
        (rates.parse_ecb_csv, "<html><body>Service unavailable</body></html>"),
        (rates.parse_ecb_csv, "DATE,VALUE\n2025-06-11,2.15\n"),
        (rates.parse_ecb_csv, ""),
        (rates.parse_ecb_csv, "KEY,TIME_PERIOD,OBS_VALUE\nx,2025-06-11,NaN\n"),
        (rates.parse_boe_csv, "<!DOCTYPE html><html>Error</html>"),
        (rates.parse_boe_csv, "SERIES,IUDBEDR\n02 Jan 2026,3.75\n"),
        (rates.parse_boe_csv, "DATE,IUDBEDR\nrubbish,\n"),
        (rates.parse_bbk_csv, '<?xml version="1.0"?><error/>'),
        (rates.parse_bbk_csv, "garbage \x00\x01 not csv"),
        (rates.parse_bbk_csv, None),
    ],
)
def test_garbage_is_refused(parser, text):
    with pytest.raises(rates.RateFormatError):
        parser(text)


def test_out_of_range_values_are_ignored():
    text = "DATE,IUDBEDR\n02 Jan 2026,3.75\n05 Jan 2026,375\n"
    assert rates.parse_boe_csv(text) == [(date(2026, 1, 2), D("3.75"))]


# ---------------------------------------------------------------------------------------------------
# Derivation rules, on the real history
# ---------------------------------------------------------------------------------------------------


def test_ecb_semester_fixings_match_the_shipped_values():
    decisions = rates.parse_ecb_csv(_read("ecb_mro_csvdata.csv"))
    fixings = dict(rates.half_year_fixings(decisions, date(2026, 12, 7), "eu"))
    assert fixings[date(2023, 1, 1)] == D("2.5")
    assert fixings[date(2023, 7, 1)] == D("4")
    assert fixings[date(2024, 1, 1)] == D("4.5")
    assert fixings[date(2024, 7, 1)] == D("4.25")
    assert fixings[date(2025, 1, 1)] == D("3.15")
    assert fixings[date(2025, 7, 1)] == D("2.15")
    assert fixings[date(2026, 1, 1)] == D("2.15")
    assert fixings[date(2026, 7, 1)] == D("2.15")
    assert max(fixings) == date(2026, 7, 1)


def test_boe_semester_uses_31_december_and_30_june():
    observations = rates.parse_boe_csv(_read("boe_iudbedr.csv"))
    values = dict(rates.provider_values("boe_semester", observations, date(2026, 12, 7)))
    # 30 June 2025: 4.25, applied from 1 July 2025; 31 December 2025: 3.75 (cut on 18 December).
    assert values == {date(2025, 7, 1): D("4.25"), date(2026, 1, 1): D("3.75")}


def test_uk_rule_a_change_on_1_january_counts_for_the_next_half_year():
    decisions = [(date(2025, 6, 1), D("4")), (date(2026, 1, 1), D("3"))]
    assert rates.half_year_fixings(decisions, date(2026, 3, 1), "uk") == [
        (date(2025, 7, 1), D("4")),
        (date(2026, 1, 1), D("4")),
    ]
    assert rates.half_year_fixings(decisions, date(2026, 3, 1), "eu") == [
        (date(2025, 7, 1), D("4")),
        (date(2026, 1, 1), D("3")),
    ]


def test_boe_half_year_not_fixed_until_its_reference_day_is_published():
    observations = [(date(2026, 6, 1), D("3.75")), (date(2026, 6, 29), D("3.75"))]
    values = rates.provider_values("boe_semester", observations, date(2026, 7, 1))
    assert values == []  # 30 June not yet in the answer


def test_belgian_rate_ecb_plus_8_rounded_up_to_the_half_point():
    decisions = rates.parse_ecb_csv(_read("ecb_mro_csvdata.csv"))
    fixings = dict(rates.provider_values("be_semester", decisions, date(2026, 12, 7)))
    assert fixings[date(2025, 7, 1)] == D("10.5")  # 2.15 + 8 = 10.15 -> 10.5
    assert fixings[date(2025, 1, 1)] == D("11.5")  # 3.15 + 8 = 11.15 -> 11.5
    assert fixings[date(2024, 1, 1)] == D("12.5")  # 4.5 + 8 = 12.5 stays
    assert fixings[date(2023, 1, 1)] == D("10.5")  # 2.5 + 8


def test_bundesbank_provider_gives_each_half_year():
    observations = rates.parse_bbk_csv(_read("bbk_basiszins_en.csv"))
    values = dict(rates.provider_values("bbk_basiszins", observations, date(2026, 12, 7)))
    assert values[date(2026, 1, 1)] == D("1.27")
    assert values[date(2025, 7, 1)] == D("1.27")
    assert values[date(2025, 1, 1)] == D("2.27")
    assert date(2026, 7, 1) not in values  # the answer stops in May 2026


def test_ecb_mro_provider_records_decisions_up_to_today():
    decisions = rates.parse_ecb_csv(_read("ecb_mro_csvdata.csv"))
    values = rates.provider_values("ecb_mro", decisions, date(2025, 5, 1))
    assert values[-1] == (date(2025, 4, 23), D("2.4"))


def test_plan_recording_new_equal_and_conflicting():
    recorded = {date(2025, 7, 1): 2.15, date(2026, 1, 1): 2.0}
    published = [(date(2024, 1, 1), D("4.5")), (date(2025, 7, 1), D("2.15")), (date(2026, 1, 1), D("2.15"))]
    published.append((date(2026, 7, 1), D("2.15")))
    new, conflicts = rates.plan_recording(recorded, published, since=date(2025, 1, 1))
    assert new == [(date(2026, 7, 1), D("2.15"))]
    assert conflicts == [(date(2026, 1, 1), D("2.0"), D("2.15"))]


def test_half_year_helpers():
    assert rates.half_year_start(date(2026, 6, 30)) == date(2026, 1, 1)
    assert rates.half_year_start(date(2026, 7, 1)) == date(2026, 7, 1)
    assert rates.half_year_starts(date(2025, 1, 2), date(2026, 7, 1)) == [
        date(2025, 7, 1),
        date(2026, 1, 1),
        date(2026, 7, 1),
    ]
    with pytest.raises(ValueError):
        rates.half_year_fixings([(date(2025, 1, 1), D("1"))], date(2026, 1, 1), "xx")
    assert rates.source_url("boe", date(2026, 12, 7)).count("01/Jan/2023") == 1


# ---------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------

_rate = st.decimals(min_value=D("-1"), max_value=D("15"), places=2)
_day = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
_decisions = st.lists(st.tuples(_day, _rate), min_size=1, max_size=30, unique_by=lambda item: item[0])


@given(_decisions, _day)
def test_fixings_are_half_year_starts_each_the_rate_in_force(decisions, known_until):
    for rule in ("eu", "uk"):
        fixings = rates.half_year_fixings(decisions, known_until, rule)
        days = [day for day, _value in fixings]
        assert days == sorted(set(days))
        for day, value in fixings:
            assert day.day == 1 and day.month in (1, 7)
            reference = day - timedelta(days=1) if rule == "uk" else day
            assert reference <= known_until
            assert value == rates.rate_on(sorted(decisions), reference)
            # no decision between the reference day and the half-year start changes an EU fixing
            assert rates.rate_on(sorted(decisions), reference) is not None


@given(_decisions, _day)
def test_every_known_half_year_is_fixed_once(decisions, known_until):
    fixings = rates.half_year_fixings(decisions, known_until, "eu")
    first = min(day for day, _value in decisions)
    expected = rates.half_year_starts(first, known_until)
    assert [day for day, _value in fixings] == expected


@given(_decisions, _day)
def test_belgian_fixing_is_the_eu_one_plus_8_rounded_up_to_a_half(decisions, known_until):
    eu = rates.half_year_fixings(decisions, known_until, "eu")
    be = rates.half_year_fixings(decisions, known_until, "be")
    assert [day for day, _value in be] == [day for day, _value in eu]
    for (_day_eu, rate), (_day_be, belgian) in zip(eu, be, strict=True):
        assert belgian >= rate + 8
        assert belgian - (rate + 8) < D("0.5")
        assert (belgian * 2) == (belgian * 2).to_integral_value()


@given(st.lists(st.tuples(_day, _rate), min_size=1, max_size=40))
def test_changes_keep_the_rate_of_every_day(observations):
    decided = rates.changes(observations)
    by_day = {}
    for day, value in sorted(observations):
        by_day[day] = value
    for day, value in by_day.items():
        # with duplicate days the last value of the day wins in both
        assert abs(rates.rate_on(rates.changes(sorted(by_day.items())), day) - value) <= rates.TOLERANCE
    for (_d1, v1), (_d2, v2) in zip(decided, decided[1:], strict=False):
        assert abs(v1 - v2) > rates.TOLERANCE


@given(st.dictionaries(_day, _rate, max_size=10), st.lists(st.tuples(_day, _rate), max_size=10))
def test_plan_recording_never_overwrites(recorded, published):
    new, conflicts = rates.plan_recording(recorded, published)
    assert not {day for day, _value in new} & set(recorded)
    for day, old, value in conflicts:
        assert recorded[day] == old and old != value


@pytest.mark.parametrize(
    ("parse", "name"),
    [
        (rates.parse_ecb_csv, "ecb_mro_csvdata.csv"),
        (rates.parse_boe_csv, "boe_iudbedr.csv"),
        (rates.parse_bbk_csv, "bbk_basiszins_de.csv"),
        (rates.parse_bbk_csv, "bbk_basiszins_en.csv"),
    ],
)
def test_windows_line_ends_read_the_same(parse, name):
    """Publishers answer with CRLF line ends (and a byte-order mark at times): the same values."""
    text = _read(name)
    assert parse("\ufeff" + text.replace("\n", "\r\n")) == parse(text)
