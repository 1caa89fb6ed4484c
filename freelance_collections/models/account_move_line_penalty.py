"""Late-fee lines: each line of a late-fee invoice says which overdue invoice it charges fees on.

A run books one late-fee invoice per client (a line per overdue invoice) unless the policy asks for
one per overdue invoice (``collection.policy.fee_invoice_grouping``); what was charged, waived and
reminded stays per overdue invoice, read from these lines.
"""

from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    collection_penalty_origin_id = fields.Many2one(
        "account.move",
        string="Late Fees Of",
        copy=False,
        readonly=True,
        index=True,
        help="The overdue invoice this late-fee line charges penalties on.",
    )
