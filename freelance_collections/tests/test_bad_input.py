"""Bad input is refused with a message that says what to fix, and changes nothing.

Complements test_policy_config.py (ladder order, actions, tiers order, deposit sums, presets).
"""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common_refusal import RefusalCase

POLICY_FIELDS = [
    "fixed_fee",
    "fixed_fee_days",
    "annual_rate",
    "interest_mode",
    "cap_amount",
    "cap_percent",
    "minimum_charge",
    "waiver_days",
    "grace_days",
    "contract_threshold_amount",
    "reminder_interval_days",
]


@tagged("post_install", "-at_install")
class TestBadPolicyInput(RefusalCase):
    def assertRefused(self, pattern, record, fields, change, exception=ValidationError):
        """CHANGE raises EXCEPTION matching PATTERN and leaves FIELDS of RECORD as they were."""
        before = record.read(fields)
        with self.assertRaisesRegex(exception, pattern):
            change()
        record.invalidate_recordset()
        self.assertEqual(record.read(fields), before)

    def test_penalty_numbers_out_of_range(self):
        cases = [
            (
                {"discount_tier_ids": [Command.create({"days": -5, "percent": 3})]},
                "discount tier has -5 days; enter zero or a positive number of days",
            ),
            (
                {"discount_tier_ids": [Command.create({"days": 5, "percent": 0})]},
                "enter more than 0% and less than 100%",
            ),
            (
                {"penalty_tier_ids": [Command.create({"days_late": -5, "percent": 3})]},
                "-5 days late; enter zero or more days",
            ),
            ({"penalty_tier_ids": [Command.create({"days_late": 15, "percent": -3})]}, "enter 0 to 100%"),
            ({"interest_mode": "fixed", "annual_rate": 150}, "annual interest rate is 150.0%; enter 0 to 100%"),
            ({"interest_mode": "fixed", "annual_rate": -1}, "annual interest rate is -1.0%; enter 0 to 100%"),
            ({"cap_amount": -10}, "cap amount cannot be negative"),
            ({"cap_percent": -5}, "enter 0 to 100%"),
            ({"minimum_charge": -10}, "minimum amount worth charging cannot be negative"),
            (
                {"cap_amount": 10, "minimum_charge": 50, "fixed_fee": 40},
                "below the minimum worth charging .* lower the minimum or raise the cap",
            ),
            ({"waiver_days": -1}, "goodwill waiver period cannot be negative"),
            ({"fixed_fee_days": -1}, "fixed fee delay cannot be negative"),
            ({"grace_days": -3}, "grace period cannot be negative"),
            ({"contract_threshold_amount": -800}, "threshold cannot be negative: enter 0"),
            ({"fee_band_ids": [Command.create({"min_debt": 0, "amount": -5})]}, "cannot be negative"),
            (
                {"fee_band_ids": [Command.create({"min_debt": -100, "amount": 5})]},
                "first fixed-fee band must start at a debt of 0",
            ),
        ]
        for vals, pattern in cases:
            with self.subTest(vals=vals):
                self.assertRefused(pattern, self.policy, POLICY_FIELDS, lambda vals=vals: self.policy.write(vals))
        self.assertFalse(self.policy.discount_tier_ids)
        self.assertFalse(self.policy.penalty_tier_ids)
        self.assertFalse(self.policy.fee_band_ids)
        # Within range: accepted. A cap equal to the minimum still charges; 0 means no reminder throttle.
        self.policy.write(
            {
                "cap_amount": 50,
                "minimum_charge": 50,
                "fixed_fee": 40,
                "reminder_interval_days": 0,
                "interest_mode": "fixed",
                "annual_rate": 100,
            }
        )
        self.assertEqual(self.policy.cap_amount, 50)

    def test_email_stage_needs_a_template_for_clients(self):
        invoice_template = self.env.ref("account.email_template_edi_invoice")
        count = self.env["collection.stage"].search_count([])
        with self.assertRaisesRegex(ValidationError, "template must be one for Contacts, not for Journal Entry"):
            self.env["collection.stage"].create(
                {
                    "policy_id": self.policy.id,
                    "name": "Mail",
                    "days": 60,
                    "action_email": True,
                    "mail_template_id": invoice_template.id,
                }
            )
        self.assertEqual(self.env["collection.stage"].search_count([]), count)
        self.assertRefused(
            "template must be one for Contacts",
            self.stage_firm,
            ["mail_template_id"],
            lambda: self.stage_firm.write({"mail_template_id": invoice_template.id}),
        )

    def test_deposit_schedule_lines(self):
        Template = self.env["collection.deposit.template"]
        count = Template.search_count([])
        cases = [
            ({"name": "Nothing"}, "Add at least one deposit line"),
            (
                {
                    "name": "Negative",
                    "line_ids": [Command.create({"percent": 100, "trigger": "days_after", "days": -3})],
                },
                "Line 1 has -3 days; enter zero or a positive number of days",
            ),
            (
                {"name": "Zero", "line_ids": [Command.create({"percent": 0}), Command.create({"percent": 100})]},
                "Line 1 is 0.0%; each line must be more than 0% and at most 100%",
            ),
            (
                {"name": "Over", "line_ids": [Command.create({"percent": -10}), Command.create({"percent": 110})]},
                "Line 2 is 110.0%",
            ),
            (
                {"name": "Short", "line_ids": [Command.create({"percent": 33.33})] * 3},
                "add up to 99.99%; they must add up to 100%",
            ),
        ]
        for vals, pattern in cases:
            with self.subTest(name=vals["name"]), self.assertRaisesRegex(ValidationError, pattern):
                Template.create(vals)
        self.assertEqual(Template.search_count([]), count, "nothing created")
        template = Template.create(
            {
                "name": "50/50",
                "line_ids": [
                    Command.create({"percent": 50}),
                    Command.create({"percent": 50, "trigger": "days_after", "days": 30}),
                ],
            }
        )
        with self.assertRaisesRegex(ValidationError, "add up to 50%; they must add up to 100%"):
            template.line_ids[1].unlink()
        with self.assertRaisesRegex(ValidationError, "Add at least one deposit line"):
            template.write({"line_ids": [Command.clear()]})
        self.assertEqual(template.line_ids.mapped("percent"), [50, 50])

    def test_deleting_the_first_fee_band_is_refused(self):
        self.policy.write(
            {
                "fee_band_ids": [
                    Command.create({"min_debt": 0, "amount": 40}),
                    Command.create({"min_debt": 1000, "amount": 70}),
                ]
            }
        )
        first = self.policy.fee_band_ids.sorted("min_debt")[0]
        with self.assertRaisesRegex(ValidationError, "first fixed-fee band must start at a debt of 0"):
            first.unlink()
        self.assertEqual(self.policy.fee_band_ids.mapped("min_debt"), [0, 1000])


