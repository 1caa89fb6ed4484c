from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.account_payment.tests.common import AccountPaymentCommon

from .common import CollectionsCommon


def _panel(env, invoice):
    return str(env["ir.qweb"]._render("freelance_collections.portal_invoice_collections", {"invoice": invoice.sudo()}))


@tagged("post_install", "-at_install")
class TestPortalPanel(CollectionsCommon):
    """The collections panel of the customer's invoice page (rendered as the portal does, in sudo)."""

    def _panel(self, invoice):
        return _panel(self.env, invoice)

    def test_installments_stage_message_fees_and_clause(self):
        self.policy.write(
            {
                "penalty_clause": "<p>Late payments bear a 5% surcharge after 15 days.</p>",
                "penalty_tier_ids": [Command.create({"days_late": 15, "percent": 5})],
                "quiet_days": "none",
            }
        )
        self.stage_firm.portal_message = "This invoice is 15 days overdue: please pay it now."
        template = self.env.ref("freelance_collections.deposit_template_30_30_40")
        with freeze_time("2026-03-01"):
            invoice = self._invoice(
                amount=1000,
                invoice_date="2026-03-01",
                due_date="2026-04-30",
                collection_deposit_template_id=template.id,
            )
        with freeze_time("2026-04-20"):
            self._pay(invoice, amount=300)
            self.env["collection.run"]._cron_run_collections()
            html = self._panel(invoice)
            self.assertIn("Installments", html)
            for label in ("Upfront deposit (30%)", "Agreed milestone (30%)", "On completion (40%)"):
                self.assertIn(label, html)
            self.assertIn("Paid", html)
            self.assertIn("Overdue", html, "the milestone of 31 March")
            self.assertIn("To pay", html, "the balance of 30 April")
            self.assertIn("15 days overdue", html, "the stage's message")
            fee = invoice.collection_penalty_ids
            self.assertTrue(fee)
            self.assertIn(fee.name, html)
            self.assertIn("5% surcharge", html)

    def test_offer_dispute_and_nothing_for_drafts(self):
        self.policy.discount_tier_ids = [Command.create({"days": 10, "percent": 2})]
        with freeze_time("2026-03-03"):
            invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31")
            html = self._panel(invoice)
            self.assertIn("Early-payment offer", html)
            self.assertIn("980.00", html)
            self.assertNotIn("Installments", html)
            invoice.write({"collection_dispute": True, "collection_dispute_reason": "Scope"})
            self.assertIn("Disputed", self._panel(invoice))
            draft = self._invoice(post=False)
            self.assertNotIn("invoice_collections", self._panel(draft))


