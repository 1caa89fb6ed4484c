from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from ..policy import scoring
from .common import CollectionsCommon

TODAY = "2026-06-01"


@tagged("post_install", "-at_install")
class TestPayerScore(CollectionsCommon):
    def _refresh(self, *partners):
        for partner in partners or (self.client,):
            partner.invalidate_recordset()

    def _credit_note(self, invoice, amount, date):
        """A credit note of AMOUNT dated DATE, reconciled with INVOICE."""
        refund = self._invoice(
            amount=amount, invoice_date=date, due_date=date, move_type="out_refund", partner=invoice.partner_id
        )
        (refund + invoice).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        ).reconcile()
        return refund

    def test_on_time_payer(self):
        with freeze_time(TODAY):
            first = self._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-01-31")
            second = self._invoice(amount=2000, invoice_date="2026-02-01", due_date="2026-03-03")
            self._pay(first, date="2026-01-31")
            self._pay(second, date="2026-02-20")  # early earns nothing more than on time
            self._refresh()
            client = self.client
            self.assertEqual(client.collection_payer_score, 100)
            self.assertEqual(client.collection_payer_grade, "A")
            self.assertEqual(client.collection_payer_invoice_count, 2)
            self.assertEqual(client.collection_payer_on_time_rate, 100)
            self.assertEqual(client.collection_payer_paid_days_late, 0)
            self.assertEqual(client.collection_payer_invoiced, 3000)
            self.assertEqual(client.collection_payer_paid, 3000)
            self.assertEqual(self.client_contact.collection_payer_grade, "A", "contacts show their company's")

    def test_late_payer_weighted_by_amount(self):
        with freeze_time(TODAY):
            big = self._invoice(amount=3000, invoice_date="2026-01-01", due_date="2026-01-31")
            small = self._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-01-31")
            self._pay(big, date="2026-03-02")  # 30 days late
            self._pay(small, date="2026-01-31")
            self._refresh()
            self.assertAlmostEqual(self.client.collection_payer_paid_days_late, 22.5)  # (3000*30 + 0) / 4000
            self.assertEqual(self.client.collection_payer_on_time_rate, 50)
            expected = scoring.score_from(22.5, 0.5)
            self.assertEqual(self.client.collection_payer_score, expected)
            self.assertEqual(self.client.collection_payer_grade, scoring.grade(expected))
            self.assertEqual(self.client.collection_payer_grade, "C")

    def test_later_payments_lower_the_score(self):
        with freeze_time(TODAY):
            punctual = self.env["res.partner"].create({"name": "Punctual"})
            slow = self.env["res.partner"].create({"name": "Slow"})
            for partner, paid_on in ((punctual, "2026-02-05"), (slow, "2026-04-15")):
                invoice = self._invoice(partner=partner, due_date="2026-01-31")
                self._pay(invoice, date=paid_on)
            self.assertGreater(punctual.collection_payer_score, slow.collection_payer_score)
            self.assertEqual(slow.collection_payer_grade, "E")  # 74 days late

    def test_partial_payments_and_overdue_rest(self):
        with freeze_time(TODAY):
            invoice = self._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-01-31")
            self._pay(invoice, amount=500, date="2026-01-31")
            self._pay(invoice, amount=500, date="2026-03-02")
            self._refresh()
            self.assertEqual(invoice.payment_state, "paid")
            self.assertAlmostEqual(self.client.collection_payer_paid_days_late, 15)
            self.assertEqual(self.client.collection_payer_on_time_rate, 0, "fully paid only after the due date")
            self.assertEqual(self.client.collection_payer_score, scoring.score_from(15, 0))

            open_invoice = self._invoice(amount=1000, invoice_date="2026-04-01", due_date="2026-05-02")
            self._pay(open_invoice, amount=400, date="2026-05-02")  # 600 still due, 30 days overdue today
            self._refresh()
            self.assertEqual(self.client.collection_payer_invoice_count, 2)
            self.assertEqual(self.client.collection_payer_invoiced, 2000)
            self.assertEqual(self.client.collection_payer_paid, 1400)
            self.assertAlmostEqual(self.client.collection_payer_paid_days_late, 500 * 30 / 1400, places=1)
            self.assertAlmostEqual(self.client.collection_payer_days_late, (500 * 30 + 600 * 30) / 2000, places=1)
            self.assertEqual(self.client.collection_payer_score, scoring.score_from(16.5, 0))

    def test_credit_note_counts_as_payment(self):
        with freeze_time(TODAY):
            invoice = self._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-01-31")
            self._credit_note(invoice, 200, "2026-02-10")  # 10 days late
            self._pay(invoice, date="2026-01-25")  # the rest, early
            self._refresh()
            self.assertEqual(invoice.payment_state, "paid")
            self.assertEqual(self.client.collection_payer_paid, 1000)
            self.assertAlmostEqual(self.client.collection_payer_paid_days_late, 2)  # 200 * 10 / 1000
            self.assertEqual(self.client.collection_payer_on_time_rate, 0)

            settled_early = self._invoice(amount=500, invoice_date="2026-03-01", due_date="2026-03-31")
            self._credit_note(settled_early, 500, "2026-03-05")
            self._refresh()
            self.assertEqual(self.client.collection_payer_invoice_count, 2)
            self.assertEqual(self.client.collection_payer_on_time_rate, 50)

    def test_no_history_is_neutral(self):
        with freeze_time(TODAY):
            newcomer = self.env["res.partner"].create({"name": "Newcomer"})
            self.assertFalse(newcomer.collection_payer_grade)
            self.assertEqual(newcomer.collection_payer_score, 0)
            self.assertEqual(newcomer.collection_payer_invoice_count, 0)
            # an invoice not due yet and unpaid says nothing; neither do drafts and invoices older than the window
            self._invoice(partner=newcomer, invoice_date="2026-05-20", due_date="2026-06-19")
            self._invoice(partner=newcomer, due_date="2026-01-31", post=False)
            old = self._invoice(partner=newcomer, invoice_date="2023-11-01", due_date="2023-12-01")
            self._pay(old, date="2024-06-01")
            newcomer.invalidate_recordset()
            self.assertFalse(newcomer.collection_payer_grade)
            self.assertEqual(newcomer.collection_payer_invoice_count, 0)
            self.assertNotIn(
                old, self.env["account.move"].search(newcomer.action_view_collection_payer_invoices()["domain"])
            )

    def test_late_fee_invoices_are_not_scored(self):
        with freeze_time(TODAY):
            invoice = self._invoice(due_date="2026-01-31")
            self._pay(invoice, date="2026-01-31")
            fee = self._invoice(amount=40, due_date="2026-02-10")
            fee.collection_penalty_origin_id = invoice
            self._refresh()
            self.assertEqual(self.client.collection_payer_invoice_count, 1)
            self.assertEqual(self.client.collection_payer_grade, "A")

    def test_second_company_isolation(self):
        company_2 = self.setup_other_company(name="Second Co")["company"]
        with freeze_time(TODAY):
            mine = self._invoice(due_date="2026-01-31")
            self._pay(mine, date="2026-01-31")
            theirs = self._invoice(amount=5000, due_date="2026-01-31", company=company_2)
            self.env["account.payment.register"].with_company(company_2).with_context(
                active_model="account.move",
                active_ids=theirs.ids,
            ).create({"payment_date": "2026-05-01"})._create_payments()  # 90 days late
            self._refresh()
            self.assertEqual(self.client.collection_payer_grade, "A")
            self.assertEqual(self.client.collection_payer_invoiced, 1000)
            client_2 = self.client.with_company(company_2)
            self.assertEqual(client_2.collection_payer_invoiced, 5000)
            self.assertEqual(client_2.collection_payer_paid_days_late, 90)
            self.assertEqual(client_2.collection_payer_grade, "E")

    def test_installments_scored_on_their_own_due_dates(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "Half now, half in 30 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                ],
            }
        )
        with freeze_time(TODAY):
            invoice = self._invoice(
                amount=1000, invoice_date="2026-03-01", due_date=False, invoice_payment_term_id=term.id
            )
            first, second = invoice.line_ids.filtered(lambda ln: ln.display_type == "payment_term").sorted(
                "date_maturity"
            )
            self.assertEqual(str(second.date_maturity), "2026-03-31")
            self._pay(invoice, amount=500, date="2026-03-01")
            self._pay(invoice, amount=500, date="2026-03-31")
            self._refresh()
            self.assertTrue(first.reconciled and second.reconciled)
            self.assertEqual(self.client.collection_payer_on_time_rate, 100)
            self.assertEqual(self.client.collection_payer_grade, "A")

    def test_one_query_for_many_partners(self):
        with freeze_time(TODAY):
            partners = self.env["res.partner"].create([{"name": f"Client {i}"} for i in range(5)])
            for index, partner in enumerate(partners):
                self._pay(self._invoice(partner=partner, due_date="2026-01-31"), date=f"2026-02-0{index + 1}")
            self.env.flush_all()
            partners.invalidate_recordset()
            queries = []
            execute = self.env.cr.execute

            def spy(query, params=None, log_exceptions=True):
                queries.append(str(query))
                return execute(query, params, log_exceptions)

            with patch.object(self.env.cr, "execute", spy):
                scores = partners.mapped("collection_payer_score")
            self.assertEqual(len([q for q in queries if "account_partial_reconcile" in q]), 1)
            self.assertEqual(len(set(scores)), 5, "each partner its own history")

    def test_shown_on_the_partner(self):
        with freeze_time(TODAY):
            self._pay(self._invoice(due_date="2026-01-31"), date="2026-01-31")
            self._refresh()
            form = Form(self.client)
            self.assertEqual(form.collection_payer_grade, "A")
            action = self.client.action_view_collection_payer_invoices()
            self.assertEqual(len(self.env["account.move"].search(action["domain"])), 1)
