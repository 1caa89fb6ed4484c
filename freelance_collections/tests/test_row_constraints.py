"""A policy's rows (tiers, bands, stages), a deposit schedule's lines, a plan's installments and the
reference rates refuse on their own what their parent refuses (hole 2 of the hostile tester): the
same function checks both ways, with the same message, so no row is stored that would make its
policy unsaveable."""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common_refusal import RefusalCase


@tagged("post_install", "-at_install")
class TestRowConstraints(RefusalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, login="fc_rows_manager", groups="account.group_account_manager")
        cls.policy.write(
            {
                "penalty_tier_ids": [
                    Command.create({"days_late": 15, "percent": 5}),
                    Command.create({"days_late": 30, "percent": 10}),
                ],
                "discount_tier_ids": [Command.create({"days": 10, "percent": 2})],
                "fee_band_ids": [Command.create({"min_debt": 0, "amount": 40})],
            }
        )
        cls.policy_as_manager = cls.policy.with_user(cls.manager)

    def _message(self, change):
        with self.assertRaises(ValidationError) as caught:
            change()
        return str(caught.exception)

    def _assert_same_refusal(self, pattern, row_change, policy_change):
        """ROW_CHANGE (on the row itself) and POLICY_CHANGE (through the policy) are refused with the
        same message, matching PATTERN; the policy still saves afterwards."""
        row_message = self._message(row_change)
        self.assertRegex(row_message, pattern)
        self.assertEqual(self._message(policy_change), row_message, "one rule, one message")
        self.policy_as_manager.write({"name": "Still saveable"})

    def test_penalty_tiers(self):
        tier = self.policy.penalty_tier_ids.sorted("days_late")[0]
        Tier = self.env["collection.penalty.tier"].with_user(self.manager)
        for vals, pattern in (
            ({"percent": 1000}, r"penalty tier at 15 days is 1000(\.0)?%; enter 0 to 100%"),
            ({"percent": -5}, r"penalty tier at 15 days is -5(\.0)?%; enter 0 to 100%"),
            ({"days_late": -5}, "-5 days late; enter zero or more days"),
            ({"days_late": 4000}, "4000 days late; enter at most 3660 days"),
            ({"percent": 50}, "is lower than the one at 15 days"),
        ):
            with self.subTest(vals=vals):
                self._assert_same_refusal(
                    pattern,
                    lambda vals=vals: tier.with_user(self.manager).write(vals),
                    lambda vals=vals: self.policy_as_manager.write(
                        {"penalty_tier_ids": [Command.update(tier.id, vals)]}
                    ),
                )
        for vals, pattern in (
            ({"days_late": 60, "percent": 1000}, r"penalty tier at 60 days is 1000(\.0)?%; enter 0 to 100%"),
            ({"days_late": -5, "percent": 1}, "-5 days late; enter zero or more days"),
            ({"days_late": 4000, "percent": 20}, "4000 days late; enter at most 3660 days"),
        ):
            with self.subTest(create=vals):
                self._assert_same_refusal(
                    pattern,
                    lambda vals=vals: Tier.create({"policy_id": self.policy.id, **vals}),
                    lambda vals=vals: self.policy_as_manager.write({"penalty_tier_ids": [Command.create(vals)]}),
                )
        self.assertEqual(tier.percent, 5)
        self.assertEqual(len(self.policy.penalty_tier_ids), 2)

    def test_discount_tiers(self):
        Tier = self.env["collection.discount.tier"].with_user(self.manager)
        for vals, pattern in (
            ({"days": -5, "percent": 1}, "-5 days; enter zero or a positive number of days"),
            ({"days": 5, "percent": 150}, r"within 5 days is 150(\.0)?%; enter more than 0% and less than 100%"),
            ({"days": 4000, "percent": 1}, "4000 days; enter at most 3660 days"),
            ({"days": 10, "percent": 1}, "Two discount tiers end after 10 days"),
        ):
            with self.subTest(vals=vals):
                self._assert_same_refusal(
                    pattern,
                    lambda vals=vals: Tier.create({"policy_id": self.policy.id, **vals}),
                    lambda vals=vals: self.policy_as_manager.write({"discount_tier_ids": [Command.create(vals)]}),
                )
        tier = self.policy.discount_tier_ids
        self._assert_same_refusal(
            "enter more than 0%",
            lambda: tier.with_user(self.manager).write({"percent": 0}),
            lambda: self.policy_as_manager.write({"discount_tier_ids": [Command.update(tier.id, {"percent": 0})]}),
        )
        self.assertEqual(self.policy.discount_tier_ids.mapped("percent"), [2])

    def test_fee_bands(self):
        Band = self.env["collection.fee.band"].with_user(self.manager)
        band = self.policy.fee_band_ids
        for vals, pattern in (
            ({"min_debt": 1000, "amount": -100}, "fixed fee from a debt of 1000(\\.0)? cannot be negative"),
            ({"min_debt": 0, "amount": 70}, "are out of order"),
        ):
            with self.subTest(vals=vals):
                self._assert_same_refusal(
                    pattern,
                    lambda vals=vals: Band.create({"policy_id": self.policy.id, **vals}),
                    lambda vals=vals: self.policy_as_manager.write({"fee_band_ids": [Command.create(vals)]}),
                )
        self._assert_same_refusal(
            "must start at a debt of 0",
            lambda: band.with_user(self.manager).write({"min_debt": 500}),
            lambda: self.policy_as_manager.write({"fee_band_ids": [Command.update(band.id, {"min_debt": 500})]}),
        )
        self.assertEqual(band.amount, 40)

    def test_stages(self):
        Stage = self.env["collection.stage"].with_user(self.manager)
        vals = {"name": "Far away", "days": 100000, "action_manual": True}
        self._assert_same_refusal(
            "reached at 100000 days; enter from -3660 to 3660 days",
            lambda: Stage.create({"policy_id": self.policy.id, **vals}),
            lambda: self.policy_as_manager.write({"stage_ids": [Command.create(vals)]}),
        )
        self._assert_same_refusal(
            "reached at -100000 days",
            lambda: self.stage_firm.with_user(self.manager).write({"days": -100000}),
            lambda: self.policy_as_manager.write(
                {"stage_ids": [Command.update(self.stage_firm.id, {"days": -100000})]}
            ),
        )
        self._assert_same_refusal(
            "Repeat Email Every \\(days\\) is 5000 days: enter at most 3660 days",
            lambda: self.stage_firm.with_user(self.manager).write({"repeat_days": 5000}),
            lambda: self.policy_as_manager.write(
                {"stage_ids": [Command.update(self.stage_firm.id, {"repeat_days": 5000})]}
            ),
        )
        self.assertEqual(self.stage_firm.days, 15)

    def test_deposit_lines_installments_and_rates(self):
        template = self.env["collection.deposit.template"].create(
            {"name": "All upfront", "line_ids": [Command.create({"percent": 100})]}
        )
        line = template.line_ids
        with self.assertRaisesRegex(ValidationError, "Line 1 has 5000 days; enter at most 3660 days"):
            line.with_user(self.manager).write({"trigger": "days_after", "days": 5000})
        with self.assertRaisesRegex(ValidationError, "Line 1 has 5000 days"):
            template.with_user(self.manager).write(
                {"line_ids": [Command.update(line.id, {"trigger": "days_after", "days": 5000})]}
            )
        self.assertEqual(line.days, 0)
        invoice = self._invoice(due_date="2026-01-31")
        plan = self.env["collection.payment.plan"].create(
            {
                "partner_id": self.client.id,
                "company_id": self.env.company.id,
                "currency_id": invoice.currency_id.id,
                "move_ids": [Command.set(invoice.ids)],
            }
        )
        with self.assertRaisesRegex(ValidationError, "Each installment must be a positive amount"):
            self.env["collection.payment.plan.line"].create({"plan_id": plan.id, "date": "2026-03-01", "amount": -5})
        with self.assertRaisesRegex(ValidationError, "Each installment must be a positive amount"):
            plan.write({"line_ids": [Command.create({"date": "2026-03-01", "amount": -5})]})
        rate = self.env["collection.reference.rate"].create(
            {"index_id": self.env.ref("freelance_collections.rate_index_ecb_mro").id, "date": "1999-12-15", "rate": 3}
        )
        with self.assertRaisesRegex(ValidationError, "enter an annual percentage between -100 and 100"):
            rate.with_user(self.manager).write({"rate": 1000})
        with self.assertRaisesRegex(ValidationError, "enter a date from"):
            rate.with_user(self.manager).write({"date": "9999-12-31"})
