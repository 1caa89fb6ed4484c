"""The daily run under Odoo's own multi-process server, as deployed: two servers on one database, each
with ``--workers 2 --max-cron-threads 1`` and a cron time limit far below the run's length.

Odoo's cron runner starts the run; the run works in pieces that fit the limit, each asking the
scheduler for the next; one piece is killed mid-batch with SIGKILL (what Odoo's watchdog sends at the
limit); reminders leave through Odoo's mail queue cron to a real SMTP server. At the end: one run
record, made of several pieces that never overlapped, and every email, activity and late fee once.

A note on the limit: Odoo's cron workers sleep 60 to 69 s between polls and the watchdog counts that
sleep, so under a limit this short an idle cron worker is killed before it ever polls (the log shows
it every 10 s while nothing notifies them) and jobs only start when the workers are notified (``ir.cron._trigger``, or
``pg_notify('cron_trigger', db)``). The run notifies them for each next piece itself; after the kill,
the test notifies once, standing in for the poll that a limit over 70 s would give.
"""

import itertools
import json
import os
import re
import signal
import subprocess
import time

import pytest
from aiosmtpd.controller import Controller
from conftest import (  # tests/e2e/conftest.py (rootdir-relative import, no package)
    MailSink,
    book_counts,
    book_done,
    free_port,
    overdue_book,
)

CLIENTS = 120
LIMIT = 10  # --limit-time-real-cron, seconds
WAIT = 240  # at most, for the run and the mail queue

# the crons of a server in its steady state: the others are not due now; the run is (tonight's call),
# the mail queue at its next hourly call unless woken
CRONS = """
now = fields.Datetime.now()
env['ir.cron'].search([]).write({'nextcall': now + timedelta(days=1)})
ref('mail.ir_cron_mail_scheduler_action').nextcall = now + timedelta(hours=1)
ref('freelance_collections.ir_cron_run_collections').nextcall = now - timedelta(minutes=1)
"""

COUNTS = book_counts("""
from odoo import fields
counts['fee_total'] = float(one("SELECT coalesce(sum(amount_untaxed), 0) FROM account_move "
                                "WHERE collection_fee_invoice")[0])
counts['failed_logs'] = one("SELECT count(*) FROM collection_action_log WHERE state = 'failed'")[0]
counts['unhandled'] = one(
    "SELECT count(*) FROM account_move WHERE move_type = 'out_invoice' AND state = 'posted' "
    "AND collection_fee_invoice IS NOT TRUE AND collection_next_run_date IS NULL")[0]
cron = env.ref('freelance_collections.ir_cron_run_collections')
counts['cron'] = {'active': cron.active, 'failure_count': cron.failure_count,
                  'nextcall_later': cron.nextcall > fields.Datetime.now()}
""")

EXPECTED = {
    **book_done(CLIENTS),
    "fee_total": 180.0 * CLIENTS,
    "failed_logs": 0,
    "unhandled": 0,
    "cron": {"active": True, "failure_count": 0, "nextcall_later": True},
}


def _psql(db, query):
    return subprocess.run(
        ["psql", "-tA", "-d", db, "-c", query], capture_output=True, text=True, check=True
    ).stdout.strip()


def _runs(db):
    rows = _psql(
        db,
        "SELECT coalesce(json_agg(json_build_object('id', id, 'state', state, 'pieces', pieces, "
        "'piece_count', piece_count, 'cut_count', cut_count, 'invoices', invoice_count) "
        "ORDER BY id), '[]') FROM collection_run",
    )
    return json.loads(rows)


def _sent(db):
    return int(
        _psql(
            db,
            "SELECT count(*) FROM mail_mail mail JOIN mail_message msg ON msg.id = mail.mail_message_id "
            "WHERE msg.model = 'res.partner' AND mail.state = 'sent'",
        )
    )


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wake_cron_workers(db):
    """What ir.cron._trigger() sends on commit: the cron workers of every server wake and poll."""
    _psql("postgres", f"SELECT pg_notify('cron_trigger', '{db}')")


@pytest.fixture(scope="module")
def book(odoo_module_db):
    port = free_port()
    odoo_module_db.run("-i", "freelance_collections", "--without-demo=all")
    out = odoo_module_db.shell(overdue_book(CLIENTS, "Multiworker policy", "MW", smtp_port=port, then=CRONS))
    assert f"READY {2 * CLIENTS}" in out, out
    return odoo_module_db, port


