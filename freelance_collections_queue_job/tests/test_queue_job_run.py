"""The run's batches as queue_job jobs (jobs trapped with queue_job's ``trap_jobs``, then performed)."""

from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import errors

from odoo import Command
from odoo.tests import common, tagged
from odoo.tools import SQL

from odoo.addons.freelance_collections.models.collection_run import RUN_LOCK_KEY
from odoo.addons.freelance_collections.tests.test_collection_run import RunCommon
from odoo.addons.queue_job.exception import RetryableJobError

# queue_job 18.0.4.1.2's test helpers register themselves in odoo.tests.common.SETATTR_SOURCES, which
# Odoo 18.0 sources older than mid-2025 lack: give them the empty registry they add to
if not hasattr(common, "SETATTR_SOURCES"):
    common.SETATTR_SOURCES = {}
from odoo.addons.queue_job.tests.common import trap_jobs  # noqa: E402


@tagged("post_install", "-at_install")
class TestQueueJobRun(RunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._leave_out_existing_book()  # the run's counts are this test's invoices only
        cls.Batch = cls.env["collection.run.batch"]
        cls.clients = cls.env["res.partner"].create(
            [
                {"name": f"Queue client {index}", "is_company": True, "email": f"queue{index}@example.com"}
                for index in range(3)
            ]
        )
        # 3, 2 and 1 invoices of three clients, due on 2026-01-31
        cls.moves = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": client.id,
                    "invoice_date": "2026-01-01",
                    "invoice_date_due": "2026-01-31",
                    "invoice_line_ids": [
                        Command.create({"name": "Work", "quantity": 1, "price_unit": 100, "tax_ids": []})
                    ],
                }
                for client, count in zip(cls.clients, (3, 2, 1), strict=True)
                for _index in range(count)
            ]
        )
        cls.moves.action_post()

    def _dispatch(self, size=2):
        """The scheduler's call of the run with queue_job: returns (run, trap)."""
        with trap_jobs() as trap:
            run = self.Run.with_context(collection_queue_job=True, collection_job_batch_size=size)
            run = run._cron_run_collections()
        return run, trap

    def _batch_jobs(self, trap):
        """The trapped jobs of the batches, in the batches' order."""
        jobs = [job for job in trap.enqueued_jobs if job.method_name == "_collection_run_job"]
        return sorted(jobs, key=lambda job: job.recordset.sequence)

    def _finish_job(self, trap):
        return next(job for job in trap.enqueued_jobs if job.method_name == "_collection_finish_queued")

    def test_one_job_per_batch_never_splitting_a_client(self):
        with freeze_time("2026-02-20"):
            run, trap = self._dispatch(size=2)
            trap.assert_jobs_count(4)
            self.assertEqual([job.recordset for job in self._batch_jobs(trap)], list(run.batch_ids))
            self.assertEqual(self._finish_job(trap).recordset, run)
            self.assertEqual(run.state, "running")
            self.assertTrue(run._collection_queued())
            self.assertEqual(run.pieces[-1]["stop"], "queued")
            self.assertEqual((run.invoice_count, run.remaining_count), (0, 6))  # counted when the jobs are done
            batches = run.batch_ids
            self.assertEqual(batches.mapped("invoice_count"), [3, 2, 1])  # 2 at most, but a client is never split
            for batch in batches:
                clients = self.env["account.move"].browse(batch.move_id_list).commercial_partner_id
                self.assertEqual(len(clients), 1)
            self.assertEqual(sorted(sum(batches.mapped("move_id_list"), [])), sorted(self.moves.ids))
            keys = {job.identity_key for job in trap.enqueued_jobs}
            self.assertEqual(
                keys, {f"collection.run.batch:{batch.id}" for batch in batches} | {f"collection.run:{run.id}:finish"}
            )
            finish = self._finish_job(trap)
            self.assertEqual(set(finish.depends_on), set(self._batch_jobs(trap)))  # the run ends after them all
            self.assertFalse(self._logs(self.moves))  # nothing done before the jobs

            trap.perform_enqueued_jobs()
            self.assertEqual(run.state, "done")
            self.assertEqual(batches.mapped("state"), ["done"] * 3)
            self.assertEqual((run.invoice_count, run.stage_change_count, run.remaining_count), (6, 6, 0))
            emails = self._logs(self.moves, "email")
            self.assertEqual(len(emails), 6)
            self.assertEqual(emails.run_id, run)
            self.assertEqual(run.actions["email"], 6)
            self.assertEqual(sum(batch.action_counts.get("email", 0) for batch in batches), 6)
            for client in self.clients:
                self.assertEqual(len(self._client_emails(client)), 1)  # one email per client and stage

    def test_rerun_enqueues_nothing(self):
        with freeze_time("2026-02-20"):
            run, trap = self._dispatch()
            again, trap_again = self._dispatch()
            self.assertEqual(again, run)
            self.assertFalse(trap_again.enqueued_jobs)
            self.assertEqual((run.piece_count, run.cut_count), (1, 0))  # not counted as a cut piece
            self.assertEqual(len(run.batch_ids), 3)
            trap.perform_enqueued_jobs()
            # the same day once done: a new run, with nothing left to do, in the process itself
            later, trap_later = self._dispatch()
            self.assertNotEqual(later, run)
            self.assertFalse(trap_later.enqueued_jobs)
            self.assertEqual((later.state, later.invoice_count), ("done", 0))
            self.assertEqual(len(self._logs(self.moves, "email")), 6)

    def test_failed_job_is_retried_without_doubling(self):
        with freeze_time("2026-02-20"):
            run, trap = self._dispatch()
            first = self._batch_jobs(trap)[0]
            batch = first.recordset
            RunClass = type(self.Run)
            original = RunClass._collection_run_batch
            calls = []

            def crash_after_work(this, moves):
                result = original(this, moves)
                calls.append(len(moves))
                if len(calls) == 1:
                    raise errors.SerializationFailure("concurrent update")  # after the emails were made
                return result

            with patch.object(RunClass, "_collection_run_batch", crash_after_work):
                # queue_job rolls the job's transaction back and performs it again later
                with self.assertRaises(errors.SerializationFailure), self.env.cr.savepoint():
                    first.perform()
                self.env.invalidate_all()
                self.assertEqual(batch.state, "queued")
                self.assertFalse(self._logs(self.moves))
                first.perform()
                first.perform()  # performed once more (set to pending again by hand): nothing twice
            self.assertEqual(len(calls), 2)
            self.assertEqual(batch.state, "done")
            trap.perform_enqueued_jobs()
            self.assertEqual(len(self._logs(self.moves, "email")), 6)
            for client in self.clients:
                self.assertEqual(len(self._client_emails(client)), 1)
            self.assertEqual((run.state, run.invoice_count, run.actions["email"]), ("done", 6, 6))

    def test_job_waits_for_a_run_in_one_process(self):
        with freeze_time("2026-02-20"):
            run, trap = self._dispatch()
            with self.registry.cursor() as other:  # another server runs the collections (holds the lock)
                other.execute(SQL("SELECT pg_try_advisory_lock(%s)", RUN_LOCK_KEY))
                self.assertTrue(other.fetchone()[0])
                try:
                    with self.assertRaises(RetryableJobError) as caught:
                        self._batch_jobs(trap)[0].perform()
                    self.assertTrue(caught.exception.ignore_retry)
                finally:
                    other.execute(SQL("SELECT pg_advisory_unlock(%s)", RUN_LOCK_KEY))
            self.assertEqual(run.batch_ids.mapped("state"), ["queued"] * 3)
            trap.perform_enqueued_jobs()
            self.assertEqual(run.state, "done")

    def test_jobs_of_a_run_that_is_over_are_skipped(self):
        with freeze_time("2026-02-20"):
            run, trap = self._dispatch()
            jobs = self._batch_jobs(trap)
            jobs[0].perform()
        with freeze_time("2026-02-21"):
            # the job queue was stopped overnight: the next day's jobs are tomorrow's run's business
            for job in jobs[1:]:
                job.perform()
            self.assertEqual(run.batch_ids.mapped("state"), ["done", "skipped", "skipped"])
            self._finish_job(trap).perform()
            self.assertEqual(run.state, "interrupted")
            self.assertEqual((run.invoice_count, run.remaining_count), (3, 3))
            self.assertEqual(len(self._logs(self.moves, "email")), 3)
            # the next run takes what was left, in one process here
            later = self.Run.with_context(collection_queue_job=False)._cron_run_collections()
            self.assertEqual(later.invoice_count, 3)
            self.assertEqual(len(self._logs(self.moves, "email")), 6)

    def test_without_queue_the_run_stays_in_one_process(self):
        with freeze_time("2026-02-20"), trap_jobs() as trap:
            run = self.Run._cron_run_collections()  # Odoo's tests: no queue unless the context asks
            self.assertFalse(trap.enqueued_jobs)
            self.assertFalse(run.batch_ids)
            self.assertEqual((run.state, run.invoice_count, run.actions["email"]), ("done", 6, 6))
