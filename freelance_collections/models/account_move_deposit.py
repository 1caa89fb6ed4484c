"""Deposit schedules on customer invoices: the receivable split into labelled installments.

The installments are Odoo's own receivable (payment term) lines, each with its due date, so the
payment register, reconciliation, reminders and lateness work per installment. Amounts come from the
pure policy engine: exact to the cent, the rounding remainder on the last installment.
"""

from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.tools import frozendict

from ..policy import schedule


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_deposit_template_id = fields.Many2one(
        "collection.deposit.template",
        string="Deposit Schedule",
        check_company=True,
        copy=True,
        help="Splits what the client owes into installments (deposit, milestones, balance), each "
        "with its due date; the last one falls on the invoice's due date. Leave empty for a single "
        "due date. The policy's schedule is the one its quotations propose.",
    )

    @api.depends("collection_policy_id.default_due_days", "delivery_date")
    def _compute_invoice_date_due(self):
        """No due date agreed (no payment terms, due on or before the invoice date): the policy's
        default delay after completion (the delivery date) or the invoice date applies."""
        super()._compute_invoice_date_due()
        for move in self:
            days = move.collection_policy_id.default_due_days
            start = move.delivery_date or move.invoice_date
            if (move.move_type == "out_invoice" and days and start and not move.invoice_payment_term_id
                    and move.state == "draft"
                    and (not move.invoice_date_due or move.invoice_date_due <= (move.invoice_date or start))):
                move.invoice_date_due = start + timedelta(days=days)

    @api.depends("collection_deposit_template_id", "collection_deposit_template_id.line_ids")
    def _compute_needed_terms(self):
        super()._compute_needed_terms()
        for invoice in self:
            template = invoice.collection_deposit_template_id
            if not template or invoice.move_type != "out_invoice" or not invoice.needed_terms:
                continue
            invoice.needed_terms = invoice._collection_deposit_terms(template)

    def _collection_deposit_terms(self, template):
        """needed_terms for TEMPLATE's installments, in the invoice and the company currency."""
        self.ensure_one()
        total_currency = sum(values["amount_currency"] for values in self.needed_terms.values())
        total_balance = sum(values["balance"] for values in self.needed_terms.values())
        issue_date = self.invoice_date or self.date or fields.Date.context_today(self)
        final_due = max(key["date_maturity"] for key in self.needed_terms if key.get("date_maturity")) \
            if any(key.get("date_maturity") for key in self.needed_terms) else issue_date
        lines = template._get_policy_lines()
        in_currency = schedule.split_installments(
            Decimal(str(total_currency)), lines, issue_date, self.currency_id.decimal_places, final_due=final_due)
        in_company = schedule.split_installments(
            Decimal(str(total_balance)), lines, issue_date, self.company_currency_id.decimal_places,
            final_due=final_due)
        terms = {}
        for foreign, local in zip(in_currency, in_company):
            key = frozendict({
                "move_id": self.id,
                "date_maturity": foreign.due_date or final_due,
                "discount_date": False,
            })
            if key in terms:
                terms[key]["balance"] += float(local.amount)
                terms[key]["amount_currency"] += float(foreign.amount)
                terms[key]["name"] += f" + {foreign.label}"
            else:
                terms[key] = {
                    "balance": float(local.amount),
                    "amount_currency": float(foreign.amount),
                    "name": foreign.label,
                    "discount_date": False,
                    "discount_balance": 0.0,
                    "discount_amount_currency": 0.0,
                }
        return terms
