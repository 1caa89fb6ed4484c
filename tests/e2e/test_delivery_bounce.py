"""A reminder refused for good by a real SMTP server (550 on RCPT TO) reaches a person: after the mail
queue and the next collections run, the client is flagged and its collections responsible has one
activity; the client whose address works is left alone."""

import json

from aiosmtpd.controller import Controller
from conftest import MailSink, free_port  # tests/e2e/conftest.py (rootdir-relative import, no package)

BAD = "nobody@client-bad.example.com"
GOOD = "accounts@client-good.example.com"

SCRIPT = """
import json
from datetime import timedelta
from odoo import Command, fields
today = fields.Date.context_today(env['res.partner'])
ref = env.ref
env['ir.mail_server'].create({{'name': 'Test sink', 'smtp_host': '127.0.0.1', 'smtp_port': {port},
                              'smtp_encryption': 'none', 'sequence': 1}})
policy = env['collection.policy'].create({{
    'name': 'E2E policy', 'quiet_days': 'none', 'reminder_interval_days': 0,
    'stage_ids': [Command.create({{'name': 'Friendly', 'days': 1, 'action_email': True,
        'mail_template_id': ref('freelance_collections.mail_template_friendly').id}})],
}})
env.company.write({{'collection_policy_id': policy.id, 'email': 'billing@freelancer.example.com'}})
clients = {{}}
for name, email in (('Bad Co', '{bad}'), ('Good Co', '{good}')):
    client = clients[name] = env['res.partner'].create({{'name': name, 'is_company': True, 'email': email}})
    move = env['account.move'].create({{
        'move_type': 'out_invoice', 'partner_id': client.id,
        'invoice_date': today - timedelta(days=40), 'invoice_date_due': today - timedelta(days=10),
        'invoice_line_ids': [Command.create({{'name': 'Design work', 'quantity': 1, 'price_unit': 800,
                                             'tax_ids': []}})],
    }})
    move.action_post()
env.cr.commit()
first = env['collection.run']._cron_run_collections()
env.cr.commit()
env.ref('mail.ir_cron_mail_scheduler_action').method_direct_trigger()
env.cr.commit()
env.invalidate_all()
states = sorted(env['mail.mail'].search([('mail_message_id.model', '=', 'res.partner')]).mapped('state'))
second = env['collection.run']._cron_run_collections()
env.cr.commit()
third = env['collection.run']._cron_run_collections()
env.cr.commit()
env.invalidate_all()
activity_type = ref('freelance_collections.mail_activity_collection_undeliverable')
result = {{'first': dict(first.actions), 'states': states, 'second': dict(second.actions),
          'third': dict(third.actions)}}
for name, client in clients.items():
    activities = env['mail.activity'].search([('res_model', '=', 'res.partner'), ('res_id', '=', client.id),
                                              ('activity_type_id', '=', activity_type.id)])
    logs = env['collection.action.log'].search([('partner_id', '=', client.id),
                                                ('action', '=', 'undeliverable')])
    result[name] = {{'flag': client.collection_undeliverable,
                    'reason': client.collection_undeliverable_reason,
                    'activities': activities.mapped('summary'), 'logs': logs.mapped('note')}}
result['dashboard'] = env['collection.dashboard'].create({{}}).undeliverable_partner_count
print('RESULT', json.dumps(result))
"""


class RefusingSink(MailSink):
    """Accepts every recipient but one, which does not exist."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == BAD:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_hard_bounce_gives_the_responsible_an_activity(odoo_db):
    odoo_db.run("-i", "freelance_collections", "--without-demo=all")
    port = free_port()
    sink = RefusingSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        # Odoo logs the refused email with its traceback: expected here
        out = odoo_db.shell(SCRIPT.format(port=port, bad=BAD, good=GOOD), errors_logged=True)
    finally:
        controller.stop()
    lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
    assert lines, out[-3000:]
    result = json.loads(lines[-1][len("RESULT ") :])
    assert result["first"] == {"email": 2}, result
    assert result["states"] == ["exception", "sent"], result
    assert len(sink.received) == 1 and GOOD in sink.received[0]["To"], [m["To"] for m in sink.received]
    assert result["second"] == {"undeliverable": 1}, result
    assert result["third"] == {}, "nothing twice"
    bad = result["Bad Co"]
    assert bad["flag"] and bad["reason"] == "bounce", bad
    assert bad["activities"] == ["Reminder undeliverable: fix the address or call"], bad
    assert len(bad["logs"]) == 1 and "550 5.1.1 no such user" in bad["logs"][0], bad
    assert result["Good Co"] == {"flag": False, "reason": False, "activities": [], "logs": []}, result
    assert result["dashboard"] == 1
