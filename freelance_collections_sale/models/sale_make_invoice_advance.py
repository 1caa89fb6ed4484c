from odoo import fields, models


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"

    # Set by sale.order's "Create Deposit Invoices" for one installment of its deposit schedule.
    collection_installment_label = fields.Char()
    collection_installment_due_date = fields.Date()

    def _get_down_payment_description(self, order):
        if self.collection_installment_label:
            return self.collection_installment_label
        return super()._get_down_payment_description(order)

    def _prepare_invoice_values(self, order, so_lines, accounts):
        values = super()._prepare_invoice_values(order, so_lines, accounts)
        label = self.collection_installment_label
        if label:
            values.update(
                {
                    "ref": f"{values['ref']} - {label}" if values.get("ref") else label,
                    "collection_sale_deposit": True,
                    # one installment per invoice: no second split by the invoice's own schedule
                    "collection_deposit_template_id": False,
                }
            )
            if self.collection_installment_due_date:
                # The installment's due date, not the order's payment terms.
                values.update(
                    {
                        "invoice_payment_term_id": False,
                        "invoice_date_due": self.collection_installment_due_date,
                        "collection_installment_due_date": self.collection_installment_due_date,
                    }
                )
        return values
