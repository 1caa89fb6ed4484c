from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestPartnerCollections(CollectionsCommon):
    def test_partner_stage_is_worst_open_invoice(self):
        with freeze_time("2026-03-05"):
            early = self._invoice(due_date="2026-03-01")
            late = self._invoice(due_date="2026-02-01", partner=self.client_contact)
            self.assertEqual(early.collection_stage_id, self.stage_friendly)
            self.assertEqual(late.collection_stage_id, self.stage_stop)
            self.assertEqual(self.client.collection_stage_id, self.stage_stop)
            self.assertEqual(self.client_contact.collection_stage_id, self.stage_stop)
            self.assertTrue(self.client.collection_work_stop)
            self._pay(late)
            self.assertEqual(self.client.collection_stage_id, self.stage_friendly)
            self.assertFalse(self.client.collection_work_stop, "work-stop lifts once paid")
            self._pay(early)
            self.assertFalse(self.client.collection_stage_id)

    def test_work_stop_override(self):
        with freeze_time("2026-03-05"):
            self._invoice(due_date="2026-02-01")
            self.assertTrue(self.client.collection_work_stop)
            self.client.write(
                {"collection_work_stop_override": "release", "collection_work_stop_reason": "Payment promised by phone"}
            )
            self.assertFalse(self.client.collection_work_stop)
            self.assertFalse(self.client_contact.collection_work_stop)
            self.client.write({"collection_work_stop_override": "stop"})
            self.assertTrue(self.client.collection_work_stop)
            self.client.collection_work_stop_override = False
            self.assertTrue(self.client.collection_work_stop, "back to what the stages say")
            other = self.env["res.partner"].create({"name": "Good payer"})
            other.write({"collection_work_stop_override": "stop"})
            self.assertTrue(other.collection_work_stop)

    def test_overdue_amount_and_days_late(self):
        with freeze_time("2026-03-01"):
            paid_late = self._invoice(amount=500, invoice_date="2026-01-01", due_date="2026-01-11")
            self._pay(paid_late, date="2026-01-21")  # 10 days late
            overdue = self._invoice(amount=1000, invoice_date="2026-01-15", due_date="2026-02-09")  # 20 days
            self._pay(overdue, amount=250)
            self._invoice(amount=300, invoice_date="2026-02-20", due_date="2026-03-20")  # not due
            self.client.invalidate_recordset()
            self.assertEqual(self.client.collection_overdue_amount, 750)
            self.assertEqual(self.client.collection_overdue_count, 1)
            self.assertEqual(self.client.collection_due_amount, 1050)
            self.assertAlmostEqual(self.client.collection_avg_days_late, 15.0)
            self.assertEqual(self.client_contact.collection_overdue_amount, 750)
            self.assertEqual(overdue.collection_days_late, 20)
            action = self.client.action_view_collection_overdue_invoices()
            self.assertEqual(self.env["account.move"].search(action["domain"]), overdue)

    def test_multi_currency_amounts_in_company_currency(self):
        other = self.setup_other_currency("EUR", rates=[("2026-01-01", 0.5)])
        with freeze_time("2026-03-01"):
            self._invoice(amount=1000, currency=other, due_date="2026-02-01")
            self.client.invalidate_recordset()
            self.assertEqual(self.client.collection_currency_id, self.env.company.currency_id)
            self.assertEqual(self.client.collection_overdue_amount, 2000)

    def test_second_company_amounts_are_separate(self):
        company_2 = self.setup_other_company(name="Second Co")["company"]
        with freeze_time("2026-03-01"):
            self._invoice(amount=700, due_date="2026-02-01", company=company_2)
            self._invoice(amount=100, due_date="2026-02-01")
            self.client.invalidate_recordset()
            self.assertEqual(self.client.collection_overdue_amount, 100)
            self.assertEqual(self.client.with_company(company_2).collection_overdue_amount, 700)

    def test_partner_form_and_settings(self):
        with Form(self.client) as form:
            form.collection_pause_until = "2026-12-31"
            form.collection_pause_reason = "Valued client"
        self.assertEqual(self.client.collection_pause_reason, "Valued client")
        settings = self.env["res.config.settings"].create({})
        other = self.env["collection.policy"].create(self._policy_vals("Settings policy"))
        settings.collection_policy_id = other
        settings.execute()
        self.assertEqual(self.env.company.collection_policy_id, other)

    def test_overdue_amount_never_above_total_due(self):
        with freeze_time("2026-03-01"):
            self._invoice(amount=1000, due_date="2026-02-01")
            self._invoice(amount=600, invoice_date="2026-02-20", due_date="2026-02-20", move_type="out_refund")
            self.client.invalidate_recordset()
            self.assertEqual(self.client.collection_due_amount, 400)
            self.assertEqual(self.client.collection_overdue_amount, 400, "not the 1,000 of the invoice")
            self.assertEqual(self.client.collection_overdue_count, 1)
