"""Bad input to the action wizards (dispute, pause, agency, waive) and the dry run is refused, changing nothing."""

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common_refusal import RefusalCase


@tagged("post_install", "-at_install")
class TestBadWizardInput(RefusalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, login="fc_bad_manager", groups="account.group_account_manager")
        cls.billing = new_test_user(cls.env, login="fc_bad_billing", groups="account.group_account_invoice")
        cls.agency = cls.env["res.partner"].create({"name": "Recoveries Ltd", "is_company": True})

    def _wizard(self, mode, records, user=None, **vals):
        Wizard = self.env["collection.action.wizard"].with_user(user or self.manager)
        wizard = Wizard.browse(Wizard.action_open(mode, records)["res_id"])
        wizard.write(vals)
        return wizard

    @freeze_time("2026-02-20")
    def test_dispute_and_pause(self):
        invoice = self._invoice(due_date="2026-02-01")
        cases = [
            ("dispute", invoice, {}, ValidationError, "Say why"),
            (
                "dispute",
                invoice,
                {"reason": "Hours", "date": "2026-02-19"},
                ValidationError,
                "2026-02-19 is in the past: choose a date from today on",
            ),
            ("dispute", self.env["account.move"], {"reason": "Hours"}, UserError, "Choose customer invoices"),
            ("pause", self.client, {"date": "2026-03-01"}, ValidationError, "Say why"),
            ("pause", self.client, {"reason": "Holidays"}, ValidationError, "Choose until when"),
            ("pause", self.client, {"reason": "Holidays", "date": "2026-01-01"}, ValidationError, "in the past"),
            (
                "pause",
                self.env["res.partner"],
                {"reason": "Holidays", "date": "2026-03-01"},
                UserError,
                "Choose the clients",
            ),
        ]
        for mode, records, vals, exception, pattern in cases:
            with self.subTest(mode=mode, vals=vals), self.assertRaisesRegex(exception, pattern):
                self._wizard(mode, records, **vals).action_apply()
        self.assertFalse(invoice.collection_dispute or invoice.collection_dispute_reason)
        self.assertFalse(self.client.collection_pause_until or self.client.collection_pause_reason)
        self.assertEqual(invoice.collection_stage_id, self.stage_firm, "not paused")
        # A collections user may pause a client without being allowed to edit contacts; today is accepted.
        self._wizard("pause", self.client, user=self.billing, reason="Holidays", date="2026-02-20").action_apply()
        self.assertEqual(str(self.client.collection_pause_until), "2026-02-20")
        self.assertEqual(self.client.collection_pause_reason, "Holidays")

    @freeze_time("2026-02-20")
    def test_agency_handoff(self):
        invoice = self._invoice(due_date="2026-02-01")
        paid = self._invoice(due_date="2026-02-01")
        self._pay(paid)
        cases = [
            (
                invoice,
                self.billing,
                {"agency_partner_id": self.agency.id, "agency_commission": 20},
                "Only a collections manager",
            ),
            (invoice, None, {"agency_commission": 20}, "Choose the collection agency"),
            (invoice, None, {"agency_partner_id": self.agency.id, "agency_commission": 150}, "between 0 and 100%"),
            (invoice, None, {"agency_partner_id": self.agency.id, "agency_commission": -5}, "between 0 and 100%"),
            (paid, None, {"agency_partner_id": self.agency.id, "agency_commission": 20}, "still to be paid"),
        ]
        for records, user, vals, pattern in cases:
            with self.subTest(vals=vals, user=user and user.login), self.assertRaisesRegex(UserError, pattern):
                self._wizard("agency", records, user=user, **vals).action_apply()
        for move in invoice | paid:
            self.assertFalse(
                move.collection_agency_id or move.collection_agency_commission or move.collection_agency_date
            )
        self._wizard("agency", invoice | paid, agency_partner_id=self.agency.id, agency_commission=20).action_apply()
        self.assertEqual(invoice.collection_agency_id, self.agency)
        self.assertFalse(paid.collection_agency_id, "only open invoices are handed over")

    @freeze_time("2026-02-20")
    def test_waive(self):
        invoice = self._invoice(due_date="2026-02-01")
        with self.assertRaisesRegex(ValidationError, "Say why"):
            self._wizard("waive", invoice).action_apply()
        with self.assertRaisesRegex(UserError, "Only a collections manager can waive"):
            self._wizard("waive", invoice, user=self.billing, reason="Good client").action_apply()
        self.assertFalse(invoice.collection_penalties_waived)

    @freeze_time("2026-02-20")
    def test_dry_run_on_what_it_cannot_plan(self):
        draft = self._invoice(post=False, due_date="2026-02-01")
        bill = self.init_invoice("in_invoice", partner=self.client, invoice_date="2026-01-01", amounts=[100], post=True)
        open_invoice = self._invoice(due_date="2026-02-01")
        logs = self.env["collection.action.log"].search_count([])
        DryRun = self.env["collection.dry.run"].with_user(self.billing)
        wizard = DryRun.browse(DryRun.action_open(draft | bill)["res_id"])
        self.assertFalse(wizard.line_ids, "nothing to plan for a draft invoice or a vendor bill")
        wizard = DryRun.browse(DryRun.action_open(draft | bill | open_invoice)["res_id"])
        self.assertEqual(wizard.line_ids.move_id, open_invoice)
        self.assertEqual(self.env["collection.action.log"].search_count([]), logs, "nothing recorded")
        self.assertEqual(open_invoice.collection_stage_id, self.stage_firm)
