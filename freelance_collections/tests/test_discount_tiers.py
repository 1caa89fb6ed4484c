from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestDiscountTiers(CollectionsCommon):
    """3% within 5 days, 2% within 10, 1% within 20, on Odoo's own early-payment discount."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write({"quiet_days": "none", "discount_nudge_days": 0, "discount_tier_ids": [
            Command.create({"days": 5, "percent": 3}), Command.create({"days": 10, "percent": 2}),
            Command.create({"days": 20, "percent": 1})]})
        cls.loss_account = cls.env.company.account_journal_early_pay_discount_loss_account_id

    def _term(self, invoice):
        return invoice.line_ids.filtered(lambda l: l.display_type == "payment_term")

    def _register(self, invoice, day):
        wizard = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids).create({"payment_date": day})
        amount = wizard.amount
        wizard._create_payments()
        return amount

    def _tier_day(self, day, paid_on, expected_amount, expected_discount):
        with freeze_time("2026-03-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31")
            self.assertEqual(self._term(invoice).discount_date, date(2026, 3, 6))
            self.assertEqual(self._term(invoice).discount_amount_currency, 970.0)
        for run_day in range(2, day + 1):
            with freeze_time(f"2026-03-{run_day:02d}"):
                self.env["collection.policy"]._cron_run_collections()
        with freeze_time(paid_on):
            amount = self._register(invoice, paid_on)
        self.assertEqual(amount, expected_amount, "the register proposes the discounted amount")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertTrue(self._term(invoice).reconciled)
        discount_lines = self.env["account.move.line"].search([
            ("account_id", "=", self.loss_account.id), ("partner_id", "=", self.client.id)])
        self.assertAlmostEqual(sum(discount_lines.mapped("balance")), expected_discount,
                               msg="Odoo books the discount on the early-payment discount account")
        return invoice

    def test_paid_on_day_4_takes_3_percent(self):
        self._tier_day(4, "2026-03-05", 970.0, 30.0)

    def test_paid_on_day_9_takes_2_percent_after_the_run_moved_the_tier(self):
        invoice = self._tier_day(9, "2026-03-10", 980.0, 20.0)
        self.assertTrue(invoice.message_ids.filtered(lambda m: "2.0% until" in (m.body or "")
                                                     or "2% until" in (m.body or "")))

    def test_paid_on_day_16_takes_1_percent(self):
        self._tier_day(16, "2026-03-17", 990.0, 10.0)

    def test_after_the_last_tier_the_full_amount_is_due(self):
        with freeze_time("2026-03-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31")
        with freeze_time("2026-03-25"):
            self.env["collection.policy"]._cron_run_collections()
            self.assertEqual(self._register(invoice, date(2026, 3, 25)), 1000.0)

    def test_included_mode_lowers_the_tax(self):
        tax = self.env["account.tax"].create({"name": "VAT 20", "amount": 20, "type_tax_use": "sale"})
        with freeze_time("2026-03-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31", post=False)
            invoice.invoice_line_ids.tax_ids = tax
            invoice.action_post()
            self.assertEqual(invoice.amount_total, 1200.0)
            self.assertEqual(self._term(invoice).discount_amount_currency, 1164.0)
        with freeze_time("2026-03-04"):
            self.assertEqual(self._register(invoice, date(2026, 3, 4)), 1164.0)
        self.assertEqual(invoice.payment_state, "paid")
        tax_lines = self.env["account.move.line"].search([("tax_line_id", "=", tax.id)])
        self.assertAlmostEqual(sum(tax_lines.mapped("balance")), -194.0, msg="200 VAT less 3% of it")

    def test_excluded_mode_and_untiered_invoices(self):
        self.policy.discount_computation = "excluded"
        tax = self.env["account.tax"].create({"name": "VAT 20", "amount": 20, "type_tax_use": "sale"})
        with freeze_time("2026-03-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31", post=False)
            invoice.invoice_line_ids.tax_ids = tax
            invoice.action_post()
            self.assertEqual(self._term(invoice).discount_amount_currency, 1170.0, "3% of the untaxed 1,000")
            deposit = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31", post=False,
                                    collection_deposit_template_id=self.env.ref(
                                        "freelance_collections.deposit_template_50_50").id)
            deposit.action_post()
            self.assertFalse(any(self._term(deposit).mapped("discount_date")), "installments: no tier")

    def test_invoice_pdf_shows_the_offer_and_the_penalty_clause(self):
        self.policy.penalty_clause = "<p>Late payments bear interest at 10% a year.</p>"
        with freeze_time("2026-03-02"):
            invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31")
            html = self.env["ir.actions.report"]._render_qweb_html(
                "account.account_invoices", invoice.ids)[0].decode()
            self.assertIn("Early-payment offer", html)
            self.assertIn("970.00", html)
            self.assertIn("Late payments bear interest at 10% a year.", html)

    def test_courtesy_reminder_shows_the_offer(self):
        self.policy.discount_tier_ids = [Command.clear(), Command.create({"days": 28, "percent": 2})]
        self.stage_pre.mail_template_id = self.env.ref("freelance_collections.mail_template_courtesy")
        with freeze_time("2026-03-28"):  # courtesy stage, 3 days before the due date, offer until 29 March
            invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31")
            self.env["collection.policy"]._cron_run_collections()
            email = self.env["mail.message"].search([
                ("model", "=", "res.partner"), ("res_id", "=", self.client.id), ("message_type", "=", "comment")])
            self.assertEqual(len(email), 1)
            self.assertIn("Pay early and save", email.body)
            self.assertIn("980.00", email.body)
            self.assertIn(invoice.name, email.body)
