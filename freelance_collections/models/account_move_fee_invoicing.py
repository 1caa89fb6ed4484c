"""Late fees invoiced at the policy's moments, not every day (policy/fee_invoicing.py decides).

Fees accrue every day and are shown as accrued, not yet invoiced (``collection_fee_accrued``); a
late-fee invoice is issued when the invoice is at a stage that invoices fees and the policy's
interval since the last one has passed, and once more when the overdue invoice is paid (the fees up
to the payment date; then ``collection_fee_settled`` and nothing more). A late-fee invoice has no
stage of its own while its overdue invoice is open: it is reminded with it (listed under it in the
client's reminders and statement); once the overdue invoice is paid, an unpaid late-fee invoice
climbs the ladder from its own due date like any invoice.
"""

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from ..policy import fee_invoicing
from .account_move import PAID_STATES


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_fee_settled = fields.Boolean(
        string="Late Fees Settled",
        copy=False,
        readonly=True,
        help="The invoice was paid and the fees up to the payment date were invoiced: no more accrue.",
    )

    def _auto_init(self):
        # Installed on a book with paid invoices: those are settled (nothing is invoiced on them).
        if not column_exists(self.env.cr, "account_move", "collection_fee_settled"):
            create_column(self.env.cr, "account_move", "collection_fee_settled", "boolean")
            self.env.cr.execute(
                SQL("UPDATE account_move SET collection_fee_settled = (payment_state IN %s)", PAID_STATES)
            )
        return super()._auto_init()

    @api.model
    def _collection_settling_invoice_ids(self, company):
        """Ids of COMPANY's invoices paid since the last run whose fees up to the payment were not
        invoiced yet (the run looks at them once more)."""
        return self.search(
            [
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", PAID_STATES),
                ("collection_fee_settled", "=", False),
                ("collection_policy_id", "!=", False),
                ("collection_fee_invoice", "=", False),
            ],
            order="commercial_partner_id, id",
        ).ids

    def _collection_last_fee_dates(self):
        """{move id: date of its last late-fee invoice} (posted ones, from their lines: one query)."""
        if not self:
            return {}
        self.env["account.move.line"].flush_model(["collection_penalty_origin_id", "move_id"])
        self.env["account.move"].flush_model(["state", "move_type", "invoice_date"])
        rows = self.env.execute_query(
            SQL(
                """
            SELECT line.collection_penalty_origin_id, MAX(fee.invoice_date)
              FROM account_move_line line
              JOIN account_move fee ON fee.id = line.move_id
             WHERE line.collection_penalty_origin_id = ANY(%s)
               AND fee.state = 'posted'
               AND fee.move_type = 'out_invoice'
          GROUP BY line.collection_penalty_origin_id
                """,
                self.ids,
            )
        )
        return dict(rows)

    def _collection_fee_moments(self, today, stage_by_move=None):
        """The ids of these invoices whose accrued fees may be invoiced TODAY (at the stages of
        STAGE_BY_MOVE, {move id: stage}, when given: the dry run's; else at their stages)."""
        last = self._collection_last_fee_dates()
        stages = stage_by_move or {}
        result = set()
        for move in self:
            stage = stages.get(move.id, move.collection_stage_id)
            if fee_invoicing.fee_invoice_due(
                today,
                paid=move.payment_state in PAID_STATES,
                stage_invoices_fees=bool(stage) and stage._collection_invoices_fees(),
                last_fee_date=last.get(move.id),
                interval_days=move.collection_policy_id.fee_invoice_interval_days,
            ):
                result.add(move.id)
        return result

    def _collection_next_fee_dates(self, today):
        """{move id: the next day its fees may be invoiced, or None}."""
        last = self._collection_last_fee_dates()
        return {
            move.id: fee_invoicing.next_fee_invoice_date(
                today,
                stage_invoices_fees=bool(move.collection_stage_id)
                and move.collection_stage_id._collection_invoices_fees(),
                last_fee_date=last.get(move.id),
                interval_days=move.collection_policy_id.fee_invoice_interval_days,
            )
            for move in self
        }
