from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _collection_work_stop_override(self):
        """How this user may go past a work stop: 'manager' (collections manager, logged), 'client'
        (a portal or public user paying or signing online: money coming in is never refused), or ''."""
        self.ensure_one()
        if self.share:
            return "client"
        if self.has_group("freelance_collections.group_collections_manager"):
            return "manager"
        return ""
