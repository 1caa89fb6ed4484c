"""Autopay: a client's saved card charged on the due date by the run, once; failures emailed and
retried, then the ladder; the early-payment offer taken; revoking; bad input refused.

Needs ``payment_demo`` (its tokens simulate a card that pays or fails): tagged ``fc_autopay``, run by
``scripts/test.sh`` step 6 in the database that has it; skipped elsewhere.
"""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools import compat
from .common import CollectionsCommon

START = date(2026, 3, 1)


class AutopayCommon(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo_installed = cls.env["ir.module.module"]._get("payment_demo").state == "installed"
        if not cls.demo_installed:
            return
        cls._leave_out_existing_book()
        cls.policy.write(
            {
                "quiet_days": "none",
                "reminder_interval_days": 0,
                "autopay_notice_days": 3,
                "autopay_retry_days": "1, 3, 7",
            }
        )
        cls.provider = cls._demo_provider(cls.env.company)
        cls.client.email = "client@example.com"
        cls.token = cls._token(cls.client_contact, "done")

    @classmethod
    def _demo_provider(cls, company):
        demo = cls.env.ref("payment.payment_provider_demo").sudo()
        method = cls.env.ref("payment_demo.payment_method_demo").sudo()
        method.active = True
        provider = demo.copy({"company_id": company.id, "name": f"Demo ({company.name})"})
        provider.write(
            {
                "state": "test",
                "is_published": True,
                "allow_tokenization": True,
                "payment_method_ids": [Command.set(method.ids)],
            }
        )
        return provider

    @classmethod
    def _token(cls, partner, simulated_state, provider=None):
        provider = provider or cls.provider
        return (
            cls.env["payment.token"]
            .sudo()
            .create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": cls.env.ref("payment_demo.payment_method_demo").id,
                    "partner_id": partner.id,
                    "provider_ref": f"demo-{partner.id}-{simulated_state}",
                    "payment_details": "4242" if simulated_state == "done" else "0002",
                    "demo_simulated_state": simulated_state,
                }
            )
        )

    def setUp(self):
        super().setUp()
        if not self.demo_installed:
            self.skipTest(
                "payment_demo is not installed: run it in a database with payment_demo (scripts/test.sh does)"
            )

    def _run(self):
        return self.env["collection.run"]._cron_run_collections()

    def _logs(self, moves, action):
        return self.env["collection.action.log"].search(
            [("move_id", "in", moves.ids), ("action", "=", action)], order="date, id"
        )


