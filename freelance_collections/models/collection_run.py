"""The daily collections run, as a record users can see: when it ran, what it looked at, what it did.

One run at a time (a PostgreSQL advisory lock, released if the process dies). For every company it
checks the payment plans, then takes the invoices that need a look today (see
``account_move_next_run.py``) in batches that never split a client; each batch recomputes the
stages from facts, carries out the actions of the stages newly reached (``collection_run_actions.py``)
and books the late fees, in a savepoint, and is committed with the run's counts. Last, the
reminders' delivery is checked (``collection_run_delivery.py``). Every action is recorded once on the
action log under a unique key, in the transaction that takes it: a crashed or killed run loses
nothing and its rerun repeats nothing.

Under a server that kills long jobs (``limit_time_real_cron``, or ``limit_time_real`` for a run started
by hand), one call of the run is a *piece*: it takes batches while they fit in the time the server
leaves it, sized by the pace of the previous batch, then reports what is left (the cron job's
progress, ``compat.notify_cron_progress``) and asks the scheduler to call it again (``ir.cron._trigger``).
The next call continues the same run record; a piece the server killed anyway is counted as cut. See
docs/deployment.md.
"""

import logging
import time
from collections import Counter

from psycopg2 import errors

from odoo import _, api, fields, models
from odoo.tools import SQL, format_datetime

from ..policy.actions import ACTIONS
from ..tools import compat
from .mail_thread import shared_reminder_authors

_logger = logging.getLogger(__name__)

# Session-level PostgreSQL advisory lock: one collections run at a time, released if the process dies.
RUN_LOCK_KEY = 0x46434F4C  # "FCOL"
BATCH_SIZE = 1000


def _rank(code):
    """Where an action code comes in the registry (the order the run takes the actions)."""
    return next((rank for rank, action in enumerate(ACTIONS) if action.code == code), len(ACTIONS))


