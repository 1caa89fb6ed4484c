"""Collections dashboard: aging report, overdue clients by stage and key figures.

The aging report ages from PostgreSQL's CURRENT_DATE (a SQL view), which freezegun cannot move: the
invoices here are dated relative to the database's own today.
"""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from ..tools import compat
from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestDashboard(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.cr.execute("SELECT CURRENT_DATE")
        cls.today = cls.env.cr.fetchone()[0]
        cls.client_b = cls.env["res.partner"].create({"name": "Client B", "is_company": True})
        cls.billing_user = new_test_user(
            cls.env, login="fc_dash_billing", groups="account.group_account_invoice", company_id=cls.env.company.id
        )

    def _day(self, offset):
        return self.today + timedelta(days=offset)

    def _invoice_on(self, amount, invoice_days, due_days, **extra):
        return self._invoice(amount=amount, invoice_date=self._day(invoice_days), due_date=self._day(due_days), **extra)

    def _receivable(self, move):
        return move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    def _aging_book(self):
        """One invoice at each bucket boundary, a partial payment and two credit notes.

        current: 1,000 due today, less a 150 credit note not yet matched      =   850
        1-30:    2,000 due 30 days ago, 500 paid                              = 1,500
        31-60:     800 due 31 days ago                                        =   800
        61-90:     600 due 90 days ago, less a 200 credit note matched to it  =   400
        over 90:   300 due 91 days ago                                        =   300
        """
        self._invoice_on(1000, -30, 0)
        partly_paid = self._invoice_on(2000, -60, -30)
        self._pay(partly_paid, amount=500, date=self.today)
        self._invoice_on(800, -89, -31)
        credited = self._invoice_on(600, -90, -90)
        refund = self._invoice_on(200, -5, -5, move_type="out_refund")
        (self._receivable(credited) + self._receivable(refund)).reconcile()
        self._invoice_on(300, -121, -91)
        self._invoice_on(150, 0, 0, move_type="out_refund")
        self.assertEqual(partly_paid.amount_residual, 1500)
        self.assertEqual(credited.amount_residual, 400)

    def _buckets(self, env=None):
        env = env or self.env
        groups = env["collection.aging.report"]._read_group(
            [("company_id", "=", self.env.company.id)], ["bucket"], ["amount_residual:sum"]
        )
        return dict(groups)

    def test_aging_buckets_exact(self):
        self._aging_book()
        self.assertEqual(
            self._buckets(), {"0_current": 850.0, "1_30": 1500.0, "31_60": 800.0, "61_90": 400.0, "91_plus": 300.0}
        )
        rows = self.env["collection.aging.report"].search([("company_id", "=", self.env.company.id)])
        self.assertEqual(sorted(rows.mapped("days_overdue")), [0, 0, 30, 31, 90, 91])
        self.assertEqual(rows.partner_id, self.client)
        self.assertEqual(set(rows.mapped("company_currency_id")), {self.env.company.currency_id})
        credit_note = rows.filtered(lambda r: r.move_type == "out_refund")
        self.assertEqual(credit_note.amount_residual, -150, "an open credit note counts against the client")

    def test_second_company_not_visible(self):
        company_2 = self.setup_other_company(name="Second Co")["company"]
        self._invoice_on(700, -40, -20, company=company_2)
        self._invoice_on(100, -40, -20)
        aging = self.env["collection.aging.report"].with_user(self.billing_user)
        rows = aging.search([])
        self.assertEqual(rows.company_id, self.env.company)
        self.assertEqual(sum(rows.mapped("amount_residual")), 100)
        overdue = self.env["collection.overdue.partner"].with_user(self.billing_user).search([])
        self.assertEqual(overdue.mapped("amount_overdue"), [100])
        company_2_rows = self.env["collection.aging.report"].sudo().search([("company_id", "=", company_2.id)])
        self.assertEqual(company_2_rows.mapped("amount_residual"), [700], "there, but not for this user")
        dashboard = self.env["collection.dashboard"].create({})
        self.assertEqual(dashboard.receivable_amount, 100)

    def test_dso(self):
        """Receivables 3,850 (the aging book); credit sales of the last 90 days: 1,000 + 2,000 + 800
        (dated 89 days ago, the first day of the window) - 200 - 150 = 3,450; the 600 and 300 invoices
        are older (90 and 121 days). DSO = 3,850 / 3,450 x 90 = 100.43, shown 100.4 days."""
        self._aging_book()
        dashboard = self.env["collection.dashboard"].create({})
        self.assertEqual(dashboard.receivable_amount, 3850)
        self.assertEqual(dashboard.overdue_amount, 3000)
        self.assertEqual(dashboard.credit_sales_amount, 3450)
        self.assertEqual(dashboard.dso, 100.4)

    def test_dso_without_sales_is_zero(self):
        self._invoice_on(500, -200, -170)
        dashboard = self.env["collection.dashboard"].create({})
        self.assertEqual(dashboard.receivable_amount, 500)
        self.assertEqual(dashboard.credit_sales_amount, 0)
        self.assertEqual(dashboard.dso, 0)

    def test_late_fees_billed_vs_collected(self):
        origin_a = self._invoice_on(1000, -70, -40)
        origin_b = self._invoice_on(500, -70, -40)
        paid = self._invoice_on(40, -10, -10, collection_penalty_origin_id=origin_a.id)
        self._pay(paid, date=self.today)
        partly_paid = self._invoice_on(60, -5, -5, collection_penalty_origin_id=origin_a.id)
        self._pay(partly_paid, amount=25, date=self.today)
        waived = self._invoice_on(30, -3, -3, collection_penalty_origin_id=origin_b.id)
        origin_b._collection_waive("Goodwill")
        self.assertEqual(waived.payment_state, "reversed")
        old = self._invoice_on(50, -100, -100, collection_penalty_origin_id=origin_a.id)
        self._pay(old, date=self.today)
        dashboard = self.env["collection.dashboard"].create({})
        self.assertEqual((dashboard.date_from, dashboard.date_to), (self._day(-89), self.today))
        self.assertEqual(dashboard.fee_billed_amount, 130, "40 + 60 + 30; the 50 is older than the period")
        self.assertEqual(dashboard.fee_collected_amount, 65, "40 + 25, the credit note is no payment")
        self.assertEqual(dashboard.fee_waived_amount, 30)
        self.assertAlmostEqual(dashboard.fee_collected_percent, 50.0)
        dashboard.date_from = self._day(-120)
        self.assertEqual(dashboard.fee_billed_amount, 180)
        self.assertEqual(dashboard.fee_collected_amount, 115)

    def test_period_must_start_before_it_ends(self):
        dashboard = self.env["collection.dashboard"].create({})
        with self.assertRaisesRegex(ValidationError, "starts after it ends"):
            dashboard.write({"date_from": self._day(1)})
        self.assertEqual(dashboard.display_name, "Collections Dashboard")

    def test_discounts_granted(self):
        self.policy.write({"discount_tier_ids": [Command.create({"days": 5, "percent": 3})]})
        invoice = self._invoice_on(1000, 0, 30)
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"payment_date": self.today})
        )
        self.assertEqual(wizard.amount, 970)
        wizard._create_payments()
        self.assertEqual(invoice.payment_state, self.env["account.move"]._get_invoice_in_payment_state())
        loss = self.env.company.account_journal_early_pay_discount_loss_account_id
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": self.today,
                "line_ids": [
                    Command.create({"account_id": loss.id, "debit": 99.0, "name": "Not a payment"}),
                    Command.create(
                        {
                            "account_id": self.company_data["default_account_revenue"].id,
                            "credit": 99.0,
                            "name": "Not a payment",
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        dashboard = self.env["collection.dashboard"].create({})
        self.assertEqual(dashboard.discount_amount, 30, "only the discount taken on a customer payment")
        dashboard.date_from = dashboard.date_to = self._day(-1)
        self.assertEqual(dashboard.discount_amount, 0)

    def test_overdue_clients_by_stage(self):
        self._invoice_on(100, -70, -40)  # work stop (30 days)
        self._invoice_on(50, -35, -5)  # friendly
        self._invoice_on(200, -50, -20, partner=self.client_b)  # firm (15 days)
        not_due = self.env["res.partner"].create({"name": "Not due", "is_company": True})
        self._invoice_on(300, 0, 10, partner=not_due)
        Overdue = self.env["collection.overdue.partner"]
        groups = Overdue._read_group([], ["stage_id"], ["__count", "amount_overdue:sum"])
        self.assertEqual(groups, [(self.stage_firm, 1, 200.0), (self.stage_stop, 1, 150.0)])
        row = Overdue.search([("partner_id", "=", self.client.id)])
        self.assertEqual((row.amount_overdue, row.days_late, row.invoice_count), (150, 40, 2))
        self.assertEqual(row.stage_severity, "danger")
        self.assertTrue(row.work_stop)
        self.assertFalse(Overdue.search([("partner_id", "=", not_due.id)]))
        self.assertEqual(row.action_open_partner()["res_id"], self.client.id)
        # The kanban is grouped by the stored stage: the web client's call works as is.
        web = compat.web_read_group(Overdue, [], ["stage_id"], ["amount_overdue:sum"])
        self.assertEqual(web["length"], 2)
        dashboard = self.env["collection.dashboard"].create({})
        self.assertEqual(dashboard.overdue_partner_count, 2)
        self.assertGreaterEqual(dashboard.next_action_count, 1)
        self.assertIn("Work stop", dashboard.next_action_summary)

    def test_billing_user_reads_only(self):
        self._invoice_on(100, -40, -20)
        for model in ("collection.aging.report", "collection.overdue.partner"):
            records = self.env[model].with_user(self.billing_user).search([])
            self.assertTrue(records, model)
            self.assertTrue(records.read([]))
            with self.assertRaises(AccessError):
                records.write({"company_id": self.env.company.id})
            with self.assertRaises(AccessError):
                records.unlink()
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.billing_user).create({"company_id": self.env.company.id})
        action = self.env["collection.dashboard"].with_user(self.billing_user).action_open()
        dashboard = self.env["collection.dashboard"].with_user(self.billing_user).browse(action["res_id"])
        self.assertEqual(dashboard.overdue_amount, 100)
        self.assertIn("Email", dashboard.next_action_summary, "the dry run's plan, read by a billing user")
        self.assertEqual(dashboard.action_open_aging()["domain"], [("company_id", "=", self.env.company.id)])

    def test_overdue_never_above_what_the_client_owes(self):
        """Client: 1,000 due 40 days ago, 500 due in 10 days, a 300 credit note and a 900 payment, both
        not matched with an invoice: it owes 300, so 300 of it is overdue (not 1,000). Client B: 200
        due 10 days ago, all overdue. Open 500, overdue 500; the aging report totals the same 500.
        Credit sales of the 90 days: 1,000 + 500 - 300 + 200 = 1,400, DSO = 500 / 1,400 x 90 = 32.1."""
        self._invoice_on(1000, -70, -40)
        self._invoice_on(500, -20, 10)
        credit_note = self._invoice_on(300, -5, -5, move_type="out_refund")
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.client.id,
                "amount": 900.0,
                "date": self._day(-2),
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        self.assertTrue(payment.move_id, "the payment is booked on the receivable account")
        self._invoice_on(200, -40, -10, partner=self.client_b)
        self.assertEqual(credit_note.amount_residual, 300, "not matched with an invoice")

        dashboard = self.env["collection.dashboard"].create({})
        self.assertEqual(dashboard.receivable_amount, 500)
        self.assertEqual(dashboard.overdue_amount, 500, "300 for the client (its balance), 200 for B")
        self.assertLessEqual(dashboard.overdue_amount, dashboard.receivable_amount)
        self.assertEqual(dashboard.client_credit_amount, 0)
        self.assertEqual(dashboard.credit_sales_amount, 1400)
        self.assertEqual(dashboard.dso, 32.1)
        rows = self.env["collection.aging.report"].search([("company_id", "=", self.env.company.id)])
        self.assertEqual(sum(rows.mapped("amount_residual")), dashboard.receivable_amount)
        unapplied = rows.filtered(lambda row: row.move_type == "entry")
        self.assertEqual((unapplied.partner_id, unapplied.amount_residual), (self.client, -900))

    def test_client_in_credit_counts_no_overdue(self):
        """A credit note larger than the client's overdue invoice: the client owes nothing and nothing
        of it is overdue; its 100 of credit does not lower what client B owes (250, 250 overdue)."""
        self._invoice_on(400, -60, -30)
        self._invoice_on(500, -5, -5, move_type="out_refund")
        self._invoice_on(250, -60, -30, partner=self.client_b)
        dashboard = self.env["collection.dashboard"].create({})
        self.assertEqual(dashboard.receivable_amount, 250)
        self.assertEqual(dashboard.overdue_amount, 250)
        self.assertEqual(dashboard.client_credit_amount, 100)
        rows = self.env["collection.aging.report"].search([("company_id", "=", self.env.company.id)])
        self.assertEqual(sum(rows.mapped("amount_residual")), 150, "open receivables less client credit")
