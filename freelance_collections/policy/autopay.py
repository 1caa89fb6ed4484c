"""Autopay: on which days a client who saved a card is told, charged, charged again, and when the
ladder takes over. Dates in, dates out; nothing here imports Odoo.

A *charge* is one installment of an invoice (or the whole invoice while an early-payment offer runs:
it is charged on the offer's deadline, discounted). Its *attempts* are the charge day and the retry
days after it (``retry_offsets``: 1, 3, 7 days later). An attempt is identified by its scheduled day,
so a run that comes late, or twice, makes the attempt of that day at most once; an attempt missed
(no run that day) is not made up when a later one is due.
"""

from dataclasses import dataclass
from datetime import timedelta

from .bounds import MAX_DAYS
from .messages import Message, PolicyError

# The states of a charge attempt, from the payment transaction that carries it.
FAILED = "failed"  # refused, cancelled or in error: the next attempt is scheduled
PENDING = "pending"  # sent, no final answer (or no answer recorded): never sent again
DONE = "done"  # paid


@dataclass(frozen=True)
class Rules:
    """The policy's autopay settings."""

    notice_days: int = 3  # days before a charge the client is told (0: no notice)
    retry_offsets: tuple = (1, 3, 7)  # days after the charge day a failed charge is tried again


@dataclass(frozen=True)
class Decision:
    """What the run does today for one charge."""

    notify: bool = False  # send the "we will charge X on D" notice today
    attempt_day: object = None  # make the attempt scheduled on this day, today (None: no charge today)
    holds_ladder: bool = True  # the collection ladder waits (no reminder) while autopay has a chance
    next_day: object = None  # the next day after today this charge needs the run (None: never)


def parse_offsets(text):
    """The retry offsets of a policy's text ("1, 3, 7"): sorted positive days, no duplicates.

    :raise PolicyError: when an item is not a whole number of days above 0.
    """
    offsets = set()
    for item in (text or "").replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        if not item.isdigit() or int(item) <= 0:
            raise PolicyError(Message.of("autopay.retry_days", item=item))
        if int(item) > MAX_DAYS:
            raise PolicyError(Message.of("autopay.retry_days_too_many", item=item, maximum=MAX_DAYS))
        offsets.add(int(item))
    return tuple(sorted(offsets))


def charge_day(due_date, start, offer_deadline=None):
    """The day a charge is made: the early-payment offer's deadline when one runs (the client gets the
    discount), else the due date; None when that day is before START (the day autopay was turned on:
    the consent covers the charges from then on, what was already due stays with the ladder)."""
    day = offer_deadline if offer_deadline and offer_deadline <= due_date else due_date
    if start is None or day < start:
        return None
    return day


def attempt_days(day, rules):
    """The days of the attempts of a charge on DAY: the day itself, then each retry day."""
    return (day,) + tuple(day + timedelta(days=offset) for offset in rules.retry_offsets)


def notice_day(day, rules):
    """The day the notice of a charge on DAY goes out (None without notice)."""
    if rules.notice_days <= 0:
        return None
    return day - timedelta(days=rules.notice_days)


def decide(today, day, rules, attempts, notice_sent):
    """What the run does TODAY for the charge on DAY.

    :param attempts: {scheduled attempt day: FAILED | PENDING | DONE} of the attempts made
    :param bool notice_sent: whether its notice went out already
    :return: a ``Decision``
    """
    schedule = attempt_days(day, rules)
    if any(state in (DONE, PENDING) for state in attempts.values()):
        # paid, or sent without a final answer: never charged again; a pending charge holds the ladder
        done = any(state == DONE for state in attempts.values())
        return Decision(holds_ladder=not done)
    notify = False
    notice = notice_day(day, rules)
    if notice is not None and not notice_sent and notice <= today < day:
        notify = True
    reached = [attempt for attempt in schedule if attempt <= today]
    attempt = reached[-1] if reached and reached[-1] not in attempts else None
    exhausted = schedule[-1] in attempts  # every attempt failed (the last one was made)
    future = [d for d in schedule if d > today]
    if notice is not None and not notice_sent and notice > today:
        future.append(notice)
    return Decision(
        notify=notify,
        attempt_day=attempt,
        holds_ladder=not exhausted,
        next_day=min(future) if future and not exhausted else None,
    )


def ladder_takes_over(today, day, rules, attempts):
    """Whether the collection ladder deals with the charge on DAY as with any late invoice: every
    attempt failed (or the last attempt day passed without a charge being made)."""
    return not decide(today, day, rules, attempts, notice_sent=True).holds_ladder
