"""The run under a server that kills long jobs: one call of the run is a *piece*.

A piece takes batches while they fit in the time the server leaves it (``limit_time_real_cron``, or
``limit_time_real`` for a run started by hand), each sized by the pace of the batch before
(``_CollectionBudget``), then reports what is left (the cron job's progress,
``compat.notify_cron_progress``) and asks the scheduler to call it again (``ir.cron._trigger``); the
next call continues the same run record, and a piece the server killed anyway is counted as cut. See
docs/deployment.md.
"""

import logging
import os
import threading
import time
import weakref
from datetime import timedelta

import psutil

from odoo import api, fields, models
from odoo.http import request
from odoo.tools import config

from ..policy.actions import EMAIL_ACTIONS
from ..tools import compat

_logger = logging.getLogger(__name__)

# Time limits (see _CollectionBudget): a piece plans to use TIME_SHARE of the server's limit, counted
# from the moment the server may have started counting (an early bound, never a late one); each batch
# is sized to take at most BATCH_SHARE of the time left, by the pace of the batch before it.
TIME_SHARE = 0.8
BATCH_SHARE = 0.5
MIN_BATCH = 10  # invoices (a client's invoices are never split, so a batch may hold more)
FIRST_BATCH = 20  # the first batch when no pace is known yet (no earlier batch, no earlier run)
GROWTH = 2  # a batch holds at most twice the invoices of the one before
# cursor of the job -> {"start": when the server's clock for it started}: Odoo's cron runner calls a
# job that reports work left up to 10 times in a row on one cursor, within one watchdog period
_WINDOWS = weakref.WeakKeyDictionary()
# in this process: when a call of the run last ended (a cron worker pings its watchdog after it)
_LAST_CALL = {}


class CollectionRunPieces(models.AbstractModel):
    _name = "collection.run.pieces"
    _description = "Collections Run Pieces"

    def _collection_budget(self, batch_size):
        """The time budget of this call of the run (``_CollectionBudget``)."""
        return _CollectionBudget(self, batch_size)

    def _collection_call_ended(self):
        """Note when this call of the run ended: a cron worker pings its watchdog after it."""
        _LAST_CALL["at"] = self._collection_clock()

    def _collection_start_piece(self):
        """Count a new piece of the run; the previous one, if it never ended, was cut (killed)."""
        self.ensure_one()
        pieces = list(self.pieces or [])
        cut = self.state == "running" and self.piece_count > 0
        if cut and pieces:
            pieces[-1] = dict(pieces[-1], stop="cut")
        now = round(self._collection_clock(), 3)
        pieces.append({"start": now, "end": now, "pid": os.getpid(), "invoices": 0, "stop": None})
        vals = {"pieces": pieces, "piece_count": self.piece_count + 1, "state": "running"}
        if cut:
            vals["cut_count"] = self.cut_count + 1
            _logger.warning(
                "Collections run %s: piece %s was cut short (the process was killed); going on.",
                self.id,
                self.piece_count,
            )
        self.write(vals)
        if self.invoice_count:
            # reported before any work: a piece killed before its first batch still shows progress
            compat.notify_cron_progress(self.env, self.invoice_count, max(self.remaining_count, 1))

    def _collection_end_piece(self, stop):
        """Close the current piece: STOP is done, time (stopped before the time limit), failed or
        queued (its batches handed to a job queue)."""
        self.ensure_one()
        if self.pieces:
            self.pieces = self.pieces[:-1] + [dict(self.pieces[-1], end=round(self._collection_clock(), 3), stop=stop)]

    def _collection_set_remaining(self, remaining):
        """Store and report to the scheduler what is left (done: the run's invoices, all pieces)."""
        self.ensure_one()
        if self.remaining_count != remaining:
            self.remaining_count = remaining
        compat.notify_cron_progress(self.env, self.invoice_count, remaining)

    def _collection_hand_over(self):
        """The piece stops before the time limit: report what is left and have the scheduler call the
        run again at once (``remaining`` > 0 keeps the cron due; the trigger wakes the cron workers)."""
        self.ensure_one()
        compat.notify_cron_progress(self.env, self.invoice_count, max(self.remaining_count, 1))
        window = _WINDOWS.get(self.env.cr, {})
        if not window.get("triggered"):
            cron = self.env.ref("freelance_collections.ir_cron_run_collections", raise_if_not_found=False)
            if cron:
                cron.sudo()._trigger()
            window["triggered"] = True

    @api.model
    def _collection_retry_later(self):
        """The lock was held by another process (a run by hand, or a killed worker's connection not
        yet closed): when today's run is unfinished, the scheduler tries again in a minute."""
        if not (self.env.context.get("cron_id") and self._collection_auto_commit()):
            return
        if self.sudo().search_count(
            [("state", "in", ("running", "waiting")), ("date", "=", fields.Date.context_today(self))]
        ):
            cron = self.env.ref("freelance_collections.ir_cron_run_collections", raise_if_not_found=False)
            if cron:
                cron.sudo()._trigger(fields.Datetime.now() + timedelta(minutes=1))

    def _collection_queued(self):
        """Whether the run's batches were handed to a job queue, whose last job ends the run: a hook,
        False here (the queue_job bridge, freelance_collections_queue_job, says when)."""
        return False

    def _collection_email_count(self):
        return sum(self.actions[code] for code in EMAIL_ACTIONS)

    @api.model
    def _collection_wake_mail_queue(self):
        """The piece queued reminders: Odoo's mail queue cron sends them now rather than at its next
        hourly call (it works in committed batches of its own; the run never sends synchronously)."""
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    def _collection_pace(self):
        """Seconds per invoice of this run so far (None before its first batch)."""
        self.ensure_one()
        if self.invoice_count and self.work_seconds:
            return self.work_seconds / self.invoice_count
        return None

    @api.model
    def _collection_time_limit(self):
        """Seconds the server lets this call run before it kills it, or None (no limit), as Odoo reads
        its options: ``limit_time_real_cron`` in a cron job (-1: ``limit_time_real``; 0: none under
        ``--workers``), ``limit_time_real`` in an HTTP request (a run started by hand); no limit in a
        shell or a script, nor in Odoo's tests, unless the context gives ``collection_time_limit``."""
        if "collection_time_limit" in self.env.context:
            return self.env.context["collection_time_limit"] or None
        if not self._collection_auto_commit():
            return None
        if self.env.context.get("cron_id"):
            cron_limit = config["limit_time_real_cron"]
            if cron_limit and cron_limit > 0:
                limit = cron_limit
            elif cron_limit == 0 and config["workers"]:
                return None
            else:
                limit = config["limit_time_real"]
        elif request:
            limit = config["limit_time_real"]
        else:
            return None
        return limit if limit and limit > 0 else None

    @api.model
    def _collection_window(self):
        """{"start": when the server started counting this call's time}, never later than it did.

        Odoo's threaded server times a cron job from its thread's start; a prefork cron worker's watchdog
        counts from its last ping, which comes after the last job the worker ran (or when it started)
        and includes its sleep: the run takes the later of the two it knows. Odoo calls a job that
        reports work left up to 10 times on one cursor, within one period: they share the window.
        """
        context = self.env.context
        if "collection_window_start" in context:
            return {"start": context["collection_window_start"]}
        now = self._collection_clock()
        thread_start = getattr(threading.current_thread(), "start_time", None)
        if not context.get("cron_id"):
            return {"start": thread_start or now}
        window = _WINDOWS.get(self.env.cr)
        if window is None:
            start = thread_start or max(_process_started(), _LAST_CALL.get("at", 0.0))
            window = _WINDOWS[self.env.cr] = {"start": min(start, now)}
        return window

    @api.model
    def _collection_clock(self):
        return time.time()

    @api.model
    def _collection_auto_commit(self):
        """Whether the run commits its batches (always, except inside Odoo's tests)."""
        return not compat.running_tests()

    def _collection_commit(self):
        if self._collection_auto_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit - each batch is kept: see the module docstring


