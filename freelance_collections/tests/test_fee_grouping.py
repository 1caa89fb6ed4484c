"""One late-fee invoice per client and run, a line per overdue invoice; everything per invoice stays
per invoice (what was charged, waivers, reminders, the dry run)."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestFeeGrouping(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Run = cls.env["collection.run"]
        cls.stepped = cls.env["collection.policy"].create(
            cls._policy_vals(
                "Stepped grouped",
                quiet_days="none",
                reminder_interval_days=0,
                fee_invoice_interval_days=0,
                penalty_tier_ids=[
                    Command.create({"days_late": 15, "percent": 5}),
                    Command.create({"days_late": 30, "percent": 10}),
                ],
            )
        )
        cls.client.collection_policy_id = cls.stepped

    def _run(self):
        return self.Run._cron_run_collections()

    def _two_overdue(self):
        with freeze_time("2026-02-01"):
            first = self._invoice(amount=1000, invoice_date="2026-01-02", due_date="2026-02-01")
            second = self._invoice(amount=400, invoice_date="2026-01-02", due_date="2026-02-01")
        return first, second

    def _posted_fees(self, *invoices):
        return (
            self.env["account.move"]
            .union(*(inv.collection_penalty_ids for inv in invoices))
            .filtered(lambda m: m.state == "posted")
        )

    def test_one_invoice_per_client_with_a_line_per_overdue_invoice(self):
        first, second = self._two_overdue()
        with freeze_time("2026-02-16"):  # 15 days late: 5% of each
            report = self._run()
            fee = self._posted_fees(first, second)
            self.assertEqual(len(fee), 1, "one late-fee invoice for the client")
            self.assertEqual(report.actions["penalty"], 1)
            self.assertTrue(fee.collection_fee_invoice)
            self.assertFalse(fee.collection_penalty_origin_id, "several origins: none on the invoice")
            self.assertEqual(fee.collection_fee_origin_ids, first | second)
            self.assertEqual(fee._collection_fee_origin_names(), f"{first.name}, {second.name}")
            self.assertEqual(fee._collection_fee_amount_for(second), 20.0)
            self.assertEqual(
                sorted((line.collection_penalty_origin_id.name, line.price_subtotal) for line in fee.invoice_line_ids),
                sorted([(first.name, 50.0), (second.name, 20.0)]),
            )
            self.assertEqual(fee.amount_untaxed, 70.0)
            self.assertEqual((first.collection_penalty_charged, second.collection_penalty_charged), (50.0, 20.0))
            self.assertEqual(first.collection_open_fee_ids, fee)
            self.assertEqual(second.collection_open_fee_ids, fee)
            self.assertFalse(fee.collection_stage_id, "reminded with its invoices while they are open")
            # the rerun the same day charges nothing
            self.assertFalse(self._run().actions.get("penalty"))
            self.assertEqual(self._posted_fees(first, second), fee)
            # the reminder lists it once, under the first of its invoices
            listed = first | second
            self.assertEqual(
                len(first._collection_fees_listed_here(listed) | second._collection_fees_listed_here(listed)), 1
            )
            self.assertFalse(second._collection_fees_listed_here(listed) & first._collection_fees_listed_here(listed))
        with freeze_time("2026-03-03"):  # 30 days: 10%, only the new 5% of each charged
            self._run()
            new = self._posted_fees(first, second) - fee
            self.assertEqual(len(new), 1)
            self.assertEqual(new.amount_untaxed, 70.0)
            self.assertEqual((first.collection_penalty_charged, second.collection_penalty_charged), (100.0, 40.0))
            self.assertFalse(self._run().actions.get("penalty"), "a rerun never charges twice")
            self.assertEqual(first.collection_penalty_count, 2)

    def test_waiving_one_invoice_credits_its_line_only(self):
        manager = new_test_user(self.env, login="fc_grp_manager", groups="account.group_account_manager")
        first, second = self._two_overdue()
        with freeze_time("2026-02-16"):
            self._run()
            fee = self._posted_fees(first, second)
            first.with_user(manager).action_collection_waive_penalties("Good client")
            self.assertTrue(first.collection_penalties_waived)
            self.assertFalse(second.collection_penalties_waived)
            credit_note = self.env["account.move"].search([("reversed_entry_id", "=", fee.id)])
            self.assertEqual(credit_note.move_type, "out_refund")
            self.assertEqual(credit_note.state, "posted")
            self.assertEqual(credit_note.amount_untaxed, 50.0, "the waived invoice's line only")
            self.assertEqual(credit_note.invoice_line_ids.collection_penalty_origin_id, first)
            self.assertEqual(fee.payment_state, "partial")
            self.assertAlmostEqual(fee.amount_residual, 20.0)
            self.assertEqual(second.collection_open_fee_ids, fee, "the other invoice's fee is still due")
            self.assertEqual(first.collection_penalty_charged, 50.0, "charged stays charged: never again")
            # waiving it again credits nothing more
            first._collection_waive("again")
            self.assertEqual(self.env["account.move"].search_count([("reversed_entry_id", "=", fee.id)]), 1)
        with freeze_time("2026-03-03"):
            self._run()
            new = self._posted_fees(first, second) - fee
            self.assertEqual(new.invoice_line_ids.collection_penalty_origin_id, second, "waived: no more fees")
            self.assertEqual(new.collection_penalty_origin_id, second, "one origin: on the invoice too")
            self.assertEqual(new.amount_untaxed, 20.0)

    def test_goodwill_waiver_on_a_shared_fee_invoice(self):
        self.stepped.waiver_days = 7
        first, second = self._two_overdue()
        with freeze_time("2026-02-16"):
            self._run()
            fee = self._posted_fees(first, second)
        with freeze_time("2026-02-20"):
            self._pay(first, amount=1000)
            self._run()
            self.assertTrue(first.collection_penalties_waived, "paid within the goodwill period")
            self.assertFalse(second.collection_penalties_waived)
            self.assertEqual(fee.payment_state, "partial")
            self.assertAlmostEqual(fee.amount_residual, 20.0)

    def test_policy_per_overdue_invoice_keeps_an_invoice_each(self):
        self.stepped.fee_invoice_grouping = "invoice"
        first, second = self._two_overdue()
        with freeze_time("2026-02-16"):
            self._run()
            fees = self._posted_fees(first, second)
            self.assertEqual(len(fees), 2)
            self.assertEqual(first.collection_penalty_ids.collection_penalty_origin_id, first)
            self.assertEqual(second.collection_penalty_ids.collection_penalty_origin_id, second)
            self.assertEqual(first.collection_penalty_ids.amount_untaxed, 50.0)
            self.assertEqual(second.collection_penalty_ids.amount_untaxed, 20.0)

    def test_dry_run_totals_equal_the_run(self):
        first, second = self._two_overdue()
        with freeze_time("2026-02-16"):
            lines = self.env["collection.dry.run"]._plan_lines(first | second, date(2026, 2, 16))
            planned = sum(line["amount"] for line in lines if line["action"] == "penalty")
            self._run()
            self.assertEqual(planned, self._posted_fees(first, second).amount_untaxed)
            self.assertEqual(planned, 70.0)

    def test_fee_invoice_made_with_an_invoice_level_origin_gets_it_on_its_lines(self):
        first, _second = self._two_overdue()
        fee = self._invoice(amount=15, due_date="2026-02-20", collection_penalty_origin_id=first.id)
        self.assertTrue(fee.collection_fee_invoice)
        self.assertEqual(fee.invoice_line_ids.collection_penalty_origin_id, first)
        self.assertEqual(first.collection_penalty_ids, fee)
        self.assertEqual(
            self.env["account.move"].search([("collection_penalty_ids", "=", fee.id)]),
            first,
        )

    def test_final_fees_at_payment_have_an_invoice_of_their_own(self):
        first, second = self._two_overdue()
        with freeze_time("2026-02-16"):
            self._run()
            grouped = self._posted_fees(first, second)
        with freeze_time("2026-03-05"):  # 32 days late: first paid today, both reach the 10% step
            self._pay(first, amount=1000)
            self._run()
            new = self._posted_fees(first, second) - grouped
            self.assertEqual(len(new), 2, "the paid invoice's final fees apart from the other's")
            final = first.collection_penalty_ids - grouped
            self.assertEqual(final.collection_penalty_origin_id, first)
            self.assertEqual(final.amount_untaxed, 50.0)
            self.assertEqual((second.collection_penalty_ids - grouped).amount_untaxed, 20.0)
            self.assertTrue(first.collection_fee_settled)
            self.assertEqual((first.collection_penalty_charged, second.collection_penalty_charged), (100.0, 40.0))
