"""The overpayment-scam guard: how much of a customer payment exceeds what the client owed, and
whether a refund to that client may go out.

The scam: a client "pays" 1,500 by cheque for an invoice of 1,000, asks for the 500 back, and the
cheque bounces after the refund left. The guard keeps such an excess flagged until the money is
seen on the bank account (the payment matched with a bank statement line) or a collections
manager approves the refund; until then no refund goes out to that client.

Plain data in and out: Decimal amounts in one currency, already rounded to its digits.
"""

from dataclasses import dataclass
from decimal import Decimal

from .messages import Message, PolicyError
from .money import round_money, to_decimal


def overpayment_excess(amount, owed, digits=2):
    """The part of a payment of AMOUNT above what the client OWED when it arrived.

    :param amount: the payment, zero or positive.
    :param owed: what the client owed, net of its credits (credit notes, payments not yet matched
        with an invoice): negative when the client was already in credit.
    :param digits: the currency's decimal places.
    :return: a Decimal between 0 and AMOUNT: AMOUNT when nothing was owed, 0 when the payment
        covers no more than the debt (a partial or exact payment).
    """
    amount = round_money(amount, digits)
    owed = round_money(owed, digits)
    if amount < 0:
        raise PolicyError(Message.of("overpayment.negative_payment", amount=amount))
    return amount - min(amount, max(owed, Decimal(0)))


@dataclass(frozen=True)
class Overpayment:
    """A customer payment flagged with an excess, and what is known about its money."""

    reference: str
    excess: Decimal
    matched: bool = False  # matched with a bank statement line: the money really arrived
    approved: bool = False  # a collections manager approved a refund, with a reason

    @property
    def verified(self):
        return self.matched or self.approved


@dataclass(frozen=True)
class RefundDecision:
    """Whether a refund to a client may go out; when not, the overpayments that hold it back."""

    allowed: bool
    blocking: tuple = ()
    unverified_excess: Decimal = Decimal(0)


def decide_refund(overpayments):
    """A refund to a client may go out when none of its overpayments is still unverified.

    :param overpayments: the client's flagged customer payments (``Overpayment``) in the refund's
        company; an excess of zero holds nothing back.
    :return: a ``RefundDecision``; ``blocking`` in the order given, ``unverified_excess`` their sum.
    """
    blocking = tuple(
        overpayment for overpayment in overpayments if to_decimal(overpayment.excess) > 0 and not overpayment.verified
    )
    return RefundDecision(
        allowed=not blocking,
        blocking=blocking,
        unverified_excess=sum((to_decimal(overpayment.excess) for overpayment in blocking), Decimal(0)),
    )
