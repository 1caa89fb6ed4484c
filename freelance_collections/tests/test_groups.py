"""The groups' place in the user form and the actions they open, set from data on both releases."""

from odoo.tests import TransactionCase, tagged

from ..tools import compat


@tagged("post_install", "-at_install")
class TestGroups(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_group = cls.env.ref("freelance_collections.group_collections_user")
        cls.manager_group = cls.env.ref("freelance_collections.group_collections_manager")
        cls.category = cls.env.ref("freelance_collections.module_category_collections")

    def _place(self, group):
        """The category a group shows under in the user form (19.0: through its privilege)."""
        place = group[compat.group_privilege_field()]
        return place.category_id if compat.ODOO_19 else place

    def test_groups_show_under_collections_in_the_user_form(self):
        for group in self.user_group | self.manager_group:
            with self.subTest(group=group.name):
                self.assertEqual(self._place(group), self.category)
        self.assertIn(self.user_group, self.manager_group.implied_ids)
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("freelance_collections.group_collections_manager"))
        self.assertIn(admin, self.manager_group[compat.GROUP_USERS])

    def test_setting_up_again_changes_nothing(self):
        place = self.manager_group[compat.group_privilege_field()]
        self.env["res.groups"]._collection_setup_groups()
        self.assertEqual(self.manager_group[compat.group_privilege_field()], place)
        self.assertEqual(self.user_group[compat.group_privilege_field()], place)
        if compat.ODOO_19:
            self.assertEqual(self.env["res.groups.privilege"].search_count([("category_id", "=", self.category.id)]), 1)

    def test_actions_and_reports_open_to_their_group_only(self):
        expected = {
            "action_server_move_send_reminder": self.user_group,
            "action_server_partner_evidence_pack": self.user_group,
            "action_report_statement": self.user_group,
            "action_report_demand_letter": self.user_group,
            "action_collection_statement_wizard": self.user_group,
            "collection_dashboard_action": self.user_group,
            "action_server_move_waive_penalties": self.manager_group,
            "action_server_move_write_off": self.manager_group,
            "action_server_move_undo_write_off": self.manager_group,
            "action_server_move_agency": self.manager_group,
        }
        for xmlid, group in expected.items():
            with self.subTest(action=xmlid):
                self.assertEqual(self.env.ref(f"freelance_collections.{xmlid}")[compat.GROUPS], group)

    def _bound_actions(self, login, group_xmlid):
        """The ids of the actions the Action menu of an invoice offers a new user of GROUP_XMLID."""
        user = self.env["res.users"].create(
            {"name": login, "login": login, compat.GROUPS: [(6, 0, [self.env.ref(group_xmlid).id])]}
        )
        bound = self.env["ir.actions.actions"].with_user(user).get_bindings("account.move")
        return [vals["id"] for vals in bound.get("action", [])]

    def test_a_billing_user_gets_the_write_off_action_only_as_manager(self):
        action = self.env.ref("freelance_collections.action_server_move_write_off")
        self.assertNotIn(action.id, self._bound_actions("fc_groups_billing", "account.group_account_invoice"))
        self.assertIn(action.id, self._bound_actions("fc_groups_manager", "account.group_account_manager"))