@tagged("post_install", "-at_install")
class TestReferenceRateImport(RefusalCase):
    """Reference rates from a CSV file through Odoo's import: all rows or none."""

    FIELDS = ["index_id", "date", "rate"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.index = cls.env["collection.rate.index"].create({"name": "Test index", "code": "TEST_IDX"})
        cls.env["collection.reference.rate"].create({"index_id": cls.index.id, "date": "2025-01-01", "rate": 3.0})
        cls.Rate = cls.env["collection.reference.rate"]

    def _rates(self):
        return [(str(rate.date), rate.rate) for rate in self.index.rate_ids.sorted("date")]

    def test_a_good_file_imports(self):
        result = self.Rate.load(
            self.FIELDS,
            [
                ["Test index", "2025-07-01", "2.5"],
                ["TEST_IDX", "2026-01-01", "-0.5"],  # by code; negative reference rates happen (ECB 2014-2022)
                ["Test index", "2028-02-29", "0"],  # leap day; a real zero is typed as 0
            ],
        )
        self.assertFalse(result["messages"])
        self.assertEqual(len(result["ids"]), 3)
        self.assertEqual(
            self._rates(), [("2025-01-01", 3.0), ("2025-07-01", 2.5), ("2026-01-01", -0.5), ("2028-02-29", 0.0)]
        )

    def test_a_bad_row_imports_nothing_and_says_what_to_fix(self):
        good = ["Test index", "2025-07-01", "2.5"]
        cases = [
            (["Test index", "2025-13-45", "2.5"], "'2025-13-45' does not seem to be a valid date"),
            (["Test index", "2027-02-29", "2.5"], "does not seem to be a valid date"),
            (["Test index", "", "2.5"], "Missing required value for the field 'Date'"),
            (["Test index", "2026-01-01", "abc"], "'abc' does not seem to be a number"),
            (["Test index", "2026-01-01", "2.5%"], "does not seem to be a number"),
            (["Test index", "2026-01-01", ""], "The rate on 2026-01-01 is empty: enter the annual rate"),
            (["Test index", "2026-01-01", "250"], "is 250.0%; enter an annual percentage between -100 and 100"),
            (["Test index", "2026-01-01", "-150"], "enter an annual percentage between -100 and 100"),
            (["Unknown index", "2026-01-01", "2"], "No matching record found for name 'Unknown index'"),
            # that date is there already / twice in the file: 18.0's import says the value already exists,
            # 19.0's gives the constraint's own message
            (["Test index", "2025-01-01", "4"], "already exist|already has a rate on that date"),
            (["Test index", "2025-07-01", "2.6"], "already exist|already has a rate on that date"),
        ]
        count = self.Rate.search_count([])
        for bad, pattern in cases:
            with self.subTest(row=bad):
                result = self.Rate.load(self.FIELDS, [good, bad])
                self.assertFalse(result["ids"])
                self.assertTrue(result["messages"])
                self.assertRegex(" ".join(message["message"] for message in result["messages"]), pattern)
                self.assertTrue(all(message["type"] == "error" for message in result["messages"]))
                self.assertEqual(self.Rate.search_count([]), count, "nothing imported")
        self.assertEqual(self._rates(), [("2025-01-01", 3.0)])

    def test_import_wizard(self):
        """The same through the import screen (base_import), from a CSV file."""
        if "base_import.import" not in self.env:
            self.skipTest("base_import is not installed")
        manager = new_test_user(self.env, login="fc_bad_import", groups="account.group_account_manager")

        def execute(content, dryrun=False):
            wizard = (
                self.env["base_import.import"]
                .with_user(manager)
                .create(
                    {
                        "res_model": "collection.reference.rate",
                        "file": content.encode(),
                        "file_name": "rates.csv",
                        "file_type": "text/csv",
                    }
                )
            )
            options = {
                "has_headers": True,
                "separator": ",",
                "quoting": '"',
                "date_format": "%Y-%m-%d",
                "float_decimal_separator": ".",
                "float_thousand_separator": ",",
            }
            return wizard.execute_import(self.FIELDS, self.FIELDS, options, dryrun=dryrun)

        result = execute("index_id,date,rate\nTEST_IDX,2025-07-01,2.5\nTEST_IDX,2026-01-01,abc\n")
        self.assertFalse(result.get("ids"))
        self.assertIn("rate contains incorrect values (value: abc)", " ".join(m["message"] for m in result["messages"]))
        self.assertEqual(self._rates(), [("2025-01-01", 3.0)])
        result = execute("index_id,date,rate\nTEST_IDX,2025-07-01,2.5\nTEST_IDX,2026-01-01,\n")
        self.assertFalse(result.get("ids"))
        self.assertIn("is empty", " ".join(m["message"] for m in result["messages"]))
        result = execute("index_id,date,rate\nTEST_IDX,2025-07-01,2.5\nTest index,2026-01-01,2.25\n")
        self.assertFalse(result["messages"])
        self.assertEqual(self._rates(), [("2025-01-01", 3.0), ("2025-07-01", 2.5), ("2026-01-01", 2.25)])
