from odoo import fields, models


class CollectionDiscountTier(models.Model):
    """Early-payment discount tier: PERCENT off when paid within DAYS of the invoice date."""

    _name = "collection.discount.tier"
    _description = "Early-Payment Discount Tier"
    _order = "policy_id, days, id"
    _inherit = ["collection.policy.line"]

    days = fields.Integer(required=True, help="Paid within this many days of the invoice date.")
    percent = fields.Float(required=True, digits=(5, 2), string="Discount (%)")
