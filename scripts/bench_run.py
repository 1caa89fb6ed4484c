#!/usr/bin/env python3
"""Benchmark the daily collections run on a database of realistic shape.

    python3 scripts/bench_run.py --db fc_bench --partners 2000 --invoices 10000

Creates the database with the addon when it does not exist, fills it with open customer invoices
spread over every stage of the ladder (10% with deposit installments, 5% disputed) through the ORM,
then times on the same data, each in its own transaction (rolled back, so phases do not leak):

  floor   a plain SQL query listing overdue receivable lines with their days late;
  first   the first run (every invoice enters its stage: emails queued, activities, fees booked),
          then a second one (the late-fee invoices just booked enter the ladder);
  steady  a run with nothing new to do;
  change  a run where 10% of the invoices reach a new stage;
  dry     the dry run over every open invoice.

It prints wall time, SQL queries issued and peak Python memory per phase, and the ratio to the floor.

    python3 scripts/bench_run.py --db fc_bench100k --partners 2000 --invoices 10000 --grow-to 100000

settles 10,000 invoices as above, then copies the settled book in SQL (clients, invoices, late fees,
action log) up to 100,000 invoices and 20,000 clients, and times the steady state, the 10% change and
the dry run on it.
"""

# pylint: disable=print-used  # a command-line tool: what it prints is its report
# pylint: disable=invalid-commit  # it builds and settles its own benchmark database between phases

import argparse
import os
import random
import subprocess
import sys
import time
import tracemalloc
from datetime import date, timedelta

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def addons_path():
    import odoo  # noqa: PLC0415

    root = os.path.dirname(os.path.dirname(odoo.__file__))
    paths = [REPO] + [
        p for p in (os.path.join(root, "addons"), os.path.join(root, "odoo", "addons")) if os.path.isdir(p)
    ]
    return ",".join(paths)


def ensure_database(db, path):
    exists = (
        subprocess.run(
            ["psql", "-tA", "-d", "postgres", "-c", f"SELECT 1 FROM pg_database WHERE datname = '{db}'"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        == "1"
    )
    if not exists:
        print(f"Creating database {db} with the addon (no demo data)...", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "odoo",
                f"--addons-path={path}",
                "-d",
                db,
                "-i",
                "freelance_collections",
                "--without-demo=all",
                "--stop-after-init",
                "--log-level=warn",
            ],
            check=True,
        )


def populate(env, partners, invoices, today):
    """Clients and posted invoices through the ORM, in batches; returns the number created."""
    from odoo import Command  # noqa: PLC0415

    Move = env["account.move"]
    if Move.search_count([("ref", "=like", "BENCH-%")]):
        return 0
    rng = random.Random(42)
    ref = env.ref
    policy = env["collection.policy"].create(
        {
            "name": "Benchmark policy",
            "quiet_days": "none",
            "reminder_interval_days": 7,
            "attach_statement": False,
            "penalty_tier_ids": [
                Command.create({"days_late": 15, "percent": 5}),
                Command.create({"days_late": 45, "percent": 10}),
            ],
            "stage_ids": [
                Command.create(
                    {
                        "name": "Courtesy",
                        "days": -3,
                        "action_email": True,
                        "mail_template_id": ref("freelance_collections.mail_template_courtesy").id,
                    }
                ),
                Command.create(
                    {
                        "name": "Friendly",
                        "days": 1,
                        "action_email": True,
                        "mail_template_id": ref("freelance_collections.mail_template_friendly").id,
                    }
                ),
                Command.create(
                    {
                        "name": "Firm",
                        "days": 15,
                        "action_email": True,
                        "mail_template_id": ref("freelance_collections.mail_template_firm").id,
                    }
                ),
                Command.create(
                    {
                        "name": "Call",
                        "days": 30,
                        "action_activity": True,
                        "activity_type_id": ref("freelance_collections.mail_activity_collection_call").id,
                    }
                ),
                Command.create({"name": "Work stop", "days": 45, "action_work_stop": True}),
                Command.create({"name": "Agency", "days": 90, "action_agency": True, "agency_commission": 20}),
            ],
        }
    )
    env.company.collection_policy_id = policy
    deposit = ref("freelance_collections.deposit_template_30_30_40")
    clients = env["res.partner"].create(
        [
            {"name": f"Bench client {i:05d}", "is_company": True, "email": f"bench{i:05d}@example.com"}
            for i in range(partners)
        ]
    )
    created = 0
    batch = 500
    while created < invoices:
        vals = []
        for i in range(created, min(created + batch, invoices)):
            late = rng.choice([-10, -2, 3, 10, 20, 35, 50, 100])  # days after the due date, every stage
            due = today - timedelta(days=late)
            vals.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": clients[i % partners].id,
                    "ref": f"BENCH-{i}",
                    "invoice_date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    "collection_deposit_template_id": deposit.id if i % 10 == 0 else False,
                    "collection_dispute": i % 20 == 1,
                    "collection_dispute_reason": "Bench" if i % 20 == 1 else False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Work",
                                "quantity": 1,
                                "price_unit": rng.randint(100, 5000),
                                "tax_ids": [],
                            }
                        )
                    ],
                }
            )
        moves = Move.create(vals)
        moves.action_post()
        created += len(moves)
        env.cr.commit()
        print(f"  {created} invoices", flush=True)
    return created


