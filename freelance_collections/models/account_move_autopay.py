"""Autopay on an invoice: its charges (the days of ``policy/autopay.py`` from the invoice's facts and
the payment transactions already made), whether they hold the ladder back, the run's next visit.

A *charge* of an invoice is identified by its charge day C: the early-payment offer's deadline (one
attempt, the discounted amount: the offer ends with the deadline), or the due date of its first open
installment (attempts on the retry days). Every attempt is a ``payment.transaction`` carrying the
invoice, C and the attempt's day in ``collection_autopay_key``.
"""

from dataclasses import dataclass

from odoo import _, api, fields, models

from ..policy import autopay
from .account_move import OPEN_PAYMENT_STATES
from .account_move_discount import PAYMENT_TERM

# payment.transaction states -> the engine's attempt states
TX_STATES = {
    "done": autopay.DONE,
    "error": autopay.FAILED,
    "cancel": autopay.FAILED,
    "draft": autopay.PENDING,
    "pending": autopay.PENDING,
    "authorized": autopay.PENDING,
}


def charge_key(move_id, day, attempt):
    """The one key of an attempt: on its transaction and on the action log."""
    return f"autopay:{move_id}:{day}:{attempt}"


@dataclass
class AutopayCharge:
    """One charge of an invoice as the run sees it today."""

    move: object
    day: object  # the charge day C
    offer: bool  # charged on the early-payment offer's deadline, discounted
    decision: object  # autopay.Decision for today
    attempts: dict  # {attempt day: engine state}
    token: object


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_autopay_status = fields.Char(
        string="Autopay",
        compute="_compute_collection_autopay_status",
        help="Whether the client's saved payment method is charged automatically for this invoice, when.",
    )
    collection_autopay_transaction_ids = fields.One2many(
        "payment.transaction", "collection_autopay_move_id", string="Automatic Charges", readonly=True
    )

    def _compute_collection_autopay_status(self):
        today = fields.Date.context_today(self)
        charges = self._collection_autopay_charges(today)
        for move in self:
            charge = charges.get(move.id)
            if not charge:
                move.collection_autopay_status = False
                continue
            if charge.decision.holds_ladder:
                failed = [day for day, state in charge.attempts.items() if state == autopay.FAILED]
                pending = [day for day, state in charge.attempts.items() if state == autopay.PENDING]
                if pending:
                    status = _("Charge of %(date)s sent, waiting for the provider's answer.", date=max(pending))
                elif failed:
                    status = _(
                        "Charge failed on %(failed)s; next try on %(next)s (%(card)s).",
                        failed=max(failed),
                        next=charge.decision.next_day or today,
                        card=charge.token.display_name,
                    )
                else:
                    status = _(
                        "To be charged automatically on %(date)s (%(card)s).",
                        date=charge.decision.attempt_day or charge.day,
                        card=charge.token.display_name,
                    )
            else:
                status = _("Automatic charge failed: reminders as for any late invoice.")
            move.collection_autopay_status = status

    # ------------------------------------------------------------------
    # CHARGES
    # ------------------------------------------------------------------
    def _collection_autopay_candidates(self):
        """These invoices that are open, under a policy, of a client on autopay in their company."""
        result = self.browse()
        for company, moves in self.grouped("company_id").items():
            moves = moves.with_company(company).filtered(
                lambda m: m.move_type == "out_invoice"
                and m.state == "posted"
                and m.payment_state in OPEN_PAYMENT_STATES
                and m.collection_policy_id
            )
            result |= moves.filtered(lambda m: m.commercial_partner_id.collection_autopay_token_id)
        return result

    def _collection_autopay_attempts(self):
        """{move id: {charge day: {attempt day: engine state}}} from the autopay transactions."""
        txs = (
            self.env["payment.transaction"]
            .sudo()
            .search_fetch(
                [("collection_autopay_move_id", "in", self.ids)],
                ["collection_autopay_move_id", "collection_autopay_day", "collection_autopay_attempt", "state"],
            )
        )
        result = {}
        for tx in txs:
            per_day = result.setdefault(tx.collection_autopay_move_id.id, {}).setdefault(tx.collection_autopay_day, {})
            per_day[tx.collection_autopay_attempt] = TX_STATES.get(tx.state, autopay.PENDING)
        return result

    def _collection_autopay_charges(self, today):
        """{move id: AutopayCharge} of the current charge of each invoice of an autopay client (the
        unsettled charge already tried, else the next one); paused invoices have none."""
        moves = self._collection_autopay_candidates()
        if not moves:
            return {}
        attempts = moves._collection_autopay_attempts()
        notices = set(
            self.env["collection.action.log"]
            .sudo()
            .search_fetch([("move_id", "in", moves.ids), ("action", "=", "autopay_notice")], ["key"])
            .mapped("key")
        )
        result = {}
        for move in moves:
            if move._collection_is_paused(today):
                continue
            client = move.commercial_partner_id.with_company(move.company_id)
            rules = move.collection_policy_id._get_autopay_rules()
            first_due = move._collection_autopay_first_due()
            if not first_due:
                continue
            tried = attempts.get(move.id, {})
            current = [day for day, made in sorted(tried.items()) if autopay.DONE not in made.values()]
            offer = False
            if current:
                day = current[-1]
                offer = day < first_due
            else:
                deadline = None
                if not any(day < first_due for day in tried) and move._collection_uses_tiers():
                    found = move._collection_offer(today)
                    deadline = found[1] if found and found[1] >= today else None
                day = autopay.charge_day(first_due, client.collection_autopay_since, deadline)
                if day is None or day in tried:
                    continue
                offer = day < first_due
            if offer:
                rules = autopay.Rules(notice_days=rules.notice_days, retry_offsets=())
            made = tried.get(day, {})
            decision = autopay.decide(today, day, rules, made, move._collection_autopay_notice_key(day) in notices)
            if offer and not decision.holds_ladder:
                # the offer's one attempt failed: the due date's charge comes next, the ladder still waits
                day = autopay.charge_day(first_due, client.collection_autopay_since)
                if day is None:
                    continue
                rules = move.collection_policy_id._get_autopay_rules()
                made = tried.get(day, {})
                offer = False
                decision = autopay.decide(today, day, rules, made, move._collection_autopay_notice_key(day) in notices)
            result[move.id] = AutopayCharge(move, day, offer, decision, made, client.collection_autopay_token_id)
        return result

    def _collection_autopay_notice_key(self, day):
        return f"autopay:{self.id}:{day}:notice"

    def _collection_autopay_first_due(self):
        """The due date of the first open installment (the invoice's, without installments)."""
        self.ensure_one()
        terms = self.line_ids.filtered(lambda line: line.display_type == PAYMENT_TERM and not line.reconciled)
        dates = [line.date_maturity for line in terms if line.date_maturity]
        return min(dates) if dates else self.invoice_date_due

    def _collection_autopay_amount(self, charge, on_date):
        """What the charge takes on ON_DATE: the offer's discounted total while it runs, else what the
        installments due by the charge day still owe."""
        self.ensure_one()
        if charge.offer:
            offer = self._collection_offer(on_date)
            return offer[2] if offer else 0.0
        terms = self.line_ids.filtered(
            lambda line: line.display_type == PAYMENT_TERM
            and not line.reconciled
            and (line.date_maturity or charge.day) <= charge.day
        )
        return self.currency_id.round(sum(terms.mapped("amount_residual_currency")))

    @api.model
    def _collection_autopay_held(self, charges):
        """Ids of the invoices whose ladder waits for autopay (no reminder, no discount reminder)."""
        return {move_id for move_id, charge in charges.items() if charge.decision.holds_ladder}

    def _collection_autopay_next_dates(self, today):
        """{move id: the next day autopay needs the run for it} (notice, charge or retry day)."""
        return {
            move_id: charge.decision.next_day
            for move_id, charge in self._collection_autopay_charges(today).items()
            if charge.decision.next_day
        }

    # ------------------------------------------------------------------
    # TEMPLATES
    # ------------------------------------------------------------------
    def _collection_autopay_next_charge(self):
        """(day, amount) of the next automatic charge of this invoice, for the emails; or (False, 0)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        charge = self._collection_autopay_charges(today).get(self.id)
        if not charge:
            return False, 0.0
        day = charge.decision.attempt_day or charge.decision.next_day or charge.day
        return day, self._collection_autopay_amount(charge, max(day, today))

    def _collection_autopay_retry_day(self):
        """The day a failed automatic charge of this invoice is tried again, or False (none left)."""
        self.ensure_one()
        charge = self._collection_autopay_charges(fields.Date.context_today(self)).get(self.id)
        return (
            charge.decision.next_day if charge and charge.decision.holds_ladder and charge.decision.next_day else False
        )
