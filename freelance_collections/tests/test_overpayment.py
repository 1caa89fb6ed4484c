"""The overpayment-scam guard: an overpaid cheque, its refund refused until the money is matched
with a bank statement line or a collections manager approves with a reason."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from ..tools import compat
from .common_overpayment import OverpaymentCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-01-10")
class TestOverpayment(OverpaymentCommon):
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
