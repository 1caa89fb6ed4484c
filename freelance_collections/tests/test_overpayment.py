"""The overpayment-scam guard: an overpaid cheque, its refund refused until the money is matched
with a bank statement line or a collections manager approves with a reason."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from ..tools import compat
from .common import CollectionsCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-01-10")
class TestOverpayment(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.billing = new_test_user(
            cls.env, login="fc_scam_billing", groups="account.group_account_invoice", company_id=company.id
        )
        cls.manager = new_test_user(
            cls.env,
            login="fc_scam_manager",
            groups="account.group_account_invoice,freelance_collections.group_collections_manager",
            company_id=company.id,
        )
        cls.bank = cls.company_data["default_journal_bank"]

    # ---- builders --------------------------------------------------------------------------

    def _register(self, moves, amount, user=None, date="2026-01-10", memo="Cheque 0042"):
        wizard = (
            self.env["account.payment.register"]
            .with_user(user or self.billing)
            .with_context(
                active_model="account.move",
                active_ids=moves.ids,
            )
            .create(
                {
                    "amount": amount,
                    "payment_date": date,
                    "journal_id": self.bank.id,
                    "communication": memo,
                    "group_payment": True,
                }
            )
        )
        return wizard._create_payments()

    def _receive(self, amount, partner=None, company=None, currency=None, date="2026-01-10"):
        """A customer payment on account (no invoice), posted."""
        company = company or self.env.company
        journal = (
            self.bank
            if company == self.env.company
            else self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
        )
        payment = (
            self.env["account.payment"]
            .with_company(company)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": (partner or self.client).id,
                    "amount": amount,
                    "date": date,
                    "journal_id": journal.id,
                    **({"currency_id": currency.id} if currency else {}),
                }
            )
        )
        payment.action_post()
        return payment

    def _refund(self, amount=500.0, user=None, company=None):
        """A draft outbound customer payment: money back to the client."""
        company = company or self.env.company
        journal = (
            self.bank
            if company == self.env.company
            else self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
        )
        return (
            self.env["account.payment"]
            .with_user(user or self.billing)
            .with_company(company)
            .create(
                {
                    "payment_type": "outbound",
                    "partner_type": "customer",
                    "partner_id": self.client.id,
                    "amount": amount,
                    "date": "2026-01-12",
                    "journal_id": journal.id,
                }
            )
        )

    def _match_with_bank(self, payment, amount):
        """Match PAYMENT with a bank statement line of AMOUNT, as Odoo's own tests do without the
        (enterprise) reconciliation widget."""
        statement_line = self.env["account.bank.statement.line"].create(
            {
                "payment_ref": payment.name,
                "journal_id": self.bank.id,
                "partner_id": self.client.id,
                "amount": amount,
                "date": "2026-01-11",
            }
        )
        _liquidity, suspense, _other = statement_line.with_context(
            skip_account_move_synchronization=True
        )._seek_for_lines()
        payment_liquidity, _counterpart, _writeoff = payment._seek_for_lines()
        suspense.account_id = payment_liquidity.account_id
        (suspense + payment_liquidity).reconcile()
        return statement_line

    def _approve(self, payment, reason, user=None):
        wizard = (
            self.env["collection.overpayment.approval"]
            .with_user(user or self.manager)
            .with_context(default_payment_id=payment.id)
            .create({"reason": reason})
        )
        return wizard.action_approve()

    def _scam(self):
        """An invoice of 1,000 and a cheque of 1,500 registered on it."""
        invoice = self._invoice(1000.0, invoice_date="2026-01-05", due_date="2026-02-04")
        payment = self._register(invoice, 1500.0)
        return invoice, payment

    def _outbound_posted(self):
        return self.env["account.payment"].search(
            [
                ("partner_id", "=", self.client.id),
                ("payment_type", "=", "outbound"),
                ("state", "in", ("in_process", "paid")),
            ]
        )

    # ---- the scam --------------------------------------------------------------------------

    def test_overpaid_cheque_is_flagged(self):
        invoice, payment = self._scam()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertRecordValues(
            payment,
            [
                {
                    "amount": 1500.0,
                    "collection_overpaid_amount": 500.0,
                    "collection_overpaid_amount_company": 500.0,
                    "collection_overpaid_unverified": True,
                    "is_matched": False,
                }
            ],
        )
        self.assertTrue(any("received above what" in body for body in payment.message_ids.mapped("body")))
        client = self.client.with_user(self.billing)
        self.assertEqual(client.collection_overpaid_unverified_amount, 500.0)
        self.assertEqual(client.collection_overpaid_unverified_count, 1)
        self.assertEqual(self.client_contact.collection_overpaid_unverified_amount, 500.0)
        dashboard = self.env["collection.dashboard"].with_user(self.billing).create({})
        self.assertEqual(dashboard.overpayment_unverified_count, 1)
        action = dashboard.action_open_unverified_overpayments()
        self.assertEqual(action["res_id"], payment.id)
        found = (
            self.env["account.payment"].with_user(self.billing).search([("collection_overpaid_unverified", "=", True)])
        )
        self.assertEqual(found, payment)

    def test_refund_refused_for_billing_user_and_manager_until_matched_with_bank(self):
        _invoice, payment = self._scam()
        for user in (self.billing, self.manager):
            refund = self._refund(500.0, user=user)
            self.assertEqual(refund.collection_refund_blocked_amount, 500.0)
            with self.assertRaises(UserError) as caught:
                refund.action_post()
            message = str(caught.exception)
            self.assertIn("refused", message)
            self.assertIn(payment.name, message)
            self.assertIn("bank statement line", message)
            self.assertIn("collections manager", message)
            self.assertEqual(refund.state, "draft")
            self.assertFalse(refund.move_id.state == "posted")
        self.assertFalse(self._outbound_posted())

        self._match_with_bank(payment, 1500.0)
        self.assertTrue(payment.is_matched)
        self.assertFalse(payment.collection_overpaid_unverified)
        self.assertEqual(self.client.collection_overpaid_unverified_count, 0)
        refund = self._refund(500.0)
        self.assertEqual(refund.collection_refund_blocked_amount, 0.0)
        refund.action_post()
        self.assertEqual(refund.state, "in_process")

    def test_refund_refused_on_every_way_to_confirm_it(self):
        self._scam()
        refund = self._refund(500.0)
        with self.assertRaises(UserError):
            refund.action_validate()
        with self.assertRaises(UserError):
            refund.write({"state": "in_process"})
        self.assertEqual(refund.state, "draft")
        self.assertFalse(refund.move_id)

    def test_credit_note_refund_through_the_register_is_refused(self):
        _invoice, payment = self._scam()
        credit_note = self._invoice(500.0, invoice_date="2026-01-11", due_date="2026-01-11", move_type="out_refund")
        with self.assertRaises(UserError) as caught:
            self._register(credit_note, 500.0)
        self.assertIn(payment.name, str(caught.exception))
        self.assertEqual(credit_note.payment_state, "not_paid")
        self.assertFalse(
            self.env["account.payment"].search([("partner_id", "=", self.client.id), ("payment_type", "=", "outbound")])
        )

        self._approve(payment, "Bank confirmed the cheque cleared on 11 January.")
        refund = self._register(credit_note, 500.0)
        self.assertEqual(refund.payment_type, "outbound")
        self.assertIn(credit_note.payment_state, ("paid", "in_payment"))

    def test_manager_approval_with_reason_allows_the_refund_and_is_logged(self):
        _invoice, payment = self._scam()
        with freeze_time("2026-01-11 09:30:00"):
            self._approve(payment, "  Bank confirmed the cheque cleared.  ")
        self.assertRecordValues(
            payment,
            [
                {
                    "collection_overpaid_unverified": False,
                    "collection_overpaid_approved_uid": self.manager.id,
                    "collection_overpaid_approval_reason": "Bank confirmed the cheque cleared.",
                    "collection_overpaid_amount": 500.0,
                }
            ],
        )
        self.assertEqual(str(payment.collection_overpaid_approved_date), "2026-01-11 09:30:00")
        logged = payment.message_ids.filtered(lambda message: "Bank confirmed the cheque cleared." in message.body)
        self.assertEqual(len(logged), 1)
        self.assertEqual(logged.author_id, self.manager.partner_id)
        on_client = self.client.message_ids.filtered(
            lambda message: "Bank confirmed the cheque cleared." in message.body
        )
        self.assertEqual(len(on_client), 1)
        self.assertIn(payment.name, on_client.body)
        self.assertEqual(self.client.collection_overpaid_unverified_count, 0)

        refund = self._refund(500.0)
        refund.action_post()
        self.assertEqual(refund.state, "in_process")

    def test_reset_to_draft_withdraws_the_approval(self):
        _invoice, payment = self._scam()
        self._approve(payment, "Cleared.")
        payment.with_user(self.billing).action_draft()
        self.assertFalse(payment.collection_overpaid_approved_date)
        self.assertFalse(payment.collection_overpaid_approval_reason)
        payment.with_user(self.billing).amount = 5000.0
        payment.with_user(self.billing).action_post()
        self.assertTrue(payment.collection_overpaid_unverified)
        with self.assertRaises(UserError):
            self._refund(500.0).action_post()

    # ---- bad input and rights ----------------------------------------------------------------

    def test_approval_without_reason_is_refused_and_changes_nothing(self):
        _invoice, payment = self._scam()
        messages = payment.message_ids
        for reason in (False, "", "   \n "):
            with self.assertRaises(UserError) as caught:
                self._approve(payment, reason)
            self.assertIn("Give the reason", str(caught.exception))
        self.assertRecordValues(
            payment,
            [
                {
                    "collection_overpaid_unverified": True,
                    "collection_overpaid_approved_uid": False,
                    "collection_overpaid_approved_date": False,
                    "collection_overpaid_approval_reason": False,
                }
            ],
        )
        self.assertEqual(payment.message_ids, messages)
        with self.assertRaises(UserError):
            self._refund(500.0).action_post()

    def test_billing_user_cannot_approve_nor_write_the_approval(self):
        _invoice, payment = self._scam()
        with self.assertRaises(AccessError):
            self._approve(payment, "I say so", user=self.billing)
        wizard = (
            self.env["collection.overpayment.approval"]
            .with_context(default_payment_id=payment.id)
            .create({"reason": "I say so"})
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.billing).action_approve()
        for vals in (
            {"collection_overpaid_approved_date": "2026-01-10 10:00:00"},
            {"collection_overpaid_approval_reason": "x"},
            {"collection_overpaid_amount": 0.0},
        ):
            with self.assertRaises(AccessError):
                payment.with_user(self.billing).write(vals)
        self.assertTrue(payment.collection_overpaid_unverified)
        self.assertFalse(self.env.ref("freelance_collections.group_collections_manager") in self.billing[compat.GROUPS])

    def test_nothing_to_approve(self):
        invoice = self._invoice(1000.0, invoice_date="2026-01-05", due_date="2026-02-04")
        exact = self._register(invoice, 1000.0)
        with self.assertRaises(UserError) as caught:
            self._approve(exact, "Why not")
        self.assertIn("no overpayment waiting", str(caught.exception))
        self.assertFalse(exact.collection_overpaid_approved_date)

    def test_approval_form_requires_the_reason(self):
        _invoice, payment = self._scam()
        action = payment.with_user(self.manager).action_collection_approve_overpayment()
        form = Form(self.env[action["res_model"]].with_user(self.manager).with_context(**action["context"]))
        self.assertEqual(form.payment_id, payment)
        self.assertEqual(form.overpaid_amount, 500.0)
        with self.assertRaises(AssertionError):  # required in the view
            form.save()

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
