"""Pay from the email: a reminder that really leaves through SMTP, its links opened by a visitor who
is not logged in against a running Odoo HTTP server (the demo payment provider enabled)."""

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from aiosmtpd.controller import Controller
from conftest import MailSink, free_port, html_part  # tests/e2e/conftest.py (rootdir-relative import, no package)

SETUP = """
import json
from datetime import timedelta
from odoo import Command, fields
today = fields.Date.context_today(env['res.partner'])
ref = env.ref
env['ir.config_parameter'].sudo().set_param('web.base.url', 'http://127.0.0.1:%(http_port)d')
env['ir.config_parameter'].sudo().set_param('web.base.url.freeze', True)
env['ir.config_parameter'].sudo().set_param('account_payment.enable_portal_payment', True)
method = ref('payment_demo.payment_method_demo')
method.active = True
ref('payment.payment_provider_demo').write({
    'state': 'test', 'is_published': True, 'company_id': env.company.id,
    'payment_method_ids': [Command.set(method.ids)]})
policy = env['collection.policy'].create({
    'name': 'E2E pay links', 'quiet_days': 'none', 'reminder_interval_days': 7,
    'stage_ids': [Command.create({'name': 'Friendly', 'days': 1, 'action_email': True,
                  'mail_template_id': ref('freelance_collections.mail_template_friendly').id})],
})
env.company.write({'collection_policy_id': policy.id, 'email': 'billing@freelancer.example.com'})
env['ir.mail_server'].create({'name': 'Test sink', 'smtp_host': '127.0.0.1', 'smtp_port': %(smtp_port)d,
                              'smtp_encryption': 'none', 'sequence': 1})
ids = {}
for name, amounts in (('Payer A', (500, 120)), ('Payer B', (900,))):
    client = env['res.partner'].create({'name': name, 'is_company': True,
                                        'email': name.lower().replace(' ', '') + '@example.com'})
    ids[name] = []
    ids[name + ' id'] = client.id
    for amount in amounts:
        move = env['account.move'].create({
            'move_type': 'out_invoice', 'partner_id': client.id,
            'invoice_date': today - timedelta(days=40), 'invoice_date_due': today - timedelta(days=10),
            'invoice_line_ids': [Command.create({'name': 'Design work', 'quantity': 1, 'price_unit': amount,
                                                 'tax_ids': []})],
        })
        move.action_post()
        ids[name].append([move.id, move.name])
env['collection.run']._cron_run_collections()
env.cr.commit()
env.ref('mail.ir_cron_mail_scheduler_action').method_direct_trigger()
env.cr.commit()
print('IDS', json.dumps(ids))
"""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url, follow=True):
    """GET URL without any cookie: (status, final URL or Location, body)."""
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=60) as response:
            return response.status, response.url, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", ""), error.read().decode(errors="replace")


@pytest.fixture(scope="module")
def pay_db(odoo_module_db):
    odoo_module_db.run("-i", "freelance_collections,payment_demo", "--without-demo=all")
    return odoo_module_db


@pytest.fixture
def http_server(pay_db):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={pay_db.addons_path}",
            "-d",
            pay_db.db,
            f"--db-filter=^{pay_db.db}$",
            f"--http-port={port}",
            "--workers=0",
            "--max-cron-threads=0",
            "--log-level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 90
        while True:
            with contextlib.suppress(OSError):  # not listening yet
                if _get(f"http://127.0.0.1:{port}/web/login")[0] == 200:
                    break
            assert process.poll() is None and time.time() < deadline, "the Odoo server did not start"
            time.sleep(0.5)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def test_links_of_a_received_reminder_open_the_invoice_and_the_balance(pay_db, http_server):
    smtp_port = free_port()
    sink = MailSink()
    received = sink.received
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        out = pay_db.shell(SETUP % {"http_port": http_server, "smtp_port": smtp_port})
        for _ in range(50):
            if len(received) >= 2:
                break
            time.sleep(0.1)
    finally:
        controller.stop()
    ids = json.loads(out.split("IDS ", 1)[1].splitlines()[0])
    (a1_id, a1_name), (a2_id, a2_name) = ids["Payer A"]
    ((b_id, b_name),) = ids["Payer B"]
    to_a = [message for message in received if "payera@example.com" in message["To"]]
    assert len(to_a) == 1, [message["To"] for message in received]
    html = html_part(to_a[0])
    links = re.findall(r'href="([^"]+)"', html)
    base = f"http://127.0.0.1:{http_server}"

    invoice_links = [link for link in links if link.startswith(f"{base}/my/invoices/")]
    assert invoice_links, html[:3000]
    first = invoice_links[0]
    assert re.match(rf"{re.escape(base)}/my/invoices/{a1_id}\?access_token=[\w-]+$", first), first
    status, _url, page = _get(first)
    assert status == 200, page[:2000]
    assert a1_name in page and "Pay Now" in page
    assert 'id="o_payment_form"' in page, "the demo provider is offered"
    assert b_name not in page

    balance_links = [link for link in links if "/collections/balance/" in link]
    assert len(set(balance_links)) == 1, links
    status, _url, page = _get(balance_links[0])
    assert status == 200, page[:2000]
    assert a1_name in page and a2_name in page and b_name not in page
    assert "620.00" in page and "o_collection_pay_all" in page
    pay_path = re.search(r'href="(/collections/balance/\d+/pay/\d+/\d+\?access_token=\w+)"', page).group(1)
    status, _url, page = _get(base + pay_path)
    assert status == 200 and 'id="o_payment_form"' in page and "Demo" in page, page[:2000]

    token = first.split("access_token=", 1)[1]
    for other_id, other_name in ((b_id, b_name), (a2_id, a2_name)):
        status, location, page = _get(f"{base}/my/invoices/{other_id}?access_token={token}", follow=False)
        assert status in (301, 302, 303, 403, 404), status
        if status in (301, 302, 303):
            assert location.rstrip("/").endswith("/my"), location
        assert other_name not in page
    balance = balance_links[0]
    wrong = balance[:-1] + ("1" if balance.endswith("0") else "0")
    other = balance.replace(f"/balance/{ids['Payer A id']}?", f"/balance/{ids['Payer B id']}?")
    assert other != balance
    for url in (wrong, other):
        status, _url, page = _get(url, follow=False)
        assert status == 404 and a1_name not in page and b_name not in page, (url, status)
