"""Work stop on invoices: a stopped client's new invoices are not posted (late fees are not new work).

The rule itself (who is stopped, who may go past it) is ``res.partner._collection_check_work_stop``,
which the sales and timesheet bridges call too.
"""

from odoo import _, models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        new_work = self.filtered(lambda m: m._collection_is_new_work())
        new_work.commercial_partner_id._collection_check_work_stop(
            lambda clients: _(
                "Work is stopped for %(clients)s: their overdue invoices must be paid before new "
                "invoices are posted. Ask a collections manager to post it if it must go out.",
                clients=clients,
            ),
            documents=new_work,
            note={
                "manager": _(
                    "Posted by %(user)s although work is stopped for this client (manager override).",
                    user=self.env.user.name,
                ),
                "client": _("Posted after an online action of the client although work is stopped for this client."),
            },
        )
        return super()._post(soft=soft)

    def _collection_is_new_work(self):
        """HOOK: whether posting this move is new work, refused while its client's work is stopped:
        a customer invoice, not a late-fee invoice (nor a retainer's request for money, see
        ``account_move_retainer.py``)."""
        self.ensure_one()
        return self.move_type == "out_invoice" and not self.collection_fee_invoice
