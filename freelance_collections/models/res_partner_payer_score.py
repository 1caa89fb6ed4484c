"""The client's payer score (policy/scoring.py): its payment history in the current company over the
last scoring.WINDOW_MONTHS months, computed for all the partners at once in one aggregate query."""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..policy import scoring
from ..policy.money import to_decimal


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_payer_score = fields.Integer(
        string="Payer Score",
        compute="_compute_collection_payer_score",
        help="0-100 from the client's payment history in this company over the last 24 months: "
        "70% punctuality (1 / (1 + weighted days late / 45)) and 30% share of invoices paid on time. "
        "Empty without history.",
    )
    collection_payer_grade = fields.Selection(
        [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E")],
        string="Payer Grade",
        compute="_compute_collection_payer_score",
        help="A (85+), B (70+), C (55+), D (40+), E (below 40). Empty without history.",
    )
    collection_payer_invoice_count = fields.Integer(
        string="Invoices Scored",
        compute="_compute_collection_payer_score",
        help="Customer invoices of the last 24 months (late fees excluded) with at least one "
        "installment due or fully paid.",
    )
    collection_payer_on_time_rate = fields.Float(
        string="Paid On Time (%)",
        digits=(16, 1),
        compute="_compute_collection_payer_score",
        help="Share of the invoices scored whose installments were all fully paid (payments or "
        "credit notes) by their due dates.",
    )
    collection_payer_paid_days_late = fields.Float(
        string="Days Late When Paid",
        digits=(16, 1),
        compute="_compute_collection_payer_score",
        help="Average days between due date and payment of the money paid, weighted by amount: each "
        "payment or credit note counts from its installment's due date to its own date.",
    )
    collection_payer_days_late = fields.Float(
        string="Days Late (with Overdue)",
        digits=(16, 1),
        compute="_compute_collection_payer_score",
        help="As Days Late When Paid, with the money still overdue counted up to today: "
        "the lateness the score uses.",
    )
    collection_payer_invoiced = fields.Monetary(
        string="Invoiced (Scored)",
        compute="_compute_collection_payer_score",
        currency_field="collection_payer_currency_id",
    )
    collection_payer_paid = fields.Monetary(
        string="Paid (Scored)",
        compute="_compute_collection_payer_score",
        currency_field="collection_payer_currency_id",
        help="Paid through payments and credit notes, on the invoices scored.",
    )
    collection_payer_currency_id = fields.Many2one("res.currency", compute="_compute_collection_payer_score")

    @api.depends_context("company")
    def _compute_collection_payer_score(self):
        """Score every partner of SELF from one aggregate query (see policy/scoring.py)."""
        histories = self._collection_payer_histories()
        currency = self.env.company.currency_id
        for partner in self:
            partner.collection_payer_currency_id = currency
            history = histories.get(partner.commercial_partner_id.id, scoring.PayerHistory())
            score = scoring.payer_score(history)
            partner.collection_payer_score = score or 0
            partner.collection_payer_grade = scoring.grade(score) or False
            partner.collection_payer_invoice_count = history.invoice_count
            share = history.on_time_share
            partner.collection_payer_on_time_rate = float(share * 100) if share is not None else 0.0
            partner.collection_payer_paid_days_late = float(history.paid_days_late or 0)
            partner.collection_payer_days_late = float(history.days_late or 0)
            partner.collection_payer_invoiced = float(history.invoiced)
            partner.collection_payer_paid = float(history.paid)

    def _collection_payer_window_start(self):
        today = fields.Date.context_today(self)
        return today - relativedelta(months=scoring.WINDOW_MONTHS)

    def _collection_payer_histories(self):
        """{commercial partner id: scoring.PayerHistory} for SELF in the current company, one query.

        Per receivable line (installment) of the posted customer invoices dated within the window
        (late fees excluded): what reconciled it (payments and credit notes, account.partial.reconcile
        whose debit side is the installment: amount in company currency and max_date, the later of
        both entries' dates, i.e. when that money arrived), weighted by days late; the rest still due
        counts up to today once the installment is overdue. Then per invoice, then per client.
        """
        commercial_ids = self.commercial_partner_id.ids
        if not commercial_ids:
            return {}
        self.env["account.move"].flush_model(
            [
                "commercial_partner_id",
                "company_id",
                "move_type",
                "state",
                "invoice_date",
                "collection_fee_invoice",
            ]
        )
        self.env["account.move.line"].flush_model(
            ["move_id", "display_type", "date_maturity", "balance", "amount_residual", "reconciled"]
        )
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "amount", "max_date"])
        today = fields.Date.context_today(self)
        rows = self.env.execute_query_dict(
            SQL(
                """
            WITH installment AS (
                SELECT m.id AS move_id, m.commercial_partner_id AS partner_id, l.id AS line_id,
                       l.date_maturity, l.balance, l.amount_residual, l.reconciled,
                       (l.reconciled OR l.date_maturity < %(today)s) AS considered
                  FROM account_move m
                  JOIN account_move_line l ON l.move_id = m.id AND l.display_type = 'payment_term'
                 WHERE m.commercial_partner_id = ANY(%(partners)s)
                   AND m.company_id = %(company)s
                   AND m.move_type = 'out_invoice'
                   AND m.state = 'posted'
                   AND m.collection_fee_invoice IS NOT TRUE
                   AND m.invoice_date >= %(since)s
                   AND l.balance > 0
            ),
            settled AS (
                SELECT i.line_id,
                       SUM(apr.amount) AS amount,
                       SUM(apr.amount * GREATEST(apr.max_date - i.date_maturity, 0)) AS amount_days,
                       MAX(apr.max_date) AS last_date
                  FROM installment i
                  JOIN account_partial_reconcile apr ON apr.debit_move_id = i.line_id
                 WHERE i.considered
              GROUP BY i.line_id
            ),
            invoice AS (
                SELECT i.move_id, i.partner_id,
                       SUM(i.balance) AS invoiced,
                       SUM(i.balance - i.amount_residual) AS paid,
                       SUM(COALESCE(s.amount, 0)) AS settled,
                       SUM(COALESCE(s.amount_days, 0)) AS settled_days,
                       SUM(CASE WHEN i.considered AND NOT i.reconciled THEN i.amount_residual ELSE 0 END)
                           AS overdue,
                       SUM(CASE WHEN i.considered AND NOT i.reconciled
                                THEN i.amount_residual * GREATEST(%(today)s - i.date_maturity, 0) ELSE 0 END)
                           AS overdue_days,
                       BOOL_AND(i.reconciled AND COALESCE(s.last_date <= i.date_maturity, TRUE))
                           FILTER (WHERE i.considered) AS on_time
                  FROM installment i
             LEFT JOIN settled s ON s.line_id = i.line_id
              GROUP BY i.move_id, i.partner_id
                HAVING BOOL_OR(i.considered)
            )
            SELECT partner_id, COUNT(*) AS invoice_count, COUNT(*) FILTER (WHERE on_time) AS on_time_count,
                   SUM(invoiced) AS invoiced, SUM(paid) AS paid, SUM(settled) AS settled,
                   SUM(settled_days) AS settled_days, SUM(overdue) AS overdue,
                   SUM(overdue_days) AS overdue_days
              FROM invoice
          GROUP BY partner_id
            """,
                partners=commercial_ids,
                company=self.env.company.id,
                today=today,
                since=self._collection_payer_window_start(),
            )
        )
        return {
            row.pop("partner_id"): scoring.PayerHistory(
                invoice_count=row.pop("invoice_count"),
                on_time_count=row.pop("on_time_count"),
                **{key: to_decimal(value or 0) for key, value in row.items()},
            )
            for row in rows
        }

    def action_view_collection_payer_invoices(self):
        """The invoices the payer score considers (the window, late fees excluded)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("company_id", "=", self.env.company.id),
            ("collection_fee_invoice", "=", False),
            ("invoice_date", ">=", self._collection_payer_window_start()),
        ]
        action["context"] = {"create": False}
        action["name"] = _("Invoices Scored")
        return action
