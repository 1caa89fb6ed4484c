from odoo import api, fields, models

from ..policy import penalties
from ..policy.money import to_decimal


class CollectionFeeBand(models.Model):
    """Fixed recovery fee by size of the debt (UK: 40 / 70 / 100 GBP)."""

    _name = "collection.fee.band"
    _description = "Fixed Fee Band"
    _order = "policy_id, min_debt, id"
    _inherit = ["collection.policy.line"]

    currency_id = fields.Many2one(related="policy_id.currency_id")
    min_debt = fields.Monetary(string="Debt From", required=True, default=0.0)
    amount = fields.Monetary(string="Fixed Fee", required=True)

    @api.constrains("min_debt", "amount", "policy_id")
    def _check_policy(self):
        """A band written on its own is checked as its policy checks its bands: the same function,
        so no band is stored that would make its policy unsaveable."""
        self.policy_id._check_penalty_rules()

    def _collection_engine_bands(self):
        """These bands for the pure engine, by debt (``penalties.FeeBand``)."""
        return tuple(
            penalties.FeeBand(min_debt=to_decimal(band.min_debt), amount=to_decimal(band.amount))
            for band in self.sorted(lambda b: (b.min_debt, b.id))
        )

    def unlink(self):
        """Deleting a band must leave bands that still start at a debt of 0."""
        policies = self.policy_id
        result = super().unlink()
        policies.exists()._check_penalty_rules()
        return result
