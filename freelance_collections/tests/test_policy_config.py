from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import CollectionsCommon

PRESETS = (
    "policy_freelancer_standard",
    "policy_early_payment",
    "policy_france_b2b",
    "policy_eu_directive",
    "policy_uk_late_payment",
    "policy_nyc_fif",
    "policy_de_bgb_288",
    "policy_es_ley_3_2004",
    "policy_it_dlgs_231_2002",
    "policy_nl_bw_6_119a",
    "policy_be_law_2002",
    "policy_ie_si_580_2012",
)


@tagged("post_install", "-at_install")
class TestPolicyConfig(CollectionsCommon):
    def test_presets_are_valid_and_copyable(self):
        for xmlid in PRESETS:
            preset = self.env.ref(f"freelance_collections.{xmlid}")
            self.assertTrue(preset.stage_ids, xmlid)
            copy = preset.copy({"name": f"My {preset.name}"})
            self.assertEqual(len(copy.stage_ids), len(preset.stage_ids))
            self.assertEqual(copy.stage_ids.mapped("days"), preset.stage_ids.mapped("days"))

    def test_preset_numbers(self):
        france = self.env.ref("freelance_collections.policy_france_b2b")
        self.assertEqual((france.interest_mode, france.annual_rate, france.fixed_fee), ("reference", 10, 40))
        self.assertEqual(france.currency_id.name, "EUR")
        self.assertFalse(france.late_fee_tax_ids, "French late-payment fees are outside VAT")
        eu = self.env.ref("freelance_collections.policy_eu_directive")
        self.assertEqual((eu.annual_rate, eu.fixed_fee), (8, 40))
        uk = self.env.ref("freelance_collections.policy_uk_late_payment")
        self.assertEqual(uk.fee_band_ids.mapped(lambda b: (b.min_debt, b.amount)), [(0, 40), (1000, 70), (10000, 100)])
        self.assertEqual(uk.rate_index_id.code, "BOE_SEMESTER")
        nyc = self.env.ref("freelance_collections.policy_nyc_fif")
        self.assertEqual((nyc.default_due_days, nyc.contract_threshold_amount), (30, 800))
        standard = self.env.ref("freelance_collections.policy_freelancer_standard")
        self.assertEqual(standard.penalty_tier_ids.mapped(lambda t: (t.days_late, t.percent)), [(15, 5), (30, 10)])
        self.assertEqual(standard.deposit_template_id.summary, "50/50")
        stop_stage = standard.stage_ids.filtered("action_work_stop")
        self.assertEqual(stop_stage.days, 30)
        self.assertEqual(standard.stage_ids.filtered("action_formal_notice").days, 45)
        self.assertEqual(standard.stage_ids.filtered("action_agency").days, 90)
        self.assertEqual(standard.stage_ids.filtered("stops_work").mapped("days"), [30, 45, 90])

    def test_engine_adapters(self):
        france = self.env.ref("freelance_collections.policy_france_b2b")
        rules = france._get_penalty_rules()
        self.assertEqual(rules.interest_mode, "reference")
        self.assertEqual(str(rules.fixed_fee), "40.0")
        periods = france._get_reference_rates()
        self.assertTrue(periods)
        self.assertEqual([p.start for p in periods], sorted(p.start for p in periods))

    def test_deposit_lines_must_add_up_to_100(self):
        with self.assertRaisesRegex(ValidationError, "100"):
            self.env["collection.deposit.template"].create(
                {
                    "name": "Broken",
                    "line_ids": [Command.create({"percent": 50}), Command.create({"percent": 40})],
                }
            )
        template = self.env["collection.deposit.template"].create(
            {
                "name": "30/30/40",
                "line_ids": [
                    Command.create({"percent": 30}),
                    Command.create({"percent": 30}),
                    Command.create({"percent": 40, "trigger": "days_after", "days": 30}),
                ],
            }
        )
        self.assertEqual(template.summary, "30/30/40")
        with self.assertRaises(ValidationError):
            template.line_ids[0].percent = 130

    def test_deposit_fixed_date_needs_a_date(self):
        with self.assertRaisesRegex(ValidationError, "date"):
            self.env["collection.deposit.template"].create(
                {
                    "name": "Fixed",
                    "line_ids": [Command.create({"percent": 100, "trigger": "fixed_date"})],
                }
            )

    def test_discount_tiers_out_of_order(self):
        with self.assertRaises(ValidationError):
            self.policy.write(
                {
                    "discount_tier_ids": [
                        Command.create({"days": 5, "percent": 1}),
                        Command.create({"days": 10, "percent": 2}),
                    ]
                }
            )
        with self.assertRaises(ValidationError):
            self.policy.write({"discount_tier_ids": [Command.create({"days": 5, "percent": 120})]})
        with self.assertRaises(ValidationError):
            self.policy.write(
                {
                    "discount_tier_ids": [
                        Command.create({"days": 5, "percent": 3}),
                        Command.create({"days": 5, "percent": 2}),
                    ]
                }
            )
        self.policy.write(
            {
                "discount_tier_ids": [
                    Command.create({"days": 5, "percent": 3}),
                    Command.create({"days": 10, "percent": 2}),
                    Command.create({"days": 15, "percent": 1}),
                ]
            }
        )
        self.assertEqual([t.percent for t in self.policy._get_discount_tiers()], [3, 2, 1])

    def test_penalty_configuration_refused(self):
        with self.assertRaises(ValidationError):
            self.policy.write(
                {
                    "penalty_tier_ids": [
                        Command.create({"days_late": 30, "percent": 5}),
                        Command.create({"days_late": 15, "percent": 10}),
                    ]
                }
            )
        with self.assertRaises(ValidationError):
            self.policy.write({"penalty_tier_ids": [Command.create({"days_late": 15, "percent": 150})]})
        with self.assertRaisesRegex(ValidationError, "reference rate"):
            self.policy.write({"interest_mode": "reference", "annual_rate": 8})
        with self.assertRaises(ValidationError):
            self.policy.write({"fixed_fee": -40})
        with self.assertRaises(ValidationError):
            self.policy.write({"cap_percent": 150})
        with self.assertRaises(ValidationError):
            self.policy.write({"grace_days": -1})
        with self.assertRaisesRegex(ValidationError, "late fee product"):
            self.policy.write({"late_fee_product_id": False, "fixed_fee": 40})
        with self.assertRaises(ValidationError):
            self.policy.write(
                {
                    "fee_band_ids": [
                        Command.create({"min_debt": 1000, "amount": 70}),
                        Command.create({"min_debt": 0, "amount": 40}),
                        Command.create({"min_debt": 1000, "amount": 100}),
                    ]
                }
            )

    def test_reminder_configuration_refused(self):
        for field in ("reminder_interval_days", "discount_nudge_days", "default_due_days"):
            with self.assertRaises(ValidationError, msg=field):
                self.policy.write({field: -1})

    def test_stage_without_action_refused(self):
        with self.assertRaisesRegex(ValidationError, "does nothing"):
            self.env["collection.stage"].create({"policy_id": self.policy.id, "name": "Idle", "days": 60})
        with self.assertRaisesRegex(ValidationError, "email template"):
            self.env["collection.stage"].create(
                {"policy_id": self.policy.id, "name": "Mail", "days": 60, "action_email": True}
            )
        with self.assertRaisesRegex(ValidationError, "activity type"):
            self.env["collection.stage"].create(
                {"policy_id": self.policy.id, "name": "Call", "days": 60, "action_activity": True}
            )
        with self.assertRaisesRegex(ValidationError, "commission"):
            self.env["collection.stage"].create(
                {
                    "policy_id": self.policy.id,
                    "name": "Agency",
                    "days": 90,
                    "action_agency": True,
                    "agency_commission": 120,
                }
            )

    def test_two_stages_on_the_same_day_refused(self):
        with self.assertRaises(ValidationError):
            self.env["collection.stage"].create(
                {"policy_id": self.policy.id, "name": "Again", "days": 15, "action_manual": True}
            )
        with self.assertRaises(ValidationError):
            self.stage_stop.days = 1

    def test_reference_rates(self):
        index = self.env["collection.rate.index"].create({"name": "Test rate", "code": "TEST"})
        self.env["collection.reference.rate"].create(
            [
                {"index_id": index.id, "date": "2026-01-01", "rate": 2.0},
                {"index_id": index.id, "date": "2026-07-01", "rate": 2.5},
            ]
        )
        self.assertEqual([r for _d, r in index._get_rate_periods()], [2.0, 2.5])
        with self.assertRaises(ValidationError):
            self.env["collection.reference.rate"].create({"index_id": index.id, "date": "2026-09-01", "rate": 250})

    def test_policy_form(self):
        with Form(self.env["collection.policy"]) as form:
            form.name = "Form-made policy"
            form.interest_mode = "fixed"
            form.annual_rate = 12
            with form.stage_ids.new() as stage:
                stage.name = "Call"
                stage.days = 10
                stage.action_activity = True
                stage.activity_type_id = self.env.ref("freelance_collections.mail_activity_collection_call")
        policy = form.record
        self.assertEqual(policy.stage_count, 1)
        self.assertEqual(policy._get_penalty_rules().interest_mode, "fixed")
