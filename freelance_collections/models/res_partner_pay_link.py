"""Links a client can pay from: each invoice's portal page and one page for the whole balance.

Every message and PDF the addon sends a client carries them. An invoice's link is Odoo's own portal
URL with the invoice's access token (its page has *Pay Now*); the balance link opens the client's
balance page (``controllers/balance.py``), authenticated by a token derived from the database secret
and the client, so a client without a portal account can open it and nobody can guess another's.
"""

from odoo import models
from odoo.tools import consteq, hmac

BALANCE_TOKEN_SCOPE = "freelance_collections-balance"


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _collection_balance_token(self):
        """The access token of the client's balance page (stable, from the database secret)."""
        self.ensure_one()
        return hmac(self.env(su=True), BALANCE_TOKEN_SCOPE, self.commercial_partner_id.id)

    def _collection_check_balance_token(self, token):
        """Whether TOKEN (as the browser sent it: any text, or none) opens this client's balance page.
        Compared as bytes: ``consteq`` refuses text with non-ASCII characters with a TypeError."""
        self.ensure_one()
        return (
            isinstance(token, str)
            and bool(token)
            and consteq(token.encode(), self._collection_balance_token().encode())
        )

    def _collection_balance_url(self):
        """Absolute URL of the client's balance page (all its open invoices, pay all at once)."""
        self.ensure_one()
        commercial = self.commercial_partner_id
        return (
            f"{commercial.get_base_url()}/collections/balance/{commercial.id}"
            f"?access_token={commercial._collection_balance_token()}"
        )
