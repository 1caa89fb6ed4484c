from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CollectionsCommon
from .common_security import addon_models


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
    "collection.rate.conflict": ("", "r", "rwcu"),
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
