from odoo import _, api, models


class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    @api.model_create_multi
    def create(self, vals_list):
        # Checked on the created lines: hr_timesheet fills project_id from the task if needed,
        # and the UserError rolls the creation back.
        lines = super().create(vals_list)
        lines._collection_check_work_stop()
        return lines

    def _collection_check_work_stop(self):
        """Refuse timesheets on projects of stopped clients, unless a collections manager logs them."""
        # sudo: the check must not depend on the user's read access to the project or its customer.
        projects = self.sudo().project_id.filtered(lambda p: p.partner_id.commercial_partner_id.collection_work_stop)
        if not projects:
            return
        # only a collections manager logs time past a stop: a client never logs time
        projects.partner_id._collection_check_work_stop(
            lambda clients: _(
                "Work is stopped for %(clients)s: their overdue invoices must be paid before more "
                "time is logged on %(projects)s. Ask a collections manager to log it if it must be "
                "recorded.",
                clients=clients,
                projects=", ".join(projects.mapped("display_name")),
            ),
            clients_may=False,
            documents=projects,
            note={
                "manager": _(
                    "Timesheet logged by %(user)s although work is stopped for this client (manager override).",
                    user=self.env.user.name,
                )
            },
        )