def clone_book(env, target):
    """Grow the settled book to about TARGET invoices by copying, in SQL, its clients, invoices (with
    their journal items), late-fee invoices and action log: each copy is the same book in the same
    state (stages, next-run dates, fees charged, actions done), with new clients and names. Returns
    the number of invoices added. The ORM would take hours to build and settle 100,000 invoices on
    this machine; what the run reads of a copy is exactly what it reads of the original."""
    cr = env.cr
    cr.execute("SELECT id FROM account_move WHERE ref ~ '^BENCH-[0-9]+$'")
    originals = [row[0] for row in cr.fetchall()]
    copies = -(-target // len(originals)) - 1
    if copies <= 0:
        return 0
    cr.execute("SELECT id FROM account_move WHERE collection_penalty_origin_id = ANY(%s)", [originals])
    sources = originals + [row[0] for row in cr.fetchall()]
    cr.execute("SELECT id FROM res_partner WHERE name ~ '^Bench client [0-9]+$'")
    clients = [row[0] for row in cr.fetchall()]

    def columns(table):
        cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name NOT IN ('id', 'bench_src') ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in cr.fetchall()]

    # the SQL below is composed from constants and information_schema's column names, never from input
    for table in ("res_partner", "account_move"):
        cr.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS bench_src integer")  # pylint: disable=sql-injection
    partner_cols, move_cols, line_cols = (
        columns("res_partner"),
        columns("account_move"),
        columns("account_move_line"),
    )
    log_cols = columns("collection_action_log")
    added = 0
    for copy in range(1, copies + 1):
        tag = f"-C{copy}"
        pick = {"name": f"src.name || '{tag}'", "email": f"'c{copy}.' || src.email", "bench_src": "src.id"}
        cr.execute(
            f"INSERT INTO res_partner ({', '.join(partner_cols)}, bench_src) "
            f"SELECT {', '.join(pick.get(c, 'src.' + c) for c in partner_cols)}, src.id "
            "FROM res_partner src WHERE src.id = ANY(%s)",
            [clients],
        )
        cr.execute(
            "CREATE TEMP TABLE pmap ON COMMIT DROP AS SELECT bench_src AS old, id AS new FROM res_partner "
            "WHERE bench_src IS NOT NULL"
        )
        cr.execute("UPDATE res_partner SET commercial_partner_id = id, bench_src = NULL WHERE bench_src IS NOT NULL")
        pick = {
            "name": f"src.name || '{tag}'",
            "ref": f"src.ref || '{tag}'",
            "partner_id": "coalesce(pmap.new, src.partner_id)",
            "commercial_partner_id": "coalesce(pmap.new, src.commercial_partner_id)",
        }
        cr.execute(  # pylint: disable=sql-injection
            f"INSERT INTO account_move ({', '.join(move_cols)}, bench_src) "
            f"SELECT {', '.join(pick.get(c, 'src.' + c) for c in move_cols)}, src.id "
            "FROM account_move src LEFT JOIN pmap ON pmap.old = src.partner_id WHERE src.id = ANY(%s)",
            [sources],
        )
        added += cr.rowcount
        cr.execute(
            "CREATE TEMP TABLE mmap ON COMMIT DROP AS SELECT bench_src AS old, id AS new, name "
            "FROM account_move WHERE bench_src IS NOT NULL"
        )
        cr.execute(
            "UPDATE account_move m SET collection_penalty_origin_id = mmap.new FROM mmap "
            "WHERE m.bench_src IS NOT NULL AND m.collection_penalty_origin_id = mmap.old"
        )
        pick = {
            "move_id": "mmap.new",
            "move_name": "mmap.name",
            "partner_id": "coalesce(pmap.new, src.partner_id)",
        }
        cr.execute(  # pylint: disable=sql-injection
            f"INSERT INTO account_move_line ({', '.join(line_cols)}) "
            f"SELECT {', '.join(pick.get(c, 'src.' + c) for c in line_cols)} "
            "FROM account_move_line src JOIN mmap ON mmap.old = src.move_id "
            "LEFT JOIN pmap ON pmap.old = src.partner_id"
        )
        pick = {
            "move_id": "mmap.new",
            "partner_id": "coalesce(pmap.new, src.partner_id)",
            "key": "regexp_replace(src.key, '^[0-9]+', mmap.new::text)",
            "mail_message_id": "NULL",
        }
        cr.execute(  # pylint: disable=sql-injection
            f"INSERT INTO collection_action_log ({', '.join(log_cols)}) "
            f"SELECT {', '.join(pick.get(c, 'src.' + c) for c in log_cols)} "
            "FROM collection_action_log src JOIN mmap ON mmap.old = src.move_id "
            "LEFT JOIN pmap ON pmap.old = src.partner_id"
        )
        cr.execute("UPDATE account_move SET bench_src = NULL WHERE bench_src IS NOT NULL")
        cr.execute("DROP TABLE pmap; DROP TABLE mmap")
        print(f"  copy {copy}/{copies}: {added} invoices added", flush=True)
    for table in ("res_partner", "account_move"):
        cr.execute(f"ALTER TABLE {table} DROP COLUMN bench_src")  # pylint: disable=sql-injection
    cr.execute("ANALYZE")
    env.invalidate_all()
    return added


