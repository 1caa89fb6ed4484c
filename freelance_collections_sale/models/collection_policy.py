from odoo import fields, models


class CollectionPolicy(models.Model):
    _inherit = "collection.policy"

    deposit_from_score = fields.Boolean(
        string="Deposit From Payer Score",
        help="On quotations, propose the deposit schedule that covers the deposit the client's payer "
        "grade suggests (A 0%, B 20%, C 30%, D 40%, E 50% upfront): no deposit for grade A, the "
        "smallest schedule whose first installment covers the suggestion otherwise. Clients "
        "without payment history keep this policy's schedule.",
    )
