"""The run spread over queue_job's workers, as deployed: one Odoo server with ``--workers 2
--load=web,queue_job`` and the job runner's channel ``root:2`` (two jobs at a time).

The run's first piece (started from a shell, as the scheduler would) cuts the book into batches that
never split a client and enqueues one job per batch; the server's job runner hands them to its two HTTP
workers, side by side; the last job ends the run. At the end: one run record, done, its counts those of
the batches, every email, activity and late fee once, and the jobs spread over both workers.
Skipped when queue_job is not installed next to Odoo (scripts/_common.sh installs it).
"""

import json
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import (  # tests/e2e/conftest.py (rootdir-relative import, no package)
    book_counts,
    book_done,
    free_port,
    overdue_book,
)

CLIENTS = 60
JOB_SIZE = 10  # invoices per job: 12 jobs for 120 invoices
WAIT = 300  # seconds, at most, for the jobs

# no cron of the server gets in the way (the mail queue sends nothing: no mail server here)
SETUP = overdue_book(
    CLIENTS,
    "Queue policy",
    "QJ",
    then="env['ir.cron'].search([]).write({'nextcall': fields.Datetime.now() + timedelta(days=1)})",
)

DISPATCH = """
run = env['collection.run'].with_context(collection_job_batch_size={size})._cron_run_collections()
print('RUN', run.id, run.state, len(run.batch_ids), sum(run.batch_ids.mapped('invoice_count')))
"""

COUNTS = book_counts("""
counts['failed_logs'] = one("SELECT count(*) FROM collection_action_log WHERE state = 'failed'")[0]
run = env['collection.run'].search([])
counts['runs'] = [(r.state, r.invoice_count, r.actions['email'], r.actions['penalty'], r.actions['activity'],
                   r.remaining_count) for r in run]
counts['batches'] = sorted(set(run.batch_ids.mapped('state')))
jobs = env['queue.job'].search([])
counts['jobs'] = sorted(set(jobs.mapped('state')))
counts['workers'] = len(set(jobs.filtered(lambda job: job.method_name == '_collection_run_job').mapped('worker_pid')))
""")


def _queue_job_available():
    probe = "from odoo.modules.module import get_module_path as p; print(bool(p('queue_job', display_warning=False)))"
    result = subprocess.run(
        [sys.executable, "-c", f"from odoo.tools import config; config.parse_config([]); {probe}"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip().endswith("True")


def _state(db):
    return subprocess.run(
        ["psql", "-tA", "-d", db, "-c", "SELECT string_agg(state, ',' ORDER BY id) FROM queue_job"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def _wait_http(port, process, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        assert process.poll() is None, "the server stopped"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=5):
                return
        except OSError:
            time.sleep(1)
    raise AssertionError("the server did not answer")


@pytest.mark.skipif(not _queue_job_available(), reason="queue_job is not installed next to Odoo")
def test_two_job_workers_finish_one_run_exactly_once(odoo_db, tmp_path, monkeypatch):
    odoo_db.run("-i", "freelance_collections,queue_job", "--without-demo=all")
    out = odoo_db.shell(SETUP)
    assert f"READY {2 * CLIENTS}" in out, out
    port = free_port()
    log = tmp_path / "server.log"
    monkeypatch.setenv("ODOO_QUEUE_JOB_CHANNELS", "root:2")  # the job runner's [queue_job] channels
    server = odoo_db.server(
        str(log),
        f"--http-port={port}",
        f"--gevent-port={free_port()}",
        "--workers=2",
        "--max-cron-threads=0",
        "--load=web,queue_job",
        "--limit-time-real=300",
    )
    try:
        _wait_http(port, server)
        out = odoo_db.shell(DISPATCH.format(size=JOB_SIZE))
        assert "RUN " in out, out
        _run_id, state, batches, invoices = out.split("RUN ", 1)[1].split()[:4]
        assert (state, int(invoices)) == ("running", 2 * CLIENTS), out
        assert int(batches) >= 2 * CLIENTS // JOB_SIZE, out
        deadline = time.time() + WAIT
        while time.time() < deadline:
            states = _state(odoo_db.db)
            if states and set(states.split(",")) == {"done"}:
                break
            assert "failed" not in states, log.read_text()[-4000:]
            time.sleep(2)
        else:
            raise AssertionError(f"jobs not done in {WAIT} s: {_state(odoo_db.db)}\n{log.read_text()[-4000:]}")
    finally:
        server.terminate()
        server.wait(timeout=60)
    counts = json.loads(odoo_db.shell(COUNTS).strip().splitlines()[-1])
    assert counts == {
        **book_done(CLIENTS),
        "failed_logs": 0,
        # the run counts emails per invoice listed, late fees per late-fee invoice booked (one a client)
        "runs": [["done", 2 * CLIENTS, 2 * CLIENTS, CLIENTS, CLIENTS, 0]],
        "batches": ["done"],
        "jobs": ["done"],
        "workers": 2,
    }, log.read_text()[-3000:]
    errors = [line for line in log.read_text().splitlines() if " ERROR " in line or " CRITICAL " in line]
    assert not errors, "\n".join(errors[:20])
