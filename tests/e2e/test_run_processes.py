"""The daily run as real processes: killed between batches, started twice at once, and emails that
really leave through an SMTP server."""

import json
import os
import signal
import time

import pytest
from aiosmtpd.controller import Controller
from conftest import MailSink, free_port, html_part  # tests/e2e/conftest.py (rootdir-relative import, no package)

CLIENTS = 40
BATCH = 5

SETUP = f"""
from datetime import timedelta
from odoo import Command, fields
today = fields.Date.context_today(env['res.partner'])
ref = env.ref
policy = env['collection.policy'].create({{
    'name': 'E2E policy', 'quiet_days': 'none', 'reminder_interval_days': 7,
    'stage_ids': [
        Command.create({{'name': 'Friendly', 'days': 1, 'action_email': True, 'action_activity': True,
                        'mail_template_id': ref('freelance_collections.mail_template_friendly').id,
                        'activity_type_id': ref('freelance_collections.mail_activity_collection_call').id}}),
        Command.create({{'name': 'Call', 'days': 30, 'action_activity': True,
                        'activity_type_id': ref('freelance_collections.mail_activity_collection_call').id}}),
    ],
}})
env.company.write({{'collection_policy_id': policy.id, 'email': 'billing@freelancer.example.com'}})
for index in range({CLIENTS}):
    client = env['res.partner'].create({{'name': f'E2E client {{index:03d}}', 'is_company': True,
                                         'email': f'client{{index:03d}}@example.com'}})
    move = env['account.move'].create({{
        'move_type': 'out_invoice', 'partner_id': client.id,
        'invoice_date': today - timedelta(days=45), 'invoice_date_due': today - timedelta(days=15),
        'invoice_line_ids': [Command.create({{'name': 'Design work', 'quantity': 1, 'price_unit': 500,
                                             'tax_ids': []}})],
    }})
    move.action_post()
env.cr.commit()
print('READY', env['account.move'].search_count([('collection_policy_id', '=', policy.id)]))
"""

# A run slowed down after each batch (its actions done, the commit follows), so the test can kill it there.
SLOW_RUN = (
    """
import time
Run = type(env['collection.run'])
original = Run._collection_run_batch
def slow_batch(self, batch):
    result = original(self, batch)
    print('BATCH', flush=True)
    time.sleep(1.5)
    return result
Run._collection_run_batch = slow_batch
result = env['collection.run']._cron_run_collections(batch_size=%d)
print('RESULT', bool(result), flush=True)
env.cr.commit()
"""
    % BATCH
)

COUNTS = """
import json
env.cr.execute("SELECT count(*), count(DISTINCT key) FROM collection_action_log WHERE action = 'email'")
logs, distinct = env.cr.fetchone()
env.cr.execute("SELECT count(*) FROM collection_action_log WHERE action = 'activity'")
activity_logs = env.cr.fetchone()[0]
env.cr.execute("SELECT count(*), count(DISTINCT msg.res_id) FROM mail_mail mail "
               "JOIN mail_message msg ON msg.id = mail.mail_message_id WHERE msg.model = 'res.partner'")
mails, mailed_partners = env.cr.fetchone()
activities = env['mail.activity'].search_count([('res_model', '=', 'account.move')])
print(json.dumps({'email_logs': logs, 'distinct': distinct, 'mails': mails,
                  'mailed_partners': mailed_partners, 'activity_logs': activity_logs,
                  'activities': activities}))
"""


@pytest.fixture(scope="module")
def run_db(odoo_module_db):
    odoo_module_db.run("-i", "freelance_collections", "--without-demo=all")
    assert "READY %d" % CLIENTS in odoo_module_db.shell(SETUP)
    return odoo_module_db


def _counts(runner):
    return json.loads(runner.shell(COUNTS).strip().splitlines()[-1])


