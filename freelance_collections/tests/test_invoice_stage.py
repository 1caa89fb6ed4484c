from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestInvoiceStage(CollectionsCommon):
    def test_policy_resolution(self):
        invoice = self._invoice(post=False)
        self.assertEqual(invoice.collection_policy_id, self.policy, "company default")
        other = self.env["collection.policy"].create(self._policy_vals("Partner policy"))
        self.client.collection_policy_id = other
        invoice_2 = self._invoice(post=False)
        self.assertEqual(invoice_2.collection_policy_id, other, "partner override")
        contact_invoice = self._invoice(post=False, partner=self.client_contact)
        self.assertEqual(contact_invoice.collection_policy_id, other, "from the commercial partner")
        third = self.env["collection.policy"].create(self._policy_vals("Invoice policy"))
        with Form(invoice_2) as form:
            form.collection_policy_id = third
        self.assertEqual(invoice_2.collection_policy_id, third, "per-invoice override")
        vendor_bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.client.id,
                "invoice_date": "2026-01-01",
                "invoice_line_ids": [Command.create({"name": "x", "price_unit": 10, "tax_ids": []})],
            }
        )
        self.assertFalse(vendor_bill.collection_policy_id)

    def test_second_company_policy(self):
        company_2 = self.setup_other_company(name="Second Co")["company"]
        policy_2 = self.env["collection.policy"].create(
            self._policy_vals("Second company policy", company_id=company_2.id)
        )
        company_2.collection_policy_id = policy_2
        invoice = self._invoice(company=company_2, post=False)
        self.assertEqual(invoice.collection_policy_id, policy_2)
        self.client.with_company(company_2).collection_policy_id = policy_2
        self.assertFalse(self.client.collection_policy_id, "partner policy is per company")
        self.assertEqual(self._invoice(post=False).collection_policy_id, self.policy)

    def test_stage_follows_days_late(self):
        with freeze_time("2026-01-10"):
            invoice = self._invoice(due_date="2026-01-31")
            self.assertFalse(invoice.collection_stage_id, "not yet within 3 days of due")
        expectations = [
            ("2026-01-28", self.stage_pre),
            ("2026-01-31", self.stage_pre),
            ("2026-02-01", self.stage_friendly),
            ("2026-02-14", self.stage_friendly),
            ("2026-02-15", self.stage_firm),
            ("2026-03-01", self.stage_firm),
            ("2026-03-02", self.stage_stop),
            ("2026-07-01", self.stage_stop),
        ]
        for day, stage in expectations:
            with freeze_time(day):
                invoice._collection_refresh_stages()
                self.assertEqual(invoice.collection_stage_id, stage, day)
                expected = (date.fromisoformat(day) - invoice.collection_due_date).days
                self.assertEqual(invoice.collection_days_late, expected, day)

    def test_draft_and_paid_invoices_have_no_stage(self):
        with freeze_time("2026-03-01"):
            draft = self._invoice(post=False)
            self.assertFalse(draft.collection_stage_id)
            invoice = self._invoice()
            self.assertEqual(invoice.collection_stage_id, self.stage_firm)
            self._pay(invoice)
            self.assertEqual(invoice.payment_state, "paid")
            self.assertFalse(invoice.collection_stage_id, "paying moves the client back at once")

    def test_partial_payment_keeps_stage_and_credit_note_clears_it(self):
        with freeze_time("2026-03-01"):
            invoice = self._invoice(amount=1000)
            self._pay(invoice, amount=400)
            self.assertEqual(invoice.payment_state, "partial")
            self.assertEqual(invoice.amount_residual, 600)
            self.assertEqual(invoice.collection_stage_id, self.stage_firm)
            reversal = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"journal_id": invoice.journal_id.id, "reason": "Goodwill"})
            )
            credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
            credit_note.invoice_line_ids.price_unit = 600
            credit_note.action_post()
            if invoice.payment_state != "paid":
                (invoice + credit_note).line_ids.filtered(
                    lambda line: line.account_type == "asset_receivable" and not line.reconciled
                ).reconcile()
            self.assertEqual(invoice.payment_state, "paid")
            self.assertFalse(invoice.collection_stage_id)

    def test_installments_lateness_counts_from_first_unpaid(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "30/70",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 30, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 70, "nb_days": 60}),
                ],
            }
        )
        with freeze_time("2026-02-20"):
            invoice = self._invoice(
                amount=1000, invoice_date="2026-01-01", due_date=False, invoice_payment_term_id=term.id
            )
            self.assertEqual(invoice.invoice_date_due.isoformat(), "2026-03-02")
            self.assertEqual(invoice.collection_due_date.isoformat(), "2026-01-01")
            self.assertEqual(invoice.collection_stage_id, self.stage_stop, "deposit 50 days late")
            self._pay(invoice, amount=300)
            self.assertEqual(invoice.collection_due_date.isoformat(), "2026-03-02")
            invoice.invalidate_recordset(["collection_days_late"])
            self.assertEqual(invoice.collection_days_late, -10)
            self.assertFalse(invoice.collection_stage_id, "balance due in 10 days: no stage yet")
        with freeze_time("2026-02-28"):
            invoice._collection_refresh_stages()
            self.assertEqual(invoice.collection_stage_id, self.stage_pre, "courtesy 3 days before")

    def test_dispute_holds_the_stage(self):
        with freeze_time("2026-02-05"):
            invoice = self._invoice()
            self.assertEqual(invoice.collection_stage_id, self.stage_friendly)
            invoice.write({"collection_dispute": True, "collection_dispute_reason": "Wrong hours"})
            self.assertTrue(invoice.collection_paused)
            self.assertEqual(invoice.collection_paused_stage_id, self.stage_friendly)
        with freeze_time("2026-04-01"):
            invoice._collection_refresh_stages()
            self.assertEqual(invoice.collection_stage_id, self.stage_friendly, "no escalation while disputed")
            invoice.collection_dispute = False
            self.assertFalse(invoice.collection_paused_stage_id)
            self.assertEqual(invoice.collection_stage_id, self.stage_stop, "the facts decide again")

    def test_partner_exception_pauses(self):
        with freeze_time("2026-02-05"):
            invoice = self._invoice()
            self.client.write({"collection_pause_until": "2026-03-15", "collection_pause_reason": "Valued client"})
        with freeze_time("2026-03-10"):
            invoice._collection_refresh_stages()
            self.assertTrue(invoice.collection_paused)
            self.assertEqual(invoice.collection_stage_id, self.stage_friendly)
        with freeze_time("2026-03-16"):
            invoice._collection_refresh_stages()
            self.assertFalse(invoice.collection_paused)
            self.assertEqual(invoice.collection_stage_id, self.stage_stop)

    def test_invoice_without_policy(self):
        self.env.company.collection_policy_id = False
        with freeze_time("2026-06-01"):
            invoice = self._invoice()
            self.assertFalse(invoice.collection_policy_id)
            self.assertFalse(invoice.collection_stage_id)


