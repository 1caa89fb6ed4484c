from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    # Users inherit every field of their partner (``_inherits``), each as a related field that follows
    # the partner's. The client's stage and work stop follow every invoice and payment: inherited, they
    # would add 32 nodes to the ORM's trigger trees of the accounting fields, walked at each change of
    # any invoice, though nothing reads them on a user (docs/benchmark.md, "Trigger trees"). Declared
    # here, they are read from the partner without that dependency.
    collection_stage_id = fields.Many2one(
        "collection.stage", string="Collection Stage", compute="_compute_collection_partner_state"
    )
    collection_work_stop = fields.Boolean(string="Work Stopped", compute="_compute_collection_partner_state")

    @api.depends("partner_id")
    def _compute_collection_partner_state(self):
        for user in self:
            user.collection_stage_id = user.partner_id.collection_stage_id
            user.collection_work_stop = user.partner_id.collection_work_stop

    def _collection_work_stop_override(self):
        """How this user may go past a work stop: 'manager' (collections manager, logged), 'client'
        (a portal or public user paying or signing online: money coming in is never refused), or ''."""
        self.ensure_one()
        if self.share:
            return "client"
        if self.has_group("freelance_collections.group_collections_manager"):
            return "manager"
        return ""
