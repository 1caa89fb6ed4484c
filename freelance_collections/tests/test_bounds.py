"""Numbers and dates out of bounds are refused with a message on every model that takes them (hole 3
of the hostile tester): NaN and infinities, whole numbers beyond the database's, amounts beyond what
the addon books, counts of days beyond ten years, dates beyond 2100 (policy/bounds.py)."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common_refusal import RefusalCase

NAN, INF = float("nan"), float("inf")
FINITE = "enter a finite number"
AMOUNT = "the addon books amounts up to 1000000000000"
DATE = "enter a date from 01/01/1900 to 12/31/2100"
DAYS = "enter at most 3660 days"


@tagged("post_install", "-at_install")
class TestBounds(RefusalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, login="fc_bounds_manager", groups="account.group_account_manager")
        cls.billing = new_test_user(cls.env, login="fc_bounds_billing", groups="account.group_account_invoice")
        cls.policy.write(
            {
                "penalty_tier_ids": [Command.create({"days_late": 15, "percent": 5})],
                "discount_tier_ids": [Command.create({"days": 10, "percent": 2})],
                "fee_band_ids": [Command.create({"min_debt": 0, "amount": 40})],
            }
        )
        cls.index = cls.env.ref("freelance_collections.rate_index_ecb_mro")
        cls.rate = cls.env["collection.reference.rate"].create(
            {"index_id": cls.index.id, "date": "1999-12-15", "rate": 3}
        )
        cls.template = cls.env["collection.deposit.template"].create(
            {"name": "Upfront", "line_ids": [Command.create({"percent": 100})]}
        )

    def _refused(self, records, vals, pattern):
        """Writing VALS on RECORDS and creating a record with them are refused with PATTERN."""
        for label, change in (
            ("write", lambda: records.write(vals)),
            ("create", lambda: records.copy(vals) if records._name != "res.partner" else records.create(vals)),
        ):
            with self.subTest(model=records._name, vals=vals, how=label):
                with self.assertRaisesRegex(ValidationError, pattern):
                    change()

    def test_policy(self):
        policy = self.policy.with_user(self.manager)
        cases = [
            ({"annual_rate": NAN, "interest_mode": "fixed"}, f"Annual Rate / Points \\(%\\) is nan: {FINITE}"),
            ({"annual_rate": INF, "interest_mode": "fixed"}, f"is inf: {FINITE}"),
            ({"annual_rate": -INF, "interest_mode": "fixed"}, f"is -inf: {FINITE}"),
            ({"fixed_fee": NAN}, f"Fixed Fee is nan: {FINITE}"),
            ({"fixed_fee": 1e18}, f"Fixed Fee is 1000000000000000000: {AMOUNT}"),
            ({"cap_percent": NAN}, FINITE),
            ({"cap_amount": INF}, FINITE),
            ({"minimum_charge": 1e13}, AMOUNT),
            ({"work_stop_min_amount": NAN}, FINITE),
            ({"contract_threshold_amount": 1e300}, AMOUNT),
            ({"fixed_fee_days": 2**40}, "Fixed Fee After \\(days late\\) is 1099511627776: enter a whole number"),
            ({"fixed_fee_days": 4000}, f"Fixed Fee After \\(days late\\) is 4000 days: {DAYS}"),
            ({"grace_days": 4000}, DAYS),
            ({"waiver_days": 4000}, DAYS),
            ({"reminder_interval_days": 99999}, DAYS),
            ({"discount_nudge_days": 4000}, DAYS),
            ({"default_due_days": 4000}, DAYS),
            ({"fee_invoice_interval_days": 4000}, DAYS),
            ({"autopay_notice_days": 4000}, DAYS),
            ({"autopay_retry_days": "1, 99999"}, "more than 3660 days"),
            ({"sequence": 2**40}, "enter a whole number from -2147483647 to 2147483647"),
        ]
        for vals, pattern in cases:
            self._refused(policy, vals, pattern)
        self.policy.invalidate_recordset()
        self.assertEqual(self.policy.fixed_fee, 0)
        self.assertEqual(self.policy.fixed_fee_days, 1)
        policy.write({"fixed_fee": 40, "fixed_fee_days": 3660, "grace_days": 0})  # within bounds: accepted
        self.assertEqual(self.policy.fixed_fee_days, 3660)

    def test_policy_rows(self):
        Tier = self.env["collection.penalty.tier"].with_user(self.manager)
        tier = self.policy.penalty_tier_ids.with_user(self.manager)
        self._refused(tier, {"percent": NAN}, f"Total Surcharge \\(%\\) is nan: {FINITE}")
        self._refused(tier, {"percent": INF}, FINITE)
        self._refused(tier, {"days_late": 2**40}, "enter a whole number")
        with self.assertRaisesRegex(ValidationError, FINITE):
            self.policy.with_user(self.manager).write(
                {"penalty_tier_ids": [Command.create({"days_late": 60, "percent": NAN})]}
            )
        with self.assertRaisesRegex(ValidationError, FINITE):
            Tier.create({"policy_id": self.policy.id, "days_late": 60, "percent": NAN})
        discount = self.policy.discount_tier_ids.with_user(self.manager)
        self._refused(discount, {"percent": NAN}, f"Discount \\(%\\) is nan: {FINITE}")
        self._refused(discount, {"days": 2**40}, "enter a whole number")
        band = self.policy.fee_band_ids.with_user(self.manager)
        self._refused(band, {"amount": NAN}, FINITE)
        self._refused(band, {"amount": 1e18}, AMOUNT)
        self._refused(band, {"min_debt": INF}, FINITE)
        stage = self.stage_firm.with_user(self.manager)
        self._refused(stage, {"days": 2**40}, "enter a whole number")
        self._refused(stage, {"agency_commission": NAN}, FINITE)
        with self.assertRaisesRegex(ValidationError, DAYS):
            stage.write({"repeat_days": 99999})  # a copy would also be refused for its day, the same as the original
        self.assertEqual(self.policy.penalty_tier_ids.percent, 5)

    def test_reference_rates_and_deposit_lines(self):
        rate = self.rate.with_user(self.manager)
        self._refused(rate, {"rate": NAN}, f"Rate \\(%\\) is nan: {FINITE}")
        self._refused(rate, {"rate": INF}, FINITE)
        self._refused(rate, {"date": "9999-12-31"}, f"is 12/31/9999: {DATE}")
        self._refused(rate, {"date": "0001-01-01"}, DATE)
        self.assertEqual(self.rate.rate, 3)
        line = self.template.line_ids.with_user(self.manager)
        self._refused(line, {"percent": NAN}, FINITE)
        self._refused(line, {"trigger": "fixed_date", "fixed_date": "9999-12-31"}, DATE)
        self._refused(line, {"trigger": "days_after", "days": 2**40}, "enter a whole number")
        self._refused(line, {"trigger": "days_after", "days": 99999}, "99999 days; enter at most 3660 days")

    @freeze_time("2026-02-20")
    def test_client_invoice_wizards_plans_and_retainers(self):
        invoice = self._invoice(due_date="2026-02-01")
        client = self.client.with_user(self.billing)
        with self.assertRaisesRegex(ValidationError, f"Escalation Paused Until is 12/31/9999: {DATE}"):
            client.write({"collection_pause_until": "9999-12-31", "collection_pause_reason": "Forever"})
        self.assertFalse(self.client.collection_pause_until)
        with self.assertRaisesRegex(ValidationError, DATE):
            invoice.with_user(self.billing).write({"collection_dispute_review_date": "9999-12-31"})
        for commission in (NAN, INF, 150, -1):
            with (
                self.subTest(commission=commission),
                self.assertRaisesRegex(ValidationError, FINITE + "|between 0 and 100%"),
            ):
                invoice.with_user(self.manager).write({"collection_agency_commission": commission})
        with self.assertRaisesRegex(ValidationError, "Days on a Payment Plan is -5 days: enter zero or more days"):
            invoice.write({"collection_pause_days": -5})
        Wizard = self.env["collection.action.wizard"].with_user(self.billing)
        for mode, vals, pattern in (
            ("pause", {"reason": "Forever", "date": "9999-12-31"}, DATE),
            ("dispute", {"reason": "Hours", "date": "9999-12-31"}, DATE),
            ("agency", {"agency_commission": NAN}, FINITE),
        ):
            records = self.client if mode == "pause" else invoice
            wizard = Wizard.browse(Wizard.action_open(mode, records)["res_id"])
            with self.subTest(mode=mode), self.assertRaisesRegex(ValidationError, pattern):
                wizard.write(vals)
        self.assertFalse(invoice.collection_dispute_review_date)
        Statement = self.env["collection.statement.wizard"].with_user(self.billing)
        with self.assertRaisesRegex(ValidationError, DATE):
            Statement.create({"partner_id": self.client.id, "date_from": "0001-01-01", "date_to": "2026-02-20"})
        Plan = self.env["collection.payment.plan"].with_user(self.billing)
        plan_vals = {
            "partner_id": self.client.id,
            "company_id": self.env.company.id,
            "currency_id": invoice.currency_id.id,
            "move_ids": [Command.set(invoice.ids)],
        }
        for vals, pattern in (
            ({"installment_count": 2**40}, "enter a whole number"),
            ({"installment_count": 1000}, "a payment plan runs at most 120 months"),
            ({"installment_count": 13, "interval_months": 12}, "end 144 months after the first one"),
            ({"first_date": "9999-12-31"}, DATE),
            ({"line_ids": [Command.create({"date": "2026-03-01", "amount": NAN})]}, FINITE),
            ({"line_ids": [Command.create({"date": "2026-03-01", "amount": 1e18})]}, AMOUNT),
            ({"line_ids": [Command.create({"date": "9999-03-01", "amount": 10})]}, DATE),
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, pattern):
                Plan.create({**plan_vals, **vals})
        Retainer = self.env["collection.retainer"].with_user(self.billing)
        for vals, pattern in (
            ({"amount": NAN}, FINITE),
            ({"amount": 1e18}, AMOUNT),
            ({"amount": 1000, "threshold": INF}, FINITE),
            ({"amount": 1000, "monthly_topup": NAN}, FINITE),
            ({"amount": 1000, "next_topup_date": "9999-01-01"}, DATE),
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, pattern):
                Retainer.create({"partner_id": self.client.id, **vals})