class CollectionRun(models.Model):
    _name = "collection.run"
    _description = "Collections Run"
    _inherit = [
        "collection.run.actions",
        "collection.run.autopay",
        "collection.run.delivery",
        "collection.run.pieces",
    ]
    _order = "start desc, id desc"
    _rec_name = "start"

    start = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    end = fields.Datetime(readonly=True)
    date = fields.Date(
        string="Run Date",
        required=True,
        readonly=True,
        default=fields.Date.context_today,
        help="The day the run worked for: stages, fees and reminders as of this day.",
    )
    state = fields.Selection(
        [
            ("running", "Running"),
            ("waiting", "Waiting"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("interrupted", "Interrupted"),
        ],
        required=True,
        readonly=True,
        default="running",
        help="Waiting: the piece of the run that the server's time limit allowed is done; the scheduler "
        "calls the next piece at once, which goes on where it stopped.\n"
        "Interrupted: a run of an earlier day that did not finish (killed, time limit); the next day's run "
        "looks at what it left, nothing done is done again.",
    )
    invoice_count = fields.Integer(string="Invoices Looked At", readonly=True)
    stage_change_count = fields.Integer(string="Stage Changes", readonly=True)
    action_counts = fields.Json(
        readonly=True, default=dict, help="Actions done, by action code ('email': 3, 'penalty': 1, ...)."
    )
    failed_count = fields.Integer(string="Failed Actions", compute="_compute_log_counts")
    summary = fields.Char(compute="_compute_summary")
    error = fields.Text(readonly=True)
    piece_count = fields.Integer(
        string="Pieces",
        readonly=True,
        help="The calls of the scheduler that worked on this run: more than one when the server's time "
        "limit is shorter than the run.",
    )
    cut_count = fields.Integer(
        string="Pieces Cut",
        readonly=True,
        help="Pieces that ended without finishing their work (the process was killed, by the server's time "
        "limit or otherwise): their last batch was rolled back and done again by the next piece.",
    )
    remaining_count = fields.Integer(string="Invoices Left", readonly=True)
    work_seconds = fields.Float(
        string="Work Time (s)", readonly=True, digits=(16, 1), help="Seconds spent on the batches, all pieces together."
    )
    pieces = fields.Json(
        string="Piece History",
        readonly=True,
        default=list,
        help="Technical: one entry per piece: start and last commit (epoch seconds), process id, invoices, "
        "how it ended (done, time, cut, failed).",
    )
    log_ids = fields.One2many("collection.action.log", "run_id", string="Actions", readonly=True)

    @property
    def actions(self):
        """The run's action counts: {action code: number done}, 0 for the others."""
        self.ensure_one()
        return Counter(self.action_counts or {})

    @api.depends("start")
    def _compute_display_name(self):
        for run in self:
            run.display_name = _("Run of %(start)s", start=format_datetime(self.env, run.start))

    def _compute_log_counts(self):
        groups = self.env["collection.action.log"]._read_group(
            [("run_id", "in", self.ids), ("state", "=", "failed")], ["run_id"], ["__count"]
        )
        failed = {run.id: count for run, count in groups}
        for run in self:
            run.failed_count = failed.get(run.id, 0)

    @api.depends("action_counts", "invoice_count", "stage_change_count", "piece_count", "cut_count")
    def _compute_summary(self):
        labels = dict(self.env["collection.action.log"]._fields["action"]._description_selection(self.env))
        labels["discount_tier"] = _("Discount tier ended")
        for run in self:
            counts = run.action_counts or {}
            done = ", ".join(f"{counts[code]} {labels.get(code, code)}" for code in sorted(counts, key=_rank))
            run.summary = _(
                "%(invoices)s invoices, %(changes)s stage changes: %(actions)s",
                invoices=run.invoice_count,
                changes=run.stage_change_count,
                actions=done or _("no action"),
            )
            if run.piece_count > 1:
                run.summary += " " + _(
                    "(in %(pieces)s pieces, %(cut)s cut short)", pieces=run.piece_count, cut=run.cut_count
                )

    # ------------------------------------------------------------------
    # ENTRY POINT
    # ------------------------------------------------------------------
    @api.model
    def _cron_run_collections(self, batch_size=BATCH_SIZE):
        """Run the ladder for every company as of today, then check the reminders' delivery; under a
        server time limit, the piece of it that fits (the scheduler is asked to call the next one).

        :param int batch_size: at most about how many invoices one committed batch holds (a client's
            invoices are never split).
        :return: the run record (done, or waiting for its next piece), or False when another run
            holds the lock.
        """
        cr = self.env.cr
        cr.execute(SQL("SELECT pg_try_advisory_lock(%s)", RUN_LOCK_KEY))
        if not cr.fetchone()[0]:
            _logger.info("Collections run skipped: another run is in progress.")
            self._collection_retry_later()
            return False
        try:
            return self._collection_run_piece(batch_size)
        finally:
            cr.execute(SQL("SELECT pg_advisory_unlock(%s)", RUN_LOCK_KEY))
            self._collection_call_ended()

    @api.model
    def _collection_run_piece(self, batch_size):
        """One piece of today's run, holding the lock: continue today's unfinished run or start one."""
        budget = self._collection_budget(batch_size)
        window = budget.window
        unfinished = self.sudo().search([("state", "in", ("running", "waiting"))])
        run = unfinished.filtered(lambda r: r.date == fields.Date.context_today(self))[:1]
        # we hold the lock: an unfinished run of an earlier day is over
        (unfinished - run).write({"state": "interrupted"})
        if run._collection_queued():
            return run  # its batches are in a job queue (see _collection_queued): its last job ends it
        if window.get("failed"):
            return False  # a piece failed in this call of the scheduler: no new run before the next one
        budget.pace = run._collection_pace() if run else None
        if run and not budget.may_start(run):
            # the scheduler calls again within the same time limit (or the server's clock for this call
            # started long ago), and nothing more fits: the next call, in a window of its own, goes on
            run._collection_hand_over()
            return run
        if run:
            run._collection_start_piece()
        else:
            run = self.sudo().create({"piece_count": 0})
            run._collection_start_piece()
            run._collection_requeue_refused_mails()
        run._collection_commit()
        emails = run._collection_email_count()
        try:
            finished = run._collection_process(batch_size, budget)
        except Exception as error:
            if not run._collection_auto_commit():
                raise
            self.env.cr.rollback()
            window["failed"] = True
            run._collection_end_piece("failed")
            run.write({"state": "failed", "end": fields.Datetime.now(), "error": str(error)})
            run._collection_commit()
            raise
        if finished:
            run._collection_end_piece("done")
            run.write({"state": "done", "end": fields.Datetime.now(), "remaining_count": 0})
            compat.notify_cron_progress(self.env, run.invoice_count, 0)
            _logger.info("Collections run: %s", run.summary)
        elif run._collection_queued():
            run._collection_end_piece("queued")
            _logger.info("Collections run %s: %s invoices handed to the job queue.", run.id, run.remaining_count)
        else:
            run._collection_end_piece("time")
            run.state = "waiting"
            run._collection_hand_over()
            _logger.info(
                "Collections run %s: piece %s stopped before the time limit, %s invoices left.",
                run.id,
                run.piece_count,
                run.remaining_count,
            )
        if run._collection_email_count() > emails:
            run._collection_wake_mail_queue()
        run._collection_commit()
        return run

    def _collection_process(self, batch_size, budget):
        """The run's work, this piece of it: each company's invoices, then the deliveries.

        :return: True when the run is complete, False when it stopped to keep within the time limit.
        """
        self.ensure_one()
        companies = self.env["res.company"].sudo().search([])
        due = self._collection_due_counts(companies)
        self._collection_set_remaining(sum(due.values()))
        for index, company in enumerate(companies):
            later = sum(due[other.id] for other in companies[index + 1 :])
            left = self.with_company(company)._collection_run_company(company, batch_size, budget, later)
            if left:
                return False
        if self._collection_queued():
            return False  # the batches run as jobs; the last one checks the deliveries
        if self.invoice_count and not budget.may_start(self, step_seconds=budget.limit and budget.limit * 0.2):
            self._collection_set_remaining(1)  # the delivery check is left for the next piece
            return False
        found = self._collection_check_deliveries()
        if found:
            self._collection_add_counts({"undeliverable": found})
        return True

    # ------------------------------------------------------------------
    # BATCHES
    # ------------------------------------------------------------------
    def _collection_company_invoice_ids(self, company):
        """Ids of COMPANY's invoices the run looks at today, by client: the open ones due for a look and
        the paid ones with their last late fees to invoice."""
        Move = self.env["account.move"].with_company(company)
        ids = Move._collection_open_invoice_ids(company, due_on=fields.Date.context_today(self))
        settling = Move._collection_settling_invoice_ids(company)  # paid: their last late fees
        # a credit note or payment posted for a client changes what it owes net, not the facts of its
        # invoices: those with a stage are looked at again while the client has open credits
        credited = Move._collection_credited_invoice_ids(company)
        if settling or credited:
            ids = Move.search([("id", "in", ids + settling + credited)], order="commercial_partner_id, id").ids
        if self.piece_count > 1 and ids:
            # a later piece looks at what the run looked at: not the late-fee invoices it booked itself
            # (nor other invoices created since it started: tomorrow's run sees them, as without pieces)
            newer = set(Move.search([("id", "in", ids), ("create_date", ">", self.create_date)]).ids)
            ids = [move_id for move_id in ids if move_id not in newer]
        return ids

    def _collection_due_counts(self, companies):
        """{company id: invoices the run looks at today} (what is left, for the progress report)."""
        return {company.id: len(self._collection_company_invoice_ids(company)) for company in companies}

    def _collection_run_company(self, company, batch_size, budget, later=0):
        """COMPANY's invoices in batches, each committed, while the time limit lets them fit.

        :param int later: the invoices of the companies after this one (for the progress report).
        :return: the number of COMPANY's invoices left for the next piece (0: all done).
        """
        Move = self.env["account.move"].with_company(company)
        today = fields.Date.context_today(self)
        self.env["collection.payment.plan"].with_company(company)._collection_check_plans(company, today)
        self._collection_run_autopay(company)  # charges first: a paid invoice needs no reminder
        ids = self._collection_company_invoice_ids(company)
        moves = Move.browse(ids)
        moves.fetch(["commercial_partner_id"])
        clients = [move.commercial_partner_id.id for move in moves]
        return self._collection_run_batches(company, ids, clients, budget, later)

    def _collection_run_batches(self, company, ids, clients, budget, later=0):
        """The batches of COMPANY's invoices IDS (CLIENTS: the client of each), each committed, while the
        time limit lets them fit. A hook: the queue_job bridge hands them to job workers instead.

        :return: the number of invoices left for the next piece (0: all done).
        """
        Move = self.env["account.move"].with_company(company)
        position = 0
        while position < len(ids):
            if not budget.may_start(self):
                self._collection_set_remaining(len(ids) - position + later)
                return len(ids) - position
            end = min(position + budget.next_size(), len(ids))
            while end < len(ids) and clients[end] == clients[end - 1]:
                end += 1  # a client's invoices are never split
            batch = Move.browse(ids[position:end])
            began = self._collection_clock()
            counts, changes = self._collection_run_batch_with_retry(batch)
            position = end
            self._collection_add_counts(
                counts, invoices=len(batch), changes=changes, seconds=self._collection_clock() - began
            )
            self._collection_set_remaining(len(ids) - position + later)
            self._collection_commit()
            budget.measured(len(batch), self._collection_clock() - began, self._collection_pace())
            self.env.invalidate_all()
        return 0

    def _collection_run_batch_with_retry(self, batch, attempts=3):
        """One batch in a savepoint; a serialization failure or deadlock (another transaction
        touched the same rows) rolls the batch back and runs it again, up to ATTEMPTS times."""
        for attempt in range(1, attempts + 1):
            try:
                with self.env.cr.savepoint(), shared_reminder_authors(self.env.cr):
                    return self._collection_run_batch(batch)
            except (errors.SerializationFailure, errors.DeadlockDetected) as error:
                self.env.invalidate_all()
                if attempt == attempts:
                    raise
                _logger.info("Collections run: batch retried after %s (attempt %s)", type(error).__name__, attempt)
                time.sleep(0.1 * attempt)
        return Counter(), 0  # not reached: the last attempt returns or raises

    def _collection_run_batch(self, batch):
        """Stages, actions and fees of one batch of invoices; returns (action counts, stage changes)."""
        counts = Counter()
        today = fields.Date.context_today(self)
        before = {move.id: move.collection_stage_id.id for move in batch}
        moved = batch._collection_advance_discount_tiers(today)
        if moved:
            counts["discount_tier"] += len(moved)
        batch._collection_refresh_stages()
        changes = sum(1 for move in batch if move.collection_stage_id.id != before[move.id])
        plan = batch._collection_plan(today)
        # the day's late fees are booked before anything is written to the client, so that every
        # reminder, statement and letter of this run lists them (an invoice the run writes off today
        # bears none)
        written_off = {item.move.id for item in plan if item.action == "write_off" and not item.blocked}
        fees, failures = self._collection_run_penalties(batch.filtered(lambda m: m.id not in written_off), today)
        if fees:
            counts["penalty"] += fees
        counts.update(self._collection_execute(plan))
        # a late-fee invoice no reminder listed today is emailed on its own (or waits for the reminder
        # that a quiet day or the throttle holds back): none is left unsent
        notices = self._collection_fee_notices(batch, plan, today)
        counts.update(self._collection_execute(notices))
        plan += notices
        # what waited (quiet day, throttle, confirmation) or failed is tried again tomorrow; a paused
        # invoice comes back when its pause ends (a change of facts, or the client pause's end date)
        retry = {
            item.move.id
            for item in plan
            if item.failed or (item.blocked and not item.move._collection_is_paused(today))
        } | {move.id for move in failures}
        batch._collection_store_next_run_dates(batch._collection_next_run_dates(today, retry))
        return counts, changes

    # ------------------------------------------------------------------
    # BOOKKEEPING
    # ------------------------------------------------------------------
    def _collection_add_counts(self, counts, invoices=0, changes=0, seconds=0.0):
        """Add COUNTS ({action code: number}) and the batch's invoices, stage changes and work time to
        the run and to its current piece."""
        self.ensure_one()
        total = Counter(self.action_counts or {})
        total.update({code: count for code, count in counts.items() if count})
        vals = {
            "action_counts": dict(total),
            "invoice_count": self.invoice_count + invoices,
            "stage_change_count": self.stage_change_count + changes,
        }
        if seconds:
            vals["work_seconds"] = self.work_seconds + seconds
        if self.pieces:
            piece = self.pieces[-1]
            vals["pieces"] = self.pieces[:-1] + [
                dict(piece, end=round(self._collection_clock(), 3), invoices=piece.get("invoices", 0) + invoices)
            ]
        self.write(vals)

    def action_open_logs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Actions of the Run"),
            "res_model": "collection.action.log",
            "view_mode": "list,form",
            "domain": [("run_id", "=", self.id)],
            "context": {"create": False},
        }
