from odoo import fields, models


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"

    # Set by sale.order's "Create Deposit Invoices" for one installment of its deposit schedule.
    collection_installment_label = fields.Char()
    collection_installment_due_date = fields.Date()

    # Sale's down-payment wizard is built from other hooks on each series; the installment's values are the
    # same on both.
    def _get_down_payment_description(self, order):  # 18.0: the invoice line's label
        if self.collection_installment_label:
            return self.collection_installment_label
        return super()._get_down_payment_description(order)

    def _prepare_down_payment_invoice_line_values(self, order, so_line, account):  # 19.0: the invoice line
        values = super()._prepare_down_payment_invoice_line_values(order, so_line, account)
        if self.collection_installment_label:
            values["name"] = self.collection_installment_label
        return values

    def _prepare_invoice_values(self, order, so_lines, accounts):  # 18.0: the invoice
        return self._collection_installment_invoice_values(
            order, super()._prepare_invoice_values(order, so_lines, accounts)
        )

    def _prepare_down_payment_invoice_values(self, order, so_lines):  # 19.0: the invoice
        return self._collection_installment_invoice_values(
            order, super()._prepare_down_payment_invoice_values(order, so_lines)
        )

    def _collection_installment_invoice_values(self, order, values):
        """VALUES of a down-payment invoice, made the invoice of this wizard's installment (if it has one).

        :param order: the sales order invoiced
        :param dict values: what sale's wizard would create the invoice with
        :return: VALUES, updated in place
        """
        label = self.collection_installment_label
        if label:
            values.update(
                {
                    # the client's reference and the installment (19.0 would put the order's name alone)
                    "ref": f"{order.client_order_ref} - {label}" if order.client_order_ref else label,
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