@tagged("post_install", "-at_install")
class TestPortalPayNow(CollectionsCommon, AccountPaymentCommon):
    """What the portal's *Pay now* proposes (Odoo's ``_get_invoice_next_payment_values``) and what an
    online payment of that amount books, for offers on one due date and on installments."""

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
        cls.deposit_50_50 = cls.env.ref("freelance_collections.deposit_template_50_50")
        cls.loss_account = cls.env.company.account_journal_early_pay_discount_loss_account_id

    def _single(self):
        with freeze_time("2026-03-01"):
            return self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31")

    def _deposit(self):
        """1,000 in two installments: 500 on issue (1 March), 500 on 31 March; offer 2% until 11 March."""
        with freeze_time("2026-03-01"):
            return self._invoice(
                amount=1000,
                invoice_date="2026-03-01",
                due_date="2026-03-31",
                collection_deposit_template_id=self.deposit_50_50.id,
            )

    def _pay_online(self, invoice, amount):
        """An online payment of AMOUNT for INVOICE, done and post-processed as after the portal."""
        tx = (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.payment_method_id,
                    "reference": f"{invoice.name}-{len(invoice.transaction_ids) + 1}",
                    "amount": amount,
                    "currency_id": invoice.currency_id.id,
                    "partner_id": self.client.id,
                    "operation": "online_direct",
                    "invoice_ids": [Command.set(invoice.ids)],
                }
            )
        )
        tx._set_done()
        tx._post_process()
        self.assertTrue(tx.payment_id, "the transaction created its payment")
        return tx.payment_id

    def _panel(self, invoice):
        return _panel(self.env, invoice)

    def _discount_booked(self, payment):
        return sum(payment.move_id.line_ids.filtered(lambda ln: ln.account_id == self.loss_account).mapped("balance"))

    def test_a_single_due_date_inside_the_window_proposes_the_discounted_total(self):
        invoice = self._single()
        with freeze_time("2026-03-03"):
            values = invoice._get_invoice_next_payment_values()
            self.assertEqual(values["installment_state"], "epd")
            self.assertEqual(values["amount_due"], 980.0, "Pay now: the discounted total")
            self.assertEqual(values["epd_discount_amount_currency"], 20.0)
            self.assertIn("8 days left", self._panel(invoice))
            payment = self._pay_online(invoice, 980.0)
        self.assertEqual(self._discount_booked(payment), 20.0)
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))

    def test_b_deposit_schedule_inside_the_window(self):
        invoice = self._deposit()
        terms = invoice.line_ids.filtered(lambda ln: ln.display_type == "payment_term").sorted("date_maturity")
        with freeze_time("2026-03-01"):
            values = invoice._get_invoice_next_payment_values()
            self.assertEqual(values["installment_state"], "next")
            self.assertEqual(values["next_amount_to_pay"], 490.0, "the deposit, discounted")
            self.assertEqual(values["amount_due"], 980.0, "the full amount, discounted (Odoo said 1,000)")
            self.assertEqual(values["epd_discount_amount_currency"], 20.0)
            self.assertEqual(values["epd_days_left"], 10)
            html = self._panel(invoice)
            self.assertIn("10 days left", html)
            self.assertIn("980.00", html)
        with freeze_time("2026-03-05"):
            values = invoice._get_invoice_next_payment_values()
            self.assertEqual(values["installment_state"], "overdue", "the deposit was due on issue")
            self.assertEqual(values["next_amount_to_pay"], 490.0, "still discounted inside the window")
            self.assertEqual(values["next_payment_reference"], f"{invoice.name}-1")
            self.assertEqual(values["amount_due"], 980.0)
            payment = self._pay_online(invoice, 490.0)
            self.assertEqual(self._discount_booked(payment), 10.0)
            self.assertTrue(terms[0].reconciled, "the deposit is settled by its discounted amount")
            self.assertFalse(terms[1].reconciled)
            self.assertEqual(invoice.payment_state, "partial")
        with freeze_time("2026-03-11"):
            self.assertIn("Last day today", self._panel(invoice))
            values = invoice._get_invoice_next_payment_values()
            self.assertEqual(values["next_amount_to_pay"], 490.0, "the balance keeps its own offer")
            self.assertEqual(values["amount_due"], 490.0)
            payment = self._pay_online(invoice, 490.0)
        self.assertEqual(self._discount_booked(payment), 10.0)
        self.assertTrue(all(terms.mapped("reconciled")))

    def test_b_deposit_schedule_paid_in_full_online_inside_the_window(self):
        invoice = self._deposit()
        with freeze_time("2026-03-04"):
            payment = self._pay_online(invoice, 980.0)
        self.assertEqual(self._discount_booked(payment), 20.0)
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertTrue(
            all(invoice.line_ids.filtered(lambda ln: ln.display_type == "payment_term").mapped("reconciled"))
        )

    def test_b_a_link_for_the_whole_balance_proposes_it_discounted(self):
        invoice = self._deposit()
        with freeze_time("2026-03-02"):
            link = invoice._get_default_payment_link_values()
            self.assertEqual(link["amount_max"], 1000.0, "a link may still ask for the whole balance")
            self.assertTrue(link["has_eligible_epd"])
            values = invoice._get_invoice_next_payment_values(custom_amount=1000.0)
            self.assertEqual(values["amount_due"], 980.0)
            self.assertEqual(values["next_amount_to_pay"], 490.0)
            values = invoice._get_invoice_next_payment_values(custom_amount=300.0)
            self.assertEqual(values["next_amount_to_pay"], 300.0, "another amount stays Odoo's custom amount")

    def test_b_other_amounts_inside_the_window_take_no_discount(self):
        invoice = self._deposit()
        with freeze_time("2026-03-04"):
            payment = self._pay_online(invoice, 1000.0)
            self.assertEqual(self._discount_booked(payment), 0.0, "the whole balance, undiscounted")
            self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        invoice = self._deposit()
        with freeze_time("2026-03-04"):
            payment = self._pay_online(invoice, 700.0)
            self.assertEqual(self._discount_booked(payment), 0.0)
            self.assertEqual(invoice.amount_residual, 300.0)
            self.assertFalse(invoice.collection_discount_percent, "a part payment ends the offer")

    def test_c_after_the_window_the_balance(self):
        invoice = self._single()
        with freeze_time("2026-03-20"):
            self.env["collection.run"]._cron_run_collections()
            values = invoice._get_invoice_next_payment_values()
            self.assertFalse(values["installment_state"])
            self.assertEqual(values["amount_due"], 1000.0)
            self.assertEqual(values["next_amount_to_pay"], 1000.0)
            self.assertNotIn("days left", self._panel(invoice))
            payment = self._pay_online(invoice, 1000.0)
        self.assertEqual(self._discount_booked(payment), 0.0)
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))

    def test_c_after_the_window_the_next_installment(self):
        invoice = self._deposit()
        with freeze_time("2026-03-15"):
            self._pay(invoice, amount=500)  # the deposit, late, after the window
        with freeze_time("2026-03-20"):
            values = invoice._get_invoice_next_payment_values()
            self.assertEqual(values["installment_state"], "next")
            self.assertEqual(values["next_amount_to_pay"], 500.0)
            self.assertEqual(values["amount_due"], 500.0)

    def test_d_an_overdue_installment_after_the_window(self):
        invoice = self._deposit()
        with freeze_time("2026-03-20"):
            self.env["collection.run"]._cron_run_collections()
            values = invoice._get_invoice_next_payment_values()
            self.assertEqual(values["installment_state"], "overdue")
            self.assertEqual(values["next_amount_to_pay"], 500.0, "the overdue deposit, undiscounted")
            self.assertEqual(values["amount_due"], 1000.0, "the full balance")
            self.assertNotIn("epd_discount_amount_currency", values)
            payment = self._pay_online(invoice, 500.0)
        self.assertEqual(self._discount_booked(payment), 0.0)
        self.assertEqual(invoice.amount_residual, 500.0)

    def test_b_a_taxed_installment_paid_online_lowers_its_tax(self):
        """50/50 with 20% VAT ('included'): 600 + 600, 2% off each until 11 March. The deposit paid online
        at 588 books 10.00 on the discount account and lowers the tax by 2.00, as the register does."""
        tax = self.env["account.tax"].create({"name": "VAT 20 portal", "amount": 20, "type_tax_use": "sale"})
        with freeze_time("2026-03-01"):
            invoice = self._invoice(
                amount=1000,
                invoice_date="2026-03-01",
                due_date="2026-03-31",
                post=False,
                collection_deposit_template_id=self.deposit_50_50.id,
            )
            invoice.invoice_line_ids.tax_ids = tax
            invoice.action_post()
        terms = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term").sorted("date_maturity")
        with freeze_time("2026-03-05"):
            self.assertEqual(invoice._get_invoice_next_payment_values()["next_amount_to_pay"], 588.0)
            payment = self._pay_online(invoice, 588.0)
        self.assertAlmostEqual(self._discount_booked(payment), 10.0)
        self.assertAlmostEqual(
            sum(payment.move_id.line_ids.filtered(lambda line: line.tax_line_id == tax).mapped("balance")), 2.0
        )
        self.assertTrue(terms[0].reconciled)
        self.assertFalse(terms[1].reconciled)
