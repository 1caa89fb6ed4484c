"""Early-payment discount tiers on top of Odoo's native early-payment discount.

A posted single-installment invoice of a policy with tiers carries the best tier still open in the
native fields of its receivable line (``discount_date``, ``discount_amount_currency``,
``discount_balance``), so the payment register, the portal and the reconciliation apply it as Odoo
does; the daily run moves the line to the next tier when one expires. When the discount is taken,
Odoo's own counterpart logic books it (and adjusts the taxes in 'included' mode) with the tier's
percentage in place of a payment term's.
"""

from odoo import api, fields, models
from odoo.tools import frozendict

from ..policy import discounts


class AccountMove(models.Model):
    _inherit = "account.move"

    def _collection_uses_tiers(self):
        """Whether this invoice's early-payment discount comes from its policy's tiers."""
        self.ensure_one()
        return bool(
            self.move_type == "out_invoice"
            and self.collection_policy_id.discount_tier_ids
            and not self.invoice_payment_term_id.early_discount
            and not self.collection_deposit_template_id
        )

    def _collection_tier_amounts(self, tier, amount_currency, balance):
        """(discounted amount in currency, discounted balance) when TIER is taken."""
        self.ensure_one()
        percent = float(tier.percent) / 100.0
        sign = 1 if amount_currency >= 0 else -1  # the receivable line's own sign
        if self.collection_policy_id.discount_computation == "excluded":
            base_currency, base_balance = sign * self.amount_untaxed, sign * abs(self.amount_untaxed_signed)
        else:
            base_currency, base_balance = amount_currency, balance
        return (self.currency_id.round(amount_currency - base_currency * percent),
                self.company_currency_id.round(balance - base_balance * percent))

    @api.depends("collection_policy_id", "collection_policy_id.discount_tier_ids",
                 "collection_policy_id.discount_computation")
    def _compute_needed_terms(self):
        super()._compute_needed_terms()
        for invoice in self:
            if len(invoice.needed_terms) != 1 or not invoice._collection_uses_tiers():
                continue
            tiers = invoice.collection_policy_id._get_discount_tiers()
            invoice_date = invoice.invoice_date or invoice.date or fields.Date.context_today(invoice)
            tier = discounts.best_tier(tiers, invoice_date, invoice_date)
            if tier is None:
                continue
            (key, values), = invoice.needed_terms.items()
            deadline = discounts.tier_deadline(tier, invoice_date)
            discounted_currency, discounted_balance = invoice._collection_tier_amounts(
                tier, values["amount_currency"], values["balance"])
            invoice.needed_terms = {
                frozendict({**key, "discount_date": deadline}): {
                    **values,
                    "discount_date": deadline,
                    "discount_amount_currency": discounted_currency,
                    "discount_balance": discounted_balance,
                },
            }

    def _collection_advance_discount_tiers(self, today):
        """Move the receivable line of each tiered invoice whose offer expired to the next tier."""
        moved = self.browse()
        for move in self.filtered(lambda m: m.payment_state == "not_paid" and m._collection_uses_tiers()):
            terms = move.line_ids.filtered(lambda l: l.display_type == "payment_term")
            if len(terms) != 1 or not terms.discount_date or terms.discount_date >= today:
                continue
            tier = discounts.best_tier(move.collection_policy_id._get_discount_tiers(), move.invoice_date, today)
            if tier is None:
                continue
            deadline = discounts.tier_deadline(tier, move.invoice_date)
            discounted_currency, discounted_balance = move._collection_tier_amounts(
                tier, terms.amount_currency, terms.balance)
            terms.sudo().write({"discount_date": deadline, "discount_amount_currency": discounted_currency,
                                "discount_balance": discounted_balance})
            move._message_log(body=self.env._(
                "Early-payment offer now %(percent)s%% until %(date)s: %(amount)s to pay.",
                percent=tier.percent, date=deadline,
                amount=move.currency_id.format(abs(discounted_currency))))
            moved |= move
        return moved

    def _collection_tier_percent(self, term_line):
        """The tier percentage carried by TERM_LINE (its discount date names the tier)."""
        for tier in self.collection_policy_id._get_discount_tiers():
            if discounts.tier_deadline(tier, self.invoice_date) == term_line.discount_date:
                return float(tier.percent)
        return 0.0

    def _is_eligible_for_early_payment_discount(self, currency, reference_date):
        self.ensure_one()
        if not self._collection_uses_tiers():
            return super()._is_eligible_for_early_payment_discount(currency, reference_date)
        terms = self.line_ids.filtered(lambda line: line.display_type == "payment_term")
        return bool(
            self.currency_id == currency
            and len(terms) == 1
            and terms.discount_date
            and (not reference_date or reference_date <= terms.discount_date)
            and not (terms.sudo().matched_debit_ids + terms.sudo().matched_credit_ids)
        )

    def _get_invoice_counterpart_amls_for_early_payment_discount_per_payment_term_line(self):
        """Odoo's own discount booking, with the tier in force standing in for the payment term."""
        self.ensure_one()
        if not self._collection_uses_tiers():
            return super()._get_invoice_counterpart_amls_for_early_payment_discount_per_payment_term_line()
        term_line = self.line_ids.filtered(lambda line: line.display_type == "payment_term")
        tier_term = self.env["account.payment.term"].new({
            "name": "Collections tier",
            "early_discount": True,
            "discount_percentage": self._collection_tier_percent(term_line[:1]),
            "early_pay_discount_computation": self.collection_policy_id.discount_computation,
        })
        field = self._fields["invoice_payment_term_id"]
        original = self.invoice_payment_term_id
        self.env.cache.set(self, field, tier_term.id)  # in memory only, never written
        try:
            return super()._get_invoice_counterpart_amls_for_early_payment_discount_per_payment_term_line()
        finally:
            self.env.cache.set(self, field, original.id or None)
