"""The run's late steps (agency, write-off, formal notice), what holds them (disputes, pauses, plans), the nudge."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_run import RunCommon


@tagged("post_install", "-at_install")
class TestRunEscalation(RunCommon):
    def test_agency_handoff_and_write_off_with_undo(self):
        agency = self.env["res.partner"].create({"name": "Recover Ltd", "is_company": True})
        bad_debt = self.env["account.account"].create(
            {"code": "681000", "name": "Bad debts", "account_type": "expense"}
        )
        self.policy.write(
            {
                "write_off_account_id": bad_debt.id,
                "stage_ids": [
                    Command.create(
                        {
                            "name": "Agency",
                            "days": 60,
                            "action_agency": True,
                            "agency_partner_id": agency.id,
                            "agency_commission": 15,
                        }
                    ),
                    Command.create({"name": "Write-off", "days": 120, "action_write_off": True}),
                ],
            }
        )
        with freeze_time("2026-04-05"):
            invoice = self._invoice(amount=1000, due_date="2026-02-01")
            self._pay(invoice, amount=250)
            self._run()
            self.assertEqual(invoice.collection_agency_id, agency)
            self.assertEqual(invoice.collection_agency_commission, 15)
            self.assertEqual(invoice.collection_agency_date, date(2026, 4, 5))
        with freeze_time("2026-06-05"):
            self._run()
            entry = invoice.collection_write_off_move_id
            self.assertTrue(entry)
            self.assertEqual(entry.state, "posted")
            self.assertEqual(invoice.payment_state, "paid")
            bad_line = entry.line_ids.filtered(lambda ln: ln.account_id == bad_debt)
            self.assertAlmostEqual(bad_line.debit, 750.0)
            self.assertAlmostEqual(sum(entry.line_ids.mapped("debit")), sum(entry.line_ids.mapped("credit")))
            self.assertFalse(invoice.collection_stage_id)
            self.assertEqual(self._logs(invoice, "write_off").state, "done")
            invoice.action_collection_undo_write_off()
            self.assertFalse(invoice.collection_write_off_move_id)
            self.assertEqual(invoice.amount_residual, 750.0)
            self.assertEqual(invoice.payment_state, "partial")
            self._run()
            self.assertEqual(len(self._logs(invoice, "write_off")), 1, "an undone write-off is not redone")

    def test_write_off_without_account_fails_and_is_recorded(self):
        self.policy.write({"stage_ids": [Command.create({"name": "Write-off", "days": 120, "action_write_off": True})]})
        with freeze_time("2026-06-05"):
            invoice = self._invoice(due_date="2026-02-01")
            self._run()
            log = self._logs(invoice, "write_off")
            self.assertEqual(log.state, "failed")
            self.assertIn("bad-debt account", log.note)
            self.assertEqual(invoice.payment_state, "not_paid")
            with self.assertRaises(UserError):
                invoice._collection_write_off()

    def test_formal_notice_attaches_demand_letter(self):
        self.stage_stop.action_formal_notice = True
        with freeze_time("2026-03-05"):
            first = self._invoice(due_date="2026-02-01")
            second = self._invoice(due_date="2026-02-02")
            self._run()
            for move in first + second:
                letters = self.env["ir.attachment"].search(
                    [("res_model", "=", "account.move"), ("res_id", "=", move.id), ("name", "like", "Demand letter")]
                )
                self.assertEqual(len(letters), 1, move.name)
                self.assertTrue(letters.raw)
            emails = self._client_emails()
            self.assertEqual(len(emails), 1, "one formal notice for the client")
            self.assertEqual(len(emails.attachment_ids), 1)
            self.assertIn("Formal notice", emails.subject)
            self._run()
            self.assertEqual(len(self._client_emails()), 1)

    def test_dispute_and_exception_pause_escalation(self):
        with freeze_time("2026-02-05"):
            invoice = self._invoice(due_date="2026-02-01")
            self._run()
            self.assertEqual(invoice.collection_stage_id, self.stage_friendly)
            invoice.write({"collection_dispute": True, "collection_dispute_reason": "Wrong hours"})
        with freeze_time("2026-03-10"):
            self._run()
            self.assertEqual(invoice.collection_stage_id, self.stage_friendly, "held while disputed")
            self.assertFalse(self.client.collection_work_stop)
            invoice.action_collection_close_dispute()
            self._run()
            self.assertEqual(invoice.collection_stage_id, self.stage_stop, "facts decide again")
            self.client.write(
                {"collection_pause_until": "2026-04-30", "collection_pause_reason": "Long-standing client"}
            )
        with freeze_time("2026-04-10"):
            self._run()
            self.assertEqual(invoice.collection_stage_id, self.stage_stop)
            self.client.action_collection_resume()
            self.assertFalse(self.client.collection_pause_until)

    def test_payment_plan_pauses_then_resumes_where_it_left(self):
        with freeze_time("2026-02-20"):
            invoice = self._invoice(amount=900, due_date="2026-02-01")
            self._run()
            self.assertEqual(invoice.collection_stage_id, self.stage_firm)
            action = invoice.action_collection_propose_plan()
            plan = self.env["collection.payment.plan"].browse(action["res_id"])
            self.assertEqual(plan.line_ids.mapped("amount"), [300.0, 300.0, 300.0])
            self.assertEqual([str(d) for d in plan.line_ids.mapped("date")], ["2026-02-20", "2026-03-20", "2026-04-20"])
            plan.action_confirm()
            self.assertEqual(plan.state, "active")
            self.assertEqual(invoice.collection_plan_id, plan)
            self._pay(invoice, amount=300)
        with freeze_time("2026-03-25"):
            self._pay(invoice, amount=300)
            self._run()
            self.assertEqual(plan.state, "active")
            self.assertEqual(invoice.collection_stage_id, self.stage_firm, "kept plan: the ladder stands still")
            self.assertFalse(self._logs(invoice, "work_stop"))
        with freeze_time("2026-04-22"):  # third installment missed
            self._run()
            self.assertEqual(plan.state, "broken")
            self.assertFalse(invoice.collection_plan_id)
            self.assertEqual(invoice.collection_pause_days, 61)
            self.assertEqual(
                invoice.collection_stage_id, self.stage_firm, "resumes at the stage it left, not at the facts' 80 days"
            )
        with freeze_time("2026-05-01"):  # 89 days late, 61 of them on the plan: 28 counted
            self._run()
            self.assertEqual(invoice.collection_stage_id, self.stage_firm)
        with freeze_time("2026-05-03"):  # 30 counted
            self._run()
            self.assertEqual(invoice.collection_stage_id, self.stage_stop)
            self.assertTrue(self.client.collection_work_stop)

    def test_payment_plan_kept_closes_and_validation(self):
        with freeze_time("2026-02-20"):
            invoice = self._invoice(amount=1000.01, due_date="2026-02-01")
            plan = self.env["collection.payment.plan"].create(
                {"partner_id": self.client.id, "move_ids": [Command.set(invoice.ids)], "installment_count": 3}
            )
            plan.action_generate_lines()
            self.assertEqual(plan.line_ids.mapped("amount"), [333.34, 333.34, 333.33])
            plan.line_ids[-1].amount = 300
            with self.assertRaisesRegex(ValidationError, "add up to"):
                plan.action_confirm()
            with self.assertRaisesRegex(ValidationError, "positive"):
                plan.line_ids[0].amount = -1
            plan.action_generate_lines()
            stranger = self.env["res.partner"].create({"name": "Stranger"})
            with self.assertRaisesRegex(ValidationError, "another client"):
                plan.partner_id = stranger
            plan.action_confirm()
            self._pay(invoice)
            self._run()
            self.assertEqual(plan.state, "done")
            self.assertFalse(invoice.collection_stage_id)

    def test_discount_nudge_once_per_tier(self):
        self.policy.write(
            {
                "discount_nudge_days": 2,
                "discount_tier_ids": [
                    Command.create({"days": 10, "percent": 3}),
                    Command.create({"days": 20, "percent": 1}),
                ],
            }
        )
        with freeze_time("2026-01-07"):
            invoice = self._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-01-31")
            self.assertEqual(invoice.collection_discount_percent, 3)
            self.assertFalse(self._run().actions)
        with freeze_time("2026-01-09"):
            self.assertEqual(self._run().actions["discount_nudge"], 1)
            email = self._client_emails()
            self.assertIn("970.00", email.body)
            self.assertEqual(self._run().actions.get("discount_nudge", 0), 0)
        with freeze_time("2026-01-19"):
            self.assertEqual(invoice.collection_discount_percent, 1)
            self.assertEqual(self._run().actions["discount_nudge"], 1, "the next tier is announced too")
            self.assertIn("990.00", self._client_emails()[-1].body)
        with freeze_time("2026-01-25"):
            self.assertFalse(self._run().actions)
