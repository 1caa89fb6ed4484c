"""The automatic charges of autopay: a payment transaction per attempt, under a unique key."""

from odoo import fields, models

from ..tools import compat


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    collection_autopay_key = fields.Char(
        string="Autopay Key",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Technical: the invoice, charge day and attempt day of an automatic charge; one transaction each.",
    )
    collection_autopay_move_id = fields.Many2one(
        "account.move", string="Autopay Invoice", readonly=True, copy=False, index="btree_not_null"
    )
    collection_autopay_day = fields.Date(string="Autopay Charge Day", readonly=True, copy=False)
    collection_autopay_attempt = fields.Date(string="Autopay Attempt Day", readonly=True, copy=False)

    compat.add_constraint(
        locals(),
        "collection_autopay_key_unique",
        "unique(collection_autopay_key)",
        "This automatic charge was already made.",
    )
