from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_sale_deposit = fields.Boolean(
        string="Deposit Installment",
        readonly=True,
        copy=False,
        help="Down-payment invoice created from the deposit schedule of a sales order: the order's "
        "final invoice waits until it is paid.",
    )
    collection_installment_due_date = fields.Date(
        string="Installment Due Date",
        readonly=True,
        copy=False,
        help="Due date of the deposit installment, agreed with the schedule of the sales order.",
    )

    @api.depends("collection_installment_due_date")
    def _compute_invoice_date_due(self):  # pylint: disable=missing-return - a compute assigns, returns nothing
        """A deposit installment is due when its schedule says, not after the policy's default
        delay for invoices without an agreed due date; never before the invoice date, though (an
        upfront deposit posted a few days after it was prepared is due on its invoice date)."""
        super()._compute_invoice_date_due()
        for move in self:
            due = move.collection_installment_due_date
            if move.collection_sale_deposit and due and move.state == "draft" and not move.invoice_payment_term_id:
                move.invoice_date_due = max(due, move.invoice_date) if move.invoice_date else due
