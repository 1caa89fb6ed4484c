"""Writing off an invoice as bad debt (a stage action, or a manager's server action), and undoing it.

The amount still due is booked to the policy's bad-debt account in a general entry reconciled with the
invoice, so the invoice is paid; undoing reverses that entry and the invoice is due again.
"""

from odoo import Command, _, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_write_off_move_id = fields.Many2one("account.move", string="Write-off Entry", copy=False, readonly=True)

    def _collection_write_off(self):
        """Book what is still due to the policy's bad-debt account and reconcile it (reversible)."""
        self.ensure_one()
        policy = self.collection_policy_id
        account = policy.write_off_account_id
        if not account:
            raise UserError(
                _(
                    "Policy %(policy)s has no bad-debt account: set one on its Late Penalties tab before "
                    "writing off %(invoice)s.",
                    policy=policy.name,
                    invoice=self.name,
                )
            )
        if self.collection_write_off_move_id:
            raise UserError(_("%(invoice)s is already written off.", invoice=self.name))
        receivables = self.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )
        if not receivables:
            raise UserError(_("%(invoice)s has nothing left to write off.", invoice=self.name))
        balance = sum(receivables.mapped("amount_residual"))
        amount_currency = sum(receivables.mapped("amount_residual_currency"))
        journal = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(self.company_id),
                ("type", "=", "general"),
            ],
            limit=1,
        )
        label = _("Bad debt write-off of %(invoice)s", invoice=self.name)
        common = {"partner_id": self.commercial_partner_id.id, "currency_id": self.currency_id.id, "name": label}
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": fields.Date.context_today(self),
                "ref": label,
                "company_id": self.company_id.id,
                "line_ids": [
                    Command.create(
                        {
                            **common,
                            "account_id": receivables[0].account_id.id,
                            "balance": -balance,
                            "amount_currency": -amount_currency,
                        }
                    ),
                    Command.create(
                        {**common, "account_id": account.id, "balance": balance, "amount_currency": amount_currency}
                    ),
                ],
            }
        )
        entry.action_post()
        (receivables + entry.line_ids.filtered(lambda ln: ln.account_id == receivables[0].account_id)).reconcile()
        self.collection_write_off_move_id = entry
        self._message_log(body=_("Written off as bad debt: %(entry)s.", entry=entry._get_html_link()))
        return entry

    def action_collection_undo_write_off(self):
        """Reverse the write-off entries: the invoices are due again."""
        for move in self.filtered("collection_write_off_move_id"):
            entry = move.collection_write_off_move_id
            entry.line_ids.remove_move_reconcile()
            entry._reverse_moves([{"ref": _("Reversal of %(entry)s", entry=entry.name)}], cancel=True)
            move.collection_write_off_move_id = False
            move._message_log(body=_("Write-off reversed: the invoice is due again."))

    def action_collection_write_off(self):
        if not self.env.user.has_group("freelance_collections.group_collections_manager"):
            raise UserError(_("Only a collections manager can write off an invoice."))
        for move in self._collection_open_selection():
            move._collection_write_off()
        return True
