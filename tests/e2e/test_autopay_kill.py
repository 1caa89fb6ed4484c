"""Autopay never charges twice: a real run process killed with SIGKILL right after the provider took
the charge (before anything of its answer was committed), or after its answer was committed but
before the payment was booked and logged; then run again, twice. One transaction, one charge request,
the invoice paid once (or, when the answer was lost, the charge recorded as waiting for it)."""

import json
import signal
import subprocess
import uuid

import pytest
from conftest import OdooRunner  # tests/e2e/conftest.py (rootdir-relative import, no package)

SETUP = """
from odoo import Command, fields
today = fields.Date.context_today(env['res.partner'])
ref = env.ref
policy = env['collection.policy'].create({
    'name': 'Autopay policy', 'quiet_days': 'none', 'attach_statement': False,
    'autopay_notice_days': 0, 'autopay_retry_days': '1, 3',
    'stage_ids': [Command.create({'name': 'Friendly', 'days': 1, 'action_email': True,
                                  'mail_template_id': ref('freelance_collections.mail_template_friendly').id})],
})
env.company.write({'collection_policy_id': policy.id, 'email': 'billing@freelancer.example.com'})
method = ref('payment_demo.payment_method_demo')
method.active = True
provider = ref('payment.payment_provider_demo')
provider.write({'state': 'test', 'is_published': True, 'company_id': env.company.id,
                'payment_method_ids': [Command.set(method.ids)]})
client = env['res.partner'].create({'name': 'Autopay client', 'is_company': True, 'email': 'a@example.com'})
token = env['payment.token'].create({
    'provider_id': provider.id, 'payment_method_id': method.id, 'partner_id': client.id,
    'provider_ref': 'demo-1', 'payment_details': '4242', 'demo_simulated_state': 'done'})
client._collection_autopay_on(token, 'I agree')
move = env['account.move'].create({
    'move_type': 'out_invoice', 'partner_id': client.id, 'invoice_date': today, 'invoice_date_due': today,
    'invoice_line_ids': [Command.create({'name': 'Design work', 'quantity': 1, 'price_unit': 1000, 'tax_ids': []})],
})
move.action_post()
env.cr.commit()
print('READY', move.id)
"""

# Counts every call of _send_payment_request (the charge request to the provider) in this process;
# KILL_AT names where the process kills itself with SIGKILL.
RUN = """
import os, signal
KILL_AT = %r
Tx = type(env['payment.transaction'])
Run = type(env['collection.run'])
send, finish = Tx._send_payment_request, Run._collection_autopay_finish
def sending(self):
    print('SENT', self.reference, flush=True)
    send(self)
    if KILL_AT == 'after_send':
        os.kill(os.getpid(), signal.SIGKILL)
def finishing(self, tx):
    if KILL_AT == 'before_recording':
        os.kill(os.getpid(), signal.SIGKILL)
    return finish(self, tx)
Tx._send_payment_request = sending
Run._collection_autopay_finish = finishing
result = env['collection.run']._cron_run_collections()
env.cr.commit()
print('RESULT', bool(result), flush=True)
"""

COUNTS = """
import json
cr = env.cr
def one(query):
    cr.execute(query)
    return cr.fetchone()
def column(query):
    cr.execute(query)
    return sorted(row[0] for row in cr.fetchall())
counts = {}
counts['transactions'], counts['keys'] = one(
    "SELECT count(*), count(DISTINCT collection_autopay_key) FROM payment_transaction")
counts['tx_states'] = column("SELECT state FROM payment_transaction")
counts['payments'] = one("SELECT count(*) FROM account_payment WHERE payment_transaction_id IS NOT NULL")[0]
counts['charge_logs'] = column("SELECT state FROM collection_action_log WHERE action = 'autopay_charge'")
state = one("SELECT payment_state FROM account_move WHERE move_type = 'out_invoice'")[0]
counts['payment_state'] = 'paid' if state == 'in_payment' else state  # in_payment: paid, not yet on the bank
print(json.dumps(counts))
"""


def _counts(runner):
    return json.loads(runner.shell(COUNTS).strip().splitlines()[-1])


@pytest.fixture(scope="module")
def template_db(odoo_module_db):
    odoo_module_db.run("-i", "freelance_collections,payment_demo", "--without-demo=all")
    assert "READY" in odoo_module_db.shell(SETUP)
    return odoo_module_db


@pytest.fixture
def copy_db(template_db):
    db = f"fc_autopay_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-T", template_db.db, db], check=True, capture_output=True)
    yield OdooRunner(db)
    subprocess.run(["dropdb", "--if-exists", db], check=False, capture_output=True)


def _killed_run(runner, kill_at):
    process = runner.shell_process(RUN % kill_at)
    out = process.stdout.read()  # until the process ends
    process.wait(timeout=600)
    assert process.returncode == -signal.SIGKILL, f"the run was not killed at {kill_at}:\n{out[-3000:]}"
    return out


@pytest.mark.parametrize(
    ("kill_at", "after_kill", "expected"),
    [
        # the provider's answer died with the process: the charge stays waiting, never sent again
        (
            "after_send",
            {"tx_states": ["draft"], "payments": 0, "charge_logs": []},
            {"tx_states": ["draft"], "payments": 0, "charge_logs": ["pending"], "payment_state": "not_paid"},
        ),
        # the answer (paid) was committed: the rerun books the payment and logs it, sends nothing
        (
            "before_recording",
            {"tx_states": ["done"], "payments": 0, "charge_logs": []},
            {"tx_states": ["done"], "payments": 1, "charge_logs": ["done"], "payment_state": "paid"},
        ),
    ],
)
def test_killed_between_charging_and_recording_then_run_again(copy_db, kill_at, after_kill, expected):
    out = _killed_run(copy_db, kill_at)
    assert out.count("SENT ") == 1, out[-3000:]
    killed = _counts(copy_db)
    assert killed["transactions"] == 1, killed
    assert {key: killed[key] for key in after_kill} == after_kill, killed
    for _ in range(2):
        rerun = copy_db.shell(RUN % None)
        assert "RESULT True" in rerun, rerun[-3000:]
        assert "SENT " not in rerun, "the charge was sent again"
    final = _counts(copy_db)
    assert final["transactions"] == final["keys"] == 1, final
    assert {key: final[key] for key in expected} == expected, final
