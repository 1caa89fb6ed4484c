"""Faults in the run (a broken template, paused invoices, a serialization failure); its cron record and forms."""

from freezegun import freeze_time

from odoo.tests import tagged

from ..tools import compat
from .common_run import RunCommon


@tagged("post_install", "-at_install")
class TestRunFaults(RunCommon):
    def test_a_broken_template_for_one_client_does_not_stop_the_others(self):
        broken = self.template_friendly.copy({"subject": "{{ 1 / (0 if object.name == 'Broken Co' else 1) }} reminder"})
        self.stage_friendly.mail_template_id = broken
        bad_client = self.env["res.partner"].create({"name": "Broken Co", "email": "broken@example.com"})
        with freeze_time("2026-02-05"):
            bad = self._invoice(partner=bad_client, due_date="2026-02-01")
            good = self._invoice(due_date="2026-02-01")
            report = self._run()
            self.assertEqual(report.actions["email"], 1)
            self.assertEqual(len(self._client_emails()), 1, "the good client got its reminder")
            self.assertFalse(self._client_emails(bad_client))
            failed = self._logs(bad, "email")
            self.assertEqual(failed.state, "failed")
            self.assertTrue(failed.note)
            self.assertEqual(self._logs(good, "email").state, "done")
            self._run()
            self.assertEqual(len(self._logs(bad, "email")), 1, "one failure record a day")
        with freeze_time("2026-02-06"):
            self.stage_friendly.mail_template_id = self.template_friendly  # fixed
            self._run()
            self.assertEqual(self._logs(bad, "email").mapped("state"), ["failed", "done"])
            self.assertEqual(len(self._client_emails(bad_client)), 1, "tried again the next day")

    def test_paused_invoices_take_no_action(self):
        with freeze_time("2026-02-05"):
            disputed = self._invoice(due_date="2026-02-01")
            disputed.write({"collection_dispute": True, "collection_dispute_reason": "Hours"})
            self.assertEqual(disputed.collection_stage_id, self.stage_friendly, "held at its stage")
            report = self._run()
            self.assertFalse(report.actions, "no reminder to a client disputing the invoice")
            action = self.env["collection.dry.run"].action_open()
            line = self.env["collection.dry.run"].browse(action["res_id"]).line_ids
            self.assertFalse(line.will_run)
            self.assertIn("held: dispute", line.status)  # the words of the held work stop (issue 25)
            disputed.action_collection_close_dispute()
            self.assertEqual(self._run().actions["email"], 1, "the held stage's email once the dispute ends")

    def test_serialization_failure_retries_the_batch(self):
        from unittest.mock import patch  # noqa: PLC0415

        from psycopg2 import errors  # noqa: PLC0415

        Run = type(self.env["collection.run"])
        original = Run._collection_execute
        calls = []

        def flaky(policy, plan):
            counts = original(policy, plan)
            if any(item.move == invoice for item in plan):  # not the batches of other books (demo data)
                calls.append(1)
                if len(calls) == 1:
                    raise errors.SerializationFailure("could not serialize access due to concurrent update")
            return counts

        with freeze_time("2026-02-05"):
            invoice = self._invoice(due_date="2026-02-01")
            with patch.object(Run, "_collection_execute", flaky):
                report = self._run()
            self.assertEqual(len(calls), 2, "the batch ran again")
            self.assertEqual(report.actions["email"], 1)
            self.assertEqual(len(self._logs(invoice, "email")), 1, "the first attempt left nothing behind")
            self.assertEqual(len(self._client_emails()), 1)

    def test_cron_record_and_forms(self):
        """The scheduled action runs the run; the plan and action forms work as a user sees them."""
        from odoo.tests import Form  # noqa: PLC0415

        cron = self.env.ref("freelance_collections.ir_cron_run_collections")
        self.assertEqual((cron.interval_number, cron.interval_type, cron.active), (1, "days", True))
        with freeze_time("2026-02-05"):
            invoice = self._invoice(due_date="2026-02-01")
            compat.run_cron_now(self, cron)
            self.assertEqual(len(self._logs(invoice, "email")), 1)
            with Form(self.env["collection.payment.plan"]) as form:
                form.partner_id = self.client
                form.move_ids.add(invoice)
                form.installment_count = 2
            plan = form.record
            plan.action_generate_lines()
            self.assertEqual(plan.line_ids.mapped("amount"), [500.0, 500.0])
            action = self.env["collection.action.wizard"].action_open("pause", self.client)
            with Form(self.env["collection.action.wizard"].browse(action["res_id"])) as wizard:
                wizard.reason = "Holidays"
                wizard.date = "2026-02-20"
            wizard.record.action_apply()
            self.assertEqual(str(self.client.collection_pause_until), "2026-02-20")
