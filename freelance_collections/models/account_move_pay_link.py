"""The link to an invoice's customer-portal page (Pay Now there), in every message and PDF."""

from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _collection_pay_url(self):
        """Absolute URL of the invoice's customer-portal page with its access token (Pay Now there)."""
        self.ensure_one()
        return f"{self.get_base_url()}{self.sudo().get_portal_url()}"
