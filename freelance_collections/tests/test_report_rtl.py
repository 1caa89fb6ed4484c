from freezegun import freeze_time
from lxml import html as lxml_html

from odoo import Command
from odoo.tests import tagged

from .common import CollectionsCommon

STATEMENT = "freelance_collections.action_report_statement"
DEMAND_LETTER = "freelance_collections.action_report_demand_letter"
INVOICE = "account.account_invoices"


@tagged("post_install", "-at_install")
class TestReportRtl(CollectionsCommon):
    """The statement, the demand letter and the invoice PDF are written right to left, in Hebrew,
    for a Hebrew client, whoever prints them; left to right for an English one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("he_IL")
        cls.env.ref("base.module_freelance_collections")._update_translations(["he_IL"], overwrite=True)
        cls.env.user.lang = "en_US"  # the one printing reads English
        cls.policy.write({"discount_tier_ids": [Command.create({"days": 10, "percent": 2})]})
        cls.client.lang = "he_IL"
        cls.english = cls.env["res.partner"].create({"name": "English Client Ltd", "is_company": True, "lang": "en_US"})
        with freeze_time("2026-03-01"):
            cls.hebrew_invoice = cls._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-01-31")
            cls.english_invoice = cls._invoice(
                amount=500, invoice_date="2026-01-01", due_date="2026-01-31", partner=cls.english
            )
            cls.offer_invoice = cls._invoice(amount=800, invoice_date="2026-03-01", due_date="2026-03-31")

    def _html(self, report, records):
        with freeze_time("2026-03-01"):
            content = self.env["ir.actions.report"]._render_qweb_html(report, records.ids)[0].decode()
        return content, lxml_html.fromstring(content)

    def _pages(self, root):
        return root.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' page ')]")

    def _article(self, root):
        return root.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' article ')]")[0]

    def test_statement_hebrew_client_is_rtl_and_hebrew(self):
        content, root = self._html(STATEMENT, self.client)
        self.assertEqual(root.xpath("//body")[0].get("dir"), "rtl")
        self.assertEqual(self._pages(root)[0].get("dir"), "rtl")
        self.assertEqual(
            self._article(root).get("data-oe-lang"),
            "he_IL",
            "the PDF renders the page in the client's language (and direction)",
        )
        self.assertIn("דף חשבון", content)  # "Statement of account"
        self.assertNotIn("Statement of account", content)
        self.assertIn(self.hebrew_invoice.name, content)

    def test_statement_english_client_is_ltr(self):
        content, root = self._html(STATEMENT, self.english)
        self.assertEqual(root.xpath("//body")[0].get("dir"), "ltr")
        self.assertEqual(self._pages(root)[0].get("dir"), "ltr")
        self.assertIn("Statement of account", content)
        self.assertNotIn("דף חשבון", content)
        self.assertIn(self.english_invoice.name, content)

    def test_statement_printed_by_a_hebrew_user_for_an_english_client_is_ltr(self):
        self.env.user.lang = "he_IL"
        content, root = self._html(STATEMENT, self.english)
        self.assertEqual(root.xpath("//body")[0].get("dir"), "ltr")
        self.assertIn("Statement of account", content)

    def test_statements_of_both_clients_together_keep_their_direction(self):
        content, root = self._html(STATEMENT, self.client | self.english)
        self.assertEqual([page.get("dir") for page in self._pages(root)], ["rtl", "ltr"])
        self.assertIn("דף חשבון", content)
        self.assertIn("Statement of account", content)

    def test_demand_letter_hebrew_client_is_rtl_and_hebrew(self):
        content, root = self._html(DEMAND_LETTER, self.client)
        self.assertEqual(root.xpath("//body")[0].get("dir"), "rtl")
        self.assertEqual(self._pages(root)[0].get("dir"), "rtl")
        self.assertEqual(self._article(root).get("data-oe-lang"), "he_IL")
        self.assertIn("התראה ודרישה לתשלום", content)  # "Formal notice to pay"
        self.assertNotIn("Formal notice to pay", content)

    def test_demand_letter_english_client_is_ltr(self):
        content, root = self._html(DEMAND_LETTER, self.english)
        self.assertEqual(root.xpath("//body")[0].get("dir"), "ltr")
        self.assertEqual(self._pages(root)[0].get("dir"), "ltr")
        self.assertIn("Formal notice to pay", content)

    def test_invoice_hebrew_client_is_rtl_with_the_offer_in_hebrew(self):
        content, root = self._html(INVOICE, self.offer_invoice)
        self.assertEqual(root.xpath("//body")[0].get("dir"), "rtl")
        self.assertEqual(self._article(root).get("data-oe-lang"), "he_IL")
        self.assertIn("הצעה לתשלום מוקדם", content)  # "Early-payment offer"
        content, root = self._html(INVOICE, self.english_invoice)
        self.assertEqual(root.xpath("//body")[0].get("dir"), "ltr")

    def test_hebrew_statement_pdf(self):
        with freeze_time("2026-03-01"):
            pdf, kind = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(STATEMENT, self.client.ids)
            )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
