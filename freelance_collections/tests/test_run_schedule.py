import random
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import CollectionsCommon

START = date(2026, 1, 5)


@tagged("post_install", "-at_install")
class TestRunSchedule(CollectionsCommon):
    """The run only looks at invoices whose facts changed or whose next date has come; nothing is
    ever left behind: after each day's run, a full look at every open invoice finds nothing to do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write(
            {
                "quiet_days": "sat_sun",
                "reminder_interval_days": 4,
                "discount_nudge_days": 2,
                "discount_tier_ids": [
                    Command.create({"days": 5, "percent": 3}),
                    Command.create({"days": 12, "percent": 1}),
                ],
                "penalty_tier_ids": [
                    Command.create({"days_late": 10, "percent": 5}),
                    Command.create({"days_late": 40, "percent": 10}),
                ],
                "fixed_fee": 40,
                "minimum_charge": 1,
                "fee_invoice_interval_days": 30,
            }
        )
        # fees are invoiced from the firm stage on, monthly, and when paid
        cls.policy.stage_ids.filtered(lambda s: s.days == 15).invoice_fees = True
        cls.clients = cls.client | cls.env["res.partner"].create(
            [{"name": f"Client {n}", "is_company": True, "email": f"c{n}@example.com"} for n in range(4)]
        )
        cls.Move = cls.env["account.move"]

    def _run(self):
        return self.env["collection.run"]._cron_run_collections()

    def _settle_other_books(self):
        """Run until the invoices already in the database (other companies' books, demo data) have
        nothing new today, so that what the next runs look at is this test's own invoices."""
        for _attempt in range(5):
            if not self._run().invoice_count:
                return
        self.fail("the invoices already in the database keep being looked at")

    def _assert_nothing_left_behind(self, today):
        """What a run over every open invoice would still do today: nothing. (The late-fee invoices
        the run booked today enter the ladder at the next run, as any new invoice.)"""
        moves = self.Move.browse(self.Move._collection_open_invoice_ids(self.env.company)).filtered(
            lambda m: not (m.collection_penalty_origin_id and m.invoice_date == today)
        )
        targets = moves._collection_target_stages(today)
        wrong = {
            m.name: (m.collection_stage_id.name, targets[m.id].name)
            for m in moves
            if m.collection_stage_id != targets[m.id]
        }
        self.assertFalse(wrong, f"{today}: stages not up to date (stored, target)")
        todo = [(i.move.name, i.action, i.stage.name) for i in moves._collection_plan(today) if not i.blocked]
        self.assertFalse(todo, f"{today}: actions left behind")
        moments = moves._collection_fee_moments(today)
        due = {
            m.name: b.to_charge
            for m, b in moves._collection_penalty_breakdowns(today).items()
            if not isinstance(b, str) and b.to_charge and m.id in moments
        }
        self.assertFalse(due, f"{today}: late fees left behind")
        self.assertFalse(
            self.Move._collection_settling_invoice_ids(self.env.company),
            f"{today}: paid invoices whose last late fees were not invoiced",
        )
        stale = moves.filtered(
            lambda m: m.collection_discount_percent
            and any(
                line.discount_date and line.discount_date < today and not line.reconciled
                for line in m.line_ids
                if line.display_type == "payment_term"
            )
        )
        self.assertFalse(stale.mapped("name"), f"{today}: early-payment tiers not moved")

    def test_a_quiet_day_looks_at_nothing(self):
        with freeze_time("2026-03-02"):
            self._settle_other_books()
            invoices = self.Move
            for days in (-40, -20, -5, 0, 3, 10):
                invoices |= self._invoice(
                    amount=500, invoice_date="2026-01-15", due_date=str(date(2026, 3, 2) - timedelta(days=days))
                )
            first = self._run()
            self.assertEqual(first.invoice_count, 6, "new invoices are looked at")
            self.assertFalse(
                invoices.collection_penalty_ids,
                "3 and 10 days late: before the firm stage, " "fees accrue and nothing is invoiced",
            )
            self.assertEqual(
                [bool(fee) for fee in invoices.mapped("collection_fee_accrued")],
                [False, False, False, False, True, True],
            )
            self.assertEqual(self._run().invoice_count, 0, "the same day again: nothing changed, nothing looked at")
            self.assertTrue(all(invoices.mapped("collection_next_run_date")))
            self._pay(invoices[0], amount=100)
            self.assertFalse(invoices[0].collection_next_run_date, "a payment brings the invoice back")
            self.assertEqual(self._run().invoice_count, 1)
            self.stage_firm.days = 14
            self.assertFalse(
                any(invoices.mapped("collection_next_run_date")),
                "a change of the ladder brings every invoice of the policy back",
            )
            self.assertEqual(
                self._run().invoice_count,
                len(self.Move._collection_open_invoice_ids(self.env.company)),
                "the open invoices and their late fees",
            )
            self._assert_nothing_left_behind(date(2026, 3, 2))

    def test_the_wake_up_dates(self):
        with freeze_time("2026-03-02"):
            late = self._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-02-20")  # 10 days late
            fresh = self._invoice(amount=1000, invoice_date="2026-03-02", due_date="2026-04-01")
            disputed = self._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-02-20")
            disputed.write({"collection_dispute": True, "collection_dispute_reason": "Scope"})
            self._run()
            # Firm (15 days) on 7 March; step 10% at 40 days on 1 April: the stage comes first
            self.assertEqual(late.collection_next_run_date, date(2026, 3, 7))
            # 3% until 7 March, nudge 2 days before (5 March): the nudge comes first
            self.assertEqual(fresh.collection_next_run_date, date(2026, 3, 5))
            self.assertEqual(str(disputed.collection_next_run_date), "9999-12-31", "held until the dispute ends")
            disputed.collection_dispute = False
            self.assertFalse(disputed.collection_next_run_date)

    def test_a_hundred_days_of_random_life(self):
        """Invoices issued, partly paid, disputed, paused, credited at random (seeded); after each
        day's run a full look finds nothing left to do."""
        rng = random.Random(20261127)
        deposit = self.env.ref("freelance_collections.deposit_template_30_30_40")
        invoices = self.Move
        for offset in range(100):
            today = START + timedelta(days=offset)
            with freeze_time(today):
                if offset % 3 == 0:
                    extra = {"collection_deposit_template_id": deposit.id} if rng.random() < 0.3 else {}
                    invoices |= self._invoice(
                        amount=rng.choice([120, 999.99, 2500]),
                        partner=rng.choice(self.clients),
                        invoice_date=str(today - timedelta(days=rng.randint(0, 20))),
                        due_date=str(today + timedelta(days=rng.randint(-30, 30))),
                        **extra,
                    )
                open_moves = invoices.filtered(lambda m: m.payment_state in ("not_paid", "partial"))
                if open_moves and rng.random() < 0.25:
                    move = rng.choice(open_moves)
                    self._pay(move, amount=move.currency_id.round(move.amount_residual * rng.choice([0.3, 1])))
                if open_moves and rng.random() < 0.08:
                    move = rng.choice(open_moves)
                    move.write(
                        {"collection_dispute": not move.collection_dispute, "collection_dispute_reason": "Random"}
                    )
                if rng.random() < 0.05:
                    rng.choice(self.clients).collection_pause_until = today + timedelta(days=rng.randint(1, 9))
                if open_moves and rng.random() < 0.05:
                    move = rng.choice(open_moves)
                    refund = move._reverse_moves([{"invoice_date": today}])
                    refund.invoice_line_ids.price_unit = move.currency_id.round(move.amount_residual / 4)
                    refund.action_post()
                    (refund + move).line_ids.filtered(
                        lambda ln: ln.account_type == "asset_receivable" and not ln.reconciled
                    ).reconcile()
                self._run()
                self._assert_nothing_left_behind(today)
        self.assertTrue(self.env["collection.action.log"].search_count([("action", "=", "email")]))
        self.assertTrue(self.env["collection.action.log"].search_count([("action", "=", "penalty")]))
        self.assertTrue(self.env["collection.action.log"].search_count([("action", "=", "discount_nudge")]))
