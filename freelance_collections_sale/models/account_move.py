from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_sale_deposit = fields.Boolean(
        string="Deposit Installment",
        readonly=True,
        copy=False,
        help="Down-payment invoice created from the deposit schedule of a sales order: the order's "
        "final invoice waits until it is paid.",
    )
