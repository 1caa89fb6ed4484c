"""Pay from every message: the links in the reminders, the client's balance page and *Pay all*.

The emails are rendered in a TransactionCase (pytest-odoo runs it). The pages are opened over HTTP by
a visitor who is not logged in: ``TestPayLinks`` is an HttpCase, tagged ``fc_portal_tour`` so that
``scripts/test.sh`` runs it with Odoo's runner in its portal step (pytest-odoo skips HttpCase). It
pays with Odoo's test provider of ``AccountPaymentCommon`` (no ``payment_demo`` needed).
"""

from datetime import timedelta
from urllib.parse import urlsplit

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import JsonRpcException, tagged
from odoo.tools import mute_logger

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment.tests.http_common import PaymentHttpCommon

from .common import CollectionsCommon

TEMPLATES = ("courtesy", "friendly", "firm", "work_stop", "formal_notice", "discount_nudge")


def _path(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


@tagged("post_install", "-at_install")
class TestPayLinkEmails(CollectionsCommon):
    """Every reminder links each invoice to its page, and the whole balance to the balance page."""

    def _body(self, template, invoices, partner=None):
        partner = partner or self.client
        rendered = template.with_context(collection_invoice_ids=invoices.ids)._render_field("body_html", partner.ids)
        return str(rendered[partner.id])

    def test_every_template_links_the_invoices_and_the_balance(self):
        with freeze_time("2026-02-10"):
            invoices = self._invoice(amount=1000) | self._invoice(amount=250)
            balance_url = self.client._collection_balance_url()
            self.assertIn(f"/collections/balance/{self.client.id}?access_token=", balance_url)
            self.assertEqual(
                self.client_contact._collection_balance_url(),
                balance_url,
                "a contact's link opens its company's balance",
            )
            for name in TEMPLATES:
                template = self.env.ref(f"freelance_collections.mail_template_{name}")
                with self.subTest(template=name):
                    body = self._body(template, invoices)
                    for invoice in invoices:
                        pay_url = invoice._collection_pay_url()
                        self.assertIn(f"/my/invoices/{invoice.id}?access_token=", pay_url)
                        self.assertIn(f'href="{pay_url}"', body)
                        self.assertIn(invoice.name, body)
                    self.assertIn(f'href="{balance_url}"', body)
                    self.assertIn("View and pay your whole balance", body)
                    self.assertIn("Pay now", body)
                    self.assertNotIn("Late fees", body, "no fees on these invoices")

    def test_fees_appear_under_their_invoice(self):
        self.policy.write(
            {
                "quiet_days": "none",
                "reminder_interval_days": 0,
                "penalty_tier_ids": [
                    Command.create({"days_late": 15, "percent": 5}),
                    Command.create({"days_late": 30, "percent": 10}),
                ],
            }
        )
        with freeze_time("2026-02-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-01-02", due_date="2026-02-01")
        with freeze_time("2026-02-16"):  # 15 days late: the 5% is invoiced
            self.env["collection.run"]._cron_run_collections()
        fee = invoice.collection_penalty_ids.filtered(lambda m: m.state == "posted")
        self.assertEqual(len(fee), 1)
        with freeze_time("2026-03-05"):  # 32 days late: 5% more accrued, not invoiced yet
            self.assertEqual(invoice.collection_fee_accrued, 50.0)
            body = self._body(self.template_firm, invoice | fee)
            self.assertIn("Late fees accrued, not invoiced yet", body)
            self.assertIn("50.00", body)
            self.assertIn("Late fees:", body)
            self.assertIn(f'href="{fee._collection_pay_url()}"', body)
            self.assertEqual(body.count(f">{fee.name}<"), 1, "the fee is listed once, under its invoice")
            self.assertLess(body.index(invoice.name), body.index(fee.name))
            self._pay(fee)
            body = self._body(self.template_firm, invoice)
            self.assertNotIn(fee.name, body, "a paid fee is not listed")


@tagged("post_install", "-at_install", "fc_portal_tour")
class TestPayLinks(CollectionsCommon, AccountPaymentCommon, PaymentHttpCommon):
    """The balance page and the invoice links, opened by a visitor who is not logged in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("account_payment.enable_portal_payment", True)
        cls.other_client = cls.env["res.partner"].create(
            {"name": "Other Client Ltd", "is_company": True, "email": "other@example.com"}
        )
        today = fields.Date.context_today(cls.env.user)
        cls.invoice_1 = cls._invoice(
            amount=1000, invoice_date=today - timedelta(days=40), due_date=today - timedelta(days=10)
        )
        cls.invoice_2 = cls._invoice(
            amount=234.5, invoice_date=today, due_date=today + timedelta(days=30), partner=cls.client_contact
        )
        cls.invoice_other = cls._invoice(
            amount=777, invoice_date=today, due_date=today + timedelta(days=30), partner=cls.other_client
        )

    def _balance_path(self, partner, token=None, suffix=""):
        token = partner._collection_balance_token() if token is None else token
        return f"/collections/balance/{partner.id}{suffix}?access_token={token}"

    def _assert_refused(self, response, *secrets):
        self.assertIn(response.status_code, (301, 302, 303, 403, 404))
        if response.is_redirect:
            self.assertTrue(
                urlsplit(response.headers["Location"]).path.rstrip("/").endswith("/my"), response.headers["Location"]
            )
        for secret in secrets:
            self.assertNotIn(secret, response.text)

    def _transaction(self, path, amount):
        return self.make_jsonrpc_request(
            path,
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.payment_method_id,
                "token_id": None,
                "amount": amount,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "/collections/balance",
                "is_validation": False,
                "access_token": self.client._collection_balance_token(),
                "payment_reference": "forged",
            },
        )

    def test_the_balance_page_lists_the_invoices_and_pays_them_all(self):
        page = self.url_open(_path(self.client._collection_balance_url()))
        self.assertEqual(page.status_code, 200)
        for invoice in self.invoice_1 | self.invoice_2:
            self.assertIn(invoice.name, page.text)
            self.assertIn(_path(invoice._collection_pay_url()), page.text)
        self.assertNotIn(self.invoice_other.name, page.text)
        self.assertIn("1,234.50", page.text, "the total due")
        self.assertIn("o_collection_pay_all", page.text)
        self.assertIn("Pay all", page.text)
        self.assertIn('<span class="text-danger">10</span>', page.text, "days late")
        currency = self.invoice_1.currency_id
        pay_suffix = f"/pay/{self.env.company.id}/{currency.id}"
        self.assertIn(self._balance_path(self.client, suffix=pay_suffix), page.text)

        pay = self.url_open(self._balance_path(self.client, suffix=pay_suffix))
        self.assertEqual(pay.status_code, 200)
        self.assertIn('id="o_payment_form"', pay.text)
        self.assertIn(
            f'data-transaction-route="/collections/balance/{self.client.id}/transaction/'
            f'{self.env.company.id}/{currency.id}"',
            pay.text,
        )
        self.assertIn(self.invoice_2.name, pay.text)

        route = f"/collections/balance/{self.client.id}/transaction/{self.env.company.id}/{currency.id}"
        with mute_logger("odoo.http"):
            for amount in (-1234.5, 0.0, 1000.0, 1234.51, "abc", None):
                with self.subTest(amount=amount), self.assertRaises(JsonRpcException):
                    self._transaction(route, amount)
        self.assertFalse((self.invoice_1 | self.invoice_2).transaction_ids, "nothing was created")
        self._transaction(route, 1234.5)
        tx = self.invoice_1.transaction_ids
        self.assertEqual(len(tx), 1)
        self.assertEqual(tx.invoice_ids, self.invoice_1 | self.invoice_2, "one transaction for both")
        self.assertEqual(tx.amount, 1234.5)
        self.assertEqual(tx.partner_id, self.client)
        self.assertNotEqual(tx.reference, "forged")
        self.assertFalse(self.invoice_other.transaction_ids)

    @mute_logger("odoo.http")
    def test_a_wrong_token_or_another_clients_token_is_a_404(self):
        token_a = self.client._collection_balance_token()
        secrets = (self.invoice_1.name, self.invoice_other.name, "1,234.50")
        missing = self.env["res.partner"].search([], order="id desc", limit=1).id + 1000
        for path in (
            f"/collections/balance/{self.client.id}",
            self._balance_path(self.client, token=""),
            self._balance_path(self.client, token="wrong"),
            self._balance_path(self.client, token=token_a[:-1]),
            self._balance_path(self.other_client, token=token_a),
            self._balance_path(self.client, token=self.other_client._collection_balance_token()),
            self._balance_path(self.client_contact, token=token_a),
            f"/collections/balance/{missing}?access_token={token_a}",
            self._balance_path(
                self.other_client, token=token_a, suffix=f"/pay/{self.env.company.id}/{self.invoice_1.currency_id.id}"
            ),
        ):
            with self.subTest(path=path):
                response = self.url_open(path, allow_redirects=False)
                self.assertEqual(response.status_code, 404)
                for secret in secrets:
                    self.assertNotIn(secret, response.text)
        route = (
            f"/collections/balance/{self.other_client.id}/transaction/{self.env.company.id}/"
            f"{self.invoice_1.currency_id.id}"
        )
        with self.assertRaises(JsonRpcException) as caught:
            self._transaction(route, 777.0)
        self.assertEqual(caught.exception.code, 404)
        self.assertFalse(self.invoice_other.transaction_ids)

    def test_the_invoice_link_opens_its_page_with_pay_now_and_no_other(self):
        url = self.invoice_1._collection_pay_url()
        self.assertTrue(url.startswith(self.invoice_1.get_base_url()))
        page = self.url_open(_path(url))
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.invoice_1.name, page.text)
        self.assertIn("Pay Now", page.text)
        self.assertIn('id="o_payment_form"', page.text, "the test provider is offered")
        token = self.invoice_1.access_token
        with mute_logger("odoo.http"):
            for other in (self.invoice_2, self.invoice_other):
                response = self.url_open(f"/my/invoices/{other.id}?access_token={token}", allow_redirects=False)
                self._assert_refused(response, other.name)
