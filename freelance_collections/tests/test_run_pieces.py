"""The run under a server time limit: pieces that fit, batches sized by their pace, one run record.

A fake clock stands for time: each invoice of a batch "takes" PACE seconds. The limit and the moment
the server started counting are given in the context (in Odoo's tests the run has no limit by itself).
"""

from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools import config

from ..models import collection_run_pieces as collection_run
from .common_run import RunCommon

PACE = 1.0  # fake seconds per invoice


@tagged("post_install", "-at_install")
class TestRunPieces(RunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._leave_out_existing_book()  # the pieces count every invoice the run looks at
        cls.cron = cls.env.ref("freelance_collections.ir_cron_run_collections")
        cls.RunClass = type(cls.Run)

    def setUp(self):
        super().setUp()
        self.now = [1000.0]
        self.sizes = []
        original = self.RunClass._collection_run_batch
        test = self

        def timed_batch(run, batch):
            test.sizes.append(len(batch))
            test.now[0] += PACE * len(batch)
            return original(run, batch)

        for patcher in (
            patch.object(self.RunClass, "_collection_clock", lambda run: self.now[0]),
            patch.object(self.RunClass, "_collection_run_batch", timed_batch),
        ):
            patcher.start()
            self.addCleanup(patcher.stop)
        collection_run._WINDOWS.clear()
        self.addCleanup(collection_run._WINDOWS.clear)

    def _clients(self, count, invoices_each):
        clients = self.env["res.partner"].create(
            [
                {"name": f"Piece client {index:02d}", "is_company": True, "email": f"piece{index:02d}@example.com"}
                for index in range(count)
            ]
        )
        moves = self.env["account.move"].create(
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
                for client in clients
                for _index in range(invoices_each)
            ]
        )
        moves.action_post()
        return clients, moves

    def _progress(self):
        return self.env["ir.cron.progress"].create({"cron_id": self.cron.id})

    def _piece(self, limit=None, batch_size=1000, progress=None, **context):
        """One call of the run whose window opens now (the fake clock), under LIMIT seconds."""
        context.setdefault("collection_window_start", self.now[0])
        if limit:
            context["collection_time_limit"] = limit
        if progress:
            context["ir_cron_progress_id"] = progress.id
        return self.Run.with_context(**context)._cron_run_collections(batch_size=batch_size)

    def _emails_by_client(self, clients):
        return {client.name: len(self._client_emails(client)) for client in clients}

    @freeze_time("2026-02-10")
    def test_a_piece_stops_before_the_limit_and_the_next_call_completes_the_same_run(self):
        clients, moves = self._clients(6, 2)
        progress = self._progress()
        # 10 s limit: the piece plans to end by 8 s; batches of one client (2 invoices, 2 s); a batch
        # starts only with twice its time left: after two batches (4 s) only 4 s are left
        run = self._piece(limit=10, batch_size=2, progress=progress)
        self.assertEqual(self.sizes, [2, 2])
        self.assertEqual((run.state, run.piece_count, run.invoice_count, run.remaining_count), ("waiting", 1, 4, 8))
        self.assertEqual((progress.done, progress.remaining), (4, 8), "Odoo calls a job with work left again")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]),
            "the cron workers are woken for the next piece",
        )
        self.assertEqual(sum(self._emails_by_client(clients).values()), 2)
        self.assertEqual(run.pieces[0]["stop"], "time")

        again = self._piece(batch_size=2, progress=self._progress())
        self.assertEqual(again, run, "the next piece goes on with the same run")
        self.assertEqual(
            (run.state, run.piece_count, run.cut_count, run.invoice_count, run.remaining_count), ("done", 2, 0, 12, 0)
        )
        self.assertEqual(self._emails_by_client(clients), {client.name: 1 for client in clients})
        self.assertEqual(len(self._logs(moves, "email")), 12, "one log line per invoice, each once")
        self.assertEqual(run.actions["email"], 12)
        self.assertEqual(self.Run.search_count([]), 1)
        self.assertIn("(in 2 pieces, 0 cut short)", run.summary)
        self.assertEqual(run.work_seconds, 12 * PACE)

        tomorrow_nothing = self._piece()
        self.assertNotEqual(tomorrow_nothing, run, "a done run is not continued")
        self.assertEqual(dict(tomorrow_nothing.actions), {})

    @freeze_time("2026-02-10")
    def test_batches_are_sized_by_the_pace_of_the_one_before_and_never_split_a_client(self):
        clients, _moves = self._clients(15, 3)
        run = self._piece(limit=60)  # the piece plans to end by 48 s
        # first batch: FIRST_BATCH (20) invoices, up to the end of the client (21); then at 1 s per
        # invoice, half the 27 s left: 13, to the client's end 15; 12 s left is less than twice a
        # 10-invoice batch: stop
        self.assertEqual(self.sizes, [21, 15])
        self.assertTrue(all(size % 3 == 0 for size in self.sizes), "whole clients")
        self.assertEqual((run.state, run.remaining_count), ("waiting", 9))
        self.assertLessEqual(self.now[0], 1000.0 + 60 * collection_run.TIME_SHARE, "ended before the deadline")
        # the next piece knows the run's pace: its first batch takes a quarter of its 48 s: 12 (all 9)
        self._piece(limit=60)
        self.assertEqual(self.sizes, [21, 15, 9])
        self.assertEqual(run.state, "done")
        self.assertEqual(self._emails_by_client(clients), {client.name: 1 for client in clients})

    @freeze_time("2026-02-10")
    def test_a_call_again_within_the_same_limit_hands_over_and_a_killed_piece_counts_as_cut(self):
        self._clients(6, 2)
        cron_context = {"cron_id": self.cron.id, "collection_time_limit": 10}
        progress = self._progress()
        run = self.Run.with_context(ir_cron_progress_id=progress.id, **cron_context)._cron_run_collections(2)
        self.assertEqual((run.state, self.sizes), ("waiting", [2, 2]))
        # Odoo's runner calls the job again at once, on the same cursor: the same watchdog period
        self.now[0] += 0.5
        progress = self._progress()
        same = self.Run.with_context(ir_cron_progress_id=progress.id, **cron_context)._cron_run_collections(2)
        self.assertEqual(same, run)
        self.assertEqual((self.sizes, run.piece_count), ([2, 2], 1), "nothing fits: no batch, no new piece")
        self.assertEqual((progress.done, progress.remaining), (4, 8))

        # the next call of the scheduler (a new cursor, a new period) is killed during its batch
        collection_run._WINDOWS.clear()
        killed = False
        with patch.object(self.RunClass, "_collection_run_batch", side_effect=KeyboardInterrupt):
            try:  # not assertRaises: Odoo's rolls back what the piece committed before its batch
                self.Run.with_context(**cron_context)._cron_run_collections(2)
            except KeyboardInterrupt:
                killed = True
        self.assertTrue(killed)
        self.assertEqual((run.state, run.piece_count), ("running", 2), "as a killed process leaves it")

        collection_run._WINDOWS.clear()
        result = self.Run.with_context(**cron_context)._cron_run_collections(1000)
        self.assertEqual(result, run)
        self.assertEqual((run.state, run.piece_count, run.cut_count), ("waiting", 3, 1))
        self.assertEqual(
            (run.invoice_count, run.remaining_count),
            (12, 1),
            "the invoices are done; the delivery check did not fit and is left",
        )
        collection_run._WINDOWS.clear()
        self.Run.with_context(**cron_context)._cron_run_collections(1000)
        self.assertEqual((run.state, run.piece_count, run.cut_count), ("done", 4, 1))
        self.assertEqual([piece["stop"] for piece in run.pieces], ["time", "cut", "time", "done"])
        self.assertEqual([piece["invoices"] for piece in run.pieces], [4, 0, 8, 0])
        self.assertIn("(in 4 pieces, 1 cut short)", run.summary)

    def test_an_unfinished_run_of_an_earlier_day_is_interrupted_not_continued(self):
        self._clients(6, 2)
        with freeze_time("2026-02-10"):
            first = self._piece(limit=10, batch_size=2)
            self.assertEqual(first.state, "waiting")
        with freeze_time("2026-02-11"):
            second = self._piece()
        self.assertNotEqual(second, first)
        self.assertEqual((first.state, second.state), ("interrupted", "done"))
        self.assertEqual(first.invoice_count + second.invoice_count, 12)

    @freeze_time("2026-02-10")
    def test_mail_requeue_once_per_run_and_delivery_check_once_at_its_end(self):
        self._clients(6, 2)
        with (
            patch.object(self.RunClass, "_collection_requeue_refused_mails", return_value=0) as requeue,
            patch.object(self.RunClass, "_collection_check_deliveries", return_value=0) as check,
        ):
            self._piece(limit=10, batch_size=2)
            self._piece(limit=10, batch_size=2)
            self.assertEqual((requeue.call_count, check.call_count), (1, 0))
            run = self._piece(batch_size=2)
        self.assertEqual(run.state, "done")
        self.assertEqual((requeue.call_count, check.call_count), (1, 1))

    def test_the_limit_is_read_as_odoo_reads_it(self):
        Run = self.Run.with_context(cron_id=self.cron.id)
        options = {"limit_time_real": 120, "limit_time_real_cron": -1, "workers": 2}
        with (
            patch.object(self.RunClass, "_collection_auto_commit", return_value=True),
            patch.dict(config.options, options),
        ):
            self.assertEqual(Run._collection_time_limit(), 120, "-1: the HTTP limit")
            config.options["limit_time_real_cron"] = 20
            self.assertEqual(Run._collection_time_limit(), 20)
            config.options["limit_time_real_cron"] = 0
            self.assertIsNone(Run._collection_time_limit(), "0 under --workers: no limit")
            config.options["workers"] = 0
            self.assertEqual(Run._collection_time_limit(), 120, "0 in the threaded server: the HTTP limit")
            self.assertIsNone(self.Run._collection_time_limit(), "a shell or a script: no limit")
        self.assertIsNone(Run._collection_time_limit(), "Odoo's tests: no limit")
