"""Reference rates: the publishers' answers read, and the half-year fixings the laws derive from them.

Pure: text in, ``(date, Decimal)`` lists out; no Odoo, no network. The models fetch, this reads.

Publishers and their documented formats:

- ECB Data Portal, SDMX ``format=csvdata``: a header row naming the columns (``KEY,FREQ,...,
  TIME_PERIOD,OBS_VALUE,...``), one row per observation; the key interest rates are observed on
  their change days only (https://data.ecb.europa.eu/help/api/data).
- Bank of England statistical database (IADB), ``_iadb-fromshowcolumns.asp?csv.x=yes&CSVF=TN``:
  ``DATE,IUDBEDR`` then ``02 Jan 2026,3.75``, one row per business day.
- Bundesbank time-series service (SDMX REST, ``/rest/download/BBIN1/M.DE.BBK.BBKBAS2.EUR.ME
  ?format=csv``): a few header lines (series key, title, unit, last update), then ``2026-01,1.27,``
  month-end values; ``lang=de`` answers with ``;`` and a decimal comma; ``.`` when no value.

Rules (:func:`half_year_fixings`):

- ``eu``: the rate in force on 1 January / 1 July applies for the half-year (Directive 2011/7/EU
  art. 2(12); France L441-10; Germany BGB § 247 fixes its Basiszinssatz on the same days);
- ``uk``: the rate in force on 31 December / 30 June applies from the next day (Late Payment of
  Commercial Debts (Rate of Interest) (No. 3) Order 2002, art. 4);
- ``be``: the ECB rate in force on 1 January / 1 July + 8 points, rounded up to the next half point
  (Belgian law of 2 August 2002, art. 5).
"""

import csv
import io
import re
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from .messages import Message, PolicyError

ECB_MRO_URL = "https://data-api.ecb.europa.eu/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV?format=csvdata"
BOE_BANK_RATE_URL = (
    "https://www.bankofengland.co.uk/boeapps/database/_iadb-fromshowcolumns.asp"
    "?csv.x=yes&Datefrom={date_from}&Dateto=now&SeriesCodes=IUDBEDR&CSVF=TN&UsingCodes=Y&VPD=Y&VFD=N"
)
BBK_BASISZINS_URL = (
    "https://api.statistiken.bundesbank.de/rest/download/BBIN1/M.DE.BBK.BBKBAS2.EUR.ME?format=csv&lang=en"
)

BELGIAN_POINTS = Decimal("8")

# provider -> (source, rule). Rules: "changes" records each decision; the others derive half-year fixings.
PROVIDERS = {
    "ecb_mro": ("ecb", "changes"),
    "ecb_semester": ("ecb", "eu"),
    "be_semester": ("ecb", "be"),
    "boe_semester": ("boe", "uk"),
    "bbk_basiszins": ("bbk", "eu"),
}

# index code -> provider, for the indexes shipped with the addon (set on install and by the 2.2.0 upgrade).
PROVIDER_BY_CODE = {
    "ECB_MRO": "ecb_mro",
    "ECB_SEMESTER": "ecb_semester",
    "BE_SEMESTER": "be_semester",
    "BOE_SEMESTER": "boe_semester",
    "BBK_BASISZINS": "bbk_basiszins",
}

TOLERANCE = Decimal("0.00005")  # rates are stored with 4 decimals


class RateFormatError(PolicyError):
    """The publisher's answer is not in the format expected (an error page, a changed layout...): a
    PolicyError, whose messages the Odoo layer shows in the user's language."""


def _decimal(text):
    text = (text or "").strip().replace("\u2212", "-")
    if not text or text in {".", "..", "NaN", "N/A", "-"}:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) > 100:
        return None
    return value


def _check_text(text):
    if not isinstance(text, str):
        raise RateFormatError(Message.of("rates.not_text"))
    head = text.lstrip()[:200].lower()
    if not head:
        raise RateFormatError(Message.of("rates.empty"))
    if head.startswith("<"):
        raise RateFormatError(Message.of("rates.web_page"))


def _sorted_unique(observations):
    by_day = {}
    for day, value in observations:
        by_day[day] = value
    if not by_day:
        raise RateFormatError(Message.of("rates.no_rate"))
    return sorted(by_day.items())


def parse_ecb_csv(text):
    """Observations of an ECB Data Portal ``csvdata`` answer: ``[(date, Decimal)]`` oldest first."""
    _check_text(text)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = reader.fieldnames or []
    if "TIME_PERIOD" not in fields or "OBS_VALUE" not in fields:
        raise RateFormatError(Message.of("rates.ecb_columns"))
    observations = []
    for row in reader:
        try:
            day = date.fromisoformat((row.get("TIME_PERIOD") or "").strip())
        except ValueError:
            continue
        value = _decimal(row.get("OBS_VALUE"))
        if value is not None:
            observations.append((day, value))
    return _sorted_unique(observations)


def parse_boe_csv(text, series="IUDBEDR"):
    """Observations of a Bank of England IADB CSV answer (``DATE,IUDBEDR`` / ``02 Jan 2026,3.75``)."""
    _check_text(text)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or [cell.strip().upper() for cell in rows[0][:2]] != ["DATE", series]:
        raise RateFormatError(Message.of("rates.boe_header", series=series))
    observations = []
    for row in rows[1:]:
        if len(row) < 2:
            continue
        try:
            day = datetime.strptime(row[0].strip(), "%d %b %Y").date()
        except ValueError:
            continue
        value = _decimal(row[1])
        if value is not None:
            observations.append((day, value))
    return _sorted_unique(observations)


