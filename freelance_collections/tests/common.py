from odoo import Command, fields
from odoo.tools import SQL

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class CollectionsCommon(AccountTestInvoicingCommon):
    """Accounting fixtures plus a small collection policy with a four-step ladder."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template_friendly = cls.env.ref("freelance_collections.mail_template_friendly")
        cls.template_firm = cls.env.ref("freelance_collections.mail_template_firm")
        cls.policy = cls.env["collection.policy"].create(cls._policy_vals("Test policy"))
        cls.stage_pre, cls.stage_friendly, cls.stage_firm, cls.stage_stop = cls.policy.stage_ids.sorted("days")
        cls.env.company.collection_policy_id = cls.policy
        cls.client = cls.env["res.partner"].create(
            {"name": "Client Co", "is_company": True, "email": "client@example.com"}
        )
        cls.client_contact = cls.env["res.partner"].create(
            {
                "name": "Client Accountant",
                "parent_id": cls.client.id,
                "type": "invoice",
                "email": "accounts@client.example.com",
            }
        )

    @classmethod
    def _policy_vals(cls, name, **extra):
        vals = {
            "name": name,
            "stage_ids": [
                Command.create(
                    {"name": "Courtesy", "days": -3, "action_email": True, "mail_template_id": cls.template_friendly.id}
                ),
                Command.create(
                    {"name": "Friendly", "days": 1, "action_email": True, "mail_template_id": cls.template_friendly.id}
                ),
                Command.create(
                    {
                        "name": "Firm",
                        "days": 15,
                        "action_email": True,
                        "mail_template_id": cls.template_firm.id,
                        "severity": "warning",
                    }
                ),
                Command.create({"name": "Work stop", "days": 30, "action_work_stop": True, "severity": "danger"}),
            ],
        }
        vals.update(extra)
        return vals

    @classmethod
    def _invoice(
        cls,
        amount=1000.0,
        invoice_date="2026-01-01",
        due_date="2026-01-31",
        partner=None,
        post=True,
        currency=None,
        company=None,
        **extra,
    ):
        company = company or cls.env.company
        vals = {
            "move_type": "out_invoice",
            "partner_id": (partner or cls.client).id,
            "invoice_date": invoice_date,
            "invoice_date_due": due_date,
            "company_id": company.id,
            "invoice_line_ids": [Command.create({"name": "Work", "quantity": 1, "price_unit": amount, "tax_ids": []})],
        }
        if currency:
            vals["currency_id"] = currency.id
        vals.update(extra)
        move = cls.env["account.move"].with_company(company).create(vals)
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, moves, amount=None, date=None):
        vals = {"payment_date": date or fields.Date.context_today(moves)}
        if amount is not None:
            vals["amount"] = amount
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create(vals)
            ._create_payments()
        )

    @classmethod
    def _leave_out_existing_book(cls):
        """Take the invoices already in the database (demo data) out of the collections run: tests that
        count what a whole run looks at or does see only their own invoices. Rolled back with the test."""
        cls.env["account.move"].flush_model()
        # the stage too: the run looks again at the staged invoices of clients with open credits (19.0's
        # demo book has some), and would count those it takes off their ladder
        cls.env.cr.execute(
            SQL(
                "UPDATE account_move SET collection_policy_id = NULL, collection_stage_id = NULL "
                "WHERE collection_policy_id IS NOT NULL OR collection_stage_id IS NOT NULL"
            )
        )
        cls.env["account.move"].invalidate_model(["collection_policy_id", "collection_stage_id"])
