from odoo import api, fields, models


class CollectionPolicyLine(models.AbstractModel):
    """A line of a policy (stage, discount tier, penalty tier, fee band): creating, changing or
    deleting one reschedules the policy's open invoices (they are looked at in the next run)."""

    _name = "collection.policy.line"
    _description = "Collection Policy Line"
    _inherit = ["collection.bounds.mixin"]

    policy_id = fields.Many2one("collection.policy", required=True, ondelete="cascade", index=True)

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
