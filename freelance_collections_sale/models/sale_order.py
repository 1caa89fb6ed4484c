from odoo import _, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    collection_work_stop = fields.Boolean(
        string="Work Stopped",
        related="partner_id.commercial_partner_id.collection_work_stop",
        help="Work is stopped for this client until its overdue invoices are paid.",
    )

    def action_confirm(self):
        # Only orders that are about to be confirmed; the others get sale's own error.
        confirming = self.filtered(lambda o: o.state in ("draft", "sent"))
        confirming.partner_id._collection_check_work_stop(
            lambda clients: _(
                "Work is stopped for %(clients)s: their overdue invoices must be paid before new "
                "orders are confirmed. Ask a collections manager to confirm it if it must go ahead.",
                clients=clients,
            ),
            documents=confirming,
            note={
                "manager": _(
                    "Confirmed by %(user)s although work is stopped for this client (manager override).",
                    user=self.env.user.name,
                ),
                "client": _("Confirmed online by the client although work is stopped for this client."),
            },
        )
        return super().action_confirm()
