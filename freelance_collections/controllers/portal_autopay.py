"""Autopay on the portal: the client chooses a saved payment method, reads the consent (the amounts
and the days it allows), accepts it and turns autopay on; or turns it off.

``/my/autopay`` lists the payment methods the logged-in client saved for the current company (on
Odoo's *Payment methods* page, or when paying an invoice with *Save my payment details*). The forms
post with Odoo's CSRF token; the token id is checked against the client (its commercial partner) and
the company by ``res.partner._collection_autopay_on``: another client's or another company's token is
refused with a message, nothing changes.
"""

from odoo import _, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request


class CollectionsAutopayPortal(http.Controller):
    def _collection_autopay_values(self, error=None, message=None):
        partner = request.env.user.partner_id
        client = partner.commercial_partner_id.sudo().with_company(request.env.company)
        tokens = (
            request.env["payment.token"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", client.id),
                    ("company_id", "=", request.env.company.id),
                ]
            )
        )
        token = client.collection_autopay_token_id
        return {
            "page_name": "collection_autopay",
            "client": client,
            "tokens": tokens,
            "token": token,
            "consents": {t.id: client._collection_autopay_consent_text(t, request.env.company) for t in tokens},
            "error": error,
            "message": message,
        }

    @http.route("/my/autopay", type="http", auth="user", methods=["GET"], website=True, sitemap=False)
    def collection_autopay_page(self, **kwargs):
        return request.render("freelance_collections.portal_autopay_page", self._collection_autopay_values())

    @http.route("/my/autopay/enable", type="http", auth="user", methods=["POST"], website=True, sitemap=False)
    def collection_autopay_enable(self, token_id=None, consent=None, **kwargs):
        values = self._collection_autopay_values()
        client = values["client"]
        try:
            token_id = int(token_id or 0)
        except ValueError:
            token_id = 0
        token = request.env["payment.token"].sudo().browse(token_id).exists()
        try:
            if not token:
                raise UserError(_("Choose one of your saved payment methods."))
            if consent != "on":
                raise UserError(_("Tick the box to accept the automatic charges: autopay is not on."))
            client._collection_autopay_on(token, client._collection_autopay_consent_text(token, request.env.company))
        except (UserError, ValidationError) as error:
            return request.render(
                "freelance_collections.portal_autopay_page", self._collection_autopay_values(error=error.args[0])
            )
        return request.render(
            "freelance_collections.portal_autopay_page",
            self._collection_autopay_values(message=_("Autopay is on: your invoices will be paid on their due dates.")),
        )

    @http.route("/my/autopay/disable", type="http", auth="user", methods=["POST"], website=True, sitemap=False)
    def collection_autopay_disable(self, **kwargs):
        client = self._collection_autopay_values()["client"]
        client._collection_autopay_off(
            _("turned off by %(user)s on the portal.", user=request.env.user.partner_id.display_name)
        )
        return request.render(
            "freelance_collections.portal_autopay_page",
            self._collection_autopay_values(message=_("Autopay is off: nothing will be charged automatically.")),
        )
