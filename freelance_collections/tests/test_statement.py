import shutil
import subprocess
import tempfile
from datetime import date

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import CollectionsCommon

STATEMENT = "freelance_collections.action_report_statement"
DEMAND_LETTER = "freelance_collections.action_report_demand_letter"
TODAY = "2026-03-31"
PERIOD = {"collection_statement_date_from": "2026-03-01", "collection_statement_date_to": "2026-03-31"}


@tagged("post_install", "-at_install")
class TestStatement(CollectionsCommon):
    """The statement of account: opening balance, movements with a running balance, closing balance,
    open items aged with their accrued late fees, the balance link and its QR code."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.external_report_layout_id = cls.env.ref("web.external_layout_standard")
        cls.currency = cls.env.company.currency_id

    def _data(self, partner=None, **period):
        partner = partner or self.client
        return partner.with_context(**(period or PERIOD))._collection_statement_data()

    def _html(self, report, partner, **context):
        content = (
            self.env["ir.actions.report"].with_context(**context)._render_qweb_html(report, partner.ids)[0].decode()
        )
        return content, lxml_html.fromstring(content)

    def _unapplied_payment(self, amount, on_date):
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.client.id,
                "amount": amount,
                "date": on_date,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        self.assertTrue(payment.move_id, "the payment has a journal entry on the receivable account")
        return payment

    def _credit_note(self, amount, on_date, invoice=None):
        credit = self._invoice(amount=amount, invoice_date=on_date, due_date=on_date, move_type="out_refund")
        if invoice:
            (credit | invoice).line_ids.filtered(lambda ln: ln.account_type == "asset_receivable").reconcile()
        return credit

    @freeze_time(TODAY)
    def test_running_balance_of_the_period(self):
        before = self._invoice(amount=400, invoice_date="2026-02-10", due_date="2026-02-28")
        invoice = self._invoice(amount=1000, invoice_date="2026-03-05", due_date="2026-04-04")
        payment = self._pay(invoice, amount=300, date="2026-03-10")
        credit = self._credit_note(100, "2026-03-15", invoice=invoice)
        unapplied = self._unapplied_payment(50, "2026-03-20")
        self._invoice(amount=999, invoice_date="2026-04-02", due_date="2026-04-30")  # after the period

        data = self._data()
        self.assertEqual((data["date_from"], data["date_to"]), (date(2026, 3, 1), date(2026, 3, 31)))
        self.assertEqual(data["currency"], self.currency)
        self.assertEqual(data["opening_balance"], 400, "the invoice of February is owed at March 1st")
        self.assertEqual(
            [(line["move"], line["debit"], line["credit"], line["balance"]) for line in data["lines"]],
            [
                (invoice, 1000, 0, 1400),
                (payment.move_id, 0, 300, 1100),
                (credit, 0, 100, 1000),
                (unapplied.move_id, 0, 50, 950),
            ],
        )
        self.assertEqual([line["kind"] for line in data["lines"]], ["Invoice", "Payment", "Credit note", "Payment"])
        self.assertEqual([line["unapplied"] for line in data["lines"]], [0, 0, 0, 50])
        self.assertEqual((data["total_debit"], data["total_credit"], data["closing_balance"]), (1000, 450, 950))
        # the open items explain the closing balance
        self.assertEqual(
            [(item["move"], item["amount"]) for item in data["open_items"]],
            [(before, 400), (unapplied.move_id, -50), (invoice, 600)],
        )
        self.assertEqual(data["ageing_total"], 950)
        self.assertEqual(data["open_totals"], [{"currency": self.currency, "amount": 950, "fee_accrued": 0}])

        content, root = self._html(STATEMENT, self.client, **PERIOD)
        self.assertIn("Opening balance", content)
        self.assertIn("Closing balance", content)
        for move in (invoice, payment.move_id, credit, unapplied.move_id, before):
            self.assertIn(move.name, content)
        self.assertNotIn("999.00", content)

    @freeze_time(TODAY)
    def test_period_ending_before_a_payment_shows_the_invoice_still_open(self):
        invoice = self._invoice(amount=1000, invoice_date="2026-02-05", due_date="2026-03-07")
        self._pay(invoice, amount=1000, date="2026-03-20")
        data = self._data(collection_statement_date_from="2026-02-01", collection_statement_date_to="2026-03-10")
        self.assertEqual(data["closing_balance"], 1000)
        self.assertEqual(
            [(item["move"], item["amount"], item["days_late"]) for item in data["open_items"]],
            [(invoice, 1000, 3)],
            "aged at the end of the period, before the payment",
        )
        self.assertFalse(self._data()["open_items"], "paid by the end of March")

    @freeze_time(TODAY)
    def test_ageing_buckets(self):
        dues = {
            "current": "2026-04-15",
            "1_30": "2026-03-21",
            "31_60": "2026-02-14",
            "61_90": "2026-01-15",
            "over_90": "2025-12-01",
        }
        invoices = {
            key: self._invoice(amount=100 * (index + 1), invoice_date="2025-11-01", due_date=due)
            for index, (key, due) in enumerate(dues.items())
        }
        data = self._data()
        by_move = {item["move"]: item for item in data["open_items"]}
        for key, invoice in invoices.items():
            self.assertEqual(by_move[invoice]["bucket"], key, invoice.invoice_date_due)
        self.assertEqual([by_move[invoices[key]]["days_late"] for key in dues], [0, 10, 45, 75, 120])
        self.assertEqual(
            [(bucket["key"], bucket["amount"]) for bucket in data["ageing"]],
            [("current", 100), ("1_30", 200), ("31_60", 300), ("61_90", 400), ("over_90", 500)],
        )
        self.assertEqual(data["opening_balance"], 1500, "all invoiced in November")
        self.assertFalse(data["lines"])
        content, root = self._html(STATEMENT, self.client, **PERIOD)
        self.assertIn("Over 90 days", content)
        self.assertIn("No movement in this period.", content)
        cells = root.xpath("//td[@name='ageing_over_90']")
        self.assertIn("500.00", cells[0].text_content())

    def test_accrued_fees_and_late_fee_invoices_next_to_their_invoice(self):
        self.client.collection_policy_id = self.env["collection.policy"].create(
            self._policy_vals("Stepped", penalty_tier_ids=[Command.create({"days_late": 15, "percent": 5})])
        )
        with freeze_time(TODAY):
            origin = self._invoice(amount=1000, invoice_date="2026-01-02", due_date="2026-02-01")
            other = self._invoice(amount=200, invoice_date="2026-01-10", due_date="2026-02-10")
            fee = self._invoice(amount=30, invoice_date="2026-03-25", due_date="2026-03-25")
            fee.collection_penalty_origin_id = origin
            self.env.invalidate_all()
            accrued, accrued_other = origin.collection_fee_accrued, other.collection_fee_accrued
            self.assertEqual((accrued, accrued_other), (20, 10), "5% of 1000 less the 30 invoiced; 5% of 200")
            data = self._data()
            self.assertEqual(
                [item["move"] for item in data["open_items"]],
                [origin, fee, other],
                "the late-fee invoice comes right after the invoice it charges",
            )
            self.assertEqual([item["fee_accrued"] for item in data["open_items"]], [20, 0, 10])
            self.assertEqual(data["open_totals"][0]["fee_accrued"], 30)
            self.assertEqual(data["open_totals"][0]["amount"], 1230)
            self.assertEqual(data["lines"][0]["kind"], "Late fees")
            content, root = self._html(STATEMENT, self.client, **PERIOD)
        self.assertIn("Late fees accrued, not yet invoiced", content)
        self.assertTrue(root.xpath(f"//tr[@name='fee_of_{origin.id}']"))

    @freeze_time(TODAY)
    def test_second_company_lines_are_excluded(self):
        company_2 = self.setup_other_company(name="Second Co")["company"]
        self._invoice(amount=700, invoice_date="2026-03-02", due_date="2026-04-01", company=company_2)
        mine = self._invoice(amount=100, invoice_date="2026-03-02", due_date="2026-04-01")
        data = self._data()
        self.assertEqual([line["move"] for line in data["lines"]], [mine])
        self.assertEqual(data["closing_balance"], 100)
        data_2 = self.client.with_company(company_2).with_context(**PERIOD)._collection_statement_data()
        self.assertEqual(data_2["closing_balance"], 700)
        self.assertEqual(data_2["company"], company_2)

    @freeze_time(TODAY)
    def test_foreign_currency_invoice_in_company_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 0.5)])
        invoice = self._invoice(amount=1000, currency=eur, invoice_date="2026-03-02", due_date="2026-04-01")
        data = self._data()
        line = data["lines"][0]
        self.assertEqual((line["debit"], line["balance"]), (2000, 2000), "converted at the invoice's rate")
        self.assertEqual((line["foreign_currency"], line["foreign_amount"]), (eur, 1000))
        item = data["open_items"][0]
        self.assertEqual(
            (item["move"], item["currency"], item["amount"], item["amount_company"]), (invoice, eur, 1000, 2000)
        )
        self.assertEqual(data["open_totals"], [{"currency": eur, "amount": 1000, "fee_accrued": 0}])
        self.assertEqual(data["ageing_total"], 2000)
        content, root = self._html(STATEMENT, self.client, **PERIOD)
        self.assertIn(f"Amounts in {self.currency.name}", content, "the statement says its currency")
        total = root.xpath("//table[@name='statement_open_items']/tfoot/tr")[0].text_content()
        self.assertIn("Total due (EUR)", " ".join(total.split()))

    @freeze_time(TODAY)
    def test_hebrew_client_statement_is_rtl_with_the_balance_link(self):
        self.env["res.lang"]._activate_lang("he_IL")
        self.client.lang = "he_IL"
        self._invoice(amount=100, invoice_date="2026-03-02", due_date="2026-04-01")
        content, root = self._html(STATEMENT, self.client, **PERIOD)
        self.assertEqual(root.xpath("//body")[0].get("dir"), "rtl")
        page = root.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' page ')]")[0]
        self.assertEqual(page.get("dir"), "rtl")
        link = root.xpath("//div[@name='collection_balance_link']//a")[0]
        self.assertEqual(link.get("href"), self.client._collection_balance_url())
        self.assertEqual(link.get("dir"), "ltr", "the URL reads left to right in a Hebrew letter")

    @freeze_time("2026-03-15")
    def test_wizard_defaults_bad_dates_and_print(self):
        form = Form(
            self.env["collection.statement.wizard"].with_context(
                active_model="res.partner", active_id=self.client_contact.id
            )
        )
        self.assertEqual(form.partner_id, self.client, "the client, not its contact")
        self.assertEqual((form.date_from, form.date_to), (date(2025, 12, 1), date(2026, 3, 15)))
        wizard = form.save()
        with self.assertRaises(ValidationError):
            wizard.write({"date_from": "2026-03-16"})
        with self.assertRaises(ValidationError):
            self.env["collection.statement.wizard"].create(
                {"partner_id": self.client.id, "date_from": "2026-03-02", "date_to": "2026-03-01"}
            )
        with self.assertRaises(ValidationError):
            self._data(collection_statement_date_from="2026-03-02", collection_statement_date_to="2026-03-01")
        wizard.date_from = "2026-02-01"
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "freelance_collections.report_statement")
        self.assertEqual(action["context"]["collection_statement_date_from"], "2026-02-01")
        self.assertEqual(action["context"]["collection_statement_date_to"], "2026-03-15")
        opened = self.client.action_collection_statement()
        self.assertEqual(opened["res_model"], "collection.statement.wizard")
        self.assertEqual(self.env["collection.statement.wizard"].browse(opened["res_id"]).partner_id, self.client)

    @freeze_time(TODAY)
    def test_report_without_period_uses_the_default_one(self):
        data = self.client._collection_statement_data()
        self.assertEqual((data["date_from"], data["date_to"]), (date(2025, 12, 1), date(2026, 3, 31)))

    @freeze_time(TODAY)
    def test_demand_letter_has_the_balance_link_and_qr(self):
        self._invoice(amount=100, invoice_date="2026-01-02", due_date="2026-02-01")
        content, root = self._html(DEMAND_LETTER, self.client)
        self.assertIn("Pay online:", content)
        block = root.xpath("//div[@name='collection_balance_link']")[0]
        self.assertEqual(block.xpath(".//a")[0].get("href"), self.client._collection_balance_url())
        self.assertTrue(block.xpath(".//img")[0].get("src").startswith("data:image/png;base64,"), "the QR code")

    @freeze_time(TODAY)
    def test_pdf_renders_with_the_link(self):
        self._invoice(amount=400, invoice_date="2026-02-10", due_date="2026-02-28")
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True, **PERIOD)
            ._render_qweb_pdf(STATEMENT, self.client.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        if not shutil.which("pdftotext"):
            content, _root = self._html(STATEMENT, self.client, **PERIOD)
            self.assertIn("Pay online:", content)
            return
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", file.name, "-"], capture_output=True, check=True, text=True
            ).stdout
        self.assertIn("Statement of account", text)
        self.assertIn("Pay online:", text)
        self.assertIn("/collections/balance/", text)
        self.assertIn("Opening balance", text)
