"""The automatic charges of autopay: a payment transaction per attempt, under a unique key."""

from odoo import fields, models

from ..tools import compat


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    collection_autopay_key = fields.Char(
        string="Autopay Key",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Technical: the invoice, charge day and attempt day of an automatic charge; one transaction each.",
    )
    collection_autopay_move_id = fields.Many2one(
        "account.move", string="Autopay Invoice", readonly=True, copy=False, index="btree_not_null"
    )
    collection_autopay_day = fields.Date(string="Autopay Charge Day", readonly=True, copy=False)
    collection_autopay_attempt = fields.Date(string="Autopay Attempt Day", readonly=True, copy=False)

    compat.add_constraint(
        locals(),
        "collection_autopay_key_unique",
        "unique(collection_autopay_key)",
        "This automatic charge was already made.",
    )

    def _update_state(self, allowed_states, target_state, state_message):
        """Odoo's state change; an automatic charge whose answer comes late (the provider's webhook, after
        the run recorded it as waiting) brings its action log entry up to date: done or failed."""
        changed = super()._update_state(allowed_states, target_state, state_message)
        log_state = {"done": "done", "error": "failed", "cancel": "failed"}.get(target_state)
        keys = changed.filtered("collection_autopay_key").mapped("collection_autopay_key")
        if log_state and keys:
            waiting = (
                self.env["collection.action.log"]
                .sudo()
                .search([("key", "in", keys), ("action", "=", "autopay_charge"), ("state", "=", "pending")])
            )
            waiting.write({"state": log_state})
        return changed
