"""Amounts a client may pay online for invoices under a collection policy.

Odoo's invoice transaction routes (``/invoice/transaction/<id>`` and ``/invoice/transaction/overdue``)
take the amount from the browser as it is: a negative amount would become an outbound payment (money
sent to the client) and any amount above what is due an overpayment. For invoices under a collection
policy the amount must be positive and at most what is left to pay; anything else is refused before a
transaction is created. The portal page, its access checks and the payment flow stay Odoo's.
"""

from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request, route
from odoo.tools import float_compare

from odoo.addons.account_payment.controllers.payment import PaymentPortal

from ..policy import bounds


def online_amount(amount):
    """AMOUNT as the browser sent it, as a float; None when it is not a number the addon books (NaN,
    an infinity or beyond ``policy/bounds.py``'s maximum: Odoo's rounding fails on them)."""
    value = PaymentPortal._cast_as_float(amount)
    if value is None or not bounds.is_finite(value) or abs(value) > bounds.MAX_AMOUNT:
        return None
    return value


class CollectionsPaymentPortal(PaymentPortal):
    @route()
    def invoice_transaction(self, invoice_id, access_token, **kwargs):
        if access_token is not None and not (isinstance(access_token, str) and access_token.isascii()):
            # Odoo compares tokens as text, which fails on anything else than ASCII text
            raise ValidationError(request.env._("The access token is invalid."))
        try:
            invoice_sudo = self._document_check_access("account.move", invoice_id, access_token)
        except (AccessError, MissingError):
            invoice_sudo = None  # Odoo's route refuses it with its own message
        if invoice_sudo:
            self._collection_check_online_amount(invoice_sudo, kwargs.get("amount"))
        return super().invoice_transaction(invoice_id, access_token, **kwargs)

    @route()
    def overdue_invoices_transaction(self, payment_reference, **kwargs):
        if not request.env.user._is_public():
            overdue = request.env["account.move"].search(self._get_overdue_invoices_domain())
            if len(overdue.currency_id) == 1:
                self._collection_check_online_amount(overdue.sudo(), kwargs.get("amount"))
        return super().overdue_invoices_transaction(payment_reference, **kwargs)

    def _collection_check_online_amount(self, invoices_sudo, amount):
        """Refuse an online payment of INVOICES_SUDO (one currency) for AMOUNT when one of them is
        under a collection policy and AMOUNT is not a positive number at most their amount due."""
        if not invoices_sudo.filtered("collection_policy_id"):
            return
        currency = invoices_sudo.currency_id
        due = sum(invoices_sudo.mapped("amount_residual"))
        value = online_amount(amount)
        if (
            value is None
            or float_compare(value, 0.0, precision_rounding=currency.rounding) <= 0
            or float_compare(value, due, precision_rounding=currency.rounding) > 0
        ):
            raise ValidationError(
                request.env._(
                    "The amount to pay online must be more than zero and at most %(due)s, what is left to pay.",
                    due=currency.format(due),
                )
            )
