#!/usr/bin/env python3
"""Benchmark the first run in one process against the same run over two queue_job workers.

    python3 scripts/bench_queue_job.py --db qj_bench --partners 400 --invoices 2000

Builds the book once with ``scripts/bench_run.py --populate-only`` (database DB_book: invoices over every
stage, see that script), then copies it twice (``createdb -T``), so both runs start from the same data:

  one    DB_one: the first run in this process, as the collections cron runs it without queue_job;
  jobs   DB_jobs: queue_job installed (the bridge installs itself), an Odoo server with ``--workers=2
         --load=web,queue_job`` and the channels ``root:2``; the run's first piece is started here (it
         enqueues one job per batch) and timed until its last job ends the run.

``--no-fees`` removes the late-fee tiers from both copies first: Odoo's posting of a late-fee invoice
locks its journal's next number until the transaction commits, so jobs booking fees in one journal wait
for each other; without fees the jobs share nothing but the database.

Prints per way: wall seconds, Python CPU seconds (this process; for the jobs: the first piece's plus
every batch job's), SQL queries (this process's cursor; for the jobs: the first piece's plus
every batch job's own count), invoices, jobs, and the run's actions, which must be the same. The copies
are dropped at the end unless --keep; the book is kept for the next call.
"""

# pylint: disable=print-used  # a command-line tool: what it prints is its report

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_run import addons_path  # noqa: E402 (scripts/bench_run.py, next to this one)


def _exists(db):
    query = f"SELECT 1 FROM pg_database WHERE datname = '{db}'"
    return subprocess.run(["psql", "-tA", "-d", "postgres", "-c", query], capture_output=True, text=True).stdout.strip()


def _copy(template, db):
    subprocess.run(["dropdb", "--if-exists", db], check=True, capture_output=True)
    subprocess.run(["createdb", "-T", template, db], check=True)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_one(registry, batch_size):
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"collection_queue_job": False})
        queries, started, cpu = cr.sql_log_count, time.perf_counter(), time.process_time()
        run = env["collection.run"]._cron_run_collections(batch_size)
        seconds = time.perf_counter() - started
        return {
            "seconds": seconds,
            "cpu": time.process_time() - cpu,
            "queries": cr.sql_log_count - queries,
            "invoices": run.invoice_count,
            "jobs": 0,
            "actions": dict(sorted(run.actions.items())),
            "state": run.state,
        }


def _run_jobs(registry, batch_size, timeout):
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        queries, started, cpu = cr.sql_log_count, time.perf_counter(), time.process_time()
        run = env["collection.run"]._cron_run_collections(batch_size)  # commits: the jobs start at once
        dispatch_queries, dispatch_cpu = cr.sql_log_count - queries, time.process_time() - cpu
        run_id = run.id
    deadline = started + timeout
    while time.perf_counter() < deadline:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            run = env["collection.run"].browse(run_id)
            if run.state != "running":
                seconds = time.perf_counter() - started
                return {
                    "seconds": seconds,
                    "cpu": dispatch_cpu + sum(run.batch_ids.mapped("cpu_seconds")),
                    "queries": dispatch_queries + sum(run.batch_ids.mapped("query_count")),
                    "invoices": run.invoice_count,
                    "jobs": len(run.batch_ids),
                    "actions": dict(sorted(run.actions.items())),
                    "state": run.state,
                    "job_seconds": sum(run.batch_ids.mapped("work_seconds")),
                }
        time.sleep(1)
    raise SystemExit(f"the run's jobs did not end within {timeout} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="qj_bench", help="prefix of the databases (DB_book, DB_one, DB_jobs)")
    parser.add_argument("--partners", type=int, default=400)
    parser.add_argument("--invoices", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=1000, help="the cron's batch size (jobs: at most 100)")
    parser.add_argument("--channels", default="root:2", help="queue_job's channels (two jobs at a time)")
    parser.add_argument("--timeout", type=int, default=3600)
    parser.add_argument("--keep", action="store_true", help="keep DB_one and DB_jobs")
    parser.add_argument(
        "--no-fees",
        action="store_true",
        help="remove the policy's late-fee tiers first (in both copies): the run without Odoo's posting of "
        "late-fee invoices, which holds the journal's sequence lock until the job commits",
    )
    args = parser.parse_args()
    path = addons_path()
    book, one, jobs = f"{args.db}_book", f"{args.db}_one", f"{args.db}_jobs"
    if not _exists(book):
        bench = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_run.py")
        subprocess.run(
            [
                sys.executable,
                bench,
                "--db",
                book,
                "--partners",
                str(args.partners),
                "--invoices",
                str(args.invoices),
                "--populate-only",
            ],
            check=True,
        )
    _copy(book, one)
    _copy(book, jobs)
    odoo_cmd = [sys.executable, "-m", "odoo", f"--addons-path={path}", "-d", jobs]
    subprocess.run([*odoo_cmd, "-i", "queue_job", "--stop-after-init", "--log-level=warn"], check=True)

    import odoo  # noqa: PLC0415

    odoo.tools.config.parse_config(["-d", one, f"--addons-path={path}", "--log-level=warn"])
    if args.no_fees:
        from odoo import SUPERUSER_ID, api  # noqa: PLC0415

        for db in (one, jobs):
            with odoo.modules.registry.Registry(db).cursor() as cr:
                api.Environment(cr, SUPERUSER_ID, {})["collection.penalty.tier"].search([]).unlink()
    results = {}
    print("One process...", flush=True)
    results["one process"] = _run_one(odoo.modules.registry.Registry(one), args.batch_size)

    port = _free_port()
    log = open(f"/tmp/{jobs}.log", "w")  # noqa: SIM115 - closed at the end
    server = subprocess.Popen(
        [
            *odoo_cmd,
            f"--db-filter=^{jobs}$",
            f"--http-port={port}",
            f"--gevent-port={_free_port()}",
            "--workers=2",
            "--max-cron-threads=0",
            "--load=web,queue_job",
            "--limit-time-real=600",
            "--log-level=info",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=dict(os.environ, ODOO_QUEUE_JOB_CHANNELS=args.channels),
        start_new_session=True,
    )
    try:
        for _attempt in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=5):
                    break
            except OSError:
                time.sleep(1)
        print(f"Two job workers ({args.channels}; server log /tmp/{jobs}.log)...", flush=True)
        results["two job workers"] = _run_jobs(odoo.modules.registry.Registry(jobs), args.batch_size, args.timeout)
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    if not args.keep:
        odoo.sql_db.close_all()
        for db in (one, jobs):
            subprocess.run(["dropdb", "--if-exists", db], check=False)

    print(f"\n{'way':18} {'seconds':>9} {'cpu s':>8} {'queries':>9} {'invoices':>9} {'jobs':>5}  state  actions")
    for way, row in results.items():
        print(
            f"{way:18} {row['seconds']:9.1f} {row['cpu']:8.1f} {row['queries']:9d} {row['invoices']:9d} "
            f"{row['jobs']:5d}  {row['state']:5}  {row['actions']}"
        )
    one_row, jobs_row = results["one process"], results["two job workers"]
    print(
        f"speed-up: {one_row['seconds'] / jobs_row['seconds']:.2f}x; the jobs' own work: "
        f"{jobs_row['job_seconds']:.0f} s in all"
    )
    if one_row["actions"] != jobs_row["actions"] or one_row["invoices"] != jobs_row["invoices"]:
        raise SystemExit("the two ways did not do the same work")


if __name__ == "__main__":
    main()
