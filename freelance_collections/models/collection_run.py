"""The daily collections run, as a record users can see: when it ran, what it looked at, what it did.

One run at a time (a PostgreSQL advisory lock, released if the process dies). For every company it
checks the payment plans, then takes the invoices that need a look today (see
``account_move_next_run.py``) in batches that never split a client; each batch recomputes the
stages from facts, carries out the actions of the stages newly reached (``collection_run_actions.py``)
and books the late fees, in a savepoint, and is committed with the run's counts. Last, the
reminders' delivery is checked (``collection_run_delivery.py``). Every action is recorded once on the
action log under a unique key, in the transaction that takes it: a crashed or killed run loses
nothing and its rerun repeats nothing.
"""

import logging
import re
import threading
import time
from collections import Counter
from datetime import timedelta

from psycopg2 import errors

from odoo import _, api, fields, models
from odoo.tools import SQL, format_datetime

from ..policy.actions import ACTIONS

_logger = logging.getLogger(__name__)

# Session-level PostgreSQL advisory lock: one collections run at a time, released if the process dies.
RUN_LOCK_KEY = 0x46434F4C  # "FCOL"
BATCH_SIZE = 1000
# "(451, b'4.3.0 Try again later')", "{'a@b.c': (450, b'Mailbox busy')}": a temporary refusal
TEMPORARY_SMTP_REPLY = re.compile(r"\(4\d\d, b?['\"]")


def _rank(code):
    """Where an action code comes in the registry (the order the run takes the actions)."""
    return next((rank for rank, action in enumerate(ACTIONS) if action.code == code), len(ACTIONS))


