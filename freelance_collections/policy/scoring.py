"""Payer score: how well a client has paid, from its invoice history, as 0-100 and a grade A-E.

What counts (the addon gathers it in one SQL query, ``summarize`` does the same on plain data):

* **Invoices considered**: posted customer invoices dated within the window (24 months by default),
  late-fee invoices excluded, of which at least one installment is due (its due date has passed)
  or fully settled. Invoices not due yet and untouched say nothing about the payer.
* **Lateness is weighted by amount, per installment**: every amount settled on an installment
  (a payment or a credit note, full or partial) counts for ``amount x days late`` from the
  installment's due date to the settlement date (0 when on time or early; paying early earns
  nothing extra). Money still overdue counts the same way up to today, so a client does not
  improve its score by not paying. Weighting by amount makes a 10,000 invoice paid 30 days late
  weigh more than a 100 invoice paid on time, which is what a freelancer's cash feels. Two
  averages come out: ``paid_days_late`` (settled money only) and ``days_late`` (settled money
  and money still overdue; the one the score uses).
* **On time**: an invoice whose considered installments were all fully settled by their due dates.

Score (documented formula, bounded 0..100, non-increasing in lateness, non-decreasing in the
share of invoices paid on time)::

    punctuality = 1 / (1 + days_late / 45)          # 1 when on time, 1/2 at 45 days late
    score       = round(100 * (0.7 * punctuality + 0.3 * on_time_share))

Grades: A >= 85, B >= 70, C >= 55, D >= 40, E below. No history gives no score and no grade
(``None``): neither good nor bad.

Deposit suggestion by grade (``DEPOSIT_BY_GRADE``), the share to ask upfront on a quotation:
A 0 %, B 20 %, C 30 %, D 40 %, E 50 %; no history: no suggestion (the policy's schedule stands).
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .money import to_decimal

WINDOW_MONTHS = 24
HALF_LIFE_DAYS = Decimal(45)
LATENESS_WEIGHT = Decimal("0.7")
ON_TIME_WEIGHT = Decimal("0.3")
GRADES = (("A", 85), ("B", 70), ("C", 55), ("D", 40), ("E", 0))
DEPOSIT_BY_GRADE = {"A": Decimal(0), "B": Decimal(20), "C": Decimal(30), "D": Decimal(40), "E": Decimal(50)}
ZERO = Decimal(0)


@dataclass(frozen=True)
class PayerHistory:
    """What a client's invoices in the window add up to (amounts in one currency)."""

    invoice_count: int = 0
    on_time_count: int = 0
    invoiced: Decimal = ZERO
    paid: Decimal = ZERO
    settled: Decimal = ZERO  # amounts settled on considered installments (payments and credit notes)
    settled_days: Decimal = ZERO  # sum of settled amount x days late
    overdue: Decimal = ZERO  # amounts still due on installments past their due date
    overdue_days: Decimal = ZERO  # sum of overdue amount x days overdue as of today

    @property
    def on_time_share(self):
        """Share of the invoices considered that were paid on time, 0..1 (None without history)."""
        if self.invoice_count <= 0:
            return None
        return min(max(Decimal(self.on_time_count) / Decimal(self.invoice_count), ZERO), Decimal(1))

    @property
    def paid_days_late(self):
        """Amount-weighted average days late of the money settled (None when nothing was settled)."""
        return _weighted(self.settled_days, self.settled)

    @property
    def days_late(self):
        """Amount-weighted average days late of the money settled and of the money still overdue."""
        return _weighted(self.settled_days + self.overdue_days, self.settled + self.overdue)


@dataclass(frozen=True)
class InstallmentRecord:
    """One installment (receivable line) of an invoice, with what settled it and when."""

    invoice: object
    due_date: date
    amount: Decimal
    settlements: tuple = ()  # (date, amount) pairs: payments and credit notes reconciled with it


def _weighted(amount_days, amount):
    amount_days, amount = to_decimal(amount_days), to_decimal(amount)
    if amount <= 0:
        return None
    return max(amount_days / amount, ZERO)


