"""Work stop: posting for a stopped client, the manager's override and release, the lift once the client pays."""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common_run import RunCommon


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

    def test_invoice_banner_and_filter(self):
        """The invoice form's banner field shows the client's stop and searches by it, without being
        a dependent of the accounting fields (it would slow every invoice Odoo creates or pays)."""
        with freeze_time("2026-03-05"):
            late = self._invoice(due_date="2026-02-01")
            self.assertTrue(self.client.collection_work_stop)
            draft = self._invoice(post=False, partner=self.client_contact, due_date="2026-04-05")
            other = self.env["res.partner"].create({"name": "Good payer"})
            fine = self._invoice(post=False, partner=other)
            self.env.invalidate_all()
            self.assertTrue(late.collection_work_stop)
            self.assertTrue(draft.collection_work_stop, "a contact's invoice shows its company's stop")
            self.assertFalse(fine.collection_work_stop)
            Move = self.env["account.move"]
            ids = (late | draft | fine).ids
            self.assertEqual(Move.search([("collection_work_stop", "=", True), ("id", "in", ids)]), late | draft)
            self.assertEqual(Move.search([("collection_work_stop", "=", False), ("id", "in", ids)]), fine)
        registry = self.env.registry
        dependents = {
            str(field)
            for model, name in (("account.move.line", "amount_residual"), ("account.move", "payment_state"))
            for field in registry.get_dependent_fields(self.env[model]._fields[name])
        }
        self.assertIn("res.partner.collection_work_stop", dependents, "the client's stop follows payments")
        self.assertNotIn("account.move.collection_work_stop", dependents)
        self.assertFalse(
            {name for name in dependents if name.startswith("account.bank.statement.line.collection_")},
            "statement lines do not copy the invoices' collection fields (account_bank_statement_line.py)",
        )
        self.assertNotIn("collection.overdue.partner.work_stop", dependents)
        self.assertNotIn("res.users.collection_work_stop", dependents, "not inherited from the partner")
        self.assertNotIn("res.users.collection_stage_id", dependents)
        portal = new_test_user(self.env, login="fc_ws_banner_portal", groups="base.group_portal")
        portal.partner_id.parent_id = self.client
        portal.invalidate_recordset()
        self.assertTrue(portal.collection_work_stop, "a user reads its partner's stop")
        self.assertEqual(portal.collection_stage_id, self.client.collection_stage_id)

    def test_standing_follows_the_invoices_not_every_entry(self):
        """The client's stage and work stop follow its customer invoices in the transaction that changes
        them (paid, stage reached), for its contacts too; a draft invoice, a bank statement line or a
        vendor bill of the client does not have them recomputed."""
        with freeze_time("2026-03-05"):
            late = self._invoice(due_date="2026-02-01")  # 32 days late: the work-stop stage
            firm = self._invoice(amount=300.0, due_date="2026-02-15")  # 18 days late: firm
            self.assertEqual(late.collection_stage_id, self.stage_stop)
            self.assertEqual(firm.collection_stage_id, self.stage_firm)
            self.assertEqual(self.client.collection_stage_id, self.stage_stop)
            self.assertTrue(self.client.collection_work_stop)
            self.assertTrue(self.client_contact.collection_work_stop)
            self.assertEqual((late | firm).collection_client_id, self.client)

            # entries that are not customer invoices leave the client's standing alone
            bank = self.env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1
            )
            self.env.flush_all()
            line = self.env["account.bank.statement.line"].create(
                {"journal_id": bank.id, "amount": 50.0, "payment_ref": "Transfer", "partner_id": self.client.id}
            )
            bill = self._invoice(move_type="in_invoice", post=False, partner=self.client_contact)
            bill.action_post()
            draft = self._invoice(post=False, invoice_date="2026-03-05", due_date="2026-02-20")
            self.assertFalse((line.move_id | bill | draft).collection_client_id)
            work_stop = self.client._fields["collection_work_stop"]
            self.assertFalse(
                self.env.records_to_compute(work_stop) & (self.client | self.client_contact),
                "a draft, a bank line or a vendor bill does not mark the client's work stop to compute",
            )

            # paying the stopping invoice lifts the stop in the same transaction, contacts included
            self._pay(late)
            self.assertFalse(late.collection_stage_id)
            self.assertEqual(self.client.collection_stage_id, self.stage_firm)
            self.assertFalse(self.client.collection_work_stop)
            self.assertFalse(self.client_contact.collection_work_stop)