@tagged("post_install", "-at_install", "fc_portal_tour", "fc_autopay")
class TestAutopayTimeline(AutopayCommon):
    def test_60_days_twice_a_day(self):
        """A (good card, due 20 March): notice on 17 March, charged on the 20th once, paid, no courtesy
        reminder. B (card that fails, due 25 March): failed on the 25th, 26th, 28th and 1 April, an email
        each time, then the ladder's friendly reminder. C (autopay turned off on 5 March, due 31 March):
        never charged, its courtesy reminder goes out as for anyone."""
        failing = self.env["res.partner"].create({"name": "Failing Co", "is_company": True, "email": "f@example.com"})
        revoked = self.env["res.partner"].create({"name": "Revoked Co", "is_company": True, "email": "r@example.com"})
        bad_token = self._token(failing, "error")
        revoked_token = self._token(revoked, "done")
        with freeze_time(START):
            for partner, token in ((self.client, self.token), (failing, bad_token), (revoked, revoked_token)):
                partner._collection_autopay_on(token, "I agree")
            a = self._invoice(amount=1000, invoice_date="2026-02-20", due_date="2026-03-20")
            b = self._invoice(amount=700, invoice_date="2026-02-25", due_date="2026-03-25", partner=failing)
            c = self._invoice(amount=300, invoice_date="2026-03-01", due_date="2026-03-31", partner=revoked)
        for offset in range(60):
            day = START + timedelta(days=offset)
            with freeze_time(day):
                if day == date(2026, 3, 5):
                    revoked._collection_autopay_off("the client asked")
                self._run()
                self._run()
        self.assertEqual(a.payment_state in ("paid", "in_payment"), True)
        tx_a = a.collection_autopay_transaction_ids
        self.assertEqual(len(tx_a), 1, "charged once")
        self.assertEqual(
            (tx_a.state, tx_a.amount, tx_a.operation, tx_a.token_id), ("done", 1000.0, "offline", self.token)
        )
        self.assertEqual(tx_a.collection_autopay_attempt, date(2026, 3, 20))
        self.assertTrue(tx_a.payment_id, "Odoo's post-processing booked the payment")
        self.assertEqual(self._logs(a, "autopay_notice").mapped("date"), [date(2026, 3, 17)])
        self.assertEqual(self._logs(a, "autopay_charge").mapped("state"), ["done"])
        self.assertFalse(self._logs(a, "email"), "no courtesy or other reminder to an autopay client")

        tx_b = b.collection_autopay_transaction_ids.sorted("collection_autopay_attempt")
        self.assertEqual(
            tx_b.mapped("collection_autopay_attempt"),
            [date(2026, 3, 25), date(2026, 3, 26), date(2026, 3, 28), date(2026, 4, 1)],
        )
        self.assertEqual(set(tx_b.mapped("state")), {"error"})
        self.assertEqual(b.payment_state, "not_paid")
        failed = self._logs(b, "autopay_failed")
        self.assertEqual(failed.mapped("date"), tx_b.mapped("collection_autopay_attempt"), "an email per failure")
        self.assertTrue(all(failed.mapped("mail_message_id")))
        self.assertIn(b._collection_pay_url(), failed[0].mail_message_id.body, "with the pay link")
        self.assertIn("try again", failed[0].mail_message_id.body)
        self.assertNotIn("try again", failed[-1].mail_message_id.body, "no retry left after the last one")
        reminders = self._logs(b, "email")
        self.assertTrue(reminders, "the ladder took over")
        self.assertEqual(reminders[0].date, date(2026, 4, 1), "the ladder takes over with the last failure")
        self.assertEqual(reminders[0].stage_id, self.stage_friendly)

        self.assertFalse(c.collection_autopay_transaction_ids, "revoked: never charged")
        self.assertEqual(self._logs(c, "email")[:1].stage_id, self.stage_pre, "courtesy as for any client")
        self.assertTrue(
            revoked.message_ids.filtered(lambda m: "Autopay turned off" in m.body and "the client asked" in m.body)
        )
        runs = self.env["collection.run"].search([])
        self.assertEqual(sum(run.actions["autopay_charge"] for run in runs), 1)
        self.assertEqual(sum(run.actions["autopay_failed"] for run in runs), 4)
        dashboard = self.env["collection.dashboard"].create({"date_from": START, "date_to": date(2026, 4, 30)})
        self.assertEqual(dashboard.autopay_client_count, 2, "the client and the failing one; the revoked one is off")
        self.assertEqual(dashboard.autopay_charged_amount, 1000.0)
        self.assertEqual(dashboard.autopay_failed_count, 4)
        self.assertEqual(
            self.env["collection.action.log"].search_count(dashboard.action_open_autopay_charges()["domain"]),
            1 + 1 + 4 + 4 + 1,  # A: notice and charge; B: 4 failed charges, 4 failure emails, 1 notice
        )

    def test_early_payment_offer_charged_on_its_deadline_with_the_discount(self):
        self.policy.write({"discount_tier_ids": [Command.create({"days": 10, "percent": 2})]})
        with freeze_time("2026-03-01"):
            self.client._collection_autopay_on(self.token, "I agree")
            invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31")
            self.assertEqual(invoice.collection_discount_deadline, date(2026, 3, 11))
        for day in range(1, 15):
            with freeze_time(date(2026, 3, day)):
                self._run()
        tx = invoice.collection_autopay_transaction_ids
        self.assertEqual((len(tx), tx.collection_autopay_attempt, tx.amount), (1, date(2026, 3, 11), 980.0))
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertEqual(self._logs(invoice, "autopay_notice").mapped("date"), [date(2026, 3, 8)])
        self.assertIn("980.00", self._logs(invoice, "autopay_notice").mail_message_id.body)
        self.assertFalse(self._logs(invoice, "discount_nudge"), "no discount reminder: autopay takes it")

    def test_installments_each_on_its_due_date(self):
        with freeze_time("2026-03-01"):
            self.client._collection_autopay_on(self.token, "I agree")
            invoice = self._invoice(
                amount=1000,
                invoice_date="2026-03-01",
                due_date="2026-03-31",
                collection_deposit_template_id=self.env.ref("freelance_collections.deposit_template_50_50").id,
            )
        terms = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term").sorted("date_maturity")
        self.assertEqual(len(terms), 2)
        days = terms.mapped("date_maturity")
        day = date(2026, 3, 1)
        while day <= days[1] + timedelta(days=2):
            with freeze_time(day):
                self._run()
            day += timedelta(days=1)
        txs = invoice.collection_autopay_transaction_ids.sorted("id")
        self.assertEqual(txs.mapped("collection_autopay_attempt"), days)
        self.assertEqual(txs.mapped("amount"), [500.0, 500.0])
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))


