"""Multi-company isolation: a user of company A finds, reads, changes, prints and runs nothing of company B."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..tools import compat
from .common import CollectionsCommon
from .common_security import addon_models


@tagged("post_install", "-at_install")
class TestMultiCompanyIsolation(CollectionsCommon):
    """Two companies, each with its policy, clients, invoices, log, plan and late fees: a user of
    company A sees and touches nothing of company B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.policy_a = cls.env["collection.policy"].create(cls._policy_vals("Policy of A", company_id=cls.company_a.id))
        cls.policy_b = cls.env["collection.policy"].create(
            cls._policy_vals(
                "Policy of B",
                company_id=cls.company_b.id,
                currency_id=cls.company_b.currency_id.id,
                penalty_tier_ids=[Command.create({"days_late": 15, "percent": 5})],
                discount_tier_ids=[Command.create({"days": 5, "percent": 2})],
                fee_band_ids=[Command.create({"min_debt": 0, "amount": 40})],
            )
        )
        cls.company_a.collection_policy_id = cls.policy_a
        cls.company_b.collection_policy_id = cls.policy_b
        cls.template_b = cls.env["collection.deposit.template"].create(
            {
                "name": "B's 50/50",
                "company_id": cls.company_b.id,
                "line_ids": [Command.create({"percent": 50}), Command.create({"percent": 50})],
            }
        )
        cls.client_b = cls.env["res.partner"].create(
            {"name": "Client of B", "company_id": cls.company_b.id, "email": "b@example.com"}
        )
        cls.shared_client = cls.env["res.partner"].create({"name": "Client of both", "email": "both@example.com"})
        cls.invoice_a = cls._invoice(partner=cls.shared_client, due_date="2026-01-31")
        cls.invoice_b = cls._invoice(partner=cls.client_b, company=cls.company_b, due_date="2026-01-31")
        cls.shared_invoice_b = cls._invoice(partner=cls.shared_client, company=cls.company_b, due_date="2026-01-31")
        cls.fee_b = cls._invoice(
            amount=50, partner=cls.client_b, company=cls.company_b, collection_penalty_origin_id=cls.invoice_b.id
        )
        cls.log_b = cls.env["collection.action.log"].create(
            {"key": "b-email", "move_id": cls.invoice_b.id, "partner_id": cls.client_b.id, "action": "email"}
        )
        cls.plan_b = cls.env["collection.payment.plan"].create(
            {
                "partner_id": cls.client_b.id,
                "company_id": cls.company_b.id,
                "currency_id": cls.invoice_b.currency_id.id,
                "move_ids": [Command.set(cls.invoice_b.ids)],
                "line_ids": [Command.create({"date": "2099-01-01", "amount": cls.invoice_b.amount_residual})],
            }
        )
        cls.user_a = new_test_user(
            cls.env,
            login="fc_mc_manager_a",
            groups="account.group_account_manager",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.billing_a = new_test_user(
            cls.env,
            login="fc_mc_billing_a",
            groups="account.group_account_invoice",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )

    def test_every_company_model_has_a_company_rule(self):
        """Each stored model holds one company's data behind a global multi-company rule, except the
        published reference rates and their conflicting values, the same for everyone, and the runs
        (one nightly run for the whole database, like its scheduled action; the actions it lists are
        each company's, behind the action log's rule)."""
        shared = {"collection.rate.index", "collection.reference.rate", "collection.rate.conflict", "collection.run"}
        for model in addon_models(self.env):
            if model in shared or self.env[model]._transient:
                continue
            with self.subTest(model=model):
                rules = self.env["ir.rule"].search([("model_id.model", "=", model), ("global", "=", True)])
                self.assertTrue(any("company_ids" in rule.domain_force for rule in rules))

    def _b_records(self):
        return {
            "collection.policy": self.policy_b,
            "collection.stage": self.policy_b.stage_ids,
            "collection.discount.tier": self.policy_b.discount_tier_ids,
            "collection.penalty.tier": self.policy_b.penalty_tier_ids,
            "collection.fee.band": self.policy_b.fee_band_ids,
            "collection.deposit.template": self.template_b,
            "collection.deposit.line": self.template_b.line_ids,
            "collection.action.log": self.log_b,
            "collection.payment.plan": self.plan_b,
            "collection.payment.plan.line": self.plan_b.line_ids,
            "account.move": self.invoice_b | self.fee_b | self.shared_invoice_b,
        }

    def test_company_b_records_are_neither_found_nor_read(self):
        for user in (self.user_a, self.billing_a):
            for model, records in self._b_records().items():
                self.assertTrue(records, model)
                with self.subTest(user=user.login, model=model):
                    found = self.env[model].with_user(user).search([("id", "in", records.ids)])
                    self.assertFalse(found)
                    with self.assertRaises(AccessError):
                        records.with_user(user).read(["display_name"])
        penalty_invoices = (
            self.env["account.move"].with_user(self.user_a).search([("collection_penalty_origin_id", "!=", False)])
        )
        self.assertNotIn(self.fee_b, penalty_invoices)
        own = self.env["collection.stage"].with_user(self.user_a).search([("policy_id", "=", self.policy_a.id)])
        self.assertEqual(own, self.policy_a.stage_ids, "its own company's records stay visible")

    def test_company_b_records_cannot_be_changed(self):
        for model, records in self._b_records().items():
            if model == "account.move":
                continue
            for operation in ("write", "unlink"):
                with self.subTest(model=model, operation=operation), self.assertRaises(AccessError):
                    records.with_user(self.user_a).check_access(operation)
        with self.assertRaises(AccessError):
            self.policy_b.stage_ids.with_user(self.user_a).unlink()
        with self.assertRaises(AccessError):
            self.policy_b.with_user(self.user_a).write({"fixed_fee": 1})
        with self.assertRaises(AccessError):
            self.plan_b.with_user(self.user_a).action_cancel()
        self.assertEqual(self.policy_b.fixed_fee, 0)
        self.assertEqual(self.plan_b.state, "draft")
        self.assertTrue(self.log_b.exists())

    def _assert_refused(self, render):
        """Rendering stops on an AccessError (QWeb wraps the errors raised while rendering)."""
        with self.assertRaises(Exception) as caught:  # noqa: B017 (the type is checked below)
            render()
        error = caught.exception
        if isinstance(error, compat.QWebException):
            error = error.__cause__
        self.assertIsInstance(error, AccessError)

    def test_reports_of_company_b_are_refused(self):
        Report = self.env["ir.actions.report"].with_user(self.user_a)
        for xmlid in ("action_report_statement", "action_report_demand_letter"):
            with self.subTest(report=xmlid):
                self._assert_refused(
                    lambda xmlid=xmlid: Report._render_qweb_pdf(f"freelance_collections.{xmlid}", self.client_b.ids)
                )
        self._assert_refused(
            lambda: Report.with_context(collection_invoice_ids=self.shared_invoice_b.ids)._render_qweb_pdf(
                "freelance_collections.action_report_demand_letter", self.shared_client.ids
            )
        )
        # A client both companies work for: A's statement lists A's invoices only.
        html, _type = Report._render_qweb_html("freelance_collections.action_report_statement", self.shared_client.ids)
        self.assertIn(self.invoice_a.name, html.decode())
        self.assertNotIn(self.shared_invoice_b.name, html.decode())

    def test_server_actions_on_company_b_records_are_refused(self):
        def run(xmlid, records):
            return (
                self.env.ref(f"freelance_collections.{xmlid}")
                .with_user(self.user_a)
                .with_context(active_model=records._name, active_ids=records.ids, active_id=records.id)
                .run()
            )

        for xmlid in (
            "action_server_move_send_reminder",
            "action_server_move_escalate",
            "action_server_move_payment_plan",
            "action_server_move_close_dispute",
            "action_server_move_write_off",
            "action_server_move_dry_run",
        ):
            with self.subTest(action=xmlid), self.assertRaises(AccessError):
                run(xmlid, self.invoice_b)
        for xmlid in ("action_server_partner_send_reminder", "action_server_partner_resume"):
            with self.subTest(action=xmlid), self.assertRaises(AccessError):
                run(xmlid, self.client_b)
        for xmlid in (
            "action_server_move_open_dispute",
            "action_server_move_waive_penalties",
            "action_server_move_agency",
        ):
            with self.subTest(action=xmlid), self.assertRaises(AccessError):
                action = run(xmlid, self.invoice_b)
                wizard = self.env["collection.action.wizard"].with_user(self.user_a).browse(action["res_id"])
                wizard.write({"reason": "Not mine", "agency_partner_id": self.user_a.partner_id.id})
                wizard.action_apply()
        self.assertFalse(self.invoice_b.collection_dispute)
        self.assertFalse(self.invoice_b.collection_agency_id)
        self.assertFalse(self.invoice_b.collection_penalties_waived)
        self.assertFalse(self.invoice_b.collection_write_off_move_id)
        self.assertEqual(self.env["collection.action.log"].search_count([("move_id", "=", self.invoice_b.id)]), 1)

    def test_wizards_of_other_users_are_private(self):
        with freeze_time("2026-02-20"):
            dry_run = (
                self.env["collection.dry.run"]
                .with_user(self.user_a)
                .browse(self.env["collection.dry.run"].with_user(self.user_a).action_open()["res_id"])
            )
            self.assertIn(self.invoice_a, dry_run.line_ids.move_id)
            self.assertFalse(dry_run.line_ids.move_id.filtered(lambda m: m.company_id == self.company_b))
            with self.assertRaises(AccessError):
                dry_run.with_user(self.billing_a).read(["line_ids"])
            self.assertFalse(
                self.env["collection.dry.run.line"].with_user(self.billing_a).search([("wizard_id", "=", dry_run.id)])
            )
