from odoo import fields, models, tools
from odoo.tools import SQL

from .account_move import OPEN_PAYMENT_STATES


class CollectionOverduePartner(models.Model):
    """One row per client and company with overdue invoices: the dashboard's kanban by stage.

    The stage is the worst stage (furthest along the ladder) of the client's open invoices in that
    company, so a client invoiced by two companies sits at each company's own stage. Built in one
    query from the stored invoice stages and receivable lines: no computation per client.
    """

    _name = "collection.overdue.partner"
    _description = "Overdue Client"
    _auto = False
    _rec_name = "partner_id"
    _order = "days_late desc, amount_overdue desc, id"
    _depends = {
        "account.move": [
            "commercial_partner_id",
            "move_type",
            "state",
            "payment_state",
            "collection_stage_id",
            "company_id",
        ],
        "account.move.line": [
            "move_id",
            "company_id",
            "account_id",
            "parent_state",
            "amount_residual",
            "reconciled",
            "date_maturity",
        ],
        "account.account": ["account_type"],
        "collection.stage": ["days", "severity"],
        "res.company": ["currency_id"],
        "res.partner": ["collection_work_stop"],
    }

    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    stage_id = fields.Many2one("collection.stage", string="Collection Stage", readonly=True)
    stage_severity = fields.Selection(
        selection=lambda self: self.env["collection.stage"]._fields["severity"].selection,
        string="Severity",
        readonly=True,
    )
    # a column of the view, not a related field: a related field would put this report in the ORM's
    # trigger trees of every accounting field (see docs/benchmark.md, "trigger trees")
    work_stop = fields.Boolean(string="Work Stopped", readonly=True)
    # read when shown, without dependencies for the same reason
    work_stop_hold = fields.Char(
        string="Work Stop Held",
        compute="_compute_work_stop_hold",
        help="Why work goes on though an invoice of the client is at a work-stop stage (a dispute, a pause "
        "of the client, a payment plan holds its escalation).",
    )
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    amount_overdue = fields.Monetary(
        string="Overdue Amount",
        readonly=True,
        help="What the client's posted invoices still owe past their due dates, in the company currency.",
    )
    invoice_count = fields.Integer(string="Overdue Invoices", readonly=True)
    oldest_due_date = fields.Date(readonly=True, aggregator="min")
    days_late = fields.Integer(
        readonly=True,
        aggregator="max",
        help="Days since the due date of the client's oldest unpaid installment.",
    )

    def _compute_work_stop_hold(self):
        self.partner_id.mapped("collection_work_stop_hold")  # computed for all the clients at once
        for line in self:
            line.work_stop_hold = line.partner_id.collection_work_stop_hold

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(table)s AS (
                WITH overdue AS (
                    SELECT MIN(line.id) AS id,
                           line.company_id AS company_id,
                           move.commercial_partner_id AS partner_id,
                           SUM(line.amount_residual) AS amount_overdue,
                           COUNT(DISTINCT line.move_id) AS invoice_count,
                           MIN(line.date_maturity) AS oldest_due_date
                      FROM account_move_line line
                      JOIN account_move move ON move.id = line.move_id
                      JOIN account_account account ON account.id = line.account_id
                     WHERE account.account_type = 'asset_receivable'
                       AND line.parent_state = 'posted'
                       AND line.reconciled IS NOT TRUE
                       AND line.amount_residual > 0
                       AND line.date_maturity < CURRENT_DATE
                       AND move.move_type = 'out_invoice'
                  GROUP BY line.company_id, move.commercial_partner_id
                ),
                worst AS (
                    SELECT DISTINCT ON (move.company_id, move.commercial_partner_id)
                           move.company_id AS company_id,
                           move.commercial_partner_id AS partner_id,
                           move.collection_stage_id AS stage_id,
                           stage.severity AS stage_severity
                      FROM account_move move
                      JOIN collection_stage stage ON stage.id = move.collection_stage_id
                     WHERE move.move_type = 'out_invoice'
                       AND move.state = 'posted'
                       AND move.payment_state IN %(open_states)s
                  ORDER BY move.company_id, move.commercial_partner_id, stage.days DESC, stage.id DESC
                )
                SELECT overdue.id AS id,
                       overdue.company_id AS company_id,
                       overdue.partner_id AS partner_id,
                       worst.stage_id AS stage_id,
                       worst.stage_severity AS stage_severity,
                       client.collection_work_stop IS TRUE AS work_stop,
                       company.currency_id AS currency_id,
                       overdue.amount_overdue AS amount_overdue,
                       overdue.invoice_count AS invoice_count,
                       overdue.oldest_due_date AS oldest_due_date,
                       CURRENT_DATE - overdue.oldest_due_date AS days_late
                  FROM overdue
                  JOIN res_company company ON company.id = overdue.company_id
                  JOIN res_partner client ON client.id = overdue.partner_id
             LEFT JOIN worst ON worst.company_id = overdue.company_id
                            AND worst.partner_id = overdue.partner_id
            )
            """,
                table=SQL.identifier(self._table),
                open_states=OPEN_PAYMENT_STATES,
            )
        )

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_open_overdue_invoices(self):
        self.ensure_one()
        return self.partner_id.with_company(self.company_id).action_view_collection_overdue_invoices()
