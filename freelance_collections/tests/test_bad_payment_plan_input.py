"""Bad input to payment plans is refused (installments, dates, paid invoices); an agreed plan cannot be edited."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_refusal import RefusalCase


@tagged("post_install", "-at_install")
class TestBadPaymentPlanInput(RefusalCase):
    def _plan(self, moves, **vals):
        return self.env["collection.payment.plan"].create(
            {"partner_id": self.client.id, "move_ids": [Command.set(moves.ids)], **vals}
        )

    @freeze_time("2026-02-20")
    def test_installments(self):
        invoice = self._invoice(amount=900, due_date="2026-02-01")
        count = self.env["collection.payment.plan"].search_count([])
        for vals in ({"installment_count": 0}, {"installment_count": -2}, {"interval_months": 0}):
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, "at least one installment"):
                self._plan(invoice, **vals)
        self.assertEqual(self.env["collection.payment.plan"].search_count([]), count)
        empty = self._plan(self.env["account.move"])
        with self.assertRaisesRegex(ValidationError, "Choose the invoices the plan covers"):
            empty.action_generate_lines()
        self.assertFalse(empty.line_ids)
        with self.assertRaisesRegex(ValidationError, "no invoice"):
            empty.write({"line_ids": [Command.create({"date": "2026-03-01", "amount": 10})]})
            empty.action_confirm()

        past = self._plan(invoice, first_date="2026-01-20")
        past.action_generate_lines()
        with self.assertRaisesRegex(ValidationError, "dated before today: move it to today or later"):
            past.action_confirm()
        self.assertEqual(past.state, "draft")
        self.assertFalse(invoice.collection_plan_id or invoice.collection_paused)

        paid = self._invoice(amount=100, due_date="2026-02-01")
        both = self._plan(invoice | paid, first_date="2026-03-01")
        both.action_generate_lines()
        self._pay(paid)
        with self.assertRaisesRegex(ValidationError, f"remove {paid.name}"):
            both.action_confirm()
        self.assertEqual(both.state, "draft")

    @freeze_time("2026-02-20")
    def test_an_agreed_plan_cannot_be_edited(self):
        invoice = self._invoice(amount=900, due_date="2026-02-01")
        other = self._invoice(amount=100, due_date="2026-02-01")
        plan = self._plan(invoice, first_date="2026-03-01")
        plan.action_generate_lines()
        plan.action_confirm()
        self.assertEqual(plan.state, "active")
        amounts = plan.line_ids.mapped("amount")
        changes = [
            lambda: plan.line_ids[0].write({"amount": 1}),
            lambda: plan.line_ids[0].unlink(),
            lambda: self.env["collection.payment.plan.line"].create(
                {"plan_id": plan.id, "date": "2026-09-01", "amount": 5}
            ),
            lambda: plan.write({"move_ids": [Command.link(other.id)]}),
            lambda: plan.write({"line_ids": [Command.clear()]}),
        ]
        for change in changes:
            with self.assertRaisesRegex(UserError, "Cancel .* propose a new one"):
                change()
        self.assertEqual(plan.line_ids.mapped("amount"), amounts)
        self.assertEqual(plan.move_ids, invoice)
        with self.assertRaisesRegex(UserError, "not a proposal any more"):
            plan.action_confirm()
        plan.action_cancel()
        self.assertEqual(plan.state, "cancel")
        plan.note = "Client moved abroad"  # a note is not part of the agreement
