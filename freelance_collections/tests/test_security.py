import re
from pathlib import Path

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..tools import compat
from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestSecurity(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing_user = new_test_user(
            cls.env, login="fc_billing", groups="account.group_account_invoice", company_id=cls.env.company.id
        )
        cls.manager = new_test_user(
            cls.env, login="fc_manager", groups="account.group_account_manager", company_id=cls.env.company.id
        )
        cls.employee = new_test_user(cls.env, login="fc_employee", groups="base.group_user")
        cls.portal = new_test_user(cls.env, login="fc_portal", groups="base.group_portal")

    def test_groups_are_implied(self):
        self.assertTrue(self.billing_user.has_group("freelance_collections.group_collections_user"))
        self.assertFalse(self.billing_user.has_group("freelance_collections.group_collections_manager"))
        self.assertTrue(self.manager.has_group("freelance_collections.group_collections_manager"))

    def test_user_reads_manager_configures(self):
        policy = self.policy.with_user(self.billing_user)
        self.assertTrue(policy.stage_ids)
        with self.assertRaises(AccessError):
            policy.name = "Changed"
        with self.assertRaises(AccessError):
            self.env["collection.policy"].with_user(self.billing_user).create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.env["collection.reference.rate"].with_user(self.billing_user).create(
                {
                    "index_id": self.env.ref("freelance_collections.rate_index_ecb_mro").id,
                    "date": "2026-01-01",
                    "rate": 2,
                }
            )
        new = self.env["collection.policy"].with_user(self.manager).create({"name": "Manager's"})
        new.name = "Renamed"
        new.unlink()

    def test_employee_and_portal(self):
        self.assertTrue(self.policy.with_user(self.employee).read(["name"]))
        with self.assertRaises(AccessError):
            self.env["collection.deposit.template"].with_user(self.employee).search([])
        with self.assertRaises(AccessError):
            self.policy.with_user(self.portal).read(["name"])

    def test_multi_company_isolation(self):
        company_2 = self.setup_other_company(name="Second Co")["company"]
        private = self.env["collection.policy"].create(self._policy_vals("Company 2 only", company_id=company_2.id))
        found = self.env["collection.policy"].with_user(self.manager).search([])
        self.assertNotIn(private, found)
        self.assertIn(self.env.ref("freelance_collections.policy_france_b2b"), found, "presets are shared")
        with self.assertRaises(AccessError):
            private.with_user(self.manager).read(["name"])
        stages = self.env["collection.stage"].with_user(self.manager).search([("policy_id", "=", private.id)])
        self.assertFalse(stages)


# Access rights per group, as designed in security/ir.model.access.csv: "r", "w", "c", "u" (unlink).
EXPECTED_ACCESS = {
    # model: (employee without collections group, billing user, manager)
    "collection.policy": ("r", "r", "rwcu"),
    "collection.stage": ("r", "r", "rwcu"),
    "collection.deposit.template": ("", "r", "rwcu"),
    "collection.deposit.line": ("", "r", "rwcu"),
    "collection.discount.tier": ("", "r", "rwcu"),
    "collection.penalty.tier": ("", "r", "rwcu"),
    "collection.fee.band": ("", "r", "rwcu"),
    "collection.rate.index": ("", "r", "rwcu"),
    "collection.reference.rate": ("", "r", "rwcu"),
    "collection.action.log": ("", "r", "rwc"),  # the log of the run: nobody deletes it
    "collection.payment.plan": ("", "rwc", "rwcu"),
    "collection.payment.plan.line": ("", "rwcu", "rwcu"),
    "collection.dry.run": ("", "rwcu", "rwcu"),
    "collection.dry.run.line": ("", "rwcu", "rwcu"),
    "collection.action.wizard": ("", "rwcu", "rwcu"),
    "collection.retainer": ("", "rwc", "rwcu"),
}
# Models a portal user may read, each limited by a portal record rule to the user's own client.
PORTAL_READABLE = {"collection.retainer"}  # collection_retainer_portal_rule, tests/test_retainer_portal.py
OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}


def addon_models(env):
    """Names of the addon's own models (not abstract), reports and wizards included."""
    names = env["ir.model"].search([("model", "=like", "collection.%")]).mapped("model")
    return [name for name in names if name in env and not env[name]._abstract]


