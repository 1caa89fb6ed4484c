"""The client's balance page: every open invoice, what is due per currency, and *Pay all*.

Opened from the link in every reminder (``res.partner._collection_balance_url()``): the access token
derived from the database secret and the client authenticates it, so a client without a portal account
can open it. A missing or wrong token, another client's token or an unknown client is a 404 that says
nothing more. The page lists the open customer invoices of the commercial partner in every company of
the database (the client's whole debt to the freelancer, each company's under its own heading); they
are read in sudo, limited to that commercial partner.

*Pay all* is Odoo's overdue-invoices payment (``/my/invoices/overdue``) opened to that token: one page
and one payment transaction per company and currency, covering every invoice of the group that can be
paid online (``_has_to_be_paid``), for exactly what is left to pay on them. Odoo's own overdue route
needs a logged-in user; the balance has its own transaction route, so the addon's amount guard on
``/invoice/transaction/*`` (``controllers/payment.py``) is not on its way. A visitor who is not logged
in is not offered the client's saved payment tokens: whoever holds a forwarded email can pay, not
charge the client's card.
"""

from odoo import http
from odoo.exceptions import ValidationError
from odoo.http import request
from odoo.tools import float_compare

from odoo.addons.account_payment.controllers.payment import PaymentPortal
from odoo.addons.account_payment.controllers.portal import PortalAccount

from ..models.account_move import OPEN_INVOICE_DOMAIN
from ..tools import compat
from .payment import online_amount

# The balance pages: reached with the client's token, no login; never in the sitemap.
PUBLIC_PAGE = {"type": "http", "auth": "public", "methods": ["GET"], "website": True, "sitemap": False}


