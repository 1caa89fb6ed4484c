"""Never silently stale: the policy, the dashboard and the run say when a reference rate lacks the
current half-year's value (the last known value is used meanwhile, and said to be used)."""

from odoo import api, fields, models

from .account_move import OPEN_INVOICE_DOMAIN


class CollectionPolicy(models.Model):
    _inherit = "collection.policy"

    rate_warning = fields.Text(
        string="Reference Rate Warning",
        compute="_compute_rate_warning",
        help="Says when the reference rate has no value for the current half-year.",
    )

    @api.depends("interest_mode", "rate_index_id.rate_ids.date", "active")
    def _compute_rate_warning(self):
        today = fields.Date.context_today(self)
        for policy in self:
            policy.rate_warning = policy._collection_rate_warning(today)

    def _collection_rate_warning(self, day=None):
        """The stale warning of the policy's reference rate on DAY, or "" (no interest, or a current rate)."""
        self.ensure_one()
        if not self.active or self.interest_mode != "reference" or not self.rate_index_id:
            return ""
        return self.rate_index_id._collection_stale_warning(day)

    def action_open_rate_index(self):
        """The policy's reference rate, to enter the missing value or update it now."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "collection.rate.index",
            "res_id": self.rate_index_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }


class CollectionRateIndex(models.Model):
    _inherit = "collection.rate.index"

    @api.model
    def _collection_stale_warnings(self, day=None, companies=None):
        """The warnings of the indexes that policies in use in COMPANIES (all when None) charge interest
        on, one per index, in one text ("" when all are current). In use: a company's default policy, or
        the policy of an open invoice (the presets nobody uses stay quiet; their forms still warn)."""
        companies = self.env["res.company"].sudo().search([]) if companies is None else companies.sudo()
        policies = companies.collection_policy_id
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [*OPEN_INVOICE_DOMAIN, ("company_id", "in", companies.ids), ("collection_policy_id", "!=", False)],
                ["collection_policy_id"],
            )
        )
        policies |= self.env["collection.policy"].union(*(policy for (policy,) in groups))
        policies = policies.filtered(lambda policy: policy.interest_mode == "reference" and policy.rate_index_id)
        warnings = [index._collection_stale_warning(day) for index in policies.rate_index_id.sorted("name")]
        return "\n".join(warning for warning in warnings if warning)


class CollectionDashboard(models.TransientModel):
    _inherit = "collection.dashboard"

    rate_warning = fields.Text(string="Reference Rate Warnings", compute="_compute_rate_warning")

    @api.depends("company_id")
    def _compute_rate_warning(self):
        today = fields.Date.context_today(self)
        for dashboard in self:
            dashboard.rate_warning = self.env["collection.rate.index"]._collection_stale_warnings(
                today, dashboard.company_id
            )


class CollectionRun(models.Model):
    _inherit = "collection.run"

    rate_warning = fields.Text(
        string="Reference Rate Warnings",
        readonly=True,
        help="Reference rates without a value for the run's half-year when it ran: the interest was "
        "computed with the last known value.",
    )

    def _collection_start_piece(self):
        result = super()._collection_start_piece()
        for run in self:
            warning = self.env["collection.rate.index"]._collection_stale_warnings(run.date)
            if warning != (run.rate_warning or ""):
                run.rate_warning = warning or False
        return result
