"""Run it now: today's collections run started by a collections manager (Collections › Run Now, and
the dashboard), after a confirmation that says what it will do, with the dry run one click away. It is
the scheduled action's run (``collection.run._cron_run_collections``): idempotent, so tonight's run
finds nothing left of what it did."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class CollectionRunNow(models.TransientModel):
    _name = "collection.run.now"
    _description = "Collections: Run Now"

    date = fields.Date(default=fields.Date.context_today, readonly=True)
    invoice_count = fields.Integer(
        string="Invoices to Look At",
        compute="_compute_run_facts",
        help="The invoices the run looks at today (every company): those whose stage, late fees or "
        "reminders can change today, and the paid ones with late fees left to invoice.",
    )
    company_count = fields.Integer(compute="_compute_run_facts")
    running_run_id = fields.Many2one(
        "collection.run",
        string="Run in Progress",
        compute="_compute_run_facts",
        help="Today's run, not finished yet: running now goes on with it.",
    )
    last_run_id = fields.Many2one("collection.run", string="Last Run", compute="_compute_run_facts")
    last_run_summary = fields.Char(related="last_run_id.summary", string="It Did")

    @api.depends("date")
    def _compute_run_facts(self):
        Run = self.env["collection.run"].sudo()
        companies = self.env["res.company"].sudo().search([])
        count = sum(Run._collection_due_counts(companies).values())
        today = fields.Date.context_today(self)
        running = Run.search([("state", "in", ("running", "waiting")), ("date", "=", today)], limit=1)
        last = Run.search([("state", "not in", ("running", "waiting"))], limit=1)
        for wizard in self:
            wizard.invoice_count = count
            wizard.company_count = len(companies)
            wizard.running_run_id = running.with_env(self.env)
            wizard.last_run_id = last.with_env(self.env)

    def _check_manager(self):
        if not self.env.user.has_group("freelance_collections.group_collections_manager"):
            raise AccessError(_("Only collections managers run the collections by hand."))

    def action_run(self):
        """Run today's collections now, as the scheduled action does, and open the run."""
        self.ensure_one()
        self._check_manager()
        context = {key: self.env.context[key] for key in ("lang", "tz") if key in self.env.context}
        run = self.env["collection.run"].sudo().with_context(**context)._cron_run_collections()
        if not run:
            raise UserError(
                _(
                    "Another collections run is working right now (the scheduled action, or a manager's "
                    "Run Now): wait for it to end, then look at Collections › Collections Runs."
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": run.with_env(self.env).display_name,
            "res_model": "collection.run",
            "res_id": run.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_preview(self):
        """The dry run: what the run would do today, per invoice, without doing it."""
        self.ensure_one()
        return self.env["collection.dry.run"].action_open()