def measure(env, label, func):
    cr = env.cr
    env.invalidate_all()
    start_count = cr.sql_log_count
    tracemalloc.start()
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "phase": label,
        "seconds": elapsed,
        "queries": cr.sql_log_count - start_count,
        "peak_mb": peak / 1e6,
        "result": result,
    }


FLOOR_SQL = """
    SELECT l.id, l.move_id, l.partner_id, l.amount_residual, %(today)s - l.date_maturity AS days_late
      FROM account_move_line l
      JOIN account_account a ON a.id = l.account_id
     WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted' AND NOT l.reconciled
       AND l.date_maturity < %(today)s
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="fc_bench")
    parser.add_argument("--partners", type=int, default=2000)
    parser.add_argument("--invoices", type=int, default=10000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument(
        "--grow-to",
        type=int,
        default=0,
        help="after the first runs, copy the settled book in SQL up to this many invoices "
        "(e.g. 100000) and time the other phases on it",
    )
    args = parser.parse_args()

    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    path = addons_path()
    ensure_database(args.db, path)
    odoo.tools.config.parse_config(["-d", args.db, f"--addons-path={path}", "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.db)
    today = date.today()

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        started = time.perf_counter()
        created = populate(env, args.partners, args.invoices, today)
        if created:
            print(f"Populated {created} invoices in {time.perf_counter() - started:.0f} s")
        cr.commit()

    Policy = "collection.run"
    results = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        open_count = len(env["account.move"]._collection_open_invoice_ids(env.company))
        results.append(
            measure(
                env,
                "floor (SQL overdue lines)",
                lambda: len(env.cr.execute(FLOOR_SQL, {"today": today}) or env.cr.fetchall()),
            )
        )
        # the first run: everybody enters a stage; committed so the next phases start from a steady state
        first = measure(env, "first run (all new)", lambda: env[Policy]._cron_run_collections(args.batch_size))
        results.append(first)
        cr.commit()
        # the late-fee invoices of the first run enter the ladder the next day: settle them too
        results.append(
            measure(env, "second run (fees enter)", lambda: env[Policy]._cron_run_collections(args.batch_size))
        )
        cr.commit()
    if args.grow_to:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            started = time.perf_counter()
            print(f"Growing the settled book to {args.grow_to} invoices (SQL copies)...", flush=True)
            added = clone_book(env, args.grow_to)
            cr.commit()
            print(f"  {added} invoices added in {time.perf_counter() - started:.0f} s", flush=True)
            open_count = len(env["account.move"]._collection_open_invoice_ids(env.company))
            results.append(
                measure(
                    env,
                    "floor at the new size",
                    lambda: len(env.cr.execute(FLOOR_SQL, {"today": today}) or env.cr.fetchall()),
                )
            )
            results.insert(0, results.pop())  # the ratios are to the floor at the size measured
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        results.append(
            measure(env, "steady state (nothing new)", lambda: env[Policy]._cron_run_collections(args.batch_size))
        )
        cr.rollback()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        ids = env["account.move"]._collection_open_invoice_ids(env.company)
        moved = ids[::10]
        # 10% of the invoices 15 days later in their life: most reach their next stage
        # (facts changed behind the ORM's back: the run must look at these invoices again)
        cr.execute(
            "UPDATE account_move SET invoice_date_due = invoice_date_due - 15, "
            "collection_due_date = collection_due_date - 15, collection_next_run_date = NULL "
            "WHERE id = ANY(%s)",
            [moved],
        )
        cr.execute(
            "UPDATE account_move_line SET date_maturity = date_maturity - 15 "
            "WHERE move_id = ANY(%s) AND display_type = 'payment_term'",
            [moved],
        )
        env.invalidate_all()
        results.append(measure(env, "10% change stage", lambda: env[Policy]._cron_run_collections(args.batch_size)))
        cr.rollback()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        results.append(measure(env, "dry run", lambda: env["collection.dry.run"].action_open()))
        cr.rollback()

    floor = results[0]["seconds"] or 1e-9
    print(f"\n{open_count} open invoices, batch size {args.batch_size}")
    print(f"{'phase':30} {'seconds':>9} {'x floor':>9} {'queries':>9} {'peak MB':>9}  actions")
    for row in results:
        actions = ""
        result = row["result"]
        if hasattr(result, "actions"):
            actions = ", ".join(f"{k} {v}" for k, v in sorted(result.actions.items())) or "none"
        print(
            f"{row['phase']:30} {row['seconds']:9.2f} {row['seconds'] / floor:9.0f} {row['queries']:9d} "
            f"{row['peak_mb']:9.1f}  {actions}"
        )


if __name__ == "__main__":
    main()