def test_two_time_limited_multiworker_servers_finish_one_run_exactly_once(book, tmp_path):
    runner, smtp_port = book
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    logs = [tmp_path / "server_a.log", tmp_path / "server_b.log"]
    servers = [
        runner.server(
            str(log),
            f"--http-port={free_port()}",
            f"--gevent-port={free_port()}",
            "--workers=2",
            "--max-cron-threads=1",
            f"--limit-time-real-cron={LIMIT}",
        )
        for log in logs
    ]
    began = time.time()
    killed_pid = None
    dead_since, woken = {}, set()
    try:
        # both servers up, each with a cron worker listening: tonight's call of the run is due
        deadline = time.time() + 60
        while not all("WorkerCron" in log.read_text() for log in logs):
            assert time.time() < deadline, "the cron workers did not start"
            assert all(server.poll() is None for server in servers), "a server exited"
            time.sleep(0.5)
        _wake_cron_workers(runner.db)
        deadline = time.time() + WAIT
        done = False
        while time.time() < deadline:
            runs = _runs(runner.db)
            run = runs[-1] if runs else None
            if run and run["state"] == "done" and _sent(runner.db) >= CLIENTS and len(sink.received) >= CLIENTS:
                done = True
                break
            piece = run and run["pieces"] and run["pieces"][-1]
            if (
                killed_pid is None
                and run
                and run["state"] == "running"
                and run["piece_count"] >= 2
                and piece["stop"] is None
                and piece["invoices"] > 0
            ):
                # a piece has committed a batch and works on the next: kill its cron worker there
                killed_pid = piece["pid"]
                os.kill(killed_pid, signal.SIGKILL)
            if run and run["state"] == "running" and piece["stop"] is None and not _alive(piece["pid"]):
                # the piece's worker is dead (our kill, or Odoo's watchdog): no cron worker polls under
                # this limit; wake them once, as the poll would under a limit over 70 s
                dead_since.setdefault(piece["pid"], time.time())
                if time.time() - dead_since[piece["pid"]] > 2 and piece["pid"] not in woken:
                    woken.add(piece["pid"])
                    _wake_cron_workers(runner.db)
            time.sleep(0.5)
        elapsed = time.time() - began
        assert done, f"not finished after {WAIT} s: {json.dumps(_runs(runner.db))[:3000]}"
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=30)
        controller.stop()

    runs = _runs(runner.db)
    assert len(runs) == 1, "one run, however many pieces: " + json.dumps(runs)[:2000]
    run = runs[0]
    pieces = run["pieces"]
    assert killed_pid is not None and run["cut_count"] >= 1, run
    assert run["piece_count"] == len(pieces) >= 3, run
    assert run["invoices"] >= 2 * CLIENTS, run
    assert pieces[-1]["stop"] == "done" and {piece["stop"] for piece in pieces} <= {"time", "cut", "done"}, pieces
    # never two pieces at once: each starts after the one before made its last commit
    for before, after in itertools.pairwise(pieces):
        assert after["start"] >= before["end"], (before, after)
    # every piece ran in a cron worker of one of the two servers
    texts = [log.read_text() for log in logs]
    worker_pids = [set(map(int, re.findall(r"Worker WorkerCron \((\d+)\) alive", text))) for text in texts]
    assert all(piece["pid"] in worker_pids[0] | worker_pids[1] for piece in pieces), (pieces, worker_pids)
    # Odoo's watchdog kills idle cron workers under this limit, unless notifications keep them looping
    watchdog_kills = sum(len(re.findall(rf"WorkerCron \(\d+\) timeout after {LIMIT}s", text)) for text in texts)
    assert not [
        line
        for text in texts
        for line in text.splitlines()
        if " ERROR " in line and "timeout after" not in line and "freelance_collections" in line
    ]

    counts = json.loads(runner.shell(COUNTS).strip().splitlines()[-1])
    assert counts == EXPECTED, counts
    recipients = sorted(address for message in sink.received for address in message["To"].split(","))
    assert len(sink.received) == CLIENTS, len(sink.received)
    assert len(set(recipients)) == CLIENTS == len(recipients), recipients[:10]

    by_server = [sum(piece["pid"] in pids for piece in pieces) for pids in worker_pids]
    print(  # pylint: disable=print-used - the test reports the pieces it measured (pytest -s)
        f"\n{len(pieces)} pieces ({run['cut_count']} cut, {len(woken)} wake-ups after a dead worker; "
        f"server A {by_server[0]}, server B {by_server[1]}), "
        f"{watchdog_kills} watchdog kills of cron workers, done in {elapsed:.0f} s; "
        f"pieces: {[(round(p['end'] - p['start'], 1), p['invoices'], p['stop']) for p in pieces]}"
    )
