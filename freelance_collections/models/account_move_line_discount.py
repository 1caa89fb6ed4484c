"""The 'mixed' mode of early-payment discount tiers on journal items: the tax upon invoice.

In 'mixed' mode (Odoo's 'Always (upon invoice)', as Belgian VAT requires) the tax is computed on the
base less the best tier the policy offers, through Odoo's own early-payment discount lines
(``display_type == 'epd'``), whatever the client pays in the end. Odoo builds those lines from the
invoice's payment term (``_compute_epd_needed``, ``_compute_epd_key``); for an invoice whose discount
comes from tiers, this file builds them the same way with the tier's percentage (see
``account_move_discount.py`` for why a tier is not a payment term).
"""

from odoo import Command, api, models
from odoo.tools import LazyTranslate, frozendict

# Odoo's own label for these lines, translated by the account module as when Odoo makes them.
_account_lt = LazyTranslate("account")


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # -------------------------------------------------------------------------
    # COMPUTE METHODS
    # -------------------------------------------------------------------------

    # missing-return: a compute method assigns and returns nothing, as Odoo's own.
    def _compute_epd_key(self):  # pylint: disable=missing-return
        """Odoo's key of the existing early-discount lines, also on invoices with a 'mixed' tier."""
        super()._compute_epd_key()
        for line in self.filtered(lambda line: line.display_type == "epd")._collection_mixed_tier_lines():
            line.epd_key = frozendict(
                {
                    "account_id": line.account_id.id,
                    "analytic_distribution": line.analytic_distribution,
                    "tax_ids": [Command.set(line.tax_ids.ids)],
                    "tax_tag_ids": [Command.set(line.tax_tag_ids.ids)],
                    "move_id": line.move_id.id,
                }
            )

    @api.depends("move_id.collection_policy_id.discount_tier_ids", "move_id.collection_policy_id.discount_computation")
    # missing-return: as above.
    def _compute_epd_needed(self):  # pylint: disable=missing-return
        """Odoo's early-discount lines needed by each product line, also on invoices with a 'mixed' tier."""
        super()._compute_epd_needed()
        for line, percent in self._collection_mixed_tier_lines().items():
            line.epd_needed = line._collection_tier_epd_needed(percent)

    # -------------------------------------------------------------------------
    # BUSINESS METHODS
    # -------------------------------------------------------------------------

    def _collection_mixed_tier_lines(self):
        """These lines whose move lowers its tax base for a tier ('mixed' mode).

        :return: ``{line: percent}`` with the move's tier percentage (``3.0`` for 3%).
        """
        percent_by_move = {move: move._collection_mixed_tier_percent() for move in self.move_id}
        return {line: percent_by_move[line.move_id] for line in self if line.move_id and percent_by_move[line.move_id]}

    def _collection_tier_epd_needed(self, percent):
        """The early-discount lines one product line needs for a tier of PERCENT.

        Follows Odoo 18.0's ``_compute_epd_needed`` (addons/account/models/account_move_line.py) with
        PERCENT where Odoo reads the payment term's; re-check it when Odoo changes that method
        (``test_discount_tiers.py`` compares both).

        :param percent: the tier's percentage (``3.0`` for 3%).
        :return: the ``epd_needed`` value: ``{key: values}`` for a taxed product line, else False.
        """
        self.ensure_one()
        if self.display_type != "product" or not self.tax_ids.ids:
            return False
        name = self.env._(_account_lt("Early Payment Discount (%s)", f"{percent}%"))
        taxes = self.tax_ids.filtered(lambda tax: tax.amount_type != "fixed")
        percentage = percent / 100
        sign, rate = self.move_id.direction_sign, self.move_id.invoice_currency_rate
        amount_currency = self.currency_id.round(sign * self.price_subtotal * percentage)
        balance = self.company_currency_id.round(sign * self.price_subtotal * percentage / rate) if rate else 0.0
        return {
            # The base less the discount, taxed ...
            frozendict(
                {
                    "move_id": self.move_id.id,
                    "account_id": self.account_id.id,
                    "analytic_distribution": self.analytic_distribution,
                    "tax_ids": [Command.set(taxes.ids)],
                    "display_type": "epd",
                }
            ): frozendict({"name": name, "amount_currency": -amount_currency, "balance": -balance}),
            # ... and given back, untaxed: the invoice's total is unchanged but for the tax.
            frozendict(
                {
                    "move_id": self.move_id.id,
                    "account_id": self.account_id.id,
                    "display_type": "epd",
                }
            ): frozendict(
                {"name": name, "amount_currency": amount_currency, "balance": balance, "tax_ids": [Command.clear()]}
            ),
        }
