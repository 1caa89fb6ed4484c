from odoo import api, models


class CollectionPolicyReschedulingMixin(models.AbstractModel):
    """Creating, changing or deleting a line of a policy (stage, tier, step, band) reschedules it."""

    _name = "collection.policy.rescheduling.mixin"
    _description = "Reschedules the policy's invoices when its lines change"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.policy_id._collection_reschedule()
        return records

    def write(self, vals):
        policies = self.policy_id
        result = super().write(vals)
        (policies | self.policy_id)._collection_reschedule()
        return result

    def unlink(self):
        policies = self.policy_id
        result = super().unlink()
        policies.exists()._collection_reschedule()
        return result
