"""Discount tiers on installments (a deposit schedule, a multi-line payment term) and after a part payment."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_discount import DiscountTiersCommon


@tagged("post_install", "-at_install")
class TestDiscountInstallments(DiscountTiersCommon):
    def _register_line(self, line, day):
        """Pay one installment: the register opened on that journal item, as from the Journal Items list."""
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move.line", active_ids=line.ids)
            .create({"payment_date": day})
        )
        amount = wizard.amount
        payment = wizard._create_payments()
        self.assertEqual(payment.move_id.state, "posted")
        self.assertTrue(line.reconciled, "the installment is settled by its discounted amount")
        return amount, payment

    def _booked(self, account, payment):
        return sum(payment.move_id.line_ids.filtered(lambda ln: ln.account_id == account).mapped("balance"))

    def test_each_installment_carries_its_own_offer(self):
        """A 50/50 deposit schedule with 20% VAT ('included'): 600 + 600. The first installment is paid on
        day 4 with 3% off; the run moves the second to 2% after day 5; it is paid on day 9."""
        tax = self.env["account.tax"].create({"name": "VAT 20", "amount": 20, "type_tax_use": "sale"})
        with freeze_time("2026-03-01"):
            invoice = self._taxed_invoice(
                tax, collection_deposit_template_id=self.env.ref("freelance_collections.deposit_template_50_50").id
            )
            first, second = self._term(invoice).sorted("date_maturity")
            self.assertEqual((first.amount_currency, second.amount_currency), (600.0, 600.0))
            self.assertEqual((first.discount_date, second.discount_date), (date(2026, 3, 6), date(2026, 3, 6)))
            self.assertEqual((first.discount_amount_currency, second.discount_amount_currency), (582.0, 582.0))
            self.assertEqual(invoice.collection_discount_amount_to_pay, 1164.0)
        with freeze_time("2026-03-04"):
            amount, payment = self._register_line(first, date(2026, 3, 4))
        self.assertEqual(amount, 582.0)
        self.assertAlmostEqual(self._booked(self.loss_account, payment), 15.0, msg="3% of 500 untaxed")
        self.assertAlmostEqual(
            sum(payment.move_id.line_ids.filtered(lambda ln: ln.tax_line_id == tax).mapped("balance")),
            3.0,
            msg="3% of the installment's 100 VAT",
        )
        self.assertTrue(payment.currency_id.is_zero(sum(payment.move_id.line_ids.mapped("balance"))), "balanced")
        self.assertEqual(invoice.payment_state, "partial")
        with freeze_time("2026-03-04"):
            self.assertEqual(invoice.collection_discount_amount_to_pay, 582.0, "the second keeps its offer")
            self.assertEqual(invoice.collection_discount_saving, 18.0)
        for day in range(5, 10):
            with freeze_time(f"2026-03-{day:02d}"):
                self.env["collection.run"]._cron_run_collections()
        self.assertEqual((second.discount_date, second.discount_amount_currency), (date(2026, 3, 11), 588.0))
        with freeze_time("2026-03-09"):
            amount, payment = self._register_line(second, date(2026, 3, 9))
        self.assertEqual(amount, 588.0)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertAlmostEqual(self._booked(self.loss_account, payment), 10.0, msg="2% of 500 untaxed")

    def test_installments_paid_together_and_native_multi_line_terms(self):
        """A payment term of 30% now and 70% in 30 days, no tax: both installments discounted together."""
        term = self.env["account.payment.term"].create(
            {
                "name": "30/70",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 30, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 70, "nb_days": 30}),
                ],
            }
        )
        with freeze_time("2026-03-01"):
            invoice = self._invoice(
                amount=1000, invoice_date="2026-03-01", due_date=False, invoice_payment_term_id=term.id
            )
            self.assertEqual(sorted(self._term(invoice).mapped("discount_amount_currency")), [291.0, 679.0])
        with freeze_time("2026-03-03"):
            self.assertEqual(self._register(invoice, date(2026, 3, 3)), 970.0)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertTrue(all(self._term(invoice).mapped("reconciled")))

    def test_a_part_payment_ends_the_offer(self):
        with freeze_time("2026-03-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31")
        with freeze_time("2026-03-02"):
            self._pay(invoice, amount=100, date=date(2026, 3, 2))
            self.assertEqual(invoice.payment_state, "partial")
            self.assertEqual(invoice.collection_discount_percent, 0.0)
            self.assertFalse(invoice._is_eligible_for_early_payment_discount(invoice.currency_id, date(2026, 3, 2)))
            self.assertEqual(self._register(invoice, date(2026, 3, 2)), 900.0)

    def test_installments_in_excluded_and_mixed_modes(self):
        """A 50/50 deposit schedule: each installment is offered 3% of its half of the untaxed 1,000 (15.00)."""
        for computation, rate, installment in (("excluded", 20, 600.0), ("mixed", 21, 601.85)):
            with self.subTest(computation=computation):
                self.policy.discount_computation = computation
                tax = self.env["account.tax"].create(
                    {"name": f"VAT {rate} {computation}", "amount": rate, "type_tax_use": "sale"}
                )
                with freeze_time("2026-03-01"):
                    invoice = self._taxed_invoice(
                        tax,
                        collection_deposit_template_id=self.env.ref("freelance_collections.deposit_template_50_50").id,
                    )
                    first, second = self._term(invoice).sorted("date_maturity")
                    self.assertEqual((first.amount_currency, second.amount_currency), (installment, installment))
                    self.assertEqual(
                        (first.discount_amount_currency, second.discount_amount_currency),
                        (installment - 15.0, installment - 15.0),
                    )
                with freeze_time("2026-03-04"):
                    amount, payment = self._register_line(first, date(2026, 3, 4))
                self.assertAlmostEqual(amount, installment - 15.0)
                self.assertAlmostEqual(self._booked(self.loss_account, payment), 15.0)
                self.assertFalse(payment.move_id.line_ids.filtered("tax_line_id"), "the tax is not touched at payment")
                self.assertFalse(second.reconciled)
