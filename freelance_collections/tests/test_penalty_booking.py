from datetime import date
from decimal import Decimal

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestPenaltyBooking(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Policy = cls.env["collection.policy"]
        cls.Run = cls.env["collection.run"]
        cls.stepped = cls.Policy.create(
            cls._policy_vals(
                "Stepped",
                quiet_days="none",
                reminder_interval_days=0,
                penalty_tier_ids=[
                    Command.create({"days_late": 15, "percent": 5}),
                    Command.create({"days_late": 30, "percent": 10}),
                ],
            )
        )
        cls.client.collection_policy_id = cls.stepped

    @classmethod
    def _policy_vals(cls, name, **extra):
        # these tests check the arithmetic of each increment: fees invoiced at every run (interval 0);
        # when they are invoiced with the default interval is tested in test_fee_moments.py
        return super()._policy_vals(name, **{"fee_invoice_interval_days": 0, **extra})

    def _run(self):
        return self.Run._cron_run_collections()

    def _fees(self, invoice):
        return invoice.collection_penalty_ids.filtered(lambda m: m.state == "posted").sorted("id")

    def _assert_balanced(self, moves):
        for move in moves:
            self.assertEqual(
                move.currency_id.compare_amounts(
                    sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit"))
                ),
                0,
            )

    def test_stepped_percent_with_partial_payment_charges_only_what_is_new(self):
        with freeze_time("2026-02-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-01-02", due_date="2026-02-01")
        with freeze_time("2026-02-15"):  # 14 days late
            self._run()
            self.assertFalse(invoice.collection_penalty_ids)
        with freeze_time("2026-02-16"):  # 15 days: the 5% step on 1,000
            report = self._run()
            self.assertEqual(report.actions["penalty"], 1)
            fee = self._fees(invoice)
            self.assertEqual(fee.amount_untaxed, 50.0)
            self.assertEqual(fee.collection_penalty_origin_id, invoice)
            self.assertEqual(fee.partner_id, invoice.partner_id)
            self.assertEqual(fee.invoice_line_ids.product_id, self.env.ref("freelance_collections.product_late_fee"))
            self.assertIn(invoice.name, fee.invoice_line_ids.name)
            self.assertFalse(self._run().actions.get("penalty"), "a rerun the same day charges nothing")
        with freeze_time("2026-02-21"):  # day 20: the client pays 400
            self._pay(invoice, amount=400)
            self._run()
            self.assertEqual(len(self._fees(invoice)), 1)
        with freeze_time("2026-03-03"):  # day 30: 10% in all, the 5% more on the 600 still due
            self._run()
            fees = self._fees(invoice)
            self.assertEqual(fees.mapped("amount_untaxed"), [50.0, 30.0])
            self.assertEqual(invoice.collection_penalty_charged, 80.0)
            self._run()
        with freeze_time("2026-06-01"):
            self._run()
            self.assertEqual(len(self._fees(invoice)), 2, "no step after 30 days: nothing more")
            self._assert_balanced(self._fees(invoice))
            logs = self.env["collection.action.log"].search([("move_id", "=", invoice.id), ("action", "=", "penalty")])
            self.assertEqual(len(logs), 2)

    def test_france_preset_numbers_in_another_currency(self):
        """12,000 EUR, 73 days late, reference rate 4.00% then 3.50% from 1 July, + 10 points, 40 EUR.

        2 June - 30 June: 29 days at 14.00%; 1 July - 13 August: 44 days at 13.50%.
        Interest = 12,000 x (0.14 x 29 + 0.135 x 44) / 365 = 12,000 x 10 / 365 = 328.767 -> 328.77;
        with the 40 EUR fixed fee: 368.77 EUR.
        """
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 0.9)])
        index = self.env["collection.rate.index"].create(
            {
                "name": "Test ECB",
                "code": "TEST_ECB",
                "rate_ids": [
                    Command.create({"date": "2026-01-01", "rate": 4.0}),
                    Command.create({"date": "2026-07-01", "rate": 3.5}),
                ],
            }
        )
        france = self.Policy.create(
            self._policy_vals(
                "France test",
                interest_mode="reference",
                rate_index_id=index.id,
                annual_rate=10,
                fixed_fee=40,
                currency_id=eur.id,
            )
        )
        client = self.env["res.partner"].create({"name": "Client FR", "collection_policy_id": france.id})
        with freeze_time("2026-06-01"):
            invoice = self._invoice(
                amount=12000, invoice_date="2026-05-02", due_date="2026-06-01", partner=client, currency=eur
            )
        with freeze_time("2026-08-13"):
            self._run()
            fee = self._fees(invoice)
            self.assertEqual(fee.currency_id, eur)
            self.assertEqual(fee.amount_untaxed, 368.77)
            self.assertEqual(
                fee.amount_total_signed, eur._convert(368.77, fee.company_currency_id, fee.company_id, fee.date)
            )
            self._assert_balanced(fee)
            self._run()
            self.assertEqual(len(self._fees(invoice)), 1)
        with freeze_time("2026-08-14"):  # one more day: 12,000 x 13.5% / 365 = 4.438 -> only the new interest
            self._run()
            fees = self._fees(invoice)
            self.assertEqual(len(fees), 2)
            self.assertEqual(fees[1].amount_untaxed, 4.44)

    def test_uk_fixed_sums_by_debt_size(self):
        uk = self.Policy.create(
            self._policy_vals(
                "UK test",
                fee_band_ids=[
                    Command.create({"min_debt": 0, "amount": 40}),
                    Command.create({"min_debt": 1000, "amount": 70}),
                    Command.create({"min_debt": 10000, "amount": 100}),
                ],
            )
        )
        client = self.env["res.partner"].create({"name": "Client UK", "collection_policy_id": uk.id})
        with freeze_time("2026-02-01"):
            invoices = [
                self._invoice(amount=amount, partner=client, due_date="2026-02-01") for amount in (999.99, 1000, 10000)
            ]
        with freeze_time("2026-02-02"):
            self._run()
            # one late-fee invoice for the client, a line per invoice: the sums per invoice
            self.assertEqual(len(self._fees(invoices[0])), 1)
            self.assertEqual([inv.collection_penalty_charged for inv in invoices], [40.0, 70.0, 100.0])
        with freeze_time("2026-05-02"):
            self._run()
            self.assertEqual([len(self._fees(inv)) for inv in invoices], [1, 1, 1], "a fixed sum is charged once")

    def test_nothing_charged_when_disputed_paused_or_before_due(self):
        other = self.env["res.partner"].create({"name": "Paused", "collection_policy_id": self.stepped.id})
        with freeze_time("2026-03-10"):
            disputed = self._invoice(due_date="2026-02-01")
            disputed.write({"collection_dispute": True, "collection_dispute_reason": "Quality"})
            paused = self._invoice(partner=other, due_date="2026-02-01")
            other.write({"collection_pause_until": "2026-04-01", "collection_pause_reason": "Friend"})
            not_due = self._invoice(invoice_date="2026-03-01", due_date="2026-04-01")
            self._run()
            self.assertFalse(
                disputed.collection_penalty_ids | paused.collection_penalty_ids | not_due.collection_penalty_ids
            )

    def test_waive_by_manager_reverses_and_never_recharges(self):
        manager = new_test_user(self.env, login="fc_pen_manager", groups="account.group_account_manager")
        billing = new_test_user(self.env, login="fc_pen_billing", groups="account.group_account_invoice")
        with freeze_time("2026-02-20"):
            invoice = self._invoice(due_date="2026-02-01")
            self._run()
            fee = self._fees(invoice)
            self.assertEqual(fee.amount_untaxed, 50.0)
            with self.assertRaises(UserError):
                invoice.with_user(billing).action_collection_waive_penalties("Good client")
            with self.assertRaisesRegex(UserError, "Say why"):
                invoice.with_user(manager).action_collection_waive_penalties("")
            action = (
                self.env.ref("freelance_collections.action_server_move_waive_penalties")
                .with_context(active_model="account.move", active_ids=invoice.ids, active_id=invoice.id)
                .run()
            )
            wizard = self.env["collection.action.wizard"].browse(action["res_id"])
            wizard.reason = "Long-standing client"
            wizard.with_user(manager).action_apply()
            self.assertEqual(fee.payment_state, "reversed")
            self.assertTrue(invoice.collection_penalties_waived)
            self.assertTrue(invoice.message_ids.filtered(lambda m: "Long-standing client" in (m.body or "")))
        with freeze_time("2026-03-10"):
            self._run()
            self.assertEqual(
                len(invoice.collection_penalty_ids.filtered(lambda m: m.move_type == "out_invoice")),
                1,
                "waived: nothing more is charged",
            )

    def test_missing_reference_rate_is_recorded_and_others_go_on(self):
        index = self.env["collection.rate.index"].create(
            {
                "name": "Empty index",
                "code": "TEST_EMPTY",
                "rate_ids": [Command.create({"date": "2026-06-01", "rate": 2.0})],
            }
        )
        broken = self.Policy.create(
            self._policy_vals("Rate from June", interest_mode="reference", rate_index_id=index.id, annual_rate=8)
        )
        early = self.env["res.partner"].create({"name": "Early", "collection_policy_id": broken.id})
        with freeze_time("2026-03-10"):
            bad = self._invoice(partner=early, due_date="2026-02-01")
            good = self._invoice(due_date="2026-02-01")
            self._run()
            self.assertTrue(self._fees(good))
            self.assertFalse(bad.collection_penalty_ids)
            log = self.env["collection.action.log"].search([("move_id", "=", bad.id), ("action", "=", "penalty")])
            self.assertEqual(log.state, "failed")
            self.assertIn("No reference rate", log.note)
            self._run()
            self.assertEqual(
                len(self.env["collection.action.log"].search([("move_id", "=", bad.id), ("action", "=", "penalty")])),
                1,
                "recorded once a day",
            )

    def test_fees_are_posted_for_a_stopped_client_and_in_a_second_company(self):
        company_2 = self.setup_other_company(name="Second Co")["company"]
        policy_2 = self.Policy.create(self._policy_vals("Second company", company_id=company_2.id, fixed_fee=25))
        client_2 = self.env["res.partner"].create({"name": "Client 2"})
        client_2.with_company(company_2).collection_policy_id = policy_2
        with freeze_time("2026-03-20"):
            invoice = self._invoice(due_date="2026-02-01")
            self.assertTrue(self.client.collection_work_stop)
            invoice_2 = self._invoice(company=company_2, partner=client_2, due_date="2026-02-01")
            self._run()
            self.assertEqual(self._fees(invoice).amount_untaxed, 100.0, "10% after 30 days")
            fee_2 = self._fees(invoice_2)
            self.assertEqual(fee_2.company_id, company_2)
            self.assertEqual(fee_2.amount_untaxed, 25.0)

    def test_goodwill_waiver_when_paid_soon_after_the_notice(self):
        self.stepped.waiver_days = 7
        self.stepped.fee_invoice_grouping = "invoice"  # a late-fee invoice each (test_fee_grouping.py: one)
        with freeze_time("2026-02-16"):
            quick = self._invoice(due_date="2026-02-01")
            slow = self._invoice(due_date="2026-02-01")
            self._run()
            quick_fee, slow_fee = self._fees(quick), self._fees(slow)
            self.assertEqual((quick_fee + slow_fee).mapped("amount_untaxed"), [50.0, 50.0])
        with freeze_time("2026-02-20"):  # 4 days after the notice
            self._pay(quick, amount=1000)
        with freeze_time("2026-02-26"):  # 10 days after the notice
            self._pay(slow, amount=1000)
            self._run()
            self.assertEqual(quick_fee.payment_state, "reversed", "paid within the goodwill period")
            self.assertTrue(quick.collection_penalties_waived)
            self.assertEqual(slow_fee.payment_state, "not_paid", "paid too late: the fee stays due")
            self.assertFalse(slow.collection_penalties_waived)

    def test_default_due_days_when_no_date_agreed(self):
        self.stepped.default_due_days = 30
        with freeze_time("2026-03-01"):
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.client.id,
                    "invoice_date": "2026-03-01",
                    "invoice_line_ids": [Command.create({"name": "Work", "price_unit": 500, "tax_ids": []})],
                }
            )
            self.assertEqual(str(invoice.invoice_date_due), "2026-03-31")
            completed = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.client.id,
                    "invoice_date": "2026-03-01",
                    "delivery_date": "2026-03-10",
                    "invoice_line_ids": [Command.create({"name": "Work", "price_unit": 500, "tax_ids": []})],
                }
            )
            self.assertEqual(str(completed.invoice_date_due), "2026-04-09", "30 days after completion")
            agreed = self._invoice(invoice_date="2026-03-01", due_date="2026-03-15", post=False)
            self.assertEqual(str(agreed.invoice_date_due), "2026-03-15", "an agreed date is kept")

    def test_installments_are_late_each_from_its_own_due_date(self):
        template = self.env.ref("freelance_collections.deposit_template_30_30_40")
        with freeze_time("2026-03-01"):
            invoice = self._invoice(
                amount=1000,
                invoice_date="2026-03-01",
                due_date="2026-04-30",
                collection_deposit_template_id=template.id,
            )
        with freeze_time("2026-04-16"):
            # deposit 300 due 1 March: 46 days, 10%; milestone 300 due 31 March: 16 days, 5%; balance not due
            self._run()
            self.assertEqual(self._fees(invoice).amount_untaxed, 45.0)

    def test_france_preset_as_shipped(self):
        """The France B2B preset and its shipped ECB semester rates: 12,000 EUR due 1 June 2025, 73 days late.

        2 - 30 June: 29 days at 3.15 + 10 = 13.15%; 1 July - 13 August: 44 days at 2.15 + 10 = 12.15%.
        12,000 x (0.1315 x 29 + 0.1215 x 44) / 365 = 109,914 / 365 = 301.134 -> 301.13; + 40 EUR = 341.13.
        """
        france = self.env.ref("freelance_collections.policy_france_b2b")
        eur = self.setup_other_currency("EUR", rates=[("2025-01-01", 0.9)])
        self.assertEqual(france.currency_id, eur)
        client = self.env["res.partner"].create({"name": "Client FR"})
        client.collection_policy_id = france
        with freeze_time("2025-06-01"):
            invoice = self._invoice(
                amount=12000, invoice_date="2025-05-02", due_date="2025-06-01", partner=client, currency=eur
            )
        with freeze_time("2025-08-13"):
            breakdown = invoice._collection_penalty_breakdowns(date(2025, 8, 13))[invoice]
            self.assertEqual(
                (breakdown.interest, breakdown.fixed, breakdown.total),
                (Decimal("301.13"), Decimal("40.00"), Decimal("341.13")),
            )
            self._run()
            self.assertEqual(self._fees(invoice).amount_untaxed, 341.13)

    def test_uk_preset_fixed_sums(self):
        uk = self.env.ref("freelance_collections.policy_uk_late_payment")
        gbp = self.setup_other_currency("GBP", rates=[("2025-01-01", 0.8)])
        client = self.env["res.partner"].create({"name": "Client UK"})
        client.collection_policy_id = uk
        with freeze_time("2025-09-01"):
            invoices = self.env["account.move"].concat(
                *(
                    self._invoice(
                        amount=amount, partner=client, currency=gbp, invoice_date="2025-08-01", due_date="2025-08-31"
                    )
                    for amount in (999.99, 1000, 10000)
                )
            )
            breakdowns = invoices._collection_penalty_breakdowns(date(2025, 9, 1))
            self.assertEqual(
                [breakdowns[inv].fixed for inv in invoices], [Decimal("40.00"), Decimal("70.00"), Decimal("100.00")]
            )
            self.assertTrue(all(breakdowns[inv].interest > 0 for inv in invoices), "BoE + 8 points from day 1")

    def test_invoice_in_usd_for_a_company_in_eur(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        company_eur = self.setup_other_company(name="EUR Co", currency_id=eur.id)["company"]
        usd = self.env.ref("base.USD")
        self.env["res.currency.rate"].create(
            {"name": "2026-01-01", "rate": 1.25, "currency_id": usd.id, "company_id": company_eur.id}
        )
        policy = self.Policy.create(
            self._policy_vals(
                "EUR company policy",
                company_id=company_eur.id,
                currency_id=eur.id,
                fixed_fee=40,
                penalty_tier_ids=[Command.create({"days_late": 15, "percent": 5})],
            )
        )
        client = self.env["res.partner"].create({"name": "US client"})
        client.with_company(company_eur).collection_policy_id = policy
        with freeze_time("2026-03-01"):
            invoice = self._invoice(
                amount=1000, company=company_eur, partner=client, currency=usd, due_date="2026-02-01"
            )
            self.assertEqual(invoice.company_currency_id, eur)
            self._run()
            fee = self._fees(invoice)
            # 5% of 1,000 USD = 50 USD; the 40 EUR fee converted at 1.25 = 50 USD
            self.assertEqual(fee.currency_id, usd)
            self.assertEqual(fee.amount_untaxed, 100.0)
            self.assertEqual(fee.amount_total_signed, 80.0, "80 EUR in the company's books")
            self._assert_balanced(fee)

    def test_demand_letter_lists_the_late_fees(self):
        with freeze_time("2026-02-20"):
            invoice = self._invoice(due_date="2026-02-01")
            self._run()
            fee = self._fees(invoice)
            html = (
                self.env["ir.actions.report"]
                .with_context(collection_invoice_ids=invoice.ids)
                ._render_qweb_html("freelance_collections.action_report_demand_letter", self.client.ids)[0]
                .decode()
            )
            self.assertIn(invoice.name, html)
            self.assertIn(fee.name, html)
            self.assertIn("Late-payment fees invoiced", html)
