"""The run's batches as queue_job jobs: one job per batch, one more that ends the run.

The run's first piece (the scheduler's call, holding the run's lock) checks the payment plans and cuts
every company's invoices into batches that never split a client, as the run does in one process, but
stores them (``collection.run.batch``) and enqueues one job per batch, all in one graph whose last job
(``_collection_finish_queued``) adds up the batches' counts on the run record, checks the reminders'
delivery and ends the run. The batches, their jobs and the run's new state are committed together: a
rerun of the scheduler finds the run queued (``_collection_queued``) and enqueues nothing, and every job
has an identity key (its batch) besides. Each job works under a shared lock of the run's key: the jobs
run side by side, never next to another run. See docs/deployment.md.
"""

import logging
import time
from collections import Counter

from odoo import _, fields, models
from odoo.tools import SQL

from odoo.addons.freelance_collections.models.collection_run import RUN_LOCK_KEY
from odoo.addons.queue_job.delay import group
from odoo.addons.queue_job.exception import RetryableJobError

_logger = logging.getLogger(__name__)

# invoices per job at most (a client's invoices are never split, so a job may hold more): short jobs
# spread well over the workers and stay far under the workers' time limit (limit_time_real)
JOB_BATCH_SIZE = 100
LOCK_TRIES = 4  # a job finding the run's lock taken tries again every half second, then
LOCK_WAIT_SECONDS = 10  # leaves it to queue_job, which performs it again this much later


class CollectionRun(models.Model):
    _inherit = "collection.run"

    batch_ids = fields.One2many("collection.run.batch", "run_id", string="Jobs", readonly=True)

    def _collection_use_queue(self):
        """Whether this run hands its batches to queue_job: always, except in Odoo's tests (where the
        run commits nothing) unless the context asks for it (``collection_queue_job``); a context of
        ``collection_queue_job=False`` keeps the run in one process."""
        forced = self.env.context.get("collection_queue_job")
        if forced is not None:
            return bool(forced)
        return self._collection_auto_commit()

    def _collection_queued(self):
        return bool(self.batch_ids) or super()._collection_queued()

    def _collection_run_batches(self, company, ids, clients, budget, later=0):
        """Cut COMPANY's invoices into batches that never split a client and store them: their jobs are
        enqueued once every company's batches are known (``_collection_process``)."""
        if not (self and self._collection_use_queue()):
            return super()._collection_run_batches(company, ids, clients, budget, later)
        size = max(1, min(budget.batch_size, self.env.context.get("collection_job_batch_size", JOB_BATCH_SIZE)))
        vals_list = []
        position = 0
        sequence = len(self.batch_ids)
        while position < len(ids):
            end = min(position + size, len(ids))
            while end < len(ids) and clients[end] == clients[end - 1]:
                end += 1  # a client's invoices are never split
            sequence += 1
            vals_list.append(
                {
                    "run_id": self.id,
                    "company_id": company.id,
                    "sequence": sequence,
                    "move_id_list": ids[position:end],
                    "invoice_count": end - position,
                }
            )
            position = end
        self.env["collection.run.batch"].sudo().create(vals_list)
        return 0

    def _collection_process(self, batch_size, budget):
        finished = super()._collection_process(batch_size, budget)
        if not finished and self._collection_queued() and not self._collection_jobs_enqueued():
            self._collection_enqueue()
        return finished

    def _collection_jobs_enqueued(self):
        return bool(self.env["queue.job"].sudo().search_count([("identity_key", "=", self._collection_job_key())]))

    def _collection_job_key(self):
        self.ensure_one()
        return f"collection.run:{self.id}:finish"

    def _collection_enqueue(self):
        """One job per batch, and the run's end once they are all done (one queue_job graph)."""
        self.ensure_one()
        batches = self.batch_ids.filtered(lambda batch: batch.state == "queued")
        jobs = [
            batch.delayable(
                identity_key=batch._collection_job_key(),
                description=_("Collections run %(run)s: batch %(batch)s", run=self.id, batch=batch.sequence),
                max_retries=20,
            )._collection_run_job()
            for batch in batches
        ]
        finish = self.delayable(
            identity_key=self._collection_job_key(),
            description=_("Collections run %(run)s: end", run=self.id),
            max_retries=20,
        )._collection_finish_queued()
        group(*jobs).on_done(finish).delay()
        _logger.info("Collections run %s: %s batches enqueued.", self.id, len(jobs))

    def _collection_job_lock(self):
        """The run's lock, shared by the jobs of one run (they work side by side) and held until the
        job's transaction ends: a run in one process (which takes it alone) waits, and so do they."""
        for attempt in range(LOCK_TRIES):
            if attempt:
                time.sleep(0.5)  # the first piece releases it right after committing the jobs
            self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock_shared(%s)", RUN_LOCK_KEY))
            if self.env.cr.fetchone()[0]:
                return
        raise RetryableJobError(
            _("Another collections run holds the run's lock: this job tries again shortly."),
            seconds=LOCK_WAIT_SECONDS,
            ignore_retry=True,
        )

    def _collection_finish_queued(self):
        """The job after the batches' jobs: add their counts to the run, check the deliveries, end it.

        A batch that was not done (its job skipped it, or was set done by hand without running) leaves
        the run interrupted: its invoices are still due, the next run takes them.
        """
        run = self.sudo()
        run.ensure_one()
        if run.state != "running":
            return _("Run %(run)s is %(state)s: nothing to end.", run=run.id, state=run.state)
        run._collection_job_lock()
        batches = run.batch_ids
        done = batches.filtered(lambda batch: batch.state == "done")
        counts = Counter()
        for batch in done:
            counts.update(batch.action_counts or {})
        run._collection_add_counts(
            counts,
            invoices=sum(done.mapped("invoice_count")),
            changes=sum(done.mapped("stage_change_count")),
            seconds=sum(done.mapped("work_seconds")),
        )
        left = sum((batches - done).mapped("invoice_count"))
        if not left:
            found = run._collection_check_deliveries()
            if found:
                run._collection_add_counts({"undeliverable": found})
        run.write({"state": "interrupted" if left else "done", "end": fields.Datetime.now(), "remaining_count": left})
        if run._collection_email_count():
            run._collection_wake_mail_queue()
        _logger.info("Collections run (%s jobs): %s", len(batches), run.summary)
        return run.summary
