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
from conftest import free_port  # tests/e2e/conftest.py (rootdir-relative import, no package)

CLIENTS = 60
JOB_SIZE = 10  # invoices per job: 12 jobs for 120 invoices
WAIT = 300  # seconds, at most, for the jobs

SETUP = """
from datetime import timedelta
from odoo import Command, fields
today = fields.Date.context_today(env['res.partner'])
ref = env.ref
policy = env['collection.policy'].create({{
    'name': 'Queue policy', 'quiet_days': 'none', 'reminder_interval_days': 7, 'attach_statement': False,
    'penalty_tier_ids': [Command.create({{'days_late': 15, 'percent': 5}}),
                         Command.create({{'days_late': 45, 'percent': 10}})],
    'fixed_fee': 40,
    'stage_ids': [
        Command.create({{'name': 'Friendly', 'days': 1, 'action_email': True,
                        'mail_template_id': ref('freelance_collections.mail_template_friendly').id}}),
        Command.create({{'name': 'Call', 'days': 30, 'action_activity': True, 'action_email': True,
                        'mail_template_id': ref('freelance_collections.mail_template_firm').id,
                        'activity_type_id': ref('freelance_collections.mail_activity_collection_call').id}}),
    ],
}})
env.company.write({{'collection_policy_id': policy.id, 'email': 'billing@freelancer.example.com'}})
clients = env['res.partner'].create([{{'name': f'QJ client {{index:03d}}', 'is_company': True,
                                      'email': f'client{{index:03d}}@example.com'}} for index in range({clients})])
moves = env['account.move'].create([{{
    'move_type': 'out_invoice', 'partner_id': client.id,
    'invoice_date': today - timedelta(days=late + 30), 'invoice_date_due': today - timedelta(days=late),
    'invoice_line_ids': [Command.create({{'name': 'Design work', 'quantity': 1, 'price_unit': 1000,
                                         'tax_ids': []}})],
}} for client in clients for late in (50, 5)])
moves.action_post()
# no cron of the server gets in the way (the mail queue sends nothing: no mail server here)
env['ir.cron'].search([]).write({{'nextcall': fields.Datetime.now() + timedelta(days=1)}})
env.cr.commit()
print('READY', len(moves))
"""

DISPATCH = """
run = env['collection.run'].with_context(collection_job_batch_size={size})._cron_run_collections()
print('RUN', run.id, run.state, len(run.batch_ids), sum(run.batch_ids.mapped('invoice_count')))
"""

COUNTS = """
import json
cr = env.cr
def one(query):
    cr.execute(query)
    return cr.fetchone()
counts = {}
counts['email_logs'], counts['email_keys'] = one(
    "SELECT count(*), count(DISTINCT key) FROM collection_action_log WHERE action = 'email' AND state = 'done'")
counts['mails'], counts['mailed_clients'] = one(
    "SELECT count(*), count(DISTINCT msg.res_id) FROM mail_mail mail JOIN mail_message msg "
    "ON msg.id = mail.mail_message_id WHERE msg.model = 'res.partner'")
counts['activities'], counts['activity_moves'] = one(
    "SELECT count(*), count(DISTINCT res_id) FROM mail_activity WHERE res_model = 'account.move'")
counts['fees'], counts['fee_origins'] = one(
    "SELECT count(*), count(DISTINCT collection_penalty_origin_id) FROM account_move "
    "WHERE collection_penalty_origin_id IS NOT NULL")
counts['penalty_logs'] = one("SELECT count(*) FROM collection_action_log WHERE action = 'penalty'")[0]
counts['failed_logs'] = one("SELECT count(*) FROM collection_action_log WHERE state = 'failed'")[0]
run = env['collection.run'].search([])
counts['runs'] = [(r.state, r.invoice_count, r.actions['email'], r.actions['penalty'], r.actions['activity'],
                   r.remaining_count) for r in run]
counts['batches'] = sorted(set(run.batch_ids.mapped('state')))
jobs = env['queue.job'].search([])
counts['jobs'] = sorted(set(jobs.mapped('state')))
counts['workers'] = len(set(jobs.filtered(lambda job: job.method_name == '_collection_run_job').mapped('worker_pid')))
print(json.dumps(counts))
"""


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
    out = odoo_db.shell(SETUP.format(clients=CLIENTS))
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
        "email_logs": 2 * CLIENTS,
        "email_keys": 2 * CLIENTS,
        "mails": CLIENTS,
        "mailed_clients": CLIENTS,
        "activities": CLIENTS,
        "activity_moves": CLIENTS,
        "fees": 2 * CLIENTS,
        "fee_origins": 2 * CLIENTS,
        "penalty_logs": 2 * CLIENTS,
        "failed_logs": 0,
        "runs": [["done", 2 * CLIENTS, 2 * CLIENTS, 2 * CLIENTS, CLIENTS, 0]],
        "batches": ["done"],
        "jobs": ["done"],
        "workers": 2,
    }, log.read_text()[-3000:]
    errors = [line for line in log.read_text().splitlines() if " ERROR " in line or " CRITICAL " in line]
    assert not errors, "\n".join(errors[:20])