def late_days(due_date, settled_on):
    """Days from DUE_DATE to SETTLED_ON, 0 when on time or early."""
    return max((settled_on - due_date).days, 0)


def summarize(installments, today):
    """Build the PayerHistory of INSTALLMENTS (InstallmentRecord) as of TODAY, as the SQL query does."""
    invoices = {}
    for inst in installments:
        amount = to_decimal(inst.amount)
        if amount <= 0:
            continue
        paid = sum((to_decimal(value) for _on, value in inst.settlements), ZERO)
        residual = max(amount - paid, ZERO)
        settled = residual == 0
        considered = settled or inst.due_date < today
        state = invoices.setdefault(
            inst.invoice,
            {
                "considered": False,
                "on_time": True,
                "invoiced": ZERO,
                "paid": ZERO,
                "settled": ZERO,
                "settled_days": ZERO,
                "overdue": ZERO,
                "overdue_days": ZERO,
            },
        )
        state["invoiced"] += amount
        state["paid"] += amount - residual
        if not considered:
            continue
        state["considered"] = True
        for on, value in inst.settlements:
            value = to_decimal(value)
            state["settled"] += value
            state["settled_days"] += value * late_days(inst.due_date, on)
        if residual > 0:
            state["overdue"] += residual
            state["overdue_days"] += residual * late_days(inst.due_date, today)
        last = max((on for on, _value in inst.settlements), default=None)
        if not settled or (last is not None and last > inst.due_date):
            state["on_time"] = False
    considered = [state for state in invoices.values() if state["considered"]]
    return PayerHistory(
        invoice_count=len(considered),
        on_time_count=sum(1 for state in considered if state["on_time"]),
        **{
            key: sum((state[key] for state in considered), ZERO)
            for key in ("invoiced", "paid", "settled", "settled_days", "overdue", "overdue_days")
        },
    )


def score_from(days_late, on_time_share):
    """The 0..100 score of an amount-weighted lateness DAYS_LATE and an ON_TIME_SHARE (0..1)."""
    days_late = max(to_decimal(days_late), ZERO)
    share = min(max(to_decimal(on_time_share), ZERO), Decimal(1))
    punctuality = Decimal(1) / (Decimal(1) + days_late / HALF_LIFE_DAYS)
    score = Decimal(100) * (LATENESS_WEIGHT * punctuality + ON_TIME_WEIGHT * share)
    return int(min(max(score, ZERO), Decimal(100)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def payer_score(history):
    """The score of a PayerHistory, or None without history (no invoice considered)."""
    if history.invoice_count <= 0:
        return None
    return score_from(history.days_late or ZERO, history.on_time_share)


def grade(score):
    """The letter A-E of SCORE, None for no score."""
    if score is None:
        return None
    for letter, floor in GRADES:
        if score >= floor:
            return letter
    return GRADES[-1][0]


def suggested_deposit(letter, table=None):
    """The deposit share (percent) to ask upfront from a client of grade LETTER; None without grade."""
    if not letter:
        return None
    return (table or DEPOSIT_BY_GRADE).get(letter)


def pick_schedule(suggested, candidates):
    """Key of the deposit schedule to propose for a SUGGESTED upfront share.

    CANDIDATES are ``(key, upfront_percent)`` pairs (a key None with 0 for "no deposit" if that is
    allowed). The pick is the smallest upfront share that covers the suggestion (first candidate on
    ties, so order them by preference); when none covers it, the largest one. None when there is
    no suggestion or no candidate.
    """
    if suggested is None or not candidates:
        return None
    suggested = to_decimal(suggested)
    covering = [
        (to_decimal(share), index, key)
        for index, (key, share) in enumerate(candidates)
        if to_decimal(share) >= suggested
    ]
    if covering:
        return min(covering, key=lambda item: (item[0], item[1]))[2]
    return max(
        ((to_decimal(share), -index, key) for index, (key, share) in enumerate(candidates)),
        key=lambda item: (item[0], item[1]),
    )[2]
