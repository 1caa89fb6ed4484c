"""The client's open credits as its reminders show them, and matching them from the client form
(the rule: ``policy/net_position.py``; the facts: ``account_move_net_position.py``)."""

from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from .account_move import OPEN_INVOICE_DOMAIN


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _collection_reminder_credits(self):
        """What a reminder to this client says of its open credits (credit notes, payments not yet
        matched) in the company and currencies of the invoices it lists: {"lines": [{name, date,
        amount}], "net": what the client owes net, per currency}, or None when there is none."""
        self.ensure_one()
        invoices = self.collection_reminder_invoice_ids
        if not invoices:
            return None
        credited = self.env.context.get("collection_credited_clients")
        if credited is not None and self.commercial_partner_id.id not in credited:
            return None  # the run read the clients with open credits at once for its batch
        Move = self.env["account.move"]
        credits = (
            Move.sudo()
            ._collection_open_credit_lines(self.commercial_partner_id, invoices.company_id)
            .filtered(lambda line: line.currency_id in invoices.currency_id)
        )
        if not credits:
            return None
        lang = self.lang or self.env.lang
        lines = [
            {
                "name": line.move_id.name,
                "date": format_date(self.env, line.date, lang_code=lang),
                "amount": format_amount(self.env, -line.amount_residual_currency, line.currency_id, lang_code=lang),
            }
            for line in credits
        ]
        owed = Move.sudo().search(
            [
                ("commercial_partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "in", invoices.company_id.ids),
                ("currency_id", "in", credits.currency_id.ids),
                *OPEN_INVOICE_DOMAIN,
            ]
        )
        nets = []
        for currency in credits.currency_id:
            net = sum(owed.filtered(lambda m: m.currency_id == currency).mapped("amount_residual")) + sum(  # noqa: B023
                credits.filtered(lambda line: line.currency_id == currency).mapped("amount_residual_currency")  # noqa: B023
            )
            nets.append(format_amount(self.env, max(net, 0.0), currency, lang_code=lang))
        return {"lines": lines, "net": "; ".join(nets)}

    def action_collection_match_credits(self):
        """Match the client's open credit notes and payments with its open invoices, oldest first
        (Odoo's own reconciliation), in the current company."""
        invoices = self.env["account.move"].search(
            [
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                *OPEN_INVOICE_DOMAIN,
            ]
        )
        if not invoices:
            raise UserError(_("This client has no open invoice to match its credits with."))
        return invoices.action_collection_match_credits()
