from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.freelance_collections.tests.common import CollectionsCommon
from odoo.addons.freelance_collections.tools import compat

from .test_sale_work_stop import OVERRIDE_MARK, SaleWorkStopMixin


@tagged("post_install", "-at_install")
class TestSaleDeposits(SaleWorkStopMixin, CollectionsCommon):
    """Deposit schedules on quotations, invoiced through sale's own down-payment wizard.

    assertRaises, not assertRaisesRegex: only the former rolls back to a savepoint in Odoo 18.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sale_users(cls.env.company)
        cls.schedule_30_30_40 = cls.env.ref("freelance_collections.deposit_template_30_30_40")
        cls.schedule_50_50 = cls.env.ref("freelance_collections.deposit_template_50_50")
        cls.labels = cls.schedule_30_30_40.line_ids.sorted("sequence").mapped("label")
        cls.work = cls.env["product.product"].create(
            {
                "name": "Website project",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 1000.01,
                "taxes_id": [Command.clear()],
            }
        )
        cls.tax_20 = cls.env["account.tax"].create(
            {
                "name": "VAT 20% (deposit tests)",
                "amount": 20.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.env.company.id,
            }
        )
        cls.deposit_policy = cls.env["collection.policy"].create(
            cls._policy_vals("Deposits 30/30/40", deposit_template_id=cls.schedule_30_30_40.id)
        )
        cls.client.collection_policy_id = cls.deposit_policy  # company-dependent, current company
        cls.other_client = cls.env["res.partner"].create({"name": "No Deposit Co", "is_company": True})

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _deposit_order(self, price=1000.01, taxes=None, partner=None, confirm=True, **extra):
        order = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": (partner or self.client_contact).id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.work.id,
                                "product_uom_qty": 1,
                                "price_unit": price,
                                compat.SALE_LINE_TAXES: [Command.set((taxes or self.env["account.tax"]).ids)],
                            }
                        )
                    ],
                    **extra,
                }
            )
        )
        if confirm:
            order.with_user(self.salesman).action_confirm()
        return order.with_env(self.env)

    def _create_deposits(self, order, user=None):
        action = order.with_user(user or self.salesman).action_collection_create_deposit_invoices()
        self.assertEqual(action["res_model"], "account.move")
        return order.with_env(self.env).collection_deposit_invoice_ids.sorted("id")

    def _final_invoice(self, order, user):
        """Create the regular invoice the way the UI does: the wizard, deducting down payments."""
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_user(user)
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "delivered"})
        )
        self.assertTrue(wizard.deduct_down_payments)
        wizard.create_invoices()
        return order.invoice_ids.filtered(lambda m: not m._is_downpayment())

    def _final_messages(self, order):
        return order.message_ids.filtered(lambda m: "Final invoice created" in str(m.body))

    # ------------------------------------------------------------------
    # Quotation: default schedule and preview
    # ------------------------------------------------------------------
    def test_default_schedule_from_client_then_company_policy(self):
        order = self._deposit_order(confirm=False)
        self.assertEqual(
            order.collection_deposit_template_id,
            self.schedule_30_30_40,
            "the commercial partner's policy, read through the contact",
        )
        other = self._deposit_order(partner=self.other_client, confirm=False)
        self.assertFalse(other.collection_deposit_template_id, "the company policy has no schedule")
        self.policy.deposit_template_id = self.schedule_50_50
        another = self._deposit_order(partner=self.other_client, confirm=False)
        self.assertEqual(
            another.collection_deposit_template_id, self.schedule_50_50, "the company's policy when the client has none"
        )
        # company-dependent: in another company the client has no policy of its own
        other_company = self.env["res.company"].create({"name": "Other Co (deposits)"})
        self.assertFalse(self.client.with_company(other_company).collection_policy_id)
        # editable on the quotation
        order.with_user(self.salesman).collection_deposit_template_id = self.schedule_50_50
        self.assertEqual(order.collection_deposit_template_id, self.schedule_50_50)
        order.with_user(self.salesman).collection_deposit_template_id = False
        self.assertFalse(order.collection_deposit_preview)
        # a confirmed order keeps its schedule when the client's policy changes
        confirmed = self._deposit_order()
        self.client.collection_policy_id = self.policy
        confirmed.partner_id = self.client  # triggers the compute: confirmed orders are left alone
        self.assertEqual(confirmed.collection_deposit_template_id, self.schedule_30_30_40)

    def test_preview(self):
        order = self._deposit_order(confirm=False)
        preview = str(order.with_user(self.salesman).collection_deposit_preview)
        for label in self.labels:
            self.assertIn(label, preview)
        self.assertEqual(preview.count("300.00"), 2)
        self.assertIn("400.01", preview)
        self.assertIn("30%", preview)
        self.assertIn("40%", preview)
        order.order_line.price_unit = 2000.0
        self.assertIn("800.00", str(order.collection_deposit_preview), "follows the order total")
        form = self.env["sale.order"].get_view(self.env.ref("sale.view_order_form").id, "form")["arch"]
        self.assertIn('name="collection_deposit_template_id"', form)
        self.assertIn('name="collection_deposit_preview"', form)
        self.assertIn('name="action_collection_create_deposit_invoices"', form)

    # ------------------------------------------------------------------
    # Deposit invoices
    # ------------------------------------------------------------------
    def test_deposit_invoices_exact_amounts_labels_and_due_dates(self):
        payment_terms = self.env.ref("account.account_payment_term_30days")
        order = self._deposit_order(payment_term_id=payment_terms.id)
        self.assertTrue(order.collection_can_create_deposits)
        deposits = self._create_deposits(order)
        self.assertEqual(len(deposits), 2, "every installment but the last")
        self.assertEqual(deposits.mapped("amount_total"), [300.00, 300.00])
        self.assertTrue(all(deposits.mapped("collection_sale_deposit")))
        self.assertTrue(all(move._is_downpayment() for move in deposits), "sale's own down payments")
        self.assertEqual(deposits.mapped("ref"), self.labels[:2])
        self.assertEqual(deposits.invoice_line_ids.mapped("name"), self.labels[:2])
        self.assertFalse(deposits.invoice_payment_term_id, "the installment's due date, not the terms")
        today = fields.Date.context_today(order)
        self.assertEqual(deposits.mapped("invoice_date_due"), [today, today + timedelta(days=30)])
        self.assertFalse(deposits.collection_deposit_template_id, "no second split of an installment")
        self.assertEqual(set(deposits.mapped("state")), {"draft"}, "like sale's wizard: drafts to review")
        deposits.action_post()
        self.assertEqual(deposits.mapped("invoice_date_due"), [today, today + timedelta(days=30)])
        self.assertEqual(deposits.mapped("amount_residual"), [300.00, 300.00])
        dp_lines = order.order_line.filtered(lambda ln: ln.is_downpayment and not ln.display_type)
        self.assertEqual(dp_lines.mapped("price_unit"), [300.00, 300.00])
        self.assertFalse(order.collection_can_create_deposits)

    def test_deposit_due_dates_kept_over_policy_default_due_days(self):
        """The schedule is the agreed due date: the policy's default delay (for invoices without one)
        does not push the upfront deposit back."""
        self.deposit_policy.default_due_days = 30
        order = self._deposit_order()
        deposits = self._create_deposits(order)
        deposits.action_post()
        today = fields.Date.context_today(order)
        self.assertEqual(deposits.mapped("invoice_date"), [today, today])
        self.assertEqual(deposits.mapped("invoice_date_due"), [today, today + timedelta(days=30)])
        self.assertEqual(
            deposits.line_ids.filtered("date_maturity").mapped("date_maturity"), [today, today + timedelta(days=30)]
        )

        # prepared today, issued 5 days later: the upfront deposit is due on its invoice date
        later = self._deposit_order()
        deposits = self._create_deposits(later)
        deposits.invoice_date = today + timedelta(days=5)
        deposits.action_post()
        self.assertEqual(deposits.mapped("invoice_date_due"), [today + timedelta(days=5), today + timedelta(days=30)])

    def test_button_twice_refused(self):
        order = self._deposit_order()
        deposits = self._create_deposits(order)
        self.assertEqual(len(deposits), 2)
        with self.assertRaises(UserError) as refused:
            order.with_user(self.salesman).action_collection_create_deposit_invoices()
        self.assertIn("already created", str(refused.exception))
        self.assertIn(order.name, str(refused.exception))
        self.assertEqual(order.collection_deposit_invoice_ids, deposits, "nothing created twice")
        self.assertEqual(len(order.order_line.filtered(lambda ln: ln.is_downpayment and not ln.display_type)), 2)
        deposits.action_post()
        with self.assertRaises(UserError):
            order.with_user(self.manager).action_collection_create_deposit_invoices()
        # cancelled deposits may be created again
        deposits.button_draft()
        deposits.button_cancel()
        self.assertTrue(order.collection_can_create_deposits)
        again = self._create_deposits(order)
        self.assertEqual(len(again), 2)
        self.assertFalse(again & deposits)

    def test_plain_salesman(self):
        """A salesman without any collections group proposes, previews and invoices deposits."""
        seller = new_test_user(
            self.env, login="fc_plain_salesman", company_id=self.env.company.id, groups="sales_team.group_sale_salesman"
        )
        self.assertEqual(seller._collection_work_stop_override(), "")
        order = (
            self.env["sale.order"]
            .with_user(seller)
            .create(
                {
                    "partner_id": self.client_contact.id,
                    "order_line": [Command.create({"product_id": self.work.id, "price_unit": 1000.01})],
                }
            )
        )
        self.assertEqual(order.collection_deposit_template_id.display_name, self.schedule_30_30_40.name)
        self.assertIn(self.labels[0], str(order.collection_deposit_preview))
        order.action_confirm()
        deposits = self._create_deposits(order, user=seller)
        self.assertEqual(deposits.mapped("amount_total"), [300.00, 300.00])
        deposits.action_post()
        with self.assertRaises(UserError):
            self._final_invoice(order, seller)

    def test_quotation_and_manual_down_payment_refused(self):
        quotation = self._deposit_order(confirm=False)
        self.assertFalse(quotation.collection_can_create_deposits)
        with self.assertRaises(UserError):
            quotation.with_user(self.salesman).action_collection_create_deposit_invoices()
        order = self._deposit_order()
        self.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order",
            active_ids=order.ids,
        ).create({"advance_payment_method": "fixed", "fixed_amount": 100.0}).create_invoices()
        self.assertFalse(order.collection_can_create_deposits)
        with self.assertRaises(UserError) as refused:
            order.with_user(self.salesman).action_collection_create_deposit_invoices()
        self.assertIn("already has down payment invoices", str(refused.exception))

    # ------------------------------------------------------------------
    # Final invoice
    # ------------------------------------------------------------------
    def test_final_invoice_refused_while_deposit_unpaid_then_allowed_once_paid(self):
        order = self._deposit_order()
        deposits = self._create_deposits(order)
        # drafts do not block (not sent to the client yet): only posted, unpaid deposits do
        deposits.action_post()
        with self.assertRaises(UserError) as refused:
            self._final_invoice(order, self.salesman)
        message = str(refused.exception)
        for name in deposits.mapped("name"):
            self.assertIn(name, message)
        self.assertIn(order.name, message)
        self.assertEqual(order.invoice_ids, deposits, "no final invoice")
        with self.assertRaises(UserError):
            order.with_user(self.salesman)._create_invoices(final=True)

        self._pay(deposits[0])
        self.assertIn(deposits[0].payment_state, ("paid", "in_payment"))
        with self.assertRaises(UserError) as refused:
            self._final_invoice(order, self.salesman)
        self.assertNotIn(deposits[0].name, str(refused.exception))
        self.assertIn(deposits[1].name, str(refused.exception))

        self._pay(deposits[1], amount=100.0)  # partial payment still blocks
        self.assertEqual(deposits[1].payment_state, "partial")
        with self.assertRaises(UserError):
            self._final_invoice(order, self.salesman)

        self._pay(deposits[1])
        final = self._final_invoice(order, self.salesman)
        self.assertEqual(len(final), 1)
        self.assertEqual(final.amount_total, 400.01, "1,000.01 less the two 300.00 deposits")
        product_lines = final.invoice_line_ids.filtered(lambda ln: ln.display_type == "product")
        self.assertEqual(sorted(product_lines.mapped("price_subtotal")), [-300.00, -300.00, 1000.01])
        self.assertFalse(final.collection_sale_deposit)
        self.assertFalse(self._final_messages(order))

    def test_manager_creates_final_invoice_while_deposits_unpaid(self):
        order = self._deposit_order()
        deposits = self._create_deposits(order)
        deposits.action_post()
        final = self._final_invoice(order, self.manager)
        self.assertEqual(final.amount_total, 400.01)
        logged = self._final_messages(order)
        self.assertEqual(len(logged), 1)
        body = str(logged.body)
        self.assertIn(self.manager.name, body)
        self.assertIn(OVERRIDE_MARK, body)
        for name in deposits.mapped("name"):
            self.assertIn(name, body)

    def test_non_final_invoice_and_paid_order_not_logged(self):
        order = self._deposit_order()
        deposits = self._create_deposits(order)
        deposits.action_post()
        self._pay(deposits)
        final = order.with_user(self.manager)._create_invoices(final=True)
        self.assertEqual(final.amount_total, 400.01)
        self.assertFalse(self._final_messages(order), "nothing to override: deposits are paid")

    def test_client_online_payment_not_refused(self):
        """sale's payment flow creates the final invoice as the paying portal user: never refused."""
        order = self._deposit_order()
        deposits = self._create_deposits(order)
        deposits.action_post()
        portal = self.env["res.users"].create(
            {
                "name": "Client Portal",
                "login": "fc_deposit_portal",
                "partner_id": self.client_contact.id,
                compat.GROUPS: [Command.set(self.env.ref("base.group_portal").ids)],
            }
        )
        final = order.with_user(portal).sudo()._create_invoices(final=True)
        self.assertEqual(final.amount_total, 400.01)
        logged = self._final_messages(order)
        self.assertEqual(len(logged), 1)
        self.assertIn("online payment", str(logged.body))
        self.assertNotIn(OVERRIDE_MARK, str(logged.body))

    # ------------------------------------------------------------------
    # Without a schedule: sale as before
    # ------------------------------------------------------------------
    def test_order_without_schedule_behaves_as_before(self):
        order = self._deposit_order(partner=self.other_client)
        self.assertFalse(order.collection_deposit_template_id)
        self.assertFalse(order.collection_deposit_preview)
        self.assertFalse(order.collection_can_create_deposits)
        with self.assertRaises(UserError) as refused:
            order.with_user(self.salesman).action_collection_create_deposit_invoices()
        self.assertIn("no deposit schedule", str(refused.exception))
        # sale's own down payment, posted and unpaid, does not block the final invoice
        self.env["sale.advance.payment.inv"].with_user(self.salesman).with_context(
            active_model="sale.order",
            active_ids=order.ids,
        ).create({"advance_payment_method": "percentage", "amount": 50}).create_invoices()
        down_payment = order.invoice_ids
        self.assertEqual(down_payment.amount_total, 500.01)
        self.assertIn("Down payment of 50", down_payment.invoice_line_ids.name)
        self.assertFalse(down_payment.collection_sale_deposit)
        down_payment.action_post()
        final = self._final_invoice(order, self.salesman)
        self.assertEqual(final.amount_total, 500.00)
        self.assertFalse(self._final_messages(order))

    # ------------------------------------------------------------------
    # Taxes
    # ------------------------------------------------------------------
    def test_deposits_with_20_percent_tax(self):
        """A fixed down payment is tax included in Odoo 18: the wizard takes the ratio fixed amount /
        order total (tax included), applies it to each tax group's untaxed amount, rounds that as the
        down payment line's price, then moves the missing cents onto the invoice's receivable and tax
        lines so that the invoice total is exactly the fixed amount. The final invoice gets the
        opposite correction so that, in total, the client pays the order total to the cent.

        1,000.08 + 20% tax = 1,200.10; 30% = 360.03. Untaxed share 1,000.08 x 360.03 / 1,200.10 =
        300.02 whose tax 60.00 makes 360.02: Odoo adds the missing cent to the tax (60.01).
        """
        order = self._deposit_order(price=1000.08, taxes=self.tax_20)
        self.assertEqual(order.amount_total, 1200.10)
        preview = str(order.collection_deposit_preview)
        self.assertEqual(preview.count("360.03"), 2)
        self.assertIn("480.04", preview)
        deposits = self._create_deposits(order)
        self.assertEqual(deposits.mapped("amount_total"), [360.03, 360.03], "the installment, tax included")
        self.assertEqual(deposits.mapped("amount_untaxed"), [300.02, 300.02])
        self.assertEqual(deposits.mapped("amount_tax"), [60.01, 60.01], "the cent Odoo adds to fit")
        self.assertEqual(deposits.invoice_line_ids.tax_ids, self.tax_20, "the order's taxes, pro rata")
        deposits.action_post()
        self.assertEqual(deposits.mapped("amount_residual"), [360.03, 360.03])
        self._pay(deposits)
        final = self._final_invoice(order, self.salesman)
        self.assertEqual(final.amount_total, 480.04, "1,200.10 less 2 x 360.03: the last installment")
        self.assertAlmostEqual(sum(deposits.mapped("amount_total")) + final.amount_total, order.amount_total, places=2)
