"""The base of the discount-tier tests: tiers of 3% within 5 days, 2% within 10, 1% within 20, and helpers."""

from odoo import Command

from .common import CollectionsCommon


class DiscountTiersCommon(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write(
            {
                "quiet_days": "none",
                "discount_nudge_days": 0,
                "discount_tier_ids": [
                    Command.create({"days": 5, "percent": 3}),
                    Command.create({"days": 10, "percent": 2}),
                    Command.create({"days": 20, "percent": 1}),
                ],
            }
        )
        cls.loss_account = cls.env.company.account_journal_early_pay_discount_loss_account_id

    def _term(self, invoice):
        return invoice.line_ids.filtered(lambda ln: ln.display_type == "payment_term")

    def _register(self, invoice, day):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"payment_date": day})
        )
        amount = wizard.amount
        wizard._create_payments()
        return amount

    def _taxed_invoice(self, tax, **extra):
        invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31", post=False, **extra)
        invoice.invoice_line_ids.tax_ids = tax
        invoice.action_post()
        return invoice