def test_killed_run_resumes_without_repeating_and_concurrent_run_exits(run_db):
    slow = run_db.shell_process(SLOW_RUN)
    batches = 0
    deadline = time.time() + 300
    while batches < 3 and time.time() < deadline:
        line = slow.stdout.readline()
        if not line:
            break
        if line.startswith("BATCH"):
            batches += 1
            if batches == 1:
                # a second run while the first holds the lock: it exits at once, doing nothing
                second = run_db.shell("print('SECOND', env['collection.run']._cron_run_collections())")
                assert "SECOND False" in second, second
    assert batches == 3, "the slowed run did not reach its third batch"
    time.sleep(2.0)  # the third batch committed; the fourth is being worked on
    os.killpg(slow.pid, signal.SIGKILL)
    slow.wait(timeout=30)
    assert slow.returncode == -signal.SIGKILL

    killed = _counts(run_db)
    assert BATCH * 3 <= killed["email_logs"] < CLIENTS, killed
    assert killed["email_logs"] == killed["distinct"] == killed["mails"] == killed["mailed_partners"], killed

    out = run_db.shell("print('RESUMED', bool(env['collection.run']._cron_run_collections()))\nenv.cr.commit()")
    assert "RESUMED True" in out
    resumed = _counts(run_db)
    assert resumed == {
        "email_logs": CLIENTS,
        "distinct": CLIENTS,
        "mails": CLIENTS,
        "mailed_partners": CLIENTS,
        "activity_logs": CLIENTS,
        "activities": CLIENTS,
    }, resumed

    out = run_db.shell(
        "print('AGAIN', dict(env['collection.run']._cron_run_collections().actions))\n" "env.cr.commit()"
    )
    assert "AGAIN {}" in out
    assert _counts(run_db) == resumed


def test_emails_leave_through_smtp_and_survive_a_refusing_server(run_db):
    port = free_port()
    # 1. the mail server cannot be reached: Odoo leaves the reminders in exception
    refused = run_db.shell(f"""
env['ir.mail_server'].create({{'name': 'Test sink', 'smtp_host': '127.0.0.1', 'smtp_port': {port},
                              'smtp_encryption': 'none', 'sequence': 1}})
env['collection.run']._cron_run_collections()
client = env['res.partner'].search([('name', '=', 'E2E client 000')])
env['account.move'].search([('partner_id', '=', client.id)]).action_collection_send_reminder()
env.cr.commit()
env.ref('mail.ir_cron_mail_scheduler_action').method_direct_trigger()
env.cr.commit()
mails = env['mail.mail'].search([('mail_message_id.model', '=', 'res.partner')])
print('STATES', sorted(set(mails.mapped('state'))))
""")
    assert "STATES ['exception']" in refused, refused
    # 2. the next run puts them back in the queue
    requeued = run_db.shell(
        "print('REQUEUED', env['collection.run']._collection_requeue_refused_mails())\nenv.cr.commit()\n"
        "print('STATES', sorted(set(env['mail.mail'].search("
        "[('mail_message_id.model', '=', 'res.partner')]).mapped('state'))))"
    )
    assert f"REQUEUED {CLIENTS + 1}" in requeued and "STATES ['outgoing']" in requeued, requeued

    # 3. the server is back: every reminder leaves, once
    sink = MailSink()
    received = sink.received
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        out = run_db.shell(
            "env.ref('mail.ir_cron_mail_scheduler_action').method_direct_trigger()\nenv.cr.commit()\n"
            "print('STATES', sorted(set(env['mail.mail'].search("
            "[('mail_message_id.model', '=', 'res.partner')]).mapped('state'))))"
        )
        for _ in range(50):
            if len(received) >= CLIENTS + 1:
                break
            time.sleep(0.1)
    finally:
        controller.stop()
    assert "STATES ['sent']" in out, out
    assert len(received) == CLIENTS + 1, out
    to_first = [message for message in received if "client000@example.com" in message["To"]]
    assert len(to_first) == 2, "the run's reminder and the one sent by hand"
    assert all("billing@freelancer.example.com" in message["From"] for message in received), sorted(
        {message["From"] for message in received}
    )
    assert {message["Subject"].split(": ", 1)[-1] for message in received} == {"payment reminder"}
    html = html_part(to_first[0])
    assert "INV/" in html and "Dear E2E client 000" in html, html[:2000]
