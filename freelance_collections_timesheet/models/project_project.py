from odoo import api, fields, models


class ProjectProject(models.Model):
    _inherit = "project.project"

    # Read from the client when shown, as the invoice's banner: a related field would sit at every
    # place the client's work stop has in the ORM's trigger trees of the accounting fields, slowing
    # every invoice Odoo creates or pays (docs/benchmark.md). The check before new work reads the
    # client's own stored field, exact within the transaction that pays.
    collection_work_stop = fields.Boolean(
        string="Work Stopped",
        compute="_compute_collection_work_stop",
        search="_search_collection_work_stop",
        help="Work is stopped for this project's customer until its overdue invoices are paid.",
    )

    @api.depends("partner_id")
    def _compute_collection_work_stop(self):
        for project in self:
            project.collection_work_stop = project.partner_id.commercial_partner_id.collection_work_stop

    def _search_collection_work_stop(self, operator, value):
        return [("partner_id.commercial_partner_id.collection_work_stop", operator, value)]