@tagged("post_install", "-at_install")
class TestAccessRights(CollectionsCommon):
    """Every model of the addon, every kind of user: allowed, or refused with an AccessError."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            "employee": new_test_user(cls.env, login="fc_acl_employee", groups="base.group_user"),
            "billing": new_test_user(cls.env, login="fc_acl_billing", groups="account.group_account_invoice"),
            "manager": new_test_user(cls.env, login="fc_acl_manager", groups="account.group_account_manager"),
            "portal": new_test_user(cls.env, login="fc_acl_portal", groups="base.group_portal"),
        }

    def _addon_models(self):
        return addon_models(self.env)

    def test_access_matrix(self):
        for model, expected in EXPECTED_ACCESS.items():
            for kind, allowed in zip(("employee", "billing", "manager"), expected, strict=False):
                for letter, operation in OPERATIONS.items():
                    with self.subTest(model=model, user=kind, operation=operation):
                        self.assertEqual(
                            self.env[model].with_user(self.users[kind]).has_access(operation), letter in allowed
                        )

    def test_every_model_is_closed_to_portal_and_plain_employees(self):
        models = self._addon_models()
        self.assertTrue(set(EXPECTED_ACCESS) <= set(models))
        for model in models:
            with self.subTest(model=model):
                self.assertTrue(
                    self.env["ir.model.access"].search_count([("model_id.model", "=", model)]),
                    "every model has access rights",
                )
                for operation in OPERATIONS.values():
                    self.assertEqual(
                        self.env[model].with_user(self.users["portal"]).has_access(operation),
                        operation == "read" and model in PORTAL_READABLE,
                    )
                for operation in ("write", "create", "unlink"):
                    self.assertFalse(self.env[model].with_user(self.users["employee"]).has_access(operation))

    def test_refused_operations_raise_access_error(self):
        employee, billing, portal = self.users["employee"], self.users["billing"], self.users["portal"]
        index = self.env.ref("freelance_collections.rate_index_ecb_mro")
        for user in (employee, portal):
            for model in (
                "collection.action.log",
                "collection.payment.plan",
                "collection.reference.rate",
                "collection.deposit.template",
            ):
                with self.subTest(user=user.login, model=model), self.assertRaises(AccessError):
                    self.env[model].with_user(user).search([])
        with self.assertRaises(AccessError):
            self.policy.with_user(employee).write({"name": "Mine now"})
        with self.assertRaises(AccessError):
            self.stage_firm.with_user(billing).write({"days": 20})
        with self.assertRaises(AccessError):
            index.rate_ids[:1].with_user(billing).unlink()
        with self.assertRaises(AccessError):
            self.env["collection.discount.tier"].with_user(billing).create(
                {"policy_id": self.policy.id, "days": 5, "percent": 2}
            )
        self.assertEqual(self.policy.name, "Test policy")
        self.assertEqual(self.stage_firm.days, 15)

        invoice = self._invoice()
        log = self.env["collection.action.log"].create(
            {"key": "acl-test", "move_id": invoice.id, "partner_id": self.client.id, "action": "email"}
        )
        self.assertEqual(log.with_user(billing).action, "email", "billing users read the log")
        with self.assertRaises(AccessError):
            log.with_user(billing).write({"note": "edited"})
        with self.assertRaises(AccessError):
            log.with_user(self.users["manager"]).unlink()
        self.assertTrue(log.exists())

        plan = (
            self.env["collection.payment.plan"]
            .with_user(billing)
            .create({"partner_id": self.client.id, "move_ids": [Command.set(invoice.ids)], "installment_count": 2})
        )
        plan.action_generate_lines()
        with self.assertRaises(AccessError):
            plan.unlink()
        plan.with_user(self.users["manager"]).unlink()

    def test_manager_only_actions_refused_to_billing_users(self):
        billing = self.users["billing"]
        invoice = self._invoice()
        for xmlid in (
            "action_server_move_waive_penalties",
            "action_server_move_agency",
            "action_server_move_write_off",
            "action_server_move_undo_write_off",
        ):
            action = (
                self.env.ref(f"freelance_collections.{xmlid}")
                .with_user(billing)
                .with_context(active_model="account.move", active_ids=invoice.ids, active_id=invoice.id)
            )
            with self.subTest(action=xmlid), self.assertRaises(AccessError):
                action.run()
        with self.assertRaisesRegex(UserError, "collections manager"):
            invoice.with_user(billing).action_collection_write_off()
        self.assertFalse(invoice.collection_write_off_move_id)
        self.assertEqual(invoice.payment_state, "not_paid")


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
        published reference rates, the same for everyone, and the runs (one nightly run for the whole
        database, like its scheduled action; the actions it lists are each company's, behind the
        action log's rule)."""
        shared = {"collection.rate.index", "collection.reference.rate", "collection.run"}
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


MALICIOUS = "'); DROP TABLE res_partner; --"


