"""A freelancer's first month: policies reaching existing invoices, late fees invoiced at the
policy's moments, reminders that repeat, the work-stop threshold."""

from datetime import date, timedelta
from decimal import Decimal

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..policy import penalties
from .common import CollectionsCommon


def _day(start, n):
    return str(date.fromisoformat(start) + timedelta(days=n))


@tagged("post_install", "-at_install")
class TestPolicyPropagation(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["collection.policy"].create(cls._policy_vals("Other policy"))
        cls.client_b = cls.env["res.partner"].create({"name": "Client B", "is_company": True, "email": "b@example.com"})

    def test_company_default_moves_open_invoices_not_hand_picked_or_paid_ones(self):
        with freeze_time("2026-03-01"):
            followed = self._invoice(due_date="2026-02-01")
            draft = self._invoice(due_date="2026-02-01", post=False)
            chosen = self._invoice(due_date="2026-02-01")
            chosen.collection_policy_id = self.other
            paid = self._invoice(due_date="2026-02-01")
            self._pay(paid)
            self.assertTrue(chosen.collection_policy_manual, "chosen by hand: remembered")
            self.assertFalse(followed.collection_policy_manual)
            third = self.env["collection.policy"].create(self._policy_vals("Third"))
            settings = self.env["res.config.settings"].create({"collection_policy_id": third.id})
            self.assertEqual(settings.collection_policy_move_count, 2, "the followed open invoice and the draft")
            settings.execute()
            self.assertEqual(followed.collection_policy_id, third)
            self.assertEqual(draft.collection_policy_id, third)
            self.assertEqual(chosen.collection_policy_id, self.other, "chosen on the invoice: kept")
            self.assertEqual(paid.collection_policy_id, self.policy, "paid: left as it was")
            self.assertTrue(followed.collection_stage_id, "staged under the new policy")
            note = followed.message_ids.filtered(lambda m: "Collection policy changed from" in (m.body or ""))
            self.assertIn("Third", note.body)
            # choosing on the invoice the policy it would follow anyway is not a choice by hand
            chosen.collection_policy_id = third
            self.assertFalse(chosen.collection_policy_manual)

    def test_client_policy_moves_that_clients_open_invoices(self):
        with freeze_time("2026-03-01"):
            mine = self._invoice(due_date="2026-02-01")
            theirs = self._invoice(due_date="2026-02-01", partner=self.client_b)
            self.client.collection_policy_id = self.other
            self.assertEqual(mine.collection_policy_id, self.other)
            self.assertEqual(theirs.collection_policy_id, self.policy)
            self.client.collection_policy_id = False
            self.assertEqual(mine.collection_policy_id, self.policy, "back to the company default")

    def test_a_book_from_before_the_addon(self):
        """No default policy when the invoices were posted: nothing is under collection; choosing the
        default puts them all under it, at the stage they are in (one action, no skipped ones)."""
        with freeze_time("2026-03-01"):
            self.env.company.collection_policy_id = False
            old = self._invoice(invoice_date="2026-01-01", due_date="2026-01-10")  # 50 days late
            self.assertFalse(old.collection_policy_id)
            self.assertFalse(self.env["account.move"]._collection_open_invoice_ids(self.env.company))
            self.env.company.collection_policy_id = self.policy
            self.assertEqual(old.collection_policy_id, self.policy)
            self.assertEqual(old.collection_stage_id, self.stage_stop)
            self.env["collection.run"]._cron_run_collections()
            logs = self.env["collection.action.log"].search([("move_id", "=", old.id)])
            self.assertEqual(set(logs.mapped("stage_id")), {self.stage_stop}, "no flood of skipped stages")

    def test_settings_preview_changes_nothing(self):
        with freeze_time("2026-03-01"):
            self.env.company.collection_policy_id = False
            old = self._invoice(invoice_date="2026-01-01", due_date="2026-02-20")
            settings = self.env["res.config.settings"].create({"collection_policy_id": self.policy.id})
            self.assertEqual(settings.collection_policy_move_count, 1)
            action = settings.action_collection_policy_preview()
            preview = self.env["collection.dry.run"].browse(action["res_id"])
            self.assertEqual(preview.line_ids.move_id, old)
            self.assertEqual(preview.line_ids.stage_id, self.stage_friendly)
            self.assertFalse(old.collection_policy_id, "a preview saves nothing")
            self.assertFalse(self.env.company.collection_policy_id)
            self.assertFalse(self.env["collection.action.log"].search([("move_id", "=", old.id)]))


@tagged("post_install", "-at_install")
class TestFeeMoments(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR", rates=[("2025-01-01", 0.9)])
        cls.france = cls.env.ref("freelance_collections.policy_france_b2b")
        cls.client.collection_policy_id = cls.france

    def test_french_invoice_97_days_late_run_every_day_paid_on_day_98(self):
        start = "2026-01-10"  # due date
        with freeze_time(start):
            invoice = self._invoice(amount=10000, invoice_date="2025-12-11", due_date=start, currency=self.eur)
        booked = []
        for n in range(1, 98):
            with freeze_time(_day(start, n)):
                self.env["collection.run"]._cron_run_collections()
                self.assertLessEqual(len(invoice.collection_penalty_ids), 3)
                self.assertFalse(
                    invoice.collection_penalty_ids.collection_stage_id,
                    "late fees are not laddered while their invoice is open",
                )
        with freeze_time(_day(start, 98)):
            self.assertGreater(invoice.collection_fee_accrued, 0, "accrued since the last fee invoice")
            self._pay(invoice)
            self.env["collection.run"]._cron_run_collections()
            self.assertTrue(invoice.collection_fee_settled)
            self.env["collection.run"]._cron_run_collections()
        with freeze_time(_day(start, 130)):
            self.env["collection.run"]._cron_run_collections()
        fees = invoice.collection_penalty_ids.sorted("id")
        booked = [(fee.invoice_date, fee.amount_untaxed) for fee in fees]
        # the firm stage (15 days) invoices fees, then every 30 days, and once more on payment
        self.assertEqual(
            [day for day, _amount in booked], [date.fromisoformat(_day(start, n)) for n in (15, 45, 75, 98)]
        )
        # the one-shot computation on the payment day, with the shipped ECB rates + 10 points
        debts = invoice._collection_installment_debts()[invoice.id]
        one_shot = penalties.compute_invoice_penalty(
            self.france._get_penalty_rules(),
            installments=debts,
            on_date=date.fromisoformat(_day(start, 98)),
            reference_rates=self.france._get_reference_rates(),
            digits=2,
        )
        self.assertEqual(one_shot.fixed, Decimal("40.00"))
        self.assertGreater(one_shot.interest, 0)
        self.assertEqual(sum(Decimal(str(amount)) for _day_, amount in booked), one_shot.interest + Decimal(40))
        self.assertEqual(fees.mapped("currency_id"), self.eur)

    def test_late_fee_invoice_climbs_the_ladder_once_its_invoice_is_paid(self):
        with freeze_time("2026-01-10"):
            invoice = self._invoice(amount=1000, invoice_date="2025-12-11", due_date="2026-01-10", currency=self.eur)
        with freeze_time("2026-01-25"):
            self.env["collection.run"]._cron_run_collections()
            fee = invoice.collection_penalty_ids
            self.assertEqual(len(fee), 1)
            self.assertFalse(fee.collection_stage_id)
            self._pay(invoice)
        with freeze_time("2026-02-10"):
            self.env["collection.run"]._cron_run_collections()
            self.assertTrue(fee.collection_stage_id, "on its own once the overdue invoice is paid")

    def test_interval_validation(self):
        with self.assertRaisesRegex(ValidationError, "interval cannot be negative"):
            self.policy.fee_invoice_interval_days = -1


@tagged("post_install", "-at_install")
class TestRepeatAndWorkStop(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write({"quiet_days": "none", "reminder_interval_days": 0})
        cls.stage_firm.repeat_days = 7

    def _emails(self, invoice):
        return self.env["collection.action.log"].search(
            [("move_id", "=", invoice.id), ("action", "=", "email"), ("state", "=", "done")]
        )

    def test_the_firm_reminder_repeats_every_7_days_until_the_next_stage(self):
        with freeze_time("2026-02-01"):
            invoice = self._invoice(due_date="2026-02-01")
        sent = []
        for n in range(1, 36):
            with freeze_time(_day("2026-02-01", n)):
                before = len(self._emails(invoice))
                self.env["collection.run"]._cron_run_collections()
                if len(self._emails(invoice)) > before:
                    sent.append(n)
        # friendly at 1, firm at 15 and its repeats at 22 and 29; work stop at 30 sends nothing
        self.assertEqual(sent, [1, 15, 22, 29])
        messages = self.client.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(messages), 4)

    def test_no_repeat_while_disputed(self):
        with freeze_time("2026-02-01"):
            invoice = self._invoice(due_date="2026-02-01")
        with freeze_time("2026-02-16"):
            self.env["collection.run"]._cron_run_collections()
            invoice.write({"collection_dispute": True, "collection_dispute_reason": "Scope"})
        for n in range(16, 30):
            with freeze_time(_day("2026-02-01", n)):
                self.env["collection.run"]._cron_run_collections()
        self.assertEqual(len(self._emails(invoice)), 1, "only the firm reminder; none while disputed")

    def test_repeat_validation(self):
        with self.assertRaisesRegex(ValidationError, "negative number of days"):
            self.stage_firm.repeat_days = -7
        with self.assertRaisesRegex(ValidationError, "sends none"):
            self.stage_stop.repeat_days = 7

    def test_work_stop_threshold(self):
        self.policy.work_stop_min_amount = 500
        with freeze_time("2026-03-10"):
            small = self._invoice(amount=300, due_date="2026-02-01")  # 37 days late: work-stop stage
            self.assertEqual(small.collection_stage_id, self.stage_stop)
            self.assertFalse(self.client.collection_work_stop, "300 overdue: below the threshold")
            self._invoice(amount=250, due_date="2026-03-01")  # overdue, not at the stop stage yet
            self.assertTrue(self.client.collection_work_stop, "550 overdue: work stops")

    def test_work_stop_threshold_validation(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.policy.work_stop_min_amount = -1
        chf = self.env["res.currency"].with_context(active_test=False).search([("name", "=", "CHF")])
        chf.sudo().rate_ids.unlink()  # every company's rates (19.0 tests run as a user of one company)
        chf.active = True
        with self.assertRaisesRegex(ValidationError, "no CHF exchange rate"):
            self.policy.write({"company_id": self.env.company.id, "currency_id": chf.id, "work_stop_min_amount": 100})
