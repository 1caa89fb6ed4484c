from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestPortalPanel(CollectionsCommon):
    """The collections panel of the customer's invoice page (rendered as the portal does, in sudo)."""

    def _panel(self, invoice):
        return str(self.env["ir.qweb"]._render("freelance_collections.portal_invoice_collections",
                                               {"invoice": invoice.sudo()}))

    def test_installments_stage_message_fees_and_clause(self):
        self.policy.write({
            "penalty_clause": "<p>Late payments bear a 5% surcharge after 15 days.</p>",
            "penalty_tier_ids": [Command.create({"days_late": 15, "percent": 5})],
            "quiet_days": "none",
        })
        self.stage_firm.portal_message = "This invoice is 15 days overdue: please pay it now."
        template = self.env.ref("freelance_collections.deposit_template_30_30_40")
        with freeze_time("2026-03-01"):
            invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-04-30",
                                    collection_deposit_template_id=template.id)
        with freeze_time("2026-04-20"):
            self._pay(invoice, amount=300)
            self.env["collection.policy"]._cron_run_collections()
            html = self._panel(invoice)
            self.assertIn("Installments", html)
            for label in ("Upfront deposit (30%)", "Agreed milestone (30%)", "On completion (40%)"):
                self.assertIn(label, html)
            self.assertIn("Paid", html)
            self.assertIn("Overdue", html, "the milestone of 31 March")
            self.assertIn("To pay", html, "the balance of 30 April")
            self.assertIn("15 days overdue", html, "the stage's message")
            fee = invoice.collection_penalty_ids
            self.assertTrue(fee)
            self.assertIn(fee.name, html)
            self.assertIn("5% surcharge", html)

    def test_offer_dispute_and_nothing_for_drafts(self):
        self.policy.discount_tier_ids = [Command.create({"days": 10, "percent": 2})]
        with freeze_time("2026-03-03"):
            invoice = self._invoice(amount=1000, invoice_date="2026-03-01", due_date="2026-03-31")
            html = self._panel(invoice)
            self.assertIn("Early-payment offer", html)
            self.assertIn("980.00", html)
            self.assertNotIn("Installments", html)
            invoice.write({"collection_dispute": True, "collection_dispute_reason": "Scope"})
            self.assertIn("Disputed", self._panel(invoice))
            draft = self._invoice(post=False)
            self.assertNotIn("invoice_collections", self._panel(draft))
