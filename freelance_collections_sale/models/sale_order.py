from odoo import _, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    collection_work_stop = fields.Boolean(
        string="Work Stopped",
        related="partner_id.commercial_partner_id.collection_work_stop",
        help="Work is stopped for this client until its overdue invoices are paid.",
    )

    def action_confirm(self):
        # Only orders that are about to be confirmed; the others get sale's own error.
        stopped = self.filtered(
            lambda o: o.state in ("draft", "sent") and o.partner_id.commercial_partner_id.collection_work_stop
        )
        override = self.env.user._collection_work_stop_override() if stopped else ""
        if stopped and not override:
            raise UserError(_(
                "Work is stopped for %(clients)s: their overdue invoices must be paid before new "
                "orders are confirmed. Ask a collections manager to confirm it if it must go ahead.",
                clients=", ".join(stopped.partner_id.commercial_partner_id.mapped("display_name")),
            ))
        res = super().action_confirm()
        for order in stopped:
            order._message_log(body=_(
                "Confirmed by %(user)s although work is stopped for this client (manager override).",
                user=self.env.user.name,
            ) if override == "manager" else _(
                "Confirmed online by the client although work is stopped for this client."))
        return res
