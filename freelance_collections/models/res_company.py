from odoo import fields, models


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
