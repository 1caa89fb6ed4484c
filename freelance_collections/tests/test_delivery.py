"""Reminders that cannot reach the client: hard bounces, blacklisted and missing addresses.

The mail queue is really run (mail.mail.send); only the SMTP conversation is replaced by a fake
``ir.mail_server.send_email`` that refuses some recipients the way smtplib reports it.
"""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.base.models.ir_mail_server import MailDeliveryException

from ..tools import compat
from .common import CollectionsCommon

CONTACT = "accounts@client.example.com"
NO_SUCH_USER = (550, b"5.1.1 no such user")
MAILBOX_BUSY = (450, b"4.2.1 mailbox busy, try again later")


@tagged("post_install", "-at_install")
class TestDelivery(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write({"reminder_interval_days": 0, "quiet_days": "none"})
        cls.client_contact.email = CONTACT
        cls.Policy = cls.env["collection.policy"]
        cls.Run = cls.env["collection.run"]
        cls.activity_type = cls.env.ref("freelance_collections.mail_activity_collection_undeliverable")
        cls._leave_out_existing_book()
        # the emails queued before the test (19.0's demo data queues some) are not the test's to send
        cls.mails_before = cls.env["mail.mail"].search([]).ids

    def _run(self):
        return self.Run._cron_run_collections()

    def _send_queue(self, refuse=None):
        """Send the queued emails; REFUSE maps an address to the SMTP reply to its RCPT TO."""
        refuse = refuse or {}

        def send_email(server, message, *args, **kwargs):
            refused = {email: reply for email, reply in refuse.items() if email in message["To"]}
            if refused:
                raise MailDeliveryException(
                    "Mail Delivery Failed",
                    f"Mail delivery failed via SMTP server 'smtp.example.com'.\nSMTPRecipientsRefused: {refused}",
                )
            return message["Message-Id"]

        mails = self.env["mail.mail"].search([("state", "=", "outgoing"), ("id", "not in", self.mails_before)])
        IrMailServer = self.registry["ir.mail_server"]
        # no SMTP connection (the test runner may not say it is a test to ir.mail_server)
        with compat.fake_smtp(IrMailServer, send_email):
            mails.send()
        return mails

    def _undeliverable_logs(self, partner=None):
        return self.env["collection.action.log"].search(
            [("partner_id", "=", (partner or self.client).id), ("action", "=", "undeliverable")], order="id"
        )

    def _activities(self, partner=None):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", (partner or self.client).id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def _dashboard_count(self):
        return self.env["collection.dashboard"].create({}).undeliverable_partner_count

    def _client_emails(self, partner=None):
        return self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", (partner or self.client).id),
                ("message_type", "=", "comment"),
            ]
        )

    def test_hard_bounce_is_recorded_once_with_one_activity(self):
        other = self.env["res.partner"].create({"name": "Other Co", "email": "other@example.com"})
        with freeze_time("2026-02-05"):
            invoice = self._invoice(due_date="2026-02-01")
            self._invoice(partner=other, due_date="2026-02-01")
            self.assertEqual(self._run().actions["email"], 2)
            mails = self._send_queue(refuse={CONTACT: NO_SUCH_USER})
            self.assertEqual(sorted(mails.mapped("state")), ["exception", "sent"])
            self.assertFalse(self.client.collection_undeliverable, "known at the next check")
            self.assertEqual(self._dashboard_count(), 0)

            report = self._run()
            self.assertEqual(report.actions["undeliverable"], 1)
            log = self._undeliverable_logs()
            self.assertEqual(len(log), 1)
            self.assertEqual((log.state, log.move_id, log.partner_id), ("failed", invoice, self.client))
            self.assertEqual(log.mail_message_id, self._client_emails())
            self.assertIn("550 5.1.1 no such user", log.note)
            self.assertEqual(log.key, f"undeliverable:message:{log.mail_message_id.id}")
            self.assertTrue(self.client.collection_undeliverable)
            self.assertEqual(self.client.collection_undeliverable_reason, "bounce")
            self.assertEqual(str(self.client.collection_undeliverable_date), "2026-02-05")
            self.assertIn("no such user", self.client.collection_undeliverable_note)
            activity = self._activities()
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.summary, "Reminder undeliverable: fix the address or call")
            self.assertIn("no such user", activity.note)
            self.assertEqual(activity.user_id, invoice._collection_responsible())
            self.assertFalse(other.collection_undeliverable, "its reminder was delivered")
            self.assertEqual(self._dashboard_count(), 1)
            dashboard = self.env["collection.dashboard"].create({})
            action = dashboard.action_open_undeliverable_partners()
            self.assertEqual(action["context"], {"search_default_collection_undeliverable": 1})
            found = self.env["res.partner"].search([("collection_undeliverable", "=", True)])
            self.assertEqual(found, self.client)

            # a second check (and run), the same day or the next: nothing twice
            self.assertEqual(self.Run._collection_check_deliveries(), 0)
            self._run()
        with freeze_time("2026-02-06"):
            self.assertFalse(self._run().actions)
            self.assertEqual(len(self._undeliverable_logs()), 1)
            self.assertEqual(len(self._activities()), 1)
            self.assertEqual(self._dashboard_count(), 1)

    def test_temporary_refusal_is_not_undeliverable(self):
        with freeze_time("2026-02-05"):
            self._invoice(due_date="2026-02-01")
            self._run()
            mail = self._send_queue(refuse={CONTACT: MAILBOX_BUSY})
            self.assertEqual(mail.state, "exception")
            self._run()
            self.assertEqual(mail.state, "outgoing", "queued again by the run")
            self.assertFalse(self._undeliverable_logs())
            self.assertFalse(self._activities())
            self.assertFalse(self.client.collection_undeliverable)
            self._send_queue()
            self.assertEqual(mail.state, "sent")
            self._run()
            self.assertFalse(self.client.collection_undeliverable)

    def test_blacklisted_address_is_not_emailed(self):
        self.env["mail.blacklist"]._add(CONTACT)
        with freeze_time("2026-02-05"):
            invoice = self._invoice(due_date="2026-02-01")
            report = self._run()
            self.assertFalse(report.actions.get("email"))
            self.assertFalse(self._client_emails(), "nothing sent to a blacklisted address")
            email_log = self.env["collection.action.log"].search(
                [("move_id", "=", invoice.id), ("action", "=", "email")]
            )
            self.assertEqual(email_log.state, "failed", "tried again tomorrow")
            self.assertIn("blacklist", email_log.note)
            log = self._undeliverable_logs()
            self.assertEqual((len(log), log.state, log.move_id), (1, "failed", invoice))
            self.assertIn(CONTACT, log.note)
            self.assertEqual(self.client.collection_undeliverable_reason, "blacklisted")
            self.assertEqual(len(self._activities()), 1)
            self._run()
            self.assertEqual(len(self._undeliverable_logs()), 1, "once per reason and day")
        with freeze_time("2026-02-06"):
            self._run()
            self.assertEqual(len(self._undeliverable_logs()), 2, "the next day's attempt is recorded too")
            self.assertEqual(len(self._activities()), 1, "still one open activity")
            with self.assertRaisesRegex(UserError, "blacklist"):
                invoice.action_collection_send_reminder()

    def test_client_without_email_goes_to_the_undeliverable_path(self):
        self.client_contact.email = False
        with freeze_time("2026-02-05"):
            invoice = self._invoice(due_date="2026-02-01")
            report = self._run()
            self.assertFalse(report.actions.get("email"))
            self.assertFalse(self._client_emails())
            log = self._undeliverable_logs()
            self.assertEqual(len(log), 1)
            self.assertEqual(log.note, "Client Co, Client Accountant has no email address.")
            self.assertEqual(self.client.collection_undeliverable_reason, "no_email")
            self.assertEqual(len(self._activities()), 1)
            with self.assertRaisesRegex(UserError, "No reminder sent to Client Co: .* has no email address"):
                invoice.action_collection_send_reminder()
            self.client_contact.email = "not an address"
            self.assertFalse(self.client.collection_undeliverable, "the address changed: checked again")
        with freeze_time("2026-02-06"):
            self._run()
            self.assertTrue(self.client.collection_undeliverable)
            self.assertIn("is not a valid email address", self.client.collection_undeliverable_note)

    def test_fixed_address_or_later_delivery_clears_the_flag(self):
        with freeze_time("2026-02-05"):
            self._invoice(due_date="2026-02-01")
            self._run()
            self._send_queue(refuse={CONTACT: NO_SUCH_USER})
            self._run()
            self.assertTrue(self.client.collection_undeliverable)
            self.client_contact.email = "payables@client.example.com"
            self.assertFalse(self.client.collection_undeliverable)
            self.assertFalse(self.client.collection_undeliverable_reason)
            self.assertEqual(self._dashboard_count(), 0)
            self._run()
            self.assertFalse(self.client.collection_undeliverable, "the old bounce is not counted again")
        # a bounce again, then the next stage's reminder is delivered (the address was fixed on the
        # server side): the flag goes
        self.client_contact.email = CONTACT
        with freeze_time("2026-02-10"):
            self._invoice(invoice_date="2026-01-10", due_date="2026-02-08")
            self._run()
            self._send_queue(refuse={CONTACT: NO_SUCH_USER})
            self._run()
            self.assertTrue(self.client.collection_undeliverable)
        with freeze_time("2026-02-17"):
            self.assertEqual(self._run().actions["email"], 1, "the firm reminder of the first invoice")
            self._send_queue()
            self.assertTrue(self.client.collection_undeliverable, "until the next check")
            self._run()
            self.assertFalse(self.client.collection_undeliverable)
            self.assertEqual(len(self._undeliverable_logs()), 2)