_STARTED = {}  # pid -> when that process started: one value per (forked) process


def _process_started():
    """When this process started (epoch seconds): a forked worker's own start."""
    pid = os.getpid()
    if pid not in _STARTED:
        _STARTED.clear()
        _STARTED[pid] = psutil.Process(pid).create_time()
    return _STARTED[pid]


class _CollectionBudget:
    """The time one piece of the run may use under the server's time limit, and its batches' sizes.

    Without a limit every batch holds BATCH_SIZE invoices. With one, the piece plans to end by
    TIME_SHARE of the limit after its window opened; the first batch of a run holds FIRST_BATCH
    invoices, each next one what takes BATCH_SHARE of the time left (a quarter for a piece's first
    batch) at the pace of the batch before or of the run so far, whichever is slower, at most GROWTH
    times the batch before, between MIN_BATCH and BATCH_SIZE; no batch starts with less
    time left than twice what MIN_BATCH invoices take, except the first of a call of the scheduler: each
    call makes progress (a first batch too slow for the limit would otherwise never be tried). Odoo
    calls a job that reports work left again at once, within the same watchdog period: those calls
    share the window, and hand over without a batch when nothing fits.
    """

    def __init__(self, runs, batch_size):
        self.clock = runs._collection_clock
        self.batch_size = batch_size
        self.limit = runs._collection_time_limit()
        self.window = runs._collection_window()
        self.deadline = self.window["start"] + self.limit * TIME_SHARE if self.limit else None
        self.pace = None  # seconds per invoice
        self.batches = 0
        self.last_size = 0

    def may_start(self, run, step_seconds=None):
        """Whether another batch (or a step of STEP_SECONDS) fits before the deadline."""
        if self.deadline is None or not run.invoice_count or not self.window.get("worked"):
            return True  # each call of the scheduler does something: it must see progress
        smallest = min(MIN_BATCH, self.batch_size)
        need = step_seconds if step_seconds is not None else (self.pace or 0.0) * smallest / BATCH_SHARE
        return self.deadline - self.clock() > need

    def next_size(self):
        if self.deadline is None:
            return self.batch_size
        if self.pace is None:
            return max(1, min(FIRST_BATCH, self.batch_size))
        share = BATCH_SHARE if self.batches else BATCH_SHARE / 2
        size = int((self.deadline - self.clock()) * share / self.pace)
        if self.last_size:
            size = min(size, GROWTH * self.last_size)  # invoices differ: a pace measured on easy ones
        return max(1, min(self.batch_size, max(MIN_BATCH, size)))

    def measured(self, invoices, seconds, average=None):
        """A batch of INVOICES took SECONDS; AVERAGE: the run's seconds per invoice so far. The pace
        is the slower of the batch's and the run's."""
        self.batches += 1
        self.last_size = invoices
        self.window["worked"] = True
        if invoices:
            self.pace = max(seconds / invoices, average or 0.0, 1e-4)
