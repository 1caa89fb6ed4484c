"""The overpayment-scam guard on the client: what it paid above what it owed and is not verified
yet, in the current company (the banner on its form and the payments behind it)."""

from odoo import _, api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_overpaid_currency_id = fields.Many2one("res.currency", compute="_compute_collection_overpaid_unverified")
    collection_overpaid_unverified_amount = fields.Monetary(
        string="Unverified Overpayments",
        currency_field="collection_overpaid_currency_id",
        compute="_compute_collection_overpaid_unverified",
        help="Received from this client above what it owed, in the current company, and neither "
        "matched with a bank statement line nor approved for a refund by a collections manager: "
        "refunds to this client are refused until it is.",
    )
    collection_overpaid_unverified_count = fields.Integer(
        string="Unverified Overpayment Payments", compute="_compute_collection_overpaid_unverified"
    )

    @api.depends_context("company")
    def _compute_collection_overpaid_unverified(self):
        company = self.env.company
        self.collection_overpaid_currency_id = company.currency_id
        self.collection_overpaid_unverified_amount = 0.0
        self.collection_overpaid_unverified_count = 0
        partners = self.filtered("id")
        if not partners:
            return
        Payment = self.env["account.payment"].sudo()
        rows = Payment._read_group(
            [*Payment._collection_overpayment_domain(partners, company), ("collection_overpaid_unverified", "=", True)],
            ["partner_id"],
            ["collection_overpaid_amount_company:sum", "__count"],
        )
        totals = {}
        for partner, amount, count in rows:
            commercial = partner.commercial_partner_id
            previous = totals.get(commercial, (0.0, 0))
            totals[commercial] = (previous[0] + amount, previous[1] + count)
        for partner in partners:
            amount, count = totals.get(partner.commercial_partner_id, (0.0, 0))
            partner.collection_overpaid_unverified_amount = company.currency_id.round(amount)
            partner.collection_overpaid_unverified_count = count

    def action_view_collection_unverified_overpayments(self):
        self.ensure_one()
        Payment = self.env["account.payment"]
        payments = Payment.search(
            [
                *Payment._collection_overpayment_domain(self, self.env.company),
                ("collection_overpaid_unverified", "=", True),
            ]
        )
        return self._collection_overpayments_action(payments)

    @api.model
    def _collection_overpayments_action(self, payments):
        """The payments list on PAYMENTS (the customer payments' action of Odoo)."""
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_account_payments")
        action.update(
            {
                "name": _("Unverified Overpayments"),
                "domain": [("id", "in", payments.ids)],
                "context": {"default_payment_type": "inbound", "default_partner_type": "customer"},
            }
        )
        if len(payments) == 1:
            action.update({"views": [(False, "form")], "view_mode": "form", "res_id": payments.id})
        return action
