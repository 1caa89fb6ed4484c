"""Autopay in the daily run: the notices, then the charges, before the company's batches.

Never twice: each attempt is a ``payment.transaction`` under a unique key (invoice, charge day, attempt
day), created and committed *before* the request goes to the provider. A run that finds the
transaction of an attempt sends nothing again, whatever its state: done (paid; post-processed if the
process died before), pending or still draft (the request may have reached the provider: the charge
is recorded as waiting for its answer, to be checked on the provider's side), error (failed: the next
attempt is on the next retry day, under its own key). The charge, the notice and the failure email are
recorded on the action log under the same keys.
"""

import logging

from odoo import Command, _, api, fields, models
from odoo.tools import SQL

from ..policy import autopay
from .account_move import OPEN_INVOICE_DOMAIN
from .account_move_autopay import TX_STATES, charge_key

_logger = logging.getLogger(__name__)


class CollectionRunAutopay(models.AbstractModel):
    _name = "collection.run.autopay"
    _description = "Collections Run: Autopay"

    def _collection_run_autopay(self, company):
        """Notify and charge COMPANY's invoices of clients on autopay that need it today.

        :return: {action code: number done}
        """
        today = fields.Date.context_today(self)
        Move = self.env["account.move"].sudo().with_company(company)
        moves = Move.search(
            [
                ("company_id", "=", company.id),
                *OPEN_INVOICE_DOMAIN,
                ("collection_policy_id", "!=", False),
                ("commercial_partner_id.collection_autopay_token_id", "!=", False),
                *Move._collection_due_domain(today),
            ],
            order="commercial_partner_id, id",
        )
        recovered = self._collection_autopay_recover(company)
        charges = moves._collection_autopay_charges(today)
        if not charges and not recovered:
            return {}
        counts = {}
        notify = [charge for charge in charges.values() if charge.decision.notify]
        if notify:
            counts["autopay_notice"] = self._collection_autopay_notify(notify)
            self._collection_commit()
        for charge in charges.values():
            if charge.decision.attempt_day:
                state = self._collection_autopay_attempt(charge, today)
                if state is None:
                    continue
                if state == autopay.FAILED:
                    counts["autopay_failed"] = counts.get("autopay_failed", 0) + 1
                else:
                    counts["autopay_charge"] = counts.get("autopay_charge", 0) + 1
        if counts and self:
            self._collection_add_counts(counts)
            self._collection_commit()
        return counts

    # ------------------------------------------------------------------
    # NOTICES
    # ------------------------------------------------------------------
    def _collection_autopay_notify(self, charges):
        """One "we will charge X on D" email per client for CHARGES; recorded under each notice key."""
        template = self.env.ref("freelance_collections.mail_template_autopay_notice")
        log_vals = []
        by_client = {}
        for charge in charges:
            by_client.setdefault(charge.move.commercial_partner_id, []).append(charge)
        for client, group in by_client.items():
            moves = self.env["account.move"].union(*(charge.move for charge in group))
            message, state, note = self._collection_autopay_send(client, template, moves)
            for charge in group:
                log_vals.append(
                    self._collection_autopay_log_vals(
                        charge.move,
                        "autopay_notice",
                        charge.move._collection_autopay_notice_key(charge.day),
                        state,
                        note,
                    )
                    | {"mail_message_id": message.id if message else False}
                )
        self.env["collection.action.log"]._record(log_vals, run=self)
        return sum(1 for vals in log_vals if vals["state"] == "done")

    def _collection_autopay_send(self, client, template, moves):
        """Send TEMPLATE to CLIENT listing MOVES: (message, log state, note); a client that cannot be
        emailed is recorded as failed, the charges go on."""
        try:
            with self.env.cr.savepoint():
                message = client._collection_send_reminder(template, moves, self.env["ir.attachment"])
            return message, "done", False
        except Exception as error:  # noqa: BLE001 - recorded on the log, the run goes on
            _logger.warning("Collections: autopay email to %s failed: %s", client.display_name, error)
            return None, "failed", str(error)[:250]

    # ------------------------------------------------------------------
    # CHARGES
    # ------------------------------------------------------------------
    def _collection_autopay_attempt(self, charge, today):
        """Make the attempt of CHARGE due today, once: see the module docstring.

        :return: the attempt's engine state (DONE, PENDING or FAILED); None when autopay was turned
            off instead (the token is archived or its provider disabled)
        """
        move, token = charge.move, charge.token.sudo()
        attempt = charge.decision.attempt_day
        key = charge_key(move.id, charge.day, attempt)
        Tx = self.env["payment.transaction"].sudo()
        tx = Tx.search([("collection_autopay_key", "=", key)], limit=1)
        if not tx:
            if not token.active or token.provider_id.state == "disabled":
                move.commercial_partner_id.with_company(move.company_id)._collection_autopay_off(
                    _("the payment provider no longer accepts the saved payment method.")
                )
                return None
            amount = move._collection_autopay_amount(charge, today)
            if move.currency_id.compare_amounts(amount, 0) <= 0:
                return autopay.DONE
            tx = Tx.create(
                {
                    "provider_id": token.provider_id.id,
                    "payment_method_id": token.payment_method_id.id,
                    "reference": Tx._compute_reference(token.provider_id.code, invoice_ids=[Command.set(move.ids)]),
                    "amount": amount,
                    "currency_id": move.currency_id.id,
                    "partner_id": move.partner_id.id,
                    "token_id": token.id,
                    "operation": "offline",
                    "invoice_ids": [Command.set(move.ids)],
                    "collection_autopay_key": key,
                    "collection_autopay_move_id": move.id,
                    "collection_autopay_day": charge.day,
                    "collection_autopay_attempt": attempt,
                }
            )
            self._collection_commit()  # the attempt exists before the provider hears of it
            self._collection_autopay_request(tx)
            self._collection_commit()  # the provider's answer is kept before anything else
        return self._collection_autopay_finish(tx)

    def _collection_autopay_recover(self, company):
        """Finish the attempts a killed run left unrecorded (no log under their key): post-process the
        paid ones, record each as it stands. Nothing is sent again."""
        self.env.cr.execute(
            SQL(
                """
            SELECT tx.id FROM payment_transaction tx
              JOIN payment_provider provider ON provider.id = tx.provider_id
             WHERE tx.collection_autopay_key IS NOT NULL AND provider.company_id = %s
               AND NOT EXISTS (SELECT 1 FROM collection_action_log log WHERE log.key = tx.collection_autopay_key)
            """,
                company.id,
            )
        )
        txs = self.env["payment.transaction"].sudo().browse([row[0] for row in self.env.cr.fetchall()])
        for tx in txs:
            self._collection_autopay_finish(tx)
        return len(txs)

    def _collection_autopay_finish(self, tx):
        """Post-process TX when paid (Odoo's: the payment, reconciled), record it and, when it failed,
        email the client; return the attempt's engine state."""
        move = tx.collection_autopay_move_id
        if tx.state == "done" and not tx.is_post_processed:
            tx._post_process()
        state = TX_STATES.get(tx.state, autopay.PENDING)
        note = _("%(amount)s, %(reference)s", amount=move.currency_id.format(tx.amount), reference=tx.reference)
        if tx.state == "draft":
            _logger.warning("Collections: autopay charge %s has no answer recorded: not sent again.", tx.reference)
            note = _("%(note)s: no answer from the provider recorded, check it there", note=note)
        elif tx.state_message and state == autopay.FAILED:
            note = f"{note}: {tx.state_message}"
        log_state = {autopay.DONE: "done", autopay.FAILED: "failed"}.get(state, "pending")
        key = tx.collection_autopay_key
        log_vals = [self._collection_autopay_log_vals(move, "autopay_charge", key, log_state, note[:250])]
        if state == autopay.FAILED:
            log_vals += self._collection_autopay_failed_email(move, key)
        if self.env["collection.action.log"]._record(log_vals, run=self):
            move._message_log(body=_("Automatic charge: %(note)s (%(state)s).", note=note, state=tx.state))
        self._collection_commit()
        return state

    def _collection_autopay_request(self, tx):
        """Send TX to its provider; a provider that raises fails the attempt (recorded on it)."""
        try:
            with self.env.cr.savepoint():
                tx._send_payment_request()
        except Exception as error:  # noqa: BLE001 - the provider's refusal is the attempt's failure
            _logger.warning("Collections: autopay charge %s refused: %s", tx.reference, error)
            tx._set_error(str(error)[:250])

    def _collection_autopay_failed_email(self, move, key):
        """The "payment failed, update your card" email of a failed attempt (once per attempt)."""
        log = self.env["collection.action.log"].sudo()
        failed_key = f"{key}:email"
        if log.search_count([("key", "=", failed_key)]):
            return []
        template = self.env.ref("freelance_collections.mail_template_autopay_failed")
        message, state, note = self._collection_autopay_send(move.commercial_partner_id, template, move)
        vals = self._collection_autopay_log_vals(move, "autopay_failed", failed_key, state, note)
        vals["mail_message_id"] = message.id if message else False
        return [vals]

    @api.model
    def _collection_autopay_log_vals(self, move, action, key, state, note):
        return {
            "key": key,
            "move_id": move.id,
            "partner_id": move.commercial_partner_id.id,
            "stage_id": move.collection_stage_id.id or False,
            "action": action,
            "state": state,
            "note": note or False,
        }
