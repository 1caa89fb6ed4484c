"""Early-payment discount tiers on top of Odoo's native early-payment discount.

A posted invoice of a policy with tiers carries the best tier still open in the native fields of
each of its receivable lines (``discount_date``, ``discount_amount_currency``, ``discount_balance``),
so the payment register, the portal and the reconciliation apply it as Odoo does; the daily run
moves the lines to the next tier when one expires. The line's ``discount_date`` names its tier.

Unlike Odoo's payment terms, tiers also work on invoices paid in installments (a deposit schedule
or a payment term with several lines): every installment carries the offer on its own amount, with
the same deadline, and can be paid early on its own (register a payment on that journal item) or
with the others. When a discount is taken, it is booked per installment as Odoo books its own, with
the tier's percentage in place of a payment term's, in the policy's tax mode:

- ``included``: the percentage of the total; the tax is lowered when the discount is taken;
- ``excluded``: the percentage of the untaxed amount; the tax is kept;
- ``mixed``: the percentage of the untaxed amount, and the tax is computed upon invoice on the base
  less the best tier offered (Odoo's 'Always (upon invoice)' lines, as Belgian VAT requires: see
  ``account_move_line_discount.py``).

Odoo reads the percentage and the mode of its early discount from the invoice's payment term
(``invoice_payment_term_id``) and has no hook to give it another one; a tier is no payment term (it
changes over time on a posted invoice and applies to installments, which an early-discount term
cannot have). So the two places that need the percentage are our own methods, following Odoo's:
the discount booking (``_collection_discount_counterparts`` in ``account_move_discount_payment.py``, after Odoo's
``_get_invoice_counterpart_amls_for_early_payment_discount_per_payment_term_line``) and the 'mixed'
tax lines (``account.move.line._collection_tier_epd_needed``, after Odoo's ``_compute_epd_needed``).
``tests/test_discount_tiers.py`` checks both against Odoo's own result for the same percentage.
"""

from odoo import api, fields, models
from odoo.tools import frozendict

from ..policy import discounts
from .account_move import OPEN_PAYMENT_STATES

