"""A saved payment method removed (by the client, a manager or the provider) ends autopay with it."""

from odoo import _, models


class PaymentToken(models.Model):
    _inherit = "payment.token"

    def _handle_archiving(self):
        """Turn autopay off for the clients who used these tokens, logged on each client."""
        result = super()._handle_archiving()
        for company, tokens in self.grouped("company_id").items():
            clients = (
                self.env["res.partner"]
                .sudo()
                .with_company(company)
                .search([("collection_autopay_token_id", "in", tokens.ids)])
            )
            clients._collection_autopay_off(_("the saved payment method was removed."))
        return result
