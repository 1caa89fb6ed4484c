from odoo import _, api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # Read from the client when shown, as the invoice's banner: a related field would sit at every
    # place the client's work stop has in the ORM's trigger trees of the accounting fields, slowing
    # every invoice Odoo creates or pays (docs/benchmark.md). The check before new work reads the
    # client's own stored field, exact within the transaction that pays.
    collection_work_stop = fields.Boolean(
        string="Work Stopped",
        compute="_compute_collection_work_stop",
        search="_search_collection_work_stop",
        help="Work is stopped for this client until its overdue invoices are paid.",
    )

    @api.depends("partner_id")
    def _compute_collection_work_stop(self):
        for order in self:
            order.collection_work_stop = order.partner_id.commercial_partner_id.collection_work_stop

    def _search_collection_work_stop(self, operator, value):
        return [("partner_id.commercial_partner_id.collection_work_stop", operator, value)]

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