class CollectionsBalancePortal(PortalAccount, PaymentPortal):
    # ------------------------------------------------------------------
    # ROUTES
    # ------------------------------------------------------------------
    @http.route("/collections/balance/<int:partner_id>", **PUBLIC_PAGE)
    def collection_balance_page(self, partner_id, access_token=None, **kwargs):
        partner_sudo = self._collection_balance_partner(partner_id, access_token)
        groups = self._collection_balance_groups(partner_sudo)
        return request.render(
            "freelance_collections.collection_balance_page",
            {
                "partner": partner_sudo,
                "groups": groups,
                "multi_company": len({group["company"] for group in groups}) > 1,
                "access_token": access_token,
            },
        )

    @http.route("/collections/balance/<int:partner_id>/pay/<int:company_id>/<int:currency_id>", **PUBLIC_PAGE)
    def collection_balance_pay(self, partner_id, company_id, currency_id, access_token=None, **kwargs):
        partner_sudo = self._collection_balance_partner(partner_id, access_token)
        group = self._collection_balance_group(partner_sudo, company_id, currency_id)
        if not group or not group["payable"]:
            return request.redirect(self._collection_balance_path(partner_sudo, access_token))
        values = self._get_common_page_view_values(
            invoices_data={
                "partner": partner_sudo,
                "company": group["company"],
                "total_amount": group["payable_total"],
                "currency": group["currency"],
                "amount_residual": group["payable_total"],
                "landing_route": self._collection_balance_path(partner_sudo, access_token),
                "transaction_route": f"/collections/balance/{partner_sudo.id}/transaction/"
                f"{group['company'].id}/{group['currency'].id}",
            },
            access_token=access_token,
            **kwargs,
        )
        if request.env.user._is_public():
            values["tokens_sudo"] = request.env["payment.token"].sudo()
        values.update(
            {
                "partner": partner_sudo,
                "group": group,
                "amount": group["payable_total"],
                "balance_url": self._collection_balance_path(partner_sudo, access_token),
            }
        )
        return request.render("freelance_collections.collection_balance_pay_page", values)

    @http.route(
        "/collections/balance/<int:partner_id>/transaction/<int:company_id>/<int:currency_id>",
        type=compat.JSON_ROUTE,
        auth="public",
    )
    def collection_balance_transaction(
        self, partner_id, company_id, currency_id, access_token=None, payment_reference=None, **kwargs
    ):
        """Create one draft transaction for the payable invoices of the group and return its
        processing values (the browser's payment reference is ignored: the server names it)."""
        partner_sudo = self._collection_balance_partner(partner_id, access_token)
        group = self._collection_balance_group(partner_sudo, company_id, currency_id)
        if not group or not group["payable"]:
            raise ValidationError(request.env._("There is nothing left to pay online."))
        self._validate_transaction_kwargs(kwargs)
        currency = group["currency"]
        amount = online_amount(kwargs.get("amount"))  # None for NaN, infinities and beyond the bounds
        if amount is None or float_compare(amount, group["payable_total"], precision_rounding=currency.rounding):
            raise ValidationError(
                request.env._(
                    "The amount to pay must be %(due)s, what is left to pay on these invoices.",
                    due=currency.format(group["payable_total"]),
                )
            )
        if kwargs.get("is_validation"):
            raise ValidationError(request.env._("The provided parameters are invalid."))
        logged_in = not request.env.user._is_public()
        if not logged_in and kwargs.get("flow") == "token":
            raise ValidationError(request.env._("Log in to pay with a saved payment method."))
        invoices = group["payable"]
        reference = group["company"].get_next_batch_payment_communication() if len(invoices) > 1 else invoices.name
        partner_id = request.env.user.partner_id.id if logged_in else partner_sudo.id
        return self._process_transaction(partner_id, currency.id, invoices.ids, reference, **kwargs)

    # ------------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------------
    def _collection_balance_partner(self, partner_id, access_token):
        """The commercial partner PARTNER_ID opened by ACCESS_TOKEN, in sudo; else a 404."""
        partner_sudo = request.env["res.partner"].sudo().browse(partner_id).exists()
        if (
            not partner_sudo
            or partner_sudo.commercial_partner_id != partner_sudo
            or not partner_sudo._collection_check_balance_token(access_token)
        ):
            raise request.not_found()
        if (
            request.env.user._is_public()
            and partner_sudo.lang
            and partner_sudo.lang in dict(request.env["res.lang"].get_installed())
        ):
            request.update_context(lang=partner_sudo.lang)  # the client's language, as its emails
        return partner_sudo

    @staticmethod
    def _collection_balance_path(partner_sudo, access_token):
        return f"/collections/balance/{partner_sudo.id}?access_token={access_token}"

    def _collection_balance_invoices(self, partner_sudo):
        """The open customer invoices of PARTNER_SUDO (a commercial partner), in sudo, earliest due
        first: late-fee invoices included (they are due too)."""
        invoices = (
            request.env["account.move"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "=", partner_sudo.id),
                    *OPEN_INVOICE_DOMAIN,
                ]
            )
        )
        return invoices.sorted(lambda m: (m.collection_due_date or m.invoice_date_due or m.date, m.id))

    def _collection_balance_groups(self, partner_sudo):
        """The open invoices of PARTNER_SUDO per company and currency: a list of dicts with the
        ``company``, the ``currency``, the ``invoices``, their ``total`` due, the ``payable``
        invoices (those that can be paid online now) and their ``payable_total``."""
        groups = {}
        for invoice in self._collection_balance_invoices(partner_sudo):
            groups.setdefault((invoice.company_id, invoice.currency_id), []).append(invoice.id)
        result = []
        for (company, currency), ids in groups.items():
            invoices = request.env["account.move"].sudo().browse(ids)
            payable = invoices.filtered(lambda m: m._has_to_be_paid())
            result.append(
                {
                    "company": company,
                    "currency": currency,
                    "invoices": invoices,
                    "total": currency.round(sum(invoices.mapped("amount_residual"))),
                    "payable": payable,
                    "payable_total": currency.round(sum(payable.mapped("amount_residual"))),
                    "pay_path": f"/collections/balance/{partner_sudo.id}/pay/{company.id}/{currency.id}",
                }
            )
        return sorted(
            result, key=lambda group: (group["company"].sequence, group["company"].id, group["currency"].name)
        )

    def _collection_balance_group(self, partner_sudo, company_id, currency_id):
        """The group of PARTNER_SUDO's open invoices in COMPANY_ID and CURRENCY_ID, or None."""
        for group in self._collection_balance_groups(partner_sudo):
            if group["company"].id == company_id and group["currency"].id == currency_id:
                return group
        return None
