from odoo import fields, models, tools
from odoo.tools import SQL

AGING_BUCKETS = [
    # Keys sort in ladder order: grouped reports (pivot columns) list them oldest last.
    ("0_current", "Current"),
    ("1_30", "1-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("91_plus", "Over 90 days"),
]


class CollectionAgingReport(models.Model):
    """Open receivable lines of posted journal entries, aged from today: the dashboard's basis.

    One row per receivable line not fully reconciled (an invoice in installments has one per
    installment, so an installment falls in the bucket of its own due date): customer invoices,
    credit notes, payments and other entries on a receivable account. Amounts are the lines'
    ``amount_residual`` in the company currency: invoices positive; a credit note or a payment not yet
    matched with an invoice negative. The client is the commercial partner of the line's partner.
    The total is the dashboard's open receivables.
    """

    _name = "collection.aging.report"
    _description = "Receivables Aging"
    _auto = False
    _rec_name = "move_id"
    _order = "date_maturity, id"
    _depends = {
        "account.account": ["account_type"],
        "account.move": ["commercial_partner_id", "move_type", "invoice_date", "collection_stage_id"],
        "res.partner": ["commercial_partner_id"],
        "account.move.line": [
            "move_id",
            "company_id",
            "account_id",
            "partner_id",
            "parent_state",
            "amount_residual",
            "amount_residual_currency",
            "reconciled",
            "date_maturity",
            "date",
            "currency_id",
            "company_currency_id",
        ],
    }

    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    move_type = fields.Selection(
        [
            ("out_invoice", "Customer Invoice"),
            ("out_refund", "Customer Credit Note"),
            ("entry", "Payment or Other Entry"),
        ],
        string="Type",
        readonly=True,
    )
    invoice_date = fields.Date(readonly=True)
    stage_id = fields.Many2one("collection.stage", string="Collection Stage", readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(
        readonly=True,
        aggregator="max",
        help="Days since the due date, as of today (0 when not yet due).",
    )
    bucket = fields.Selection(AGING_BUCKETS, string="Aging", readonly=True)
    company_currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Invoice Currency", readonly=True)
    amount_residual = fields.Monetary(
        string="Amount Due",
        currency_field="company_currency_id",
        readonly=True,
        help="Still to be paid, in the company currency.",
    )
    amount_residual_currency = fields.Monetary(
        string="Amount Due in Invoice Currency", currency_field="currency_id", readonly=True, aggregator=None
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(table)s AS (
                SELECT line.id AS id,
                       line.company_id AS company_id,
                       COALESCE(partner.commercial_partner_id, move.commercial_partner_id) AS partner_id,
                       line.move_id AS move_id,
                       CASE WHEN move.move_type IN ('out_invoice', 'out_refund') THEN move.move_type
                            ELSE 'entry' END AS move_type,
                       move.invoice_date AS invoice_date,
                       move.collection_stage_id AS stage_id,
                       line.date_maturity AS date_maturity,
                       GREATEST(CURRENT_DATE - COALESCE(line.date_maturity, line.date), 0) AS days_overdue,
                       CASE
                           WHEN COALESCE(line.date_maturity, line.date) >= CURRENT_DATE THEN '0_current'
                           WHEN CURRENT_DATE - COALESCE(line.date_maturity, line.date) <= 30 THEN '1_30'
                           WHEN CURRENT_DATE - COALESCE(line.date_maturity, line.date) <= 60 THEN '31_60'
                           WHEN CURRENT_DATE - COALESCE(line.date_maturity, line.date) <= 90 THEN '61_90'
                           ELSE '91_plus'
                       END AS bucket,
                       line.company_currency_id AS company_currency_id,
                       line.currency_id AS currency_id,
                       line.amount_residual AS amount_residual,
                       line.amount_residual_currency AS amount_residual_currency
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                  JOIN account_account account ON account.id = line.account_id
             LEFT JOIN res_partner partner ON partner.id = line.partner_id
                 WHERE account.account_type = 'asset_receivable'
                   AND line.parent_state = 'posted'
                   AND line.amount_residual != 0
                   AND line.reconciled IS NOT TRUE
            )
            """,
                table=SQL.identifier(self._table),
            )
        )
