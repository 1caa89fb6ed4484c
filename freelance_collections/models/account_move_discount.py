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
the discount booking (``_collection_discount_counterparts``, after Odoo's
``_get_invoice_counterpart_amls_for_early_payment_discount_per_payment_term_line``) and the 'mixed'
tax lines (``account.move.line._collection_tier_epd_needed``, after Odoo's ``_compute_epd_needed``).
``tests/test_discount_tiers.py`` checks both against Odoo's own result for the same percentage.
"""

from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.tools import LazyTranslate, frozendict

from ..policy import discounts
from .account_move import OPEN_PAYMENT_STATES

PAYMENT_TERM = "payment_term"

# The labels Odoo gives its own early-discount journal items, translated by the account module as
# when Odoo books them (not extracted into this addon's .pot: they are Odoo's terms).
_account_lt = LazyTranslate("account")


class AccountMove(models.Model):
    # consider-merging-classes-inherited (pylint-odoo): one file per feature of account.move, as
    # issue #11 asks (models/__init__.py lists them), rather than one long file.
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    # -------------------------------------------------------------------------
    # COMPUTE METHODS
    # -------------------------------------------------------------------------

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
                tier, values["amount_currency"], values["balance"], total_currency, total_balance)
            adjusted[frozendict({**key, "discount_date": deadline})] = {
                **values,
                "discount_date": deadline,
                "discount_amount_currency": discounted_currency,
                "discount_balance": discounted_balance,
            }
        return adjusted

    # -------------------------------------------------------------------------
    # EARLY PAYMENT DISCOUNT (Odoo's methods)
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

        Follows Odoo 18.0's ``_get_invoice_counterpart_amls_for_early_payment_discount_per_payment_term_line``
        (addons/account/models/account_move.py) step by step, for TERM_LINE alone and with PERCENT and
        the policy's mode where Odoo reads the payment term's: re-check it when Odoo changes that method
        (``test_discount_tiers.py`` compares both).

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

        if self.collection_policy_id.discount_computation != "included" or not invoice_lines.tax_ids:
            result["term_lines"][frozendict({"account_id": discount_account.id})] = {
                "name": self.env._(_account_lt("Early Payment Discount")),
                "partner_id": term_line.partner_id.id,
                "currency_id": term_line.currency_id.id,
                "amount_currency": term_amount_currency,
                "balance": term_balance,
            }
            return result

        # 'included': the taxes of the invoice lines priced less PERCENT, against today's tax lines.
        def refund_repartition(tax_rep):
            index = list(tax_rep.tax_id.invoice_repartition_line_ids).index(tax_rep)
            return tax_rep.tax_id.refund_repartition_line_ids[index]

        tax_amounts = {
            refund_repartition(line.tax_repartition_line_id).id: {
                "amount_currency": line.amount_currency, "balance": line.balance}
            for line in self.line_ids.filtered(lambda line: line.display_type == "tax")
        }
        base_lines = [
            {**self._prepare_product_base_line_for_taxes_computation(line), "is_refund": True}
            for line in invoice_lines
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
            grouping = frozendict({
                "tax_ids": [Command.set(base_line["tax_ids"].ids)],
                "tax_tag_ids": [Command.set(base_line["tax_tag_ids"].ids)],
                "partner_id": base_line["partner_id"].id,
                "currency_id": base_line["currency_id"].id,
                "account_id": discount_account.id,
                "analytic_distribution": base_line["analytic_distribution"],
            })
            delta = base_deltas.setdefault(grouping, {"balance": 0.0, "amount_currency": 0.0})
            delta["amount_currency"] += self.currency_id.round(
                self.direction_sign * tax_details["total_excluded_currency"] - invoice_line.amount_currency)
            delta["balance"] += self.company_currency_id.round(
                self.direction_sign * tax_details["total_excluded"] - invoice_line.balance)

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
            grouping = frozendict({
                "account_id": tax_line_vals["account_id"],
                "partner_id": tax_line_vals["partner_id"],
                "currency_id": tax_line_vals["currency_id"],
                "analytic_distribution": tax_line_vals["analytic_distribution"],
                "tax_repartition_line_id": tax_rep.id,
                "tax_ids": tax_line_vals["tax_ids"],
                "tax_tag_ids": tax_line_vals["tax_tag_ids"],
                "group_tax_id": tax_line_vals["group_tax_id"],
            })
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
        delta_amount_currency = term_amount_currency \
            - sum(values["amount_currency"] for values in base_items) \
            - sum(values["amount_currency"] for values in tax_items)
        delta_balance = term_balance \
            - sum(values["balance"] for values in base_items) \
            - sum(values["balance"] for values in tax_items)
        biggest_base = max(base_items, key=lambda values: values["amount_currency"])
        biggest_base["amount_currency"] += delta_amount_currency
        biggest_base["balance"] += delta_balance
        return result

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
        return (self.currency_id.round(amount_currency - base_currency * percent),
                self.company_currency_id.round(balance - base_balance * percent))

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
        if self.state != "posted" or self.payment_state not in OPEN_PAYMENT_STATES \
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

    def _collection_advance_discount_tiers(self, today):
        """Move the receivable lines of each tiered invoice whose offer expired to the next tier.

        :param today: the day of the run (``datetime.date``).
        :return: the invoices whose lines moved to another tier.
        """
        moved = self.browse()
        for move in self.filtered(lambda m: m.payment_state in OPEN_PAYMENT_STATES
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
        """The tier percentage carried by TERM_LINE (its discount date names the tier), else 0."""
        for tier in self.collection_policy_id._get_discount_tiers():
            if discounts.tier_deadline(tier, self.invoice_date) == term_line.discount_date:
                return float(tier.percent)
        return 0.0
