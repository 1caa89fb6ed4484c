from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from odoo.addons.freelance_collections.tests.common import CollectionsCommon

from .test_sale_work_stop import SaleWorkStopMixin

TODAY = "2026-06-01"


@tagged("post_install", "-at_install")
class TestSalePayerScore(SaleWorkStopMixin, CollectionsCommon):
    """The client's payer grade on quotations, and the deposit schedule it suggests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sale_users(cls.env.company)
        cls.schedule_30_30_40 = cls.env.ref("freelance_collections.deposit_template_30_30_40")
        cls.schedule_50_50 = cls.env.ref("freelance_collections.deposit_template_50_50")
        cls.policy.deposit_template_id = cls.schedule_30_30_40  # the company's default policy
        cls.late_client = cls.env["res.partner"].create({"name": "Late Payer Co", "is_company": True})
        cls.good_client = cls.env["res.partner"].create({"name": "Good Payer Co", "is_company": True})
        cls.new_client = cls.env["res.partner"].create({"name": "New Client Co", "is_company": True})
        with freeze_time(TODAY):
            cls._pay(cls._invoice(partner=cls.late_client, due_date="2026-01-31"), date="2026-04-15")
            cls._pay(cls._invoice(partner=cls.good_client, due_date="2026-01-31"), date="2026-01-31")

    def _quote(self, partner):
        return (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": partner.id,
                    "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
                }
            )
            .with_env(self.env)
        )

    def test_grade_and_suggestion_shown(self):
        with freeze_time(TODAY):
            late, good, new = (self._quote(p) for p in (self.late_client, self.good_client, self.new_client))
            self.assertEqual((late.collection_payer_grade, late.collection_suggested_deposit), ("E", 50))
            self.assertEqual((good.collection_payer_grade, good.collection_suggested_deposit), ("A", 0))
            self.assertEqual(good.collection_payer_score, 100)
            self.assertFalse(new.collection_payer_grade, "no history: no grade, no suggestion")
            # the suggestion alone changes nothing: the policy does not ask for it
            self.assertEqual((late | good | new).collection_deposit_template_id, self.schedule_30_30_40)

    def test_schedule_follows_the_suggestion(self):
        self.policy.deposit_from_score = True
        with freeze_time(TODAY):
            self.assertEqual(
                self._quote(self.late_client).collection_deposit_template_id,
                self.schedule_50_50,
                "E suggests 50%: the 50/50 schedule covers it",
            )
            self.assertFalse(self._quote(self.good_client).collection_deposit_template_id, "A: no deposit")
            self.assertEqual(
                self._quote(self.new_client).collection_deposit_template_id,
                self.schedule_30_30_40,
                "no history: the policy's schedule",
            )
            # a grade C client (10 days late) gets the smallest schedule covering 30%
            c_client = self.env["res.partner"].create({"name": "C Co", "is_company": True})
            self._pay(self._invoice(partner=c_client, due_date="2026-01-31"), date="2026-02-10")
            c_order = self._quote(c_client)
            self.assertEqual(c_order.collection_payer_grade, "C")
            self.assertEqual(c_order.collection_deposit_template_id, self.schedule_30_30_40)

    def test_form_onchange_and_editable(self):
        self.policy.deposit_from_score = True
        with freeze_time(TODAY):
            with Form(self.env["sale.order"].with_user(self.salesman)) as form:
                form.partner_id = self.late_client
                self.assertEqual(form.collection_payer_grade, "E")
                self.assertEqual(form.collection_deposit_template_id, self.schedule_50_50)
                form.partner_id = self.good_client
                self.assertFalse(form.collection_deposit_template_id)
                form.collection_deposit_template_id = self.schedule_30_30_40  # the user decides
                form.order_line.new().product_id = self.product
            order = form.save()
            self.assertEqual(order.collection_deposit_template_id, self.schedule_30_30_40)
            order.action_confirm()
            order.invalidate_recordset()
            self.assertEqual(
                order.collection_deposit_template_id, self.schedule_30_30_40, "a confirmed order keeps its schedule"
            )

    def test_other_company_history_and_schedules(self):
        self.policy.deposit_from_score = True
        company_2 = self.setup_other_company(name="Second Co")["company"]
        private = self.env["collection.deposit.template"].create(
            {
                "name": "Company 2: 50/50",
                "company_id": company_2.id,
                "sequence": 0,
                "line_ids": [
                    Command.create({"percent": 50, "trigger": "on_issue"}),
                    Command.create({"percent": 50, "trigger": "before_final"}),
                ],
            }
        )
        with freeze_time(TODAY):
            order = self._quote(self.late_client)
            self.assertNotEqual(order.collection_deposit_template_id, private, "another company's schedule")
            self.assertEqual(order.collection_deposit_template_id, self.schedule_50_50)
            # the late client has no history in company 2
            self.assertFalse(self.late_client.with_company(company_2).collection_payer_grade)