@tagged("post_install", "-at_install")
class TestDepositSchedule(CollectionsCommon):
    def test_30_30_40_on_1000_01_as_receivable_installments(self):
        template = self.env.ref("freelance_collections.deposit_template_30_30_40")
        with freeze_time("2026-03-01"):
            self.assertFalse(self._invoice(post=False).collection_deposit_template_id, "chosen per invoice")
            invoice = self._invoice(
                amount=1000.01,
                invoice_date="2026-03-01",
                due_date="2026-04-30",
                post=False,
                collection_deposit_template_id=template.id,
            )
            invoice.action_post()
            terms = invoice.line_ids.filtered(lambda ln: ln.display_type == "payment_term").sorted("date_maturity")
            self.assertEqual(terms.mapped("debit"), [300.0, 300.0, 400.01])
            self.assertEqual(sum(terms.mapped("debit")), invoice.amount_total)
            self.assertEqual(
                terms.mapped("date_maturity"),
                [date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 30)],
                "on issue, milestone 30 days later, before final delivery on the due date",
            )
            self.assertEqual(
                terms.mapped("name"), ["Upfront deposit (30%)", "Agreed milestone (30%)", "On completion (40%)"]
            )
            self.assertEqual(invoice.collection_due_date, date(2026, 3, 1))
        with freeze_time("2026-03-20"):
            invoice._collection_refresh_stages()
            self.assertEqual(invoice.collection_stage_id, self.stage_firm, "19 days late on the deposit")
            self._pay(invoice, amount=300.0)
            self.assertEqual(invoice.payment_state, "partial")
            self.assertEqual(invoice.collection_due_date, terms[1].date_maturity, "next installment counts now")
            self.assertFalse(invoice.collection_stage_id, "the milestone is not due before 31 March")
        with freeze_time("2026-04-02"):
            invoice._collection_refresh_stages()
            self.assertEqual(invoice.collection_stage_id, self.stage_friendly, "2 days late on the milestone")

    def test_deposit_in_foreign_currency_and_cleared_schedule(self):
        template = self.env.ref("freelance_collections.deposit_template_50_50")
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 0.8)])
        with freeze_time("2026-03-01"):
            invoice = self._invoice(
                amount=999.99, invoice_date="2026-03-01", due_date="2026-04-30", post=False, currency=eur
            )
            invoice.collection_deposit_template_id = template
            invoice.action_post()
            terms = invoice.line_ids.filtered(lambda ln: ln.display_type == "payment_term").sorted("date_maturity")
            self.assertEqual(terms.mapped("amount_currency"), [500.0, 499.99])
            self.assertAlmostEqual(sum(terms.mapped("balance")), invoice.amount_total_signed)
            plain = self._invoice(amount=100, invoice_date="2026-03-01", due_date="2026-04-30", post=False)
            plain.collection_deposit_template_id = False
            plain.action_post()
            self.assertEqual(len(plain.line_ids.filtered(lambda ln: ln.display_type == "payment_term")), 1)
