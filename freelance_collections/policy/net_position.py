"""The client's net position: credits not yet matched count against its debts, oldest debts first.

A client's open credit notes and customer payments not yet matched with an invoice (in the same
company and currency) are money the client has already given or is owed back: chasing it for the
invoices they cover would be wrong. The rule, in one place:

* Credits are applied in the order of their dates (then as given), each to the **oldest** debt still
  uncovered: the one with the earliest due date (then the smallest key), until the credit is used up.
* A debt covered from a date on counts, from that date, as paid by that much: the ladder places an
  invoice on what it still owes net (nothing owed net: no stage, no reminder, no late fee, no work
  stop), and the late fees accrue on the net amount from the credit's date, as if it were a payment
  made that day.
* Nothing is matched in the books by this: it is what the client really owes; matching the credits
  with the invoices (Odoo's reconciliation) gives the same figures.

Plain data in and out: Decimal amounts in one currency, already rounded to its digits.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Debt:
    key: object
    due_date: date
    residual: Decimal  # what is still owed, > 0 (a debt of 0 or less is passed over)


@dataclass(frozen=True)
class Credit:
    date: date
    amount: Decimal  # what the credit still holds, > 0


def allocate(debts, credits):
    """Apply CREDITS to DEBTS, oldest debt first.

    :param debts: ``Debt`` items (any order).
    :param credits: ``Credit`` items (any order).
    :return: {debt key: ((credit date, amount covered), ...)} for the debts that a credit covers,
        in the order the credits were applied; the amounts of one debt never exceed its residual,
        those of one credit never exceed its amount.
    """
    open_debts = sorted((d for d in debts if d.residual > 0), key=lambda d: (d.due_date, _sort_key(d.key)))
    left = {index: debt.residual for index, debt in enumerate(open_debts)}
    covered = {}
    position = 0
    for credit in sorted((c for c in credits if c.amount > 0), key=lambda c: c.date):
        amount = credit.amount
        while amount > 0 and position < len(open_debts):
            take = min(amount, left[position])
            debt = open_debts[position]
            covered.setdefault(debt.key, []).append((credit.date, take))
            amount -= take
            left[position] -= take
            if left[position] <= 0:
                position += 1
    return {key: tuple(parts) for key, parts in covered.items()}


def covered_total(allocation, key):
    """How much of the debt KEY the credits cover (0 when none)."""
    return sum((amount for _day, amount in allocation.get(key, ())), ZERO)


def _sort_key(key):
    # keys are ids (ints) in practice; anything else sorts after them, by its text
    return (0, key, "") if isinstance(key, int) else (1, 0, str(key))
