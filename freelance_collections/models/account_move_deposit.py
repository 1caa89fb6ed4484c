"""Deposit schedules on customer invoices: the receivable split into labelled installments.

The installments are Odoo's own receivable (payment term) lines, each with its due date, so the
payment register, reconciliation, reminders and lateness work per installment. Amounts come from the
pure policy engine: exact to the cent, the rounding remainder on the last installment.

This file also holds the addon's one override of ``_compute_needed_terms`` (the receivable lines):
it calls the deposit schedule's hook, then the early-payment tiers' one
(``account_move_discount.py``), so the order is written here rather than left to the imports.
"""

from odoo import api, fields, models
from odoo.tools import frozendict

from ..policy import schedule
from ..policy.money import to_decimal


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

    # -------------------------------------------------------------------------
    # COMPUTE METHODS
    # -------------------------------------------------------------------------

    @api.depends(
        "collection_deposit_template_id",
        "collection_deposit_template_id.line_ids",
        "collection_policy_id",
        "collection_policy_id.discount_tier_ids",
        "collection_policy_id.discount_computation",
    )
    def _compute_needed_terms(self):  # pylint: disable=missing-return
        """The receivable lines Odoo makes from the payment term or the due date, then the collections
        features in this order, each a hook taking and returning ``needed_terms``:

        1. ``_collection_deposit_needed_terms`` (this file): the deposit schedule's installments;
        2. ``_collection_discount_adjust_needed_terms`` (``account_move_discount.py``): the early-payment
           tier on each installment.

        This is the addon's only override of ``_compute_needed_terms``: a feature that changes the
        receivable lines adds its hook here, in its place.
        """
        super()._compute_needed_terms()
        for invoice in self:
            if not invoice.needed_terms:
                continue
            terms = invoice._collection_deposit_needed_terms(invoice.needed_terms)
            invoice.needed_terms = invoice._collection_discount_adjust_needed_terms(terms)

    # -------------------------------------------------------------------------
    # HOOKS
    # -------------------------------------------------------------------------

    def _collection_deposit_needed_terms(self, terms):
        """Hook of ``_compute_needed_terms``: split the receivable into the deposit schedule's
        installments, in the invoice and the company currency.

        :param terms: the invoice's ``needed_terms`` as Odoo builds them, ``{key: values}``.
        :return: one entry per installment due date (installments falling on the same day are one
            line, their labels joined), or TERMS itself without a deposit schedule.
        """
        self.ensure_one()
        template = self.collection_deposit_template_id
        if not template or self.move_type != "out_invoice" or not terms:
            return terms
        total_currency = sum(values["amount_currency"] for values in terms.values())
        total_balance = sum(values["balance"] for values in terms.values())
        issue_date = self.invoice_date or self.date or fields.Date.context_today(self)
        final_due = (
            max(key["date_maturity"] for key in terms if key.get("date_maturity"))
            if any(key.get("date_maturity") for key in terms)
            else issue_date
        )
        lines = template._get_policy_lines()
        in_currency = schedule.split_installments(
            to_decimal(total_currency), lines, issue_date, self.currency_id.decimal_places, final_due=final_due
        )
        in_company = schedule.split_installments(
            to_decimal(total_balance), lines, issue_date, self.company_currency_id.decimal_places, final_due=final_due
        )
        installments = {}
        for foreign, local in zip(in_currency, in_company, strict=False):
            key = frozendict(
                {
                    "move_id": self.id,
                    "date_maturity": foreign.due_date or final_due,
                    "discount_date": False,
                }
            )
            if key in installments:
                installments[key]["balance"] += float(local.amount)
                installments[key]["amount_currency"] += float(foreign.amount)
                installments[key]["name"] += f" + {foreign.label}"
            else:
                installments[key] = {
                    "balance": float(local.amount),
                    "amount_currency": float(foreign.amount),
                    "name": foreign.label,
                    "discount_date": False,
                    "discount_balance": 0.0,
                    "discount_amount_currency": 0.0,
                }
        return installments
