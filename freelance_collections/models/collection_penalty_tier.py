from odoo import api, fields, models

from ..policy import penalties
from ..policy.money import to_decimal


class CollectionPenaltyTier(models.Model):
    """Late penalty tier: the TOTAL surcharge once the invoice is DAYS_LATE days late."""

    _name = "collection.penalty.tier"
    _description = "Late Penalty Tier"
    _order = "policy_id, days_late, id"
    _inherit = ["collection.policy.line"]

    days_late = fields.Integer(required=True)
    percent = fields.Float(
        required=True,
        digits=(5, 2),
        string="Total Surcharge (%)",
        help="Total surcharge at this tier, in percent of the amount still due: "
        "moving from a 5% tier to a 10% tier charges the 5% difference.",
    )

    @api.constrains("days_late", "percent", "policy_id")
    def _check_policy(self):
        """A tier written on its own is checked as its policy checks its tiers: the same function,
        so no tier is stored that would make its policy unsaveable."""
        self.policy_id._check_penalty_rules()

    def _collection_engine_tiers(self):
        """These tiers for the pure engine, by days late (``penalties.PenaltyTier``)."""
        return tuple(
            penalties.PenaltyTier(days_late=tier.days_late, percent=to_decimal(tier.percent))
            for tier in self.sorted(lambda t: (t.days_late, t.id))
        )
