"""The manual actions work for the groups the README names (hole 4 of the hostile tester): a collections
manager without the right to create contacts sends a reminder, opens a dispute without an email
address of its own (the company's is the sender) and duplicates a preset; a user outside collections
does none of it."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.mail.tests.common import MockEmail

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestManualActionRights(CollectionsCommon, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="fc_rights_manager", groups="account.group_account_manager", email="manager@example.com"
        )
        cls.billing = new_test_user(cls.env, login="fc_rights_billing", groups="account.group_account_invoice")
        cls.employee = new_test_user(cls.env, login="fc_rights_employee", groups="base.group_user")
        cls.responsible = new_test_user(
            cls.env, login="fc_rights_responsible", groups="account.group_account_invoice", email="resp@example.com"
        )
        cls.env.company.write({"email": "billing@company.example.com", "collection_responsible_id": cls.responsible.id})

    def test_the_users_cannot_edit_contacts(self):
        for user in self.manager | self.billing:
            self.assertTrue(user.has_group("freelance_collections.group_collections_user"))
            self.assertFalse(user.has_group("base.group_partner_manager"), "no Contact Creation")
            self.assertFalse(self.env["res.partner"].with_user(user).has_access("write"))
        self.assertTrue(self.manager.has_group("freelance_collections.group_collections_manager"))

    @freeze_time("2026-02-20")
    def test_send_reminder_now(self):
        invoice = self._invoice(due_date="2026-02-01")
        self.assertTrue(self.policy.attach_statement, "the statement is attached to the client too")
        for user in self.manager | self.billing:
            with self.subTest(user=user.login):
                before = self.client.message_ids
                invoice.with_user(user).action_collection_send_reminder()
                posted = self.client.message_ids - before
                self.assertEqual(len(posted), 1)
                self.assertEqual(posted.create_uid, user, "sent by the user")
                self.assertEqual(posted.author_id, self.env.company.partner_id, "from the company, as the run's")
                self.assertTrue(posted.attachment_ids, "with the statement")
                self.assertEqual(posted.attachment_ids.res_model, "res.partner")
        self.client.with_user(self.manager).action_collection_send_reminder()
        with self.assertRaises(AccessError):
            invoice.with_user(self.employee).action_collection_send_reminder()
        with self.assertRaises(AccessError):
            self.client.with_user(self.employee)._collection_send_reminder(self.template_friendly, invoice)

    @freeze_time("2026-02-20")
    def test_open_a_dispute_with_a_review_date_without_an_email(self):
        invoice = self._invoice(due_date="2026-02-01")
        self.manager.email = False
        action = (
            self.env.ref("freelance_collections.action_server_move_open_dispute")
            .with_user(self.manager)
            .with_context(active_model="account.move", active_ids=invoice.ids, active_id=invoice.id)
            .run()
        )
        wizard = self.env["collection.action.wizard"].with_user(self.manager).browse(action["res_id"])
        wizard.write({"reason": "Hours contested", "date": "2026-03-01"})
        with self.mock_mail_gateway():
            wizard.action_apply()
        self.assertTrue(invoice.collection_dispute)
        activity = invoice.activity_ids
        self.assertEqual(activity.user_id, self.responsible)
        self.assertEqual(str(activity.date_deadline), "2026-03-01")
        notice = self._assignment_notice()
        self.assertEqual(notice.author_id, self.env.company.partner_id, "sent from the company")
        self.assertIn("billing@company.example.com", notice.email_from)
        # a user with an address stays the sender
        other = self._invoice(due_date="2026-02-01")
        self.manager.email = "manager@example.com"
        wizard = self.env["collection.action.wizard"].with_user(self.manager)
        wizard = wizard.browse(wizard.action_open("dispute", other)["res_id"])
        wizard.write({"reason": "Hours contested", "date": "2026-03-01"})
        with self.mock_mail_gateway():
            wizard.action_apply()
        self.assertEqual(self._assignment_notice().author_id, self.manager.partner_id)

    def _assignment_notice(self):
        """The message of the email telling the responsible of the activity assigned (just sent)."""
        notices = self._new_mails.mail_message_id.filtered(lambda m: m.message_type == "user_notification")
        self.assertEqual(notices.partner_ids, self.responsible.partner_id)
        return notices

    def test_duplicate_a_preset(self):
        for xmlid in (
            "policy_freelancer_standard",
            "policy_france_b2b",
            "policy_uk_late_payment",
        ):
            preset = self.env.ref(f"freelance_collections.{xmlid}")
            with self.subTest(preset=xmlid):
                copy = preset.with_user(self.manager).copy()
                with Form(copy) as form:
                    form.name = f"Mine: {preset.name}"
                self.assertEqual(copy.name, f"Mine: {preset.name}")
                self.assertEqual(len(copy.stage_ids), len(preset.stage_ids))
                self.assertEqual(len(copy.fee_band_ids), len(preset.fee_band_ids))
        with self.assertRaises(AccessError):
            preset.with_user(self.billing).copy()

    def test_the_administrator_stays_a_collections_manager(self):
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("freelance_collections.group_collections_manager"))
        self.env["res.groups"]._collection_setup_groups()
        self.assertTrue(admin.has_group("freelance_collections.group_collections_manager"))
        admin.write({"company_ids": [Command.link(self.env.company.id)]})
        self.assertTrue(admin.has_group("freelance_collections.group_collections_manager"))
