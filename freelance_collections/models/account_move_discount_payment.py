"""Paying an invoice with its early-payment discount tier: the payment register and online payments
book the discount per installment as Odoo books its own early-payment discount, with the tier's
percentage in place of a payment term's (see ``account_move_discount.py`` for the tiers)."""

from collections import defaultdict

from odoo import Command, models
from odoo.tools import LazyTranslate, frozendict

from ..tools import compat

# The labels Odoo gives its own early-discount journal items, translated by the account module as
# when Odoo books them (not extracted into this addon's .pot: they are Odoo's terms).
_account_lt = LazyTranslate("account")


class AccountMove(models.Model):
    _inherit = "account.move"

    # -------------------------------------------------------------------------
    # EARLY PAYMENT DISCOUNT (Odoo's methods, for tiers)
    # -------------------------------------------------------------------------

    def _is_eligible_for_early_payment_discount(self, currency, reference_date):
        """A tiered invoice is eligible while none of its open installments is paid in part and
        REFERENCE_DATE is not past the earliest deadline they carry."""
        self.ensure_one()
        if not self._collection_uses_tiers():
            return super()._is_eligible_for_early_payment_discount(currency, reference_date)
        open_terms = self._collection_open_terms()
        deadlines = open_terms.mapped("discount_date")
        return bool(
            self.currency_id == currency
            and open_terms
            and all(deadlines)
            and (not reference_date or reference_date <= min(deadlines))
        )

    def _get_invoice_counterpart_amls_for_early_payment_discount_per_payment_term_line(self):
        """Odoo's discount booking per receivable line; for a tiered invoice, each open installment
        is booked at the tier it carries (``_collection_discount_counterparts``)."""
        self.ensure_one()
        if not self._collection_uses_tiers():
            return super()._get_invoice_counterpart_amls_for_early_payment_discount_per_payment_term_line()
        res = {key: defaultdict(dict) for key in ("term_lines", "tax_lines", "base_lines")}
        for term_line in self._collection_open_terms().filtered("discount_date"):
            percent = self._collection_tier_percent(term_line)
            if not percent:
                continue  # as Odoo without a percentage: nothing to book
            for key, per_grouping in self._collection_discount_counterparts(term_line, percent).items():
                if per_grouping:
                    res[key][term_line] = per_grouping
        return res

    def _collection_discount_counterparts(self, term_line, percent):
        """The journal items booking the early-payment discount of one installment at PERCENT.

        Follows Odoo's ``_get_invoice_counterpart_amls_for_early_payment_discount_per_payment_term_line``
        (addons/account/models/account_move.py; what 19.0 does otherwise than 18.0 is in ``tools/compat.py``)
        step by step, for TERM_LINE alone and with PERCENT and the policy's mode where Odoo reads the payment
        term's: re-check it when Odoo changes that method (``test_discount_tiers.py`` compares both).

        :param term_line: an open receivable line of this invoice (``account.move.line``).
        :param percent: the tier's percentage (``3.0`` for 3%).
        :return: ``{"term_lines" | "tax_lines" | "base_lines": {grouping (frozendict): values}}``:
            in 'included' mode with taxes, the lowered base (on the discount account, with its taxes)
            and the lowered taxes, the rounding on the biggest base item; else one item on the discount
            account for the whole discount.
        """
        self.ensure_one()
        company = self.company_id
        if self.is_inbound(include_receipts=True):
            discount_account = company.account_journal_early_pay_discount_loss_account_id
        else:
            discount_account = company.account_journal_early_pay_discount_gain_account_id
        term_amount_currency = term_line.amount_currency - term_line.discount_amount_currency
        term_balance = term_line.balance - term_line.discount_balance
        invoice_lines = self.line_ids.filtered(lambda line: line.display_type == "product")
        result = {"term_lines": {}, "tax_lines": {}, "base_lines": {}}
        # None on 18.0, which gives these items no distribution of their own
        discount_distribution = compat.early_discount_analytic_distribution(self, discount_account)

        if self.collection_policy_id.discount_computation != "included" or not invoice_lines.tax_ids:
            values = {
                "name": self.env._(_account_lt("Early Payment Discount")),
                "partner_id": term_line.partner_id.id,
                "currency_id": term_line.currency_id.id,
                "amount_currency": term_amount_currency,
                "balance": term_balance,
            }
            if discount_distribution is not None:
                values["analytic_distribution"] = discount_distribution
            result["term_lines"][frozendict({"account_id": discount_account.id})] = values
            return result

        # 'included': the taxes of the invoice lines priced less PERCENT, against today's tax lines.
        def refund_repartition(tax_rep):
            index = list(tax_rep.tax_id.invoice_repartition_line_ids).index(tax_rep)
            return tax_rep.tax_id.refund_repartition_line_ids[index]

        tax_amounts = {
            refund_repartition(line.tax_repartition_line_id).id: {
                "amount_currency": line.amount_currency,
                "balance": line.balance,
            }
            for line in compat.early_discount_tax_lines(self)
        }
        base_lines = [
            {**self._prepare_product_base_line_for_taxes_computation(line), "is_refund": True} for line in invoice_lines
        ]
        for base_line in base_lines:
            base_line["tax_ids"] = base_line["tax_ids"].filtered(lambda tax: tax.amount_type != "fixed")
            base_line["price_unit"] *= (100 - percent) / 100.0
        account_tax = self.env["account.tax"]
        account_tax._add_tax_details_in_base_lines(base_lines, company)
        account_tax._round_base_lines_tax_details(base_lines, company)
        account_tax._add_accounting_data_in_base_lines_tax_details(base_lines, company)

        base_deltas = {}
        for base_line in base_lines:
            tax_details, invoice_line = base_line["tax_details"], base_line["record"]
            analytic_distribution = base_line["analytic_distribution"]
            if discount_distribution is not None:
                analytic_distribution = analytic_distribution or discount_distribution
            grouping = frozendict(
                {
                    "tax_ids": [Command.set(base_line["tax_ids"].ids)],
                    "tax_tag_ids": [Command.set(base_line["tax_tag_ids"].ids)],
                    "partner_id": base_line["partner_id"].id,
                    "currency_id": base_line["currency_id"].id,
                    "account_id": discount_account.id,
                    "analytic_distribution": analytic_distribution,
                }
            )
            delta = base_deltas.setdefault(grouping, {"balance": 0.0, "amount_currency": 0.0})
            delta["amount_currency"] += self.currency_id.round(
                self.direction_sign * tax_details["total_excluded_currency"] - invoice_line.amount_currency
            )
            delta["balance"] += self.company_currency_id.round(
                self.direction_sign * tax_details["total_excluded"] - invoice_line.balance
            )

        tax_deltas = {}
        for tax_line_vals in account_tax._prepare_tax_lines(base_lines, company)["tax_lines_to_add"]:
            without_discount = tax_amounts.get(tax_line_vals["tax_repartition_line_id"])
            if without_discount:
                tax_deltas[tax_line_vals["tax_repartition_line_id"]] = {
                    **tax_line_vals,
                    "amount_currency": tax_line_vals["amount_currency"] - without_discount["amount_currency"],
                    "balance": tax_line_vals["balance"] - without_discount["balance"],
                }

        # This installment's share of the invoice.
        share = abs(term_line.amount_residual_currency / self.amount_total)
        for tax_line_vals in tax_deltas.values():
            tax_rep = self.env["account.tax.repartition.line"].browse(tax_line_vals["tax_repartition_line_id"])
            grouping = frozendict(
                {
                    "account_id": tax_line_vals["account_id"],
                    "partner_id": tax_line_vals["partner_id"],
                    "currency_id": tax_line_vals["currency_id"],
                    "analytic_distribution": tax_line_vals["analytic_distribution"],
                    "tax_repartition_line_id": tax_rep.id,
                    "tax_ids": tax_line_vals["tax_ids"],
                    "tax_tag_ids": tax_line_vals["tax_tag_ids"],
                    "group_tax_id": tax_line_vals["group_tax_id"],
                }
            )
            result["tax_lines"][grouping] = {
                "name": self.env._(_account_lt("Early Payment Discount (%s)", tax_rep.tax_id.name)),
                "amount_currency": term_line.currency_id.round(tax_line_vals["amount_currency"] * share),
                "balance": term_line.company_currency_id.round(tax_line_vals["balance"] * share),
            }
        for grouping, delta in base_deltas.items():
            result["base_lines"][grouping] = {
                "name": self.env._(_account_lt("Early Payment Discount")),
                "amount_currency": term_line.currency_id.round(delta["amount_currency"] * share),
                "balance": term_line.company_currency_id.round(delta["balance"] * share),
            }

        # The rounding difference goes on the biggest base item, as in Odoo (and summed as Odoo does).
        base_items, tax_items = result["base_lines"].values(), result["tax_lines"].values()
        delta_amount_currency = (
            term_amount_currency
            - sum(values["amount_currency"] for values in base_items)
            - sum(values["amount_currency"] for values in tax_items)
        )
        delta_balance = (
            term_balance
            - sum(values["balance"] for values in base_items)
            - sum(values["balance"] for values in tax_items)
        )
        biggest_base = max(base_items, key=lambda values: values["amount_currency"])
        biggest_base["amount_currency"] += delta_amount_currency
        biggest_base["balance"] += delta_balance
        return result
