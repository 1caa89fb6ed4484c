"""Deposit suggestion on quotations from the client's payer score.

A quotation shows the client's payer grade (from its history in the order's company, see
``freelance_collections/policy/scoring.py``) and the deposit share that grade suggests: A 0 %,
B 20 %, C 30 %, D 40 %, E 50 % (``scoring.DEPOSIT_BY_GRADE``). When the policy says so
(*Deposit From Payer Score*), the proposed deposit schedule follows the suggestion: the schedule
whose upfront share (its first installment) is the smallest one covering the suggested share,
"no deposit" for a grade A client, the largest schedule when none covers it; a client without
history keeps the policy's schedule. The schedule stays editable.
"""

from odoo import api, fields, models

from odoo.addons.freelance_collections.policy import scoring


class SaleOrder(models.Model):
    _inherit = "sale.order"

    collection_payer_grade = fields.Selection(
        [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E")],
        string="Payer Grade",
        compute="_compute_collection_payer_score",
        help="The client's payer grade in the order's company (last 24 months). Empty without history.",
    )
    collection_payer_score = fields.Integer(string="Payer Score", compute="_compute_collection_payer_score")
    collection_suggested_deposit = fields.Float(
        string="Suggested Deposit (%)",
        digits=(5, 2),
        compute="_compute_collection_payer_score",
        help="Upfront share suggested by the client's payer grade: A 0%, B 20%, C 30%, D 40%, E 50%.",
    )

    @api.depends("partner_id", "company_id")
    def _compute_collection_payer_score(self):
        for company, orders in self.grouped(lambda o: o.company_id or self.env.company).items():
            # one scoring query per company for all the orders' clients (non-stored, batched compute)
            clients = orders.partner_id.commercial_partner_id.with_company(company)
            clients.mapped("collection_payer_grade")
            for order in orders:
                client = order.partner_id.commercial_partner_id.with_company(company)
                suggested = scoring.suggested_deposit(client.collection_payer_grade)
                order.collection_payer_grade = client.collection_payer_grade
                order.collection_payer_score = client.collection_payer_score
                order.collection_suggested_deposit = float(suggested) if suggested is not None else 0.0

    def _collection_apply_score_to_deposit_templates(self):
        """Hook of ``_compute_collection_deposit_template_id`` (sale_order_deposit.py), called once the
        policies' schedules are set: where the policy says so, the schedule the payer score suggests."""
        candidates_by_company = {}
        for order in self:
            if order.state not in ("draft", "sent") or not order.partner_id:
                continue
            company = order.company_id or self.env.company
            client = order.partner_id.commercial_partner_id.with_company(company)
            policy = client._collection_effective_policy(company)
            if not policy.deposit_from_score:
                continue
            suggested = scoring.suggested_deposit(client.collection_payer_grade)
            if suggested is None:
                continue  # no history: the policy's schedule stands
            if company not in candidates_by_company:
                templates = self.env["collection.deposit.template"].search([("company_id", "in", [False, company.id])])
                candidates_by_company[company] = templates
            templates = candidates_by_company[company]
            # the policy's own schedule first: it wins a tie
            ordered = policy.deposit_template_id.filtered(lambda t: t in templates) | templates  # noqa: B023 - the lambda is called at once, within the loop
            candidates = [(False, 0)] + [(t, t._collection_upfront_percent()) for t in ordered]
            order.collection_deposit_template_id = scoring.pick_schedule(suggested, candidates) or False