@tagged("post_install", "-at_install", "fc_portal_tour", "fc_autopay")
class TestAutopayNeverTwice(AutopayCommon):
    def test_a_transaction_left_by_a_killed_run_is_not_sent_again(self):
        """The run committed the attempt's transaction and died before the provider's answer was
        recorded: the rerun finds it (draft), sends nothing, records it as waiting; the ladder waits."""
        with freeze_time("2026-03-01"):
            self.client._collection_autopay_on(self.token, "I agree")
            invoice = self._invoice(amount=400, invoice_date="2026-03-01", due_date="2026-03-10")
        with freeze_time("2026-03-10"):
            self._run()  # the notice days before are skipped: nothing due yet
            tx = invoice.collection_autopay_transaction_ids
            self.assertEqual(tx.state, "done")
            # the same again, as a run killed between commit and answer would leave it
            invoice2 = self._invoice(amount=200, invoice_date="2026-03-01", due_date="2026-03-10")
            key = f"autopay:{invoice2.id}:2026-03-10:2026-03-10"
            left = (
                self.env["payment.transaction"]
                .sudo()
                .create(
                    {
                        "provider_id": self.provider.id,
                        "payment_method_id": self.token.payment_method_id.id,
                        "reference": "KILLED-1",
                        "amount": 200,
                        "currency_id": invoice2.currency_id.id,
                        "partner_id": invoice2.partner_id.id,
                        "token_id": self.token.id,
                        "operation": "offline",
                        "invoice_ids": [Command.set(invoice2.ids)],
                        "collection_autopay_key": key,
                        "collection_autopay_move_id": invoice2.id,
                        "collection_autopay_day": date(2026, 3, 10),
                        "collection_autopay_attempt": date(2026, 3, 10),
                    }
                )
            )
            self._run()
            self._run()
            self.assertEqual(invoice2.collection_autopay_transaction_ids, left, "nothing sent again")
            self.assertEqual(left.state, "draft")
            self.assertEqual(self._logs(invoice2, "autopay_charge").mapped("state"), ["pending"])
            self.assertEqual(len(invoice.collection_autopay_transaction_ids), 1)
        with freeze_time("2026-03-20"):
            self._run()
            self.assertFalse(self._logs(invoice2, "email"), "a charge waiting for its answer holds the ladder")
        with self.assertRaises(Exception), mute_logger("odoo.sql_db"):  # noqa: B017 - the unique key, in the database
            with self.env.cr.savepoint():
                left.copy({"collection_autopay_key": key, "reference": "KILLED-2"})
        # the provider's answer comes at last (its webhook): Odoo books it, the log says so
        with freeze_time("2026-03-21"):
            left._set_done()
            self.assertEqual(self._logs(invoice2, "autopay_charge").mapped("state"), ["done"])
            self._run()
            self.assertEqual(invoice2.collection_autopay_transaction_ids, left, "nothing sent again")
            self.assertEqual(self._logs(invoice2, "autopay_charge").mapped("state"), ["done"])

    def test_dry_run_lists_tonights_notices_and_charges(self):
        """The dry run says which notice and which charge tonight's run makes, with the amount and the
        saved card; once the run has sent and charged, the same day's dry run shows neither again."""
        with freeze_time("2026-03-01"):
            self.client._collection_autopay_on(self.token, "I agree")
            notified = self._invoice(amount=300, invoice_date="2026-03-01", due_date="2026-03-13")
            charged = self._invoice(amount=400, invoice_date="2026-03-01", due_date="2026-03-10")
        with freeze_time("2026-03-10"):
            dry_run = self.env["collection.dry.run"]

            def autopay_lines():
                lines = dry_run._plan_lines(notified | charged, date(2026, 3, 10))
                return sorted(
                    (line["move_id"], line["action"], line["status"])
                    for line in lines
                    if line["action"] and line["action"].startswith("autopay") and line["will_run"]
                )

            before = autopay_lines()
            self.assertEqual(
                [line[:2] for line in before],
                sorted([(notified.id, "autopay_notice"), (charged.id, "autopay_charge")]),
            )
            by_action = {line[1]: line[2] for line in before}
            self.assertIn("300.00", by_action["autopay_notice"])
            self.assertIn("03/13/2026", by_action["autopay_notice"])
            self.assertIn("400.00", by_action["autopay_charge"])
            self.assertIn(self.token.display_name, by_action["autopay_charge"])
            self.assertFalse(charged.collection_autopay_transaction_ids, "the dry run charges nothing")
            self._run()
            self.assertEqual(len(charged.collection_autopay_transaction_ids), 1)
            self.assertEqual(autopay_lines(), [], "sent and charged: nothing more tonight")


