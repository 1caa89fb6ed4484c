"""Early-payment discount tiers on top of Odoo's native early-payment discount.

A posted invoice of a policy with tiers carries the best tier still open in the native fields of
each of its receivable lines (``discount_date``, ``discount_amount_currency``, ``discount_balance``),
so the payment register, the portal and the reconciliation apply it as Odoo does; the daily run
moves the lines to the next tier when one expires.

Unlike Odoo's payment terms, tiers also work on invoices paid in installments (a deposit schedule
or a payment term with several lines): every installment carries the offer on its own amount, with
the same deadline, and can be paid early on its own (register a payment on that journal item) or
with the others. When a discount is taken, Odoo's own counterpart logic books it per installment,
with the tier's percentage in place of a payment term's, in the policy's tax mode:

- ``included``: the percentage of the total; the tax is lowered when the discount is taken;
- ``excluded``: the percentage of the untaxed amount; the tax is kept;
- ``mixed``: the percentage of the untaxed amount, and the tax is computed upon invoice on the base
  less the best tier offered (Odoo's 'Always (upon invoice)' lines, as Belgian VAT requires).
"""

from collections import defaultdict
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.tools import frozendict

from ..policy import discounts

PAYMENT_TERM = "payment_term"


class AccountMove(models.Model):
    _inherit = "account.move"

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
        """(discounted amount in currency, discounted balance) of one receivable line when TIER is taken.

        AMOUNT_CURRENCY / BALANCE are the line's, TOTAL_* the invoice's receivable total: in 'excluded'
        and 'mixed' mode the line's share of the untaxed amount is discounted, else the line itself."""
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
        return (self.currency_id.round(amount_currency - base_currency * percent),
                self.company_currency_id.round(balance - base_balance * percent))

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
                tier, values["amount_currency"], values["balance"], total_currency, total_balance)
            adjusted[frozendict({**key, "discount_date": deadline})] = {
                **values,
                "discount_date": deadline,
                "discount_amount_currency": discounted_currency,
                "discount_balance": discounted_balance,
            }
        return adjusted

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
        """(tier, deadline, amount to pay, saving) of the offer open on ON_DATE, or None."""
        self.ensure_one()
        if self.state != "posted" or self.payment_state not in ("not_paid", "partial") \
                or not self.invoice_date or not self._collection_uses_tiers():
            return None
        tier = discounts.best_tier(self.collection_policy_id._get_discount_tiers(), self.invoice_date, on_date)
        open_terms = self._collection_open_terms()
        if tier is None or not open_terms:
            return None
        terms = self.line_ids.filtered(lambda line: line.display_type == PAYMENT_TERM)
        total_currency, total_balance = sum(terms.mapped("amount_currency")), sum(terms.mapped("balance"))
        to_pay = sum(
            self._collection_tier_amounts(tier, line.amount_currency, line.balance, total_currency,
                                          total_balance)[0]
            for line in open_terms
        )
        due = sum(open_terms.mapped("amount_residual_currency"))
        sign = 1 if due >= 0 else -1
        return (tier, discounts.tier_deadline(tier, self.invoice_date),
                self.currency_id.round(sign * to_pay), self.currency_id.round(sign * (due - to_pay)))

    @api.depends_context("tz")
    @api.depends("collection_policy_id.discount_tier_ids", "collection_policy_id.discount_computation",
                 "invoice_date", "amount_residual", "payment_state", "line_ids.amount_residual")
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

    def _collection_advance_discount_tiers(self, today):
        """Move the receivable lines of each tiered invoice whose offer expired to the next tier."""
        moved = self.browse()
        for move in self.filtered(lambda m: m.payment_state in ("not_paid", "partial")
                                  and m._collection_uses_tiers()):
            terms = move.line_ids.filtered(lambda line: line.display_type == PAYMENT_TERM)
            stale = terms.filtered(lambda line: not line.reconciled and line.discount_date
                                   and line.discount_date < today)
            if not stale:
                continue
            tier = discounts.best_tier(move.collection_policy_id._get_discount_tiers(), move.invoice_date, today)
            if tier is None:
                continue
            deadline = discounts.tier_deadline(tier, move.invoice_date)
            total_currency, total_balance = sum(terms.mapped("amount_currency")), sum(terms.mapped("balance"))
            for line in stale:
                discounted_currency, discounted_balance = move._collection_tier_amounts(
                    tier, line.amount_currency, line.balance, total_currency, total_balance)
                line.sudo().write({"discount_date": deadline, "discount_amount_currency": discounted_currency,
                                   "discount_balance": discounted_balance})
            offer = move._collection_offer(today)
            move._message_log(body=self.env._(
                "Early-payment offer now %(percent)s%% until %(date)s: %(amount)s to pay.",
                percent=tier.percent, date=deadline,
                amount=move.currency_id.format(offer[2] if offer else sum(stale.mapped("discount_amount_currency")))))
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
        open_terms = self._collection_open_terms()
        deadlines = open_terms.mapped("discount_date")
        return bool(
            self.currency_id == currency
            and open_terms
            and all(deadlines)
            and (not reference_date or reference_date <= min(deadlines))
        )

    @contextmanager
    def _collection_payment_term_in_cache(self, percent, term_lines=None):
        """Let Odoo's own code see a payment term with PERCENT early discount in the policy's mode and,
        when TERM_LINES is given, only those receivable lines. In memory only: nothing is written."""
        self.ensure_one()
        computation = self.collection_policy_id.discount_computation \
            or self.reversed_entry_id.collection_policy_id.discount_computation or "included"
        tier_term = self.env["account.payment.term"].new({
            "name": "Collections tier",
            "early_discount": True,
            "discount_percentage": percent,
            "early_pay_discount_computation": computation,
        })
        cache = self.env.cache
        term_field, lines_field = self._fields["invoice_payment_term_id"], self._fields["line_ids"]
        original_term = self.invoice_payment_term_id
        original_lines = self.line_ids
        cache.set(self, term_field, tier_term.id)
        if term_lines is not None:
            others = original_lines.filtered(lambda line: line.display_type == PAYMENT_TERM) - term_lines
            cache.set(self, lines_field, tuple((original_lines - others)._ids))
        try:
            yield
        finally:
            cache.set(self, term_field, original_term.id or None)
            if term_lines is not None:
                cache.set(self, lines_field, tuple(original_lines._ids))

    def _get_invoice_counterpart_amls_for_early_payment_discount_per_payment_term_line(self):
        """Odoo's own discount booking, per installment, with the tier in force standing in for the
        payment term."""
        self.ensure_one()
        if not self._collection_uses_tiers():
            return super()._get_invoice_counterpart_amls_for_early_payment_discount_per_payment_term_line()
        res = {key: defaultdict(dict) for key in ("term_lines", "tax_lines", "base_lines")}
        for term_line in self._collection_open_terms().filtered("discount_date"):
            with self._collection_payment_term_in_cache(self._collection_tier_percent(term_line), term_line):
                part = super()._get_invoice_counterpart_amls_for_early_payment_discount_per_payment_term_line()
            for key, per_line in part.items():
                for line, values in per_line.items():
                    res[key][line] = values
        return res


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _collection_split_mixed(self):
        """{move: lines} of the lines whose move lowers its tax base upon invoice for a tier."""
        grouped = defaultdict(lambda: self.browse())
        for line in self:
            if line.move_id and line.move_id._collection_mixed_tier_percent():
                grouped[line.move_id] |= line
        return grouped

    def _collection_compute_with_tier_term(self, compute):
        """Run Odoo's COMPUTE (a method name) with, for the lines of a move lowering its tax base
        for a tier, that tier standing in for the payment term."""
        grouped = self._collection_split_mixed()
        plain = self
        for lines in grouped.values():
            plain -= lines
        getattr(super(AccountMoveLine, plain), compute)()
        for move, lines in grouped.items():
            with move._collection_payment_term_in_cache(move._collection_mixed_tier_percent()):
                getattr(super(AccountMoveLine, lines), compute)()

    @api.depends("move_id.collection_policy_id.discount_tier_ids",
                 "move_id.collection_policy_id.discount_computation")
    def _compute_epd_needed(self):
        self._collection_compute_with_tier_term("_compute_epd_needed")

    def _compute_epd_key(self):
        self._collection_compute_with_tier_term("_compute_epd_key")
