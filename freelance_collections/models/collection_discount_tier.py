from odoo import api, fields, models

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

    @api.constrains("days", "percent", "policy_id")
    def _check_policy(self):
        """A tier written on its own is checked as its policy checks its tiers: the same function,
        so no tier is stored that would make its policy unsaveable."""
        self.policy_id._check_discount_tiers()

    def _collection_engine_tiers(self):
        """These tiers for the pure engine, by days (``discounts.DiscountTier``)."""
        return [
            discounts.DiscountTier(days=tier.days, percent=to_decimal(tier.percent))
            for tier in self.sorted(lambda t: (t.days, t.id))
        ]