@tagged("post_install", "-at_install")
class TestNoSqlInjection(CollectionsCommon):
    """The addon's SQL (avg days late, installment debts, run lock, rescheduling) is parameterized:
    text typed by users travels as data, never as SQL."""

    def _tables(self):
        self.env.cr.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name IN "
            "('res_partner', 'account_move', 'collection_policy', 'collection_action_log')"
        )
        return self.env.cr.fetchone()[0]

    def test_malicious_text_goes_through_every_code_path(self):
        self.policy.write(
            {
                "name": MALICIOUS,
                "penalty_tier_ids": [Command.create({"days_late": 15, "percent": 5})],
                "fixed_fee": 40,
                "interest_mode": "fixed",
                "annual_rate": 8,
            }
        )
        self.stage_firm.name = MALICIOUS
        self.client.write({"name": MALICIOUS, "ref": MALICIOUS})
        with freeze_time("2026-02-20"):
            invoice = self._invoice(due_date="2026-01-31", ref=MALICIOUS)
            self._invoice(due_date="2026-01-10", amount=300)
            self._pay(invoice, amount=100.0)
            dry_run = self.env["collection.dry.run"].browse(self.env["collection.dry.run"].action_open()["res_id"])
            self.assertTrue(dry_run.line_ids)
            report = self.env["collection.run"]._cron_run_collections()
            self.assertTrue(report.actions)
            self.assertTrue(invoice.collection_penalty_ids, "late fees booked")
            self.assertEqual(invoice.collection_stage_id.name, MALICIOUS)
            self.assertGreater(self.client.collection_avg_days_late, 0)
            self.assertTrue(self.client.collection_overdue_amount)
            wizard = self.env["collection.action.wizard"].browse(
                self.env["collection.action.wizard"].action_open("dispute", invoice)["res_id"]
            )
            wizard.write({"reason": MALICIOUS, "date": "2026-03-01"})
            wizard.action_apply()
            self.assertEqual(invoice.collection_dispute_reason, MALICIOUS)
            html, _type = self.env["ir.actions.report"]._render_qweb_html(
                "freelance_collections.action_report_statement", self.client.ids
            )
            self.assertIn(invoice.name, html.decode())
        for model in ("res.partner", "collection.policy", "collection.stage", "account.move"):
            found = self.env[model].search([("display_name", "ilike", MALICIOUS)])
            self.assertTrue(found, model)
        self.assertEqual(self.env["res.partner"].name_search(MALICIOUS)[0][0], self.client.id)
        self.assertEqual(self.client.name, MALICIOUS)
        self.assertEqual(self.policy.name, MALICIOUS)
        self.assertEqual(self._tables(), 4, "no table dropped")

    def test_every_query_is_an_sql_object(self):
        """No query text built from strings: every cr.execute() of the addon and its bridges takes an
        odoo.tools.SQL, whose parameters are passed to PostgreSQL separately, and no SQL() gets an
        f-string or a %-formatted string."""
        root = Path(__file__).resolve().parents[2]
        raw_execute = re.compile(r"\.execute\((?!\s*SQL\()")
        formatted_sql = re.compile(r"SQL\(\s*(f[\"']|[\"'][^\"']*[\"']\s*%\s)")
        offenders, queries = [], 0
        for path in sorted(root.glob("freelance_collections*/**/*.py")):
            if "tests" in path.parts:
                continue
            text = path.read_text()
            queries += len(re.findall(r"\.execute\(", text))
            for pattern in (raw_execute, formatted_sql):
                offenders += [f"{path.name}: {match.group(0)}" for match in pattern.finditer(text)]
        self.assertGreaterEqual(queries, 4, "the addon's queries were found")
        self.assertEqual(offenders, [])


@tagged("post_install", "-at_install")
class TestClientSettingsAccess(CollectionsCommon):
    """Collections users pause and resume a client, managers override its work stop, without the
    right to edit contacts; nobody else does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = new_test_user(cls.env, login="fc_billing_only", groups="account.group_account_invoice")
        cls.manager = new_test_user(cls.env, login="fc_manager_only", groups="account.group_account_manager")
        cls.employee = new_test_user(cls.env, login="fc_employee_only", groups="base.group_user")

    def test_pause_and_resume_by_a_billing_user(self):
        client = self.client.with_user(self.billing)
        self.assertFalse(
            self.env["res.partner"].with_user(self.billing).has_access("write"), "the billing user cannot edit contacts"
        )
        client.write({"collection_pause_until": "2099-01-01", "collection_pause_reason": "Valued"})
        self.assertEqual(str(self.client.collection_pause_until), "2099-01-01")
        client.action_collection_resume()
        self.assertFalse(self.client.collection_pause_until)
        with self.assertRaises(AccessError):
            client.write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            client.write({"collection_work_stop_override": "release", "collection_work_stop_reason": "Friend"})

    def test_override_by_a_manager_only(self):
        self.client.with_user(self.manager).write(
            {"collection_work_stop_override": "release", "collection_work_stop_reason": "Agreed"}
        )
        self.assertEqual(self.client.collection_work_stop_override, "release")
        with self.assertRaises(AccessError):
            self.client.with_user(self.employee).write({"collection_pause_until": "2099-01-01"})

    def test_a_policy_of_another_company_is_refused(self):
        other = self.setup_other_company(name="Other Co")["company"]
        foreign = self.env["collection.policy"].create(self._policy_vals("Other's policy", company_id=other.id))
        with self.assertRaisesRegex(ValidationError, "belongs to Other Co"):
            self.client.collection_policy_id = foreign
        with self.assertRaisesRegex(ValidationError, "belongs to Other Co"):
            self.env.company.collection_policy_id = foreign
        with self.assertRaises(UserError):
            self._invoice(collection_policy_id=foreign.id)
