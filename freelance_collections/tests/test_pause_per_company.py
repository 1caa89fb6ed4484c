"""A pause belongs to the company that set it: a user of company A pauses, resumes and overrides in A
only, and the client's invoices of company B keep their stage (the hostile tester's hole 1)."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestPausePerCompany(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.policy_b = cls.env["collection.policy"].create(
            cls._policy_vals("Policy of B", company_id=cls.company_b.id, currency_id=cls.company_b.currency_id.id)
        )
        cls.company_b.collection_policy_id = cls.policy_b
        cls.stop_b = cls.policy_b.stage_ids.filtered("action_work_stop")
        # a client of both companies, and one (a shared contact) invoiced by B only
        cls.both = cls.env["res.partner"].create({"name": "Client of both", "email": "both@example.com"})
        cls.only_b = cls.env["res.partner"].create({"name": "Client of B only", "email": "onlyb@example.com"})
        with freeze_time("2026-03-10"):  # 38 days late: work stop
            cls.invoice_a = cls._invoice(partner=cls.both)
            cls.invoice_b = cls._invoice(partner=cls.both, company=cls.company_b)
            cls.invoice_only_b = cls._invoice(partner=cls.only_b, company=cls.company_b)
        cls.billing_a = new_test_user(
            cls.env,
            login="fc_pause_billing_a",
            groups="account.group_account_invoice",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.manager_a = new_test_user(
            cls.env,
            login="fc_pause_manager_a",
            groups="account.group_account_manager",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )

    def _assert_b_untouched(self):
        for invoice in self.invoice_b | self.invoice_only_b:
            with self.subTest(invoice=invoice.name):
                invoice.invalidate_recordset()
                self.assertEqual(invoice.collection_stage_id, self.stop_b, "B's stage is kept")
                self.assertFalse(invoice.collection_paused)
        for client in self.both | self.only_b:
            self.assertFalse(client.with_company(self.company_b).collection_pause_until)
            self.assertFalse(client.with_company(self.company_b).collection_pause_reason)
        self.assertTrue(self.only_b.collection_work_stop, "B's work stop holds")

    @freeze_time("2026-03-10")
    def test_setup(self):
        self.assertEqual(self.invoice_a.collection_stage_id, self.stage_stop)
        self.assertEqual(self.invoice_b.collection_stage_id, self.stop_b)
        self.assertEqual(self.invoice_only_b.collection_stage_id, self.stop_b)

    @freeze_time("2026-03-10")
    def test_a_pause_written_in_company_a_stays_in_company_a(self):
        for client in self.both | self.only_b:
            client.with_user(self.billing_a).write(
                {"collection_pause_until": "2026-04-30", "collection_pause_reason": "Valued client"}
            )
            self.assertEqual(str(client.with_company(self.company_a).collection_pause_until), "2026-04-30")
            self.assertEqual(client.with_company(self.company_a).collection_pause_reason, "Valued client")
        self._assert_b_untouched()
        self.assertTrue(self.invoice_a.collection_paused)
        self.assertEqual(self.invoice_a.collection_stage_id, self.stage_stop, "A's stage is held")
        self.assertEqual(self.invoice_a.collection_paused_stage_id, self.stage_stop)
        self.assertFalse(self.invoice_b.collection_paused_stage_id)

    @freeze_time("2026-03-10")
    def test_a_company_the_user_cannot_access_is_refused(self):
        for client in self.both | self.only_b:
            with self.subTest(client=client.name), self.assertRaises(AccessError):
                client.with_user(self.billing_a).with_context(allowed_company_ids=self.company_b.ids).write(
                    {"collection_pause_until": "2026-04-30", "collection_pause_reason": "Forged context"}
                )
            with self.assertRaises(AccessError):
                client.with_user(self.billing_a).with_company(self.company_b).action_collection_resume()
        self._assert_b_untouched()

    @freeze_time("2026-03-10")
    def test_the_wizard_pauses_in_company_a_only(self):
        action = (
            self.env.ref("freelance_collections.action_server_partner_pause")
            .with_user(self.billing_a)
            .with_context(active_model="res.partner", active_ids=(self.both | self.only_b).ids)
            .run()
        )
        wizard = self.env["collection.action.wizard"].with_user(self.billing_a).browse(action["res_id"])
        wizard.write({"date": "2026-04-30", "reason": "Valued client"})
        wizard.action_apply()
        self._assert_b_untouched()
        self.assertTrue(self.invoice_a.collection_paused)
        self.assertEqual(self.invoice_a.collection_stage_id, self.stage_stop)
        with self.assertRaises(AccessError):
            wizard.with_context(allowed_company_ids=self.company_b.ids).action_apply()
        self._assert_b_untouched()

    @freeze_time("2026-03-10")
    def test_resuming_in_company_a_leaves_company_b_paused(self):
        self.both.with_company(self.company_b).write(
            {"collection_pause_until": "2026-04-30", "collection_pause_reason": "B's own pause"}
        )
        self.both.with_company(self.company_a).write(
            {"collection_pause_until": "2026-04-15", "collection_pause_reason": "A's own pause"}
        )
        self.assertTrue(self.invoice_b.collection_paused)
        self.both.with_user(self.billing_a).action_collection_resume()
        self.assertFalse(self.both.with_company(self.company_a).collection_pause_until)
        self.assertEqual(str(self.both.with_company(self.company_b).collection_pause_until), "2026-04-30")
        self.assertEqual(self.both.with_company(self.company_b).collection_pause_reason, "B's own pause")
        self.assertFalse(self.invoice_a.collection_paused)
        self.assertTrue(self.invoice_b.collection_paused)
        self.assertEqual(self.invoice_b.collection_stage_id, self.stop_b)

    @freeze_time("2026-03-10")
    def test_the_override_needs_every_company_the_client_owes_to(self):
        for client in self.both | self.only_b:
            with self.subTest(client=client.name), self.assertRaisesRegex(AccessError, "companies you cannot access"):
                client.with_user(self.manager_a).write(
                    {"collection_work_stop_override": "release", "collection_work_stop_reason": "Friend"}
                )
            self.assertFalse(client.collection_work_stop_override)
            self.assertTrue(client.collection_work_stop)
        own = self.env["res.partner"].create({"name": "Client of A only"})
        own.with_user(self.manager_a).write(
            {"collection_work_stop_override": "release", "collection_work_stop_reason": "Friend"}
        )
        self.assertEqual(own.collection_work_stop_override, "release")
        manager_ab = new_test_user(
            self.env,
            login="fc_pause_manager_ab",
            groups="account.group_account_manager",
            company_id=self.company_a.id,
            company_ids=[Command.set((self.company_a | self.company_b).ids)],
        )
        self.both.with_user(manager_ab).write(
            {"collection_work_stop_override": "release", "collection_work_stop_reason": "Agreed with both"}
        )
        self.assertFalse(self.both.collection_work_stop)
