"""A payment made online for installments at their discounted amount takes the discount."""

from odoo import fields, models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _create_payment(self, **extra_create_values):
        """Book the early-payment discount of installments paid online at their discounted amount."""
        self.ensure_one()
        invoice = self.invoice_ids
        if (
            len(invoice) == 1
            and invoice.state == "posted"
            and "write_off_line_vals" not in extra_create_values
            and self.operation != "refund"
        ):
            write_off = invoice._collection_portal_discount_write_off(
                self.amount, self.currency_id, fields.Date.context_today(self)
            )
            if write_off:
                extra_create_values = {**extra_create_values, "write_off_line_vals": write_off}
        return super()._create_payment(**extra_create_values)
