from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_discount import DiscountTiersCommon


@tagged("post_install", "-at_install")
class TestDiscountTiers(DiscountTiersCommon):
    """3% within 5 days, 2% within 10, 1% within 20, on Odoo's own early-payment discount."""

    def _tier_day(self, day, paid_on, expected_amount, expected_discount):
        with freeze_time("2026-03-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31")
            self.assertEqual(self._term(invoice).discount_date, date(2026, 3, 6))
            self.assertEqual(self._term(invoice).discount_amount_currency, 970.0)
        for run_day in range(2, day + 1):
            with freeze_time(f"2026-03-{run_day:02d}"):
                self.env["collection.run"]._cron_run_collections()
        with freeze_time(paid_on):
            amount = self._register(invoice, paid_on)
        self.assertEqual(amount, expected_amount, "the register proposes the discounted amount")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertTrue(self._term(invoice).reconciled)
        discount_lines = self.env["account.move.line"].search(
            [("account_id", "=", self.loss_account.id), ("partner_id", "=", self.client.id)]
        )
        self.assertAlmostEqual(
            sum(discount_lines.mapped("balance")),
            expected_discount,
            msg="Odoo books the discount on the early-payment discount account",
        )
        return invoice

    def test_paid_on_day_4_takes_3_percent(self):
        self._tier_day(4, "2026-03-05", 970.0, 30.0)

    def test_paid_on_day_9_takes_2_percent_after_the_run_moved_the_tier(self):
        invoice = self._tier_day(9, "2026-03-10", 980.0, 20.0)
        self.assertTrue(
            invoice.message_ids.filtered(lambda m: "2.0% until" in (m.body or "") or "2% until" in (m.body or ""))
        )

    def test_paid_on_day_16_takes_1_percent(self):
        self._tier_day(16, "2026-03-17", 990.0, 10.0)

    def test_after_the_last_tier_the_full_amount_is_due(self):
        with freeze_time("2026-03-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31")
        with freeze_time("2026-03-25"):
            self.env["collection.run"]._cron_run_collections()
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

    def test_excluded_mode(self):
        self.policy.discount_computation = "excluded"
        tax = self.env["account.tax"].create({"name": "VAT 20", "amount": 20, "type_tax_use": "sale"})
        with freeze_time("2026-03-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31", post=False)
            invoice.invoice_line_ids.tax_ids = tax
            invoice.action_post()
            self.assertEqual(self._term(invoice).discount_amount_currency, 1170.0, "3% of the untaxed 1,000")
            self.assertEqual(invoice.collection_discount_amount_to_pay, 1170.0)
            self.assertEqual(invoice.collection_discount_saving, 30.0)
        with freeze_time("2026-03-04"):
            self.assertEqual(self._register(invoice, date(2026, 3, 4)), 1170.0)
        tax_lines = self.env["account.move.line"].search([("tax_line_id", "=", tax.id)])
        self.assertAlmostEqual(sum(tax_lines.mapped("balance")), -200.0, msg="the tax is kept")

    def test_mixed_mode_taxes_the_discounted_base_upon_invoice(self):
        """Belgian 'mixed' mode: 21% VAT on 1,000 less the best tier (3%): 203.70, whatever is paid."""
        self.policy.discount_computation = "mixed"
        tax = self.env["account.tax"].create({"name": "VAT 21", "amount": 21, "type_tax_use": "sale"})
        with freeze_time("2026-03-01"):
            invoice = self._taxed_invoice(tax)
            self.assertEqual(invoice.amount_untaxed, 1000.0)
            self.assertEqual(invoice.amount_tax, 203.7)
            self.assertEqual(invoice.amount_total, 1203.7)
            self.assertEqual(self._term(invoice).discount_amount_currency, 1173.7, "less 3% of the untaxed")
            self.assertTrue(
                invoice.line_ids.filtered(lambda ln: ln.display_type == "epd"),
                "Odoo's own 'upon invoice' discount lines carry the tax reduction",
            )
        for day in range(2, 10):
            with freeze_time(f"2026-03-{day:02d}"):
                self.env["collection.run"]._cron_run_collections()
        self.assertEqual(self._term(invoice).discount_amount_currency, 1183.7, "2% tier: less 20.00")
        with freeze_time("2026-03-09"):
            self.assertEqual(self._register(invoice, date(2026, 3, 9)), 1183.7)
        self.assertEqual(invoice.payment_state, "paid")
        tax_lines = self.env["account.move.line"].search([("tax_line_id", "=", tax.id)])
        self.assertAlmostEqual(sum(tax_lines.mapped("balance")), -203.7, msg="the tax is not touched at payment")
        loss = self.env["account.move.line"].search(
            [("account_id", "=", self.loss_account.id), ("partner_id", "=", self.client.id)]
        )
        self.assertAlmostEqual(sum(loss.mapped("balance")), 20.0)

    def test_mixed_mode_credit_note_follows_the_invoice(self):
        self.policy.discount_computation = "mixed"
        tax = self.env["account.tax"].create({"name": "VAT 21", "amount": 21, "type_tax_use": "sale"})
        with freeze_time("2026-03-01"):
            invoice = self._taxed_invoice(tax)
            reversal = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"reason": "Cancelled", "journal_id": invoice.journal_id.id})
            )
            refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
            self.assertEqual(refund.amount_total, 1203.7, "the credit note mirrors the invoice's tax")
            self.assertFalse(self._term(refund).discount_date, "no offer on a credit note")

    def test_invoice_pdf_shows_the_offer_and_the_penalty_clause(self):
        self.policy.penalty_clause = "<p>Late payments bear interest at 10% a year.</p>"
        with freeze_time("2026-03-02"):
            invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31")
            html = self.env["ir.actions.report"]._render_qweb_html("account.account_invoices", invoice.ids)[0].decode()
            self.assertIn("Early-payment offer", html)
            self.assertIn("970.00", html)
            self.assertIn("Late payments bear interest at 10% a year.", html)

    def test_courtesy_reminder_shows_the_offer(self):
        self.policy.discount_tier_ids = [Command.clear(), Command.create({"days": 28, "percent": 2})]
        self.stage_pre.mail_template_id = self.env.ref("freelance_collections.mail_template_courtesy")
        with freeze_time("2026-03-28"):  # courtesy stage, 3 days before the due date, offer until 29 March
            invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31")
            self.env["collection.run"]._cron_run_collections()
            email = self.env["mail.message"].search(
                [("model", "=", "res.partner"), ("res_id", "=", self.client.id), ("message_type", "=", "comment")]
            )
            self.assertEqual(len(email), 1)
            self.assertIn("Pay early and save", email.body)
            self.assertIn("980.00", email.body)
            self.assertIn(invoice.name, email.body)

    def test_invoice_in_usd_for_a_company_in_eur(self):
        """1,000 USD at 1.25 USD per EUR = 800 EUR; paid on day 4 in USD: 970 USD, the 30 USD discount is 24 EUR."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        company = self.setup_other_company(name="EUR Co", currency_id=eur.id)["company"]
        usd = self.env.ref("base.USD")
        self.env["res.currency.rate"].create(
            {"name": "2026-01-01", "rate": 1.25, "currency_id": usd.id, "company_id": company.id}
        )
        policy = self.env["collection.policy"].create(
            self._policy_vals(
                "EUR policy",
                company_id=company.id,
                currency_id=eur.id,
                quiet_days="none",
                discount_nudge_days=0,
                discount_tier_ids=[
                    Command.create({"days": 5, "percent": 3}),
                    Command.create({"days": 10, "percent": 2}),
                ],
            )
        )
        self.client.with_company(company).collection_policy_id = policy
        with freeze_time("2026-03-01"):
            invoice = self._invoice(
                amount=1000, company=company, currency=usd, invoice_date="2026-03-01", due_date="2026-03-31"
            )
            term = self._term(invoice)
            self.assertEqual((term.discount_amount_currency, term.discount_balance), (970.0, 776.0))
        with freeze_time("2026-03-04"):
            wizard = (
                self.env["account.payment.register"]
                .with_company(company)
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"payment_date": "2026-03-04"})
            )
            self.assertEqual((wizard.currency_id, wizard.amount), (usd, 970.0))
            payment = wizard._create_payments()
        self.assertEqual(invoice.payment_state, "paid")
        loss = payment.move_id.line_ids.filtered(
            lambda ln: ln.account_id == company.account_journal_early_pay_discount_loss_account_id
        )
        self.assertEqual((loss.amount_currency, loss.balance), (30.0, 24.0))
        self.assertTrue(eur.is_zero(sum(payment.move_id.line_ids.mapped("balance"))))

    # Odoo's own early discount and a tier of the same percentage book the same journal items: the tiers
    # follow Odoo's methods (account_move_discount.py, account_move_line_discount.py) with the tier's
    # percentage, and these tests tell when an Odoo update makes them part.

    def _native_term(self, computation):
        return self.env["account.payment.term"].create(
            {
                "name": f"3% within 5 days ({computation})",
                "early_discount": True,
                "discount_percentage": 3,
                "discount_days": 5,
                "early_pay_discount_computation": computation,
                "line_ids": [Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})],
            }
        )

    def _two_rate_invoice(self, taxes, **extra):
        """333.33 at the first tax and 166.67 at the second: amounts that round."""
        invoice = self._invoice(amount=333.33, invoice_date="2026-03-01", due_date="2026-03-31", post=False, **extra)
        invoice.invoice_line_ids.tax_ids = taxes[0]
        invoice.write(
            {
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Expenses",
                            "quantity": 1,
                            "price_unit": 166.67,
                            "tax_ids": [Command.set(taxes[1].ids)],
                        }
                    )
                ]
            }
        )
        invoice.action_post()
        return invoice

    def _booking(self, invoice):
        """What Odoo books on top of the payment when the discount of the invoice's one installment is taken."""
        term_line = self._term(invoice)
        res = invoice._get_invoice_counterpart_amls_for_early_payment_discount_per_payment_term_line()
        return {key: dict(res[key][term_line]) for key in ("term_lines", "tax_lines", "base_lines")}

    def _epd_lines(self, invoice):
        return sorted(
            (line.name, line.account_id.id, line.tax_ids.ids, line.amount_currency, line.balance)
            for line in invoice.line_ids.filtered(lambda line: line.display_type == "epd")
        )

    def _assert_as_odoo(self, computation, **extra):
        self.policy.discount_computation = computation
        taxes = self.env["account.tax"].create(
            [
                {"name": f"VAT 21 {computation}", "amount": 21, "type_tax_use": "sale"},
                {"name": f"VAT 6 {computation}", "amount": 6, "type_tax_use": "sale"},
            ]
        )
        with freeze_time("2026-03-01"):
            tiered = self._two_rate_invoice(taxes, **extra)
            native = self._two_rate_invoice(taxes, invoice_payment_term_id=self._native_term(computation).id, **extra)
        self.assertTrue(tiered._collection_uses_tiers())
        self.assertFalse(native._collection_uses_tiers(), "Odoo's own early discount")
        self.assertEqual((tiered.amount_tax, tiered.amount_total), (native.amount_tax, native.amount_total))
        self.assertEqual(self._epd_lines(tiered), self._epd_lines(native))
        for field in ("discount_date", "discount_amount_currency", "discount_balance"):
            self.assertEqual(self._term(tiered)[field], self._term(native)[field], field)
        booking = self._booking(tiered)
        self.assertEqual(booking, self._booking(native))
        return tiered, booking

    def test_included_mode_books_as_odoo(self):
        tiered, booking = self._assert_as_odoo("included")
        self.assertEqual(len(booking["tax_lines"]), 2, "both taxes are lowered")
        self.assertEqual(len(booking["base_lines"]), 2)
        self.assertAlmostEqual(
            sum(
                values["amount_currency"]
                for values in (*booking["tax_lines"].values(), *booking["base_lines"].values())
            ),
            self._term(tiered).amount_currency - self._term(tiered).discount_amount_currency,
            msg="the items add up to the discount",
        )

    def test_excluded_mode_books_as_odoo(self):
        _tiered, booking = self._assert_as_odoo("excluded")
        self.assertEqual(len(booking["term_lines"]), 1)
        self.assertFalse(booking["tax_lines"])

    def test_mixed_mode_books_as_odoo(self):
        tiered, _booking = self._assert_as_odoo("mixed")
        self.assertTrue(self._epd_lines(tiered), "the tax upon invoice on the discounted base")

    def test_included_mode_in_another_currency_books_as_odoo(self):
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 1.3)])
        _tiered, booking = self._assert_as_odoo("included", currency=eur)
        self.assertTrue(booking["tax_lines"])

    def test_mixed_mode_in_another_currency_books_as_odoo(self):
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 1.3)])
        self._assert_as_odoo("mixed", currency=eur)

    def test_the_booking_is_labelled_as_odoo_labels_it(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        tiered, _booking = self._assert_as_odoo("included")
        names = {
            values["name"]
            for per_grouping in self._booking(tiered.with_context(lang="fr_FR")).values()
            for values in per_grouping.values()
        }
        self.assertTrue(names)
        self.assertFalse(
            {name for name in names if name.startswith("Early Payment Discount")},
            "Odoo's own labels, in the user's language",
        )
