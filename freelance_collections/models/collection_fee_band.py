from odoo import fields, models


class CollectionFeeBand(models.Model):
    """Fixed recovery fee by size of the debt (UK: 40 / 70 / 100 GBP)."""

    _name = "collection.fee.band"
    _description = "Fixed Fee Band"
    _order = "policy_id, min_debt, id"
    _inherit = ["collection.policy.line"]

    currency_id = fields.Many2one(related="policy_id.currency_id")
    min_debt = fields.Monetary(string="Debt From", required=True, default=0.0)
    amount = fields.Monetary(string="Fixed Fee", required=True)

    def unlink(self):
        """Deleting a band must leave bands that still start at a debt of 0."""
        policies = self.policy_id
        result = super().unlink()
        policies.exists()._check_penalty_rules()
        return result
