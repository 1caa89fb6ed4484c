"""Retainers: the draw-down to the cent, the top-up at the threshold, work stop when used up, the
draws given back on a reset or a credit note, and what is refused."""

from contextlib import contextmanager

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..tools import compat
from .common import CollectionsCommon


class RetainerCommon(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.collection_policy_id = False  # the ladder is not what these tests are about
        cls.Retainer = cls.env["collection.retainer"]
        cls.billing = cls.env["res.users"].create(
            {
                "name": "Billing clerk",
                "login": "fc_retainer_billing",
                compat.GROUPS: [(6, 0, [cls.env.ref("account.group_account_invoice").id])],
                "company_id": cls.env.company.id,
                "company_ids": [(6, 0, [cls.env.company.id])],
            }
        )

    @classmethod
    def _retainer(cls, amount=2000.0, threshold=500.0, partner=None, start=True, pay=True, **extra):
        retainer = cls.Retainer.create(
            {"partner_id": (partner or cls.client).id, "amount": amount, "threshold": threshold, **extra}
        )
        if start:
            retainer.action_start()
            if pay:
                cls._pay(retainer.invoice_ids)
        return retainer

    @contextmanager
    def _refused(self, exception, pattern):
        """assertRaisesRegex in a savepoint (Odoo's assertRaises): what failed is rolled back."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def _draws(self, invoice):
        return invoice._collection_retainer_active_entries()


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02")
class TestRetainerDrawDown(RetainerCommon):
    def test_draw_down_to_the_cent_top_up_and_work_stop(self):
        retainer = self._retainer(start=False)
        retainer.action_start()
        request = retainer.invoice_ids
        self.assertEqual(request.collection_retainer_kind, "retainer")
        self.assertEqual(request.amount_total, 2000.0)
        account = self.env.company.collection_retainer_account_id
        self.assertEqual(account.account_type, "liability_current", "the advance account is created on first use")
        self.assertEqual(request.invoice_line_ids.account_id, account)
        self.assertEqual(retainer.balance, 0.0, "nothing to draw on before the client pays")
        self.assertIn(request._collection_pay_url(), request.message_ids[0].body, "the request mails its pay link")

        self._pay(request)
        self.assertEqual(retainer.balance, 2000.0)

        first = self._invoice(800.0, invoice_date="2026-03-02", due_date="2026-04-01")
        self.assertEqual(first.payment_state, "paid")
        self.assertEqual(first.collection_retainer_drawn, 800.0)
        draw = self._draws(first)
        self.assertEqual(len(draw), 1)
        self.assertEqual(draw.state, "posted")
        self.assertEqual(sum(draw.line_ids.mapped("balance")), 0.0)
        self.assertEqual(draw.line_ids.filtered(lambda line: line.account_id == account).debit, 800.0)
        self.assertTrue(
            draw.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable").reconciled
        )
        self.assertEqual(first._get_reconciled_amls().move_id, draw, "reconciled by Odoo with the draw")
        self.assertEqual(retainer.balance, 1200.0)
        self.assertFalse(retainer.topup_move_id, "still above the threshold")

        second = self._invoice(900.0, invoice_date="2026-03-02", due_date="2026-04-01")
        self.assertEqual(second.payment_state, "paid")
        self.assertEqual(retainer.balance, 300.0)
        topup = retainer.topup_move_id
        self.assertTrue(topup, "below the threshold: a top-up goes out")
        self.assertEqual(topup.collection_retainer_kind, "topup")
        self.assertEqual(topup.amount_total, 1700.0, "what brings the balance back to 2,000")
        mail = topup.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertIn(topup._collection_pay_url(), mail.body)
        self.assertIn(self.client_contact, mail.partner_ids, "to the invoice address")
        self.assertFalse(retainer.work_stop)

        third = self._invoice(700.0, invoice_date="2026-03-02", due_date="2026-04-01")
        self.assertEqual(third.collection_retainer_drawn, 300.0)
        self.assertEqual(third.amount_residual, 400.0, "300 paid from the balance, 400 due")
        self.assertEqual(third.payment_state, "partial")
        self.assertEqual(retainer.balance, 0.0)
        self.assertEqual(
            len(retainer.invoice_ids.filtered(lambda m: m.collection_retainer_kind == "topup")), 1, "one top-up open"
        )
        self.assertTrue(retainer.work_stop)
        self.assertTrue(self.client.collection_work_stop)
        self.assertTrue(self.client_contact.collection_work_stop)

        fourth = self._invoice(100.0, invoice_date="2026-03-02", due_date="2026-04-01", post=False)
        with self._refused(UserError, "retainer .* is used up"):
            fourth.with_user(self.billing).action_post()
        self.assertEqual(fourth.state, "draft")

        self._pay(topup)
        self.assertEqual(retainer.balance, 1700.0)
        self.assertFalse(retainer.work_stop)
        self.assertFalse(self.client.collection_work_stop, "lifted by the top-up payment")
        fourth.with_user(self.billing).action_post()
        self.assertEqual(fourth.payment_state, "paid")
        self.assertEqual(retainer.balance, 1600.0)
        history = retainer._collection_history()
        self.assertEqual(history[-1]["balance"], 1600.0, "the history adds up to the balance")
        self.assertEqual([row["amount"] for row in history], [2000.0, -800.0, -900.0, 1700.0, -300.0, -100.0])

    def test_manager_override_releases_a_retainer_stop(self):
        retainer = self._retainer(amount=500.0, threshold=100.0)
        self._invoice(600.0, invoice_date="2026-03-02")
        self.assertTrue(retainer.work_stop)
        self.assertTrue(self.client.collection_work_stop)
        self.client.write({"collection_work_stop_override": "release", "collection_work_stop_reason": "Trusted"})
        self.assertFalse(self.client.collection_work_stop, "a manager's override still wins")

    def test_reset_to_draft_gives_the_draw_back_and_repost_draws_once(self):
        retainer = self._retainer()
        invoice = self._invoice(800.0, invoice_date="2026-03-02")
        self.assertEqual(retainer.balance, 1200.0)
        invoice._collection_retainer_settle()
        self.assertEqual(len(self._draws(invoice)), 1, "settling again draws nothing more")
        self.assertEqual(retainer.balance, 1200.0)

        invoice.button_draft()
        self.assertEqual(retainer.balance, 2000.0, "a reset invoice gives back its draw")
        self.assertFalse(self._draws(invoice))
        self.assertTrue(invoice.collection_retainer_entry_ids.reversal_move_ids, "given back by a reversal")

        invoice.invoice_line_ids.price_unit = 750.0
        invoice.action_post()
        self.assertEqual(len(self._draws(invoice)), 1, "one draw at a time for an invoice")
        self.assertEqual(invoice.collection_retainer_drawn, 750.0)
        self.assertEqual(retainer.balance, 1250.0)

        invoice.button_cancel()
        self.assertEqual(retainer.balance, 2000.0, "a cancelled invoice gives its draw back too")

    def test_credit_note_of_a_drawn_invoice_goes_back_to_the_retainer(self):
        retainer = self._retainer()
        invoice = self._invoice(800.0, invoice_date="2026-03-02")
        self.assertEqual(retainer.balance, 1200.0)
        refund = invoice._reverse_moves([{"invoice_date": "2026-03-02", "date": "2026-03-02"}])
        refund.invoice_line_ids.price_unit = 300.0
        refund.action_post()
        self.assertTrue(
            refund.currency_id.is_zero(refund.amount_residual), "the credit note is settled by the retainer"
        )
        self.assertEqual(retainer.balance, 1500.0)
        rest = invoice._reverse_moves([{"invoice_date": "2026-03-02", "date": "2026-03-02"}])
        rest.action_post()
        self.assertEqual(retainer.balance, 2000.0, "never more back than the invoice drew")
        self.assertEqual(rest.amount_residual, 300.0, "the rest is the client's credit, as without a retainer")

    def test_credit_note_of_a_partly_drawn_invoice(self):
        retainer = self._retainer(amount=1000.0, threshold=0.0)
        invoice = self._invoice(1300.0, invoice_date="2026-03-02")
        self.assertEqual(invoice.amount_residual, 300.0)
        refund = invoice._reverse_moves([{"invoice_date": "2026-03-02", "date": "2026-03-02"}], cancel=True)
        self.assertEqual(refund.state, "posted")
        self.assertEqual(retainer.balance, 1000.0, "what the invoice drew goes back")
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertTrue(refund.currency_id.is_zero(refund.amount_residual))

    def test_invoice_in_another_currency_is_not_drawn(self):
        retainer = self._retainer()
        invoice = self._invoice(100.0, invoice_date="2026-03-02", currency=self.setup_other_currency("EUR"))
        self.assertEqual(invoice.amount_residual, 100.0)
        self.assertFalse(self._draws(invoice))
        self.assertIn("Not paid from the retainer", invoice.message_ids[0].body)
        self.assertEqual(retainer.balance, 2000.0)

    def test_unpaid_retainer_is_not_drawn_and_retainer_invoices_are_not_work(self):
        retainer = self._retainer(pay=False)
        invoice = self._invoice(100.0, invoice_date="2026-03-02")
        self.assertEqual(invoice.amount_residual, 100.0)
        self.assertFalse(retainer.work_stop)
        self.client.write({"collection_work_stop_override": "stop"})
        retainer.action_request_topup()  # asking for money is never refused by the work stop
        self.assertTrue(retainer.topup_move_id)
        with self._refused(UserError, "already waiting"):
            retainer.action_request_topup()

    def test_closed_retainer_draws_nothing(self):
        retainer = self._retainer()
        retainer.action_close()
        invoice = self._invoice(100.0, invoice_date="2026-03-02")
        self.assertEqual(invoice.amount_residual, 100.0)

    def test_monthly_top_up(self):
        retainer = self._retainer(monthly_topup=250.0)
        self.assertEqual(str(retainer.next_topup_date), "2026-04-01")
        self.Retainer._cron_monthly_topups()
        self.assertFalse(retainer.topup_move_id, "not before its day")
        with freeze_time("2026-04-01"):
            self.Retainer._cron_monthly_topups()
            self.assertEqual(retainer.topup_move_id.amount_total, 250.0)
            self.assertEqual(str(retainer.next_topup_date), "2026-05-01")
        with freeze_time("2026-05-01"):
            self.Retainer._cron_monthly_topups()
            self.assertEqual(len(retainer.invoice_ids.filtered(lambda m: m.collection_retainer_kind == "topup")), 1)

    def test_statement_shows_the_balance(self):
        self._retainer()
        self._invoice(800.0, invoice_date="2026-03-02")
        data = self.client._collection_statement_data()
        self.assertEqual(data["retainers"][0]["balance"], 1200.0)
        self.assertIn("Retainer", [line["kind"] for line in data["lines"]])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("freelance_collections.action_report_statement", self.client.ids)[0]
            .decode()
        )
        self.assertIn("statement_retainer", html)
        self.assertIn("1,200.00", html)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02")
class TestRetainerBadInput(RetainerCommon):
    def test_bad_terms_are_refused_and_nothing_changes(self):
        count = self.Retainer.search_count([])
        cases = [
            ({"amount": 1000.0, "threshold": 1500.0}, "is above the retainer amount"),
            ({"amount": -5.0, "threshold": 0.0}, "must be more than zero"),
            ({"amount": 1000.0, "threshold": -1.0}, "cannot be negative"),
            ({"amount": 1000.0, "threshold": 100.0, "monthly_topup": -50.0}, "monthly top-up cannot be negative"),
        ]
        for vals, message in cases:
            with self.subTest(vals=vals), self._refused(ValidationError, message):
                self.Retainer.create({"partner_id": self.client.id, **vals})
        self.assertEqual(self.Retainer.search_count([]), count)
        retainer = self._retainer(start=False)
        with self._refused(ValidationError, "is above the retainer amount"):
            retainer.write({"threshold": 2500.0})
        self.assertEqual(retainer.threshold, 500.0)

    def test_one_running_retainer_per_client_and_company(self):
        first = self._retainer()
        count = self.Retainer.search_count([])
        with self._refused(ValidationError, "already has a retainer"):
            self.Retainer.create({"partner_id": self.client.id, "amount": 100.0})
        self.assertEqual(self.Retainer.search_count([]), count)
        with self._refused(ValidationError, "belongs to the client itself"):
            self.Retainer.create({"partner_id": self.client_contact.id, "amount": 100.0})
        company_2 = self.setup_other_company(name="Retainer Co 2")["company"]
        other = self.Retainer.with_company(company_2).create({"partner_id": self.client.id, "amount": 100.0})
        self.assertEqual(other.company_id, company_2, "another company may have its own")
        first.action_close()
        self.Retainer.create({"partner_id": self.client.id, "amount": 100.0})

    def test_multi_company_isolation(self):
        company_2 = self.setup_other_company(name="Retainer Co 3")["company"]
        theirs = self.Retainer.with_company(company_2).create({"partner_id": self.client.id, "amount": 100.0})
        user = self.billing
        self.assertFalse(self.Retainer.with_user(user).search([("id", "=", theirs.id)]))
        with self.assertRaises(AccessError):
            theirs.with_user(user).read(["amount"])

    def test_no_change_of_client_once_booked(self):
        retainer = self._retainer()
        other = self.env["res.partner"].create({"name": "Other client"})
        with self._refused(UserError, "cannot change"):
            retainer.partner_id = other
        with self._refused(UserError, "cannot be deleted"):
            retainer.unlink()


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02")
class TestRetainerLookupsSkipped(CollectionsCommon):
    """A book that uses no retainer pays nothing for them in Odoo's own posting and payments (the
    existence of a retainer is cached until one is created); the first retainer counts at once."""

    def test_no_retainer_no_lookup_then_the_first_one_counts_at_once(self):
        self.env.company.collection_policy_id = False
        Retainer = self.env["collection.retainer"]
        self.env.cr.execute("SELECT count(*) FROM collection_retainer")
        self.assertEqual(self.env.cr.fetchone()[0], 0, "the test database holds no retainer (no demo retainer)")
        self.env.registry.clear_cache()  # a retainer created and rolled back by an earlier test leaves True
        self.assertFalse(Retainer._collection_any_retainer())
        with self.assertQueryCount(0):
            self.assertFalse(Retainer._collection_any_retainer())  # cached
            self.assertEqual(self.client._collection_work_stop_other_reasons(), {})
        retainer = Retainer.create({"partner_id": self.client.id, "amount": 100.0, "threshold": 0.0})
        self.assertTrue(Retainer._collection_any_retainer())
        retainer.action_start()  # its request invoice unpaid: nothing drawn yet, no work stop
        self.assertEqual(retainer.state, "active")
        self.assertFalse(self.client.collection_work_stop)
