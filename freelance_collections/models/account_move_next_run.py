"""When each open invoice next needs the daily run, so that a quiet day costs a few queries.

``account.move.collection_next_run_date`` is emptied whenever a fact of the invoice changes (a
payment, a credit note, a dispute, a pause, a payment plan, its policy or the policy's settings):
an empty date means "look at it at the next run". After the run has handled an invoice it stores
the earliest date on which time alone can change something (see ``policy/wakeup.py``); an action
that had to wait (quiet day, throttle, confirmation) or failed brings it back the next day. The run
picks the invoices whose date is empty or has come, with one indexed query.
"""

from datetime import date, timedelta

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from ..policy import wakeup
from .account_move import OPEN_PAYMENT_STATES

# Nothing will happen with time alone (paid, disputed, no stage ahead): only a change of facts
# brings the invoice back.
NEVER = date(9999, 12, 31)


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_next_run_date = fields.Date(
        string="Next Collections Check",
        compute="_compute_collection_next_run_date",
        store=True,
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Technical: the day the daily run looks at this invoice again; empty when its facts "
        "changed since the last run.",
    )

    def _auto_init(self):
        # Installed on a book with many entries: the column starts empty ("look at it at the next
        # run"), which is what the compute would write, so Odoo need not compute it for every entry.
        if not column_exists(self.env.cr, "account_move", "collection_next_run_date"):
            create_column(self.env.cr, "account_move", "collection_next_run_date", "date")
        return super()._auto_init()

    @api.depends(
        "state",
        "payment_state",
        "amount_residual",
        "invoice_date",
        "collection_due_date",
        "collection_policy_id",
        "collection_dispute",
        "collection_plan_id",
        "collection_pause_days",
        "collection_paused_stage_id",
        "collection_penalties_waived",
        "commercial_partner_id.collection_pause_until",
        "line_ids.collection_penalty_origin_id.payment_state",
    )
    def _compute_collection_next_run_date(self):
        self.collection_next_run_date = False

    @api.model
    def _collection_due_domain(self, today):
        return ["|", ("collection_next_run_date", "=", False), ("collection_next_run_date", "<=", today)]

    def _collection_next_run_dates(self, today, retry_ids=()):
        """{move id: the next day the run must look at it} for these invoices, as they are now
        (after the run handled them). RETRY_IDS: invoices with an action that waited or failed."""
        tomorrow = today + timedelta(days=1)
        result = {}
        penalty_moves = self._collection_penalty_candidates()
        debts = penalty_moves._collection_installment_debts()
        fee_dates = penalty_moves._collection_next_fee_dates(today)
        pending = {
            move.id
            for move, value in penalty_moves._collection_penalty_breakdowns(today).items()
            if not isinstance(value, str) and value.to_charge > 0
        }  # accrued, held for a moment
        repeat_dates = self._collection_next_repeat_dates(today)
        autopay_dates = self._collection_autopay_next_dates(today)  # notice, charge and retry days
        ladders, rules = {}, {}
        for move in self:
            policy = move.collection_policy_id
            if move.id in retry_ids:
                result[move.id] = tomorrow
                continue
            if not policy or not move._is_collection_open():
                result[move.id] = NEVER
                continue
            dates = []
            until = move._collection_pause_until()
            if until and until >= today:
                dates.append(until + timedelta(days=1))
            if move.collection_due_date:
                if policy.id not in ladders:
                    ladders[policy.id] = policy._get_stage_rules()
                dates.append(wakeup.next_stage_date(ladders[policy.id], move._collection_stage_facts(today), today))
            if move in penalty_moves:
                if policy.id not in rules:
                    rules[policy.id] = policy._get_penalty_rules()
                # fees grow on the penalty dates, and are invoiced on the next moment after them
                grows = wakeup.next_penalty_date(rules[policy.id], debts.get(move.id, []), today)
                invoiced = fee_dates.get(move.id)
                if move.id in pending:
                    dates.append(invoiced)
                else:
                    dates.append(max(grows, invoiced) if grows and invoiced else None)
            dates.append(repeat_dates.get(move.id))
            dates.append(autopay_dates.get(move.id))
            if move.invoice_date and move.payment_state in OPEN_PAYMENT_STATES and move._collection_uses_tiers():
                dates.append(
                    wakeup.next_discount_date(
                        policy._get_discount_tiers(), move.invoice_date, today, policy.discount_nudge_days
                    )
                )
            result[move.id] = wakeup.earliest(*dates) or NEVER
        return result

    def _collection_store_next_run_dates(self, dates):
        """Store {move id: date} in one query (the run's own bookkeeping: no recompute is triggered)."""
        if not dates:
            return
        self.env.flush_all()
        ids = list(dates)
        self.env.cr.execute(
            SQL(
                """
            UPDATE account_move AS move
               SET collection_next_run_date = due.day
              FROM unnest(%s::int[], %s::date[]) AS due(id, day)
             WHERE move.id = due.id
            """,
                ids,
                [dates[move_id] for move_id in ids],
            )
        )
        self.browse(ids).invalidate_recordset(["collection_next_run_date"])
