from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..tools import compat
from .common import CollectionsCommon


class RunCommon(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write({"reminder_interval_days": 0, "quiet_days": "none"})
        cls.client_contact.email = "accounts@client.example.com"
        cls.Policy = cls.env["collection.policy"]
        cls.Run = cls.env["collection.run"]

    def _run(self):
        return self.Run._cron_run_collections()

    def _logs(self, moves=None, action=None):
        domain = [("move_id", "in", (moves or self.env["account.move"].search([])).ids)]
        if action:
            domain.append(("action", "=", action))
        return self.env["collection.action.log"].search(domain, order="id")

    def _client_emails(self, partner=None):
        """Reminder emails posted on the client (one mail.message each)."""
        partner = partner or self.client
        return self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("message_type", "=", "comment"),
            ],
            order="id",
        )


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
            # each invoice and the client keep a trace
            for move in firm + friendly + courtesy:
                self.assertTrue(move.message_ids.filtered(lambda m: "Reminder" in (m.body or "")))

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


@tagged("post_install", "-at_install")
class TestWorkStop(RunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = new_test_user(
            cls.env, login="fc_ws_billing", groups="account.group_account_invoice", company_id=cls.env.company.id
        )
        cls.manager = new_test_user(
            cls.env, login="fc_ws_manager", groups="account.group_account_manager", company_id=cls.env.company.id
        )

    def test_posting_for_a_stopped_client(self):
        with freeze_time("2026-03-05"):
            self._invoice(due_date="2026-02-01")
            self.assertTrue(self.client.collection_work_stop)
            self.assertTrue(self.client_contact.collection_work_stop, "contacts follow their company")
            new = self._invoice(
                post=False, partner=self.client_contact, invoice_date="2026-03-05", due_date="2026-04-05"
            )
            with self.assertRaisesRegex(UserError, "Work is stopped"):
                new.with_user(self.billing).action_post()
            self.assertEqual(new.state, "draft")
            new.with_user(self.manager).action_post()
            self.assertEqual(new.state, "posted")
            self.assertTrue(new.message_ids.filtered(lambda m: "manager override" in (m.body or "")))
            portal = new_test_user(self.env, login="fc_ws_portal", groups="base.group_portal")
            online = self._invoice(post=False, invoice_date="2026-03-05", due_date="2026-04-05")
            online.with_user(portal).sudo().action_post()  # e.g. invoicing after an online payment
            self.assertEqual(online.state, "posted", "money coming in is never refused")
            self.assertTrue(online.message_ids.filtered(lambda m: "online action of the client" in (m.body or "")))
            other = self.env["res.partner"].create({"name": "Good payer"})
            fine = self._invoice(post=False, partner=other)
            fine.with_user(self.billing).action_post()
            self.assertEqual(fine.state, "posted")

    def test_manual_override_and_lift(self):
        with freeze_time("2026-03-05"):
            late = self._invoice(due_date="2026-02-01")
            self.assertTrue(self.client.collection_work_stop)
            self.client.write(
                {
                    "collection_work_stop_override": "release",
                    "collection_work_stop_reason": "Paying next week, agreed by phone",
                }
            )
            self.assertFalse(self.client.collection_work_stop)
            self._invoice(post=False, invoice_date="2026-03-05", due_date="2026-04-05").with_user(
                self.billing
            ).action_post()
            self.client.collection_work_stop_override = False
            self.assertTrue(self.client.collection_work_stop)
            self._pay(late)
            self.assertFalse(self.client.collection_work_stop, "lifts once the client pays")
            self._invoice(post=False, invoice_date="2026-03-05", due_date="2026-04-05").with_user(
                self.billing
            ).action_post()
            other = self.env["res.partner"].create({"name": "Blocked by hand"})
            other.collection_work_stop_override = "stop"
            with self.assertRaises(UserError):
                self._invoice(post=False, partner=other).with_user(self.billing).action_post()


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
            self.assertIn("paused", line.status)
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
