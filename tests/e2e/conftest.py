"""End-to-end checks drive a real Odoo (18.0 or 19.0) through its command line, in throw-away databases."""

import os
import socket
import subprocess
import sys
import uuid

import pytest
from aiosmtpd.handlers import Message

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def odoo_root():
    """The folder that holds odoo/ and odoo-bin (``odoo.__file__`` is None on 19.0: a namespace package)."""
    import odoo.release  # noqa: PLC0415

    return os.path.dirname(os.path.dirname(odoo.release.__file__))


def with_demo():
    """The options that install demo data: none on 18.0 (the default), ``--with-demo`` on 19.0."""
    import odoo.release  # noqa: PLC0415

    return ["--with-demo"] if odoo.release.version_info[0] >= 19 else []


def _addons_path():
    if os.environ.get("ODOO_ADDONS_PATH"):
        return os.environ["ODOO_ADDONS_PATH"]
    root = odoo_root()
    paths = [REPO]
    if os.path.isdir(os.path.join(root, "addons")):
        paths.append(os.path.join(root, "addons"))
    paths.append(os.path.join(root, "odoo", "addons"))
    return ",".join(paths)


class OdooRunner:
    """Runs odoo-bin commands and shell scripts against one database."""

    def __init__(self, db):
        self.db = db
        self.addons_path = _addons_path()

    def run(self, *args, timeout=1200):
        cmd = [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={self.addons_path}",
            "-d",
            self.db,
            "--stop-after-init",
            "--log-level=warn",
            *args,
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"{' '.join(args)} failed:\n{output[-4000:]}"
        errors = [
            line
            for line in output.splitlines()
            if " ERROR " in line or " CRITICAL " in line or "failed to install" in line
        ]
        assert not errors, "\n".join(errors)
        return output

    def _shell_command(self):
        return [
            sys.executable,
            "-m",
            "odoo",
            "shell",
            f"--addons-path={self.addons_path}",
            "-d",
            self.db,
            "--no-http",
            "--log-level=warn",
        ]

    def shell(self, script, timeout=600, errors_logged=False):
        """Run SCRIPT in `odoo shell` (``env`` is there) and return what it printed. A traceback in
        the log fails, unless ERRORS_LOGGED (Odoo logs an error it survives, a refused email say)."""
        result = subprocess.run(self._shell_command(), input=script, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert errors_logged or "Traceback" not in result.stderr, result.stderr[-3000:]
        return result.stdout

    def shell_process(self, script):
        """Start SCRIPT in `odoo shell` as a process of its own session (to be killed), output piped."""
        process = subprocess.Popen(
            self._shell_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        process.stdin.write(script)
        process.stdin.close()
        return process

    def server(self, logfile, *args):
        """Start a real Odoo server (odoo-bin, so that --workers can spawn its gevent process) on this
        database alone, its log in LOGFILE; the caller stops it (terminate, then wait)."""
        odoo_bin = os.path.join(odoo_root(), "odoo-bin")
        command = [sys.executable, odoo_bin] if os.path.exists(odoo_bin) else ["odoo"]
        log = open(logfile, "w")  # noqa: SIM115 - closed with the process by the caller's terminate
        return subprocess.Popen(
            [
                *command,
                f"--addons-path={self.addons_path}",
                "-d",
                self.db,
                f"--db-filter=^{self.db}$",
                "--log-level=info",
                *args,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailSink(Message):
    """An SMTP server's handler (aiosmtpd's Controller) that keeps every message it accepts in RECEIVED."""

    def __init__(self):
        super().__init__()
        self.received = []

    def handle_message(self, message):
        self.received.append(message)


def html_part(message):
    """The HTML body of an email.message.Message, or ''."""
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True).decode()
    return ""


_OVERDUE_BOOK = """
from datetime import timedelta
from odoo import Command, fields
today = fields.Date.context_today(env['res.partner'])
ref = env.ref
{mail_server}
policy = env['collection.policy'].create({{
    'name': {policy!r}, 'quiet_days': 'none', 'reminder_interval_days': 7, 'attach_statement': False,
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
clients = env['res.partner'].create([{{'name': f'{names} client {{index:03d}}', 'is_company': True,
                                      'email': f'client{{index:03d}}@example.com'}} for index in range({clients})])
moves = env['account.move'].create([{{
    'move_type': 'out_invoice', 'partner_id': client.id,
    'invoice_date': today - timedelta(days=late + 30), 'invoice_date_due': today - timedelta(days=late),
    'invoice_line_ids': [Command.create({{'name': 'Design work', 'quantity': 1, 'price_unit': 1000,
                                         'tax_ids': []}})],
}} for client in clients for late in (50, 5)])
moves.action_post()
{then}
env.cr.commit()
print('READY', env['account.move'].search_count([('collection_policy_id', '=', policy.id)]))
"""

_MAIL_SERVER = """
env['ir.mail_server'].create({{'name': 'Test sink', 'smtp_host': '127.0.0.1', 'smtp_port': {port},
                              'smtp_encryption': 'none', 'sequence': 1}})
"""


def overdue_book(clients, policy, names, smtp_port=None, then=""):
    """An ``odoo shell`` script that builds the book of the run tests, commits and prints ``READY <n>``,
    N the invoices under the policy.

    The company's policy, named POLICY: a friendly email from 1 day late; from 30 days a call activity
    and a firm email; late fees of 5% from 15 days, 10% from 45, and a fixed fee of 40. CLIENTS clients,
    ``<NAMES> client 000`` (client000@example.com) and on, each with two posted invoices of 1000: one
    50 days late (email, call activity, both late-fee steps), one 5 days late (in the same email).
    SMTP_PORT: a mail server on 127.0.0.1 at that port, first in line. THEN: more lines of the script,
    run once the invoices are posted, before the commit."""
    mail_server = _MAIL_SERVER.format(port=smtp_port) if smtp_port else ""
    return _OVERDUE_BOOK.format(mail_server=mail_server, policy=policy, names=names, clients=clients, then=then)


_BOOK_COUNTS = """
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
counts['fees'] = one("SELECT count(*) FROM account_move WHERE collection_fee_invoice")[0]
counts['fee_origins'] = one(
    "SELECT count(DISTINCT line.collection_penalty_origin_id) FROM account_move_line line "
    "JOIN account_move fee ON fee.id = line.move_id WHERE fee.collection_fee_invoice")[0]
counts['penalty_logs'] = one("SELECT count(*) FROM collection_action_log WHERE action = 'penalty'")[0]
"""


def book_counts(more=""):
    """An ``odoo shell`` script that prints, as a JSON object on its last line, what the run did to an
    overdue_book: the keys of book_done(), and those the lines MORE add to ``counts`` (with ``one(query)``,
    the first row of a query)."""
    return _BOOK_COUNTS + more + "print(json.dumps(counts))\n"


def book_done(clients):
    """What book_counts() prints once a complete run has gone over an overdue_book of CLIENTS clients:
    every client one email (both its invoices in it: batches never split a client), every 50-day
    invoice a call, every client one late-fee invoice (a line per invoice), each action logged once."""
    return {
        "email_logs": 2 * clients,
        "email_keys": 2 * clients,
        "mails": clients,
        "mailed_clients": clients,
        "activities": clients,
        "activity_moves": clients,
        "fees": clients,
        "fee_origins": 2 * clients,
        "penalty_logs": 2 * clients,
    }


@pytest.fixture
def odoo_db():
    db = f"{os.environ.get('FC_E2E_DB_PREFIX', 'fc_e2e_')}{uuid.uuid4().hex[:8]}"
    subprocess.run(["dropdb", "--if-exists", db], check=False, capture_output=True)
    yield OdooRunner(db)
    subprocess.run(["dropdb", "--if-exists", db], check=False, capture_output=True)


@pytest.fixture(scope="module")
def odoo_module_db():
    """One throw-away database shared by the tests of a module."""
    db = f"{os.environ.get('FC_E2E_DB_PREFIX', 'fc_e2e_')}{uuid.uuid4().hex[:8]}"
    subprocess.run(["dropdb", "--if-exists", db], check=False, capture_output=True)
    yield OdooRunner(db)
    subprocess.run(["dropdb", "--if-exists", db], check=False, capture_output=True)
