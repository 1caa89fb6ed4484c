"""What the customer portal proposes to pay for an invoice in installments under an early-payment offer.

Odoo's portal (account_payment) proposes the early-discount amount only for an invoice with a single
receivable line (``installment_state == 'epd'``). Our tiers also put the offer on every installment
(see ``account_move_discount.py``), and there Odoo's portal keeps proposing the *undiscounted*
balance as the full amount, calls an installment past its due date 'next', and books a payment made
online for a discounted amount without the discount (the installment stays partly open). This file
extends both sides:

- ``account.move._get_invoice_next_payment_values``: while the offer is open, the full amount is the
  sum of the discounted installments, the installments past their due date are proposed first
  ('overdue'), and the discount is reported as Odoo reports it for its own early discount;
- ``_collection_portal_discount_write_off``: what ``payment_transaction.py`` books when a portal
  payment equals the discounted amount of the first N open installments, as the payment register does.
"""

from odoo import fields, models
from odoo.tools import float_compare

from .account_move_discount import PAYMENT_TERM


class AccountMove(models.Model):
    _inherit = "account.move"

    def _collection_discount_days_left(self):
        """Days left to take the early-payment offer (0 on its last day), or None without an offer."""
        self.ensure_one()
        if not self.collection_discount_deadline:
            return None
        today = fields.Date.context_today(self)
        return max(0, (self.collection_discount_deadline - today).days)

    def _collection_portal_installment_offer(self, on_date):
        """The installments an early-payment offer of the tiers covers on a date.

        :param on_date: the day of the payment (``datetime.date``).
        :return: the open receivable lines, in the order they fall due, when this invoice is in
            installments and its tiers' offer can be taken on ON_DATE; else an empty recordset.
        """
        self.ensure_one()
        terms = self.line_ids.filtered(lambda line: line.display_type == PAYMENT_TERM)
        if (
            self.move_type != "out_invoice"
            or len(terms) < 2
            or not self._collection_uses_tiers()
            or not self._is_eligible_for_early_payment_discount(self.currency_id, on_date)
        ):
            return terms.browse()
        return terms.filtered(lambda line: not line.reconciled).sorted(
            lambda line: (line.date_maturity or line.date, line.id)
        )

    def _get_invoice_next_payment_values(self, custom_amount=None):
        """Odoo's *Pay now* values; while the tiers' offer covers installments, the discounted total
        as the full amount, the installments past due first, and the discount as Odoo reports its own.

        :param custom_amount: the amount a payment link asks for, or None; a link for the whole
            balance (discounted or not) is proposed discounted, as Odoo does.
        :return: Odoo's dictionary, updated.
        """
        today = fields.Date.context_today(self)
        open_lines = self._collection_portal_installment_offer(today)
        if open_lines and custom_amount is not None:
            discounted = sum(open_lines.mapped("discount_amount_currency")) * -self.direction_sign
            if self.currency_id.is_zero(custom_amount - self.amount_residual) or self.currency_id.is_zero(
                custom_amount - discounted
            ):
                custom_amount = None  # a link for the whole balance: proposed discounted, as Odoo does
        values = super()._get_invoice_next_payment_values(custom_amount=custom_amount)
        if not values or not open_lines:
            return values
        # Odoo's installments data already carries each open installment's discounted amount.
        installments = values["not_reconciled_installments"]
        discounted_total = self.currency_id.round(
            sum(installment["amount_residual_currency_unsigned"] for installment in installments)
        )
        overdue = [installment for installment in installments if installment["date_maturity"] < today]
        if overdue and custom_amount is None:
            values.update(
                {
                    "installment_state": "overdue",
                    "next_amount_to_pay": self.currency_id.round(
                        sum(installment["amount_residual_currency_unsigned"] for installment in overdue)
                    ),
                    "next_payment_reference": f"{self.name}-{overdue[0]['number']}",
                    "next_due_date": overdue[0]["date_maturity"],
                }
            )
        discount = self.currency_id.round(self.amount_residual - discounted_total)
        deadline = min(installment["line"].discount_date for installment in installments)
        days_left = max(0, (deadline - today).days)
        values.update(
            {
                "amount_due": discounted_total,
                # As Odoo reports its own early discount: the modal says the discount is applied.
                "epd_discount_amount_currency": discount,
                "discount_date": fields.Date.to_string(deadline),
                "epd_days_left": days_left,
                "epd_discount_msg": self.env._(
                    "Discount of %(amount)s if paid within %(days)s days",
                    amount=self.currency_id.format(discount),
                    days=days_left,
                )
                if days_left
                else self.env._("Discount of %(amount)s if paid today", amount=self.currency_id.format(discount)),
            }
        )
        return values

    def _get_default_payment_link_values(self):
        """A payment link may still ask for the whole balance while the offer is open (as Odoo's own
        early discount does); the link then says a discount applies."""
        values = super()._get_default_payment_link_values()
        if self._collection_portal_installment_offer(fields.Date.context_today(self)):
            values.update(
                {
                    "amount_max": self.amount_residual,
                    "has_eligible_epd": True,
                    "discount_date": self.collection_discount_deadline,
                }
            )
        return values

    def _collection_portal_discount_write_off(self, amount, currency, on_date):
        """The write-off booking the early-payment discount of a payment made online.

        :param amount: the amount paid.
        :param currency: the currency of AMOUNT (``res.currency``).
        :param on_date: the day of the payment (``datetime.date``).
        :return: the ``write_off_line_vals`` of the payment when AMOUNT is the sum of the first open
            installments at their discounted amounts; [] otherwise (no discount is then taken).
        """
        self.ensure_one()
        if currency != self.currency_id:
            return []
        lines = self._collection_portal_installment_offer(on_date)
        sign = -self.direction_sign
        covered, total = lines.browse(), 0.0
        for line in lines:
            covered |= line
            total += sign * line.discount_amount_currency
            comparison = float_compare(total, amount, precision_rounding=currency.rounding)
            if comparison > 0:
                return []
            if comparison == 0:
                break
        else:
            return []
        aml_values_list = [
            {"aml": line, "amount_currency": -line.amount_residual_currency, "balance": -line.balance}
            for line in covered
        ]
        open_balance = sum(covered.mapped("balance")) - sum(covered.mapped("discount_balance"))
        counterparts = self.env["account.move"]._get_invoice_counterpart_amls_for_early_payment_discount(
            aml_values_list, open_balance
        )
        write_off = []
        for values_list in counterparts.values():
            for values in values_list:
                write_off.append({**values, "partner_id": self.partner_id.id})
        return write_off