PAYMENT_TERM = "payment_term"


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_discount_percent = fields.Float(
        string="Early-Payment Discount (%)", compute="_compute_collection_discount", digits=(5, 2)
    )
    collection_discount_deadline = fields.Date(string="Discount Deadline", compute="_compute_collection_discount")
    collection_discount_amount_to_pay = fields.Monetary(
        string="Amount With Discount", compute="_compute_collection_discount"
    )
    collection_discount_saving = fields.Monetary(string="Discount Saving", compute="_compute_collection_discount")

    # -------------------------------------------------------------------------
    # COMPUTE METHODS
    # -------------------------------------------------------------------------

    @api.depends_context("tz")
    @api.depends(
        "collection_policy_id.discount_tier_ids",
        "collection_policy_id.discount_computation",
        "invoice_date",
        "amount_residual",
        "payment_state",
        "line_ids.amount_residual",
    )
    def _compute_collection_discount(self):
        """The best early-payment tier of the policy still open today, for an invoice not yet paid."""
        today = fields.Date.context_today(self)
        for move in self:
            offer = move._collection_offer(today) if move.id else None
            tier, deadline, to_pay, saving = offer or (None, False, 0.0, 0.0)
            move.collection_discount_percent = float(tier.percent) if tier else 0.0
            move.collection_discount_deadline = deadline
            move.collection_discount_amount_to_pay = to_pay
            move.collection_discount_saving = saving

    # -------------------------------------------------------------------------
    # HOOKS
    # -------------------------------------------------------------------------

    def _collection_discount_adjust_needed_terms(self, terms):
        """Hook of ``_compute_needed_terms`` (``account_move_deposit.py``), called after the deposit
        schedule made the installments: put the best tier open on the invoice date on each of them.

        :param terms: the invoice's ``needed_terms`` so far, ``{key: values}`` as Odoo builds them.
        :return: TERMS with the tier's deadline and discounted amounts on every installment, or TERMS
            itself when the invoice takes no tier.
        """
        self.ensure_one()
        if not terms or not self._collection_uses_tiers():
            return terms
        tiers = self.collection_policy_id._get_discount_tiers()
        invoice_date = self.invoice_date or self.date or fields.Date.context_today(self)
        tier = discounts.best_tier(tiers, invoice_date, invoice_date)
        if tier is None:
            return terms
        deadline = discounts.tier_deadline(tier, invoice_date)
        total_currency = sum(values["amount_currency"] for values in terms.values())
        total_balance = sum(values["balance"] for values in terms.values())
        adjusted = {}
        for key, values in terms.items():
            discounted_currency, discounted_balance = self._collection_tier_amounts(
                tier, values["amount_currency"], values["balance"], total_currency, total_balance
            )
            adjusted[frozendict({**key, "discount_date": deadline})] = {
                **values,
                "discount_date": deadline,
                "discount_amount_currency": discounted_currency,
                "discount_balance": discounted_balance,
            }
        return adjusted

    # -------------------------------------------------------------------------
    # BUSINESS METHODS
    # -------------------------------------------------------------------------

    def _collection_uses_tiers(self):
        """Whether this invoice's early-payment discount comes from its policy's tiers (the company's
        business: a portal client asking for its next payment cannot read collection policies)."""
        self.ensure_one()
        invoice = self.sudo()
        return bool(
            invoice.move_type == "out_invoice"
            and invoice.collection_policy_id.discount_tier_ids
            and not invoice.invoice_payment_term_id.early_discount
        )

    def _collection_mixed_tier_percent(self):
        """The percentage lowering the tax base upon invoice ('mixed' mode), else 0.

        The best tier the policy offers; a credit note follows the invoice it reverses."""
        self.ensure_one()
        source = self.reversed_entry_id if self.move_type == "out_refund" else self
        if not source or source.move_type != "out_invoice" or source.invoice_payment_term_id.early_discount:
            return 0.0
        policy = source.collection_policy_id
        if policy.discount_computation != "mixed" or not policy.discount_tier_ids:
            return 0.0
        return max(float(tier.percent) for tier in policy._get_discount_tiers())

    def _collection_tier_amounts(self, tier, amount_currency, balance, total_currency, total_balance):
        """What one receivable line asks for when TIER is taken.

        :param tier: a ``policy.discounts.DiscountTier``.
        :param amount_currency: the line's amount in the invoice currency.
        :param balance: the line's amount in the company currency.
        :param total_currency: the receivable total of the invoice, in the invoice currency.
        :param total_balance: the same in the company currency.
        :return: ``(discounted amount in currency, discounted balance)``: in 'excluded' and 'mixed'
            mode the line's share of the untaxed amount is discounted, else the line itself.
        """
        self.ensure_one()
        percent = float(tier.percent) / 100.0
        if self.collection_policy_id.discount_computation in ("excluded", "mixed"):
            sign = 1 if amount_currency >= 0 else -1  # the receivable line's own sign
            share_currency = amount_currency / total_currency if total_currency else 1.0
            share_balance = balance / total_balance if total_balance else 1.0
            base_currency = sign * abs(self.amount_untaxed) * abs(share_currency)
            base_balance = sign * abs(self.amount_untaxed_signed) * abs(share_balance)
        else:
            base_currency, base_balance = amount_currency, balance
        return (
            self.currency_id.round(amount_currency - base_currency * percent),
            self.company_currency_id.round(balance - base_balance * percent),
        )

    def _collection_open_terms(self):
        """The receivable lines still open, or an empty recordset once one is partly paid
        (a part payment ends the offer, as in Odoo)."""
        self.ensure_one()
        terms = self.line_ids.filtered(lambda line: line.display_type == PAYMENT_TERM)
        open_terms = terms.filtered(lambda line: not line.reconciled)
        if open_terms.sudo().matched_debit_ids or open_terms.sudo().matched_credit_ids:
            return terms.browse()
        return open_terms

    def _collection_offer(self, on_date):
        """The early-payment offer open on a date.

        :param on_date: the day the client would pay (``datetime.date``).
        :return: ``(tier, deadline, amount to pay, saving)``, or None without an offer that day.
        """
        self.ensure_one()
        if (
            self.state != "posted"
            or self.payment_state not in OPEN_PAYMENT_STATES
            or not self.invoice_date
            or not self._collection_uses_tiers()
        ):
            return None
        tier = discounts.best_tier(self.collection_policy_id._get_discount_tiers(), self.invoice_date, on_date)
        open_terms = self._collection_open_terms()
        if tier is None or not open_terms:
            return None
        terms = self.line_ids.filtered(lambda line: line.display_type == PAYMENT_TERM)
        total_currency, total_balance = sum(terms.mapped("amount_currency")), sum(terms.mapped("balance"))
        to_pay = sum(
            self._collection_tier_amounts(tier, line.amount_currency, line.balance, total_currency, total_balance)[0]
            for line in open_terms
        )
        due = sum(open_terms.mapped("amount_residual_currency"))
        sign = 1 if due >= 0 else -1
        return (
            tier,
            discounts.tier_deadline(tier, self.invoice_date),
            self.currency_id.round(sign * to_pay),
            self.currency_id.round(sign * (due - to_pay)),
        )

    def _collection_advance_discount_tiers(self, today):
        """Move the receivable lines of each tiered invoice whose offer expired to the next tier.

        :param today: the day of the run (``datetime.date``).
        :return: the invoices whose lines moved to another tier.
        """
        moved = self.browse()
        for move in self.filtered(lambda m: m.payment_state in OPEN_PAYMENT_STATES and m._collection_uses_tiers()):
            terms = move.line_ids.filtered(lambda line: line.display_type == PAYMENT_TERM)
            stale = terms.filtered(
                lambda line: not line.reconciled and line.discount_date and line.discount_date < today
            )
            if not stale:
                continue
            tier = discounts.best_tier(move.collection_policy_id._get_discount_tiers(), move.invoice_date, today)
            if tier is None:
                continue
            deadline = discounts.tier_deadline(tier, move.invoice_date)
            total_currency, total_balance = sum(terms.mapped("amount_currency")), sum(terms.mapped("balance"))
            for line in stale:
                discounted_currency, discounted_balance = move._collection_tier_amounts(
                    tier, line.amount_currency, line.balance, total_currency, total_balance
                )
                line.sudo().write(
                    {
                        "discount_date": deadline,
                        "discount_amount_currency": discounted_currency,
                        "discount_balance": discounted_balance,
                    }
                )
            offer = move._collection_offer(today)
            move._message_log(
                body=self.env._(
                    "Early-payment offer now %(percent)s%% until %(date)s: %(amount)s to pay.",
                    percent=tier.percent,
                    date=deadline,
                    amount=move.currency_id.format(
                        offer[2] if offer else sum(stale.mapped("discount_amount_currency"))
                    ),
                )
            )
            moved |= move
        return moved

    def _collection_tier_percent(self, term_line):
        """The tier percentage carried by TERM_LINE (its discount date names the tier), else 0."""
        for tier in self.collection_policy_id._get_discount_tiers():
            if discounts.tier_deadline(tier, self.invoice_date) == term_line.discount_date:
                return float(tier.percent)
        return 0.0
