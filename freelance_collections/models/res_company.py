from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_policy_id = fields.Many2one(
        "collection.policy",
        string="Default Collection Policy",
        domain="['|', ('company_id', '=', False), ('company_id', '=', id)]",
        help="Applies to every customer without a policy of its own.",
    )
    collection_responsible_id = fields.Many2one(
        "res.users",
        string="Collections Responsible",
        help="Gets the collection activities (phone calls, confirmations) of invoices without a salesperson.",
    )

    @api.constrains("collection_policy_id")
    def _check_collection_policy_company(self):
        for company in self:
            owner = company.collection_policy_id.company_id
            if owner and owner != company:
                raise ValidationError(_(
                    "Policy %(policy)s belongs to %(owner)s: choose a policy of %(company)s (or one shared "
                    "by all companies) as its default.", policy=company.collection_policy_id.name,
                    owner=owner.name, company=company.name))


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
