"""The base of the overpayment tests: a billing user, a collections manager, builders of payments and refunds."""

from odoo.tests import new_test_user

from .common import CollectionsCommon


class OverpaymentCommon(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.billing = new_test_user(
            cls.env, login="fc_scam_billing", groups="account.group_account_invoice", company_id=company.id
        )
        cls.manager = new_test_user(
            cls.env,
            login="fc_scam_manager",
            groups="account.group_account_invoice,freelance_collections.group_collections_manager",
            company_id=company.id,
        )
        cls.bank = cls.company_data["default_journal_bank"]

    # ---- builders --------------------------------------------------------------------------

    def _register(self, moves, amount, user=None, date="2026-01-10", memo="Cheque 0042"):
        wizard = (
            self.env["account.payment.register"]
            .with_user(user or self.billing)
            .with_context(
                active_model="account.move",
                active_ids=moves.ids,
            )
            .create(
                {
                    "amount": amount,
                    "payment_date": date,
                    "journal_id": self.bank.id,
                    "communication": memo,
                    "group_payment": True,
                }
            )
        )
        return wizard._create_payments()

    def _bank_journal(self, company):
        """The bank journal of COMPANY (the main company's is ``self.bank``)."""
        if company == self.env.company:
            return self.bank
        return self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)

    def _receive(self, amount, partner=None, company=None, currency=None, date="2026-01-10"):
        """A customer payment on account (no invoice), posted."""
        company = company or self.env.company
        journal = self._bank_journal(company)
        payment = (
            self.env["account.payment"]
            .with_company(company)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": (partner or self.client).id,
                    "amount": amount,
                    "date": date,
                    "journal_id": journal.id,
                    **({"currency_id": currency.id} if currency else {}),
                }
            )
        )
        payment.action_post()
        return payment

    def _refund(self, amount=500.0, user=None, company=None):
        """A draft outbound customer payment: money back to the client."""
        company = company or self.env.company
        journal = self._bank_journal(company)
        return (
            self.env["account.payment"]
            .with_user(user or self.billing)
            .with_company(company)
            .create(
                {
                    "payment_type": "outbound",
                    "partner_type": "customer",
                    "partner_id": self.client.id,
                    "amount": amount,
                    "date": "2026-01-12",
                    "journal_id": journal.id,
                }
            )
        )

    def _match_with_bank(self, payment, amount):
        """Match PAYMENT with a bank statement line of AMOUNT, as Odoo's own tests do without the
        (enterprise) reconciliation widget."""
        statement_line = self.env["account.bank.statement.line"].create(
            {
                "payment_ref": payment.name,
                "journal_id": self.bank.id,
                "partner_id": self.client.id,
                "amount": amount,
                "date": "2026-01-11",
            }
        )
        _liquidity, suspense, _other = statement_line.with_context(
            skip_account_move_synchronization=True
        )._seek_for_lines()
        payment_liquidity, _counterpart, _writeoff = payment._seek_for_lines()
        suspense.account_id = payment_liquidity.account_id
        (suspense + payment_liquidity).reconcile()
        return statement_line

    def _approve(self, payment, reason, user=None):
        wizard = (
            self.env["collection.overpayment.approval"]
            .with_user(user or self.manager)
            .with_context(default_payment_id=payment.id)
            .create({"reason": reason})
        )
        return wizard.action_approve()

    def _scam(self):
        """An invoice of 1,000 and a cheque of 1,500 registered on it."""
        invoice = self._invoice(1000.0, invoice_date="2026-01-05", due_date="2026-02-04")
        payment = self._register(invoice, 1500.0)
        return invoice, payment

    def _outbound_posted(self):
        return self.env["account.payment"].search(
            [
                ("partner_id", "=", self.client.id),
                ("payment_type", "=", "outbound"),
                ("state", "in", ("in_process", "paid")),
            ]
        )
