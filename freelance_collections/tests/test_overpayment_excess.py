"""What is and is not an overpayment: what was owed, across payments, credits, companies and currencies."""

from freezegun import freeze_time

from odoo.tests import tagged

from .common_overpayment import OverpaymentCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-01-10")
class TestOverpaymentExcess(OverpaymentCommon):
    # ---- what is not an overpayment ----------------------------------------------------------

    def test_payment_of_exactly_the_debt_is_not_flagged(self):
        invoice = self._invoice(1000.0, invoice_date="2026-01-05", due_date="2026-02-04")
        payment = self._register(invoice, 1000.0)
        self.assertEqual(payment.collection_overpaid_amount, 0.0)
        self.assertFalse(payment.collection_overpaid_unverified)
        refund = self._refund(100.0)
        self.assertEqual(refund.collection_refund_blocked_amount, 0.0)
        refund.action_post()

    def test_partial_payments_are_not_flagged(self):
        invoice = self._invoice(1000.0, invoice_date="2026-01-05", due_date="2026-02-04")
        first = self._register(invoice, 400.0)
        second = self._register(invoice, 600.0)
        self.assertEqual((first | second).mapped("collection_overpaid_amount"), [0.0, 0.0])
        self.assertEqual(invoice.payment_state, "paid")

    def test_two_invoices_paid_together_are_what_was_owed(self):
        invoices = self._invoice(600.0, invoice_date="2026-01-05") | self._invoice(400.0, invoice_date="2026-01-06")
        payment = self._register(invoices, 1100.0)
        self.assertEqual(payment.collection_overpaid_amount, 100.0)

    def test_credits_count_against_what_was_owed(self):
        self._invoice(1000.0, invoice_date="2026-01-05")
        self._invoice(300.0, invoice_date="2026-01-06", move_type="out_refund")
        payment = self._receive(1000.0)
        self.assertEqual(payment.collection_overpaid_amount, 300.0)

    def test_payment_on_account_with_nothing_owed_is_all_excess(self):
        payment = self._receive(800.0)
        self.assertEqual(payment.collection_overpaid_amount, 800.0)
        self.assertTrue(payment.collection_overpaid_unverified)

    def test_payments_posted_together_count_for_one_another(self):
        self._invoice(1000.0, invoice_date="2026-01-05")
        payments = self.env["account.payment"].create(
            [
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.client.id,
                    "amount": amount,
                    "date": date,
                    "journal_id": self.bank.id,
                }
                for amount, date in ((700.0, "2026-01-09"), (700.0, "2026-01-10"))
            ]
        )
        payments.action_post()
        self.assertEqual(payments.mapped("collection_overpaid_amount"), [0.0, 400.0])

    def test_vendor_payments_and_supplier_refunds_are_left_alone(self):
        self._scam()
        vendor_payment = self.env["account.payment"].create(
            {
                "payment_type": "outbound",
                "partner_type": "supplier",
                "partner_id": self.client.id,
                "amount": 200.0,
                "journal_id": self.bank.id,
            }
        )
        vendor_payment.action_post()
        self.assertEqual(vendor_payment.state, "in_process")

    # ---- companies and currencies ------------------------------------------------------------

    def test_second_company_is_isolated(self):
        company_2 = self.setup_other_company(name="Second Co")["company"]
        self.billing.company_ids |= company_2
        self._scam()
        # The overpayment in the first company holds no refund back in the second one.
        self.assertEqual(self.client.with_company(company_2).collection_overpaid_unverified_count, 0)
        refund = self._refund(500.0, company=company_2)
        self.assertEqual(refund.company_id, company_2)
        refund.action_post()
        self.assertEqual(refund.state, "in_process")
        # And a debt in the second company is not what the client owed in the first one.
        self._invoice(2000.0, invoice_date="2026-01-05", company=company_2)
        on_account = self._receive(300.0)
        self.assertEqual(on_account.collection_overpaid_amount, 300.0)
        in_company_2 = self._receive(2000.0, company=company_2)
        self.assertEqual(in_company_2.collection_overpaid_amount, 0.0)

    def test_other_currency_compared_in_the_payment_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0), ("2026-01-10", 4.0)])
        # 1,000 EUR invoiced at 2 EUR per USD (500 USD), paid on the 10th at 4 (250 USD): no excess.
        self._invoice(1000.0, invoice_date="2026-01-05", currency=eur)
        exact = self._receive(1000.0, currency=eur)
        self.assertEqual(exact.collection_overpaid_amount, 0.0)
        # 1,200 EUR for a new invoice of 1,000 EUR: 200 EUR above, 50 USD at the payment's rate.
        self._invoice(1000.0, invoice_date="2026-01-06", currency=eur)
        over = self._receive(1200.0, currency=eur)
        self.assertRecordValues(
            over,
            [
                {
                    "collection_overpaid_amount": 200.0,
                    "collection_overpaid_amount_company": 50.0,
                }
            ],
        )
        self.assertEqual(self.client.collection_overpaid_unverified_amount, 50.0)

    def test_payment_in_company_currency_for_an_invoice_in_another(self):
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        self._invoice(1000.0, invoice_date="2026-01-05", currency=eur)  # 500 USD
        self.assertEqual(self._receive(500.0).collection_overpaid_amount, 0.0)
        self._invoice(1000.0, invoice_date="2026-01-06", currency=eur)
        self.assertEqual(self._receive(600.0).collection_overpaid_amount, 100.0)
