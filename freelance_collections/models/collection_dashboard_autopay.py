"""Autopay on the dashboard: the clients on autopay, what it charged and what failed in the period."""

from odoo import _, api, fields, models


class CollectionDashboard(models.TransientModel):
    _inherit = "collection.dashboard"

    autopay_client_count = fields.Integer(string="Clients on Autopay", compute="_compute_autopay")
    autopay_charged_amount = fields.Monetary(
        string="Charged Automatically",
        compute="_compute_autopay",
        help="Automatic charges paid in the period (in the company currency).",
    )
    autopay_failed_count = fields.Integer(
        string="Automatic Charges Failed", compute="_compute_autopay", help="Failed automatic charges in the period."
    )

    @api.depends("company_id", "date_from", "date_to")
    def _compute_autopay(self):
        for dashboard in self:
            company = dashboard.company_id
            dashboard.autopay_client_count = (
                self.env["res.partner"]
                .with_company(company)
                .search_count([("collection_autopay_token_id", "!=", False)])
            )
            domain = [
                ("company_id", "=", company.id),
                ("action", "=", "autopay_charge"),
                ("date", ">=", dashboard.date_from),
                ("date", "<=", dashboard.date_to),
            ]
            Log = self.env["collection.action.log"]
            dashboard.autopay_failed_count = Log.search_count([*domain, ("state", "=", "failed")])
            txs = (
                self.env["payment.transaction"]
                .sudo()
                .search(
                    [
                        ("collection_autopay_key", "in", Log.search([*domain, ("state", "=", "done")]).mapped("key")),
                        ("state", "=", "done"),
                    ]
                )
            )
            dashboard.autopay_charged_amount = sum(
                tx.currency_id._convert(tx.amount, company.currency_id, company, tx.collection_autopay_attempt)
                for tx in txs
            )

    def action_open_autopay_charges(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("freelance_collections.collection_action_log_action")
        action.update(
            {
                "name": _("Automatic Charges"),
                "domain": [
                    ("company_id", "=", self.company_id.id),
                    ("action", "in", ("autopay_charge", "autopay_failed", "autopay_notice")),
                ],
                "context": {"create": False},
            }
        )
        return action
