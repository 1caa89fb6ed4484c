from odoo import fields, models


class ProjectProject(models.Model):
    _inherit = "project.project"

    collection_work_stop = fields.Boolean(
        string="Work Stopped",
        related="partner_id.commercial_partner_id.collection_work_stop",
        help="Work is stopped for this project's customer until its overdue invoices are paid.",
    )
