"""Demo data that records cannot express: clients at every stage of the ladder, as of the install day."""

from datetime import timedelta

from odoo import Command, api, fields, models


class CollectionDemo(models.AbstractModel):
    _name = "collection.demo"
    _description = "Collections Demo Data"

    @api.model
    def _create_demo_data(self):
        """Demo: a freelancer whose clients sit at every stage of the ladder (demo data only)."""
        company = self.env.ref("base.main_company")
        policy = self.env.ref("freelance_collections.policy_freelancer_standard")
        company.collection_policy_id = policy
        # the activities (phone calls, confirmations) go to the owner, not to OdooBot (the user who
        # installs the demo)
        owner = self.env.ref("base.user_admin")
        company.collection_responsible_id = owner
        today = fields.Date.context_today(self)
        journal = self.env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
        if not journal:
            return
        product = self.env["product.product"].create(
            {"name": "Design and development (demo)", "type": "service", "list_price": 1000.0}
        )
        half_half = self.env.ref("freelance_collections.deposit_template_50_50")
        # (client name, days late today, amount, extra invoice values)
        scenarios = [
            ("Punctual Studio (demo)", -20, 1200.0, {}),
            ("Due Soon Agency (demo)", -2, 800.0, {}),
            ("Ten Days Late Ltd (demo)", 10, 1500.0, {}),
            ("Forty Days Late SARL (demo)", 40, 2400.0, {}),
            ("Seventy Days Late GmbH (demo)", 70, 3600.0, {}),
            ("Hundred Days Late Inc (demo)", 100, 5000.0, {}),
            ("Disputing Corp (demo)", 40, 1800.0, {}),
            ("Valued Client Co (demo)", 20, 900.0, {}),
            ("Deposit Client BV (demo)", -20, 4000.0, {"collection_deposit_template_id": half_half.id}),
            ("Credited Client Oy (demo)", 40, 1100.0, {}),
        ]
        for name, late, amount, extra in scenarios:
            partner = self.env["res.partner"].create({"name": name, "is_company": True, "email": "billing@example.com"})
            due = today - timedelta(days=late)
            invoice_date = due - timedelta(days=30)
            vals = {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "journal_id": journal.id,
                "company_id": company.id,
                "invoice_user_id": owner.id,  # the salesperson the portal shows, not OdooBot
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_line_ids": [Command.create({"product_id": product.id, "price_unit": amount, "tax_ids": []})],
            }
            if extra.get("collection_deposit_template_id"):
                vals["invoice_date"] = today - timedelta(days=10)  # deposit due on issue, paid 8 days ago
            vals.update(extra)
            invoice = self.env["account.move"].with_company(company).create(vals)
            invoice.action_post()
            if name.startswith("Punctual"):
                self.env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=invoice.ids
                ).create({"payment_date": invoice_date + timedelta(days=5)})._create_payments()
            elif name.startswith("Deposit"):
                self.env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=invoice.ids
                ).create({"payment_date": today - timedelta(days=8), "amount": amount / 2})._create_payments()
            elif name.startswith("Disputing"):
                invoice.write(
                    {
                        "collection_dispute": True,
                        "collection_dispute_reason": "Deliverable not accepted yet",
                        "collection_dispute_review_date": today + timedelta(days=14),
                    }
                )
            elif name.startswith("Valued"):
                partner.with_company(company).write(  # the pause is per company
                    {
                        "collection_pause_until": today + timedelta(days=30),
                        "collection_pause_reason": "Long-standing client, agreed to wait",
                    }
                )
            elif name.startswith("Credited"):
                # a credit note nobody matched with the invoice yet: the client owes nothing net
                refund = (
                    self.env["account.move"]
                    .with_company(company)
                    .create(
                        {
                            "move_type": "out_refund",
                            "partner_id": partner.id,
                            "journal_id": journal.id,
                            "company_id": company.id,
                            "invoice_date": due + timedelta(days=5),
                            "invoice_line_ids": [
                                Command.create({"product_id": product.id, "price_unit": amount, "tax_ids": []})
                            ],
                        }
                    )
                )
                refund.action_post()
                invoice._collection_refresh_stages()  # what it owes net, as the run would see it tonight