class CollectionRun(models.Model):
    _name = "collection.run"
    _description = "Collections Run"
    _inherit = ["collection.run.actions", "collection.run.delivery"]
    _order = "start desc, id desc"
    _rec_name = "start"

    start = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    end = fields.Datetime(readonly=True)
    date = fields.Date(
        string="Run Date", required=True, readonly=True, default=fields.Date.context_today,
        help="The day the run worked for: stages, fees and reminders as of this day.")
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed"), ("interrupted", "Interrupted")],
        required=True, readonly=True, default="running",
        help="Interrupted: the process stopped before the end (killed, time limit); the next run goes on "
        "where it stopped, nothing done is done again.")
    invoice_count = fields.Integer(string="Invoices Looked At", readonly=True)
    stage_change_count = fields.Integer(string="Stage Changes", readonly=True)
    action_counts = fields.Json(
        readonly=True, default=dict, help="Actions done, by action code ('email': 3, 'penalty': 1, ...).")
    failed_count = fields.Integer(string="Failed Actions", compute="_compute_log_counts")
    summary = fields.Char(compute="_compute_summary")
    error = fields.Text(readonly=True)
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
            [("run_id", "in", self.ids), ("state", "=", "failed")], ["run_id"], ["__count"])
        failed = {run.id: count for run, count in groups}
        for run in self:
            run.failed_count = failed.get(run.id, 0)

    @api.depends("action_counts", "invoice_count", "stage_change_count")
    def _compute_summary(self):
        labels = dict(self.env["collection.action.log"]._fields["action"]._description_selection(self.env))
        labels["discount_tier"] = _("Discount tier ended")
        for run in self:
            counts = run.action_counts or {}
            done = ", ".join(f"{counts[code]} {labels.get(code, code)}" for code in sorted(counts, key=_rank))
            run.summary = _(
                "%(invoices)s invoices, %(changes)s stage changes: %(actions)s",
                invoices=run.invoice_count, changes=run.stage_change_count, actions=done or _("no action"))

    # ------------------------------------------------------------------
    # ENTRY POINT
    # ------------------------------------------------------------------
    @api.model
    def _cron_run_collections(self, batch_size=BATCH_SIZE):
        """Run the ladder for every company as of today, then check the reminders' delivery.

        :param int batch_size: about how many invoices one committed batch holds (a client's
            invoices are never split).
        :return: the run record, or False when another run holds the lock.
        """
        cr = self.env.cr
        cr.execute(SQL("SELECT pg_try_advisory_lock(%s)", RUN_LOCK_KEY))
        if not cr.fetchone()[0]:
            _logger.info("Collections run skipped: another run is in progress.")
            return False
        try:
            # we hold the lock: a run still marked running was cut short (killed, time limit)
            self.sudo().search([("state", "=", "running")]).write({"state": "interrupted"})
            run = self.sudo().create({})
            run._collection_commit()
            try:
                run._collection_process(batch_size)
            except Exception as error:
                if not run._collection_auto_commit():
                    raise
                cr.rollback()
                run.write({"state": "failed", "end": fields.Datetime.now(), "error": str(error)})
                run._collection_commit()
                raise
            run.write({"state": "done", "end": fields.Datetime.now()})
            _logger.info("Collections run: %s", run.summary)
            return run
        finally:
            cr.execute(SQL("SELECT pg_advisory_unlock(%s)", RUN_LOCK_KEY))

    def _collection_process(self, batch_size):
        """The run's work: mails refused for now queued again, each company, then the deliveries."""
        self.ensure_one()
        self._collection_requeue_refused_mails()
        for company in self.env["res.company"].sudo().search([]):
            self.with_company(company)._collection_run_company(company, batch_size)
        found = self._collection_check_deliveries()
        if found:
            self._collection_add_counts({"undeliverable": found})

    # ------------------------------------------------------------------
    # BATCHES
    # ------------------------------------------------------------------
    def _collection_run_company(self, company, batch_size):
        Move = self.env["account.move"].with_company(company)
        today = fields.Date.context_today(self)
        self.env["collection.payment.plan"].with_company(company)._collection_check_plans(company, today)
        ids = Move._collection_open_invoice_ids(company, due_on=today)
        settling = Move._collection_settling_invoice_ids(company)  # paid: their last late fees
        if settling:
            ids = Move.search([("id", "in", ids + settling)], order="commercial_partner_id, id").ids
        done = 0
        for batch in Move.browse(ids)._collection_client_batches(batch_size):
            counts, changes = self._collection_run_batch_with_retry(batch)
            done += len(batch)
            self._collection_add_counts(counts, invoices=len(batch), changes=changes)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(ids) - done)
            self._collection_commit()
            self.env.invalidate_all()

    def _collection_run_batch_with_retry(self, batch, attempts=3):
        """One batch in a savepoint; a serialization failure or deadlock (another transaction
        touched the same rows) rolls the batch back and runs it again, up to ATTEMPTS times."""
        for attempt in range(1, attempts + 1):
            try:
                with self.env.cr.savepoint():
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
        counts.update(self._collection_execute(plan))
        fees, failures = self._collection_run_penalties(batch, today)
        if fees:
            counts["penalty"] += fees
        # what waited (quiet day, throttle, confirmation) or failed is tried again tomorrow; a paused
        # invoice comes back when its pause ends (a change of facts, or the client pause's end date)
        retry = {item.move.id for item in plan if item.failed or (
            item.blocked and not item.move._collection_is_paused(today))} | {move.id for move in failures}
        batch._collection_store_next_run_dates(batch._collection_next_run_dates(today, retry))
        return counts, changes

    def _collection_run_penalties(self, moves, today):
        """Book the penalties newly due on MOVES (a batch of the run).

        :return: (number of fee invoices, {move: error}); a missing reference rate is recorded on the
            invoice's log and the run goes on.
        """
        moves._collection_goodwill_waivers()
        fees, failures = moves._collection_book_penalties(today)
        # paid: the fees up to the payment are invoiced (or none were due), nothing more accrues
        settled = moves.filtered(lambda m: m._collection_is_settling() and m not in failures)
        if settled:
            settled.collection_fee_settled = True
        Log = self.env["collection.action.log"]
        Log._record([{
            "key": f"{fee.collection_penalty_origin_id.id}:penalty:{fee.id}",
            "move_id": fee.collection_penalty_origin_id.id,
            "partner_id": fee.commercial_partner_id.id,
            "stage_id": fee.collection_penalty_origin_id.collection_stage_id.id or False,
            "action": "penalty",
            "note": fee.name,
        } for fee in fees] + [{
            "key": f"{move.id}:penalty-error:{today}",  # one failure record a day per invoice
            "move_id": move.id, "partner_id": move.commercial_partner_id.id,
            "stage_id": move.collection_stage_id.id or False, "action": "penalty",
            "state": "failed", "note": error[:250],
        } for move, error in failures.items()], run=self)
        return len(fees), failures

    # ------------------------------------------------------------------
    # MAIL QUEUE
    # ------------------------------------------------------------------
    @api.model
    def _collection_requeue_refused_mails(self, days=7):
        """Put back in the mail queue the reminders of the last DAYS days that the mail server could
        not be reached for or refused for now (an SMTP 4xx reply); Odoo leaves those in exception:
        they are retried, not lost. A permanent refusal (5xx: no such address) stays in exception."""
        since = fields.Date.context_today(self) - timedelta(days=days)
        messages = self.env["collection.action.log"].sudo().search(
            [("date", ">=", since), ("mail_message_id", "!=", False)]).mail_message_id
        if not messages:
            return 0
        refused = self.env["mail.mail"].sudo().search([
            ("mail_message_id", "in", messages.ids), ("state", "=", "exception"),
        ])
        smtp_failed = self.env["mail.notification"].sudo().search([
            ("mail_mail_id", "in", refused.ids), ("failure_type", "=", "mail_smtp"),
        ]).mail_mail_id
        # a server that answered "try again later" (an SMTP 4xx reply) refused for now, not for good
        smtp_failed |= refused.filtered(lambda mail: TEMPORARY_SMTP_REPLY.search(mail.failure_reason or ""))
        smtp_failed.write({"state": "outgoing", "failure_reason": False})
        if smtp_failed:
            _logger.info("Collections: %s reminder(s) refused by the mail server queued again.", len(smtp_failed))
        return len(smtp_failed)

    # ------------------------------------------------------------------
    # BOOKKEEPING
    # ------------------------------------------------------------------
    def _collection_add_counts(self, counts, invoices=0, changes=0):
        """Add COUNTS ({action code: number}) and the batch's invoices and stage changes to the run."""
        self.ensure_one()
        total = Counter(self.action_counts or {})
        total.update({code: count for code, count in counts.items() if count})
        self.write({
            "action_counts": dict(total),
            "invoice_count": self.invoice_count + invoices,
            "stage_change_count": self.stage_change_count + changes,
        })

    @api.model
    def _collection_auto_commit(self):
        """Whether the run commits its batches (always, except inside Odoo's tests)."""
        return not getattr(threading.current_thread(), "testing", False)

    def _collection_commit(self):
        if self._collection_auto_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit - each batch is kept: see the module docstring

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
