"""When work stops for a client: an open invoice at or past a work-stop stage of its policy, with
the client's overdue amount at least the policy's threshold (or a manager's override)."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .account_move import OPEN_INVOICE_DOMAIN


class CollectionPolicy(models.Model):
    _inherit = "collection.policy"

    work_stop_min_amount = fields.Monetary(
        string="Stop Work From (Overdue)",
        help="Work stops at a work-stop stage only when the client owes at least this much overdue "
        "(all its overdue invoices in the company, in the policy currency, converted at the day's rate). "
        "0: whatever the amount.")

    @api.constrains("work_stop_min_amount", "currency_id", "company_id")
    def _check_work_stop_min_amount(self):
        for policy in self:
            if policy.work_stop_min_amount < 0:
                policy._raise_errors([_(
                    "The work-stop threshold cannot be negative: enter 0 to stop work whatever the "
                    "amount overdue.")])
            company = policy.company_id
            if (policy.work_stop_min_amount and company and policy.currency_id != company.currency_id
                    and not policy.currency_id.with_company(company).rate_ids):
                policy._raise_errors([_(
                    "The work-stop threshold is in %(currency)s but %(company)s keeps its books in "
                    "%(company_currency)s and has no %(currency)s exchange rate to convert it: add a "
                    "rate (Accounting > Configuration > Currencies) or set the policy currency to "
                    "%(company_currency)s.", currency=policy.currency_id.name, company=company.name,
                    company_currency=company.currency_id.name)])

    def _collection_work_stop_threshold(self, company, date):
        """The threshold in COMPANY's currency on DATE."""
        self.ensure_one()
        return self.currency_id._convert(self.work_stop_min_amount, company.currency_id, company, date)


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.depends(
        "collection_work_stop_override",
        "commercial_partner_id.collection_work_stop_override",
        "commercial_partner_id.collection_invoice_ids.collection_stage_id.stops_work",
        "commercial_partner_id.collection_invoice_ids.amount_residual_signed",
        "commercial_partner_id.collection_invoice_ids.collection_policy_id.work_stop_min_amount",
    )
    def _compute_collection_work_stop(self):
        today = fields.Date.context_today(self)
        for partner in self:
            commercial = partner.commercial_partner_id
            override = commercial.collection_work_stop_override
            if override:
                partner.collection_work_stop = override == "stop"
                continue
            open_invoices = commercial.collection_invoice_ids.filtered_domain(OPEN_INVOICE_DOMAIN)
            stopping = open_invoices.filtered(lambda move: move.collection_stage_id.stops_work)
            partner.collection_work_stop = any(
                _overdue(open_invoices, move.company_id, today)
                >= move.collection_policy_id._collection_work_stop_threshold(move.company_id, today)
                for move in stopping
            )


def _overdue(invoices, company, today):
    """What INVOICES of COMPANY owe past their due date, in its currency."""
    return sum(
        move.amount_residual_signed for move in invoices
        if move.company_id == company and move.collection_due_date and move.collection_due_date < today
    )
