"""The run books the day's late fees before it writes to the client: every email lists them, none is
left unsent, and the dry run shows each of them with totals equal to what the run then does."""

from collections import Counter

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_run import RunCommon


@tagged("post_install", "-at_install")
class TestFeesBeforeWords(RunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._leave_out_existing_book()
        cls.policy.write(
            {
                "fee_invoice_interval_days": 0,
                "penalty_tier_ids": [Command.create({"days_late": 15, "percent": 5})],
            }
        )

    def _fees(self, invoice):
        return invoice.collection_penalty_ids.filtered(lambda m: m.state == "posted")

    def test_the_reminder_lists_the_late_fee_booked_by_the_same_run(self):
        with freeze_time("2026-01-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-01-31")
        with freeze_time("2026-02-15"):  # 15 days late: the firm reminder and the 5% fee, the same night
            run = self._run()
            fee = self._fees(invoice)
            self.assertEqual(fee.amount_untaxed, 50.0)
            self.assertEqual(run.actions["penalty"], 1)
            self.assertEqual(run.actions["email"], 1)
            self.assertEqual(run.actions["fee_notice"], 0, "the reminder listed it: no second email")
            body = self._client_emails()[-1].body
            self.assertIn(fee.name, body)
            self.assertIn(fee._collection_pay_url(), body.replace("&amp;", "&"))
            self.assertNotIn("accrued, not invoiced", body, "nothing is left accrued: it was invoiced first")
            self.assertTrue(fee.is_move_sent, "a fee listed in a reminder is sent (no Proforma)")
            self.assertTrue(invoice.is_move_sent)

    def test_the_clients_reminder_lists_a_fee_booked_on_an_invoice_without_email_tonight(self):
        """One email a night per client: the late fee of an invoice at a stage without email (work stop)
        comes in the reminder its other invoice gets, under its own invoice, not in a second email."""
        with freeze_time("2026-01-01"):
            stopped = self._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-01-01")
            friendly = self._invoice(amount=400, invoice_date="2026-01-20", due_date="2026-02-19")
        with freeze_time("2026-02-20"):  # 50 days late (work stop, the 5% fee), and 1 day late (friendly email)
            emails = len(self._client_emails())
            run = self._run()
            fee = self._fees(stopped)
            self.assertEqual(fee.amount_untaxed, 50.0)
            self.assertEqual(run.actions["email"], 1)
            self.assertEqual(run.actions["fee_notice"], 0, "listed in the reminder: no second email")
            self.assertEqual(len(self._client_emails()), emails + 1)
            body = self._client_emails()[-1].body
            for move in friendly | stopped | fee:
                self.assertIn(move.name, body)
            self.assertIn(fee._collection_pay_url(), body.replace("&amp;", "&"))
            self.assertTrue(fee.is_move_sent and stopped.is_move_sent)
            self.assertFalse(self._logs(action="fee_notice"))
            self._run()
            self.assertEqual(len(self._client_emails()), emails + 1, "nothing more")

    def test_a_fee_no_reminder_lists_is_emailed_on_its_own_once(self):
        self.policy.write({"interest_mode": "fixed", "annual_rate": 36.5, "penalty_tier_ids": [Command.clear()]})
        with freeze_time("2026-01-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-01-31")
        with freeze_time("2026-02-10"):  # 10 days late: 1,000 x 36.5% x 10 / 365 = 10.00, with the reminder
            self._run()
            first = self._fees(invoice)
            self.assertEqual(first.amount_untaxed, 10.0)
            self.assertIn(first.name, self._client_emails()[-1].body)
            self.assertFalse(self._logs(action="fee_notice"))
        with freeze_time("2026-02-12"):  # 2 more days of interest (2.00); the stage's email was sent already
            emails = len(self._client_emails())
            run = self._run()
            second = self._fees(invoice) - first
            self.assertEqual(second.amount_untaxed, 2.0)
            self.assertEqual(run.actions["fee_notice"], 1)
            self.assertEqual(self._logs(action="fee_notice").move_id, second)
            self.assertEqual(len(self._client_emails()), emails + 1)
            mail = self._client_emails()[-1]
            self.assertIn("late-fee invoice", mail.subject)
            self.assertIn(second.name, mail.body)
            self.assertIn(second._collection_pay_url(), mail.body.replace("&amp;", "&"))
            self.assertEqual(mail.partner_ids, self.client_contact, "to the invoicing contact only")
            self.assertTrue(second.is_move_sent)
            self._run()
            self.assertEqual(len(self._client_emails()), emails + 1, "never twice")

    def test_a_fee_waits_for_the_next_business_day_on_a_quiet_day(self):
        self.policy.write(
            {
                "quiet_days": "sat_sun",
                "interest_mode": "fixed",
                "annual_rate": 36.5,
                "penalty_tier_ids": [Command.clear()],
            }
        )
        with freeze_time("2026-01-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-01-01")
        with freeze_time("2026-01-31"):  # a Saturday, 30 days late: work stop and interest, no email today
            self._run()
            fee = self._fees(invoice)
            self.assertTrue(fee)
            self.assertFalse(fee.is_move_sent)
            self.assertFalse(self._logs(action="fee_notice"))
            dry = self.env["collection.dry.run"].browse(self.env["collection.dry.run"].action_open()["res_id"])
            held = dry.line_ids.filtered(lambda line: line.action == "fee_notice")
            self.assertTrue(held and not held.will_run, "the dry run says it is held")
        with freeze_time("2026-02-02"):  # Monday
            self._run()
            self.assertTrue(fee.is_move_sent)
            self.assertIn(fee, self._logs(action="fee_notice").move_id)
            self.assertIn(fee.name, self._client_emails()[-1].body)

    def test_the_dry_run_totals_are_what_the_run_does(self):
        clients = self.env["res.partner"].create(
            [{"name": f"Client {n}", "email": f"c{n}@example.com", "is_company": True} for n in range(4)]
        )
        with freeze_time("2026-01-01"):
            invoices = [
                self._invoice(amount=1000 + 100 * n, invoice_date="2026-01-01", due_date=due, partner=client)
                for n, (client, due) in enumerate(
                    zip(clients, ["2026-01-31", "2026-01-20", "2026-01-10", "2025-12-20"], strict=True)
                )
            ]
        with freeze_time("2026-02-16"):
            Dry = self.env["collection.dry.run"]
            dry = Dry.browse(Dry.action_open()["res_id"])
            planned = Counter(line.action for line in dry.line_ids if line.action and line.will_run)
            fee_total = sum(dry.line_ids.filtered(lambda line: line.action == "penalty").mapped("amount"))
            self.assertTrue(planned["penalty"] and planned["email"])
            self.assertIn(f"Late fee: {planned['penalty']}", dry.summary)
            run = self._run()
            self.assertEqual({k: v for k, v in run.actions.items() if v and k != "discount_tier"}, dict(planned))
            booked = self.env["account.move"].search(
                [("collection_penalty_origin_id", "in", [invoice.id for invoice in invoices])]
            )
            self.assertAlmostEqual(sum(booked.mapped("amount_untaxed")), fee_total)
