from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common_run import RunCommon


@tagged("post_install", "-at_install")
class TestCollectionRun(RunCommon):
    def test_run_is_idempotent(self):
        with freeze_time("2026-02-01"):
            invoice = self._invoice()
            report = self._run()
            self.assertEqual(invoice.collection_stage_id, self.stage_friendly)
            self.assertEqual(report.actions["email"], 1)
            self.assertEqual(len(self._client_emails()), 1)
            second = self._run()
            self.assertFalse(second.actions, "a second run the same day does nothing")
            self.assertEqual(len(self._client_emails()), 1)
            log = self._logs(invoice)
            self.assertEqual(log.mapped("action"), ["email"])
            self.assertEqual(log.key, f"{invoice.id}:{self.stage_friendly.id}:email")
        with freeze_time("2026-02-02"):
            self.assertFalse(self._run().actions, "the same stage the next day does nothing either")

    def test_email_is_combined_per_client_and_goes_to_invoicing_contact(self):
        other_client = self.env["res.partner"].create({"name": "Other Co", "email": "other@example.com"})
        with freeze_time("2026-02-20"):
            firm = self._invoice(invoice_date="2026-01-01", due_date="2026-02-01")  # 19 days: firm
            friendly = self._invoice(invoice_date="2026-01-15", due_date="2026-02-15")  # 5 days: friendly
            courtesy = self._invoice(invoice_date="2026-02-01", due_date="2026-02-22")  # -2 days: courtesy
            not_yet = self._invoice(invoice_date="2026-02-10", due_date="2026-03-30")  # no stage
            other = self._invoice(partner=other_client, due_date="2026-02-10")
            self._run()
            emails = self._client_emails()
            self.assertEqual(len(emails), 1, "one email for the client's three invoices")
            body = emails.body
            for move in firm + friendly + courtesy:
                self.assertIn(move.name, body)
            self.assertNotIn(not_yet.name, body)
            self.assertNotIn(other.name, body)
            self.assertEqual(emails.partner_ids, self.client_contact, "sent to the invoicing contact")
            mail = self.env["mail.mail"].search([("mail_message_id", "=", emails.id)])
            self.assertEqual(mail.recipient_ids, self.client_contact)
            self.assertEqual(mail.state, "outgoing", "queued, sent by the mail queue after the commit")
            rendered = self.template_firm._render_field("subject", self.client.ids)[self.client.id]
            self.assertEqual(emails.subject, rendered, "the firmest template of the invoices is used")
            self.assertEqual(len(self._client_emails(other_client)), 1)
            statement = emails.attachment_ids
            self.assertEqual(len(statement), 1)
            self.assertTrue(statement.name.startswith("Statement of account"))
            self.assertTrue(statement.raw)
            html = (
                self.env["ir.actions.report"]
                ._render_qweb_html("freelance_collections.action_report_statement", self.client.ids)[0]
                .decode()
            )
            for move in firm + friendly + courtesy + not_yet:
                self.assertIn(move.name, html, "the statement lists every open invoice")
            self.assertNotIn(other.name, html)
            self.assertEqual(len(self._logs(firm + friendly + courtesy, "email")), 3)
            # each invoice and the client keep a trace (the notes of the batch's clients, logged at once)
            for move in firm + friendly + courtesy + other:
                notes = move.message_ids.filtered(lambda m: "sent to the client" in (m.body or ""))
                self.assertEqual(len(notes), 1, move.name)
                self.assertIn("Reminder", notes.body)
            self.assertFalse(not_yet.message_ids.filtered(lambda m: "sent to the client" in (m.body or "")))

    def test_throttle_and_quiet_days(self):
        self.policy.write({"reminder_interval_days": 5, "quiet_days": "sat_sun"})
        with freeze_time("2026-02-02"):  # Monday
            first = self._invoice(invoice_date="2026-01-01", due_date="2026-02-01")
            self._run()
            self.assertEqual(len(self._client_emails()), 1)
        with freeze_time("2026-02-04"):
            second = self._invoice(invoice_date="2026-01-05", due_date="2026-02-03")
            report = self._run()
            self.assertEqual(second.collection_stage_id, self.stage_friendly)
            self.assertFalse(report.actions, "throttled: the last reminder was 2 days ago")
            self.assertFalse(self._logs(second), "a blocked action is not recorded, it waits")
        with freeze_time("2026-02-07"):  # Saturday: 5 days passed but quiet day
            self.assertFalse(self._run().actions)
        with freeze_time("2026-02-08"):  # Sunday
            self.assertFalse(self._run().actions)
        with freeze_time("2026-02-09"):  # Monday
            self.assertEqual(self._run().actions["email"], 1)
            emails = self._client_emails()
            self.assertEqual(len(emails), 2)
            self.assertIn(second.name, emails[-1].body)
            self.assertNotIn(first.name, emails[-1].body, "the first invoice had its reminder already")

    def test_activity_work_stop_and_chatter(self):
        call = self.env.ref("freelance_collections.mail_activity_collection_call")
        self.stage_firm.write({"action_activity": True, "activity_type_id": call.id})
        responsible = new_test_user(self.env, login="fc_resp", groups="account.group_account_invoice")
        self.env.company.collection_responsible_id = responsible
        with freeze_time("2026-02-20"):
            invoice = self._invoice(due_date="2026-02-01")
            self._run()
            activity = invoice.activity_ids.filtered(lambda a: a.activity_type_id == call)
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.user_id, responsible)
            self.assertFalse(self.client.collection_work_stop)
            self._run()
            self.assertEqual(len(invoice.activity_ids.filtered(lambda a: a.activity_type_id == call)), 1)
            partner_notes = self.client.message_ids.filtered(lambda m: "Activity" in (m.body or ""))
            self.assertEqual(len(partner_notes), 1, "the client's chatter records the action")
        with freeze_time("2026-03-05"):
            self._run()
            self.assertTrue(self.client.collection_work_stop)
            self.assertEqual(self._logs(invoice, "work_stop").stage_id, self.stage_stop)
            self.assertTrue(invoice.message_ids.filtered(lambda m: "Work stopped" in (m.body or "")))
            self._pay(invoice)
            self.assertFalse(self.client.collection_work_stop, "lifts as soon as the client pays")
            self.assertFalse(invoice.collection_stage_id)

    def test_manual_confirmation_waits_for_a_user(self):
        self.stage_firm.action_manual = True
        with freeze_time("2026-02-20"):
            invoice = self._invoice(due_date="2026-02-01")
            self._run()
            manual = self._logs(invoice, "manual")
            self.assertEqual(manual.state, "pending")
            self.assertFalse(self._logs(invoice, "email"), "the firm email waits")
            self.assertTrue(invoice.activity_ids, "a to-do asks for the confirmation")
            self._run()
            self.assertFalse(self._logs(invoice, "email"))
            invoice.action_collection_escalate()
            self.assertEqual(manual.state, "done")
            self.assertEqual(manual.user_id, self.env.user)
            self.assertEqual(len(self._logs(invoice, "email")), 1)
            self._run()
            self.assertEqual(len(self._logs(invoice, "email")), 1)

    def test_dry_run_shows_without_doing(self):
        with freeze_time("2026-02-20"):
            invoice = self._invoice(due_date="2026-02-01")
            self.assertEqual(invoice.collection_stage_id, self.stage_firm)
        with freeze_time("2026-03-05"):
            action = self.env["collection.dry.run"].action_open()
            wizard = self.env["collection.dry.run"].browse(action["res_id"])
            lines = wizard.line_ids.filtered(lambda ln: ln.move_id == invoice)
            self.assertEqual(lines.stage_id, self.stage_stop)
            self.assertEqual(lines.current_stage_id, self.stage_firm)
            self.assertEqual(lines.action, "work_stop")
            self.assertTrue(lines.will_run)
            self.assertFalse(self._logs(invoice), "nothing recorded")
            self.assertFalse(self.client.collection_work_stop)
            self.assertFalse(self._client_emails())
            self.assertEqual(wizard.display_name, "Collections Dry Run of 03/05/2026", "the form's breadcrumb")

    def test_server_actions_from_the_action_menu(self):
        with freeze_time("2026-02-20"):
            invoice = self._invoice(due_date="2026-02-01")
            self.env.ref("freelance_collections.action_server_move_send_reminder").with_context(
                active_model="account.move", active_ids=invoice.ids, active_id=invoice.id
            ).run()
            self.assertEqual(len(self._client_emails()), 1)
            self.env.ref("freelance_collections.action_server_partner_send_reminder").with_context(
                active_model="res.partner", active_ids=self.client.ids, active_id=self.client.id
            ).run()
            self.assertEqual(len(self._client_emails()), 2, "sent by hand: not throttled")
            action = (
                self.env.ref("freelance_collections.action_server_move_open_dispute")
                .with_context(active_model="account.move", active_ids=invoice.ids, active_id=invoice.id)
                .run()
            )
            wizard = self.env["collection.action.wizard"].browse(action["res_id"])
            with self.assertRaisesRegex(ValidationError, "Say why"):
                wizard.action_apply()
            wizard.reason = "Hours disputed"
            wizard.date = "2026-03-01"
            wizard.action_apply()
            self.assertTrue(invoice.collection_dispute)
            review = invoice.activity_ids.filtered(lambda a: "Review the dispute" in (a.summary or ""))
            self.assertEqual(str(review.date_deadline), "2026-03-01", "a to-do on the review date")
            draft = self._invoice(post=False)
            with self.assertRaises(UserError):
                draft.action_collection_send_reminder()

    def test_concurrent_run_exits_cleanly(self):
        """A second run while the first holds the lock returns False and does nothing."""
        with freeze_time("2026-02-05"):
            self._invoice(due_date="2026-02-01")
            with self.env.registry.cursor() as other_cr:
                other_cr.execute("SELECT pg_advisory_lock(%s)", [0x46434F4C])
                try:
                    self.assertFalse(self._run())
                    self.assertFalse(self._client_emails())
                finally:
                    other_cr.execute("SELECT pg_advisory_unlock(%s)", [0x46434F4C])
            self.assertEqual(self._run().actions["email"], 1)

    def test_second_company_is_run_with_its_own_policy(self):
        company_2 = self.setup_other_company(name="Second Co")["company"]
        policy_2 = self.env["collection.policy"].create(
            self._policy_vals("Second policy", company_id=company_2.id, quiet_days="none", reminder_interval_days=0)
        )
        company_2.collection_policy_id = policy_2
        with freeze_time("2026-02-05"):
            invoice_2 = self._invoice(company=company_2, due_date="2026-02-01")
            self.assertEqual(invoice_2.collection_policy_id, policy_2)
            self._run()
            self.assertEqual(invoice_2.collection_stage_id.policy_id, policy_2)
            self.assertEqual(self._logs(invoice_2).company_id, company_2)
