"""What a client really owes: open credit notes and unmatched payments count, oldest invoices first."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_run import RunCommon


@tagged("post_install", "-at_install")
class TestNetPosition(RunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._leave_out_existing_book()
        # 5% at 15 days late, 10% in all at 30; fees invoiced at every run
        cls.policy.write(
            {
                "fee_invoice_interval_days": 0,
                "penalty_tier_ids": [
                    Command.create({"days_late": 15, "percent": 5}),
                    Command.create({"days_late": 30, "percent": 10}),
                ],
            }
        )

    def _credit_note(self, amount, date, partner=None, currency=None, company=None):
        company = company or self.env.company
        vals = {
            "move_type": "out_refund",
            "partner_id": (partner or self.client).id,
            "invoice_date": date,
            "date": date,
            "company_id": company.id,
            "invoice_line_ids": [
                Command.create({"name": "Credit", "quantity": 1, "price_unit": amount, "tax_ids": []})
            ],
        }
        if currency:
            vals["currency_id"] = currency.id
        refund = self.env["account.move"].with_company(company).create(vals)
        refund.action_post()
        return refund

    def _fees(self, invoice):
        return invoice.collection_penalty_ids.filtered(lambda m: m.state == "posted")

    def test_a_credit_note_covering_the_overdue_invoice_stops_everything(self):
        with freeze_time("2026-01-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-01-31")
        with freeze_time("2026-03-05"):  # 33 days late: firm reminder, work stop, 10% in fees
            self._credit_note(1000, "2026-02-10")  # not matched with the invoice
            invoice.invalidate_recordset()
            self.assertEqual(invoice.collection_credit_covered, 1000.0)
            self.assertEqual(invoice.collection_net_residual, 0.0)
            run = self._run()
            self.assertFalse(invoice.collection_stage_id, "nothing owed net: no stage")
            self.assertFalse(self.client.collection_work_stop)
            self.assertFalse(self._fees(invoice), "no late fee on what a credit covers")
            self.assertFalse(self._client_emails(), "no reminder")
            self.assertFalse(run.actions["email"] or run.actions["penalty"] or run.actions["work_stop"])
            dry = self.env["collection.dry.run"].browse(self.env["collection.dry.run"].action_open(invoice)["res_id"])
            self.assertFalse(dry.line_ids.filtered("action"))

    def test_an_unmatched_payment_counts_like_a_credit_note(self):
        with freeze_time("2026-01-01"):
            invoice = self._invoice(amount=600, invoice_date="2026-01-01", due_date="2026-01-31")
        with freeze_time("2026-02-05"):
            payment = self.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.client.id,
                    "amount": 600,
                    "date": "2026-02-05",
                }
            )
            payment.action_post()
        with freeze_time("2026-03-05"):
            self._run()
            self.assertFalse(invoice.collection_stage_id)
            self.assertFalse(self._fees(invoice))

    def test_a_partial_credit_escalates_and_charges_fees_on_what_is_owed_net(self):
        with freeze_time("2026-01-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-01-31")
            self._credit_note(400, "2026-01-20")  # before the due date: only 600 was ever late
        with freeze_time("2026-02-15"):  # 15 days late: 5% of 600 = 30.00 (not 50.00)
            run = self._run()
            self.assertEqual(invoice.collection_stage_id, self.stage_firm)
            self.assertEqual(run.actions["penalty"], 1)
            self.assertEqual(self._fees(invoice).amount_untaxed, 30.0)
            # the reminder lists the credit and what is owed net; the late fee is listed too
            body = self._client_emails()[-1].body
            self.assertIn(self._fees(invoice).name, body)
            self.assertIn("RINV", body)
            self.assertIn("What you owe net", body)
            self.assertNotIn("accrued, not invoiced", body)

    def test_a_credit_after_the_due_date_counts_from_its_date(self):
        with freeze_time("2026-01-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-01-31")
        with freeze_time("2026-02-15"):  # 15 days late on 1,000: 5% = 50.00
            self._run()
            self.assertEqual(self._fees(invoice).amount_untaxed, 50.0)
        with freeze_time("2026-02-20"):
            self._credit_note(500, "2026-02-20")
        with freeze_time("2026-03-02"):  # 30 days late: 10% of the 500 still owed net = 50, less 5% of it
            self._run()
            # the 10% tier adds 5% more of what is owed on the day it is reached (500): 25.00
            self.assertEqual(sorted(self._fees(invoice).mapped("amount_untaxed")), [25.0, 50.0])

    def test_credits_cover_the_oldest_invoice_first(self):
        with freeze_time("2026-01-01"):
            old = self._invoice(amount=300, invoice_date="2025-12-01", due_date="2025-12-31")
            new = self._invoice(amount=300, invoice_date="2026-01-01", due_date="2026-01-31")
            self._credit_note(300, "2026-01-02")
        with freeze_time("2026-02-10"):
            self._run()
            self.assertFalse(old.collection_stage_id, "the oldest invoice is covered")
            self.assertEqual(new.collection_stage_id, self.stage_friendly, "the newer one is still owed")
            self.assertEqual(old.collection_credit_covered, 300.0)
            self.assertEqual(new.collection_credit_covered, 0.0)

    def test_a_credit_in_another_currency_or_company_does_not_count(self):
        other_currency = self.setup_other_currency("EUR", rates=[("2025-01-01", 0.8)])
        with freeze_time("2026-01-01"):
            invoice = self._invoice(amount=500, invoice_date="2026-01-01", due_date="2026-01-31")
            self._credit_note(500, "2026-01-05", currency=other_currency)
            other_company = self.setup_other_company()["company"]
            self.client.with_company(other_company).collection_policy_id = False
            self._credit_note(500, "2026-01-05", company=other_company)
        with freeze_time("2026-02-05"):
            self._run()
            self.assertEqual(invoice.collection_credit_covered, 0.0)
            self.assertEqual(invoice.collection_stage_id, self.stage_friendly)

    def test_match_credits_reconciles_them_in_the_books(self):
        with freeze_time("2026-01-01"):
            old = self._invoice(amount=300, invoice_date="2025-12-01", due_date="2025-12-31")
            new = self._invoice(amount=300, invoice_date="2026-01-01", due_date="2026-01-31")
            refund = self._credit_note(400, "2026-01-02")
        with freeze_time("2026-02-10"):
            self.client.invalidate_recordset()
            self.assertEqual(self.client.collection_credit_amount, 400.0)
            self.client.action_collection_match_credits()
            self.assertTrue(old.currency_id.is_zero(old.amount_residual))  # 'reversed' or 'paid' per Odoo
            self.assertEqual(new.amount_residual, 200.0)
            self.assertTrue(refund.currency_id.is_zero(refund.amount_residual))
            with self.assertRaises(UserError):
                self.client.action_collection_match_credits()  # nothing left to match

    def test_a_credit_posted_later_lifts_the_stage_at_the_next_run(self):
        with freeze_time("2026-01-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-01-31")
        with freeze_time("2026-03-05"):  # 33 days late: work stop
            self._run()
            self.assertEqual(invoice.collection_stage_id, self.stage_stop)
            self.assertTrue(self.client.collection_work_stop)
        with freeze_time("2026-03-06"):  # the credit changes no fact of the invoice itself
            self._credit_note(1000, "2026-03-06")
        with freeze_time("2026-03-07"):
            self._run()
            self.assertFalse(invoice.collection_stage_id, "the run looks again at a client with open credits")
            self.assertFalse(self.client.collection_work_stop)
