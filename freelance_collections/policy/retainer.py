"""Retainers: a sum the client pays in advance that invoices draw on, topped up below a threshold.

Pure arithmetic on Decimal amounts of one currency (the Odoo side converts and rounds with
``money.to_decimal`` / ``round_money`` before and after): what an invoice draws, when a top-up is
asked for and for how much, when the retainer is used up and when work stops.
"""

from decimal import Decimal

from .money import round_money, to_decimal

ZERO = Decimal(0)


def check_terms(amount, threshold, topup=None):
    """The problems of a retainer's terms, as (code, values) pairs; empty when they are sound.

    :param amount: the agreed retainer amount (the balance a top-up restores)
    :param threshold: a top-up is asked for when the balance falls below it
    :param topup: the fixed amount of a monthly top-up, or None when there is none
    """
    amount, threshold = to_decimal(amount), to_decimal(threshold)
    problems = []
    if amount <= ZERO:
        problems.append(("amount_not_positive", {"amount": amount}))
    if threshold < ZERO:
        problems.append(("threshold_negative", {"threshold": threshold}))
    elif threshold > amount:
        problems.append(("threshold_above_amount", {"threshold": threshold, "amount": amount}))
    if topup is not None and to_decimal(topup) < ZERO:
        problems.append(("topup_negative", {"topup": to_decimal(topup)}))
    return problems


def draw(balance, residual, digits=2):
    """What an invoice still owing RESIDUAL takes from a retainer holding BALANCE: all of the
    residual when the balance covers it, else what is left of the balance; never negative."""
    return round_money(max(min(to_decimal(balance), to_decimal(residual)), ZERO), digits)


def below_threshold(balance, threshold):
    """Whether a retainer holding BALANCE needs topping up (strictly below THRESHOLD)."""
    return to_decimal(balance) < to_decimal(threshold)


def crosses_threshold(before, after, threshold):
    """Whether a draw taking the balance from BEFORE to AFTER brings it below THRESHOLD now."""
    return not below_threshold(before, threshold) and below_threshold(after, threshold)


def topup_amount(amount, balance, digits=2):
    """What a top-up invoice asks for: what brings BALANCE back to the agreed AMOUNT (0 when it is
    there already; a negative balance is not topped up beyond the amount)."""
    return round_money(max(to_decimal(amount) - max(to_decimal(balance), ZERO), ZERO), digits)


def exhausted(balance):
    """Whether nothing is left to draw on."""
    return to_decimal(balance) <= ZERO


def work_stops(balance, topup_open):
    """Whether work stops for the client: the retainer used up while its top-up is unpaid."""
    return exhausted(balance) and bool(topup_open)


def draw_sequence(balance, residuals, digits=2):
    """[(draw, balance after)] of invoices owing RESIDUALS posted one after the other."""
    balance = to_decimal(balance)
    result = []
    for residual in residuals:
        taken = draw(balance, residual, digits)
        balance -= taken
        result.append((taken, balance))
    return result
