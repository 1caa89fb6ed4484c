from odoo import fields, models


class CollectionDiscountTier(models.Model):
    """Early-payment discount tier: PERCENT off when paid within DAYS of the invoice date."""

    _name = "collection.discount.tier"
    _description = "Early-Payment Discount Tier"
    _order = "policy_id, days, id"

    policy_id = fields.Many2one("collection.policy", required=True, ondelete="cascade", index=True)
    days = fields.Integer(required=True, help="Paid within this many days of the invoice date.")
    percent = fields.Float(required=True, digits=(5, 2), string="Discount (%)")


class CollectionPenaltyTier(models.Model):
    """Stepped late penalty: the TOTAL surcharge once the invoice is DAYS_LATE days late."""

    _name = "collection.penalty.tier"
    _description = "Late Penalty Step"
    _order = "policy_id, days_late, id"

    policy_id = fields.Many2one("collection.policy", required=True, ondelete="cascade", index=True)
    days_late = fields.Integer(required=True, string="Days Late")
    percent = fields.Float(
        required=True,
        digits=(5, 2),
        string="Total Surcharge (%)",
        help="Total surcharge at this step, in percent of the amount still due: "
        "moving from a 5% step to a 10% step charges the 5% difference.",
    )


class CollectionFeeBand(models.Model):
    """Fixed recovery fee by size of the debt (UK: 40 / 70 / 100 GBP)."""

    _name = "collection.fee.band"
    _description = "Fixed Fee Band"
    _order = "policy_id, min_debt, id"

    policy_id = fields.Many2one("collection.policy", required=True, ondelete="cascade", index=True)
    currency_id = fields.Many2one(related="policy_id.currency_id")
    min_debt = fields.Monetary(string="Debt From", required=True, default=0.0)
    amount = fields.Monetary(string="Fixed Fee", required=True)

    def unlink(self):
        """Deleting a band must leave bands that still start at a debt of 0."""
        policies = self.policy_id
        result = super().unlink()
        policies.exists()._check_penalty_rules()
        return result
