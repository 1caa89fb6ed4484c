"""One batch of a run handed to queue_job: its invoices (a client's never split), its job's counts."""

import time

from odoo import _, fields, models

from odoo.addons.freelance_collections.policy.actions import EMAIL_ACTIONS


class CollectionRunBatch(models.Model):
    _name = "collection.run.batch"
    _description = "Collections Run Batch"
    _order = "run_id desc, sequence"
    _rec_name = "sequence"

    run_id = fields.Many2one("collection.run", required=True, readonly=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    sequence = fields.Integer(readonly=True)
    move_id_list = fields.Json(string="Invoice Ids", readonly=True, help="Technical: the batch's invoices.")
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    state = fields.Selection(
        [("queued", "Queued"), ("done", "Done"), ("skipped", "Skipped")],
        required=True,
        readonly=True,
        default="queued",
        help="Skipped: the run was over (interrupted, or another day) when the job came: the next run "
        "takes these invoices.",
    )
    action_counts = fields.Json(string="Actions", readonly=True, default=dict)
    stage_change_count = fields.Integer(string="Stage Changes", readonly=True)
    work_seconds = fields.Float(string="Work Time (s)", readonly=True, digits=(16, 1))
    query_count = fields.Integer(string="Queries", readonly=True, help="SQL queries of the batch's job.")
    cpu_seconds = fields.Float(
        string="CPU Time (s)", readonly=True, digits=(16, 2), help="Python CPU time of the batch's job."
    )

    def _collection_job_key(self):
        self.ensure_one()
        return f"collection.run.batch:{self.id}"

    def _collection_run_job(self):
        """The job of one batch: stages, actions and fees of its invoices, as the run does in one
        process, in the job's transaction (queue_job commits it, or rolls it back and tries again:
        every action is on the action log under its key, so nothing is done twice)."""
        batch = self.sudo()
        batch.ensure_one()
        run = batch.run_id.with_company(batch.company_id)
        if batch.state != "queued":
            return _("Batch already %(state)s.", state=batch.state)
        if run.state != "running" or run.date != fields.Date.context_today(run):
            batch.state = "skipped"
            return _("Run %(run)s is over: batch skipped, the next run takes its invoices.", run=run.id)
        run._collection_job_lock()
        queries = self.env.cr.sql_log_count
        began, cpu = run._collection_clock(), time.process_time()
        moves = self.env["account.move"].sudo().with_company(batch.company_id).browse(batch.move_id_list).exists()
        counts, changes = run._collection_run_batch(moves)
        batch.write(
            {
                "state": "done",
                "action_counts": {code: count for code, count in counts.items() if count},
                "stage_change_count": changes,
                "work_seconds": run._collection_clock() - began,
                "query_count": self.env.cr.sql_log_count - queries,
                "cpu_seconds": time.process_time() - cpu,
            }
        )
        if any(counts.get(code) for code in EMAIL_ACTIONS):
            run._collection_wake_mail_queue()
        return _("%(invoices)s invoices, %(changes)s stage changes", invoices=len(moves), changes=changes)
