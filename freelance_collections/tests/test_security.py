from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestSecurity(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing_user = new_test_user(
            cls.env, login="fc_billing", groups="account.group_account_invoice",
            company_id=cls.env.company.id)
        cls.manager = new_test_user(
            cls.env, login="fc_manager", groups="account.group_account_manager",
            company_id=cls.env.company.id)
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
                {"index_id": self.env.ref("freelance_collections.rate_index_ecb_mro").id,
                 "date": "2026-01-01", "rate": 2})
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
        private = self.env["collection.policy"].create(
            self._policy_vals("Company 2 only", company_id=company_2.id))
        found = self.env["collection.policy"].with_user(self.manager).search([])
        self.assertNotIn(private, found)
        self.assertIn(self.env.ref("freelance_collections.policy_france_b2b"), found, "presets are shared")
        with self.assertRaises(AccessError):
            private.with_user(self.manager).read(["name"])
        stages = self.env["collection.stage"].with_user(self.manager).search(
            [("policy_id", "=", private.id)])
        self.assertFalse(stages)