@tagged("post_install", "-at_install", "fc_portal_tour", "fc_autopay")
class TestAutopayConsent(AutopayCommon):
    def _unchanged(self, client):
        self.assertFalse(client.collection_autopay_token_id)
        self.assertFalse(client.collection_autopay_since)

    def test_consent_missing(self):
        messages = len(self.client.message_ids)
        with self.assertRaisesRegex(UserError, "consent"):
            self.client._collection_autopay_on(self.token, "  ")
        self._unchanged(self.client)
        self.assertEqual(len(self.client.message_ids), messages)

    def test_token_of_another_client(self):
        other = self.env["res.partner"].create({"name": "Someone Else", "is_company": True})
        with self.assertRaisesRegex(ValidationError, "belongs to Someone Else"):
            self.client._collection_autopay_on(self._token(other, "done"), "I agree")
        self._unchanged(self.client)
        with self.assertRaisesRegex(ValidationError, "belongs to"):
            self.client.write({"collection_autopay_token_id": self._token(other, "done").id})
        self._unchanged(self.client)

    def test_token_of_another_company(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        token_b = self._token(self.client_contact, "done", provider=self._demo_provider(company_b))
        with self.assertRaisesRegex(ValidationError, "saved for Company B"):
            self.client._collection_autopay_on(token_b, "I agree")
        self._unchanged(self.client)
        # and per company: on in B, still off here
        self.client.with_company(company_b)._collection_autopay_on(token_b, "I agree")
        self.assertEqual(self.client.with_company(company_b).collection_autopay_token_id, token_b)
        self._unchanged(self.client)

    def test_consent_kept_and_archived_token_turns_autopay_off(self):
        consent = self.client._collection_autopay_consent_text(self.token)
        self.assertIn("3 days before", consent)
        self.assertIn("1, 3, 7", consent)
        self.client._collection_autopay_on(self.token, consent)
        self.assertEqual(self.client.collection_autopay_consent, consent)
        self.assertIn("Autopay turned on", self.client.message_ids[0].body)
        self.assertEqual(self.env["res.partner"].search([("collection_autopay_token_id", "!=", False)]), self.client)
        self.token.action_archive()
        self.assertFalse(self.client.collection_autopay_token_id)
        self.assertIn("payment method was removed", self.client.message_ids[0].body)

    def test_only_managers_set_it_in_the_back_office(self):
        user = self.env["res.users"].create(
            {
                "name": "Billing clerk",
                "login": "fc_autopay_clerk",
                compat.GROUPS: [Command.set([self.env.ref("account.group_account_invoice").id])],
            }
        )
        with self.assertRaises(Exception):  # noqa: B017 - AccessError (contact rights or the manager check)
            self.client.with_user(user).write({"collection_autopay_token_id": self.token.id})
        self._unchanged(self.client)

    def test_bad_policy_settings(self):
        with self.assertRaisesRegex(ValidationError, '"x" is not a number of days above 0'):
            self.policy.autopay_retry_days = "1, x"
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.policy.autopay_notice_days = -1
