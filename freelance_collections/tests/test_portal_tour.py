"""The customer portal in a browser and over HTTP: paying an installment offer with the demo provider,
and what another client can and cannot see or pay.

Tagged ``fc_portal_tour``: ``scripts/test.sh`` runs them with Odoo's test runner in a database that
also has ``payment_demo`` (pytest-odoo skips HttpCase). The tour skips itself without ``payment_demo``.
"""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment.tests.http_common import PaymentHttpCommon

from ..tools import compat
from .common import CollectionsCommon


class PortalClientsCommon(CollectionsCommon):
    """Two clients with a portal user each and an invoice each (the first in two installments
    under a 2% offer for 10 days, issued today: the browser runs on the real date)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write(
            {
                "quiet_days": "none",
                "discount_nudge_days": 0,
                "discount_tier_ids": [Command.create({"days": 10, "percent": 2})],
            }
        )
        cls.env["ir.config_parameter"].sudo().set_param("account_payment.enable_portal_payment", True)
        cls.other_client = cls.env["res.partner"].create(
            {"name": "Other Client Ltd", "is_company": True, "email": "other@example.com"}
        )
        cls.user_a = cls._portal_user("fc_portal_a", cls.client)
        cls.user_b = cls._portal_user("fc_portal_b", cls.other_client)
        today = fields.Date.context_today(cls.env.user)
        cls.invoice_a = cls._invoice(
            amount=1000,
            invoice_date=today,
            due_date=today + timedelta(days=30),
            collection_deposit_template_id=cls.env.ref("freelance_collections.deposit_template_50_50").id,
        )
        cls.invoice_b = cls._invoice(
            amount=777, invoice_date=today, due_date=today + timedelta(days=30), partner=cls.other_client
        )

    @classmethod
    def _portal_user(cls, login, company_partner):
        contact = cls.env["res.partner"].create(
            {
                "name": f"{company_partner.name} buyer",
                "parent_id": company_partner.id,
                "email": f"{login}@example.com",
            }
        )
        return new_test_user(
            cls.env,
            login=login,
            groups="base.group_portal",
            partner_id=contact.id,
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env.company.ids)],
        )


@tagged("post_install", "-at_install", "fc_portal_tour")
class TestPortalAccess(PortalClientsCommon, AccountPaymentCommon, PaymentHttpCommon):
    """A client's invoice page is closed to other clients, whatever the id or token they try, and
    the amounts sent to the payment routes are checked."""

    def _get(self, invoice_id, **params):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return self.url_open(f"/my/invoices/{invoice_id}" + (f"?{query}" if query else ""), allow_redirects=False)

    def _assert_closed(self, response):
        self.assertIn(response.status_code, (301, 302, 303, 403, 404))
        if response.is_redirect:
            self.assertTrue(response.headers["Location"].rstrip("/").endswith("/my"), response.headers["Location"])
        self.assertNotIn(self.invoice_a.name, response.text)
        self.assertNotIn("980.00", response.text)

    def test_another_client_cannot_open_the_invoice(self):
        self.authenticate("fc_portal_b", "fc_portal_b")
        token_a = self.invoice_a._portal_ensure_token()
        token_b = self.invoice_b._portal_ensure_token()
        self._assert_closed(self._get(self.invoice_a.id))
        for token in ("", "wrong", token_a[:-1], token_a + "x", token_b, "%27%20OR%201=1", "%00"):
            self._assert_closed(self._get(self.invoice_a.id, access_token=token))
        self._assert_closed(self._get(self.invoice_a.id, access_token="wrong", report_type="pdf", download="true"))
        self._assert_closed(self._get(self.invoice_a.id, access_token="wrong", report_type="html"))
        self._assert_closed(self._get(999999999, access_token=token_a))
        listing = self.url_open("/my/invoices")
        self.assertEqual(listing.status_code, 200, "a portal client lists its invoices (no policy access needed)")
        self.assertIn(self.invoice_b.name, listing.text)
        self.assertNotIn(self.invoice_a.name, listing.text)
        self.authenticate("fc_portal_a", "fc_portal_a")
        listing = self.url_open("/my/invoices")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.invoice_a.name, listing.text)
        self.assertIn("490.00", listing.text, "Odoo's list shows the next installment, discounted")

    def test_the_right_token_opens_the_public_link(self):
        token_a = self.invoice_a._portal_ensure_token()
        page = self._get(self.invoice_a.id, access_token=token_a)  # not logged in
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.invoice_a.name, page.text)
        self.assertIn("Early-payment offer", page.text)
        self.authenticate("fc_portal_b", "fc_portal_b")
        self.assertEqual(
            self._get(self.invoice_a.id, access_token=token_a).status_code,
            200,
            "a shared link opens for whoever holds it, as in Odoo",
        )
        self.authenticate("fc_portal_a", "fc_portal_a")
        page = self._get(self.invoice_a.id)
        self.assertEqual(page.status_code, 200, "its own client needs no token")
        self.assertIn("10 days left", page.text)

    def test_the_panel_shows_nothing_of_another_client(self):
        self.authenticate("fc_portal_b", "fc_portal_b")
        page = self._get(self.invoice_b.id)
        self.assertEqual(page.status_code, 200)
        self.assertIn('id="invoice_collections"', page.text)
        self.assertIn("761.46", page.text, "its own offer: 777.00 less 2%")
        for foreign in (self.invoice_a.name, "980.00", "Upfront deposit", self.client.name):
            self.assertNotIn(foreign, page.text)

    def _transaction(self, invoice, amount, access_token=None):
        return self.make_jsonrpc_request(
            f"/invoice/transaction/{invoice.id}",
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.payment_method_id,
                "token_id": None,
                "amount": amount,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": invoice.get_portal_url(),
                "access_token": access_token or invoice._portal_ensure_token(),
            },
        )

    @mute_logger("odoo.http", "odoo.addons.payment.models.payment_transaction")
    def test_the_transaction_route_refuses_negative_or_huge_amounts(self):
        self.authenticate("fc_portal_a", "fc_portal_a")
        for amount in (-500.0, 0.0, 1000.01, 1e12, "abc", "nan", None):
            with self.subTest(amount=amount), self.assertRaises(JsonRpcException) as caught:
                self._transaction(self.invoice_a, amount)
            self.assertEqual(caught.exception.args[0], "odoo.exceptions.ValidationError")
        self.assertFalse(self.invoice_a.transaction_ids, "nothing was created")
        self._transaction(self.invoice_a, 980.0)
        self.assertEqual(self.invoice_a.transaction_ids.amount, 980.0, "the amount proposed goes through")
        self.authenticate("fc_portal_b", "fc_portal_b")
        with self.assertRaises(JsonRpcException):
            self._transaction(self.invoice_a, 980.0, access_token="wrong")

    @mute_logger("odoo.http", "odoo.addons.payment.models.payment_transaction")
    def test_the_overdue_route_refuses_negative_amounts(self):
        yesterday = fields.Date.context_today(self.env.user) - timedelta(days=1)
        overdue = self._invoice(
            amount=300, invoice_date=yesterday - timedelta(days=30), due_date=yesterday, partner=self.user_a.partner_id
        )
        self.authenticate("fc_portal_a", "fc_portal_a")
        for amount in (-300.0, 300.01):
            with self.subTest(amount=amount), self.assertRaises(JsonRpcException):
                self.make_jsonrpc_request(
                    "/invoice/transaction/overdue",
                    {
                        "payment_reference": overdue.name,
                        "provider_id": self.provider.id,
                        "payment_method_id": self.payment_method_id,
                        "token_id": None,
                        "amount": amount,
                        "flow": "direct",
                        "tokenization_requested": False,
                        "landing_route": "/my/invoices",
                    },
                )
        self.assertFalse(overdue.transaction_ids)

    @mute_logger("odoo.http")
    def test_odoo_refuses_a_tampered_amount_in_a_payment_link(self):
        """Odoo's own checks: an amount in a link must come with the payment token signed for it."""
        token_a = self.invoice_a._portal_ensure_token()
        self._assert_closed(self._get(self.invoice_a.id, access_token=token_a, amount="-500"))
        self._assert_closed(
            self._get(self.invoice_a.id, access_token=token_a, amount="1000000", payment_token="forged")
        )
        response = self.url_open(f"/payment/pay?invoice_id={self.invoice_a.id}&amount=-500&access_token={token_a}")
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn("o_payment_form", response.text)


