"""Faults on a real process and a real mail server: the run killed with SIGKILL at random points
(several seeds), then run again; a mail server that answers "try again later" or never answers."""

import json
import os
import random
import signal
import socket
import subprocess
import threading
import time
import uuid

import pytest
from aiosmtpd.controller import Controller
from conftest import (  # tests/e2e/conftest.py (rootdir-relative import, no package)
    MailSink,
    OdooRunner,
    book_counts,
    book_done,
    free_port,
    overdue_book,
)

CLIENTS = 24
BATCH = 3
SEEDS = (11, 23, 47)

SETUP = overdue_book(CLIENTS, "Fault policy", "Fault")

RUN = (
    """
import time
print('START', time.time(), flush=True)
result = env['collection.run']._cron_run_collections(batch_size=%d)
env.cr.commit()
print('RESULT', bool(result), time.time(), flush=True)
"""
    % BATCH
)

COUNTS = book_counts("""
counts['fee_total'] = float(one("SELECT coalesce(sum(amount_untaxed), 0) FROM account_move "
                                "WHERE collection_fee_invoice")[0])
counts['unbalanced'] = one(
    "SELECT count(*) FROM (SELECT move_id FROM account_move_line GROUP BY move_id "
    "HAVING abs(sum(balance)) > 0.001) unbalanced")[0]
""")

# What a complete run gives (book_done), the late fees 10% + 40 = 140 on the 50-day invoice and the
# fixed 40 on the 5-day one, every entry balanced.
EXPECTED = {**book_done(CLIENTS), "fee_total": 180.0 * CLIENTS, "unbalanced": 0}


def _createdb_from(template):
    db = f"fc_fault_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-T", template, db], check=True, capture_output=True)
    return OdooRunner(db)


def _dropdb(runner):
    subprocess.run(["dropdb", "--if-exists", runner.db], check=False, capture_output=True)


def _counts(runner):
    return json.loads(runner.shell(COUNTS).strip().splitlines()[-1])


@pytest.fixture(scope="module")
def template_db(odoo_module_db):
    odoo_module_db.run("-i", "freelance_collections", "--without-demo=all")
    assert "READY %d" % (2 * CLIENTS) in odoo_module_db.shell(SETUP)
    return odoo_module_db


@pytest.fixture(scope="module")
def full_run_seconds(template_db):
    """A complete run on a copy: what every killed run must end with, and how long it takes."""
    runner = _createdb_from(template_db.db)
    try:
        out = runner.shell(RUN)
        start = float(next(line for line in out.splitlines() if line.startswith("START")).split()[1])
        end = float(next(line for line in out.splitlines() if line.startswith("RESULT")).split()[2])
        assert _counts(runner) == EXPECTED
        return end - start
    finally:
        _dropdb(runner)


@pytest.mark.parametrize("seed", SEEDS)
def test_killed_at_a_random_point_then_run_again(template_db, full_run_seconds, seed):
    rng = random.Random(seed)
    runner = _createdb_from(template_db.db)
    try:
        process = runner.shell_process(RUN)
        line = ""
        deadline = time.time() + 120
        while not line.startswith("START") and time.time() < deadline:
            line = process.stdout.readline()
            assert line or process.poll() is None, "the run did not start"
        delay = rng.uniform(0.05, 0.95) * full_run_seconds
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        killed = _counts(runner)
        assert killed["unbalanced"] == 0, killed
        assert killed["email_logs"] == killed["email_keys"] and killed["mails"] == killed["mailed_clients"], killed
        # a late-fee invoice per client, a line (and a log) per invoice: both invoices of a client or none
        assert 2 * killed["fees"] == killed["fee_origins"] == killed["penalty_logs"], killed
        # run again, twice: everything exactly once
        for _ in range(2):
            assert "RESULT True" in runner.shell(RUN)
        assert _counts(runner) == EXPECTED, f"seed {seed}, killed after {delay:.1f} s: {killed}"
    finally:
        _dropdb(runner)


SEND_QUEUE = """
env.ref('mail.ir_cron_mail_scheduler_action').method_direct_trigger()
env.cr.commit()
print('STATES', json.dumps(sorted(set(env['mail.mail'].search(
    [('mail_message_id.model', '=', 'res.partner')]).mapped('state')))))
"""


def _states(out):
    return json.loads(next(line for line in out.splitlines() if line.startswith("STATES")).split(" ", 1)[1])


def test_a_server_that_says_try_again_later_then_one_that_never_answers(template_db):
    runner = _createdb_from(template_db.db)
    port = free_port()
    try:
        runner.shell(
            RUN
            + f"""
env['ir.mail_server'].create({{'name': 'Sink', 'smtp_host': '127.0.0.1', 'smtp_port': {port},
                              'smtp_encryption': 'none', 'sequence': 1}})
env.cr.commit()
"""
        )

        class Busy:
            async def handle_DATA(self, server, session, envelope):
                return "451 4.3.0 Try again later"

        # 1. the server refuses for now (451): Odoo leaves the reminders in exception;
        #    the run queues them again
        busy = Controller(Busy(), hostname="127.0.0.1", port=port)
        busy.start()
        try:
            out = runner.shell("import json\n" + SEND_QUEUE, errors_logged=True)
        finally:
            busy.stop()
        assert _states(out) == ["exception"], out
        out = runner.shell(
            "import json\nprint('REQUEUED', env['collection.run']._collection_requeue_refused_mails())"
            "\nenv.cr.commit()"
        )
        assert f"REQUEUED {CLIENTS}" in out, out

        # 2. a server that accepts the connection and never answers: the send times out, nothing is lost
        silent = socket.socket()
        silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        silent.bind(("127.0.0.1", port))
        silent.listen(5)
        accepted = []
        stop = threading.Event()

        def hold():
            silent.settimeout(0.2)
            while not stop.is_set():
                try:
                    accepted.append(silent.accept()[0])
                except OSError:
                    continue

        holder = threading.Thread(target=hold, daemon=True)
        holder.start()
        try:
            out = runner.shell(
                "import json\nimport odoo.addons.base.models.ir_mail_server as server\n"
                "server.SMTP_TIMEOUT = 2\n"
                + SEND_QUEUE
                + "print('REQUEUED', env['collection.run']._collection_requeue_refused_mails())"
                "\nenv.cr.commit()",
                errors_logged=True,
            )
        finally:
            stop.set()
            holder.join(timeout=5)
            for conn in accepted:
                conn.close()
            silent.close()
        assert accepted, "Odoo did not connect"
        assert f"REQUEUED {CLIENTS}" in out, out

        # 3. the server is back: every reminder leaves, once
        mails = MailSink()
        received = mails.received
        sink = Controller(mails, hostname="127.0.0.1", port=port)
        sink.start()
        try:
            out = runner.shell("import json\n" + SEND_QUEUE)
            for _ in range(50):
                if len(received) >= CLIENTS:
                    break
                time.sleep(0.1)
        finally:
            sink.stop()
        assert _states(out) == ["sent"], out
        assert sorted(message["To"] for message in received) == sorted(
            f'"Fault client {n:03d}" <client{n:03d}@example.com>' for n in range(CLIENTS)
        ), [message["To"] for message in received]
    finally:
        _dropdb(runner)
