"""The public routes refuse what a hostile visitor sends with a message, never a server error (hole 3
of the hostile tester): NaN, infinities and absurd amounts on the balance page's and the invoice's
payment, tokens that are not ASCII text. An HttpCase tagged ``fc_portal_tour`` (Odoo's runner, as
``TestPayLinks``), paying with Odoo's test provider of ``AccountPaymentCommon``.

JSON routes answer as Odoo's JSON-RPC does: an error object whose ``data.name`` is a
``ValidationError`` and whose ``data.message`` says what to do (the payment form shows it); pages
answer 404 for a token that is not the client's, whatever it holds; the autopay form answers with its
page and a message, 400 without Odoo's CSRF token, 405 to a GET."""

import json
import re
from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment.tests.http_common import PaymentHttpCommon

from .common import CollectionsCommon

NAN, INF = float("nan"), float("inf")


@tagged("post_install", "-at_install", "fc_portal_tour")
class TestPublicRoutesBadInput(CollectionsCommon, AccountPaymentCommon, PaymentHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("account_payment.enable_portal_payment", True)
        today = fields.Date.context_today(cls.env.user)
        cls.invoice = cls._invoice(
            amount=1000, invoice_date=today - timedelta(days=40), due_date=today - timedelta(days=10)
        )

    def _jsonrpc(self, route, params):
        """The JSON-RPC error's data (name, message) of ROUTE called with PARAMS, or None."""
        response = self.url_open(
            route,
            json.dumps({"id": 0, "jsonrpc": "2.0", "method": "call", "params": params}).encode(),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        error = response.json().get("error")
        return error and error["data"]

    def _payment(self, amount, **extra):
        return {
            "provider_id": self.provider.id,
            "payment_method_id": self.payment_method_id,
            "token_id": None,
            "amount": amount,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/my",
            "is_validation": False,
            **extra,
        }

    @mute_logger("odoo.http")
    def test_the_balance_refuses_amounts_that_are_not_numbers_it_books(self):
        route = f"/collections/balance/{self.client.id}/transaction/{self.env.company.id}/{self.invoice.currency_id.id}"
        token = self.client._collection_balance_token()
        for amount in (NAN, INF, -INF, 1e308, -1e308, "nan", "inf", "1e400", 1e13):
            with self.subTest(amount=amount):
                error = self._jsonrpc(route, self._payment(amount, access_token=token))
                self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
                self.assertIn("The amount to pay must be", error["message"])
        self.assertFalse(self.invoice.transaction_ids, "nothing was created")
        self.assertIsNone(self._jsonrpc(route, self._payment(1000.0, access_token=token)))
        self.assertEqual(self.invoice.transaction_ids.amount, 1000.0)

    @mute_logger("odoo.http")
    def test_the_invoice_payment_refuses_them_too(self):
        route = f"/invoice/transaction/{self.invoice.id}"
        token = self.invoice._portal_ensure_token()
        for amount in (NAN, INF, -INF, 1e308, "nan", "1e400"):
            with self.subTest(amount=amount):
                error = self._jsonrpc(route, self._payment(amount, access_token=token))
                self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
                self.assertIn("The amount to pay online must be more than zero", error["message"])
        for forged in ("é" * 8, "😀", ["a"], {"a": 1}):
            with self.subTest(token=forged):
                error = self._jsonrpc(route, self._payment(500.0, access_token=forged))
                self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
                self.assertIn("The access token is invalid", error["message"])
        self.assertFalse(self.invoice.transaction_ids, "nothing was created")

    @mute_logger("odoo.http")
    def test_a_token_that_is_not_ascii_is_a_404(self):
        for token in ("%C3%A9%C3%A9", "%F0%9F%98%80", "%FF", "%00", "a" * 5000):
            for suffix in ("", f"/pay/{self.env.company.id}/{self.invoice.currency_id.id}"):
                path = f"/collections/balance/{self.client.id}{suffix}?access_token={token}"
                with self.subTest(path=path[:80]):
                    response = self.url_open(path, allow_redirects=False)
                    self.assertEqual(response.status_code, 404)
                    self.assertNotIn(self.invoice.name, response.text)
        route = f"/collections/balance/{self.client.id}/transaction/{self.env.company.id}/{self.invoice.currency_id.id}"
        for token in ("é", ["a"], {"a": 1}, 12):
            with self.subTest(token=token):
                error = self._jsonrpc(route, self._payment(1000.0, access_token=token))
                self.assertEqual(error["name"], "werkzeug.exceptions.NotFound")
        self.assertFalse(self.invoice.transaction_ids)
        for path in (
            "/collections/balance/99999999999999999999?access_token=x",
            f"/collections/balance/{self.client.id}/pay/99999999999999999999/1?access_token=x",
        ):
            with self.subTest(path=path):
                self.assertEqual(self.url_open(path, allow_redirects=False).status_code, 404)

    @mute_logger("odoo.http")
    def test_the_autopay_form_refuses_what_is_not_one_of_the_clients_cards(self):
        portal = new_test_user(
            self.env, login="fc_bad_portal", groups="base.group_portal", partner_id=self.client_contact.id
        )
        token = self._create_token(partner_id=portal.partner_id.id)
        self.authenticate("fc_bad_portal", "fc_bad_portal")
        page = self.url_open("/my/autopay")
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        for token_id in ("1e400", "99999999999999999999", "-1", "nan", "", "é"):
            with self.subTest(token_id=token_id):
                response = self.url_open(
                    "/my/autopay/enable", data={"csrf_token": csrf, "token_id": token_id, "consent": "on"}
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("Choose one of your saved payment methods", response.text)
        response = self.url_open("/my/autopay/enable", data={"csrf_token": csrf, "token_id": str(token.id)})
        self.assertIn("Tick the box to accept the automatic charges", response.text)
        response = self.url_open("/my/autopay/enable", data={"token_id": str(token.id), "consent": "on"})
        self.assertEqual(response.status_code, 400, "no CSRF token")
        response = self.url_open(f"/my/autopay/enable?token_id={token.id}&consent=on")
        self.assertEqual(response.status_code, 405, "not by a GET")
        self.assertFalse(self.client.with_company(self.env.company).collection_autopay_token_id, "nothing changed")