@tagged("post_install", "-at_install", "fc_portal_tour")
class TestPortalPayTour(PortalClientsCommon, HttpCase):
    """The browser test: a portal client pays its installment offer with the demo provider."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo_installed = cls.env["ir.module.module"]._get("payment_demo").state == "installed"
        if cls.demo_installed:
            demo = cls.env.ref("payment.payment_provider_demo").sudo()
            method = cls.env.ref("payment_demo.payment_method_demo").sudo()
            method.active = True
            cls.demo_provider = demo.copy({"company_id": cls.env.company.id, "name": "Demo (collections)"})
            cls.demo_provider.write(
                {"state": "test", "is_published": True, "payment_method_ids": [Command.set(method.ids)]}
            )
            # Only the demo provider in this company.
            (
                cls.env["payment.provider"].sudo().search([("company_id", "=", cls.env.company.id)]) - cls.demo_provider
            ).write({"state": "disabled"})

    def setUp(self):
        super().setUp()
        if not self.demo_installed:
            self.skipTest(
                "payment_demo is not installed: run it in a database with payment_demo " "(scripts/test.sh does)"
            )

    def test_portal_client_pays_the_installment_offer(self):
        self.assertTrue(self.demo_provider.journal_id, "the demo provider books into a bank journal")
        terms = self.invoice_a.line_ids.filtered(lambda ln: ln.display_type == "payment_term")
        self.assertEqual(len(terms), 2)
        self.assertEqual(self.invoice_a.collection_discount_amount_to_pay, 980.0)

        self.start_tour(
            "/my/invoices", "freelance_collections_portal_pay_offer", login="fc_portal_a", cookies=compat.TOUR_COOKIES
        )

        tx = self.invoice_a.transaction_ids
        self.assertEqual(len(tx), 1)
        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.amount, 980.0, "the discounted total was paid")
        if not tx.is_post_processed:
            tx._post_process()
        self.assertTrue(tx.payment_id, "post-processing created the payment")
        self.assertTrue(self.invoice_a.currency_id.is_zero(self.invoice_a.amount_residual))
        self.assertIn(self.invoice_a.payment_state, ("paid", "in_payment"))
        self.assertTrue(all(terms.mapped("reconciled")), "both installments are reconciled")
        loss_account = self.env.company.account_journal_early_pay_discount_loss_account_id
        discount = tx.payment_id.move_id.line_ids.filtered(lambda ln: ln.account_id == loss_account)
        self.assertAlmostEqual(
            sum(discount.mapped("balance")), 20.0, msg="the 2% is booked on the early-payment discount account"
        )
        self.assertFalse(self.invoice_b.transaction_ids, "the other client's invoice is untouched")
