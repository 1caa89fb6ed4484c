from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.freelance_collections.tests.common import CollectionsCommon

OVERRIDE_MARK = "manager override"


class SaleWorkStopMixin:
    # assertRaises, not assertRaisesRegex: only the former rolls back to a savepoint in Odoo 18.
    @classmethod
    def get_default_groups(cls):
        """The test user is a sales manager, as in sale's own tests (19.0's accounting tests run as a user
        with these groups only)."""
        return super().get_default_groups() | cls.env.ref("sales_team.group_sale_manager")

    @classmethod
    def _setup_sale_users(cls, company):
        cls.salesman = new_test_user(
            cls.env,
            login="fc_salesman",
            company_id=company.id,
            groups="sales_team.group_sale_salesman,freelance_collections.group_collections_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="fc_sale_manager",
            company_id=company.id,
            groups="sales_team.group_sale_salesman_all_leads," "freelance_collections.group_collections_manager",
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Consulting day", "type": "service", "list_price": 800.0}
        )

    def _order(self, partner, user=None):
        user = user or self.salesman
        return (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": partner.id,
                    "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 2})],
                }
            )
        )

    def _override_messages(self, record):
        return record.message_ids.filtered(lambda m: OVERRIDE_MARK in str(m.body))


@tagged("post_install", "-at_install")
class TestSaleWorkStop(SaleWorkStopMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sale_users(cls.env.company)
        cls.client = cls.env["res.partner"].create({"name": "Stopped Client Co", "is_company": True})
        cls.client_contact = cls.env["res.partner"].create({"name": "Stopped Client Buyer", "parent_id": cls.client.id})
        cls.good_client = cls.env["res.partner"].create({"name": "Good Payer Co", "is_company": True})

    def _stop(self, partner, override="stop"):
        partner.write({"collection_work_stop_override": override, "collection_work_stop_reason": "Test"})

    def test_user_groups(self):
        self.assertTrue(self.salesman.has_group("freelance_collections.group_collections_user"))
        self.assertFalse(self.salesman.has_group("freelance_collections.group_collections_manager"))
        self.assertTrue(self.manager.has_group("freelance_collections.group_collections_manager"))

    def test_related_field_and_filter(self):
        order = self._order(self.client_contact)
        good = self._order(self.good_client)
        self.assertFalse(order.collection_work_stop)
        self._stop(self.client)
        order.invalidate_recordset(["collection_work_stop"])  # a banner is read afresh by the form
        self.assertTrue(order.collection_work_stop, "read from the commercial partner of the contact")
        self.assertFalse(good.collection_work_stop)
        found = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .search([("collection_work_stop", "=", True), ("id", "in", (order | good).ids)])
        )
        self.assertEqual(found, order)
        search_view = self.env["sale.order"].get_view(
            self.env.ref("sale.sale_order_view_search_inherit_quotation").id, "search"
        )
        self.assertIn('name="collection_work_stop"', search_view["arch"])
        form_view = self.env["sale.order"].get_view(self.env.ref("sale.view_order_form").id, "form")
        self.assertIn("alert-danger", form_view["arch"])
        self.assertIn('invisible="not collection_work_stop"', form_view["arch"])
        dependents = {
            str(field)
            for field in self.env.registry.get_dependent_fields(self.env["account.move"]._fields["payment_state"])
        }
        self.assertNotIn("sale.order.collection_work_stop", dependents, "not in the accounting fields' triggers")

    def test_stopped_client_salesman_refused(self):
        self._stop(self.client)
        order = self._order(self.client_contact)
        with self.assertRaises(UserError) as refused:
            order.with_user(self.salesman).action_confirm()
        self.assertIn("Work is stopped for Stopped Client Co", str(refused.exception))
        self.assertEqual(order.state, "draft")
        self.assertFalse(self._override_messages(order))

    def test_stopped_client_manager_confirms_and_is_logged(self):
        self._stop(self.client)
        order = self._order(self.client_contact)
        order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "sale")
        logged = self._override_messages(order)
        self.assertEqual(len(logged), 1)
        self.assertIn(self.manager.name, str(logged.body))
        self.assertIn("Confirmed by", str(logged.body))

    def test_client_not_stopped(self):
        order = self._order(self.client_contact)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(self._override_messages(order))
        manager_order = self._order(self.good_client, user=self.manager)
        manager_order.with_user(self.manager).action_confirm()
        self.assertFalse(self._override_messages(manager_order), "nothing to log without a work-stop")

    def test_batch_with_one_stopped_client_is_refused(self):
        self._stop(self.client)
        orders = self._order(self.good_client) | self._order(self.client)
        with self.assertRaises(UserError) as refused:
            orders.with_user(self.salesman).action_confirm()
        self.assertIn("Stopped Client Co", str(refused.exception))
        self.assertNotIn("Good Payer Co", str(refused.exception))
        self.assertEqual(set(orders.mapped("state")), {"draft"})
        orders.with_user(self.manager).action_confirm()
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        self.assertEqual(len(self._override_messages(orders)), 1, "only the stopped client's order")

    def test_work_stop_lifted(self):
        self._stop(self.client)
        order = self._order(self.client_contact)
        with self.assertRaises(UserError):
            order.with_user(self.salesman).action_confirm()
        self.client.collection_work_stop_override = False  # back to the stages: no open invoice
        order.invalidate_recordset(["collection_work_stop"])
        self.assertFalse(order.collection_work_stop)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(self._override_messages(order))

    def test_release_override(self):
        self._stop(self.client, override="release")
        order = self._order(self.client_contact)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_confirmed_order_keeps_sale_error(self):
        order = self._order(self.client)
        order.action_confirm()
        self._stop(self.client)
        with self.assertRaises(UserError) as refused:
            order.with_user(self.salesman).action_confirm()
        self.assertIn("not in a state requiring confirmation", str(refused.exception))


@tagged("post_install", "-at_install")
class TestSaleWorkStopFromStages(SaleWorkStopMixin, CollectionsCommon):
    """The work-stop computed from a real overdue invoice, then lifted by its payment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sale_users(cls.env.company)

    def test_overdue_invoice_stops_then_payment_lifts(self):
        with freeze_time("2026-03-15"):
            invoice = self._invoice(invoice_date="2026-01-01", due_date="2026-02-01")  # 42 days late
            self.assertEqual(invoice.collection_stage_id, self.stage_stop)
            order = self._order(self.client_contact)
            self.assertTrue(order.collection_work_stop)
            with self.assertRaises(UserError):
                order.with_user(self.salesman).action_confirm()
            self.assertEqual(order.state, "draft")
            self._pay(invoice)
            order.invalidate_recordset(["collection_work_stop"])  # the form reads it afresh
            self.assertFalse(order.collection_work_stop, "work-stop lifts once paid")
            order.with_user(self.salesman).action_confirm()  # the check: the client's own field, in this transaction
            self.assertEqual(order.state, "sale")
            self.assertFalse(self._override_messages(order))
