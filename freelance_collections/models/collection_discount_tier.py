from odoo import fields, models

from ..policy import discounts
from ..policy.money import to_decimal


class CollectionDiscountTier(models.Model):
    """Early-payment discount tier: PERCENT off when paid within DAYS of the invoice date."""

    _name = "collection.discount.tier"
    _description = "Early-Payment Discount Tier"
    _order = "policy_id, days, id"
    _inherit = ["collection.policy.line"]

    days = fields.Integer(required=True, help="Paid within this many days of the invoice date.")
    percent = fields.Float(required=True, digits=(5, 2), string="Discount (%)")

    def _collection_engine_tiers(self):
        """These tiers for the pure engine, by days (``discounts.DiscountTier``)."""
        return [
            discounts.DiscountTier(days=tier.days, percent=to_decimal(tier.percent))
            for tier in self.sorted(lambda t: (t.days, t.id))
        ]
