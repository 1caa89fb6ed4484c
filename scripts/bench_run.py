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
from collections import Counter
from datetime import date, timedelta

PROFILE_TOP = 0  # --profile N: the N busiest query sources of each phase
CPROFILE_DIR = ""  # --cprofile DIR: a cProfile dump of each phase's Python time (and its function calls)
TRACE_MEMORY = False  # --memory: each phase's peak Python memory (tracemalloc: slows the phases 4-5 times)
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def addons_path():
    import odoo  # noqa: PLC0415

    root = os.path.dirname(os.path.dirname(odoo.__file__))
    paths = [REPO] + [
        p for p in (os.path.join(root, "addons"), os.path.join(root, "odoo", "addons")) if os.path.isdir(p)
    ]
    return ",".join(paths)


def ensure_database(db, path, module="freelance_collections"):
    exists = (
        subprocess.run(
            ["psql", "-tA", "-d", "postgres", "-c", f"SELECT 1 FROM pg_database WHERE datname = '{db}'"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        == "1"
    )
    if not exists:
        print(f"Creating database {db} with {module} (no demo data)...", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "odoo",
                f"--addons-path={path}",
                "-d",
                db,
                "-i",
                module,
                "--without-demo=all",
                "--stop-after-init",
                "--log-level=warn",
            ],
            check=True,
        )


def benchmark_policy(env):
    """The benchmark's policy, made the company's: a full ladder (courtesy, friendly, firm emails; a call;
    work stop; agency) and stepped late fees (5% at 15 days, 10% at 45; statement attachment off)."""
    from odoo import Command  # noqa: PLC0415

    ref = env.ref

    def email_stage(name, days, template):
        return Command.create(
            {
                "name": name,
                "days": days,
                "action_email": True,
                "mail_template_id": ref(f"freelance_collections.{template}").id,
            }
        )

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
                email_stage("Courtesy", -3, "mail_template_courtesy"),
                email_stage("Friendly", 1, "mail_template_friendly"),
                email_stage("Firm", 15, "mail_template_firm"),
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
    return policy


def populate(env, partners, invoices, today, addon=True):
    """Clients and posted invoices through the ORM, in batches; returns the number created.

    ADDON: the addon is installed (its benchmark policy, 10% of the invoices with a 30/30/40 deposit
    schedule, 5% disputed); without it, the same clients, amounts and due dates in plain Odoo (the
    book ``bench_anchor.py`` installs each system on)."""
    from odoo import Command  # noqa: PLC0415

    Move = env["account.move"]
    if Move.search_count([("ref", "=like", "BENCH-%")]):
        return 0
    rng = random.Random(42)
    deposit = False
    if addon:
        benchmark_policy(env)
        deposit = env.ref("freelance_collections.deposit_template_30_30_40")
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
            invoice = {
                "move_type": "out_invoice",
                "partner_id": clients[i % partners].id,
                "ref": f"BENCH-{i}",
                "invoice_date": due - timedelta(days=30),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create({"name": "Work", "quantity": 1, "price_unit": rng.randint(100, 5000), "tax_ids": []})
                ],
            }
            if addon:
                invoice.update(
                    {
                        "collection_deposit_template_id": deposit.id if i % 10 == 0 else False,
                        "collection_dispute": i % 20 == 1,
                        "collection_dispute_reason": "Bench" if i % 20 == 1 else False,
                    }
                )
            vals.append(invoice)
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
    cr.execute(  # the late-fee invoices: one per client and run, a line per invoice (its origin on the line)
        "SELECT DISTINCT move_id FROM account_move_line WHERE collection_penalty_origin_id = ANY(%s)", [originals]
    )
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
    cr.execute("SELECT coalesce(max(sequence_number), 0) + 1 FROM account_move")
    span = 10 ** len(str(cr.fetchone()[0]))  # copy k numbers its moves from k * span on
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
        # A copy takes the next numbers of its journal's sequence (INV/2026/10001 after INV/2026/00001
        # for the first copy of 10,000), so Odoo numbers the new fee invoices as in a real book of
        # that size (a suffix like '-C1' would be parsed by Odoo's sequence as the number itself).
        number = f"src.sequence_number + {copy * span}"
        pick = {
            "name": f"CASE WHEN src.sequence_prefix IS NULL OR src.name = '/' THEN src.name || '{tag}' "
            f"ELSE src.sequence_prefix || lpad(({number})::text, "
            "greatest(length(src.name) - length(src.sequence_prefix), length(span.top::text)), '0') END",
            "sequence_number": f"CASE WHEN src.sequence_prefix IS NULL THEN src.sequence_number ELSE {number} END",
            "ref": f"src.ref || '{tag}'",
            "partner_id": "coalesce(pmap.new, src.partner_id)",
            "commercial_partner_id": "coalesce(pmap.new, src.commercial_partner_id)",
        }
        cr.execute(  # pylint: disable=sql-injection
            f"INSERT INTO account_move ({', '.join(move_cols)}, bench_src) "
            f"SELECT {', '.join(pick.get(c, 'src.' + c) for c in move_cols)}, src.id "
            "FROM account_move src LEFT JOIN pmap ON pmap.old = src.partner_id, "
            f"(SELECT {span * (copies + 1)} AS top) span "
            "WHERE src.id = ANY(%s)",
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
            "collection_penalty_origin_id": "(SELECT origin.new FROM mmap origin "
            "WHERE origin.old = src.collection_penalty_origin_id)",
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
        cr.execute(  # pylint: disable=sql-injection - the benchmark's own column names, no user input
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


class QueryProfile:
    """Counts the queries of a phase by where they come from: the innermost frame of the addons
    (freelance_collections first, else Odoo's addons), with the query's first words."""

    def __init__(self):
        self.counts = Counter()
        self.seconds = Counter()
        self.active = False

    def install(self):
        from odoo import sql_db  # noqa: PLC0415

        profile, execute = self, sql_db.Cursor.execute

        def counting_execute(cursor, query, params=None, log_exceptions=True):
            if not profile.active:
                return execute(cursor, query, params, log_exceptions)
            where = profile.origin(str(query))
            profile.counts[where] += 1
            start = time.perf_counter()
            try:
                return execute(cursor, query, params, log_exceptions)
            finally:
                profile.seconds[where] += time.perf_counter() - start

        sql_db.Cursor.execute = counting_execute

    @staticmethod
    def origin(query):
        import traceback  # noqa: PLC0415

        ours = odoo_frame = None
        for frame in reversed(traceback.extract_stack(limit=40)[:-2]):
            if "freelance_collections" in frame.filename and "bench_run" not in frame.filename:
                ours = frame
                break
            if odoo_frame is None and "/addons/" in frame.filename and "/odoo/models.py" not in frame.filename:
                odoo_frame = frame
        frame = ours or odoo_frame
        where = f"{os.path.basename(frame.filename)}:{frame.lineno} {frame.name}" if frame else "?"
        words = " ".join(query.split()[:4])[:60]
        return f"{where:70} {words}"

    def report(self, label, top):
        print(f"\n-- {label}: top {top} query sources")
        for where, count in self.counts.most_common(top):
            print(f"{count:8d} {self.seconds[where]:8.2f}s  {where}")
        print(f"-- {label}: top {top} query sources by time in PostgreSQL")
        for where, seconds in self.seconds.most_common(top):
            print(f"{self.counts[where]:8d} {seconds:8.2f}s  {where}")
        self.counts.clear()
        self.seconds.clear()


PROFILE = QueryProfile()


class FeeQueries:
    """Counts the queries of Odoo's own creation and posting of the late-fee invoices (``create`` and
    ``action_post`` of account.move under the ``collection_fee_booking`` context), so that a phase's
    queries can be told apart: Odoo's bookkeeping, and the run's own work."""

    count = 0
    cpu = 0.0  # Python CPU seconds inside them

    @classmethod
    def install(cls, env):
        from odoo import api  # noqa: PLC0415

        model_class = type(env["account.move"])

        def wrap(original):
            def counting(self, *args, **kwargs):
                if not self.env.context.get("collection_fee_booking") or getattr(cls, "inside", False):
                    return original(self, *args, **kwargs)
                cls.inside = True
                before, cpu_before = self.env.cr.sql_log_count, time.process_time()
                try:
                    return original(self, *args, **kwargs)
                finally:
                    cls.count += self.env.cr.sql_log_count - before
                    cls.cpu += time.process_time() - cpu_before
                    cls.inside = False

            return counting

        for name in ("create", "action_post"):
            counting = wrap(getattr(model_class, name))
            if name == "create":
                counting = api.model_create_multi(counting)
            setattr(model_class, name, counting)


class Tally:
    """Counts the calls of one method of one model and what they cost inside (wall and Python CPU
    seconds, the CPU of child processes such as wkhtmltopdf, SQL queries); nested calls count once."""

    tallies = []

    def __init__(self, model, method, label):
        self.model, self.method, self.label = model, method, label
        self.calls = self.queries = 0
        self.emails = 0  # reminder emails sent inside (a handler's per-email cost: its totals / emails)
        self.wall = self.cpu = self.child_cpu = 0.0
        self.inside = False
        Tally.tallies.append(self)

    def install(self, env):
        model_class = type(env[self.model])
        original = getattr(model_class, self.method)
        tally = self

        def counting(records, *args, **kwargs):
            if tally.inside:
                return original(records, *args, **kwargs)
            tally.inside = True
            emails_before = Tally.tallies[0].calls  # the first tally: the reminder emails
            before, times = records.env.cr.sql_log_count, os.times()
            wall = time.perf_counter()
            try:
                return original(records, *args, **kwargs)
            finally:
                after = os.times()
                tally.calls += 1
                if tally is not Tally.tallies[0]:
                    tally.emails += Tally.tallies[0].calls - emails_before
                tally.queries += records.env.cr.sql_log_count - before
                tally.wall += time.perf_counter() - wall
                tally.cpu += after.user + after.system - times.user - times.system
                tally.child_cpu += (
                    after.children_user + after.children_system - times.children_user - times.children_system
                )
                tally.inside = False

        setattr(model_class, self.method, counting)

    def snapshot(self):
        return (self.calls, self.queries, self.wall, self.cpu, self.child_cpu, self.emails)

    @classmethod
    def report(cls, before):
        """One line per tally called since BEFORE (the snapshots of Tally.snapshots())."""
        lines = []
        for tally, start in zip(cls.tallies, before, strict=False):
            calls, queries, wall, cpu, child, emails = (a - b for a, b in zip(tally.snapshot(), start, strict=False))
            if calls:
                per_email = (
                    f"; {emails} emails, per email {1000 * cpu / emails:.1f} ms of Python CPU and "
                    f"{queries / emails:.1f} queries"
                    if emails
                    else ""
                )
                lines.append(
                    f"    {tally.label}: {calls} calls, per call {1000 * wall / calls:.1f} ms "
                    f"({1000 * cpu / calls:.1f} ms of Python CPU, {1000 * child / calls:.1f} ms of child "
                    f"processes' CPU), {queries / calls:.1f} queries{per_email}"
                )
        return lines

    @classmethod
    def snapshots(cls):
        return [tally.snapshot() for tally in cls.tallies]


# what a reminder email and a PDF cost (the first run's per-email and per-letter figures)
TALLIES = [
    ("res.partner", "_collection_send_reminder", "reminder email (res.partner._collection_send_reminder)"),
    ("collection.run", "_collection_do_email", "email handler, per batch"),
    ("collection.run", "_collection_do_formal_notice", "formal-notice handler, per batch"),
    ("ir.actions.report", "_run_wkhtmltopdf", "wkhtmltopdf call (ir.actions.report._run_wkhtmltopdf)"),
]


def measure(env, label, func):
    cr = env.cr
    env.invalidate_all()
    PROFILE.active = PROFILE_TOP > 0
    fee_start, fee_cpu_start = FeeQueries.count, FeeQueries.cpu
    start_count = cr.sql_log_count
    tallies = Tally.snapshots()
    if TRACE_MEMORY:
        tracemalloc.start()
    profiler = None
    if CPROFILE_DIR:
        import cProfile  # noqa: PLC0415
        import pstats  # noqa: PLC0415

        profiler = cProfile.Profile()
        profiler.enable()
    start, cpu_start = time.perf_counter(), time.process_time()
    result = func()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    calls = None
    if profiler:
        profiler.disable()
        name = "".join(c if c.isalnum() else "_" for c in label).strip("_")
        profiler.dump_stats(os.path.join(CPROFILE_DIR, f"{name}.prof"))
        # Python function calls (pstats' total, as `python3 -m pstats` prints it): the same for the same
        # code and book, where seconds vary by 15% from one run to the next on a shared machine
        # (compare two versions of the code with this)
        calls = pstats.Stats(profiler).total_calls
    peak = None
    if TRACE_MEMORY:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    PROFILE.active = False
    if PROFILE_TOP:
        PROFILE.report(label, PROFILE_TOP)
    actions = ""
    if hasattr(result, "actions"):  # read now: the run's cursor is closed once the phase is over
        actions = ", ".join(f"{k} {v}" for k, v in sorted(result.actions.items())) or "none"
    row = {
        "phase": label,
        "seconds": elapsed,
        "cpu": cpu,
        "queries": cr.sql_log_count - start_count,
        "fee_queries": FeeQueries.count - fee_start,
        "peak_mb": peak / 1e6 if peak is not None else None,
        "fee_cpu": FeeQueries.cpu - fee_cpu_start,
        "actions": actions,
        "changes": getattr(result, "stage_change_count", 0) if hasattr(result, "actions") else 0,
        "invoices": getattr(result, "invoice_count", 0) if hasattr(result, "actions") else 0,
    }
    memory = f"{row['peak_mb']:.1f} MB" if TRACE_MEMORY else "memory not traced"
    if calls is not None:
        memory += f", {calls:,} Python function calls"
    print(
        f"  {label}: {elapsed:.2f} s ({cpu:.2f} s of Python CPU), {row['queries']} queries "
        f"({row['fee_queries']} in Odoo's creation and posting of fee invoices), {row['invoices']} invoices looked at, "
        f"{row['changes']} stage changes, {row['fee_cpu']:.2f} s of CPU in fee invoices, {memory}; {actions}",
        flush=True,
    )
    for line in Tally.report(tallies):
        print(line, flush=True)
    return row


FLOOR_SQL = """
    SELECT l.id, l.move_id, l.partner_id, l.amount_residual, %(today)s - l.date_maturity AS days_late
      FROM account_move_line l
      JOIN account_account a ON a.id = l.account_id
     WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted' AND NOT l.reconciled
       AND l.date_maturity < %(today)s
"""


def measure_floor(env, label, today):
    """Time the floor: FLOOR_SQL, the plain query every run is compared with."""
    return measure(env, label, lambda: len(env.cr.execute(FLOOR_SQL, {"today": today}) or env.cr.fetchall()))


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
    parser.add_argument(
        "--populate-only",
        action="store_true",
        help="create and fill the database, then stop (copy it with createdb -T to time "
        "several versions on the same book)",
    )
    parser.add_argument(
        "--copy-settled",
        metavar="DB",
        help="after the first two runs, copy the settled database to DB (then time the "
        "other phases on DB with --settled, e.g. at the size before --grow-to)",
    )
    parser.add_argument(
        "--settled", action="store_true", help="the database is settled already: skip the first two runs"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="print the N busiest sources of queries of each phase (slows the run)",
    )
    parser.add_argument(
        "--cprofile",
        metavar="DIR",
        default="",
        help="write a cProfile dump of each phase to DIR/<phase>.prof (read it with python3 -m pstats) and "
        "print its Python function calls (the same from one run to the next: compare versions with it)",
    )
    parser.add_argument(
        "--first-only",
        action="store_true",
        help="time the first run, then stop (the run commits its batches: run it on a copy made with "
        "createdb -T, one copy per version of the code)",
    )
    parser.add_argument(
        "--memory",
        action="store_true",
        help="trace each phase's peak Python memory (tracemalloc; the phases run 4-5 times slower with it)",
    )
    args = parser.parse_args()
    global PROFILE_TOP, CPROFILE_DIR, TRACE_MEMORY  # noqa: PLW0603
    TRACE_MEMORY = args.memory
    PROFILE_TOP = args.profile
    CPROFILE_DIR = args.cprofile
    if CPROFILE_DIR:
        os.makedirs(CPROFILE_DIR, exist_ok=True)
    if PROFILE_TOP:
        PROFILE.install()

    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    path = addons_path()
    ensure_database(args.db, path)
    odoo.tools.config.parse_config(["-d", args.db, f"--addons-path={path}", "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        FeeQueries.install(api.Environment(cr, SUPERUSER_ID, {}))
        for model, method, label in TALLIES:
            Tally(model, method, label).install(api.Environment(cr, SUPERUSER_ID, {}))
    today = date.today()

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        started = time.perf_counter()
        created = populate(env, args.partners, args.invoices, today)
        if created:
            print(f"Populated {created} invoices in {time.perf_counter() - started:.0f} s")
        cr.commit()
        # statistics, as PostgreSQL's autovacuum keeps them on a real database (a machine with autovacuum
        # off would otherwise plan every query of the first run for empty tables)
        cr.execute("ANALYZE")
        cr.commit()
    if args.populate_only:
        return

    Policy = "collection.run"
    results = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        open_count = len(env["account.move"]._collection_open_invoice_ids(env.company))
        results.append(measure_floor(env, "floor (SQL overdue lines)", today))
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if args.settled:
            args.grow_to = 0
            open_count = len(env["account.move"]._collection_open_invoice_ids(env.company))
        else:
            # the first run: everybody enters a stage; committed so the next phases start from a steady state
            results.append(
                measure(env, "first run (all new)", lambda: env[Policy]._cron_run_collections(args.batch_size))
            )
            if args.first_only:
                return
            cr.commit()
            # the late-fee invoices of the first run enter the ladder the next day: settle them too
            results.append(
                measure(env, "second run (fees enter)", lambda: env[Policy]._cron_run_collections(args.batch_size))
            )
            cr.commit()
    if args.copy_settled:
        odoo.sql_db.close_db(args.db)
        subprocess.run(["createdb", "-T", args.db, args.copy_settled], check=True)
        print(f"Settled database copied to {args.copy_settled}", flush=True)
    if args.grow_to:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            started = time.perf_counter()
            print(f"Growing the settled book to {args.grow_to} invoices (SQL copies)...", flush=True)
            added = clone_book(env, args.grow_to)
            cr.commit()
            print(f"  {added} invoices added in {time.perf_counter() - started:.0f} s", flush=True)
            open_count = len(env["account.move"]._collection_open_invoice_ids(env.company))
            results.append(measure_floor(env, "floor at the new size", today))
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
    print(
        "cpu s: Python CPU of the bench process; fee q: queries of Odoo's creation and posting of the "
        "late-fee invoices; q/inv, q/change: the other queries per invoice looked at, per invoice that "
        "changed stage; fee cpu: Python CPU seconds in Odoo's creation and posting of the late-fee invoices; "
        "peak MB: with --memory only"
    )
    print(
        f"{'phase':30} {'seconds':>9} {'cpu s':>8} {'x floor':>9} {'queries':>9} {'fee q':>8} {'invoices':>8} "
        f"{'q/inv':>6} {'changes':>8} {'q/change':>8} {'fee cpu':>8} {'peak MB':>9}  actions"
    )
    for row in results:
        own = row["queries"] - row["fee_queries"]
        per_invoice = f"{own / row['invoices']:6.1f}" if row["invoices"] else f"{'-':>6}"
        per_change = f"{own / row['changes']:8.1f}" if row["changes"] else f"{'-':>8}"
        peak_mb = f"{row['peak_mb']:.1f}" if row["peak_mb"] is not None else "-"
        print(
            f"{row['phase']:30} {row['seconds']:9.2f} {row['cpu']:8.2f} {row['seconds'] / floor:9.0f} "
            f"{row['queries']:9d} {row['fee_queries']:8d} {row['invoices']:8d} {per_invoice} {row['changes']:8d} "
            f"{per_change} {row['fee_cpu']:8.2f} {peak_mb:>9}  {row['actions']}"
        )


if __name__ == "__main__":
    main()