_PERIOD = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def parse_bbk_csv(text):
    """Observations of a Bundesbank time-series CSV: ``2026-01,1.27`` (or ``2026-01;1,27``) rows.

    A monthly period is dated on its first day (the Basiszinssatz changes on 1 January and 1 July
    only, so a month's end-of-month value is its value from the 1st).
    """
    _check_text(text)
    lines = text.lstrip("\ufeff").splitlines()
    head = lines[:10]
    delimiter = ";" if sum(line.count(";") for line in head) > sum(line.count(",") for line in head) else ","
    observations = []
    for row in csv.reader(lines, delimiter=delimiter):
        if len(row) < 2:
            continue
        match = _PERIOD.match(row[0].strip().strip('"'))
        if not match:
            continue
        try:
            day = date(int(match[1]), int(match[2]), int(match[3] or 1))
        except ValueError:
            continue
        value = _decimal(row[1])
        if value is not None:
            observations.append((day, value))
    return _sorted_unique(observations)


PARSERS = {"ecb": parse_ecb_csv, "boe": parse_boe_csv, "bbk": parse_bbk_csv}


def source_url(source, today):
    """The URL to fetch for a source (the Bank of England's from 1 January three years back)."""
    if source == "ecb":
        return ECB_MRO_URL
    if source == "boe":
        return BOE_BANK_RATE_URL.format(date_from=f"01/Jan/{today.year - 3}")
    if source == "bbk":
        return BBK_BASISZINS_URL
    raise PolicyError(Message.of("rates.unknown_source", source=source))


# ---------------------------------------------------------------------------------------------------
# Derivation rules
# ---------------------------------------------------------------------------------------------------


def changes(observations):
    """The decisions in a list of observations: each day whose rate differs from the day before's."""
    result = []
    for day, value in sorted(observations):
        if not result or abs(result[-1][1] - value) > TOLERANCE:
            result.append((day, value))
    return result


def rate_on(decisions, day):
    """The rate in force on ``day`` (the last decision dated on or before it), or None."""
    found = None
    for start, value in decisions:
        if start > day:
            break
        found = value
    return found


def half_year_start(day):
    """1 January or 1 July: the first day of the half-year holding ``day``."""
    return date(day.year, 1 if day.month < 7 else 7, 1)


def half_year_starts(first, last):
    """Every 1 January and 1 July from ``first`` to ``last`` (both included)."""
    starts = []
    current = half_year_start(first)
    if current < first:
        current = date(current.year, 7, 1) if current.month == 1 else date(current.year + 1, 1, 1)
    while current <= last:
        starts.append(current)
        current = date(current.year, 7, 1) if current.month == 1 else date(current.year + 1, 1, 1)
    return starts


def round_up_half(value):
    """Round up to the next half point (10.15 -> 10.5; 10.5 stays)."""
    return (value * 2).to_integral_value(rounding=ROUND_CEILING) / 2


def half_year_fixings(decisions, known_until, rule):
    """The fixing of each half-year whose reference day is known, from dated decisions.

    :param decisions: ``[(effective date, rate)]``, any order.
    :param known_until: the last day whose rate the decisions tell (today for a change series).
    :param rule: ``eu`` (rate in force on 1 Jan / 1 Jul), ``uk`` (rate in force on 31 Dec / 30 Jun,
        applied from the next day) or ``be`` (``eu`` + 8 points rounded up to the next half point).
    :return: ``[(1 Jan or 1 Jul, rate)]`` oldest first; a half-year before the first decision is left out.
    """
    if rule not in {"eu", "uk", "be"}:
        raise PolicyError(Message.of("rates.unknown_rule", rule=rule))
    decisions = sorted(decisions)
    if not decisions:
        return []
    lag = timedelta(days=1) if rule == "uk" else timedelta(0)
    fixings = []
    for start in half_year_starts(decisions[0][0] + lag, known_until + lag):
        value = rate_on(decisions, start - lag)
        if value is None:
            continue
        if rule == "be":
            value = round_up_half(value + BELGIAN_POINTS)
        fixings.append((start, value))
    return fixings


def provider_values(provider, observations, today):
    """The values a provider records from its source's observations, up to ``today``."""
    source, rule = PROVIDERS[provider]
    decided = changes(observations)
    if rule == "changes":
        return [(day, value) for day, value in decided if day <= today]
    # A change series (ECB) tells every rate up to today; a daily or monthly one (BoE, Bundesbank)
    # only up to its last observation.
    known_until = today if source == "ecb" else min(today, observations[-1][0])
    return half_year_fixings(decided, known_until, rule)


def plan_recording(recorded, published, since=None):
    """Compare published values with recorded ones.

    :param recorded: ``{date: rate}`` already on the index.
    :param published: ``[(date, rate)]`` from the publisher.
    :param since: values dated before it are ignored (old history is not imported).
    :return: ``(new, conflicts)``: ``new`` the values to create, ``conflicts`` the
        ``(date, recorded, published)`` that contradict a recorded value (never overwritten).
    """
    new, conflicts = [], []
    for day, value in dict(published).items():
        if since and day < since:
            continue
        if day not in recorded:
            new.append((day, value))
        elif abs(Decimal(str(recorded[day])) - value) > TOLERANCE:
            conflicts.append((day, Decimal(str(recorded[day])), value))
    return new, conflicts
