#!/usr/bin/env python3
"""The addon's run against OCA's ``account_credit_control`` 18.0 on the same ledger, side by side.

    python3 scripts/bench_anchor.py --db fc_anchor --partners 200 --invoices 1000

1. Builds one ledger with Odoo's ``account`` alone (``<db>_book``): PARTNERS clients and INVOICES posted
   invoices over every stage of lateness, the book of ``bench_run.py`` (same seed: same clients, amounts
   and due dates), analyzed.
2. Copies it twice with ``createdb -T``: ``<db>_fc`` gets this addon (``bench_run.py``'s benchmark policy:
   courtesy, friendly and firm emails, a call, work stop, agency, late fees at 15 and 45 days), ``<db>_oca``
   OCA's ``account_credit_control`` (its shipped *3 time policy*, the last level switched from letter to
   email as the others, on the company's receivable accounts; PyPI ``odoo-addon-account-credit-control
   ==18.0.*``, unpacked with ``pip download --no-deps`` into ``--oca-dir`` unless Odoo imports it already).
3. Times four days on each copy, each in a new process (``freezegun`` sets the day): the **first run**
   (every invoice enters the ladder), a **second run** the same day, the **next day**, and a **change day**
   two days later with 10% of the open invoices 15 days further in their life (changed in SQL, as
   ``bench_run.py``'s 10% change). OCA's day is a *credit control run* dated that day: its lines
   generated, marked ready, and its channel action (a communication per client and level, each emailed
   with its summary PDF attached, as OCA's template does), emails queued.

Prints per day and system: wall seconds, Python CPU seconds of the process (and of its child
processes: wkhtmltopdf), SQL queries, what it did; and per email, the cost of each email posted
(``message_post_with_source`` for OCA, the reminder for the addon). On a shared machine compare the CPU
and the queries; the wall time follows the load.
"""

# pylint: disable=print-used  # a command-line tool: what it prints is its report
# pylint: disable=invalid-commit  # it builds and runs its own benchmark databases

import argparse
import glob
import json
import os
import subprocess
import sys
import zipfile
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_run import Tally, addons_path, benchmark_policy, populate  # noqa: E402

OCA_REQUIREMENT = "odoo-addon-account-credit-control==18.0.*"
DAYS = [("first run", 0, False), ("second run", 0, False), ("next day", 1, False), ("change day", 2, True)]


def oca_addons(oca_dir):
    """The folder holding OCA's account_credit_control, fetched from PyPI (no dependencies: Odoo is ours)."""
    try:
        import odoo.addons.account_credit_control  # noqa: F401, PLC0415

        return ""  # installed in Odoo's environment already: on the default path
    except ImportError:
        print("OCA's account_credit_control is not installed: fetching it from PyPI", file=sys.stderr)
    target = os.path.join(oca_dir, "odoo", "addons")
    if not os.path.isdir(os.path.join(target, "account_credit_control")):
        os.makedirs(oca_dir, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-d", oca_dir, OCA_REQUIREMENT], check=True
        )
        wheel = sorted(glob.glob(os.path.join(oca_dir, "odoo_addon_account_credit_control-18.0*.whl")))[-1]
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(oca_dir)
    return target


def odoo(args, db, path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={path}",
            "-d",
            db,
            "--stop-after-init",
            "--log-level=warn",
            *args,
        ],
        check=True,
    )


def exists(db):
    out = subprocess.run(
        ["psql", "-tA", "-d", "postgres", "-c", f"SELECT 1 FROM pg_database WHERE datname = '{db}'"],
        capture_output=True,
        text=True,
    ).stdout
    return out.strip() == "1"


def registry_env(db, path):
    import odoo  # noqa: PLC0415

    odoo.tools.config.parse_config(["-d", db, f"--addons-path={path}", "--log-level=warn"])
    return odoo.modules.registry.Registry(db)


def build(args, path):
    """The ledger, then its two copies, each with its system installed and configured."""
    book, fc, oca = f"{args.db}_book", f"{args.db}_fc", f"{args.db}_oca"
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    if not exists(book):
        print(f"Building the ledger {book}...", flush=True)
        odoo(["-i", "account", "--without-demo=all"], book, path)
        with registry_env(book, path).cursor() as cr:
            populate(api.Environment(cr, SUPERUSER_ID, {}), args.partners, args.invoices, date.today(), addon=False)
            cr.commit()
            cr.execute("ANALYZE")
            cr.commit()
        import odoo as odoo_module  # noqa: PLC0415

        odoo_module.sql_db.close_db(book)
    for copy, module in ((fc, "freelance_collections"), (oca, "account_credit_control")):
        if exists(copy):
            continue
        print(f"Copying the ledger to {copy} and installing {module}...", flush=True)
        subprocess.run(["createdb", "-T", book, copy], check=True)
        odoo(["-i", module, "--without-demo=all"], copy, path)
        script = SETUP_FC if module == "freelance_collections" else SETUP_OCA
        subprocess.run([sys.executable, __file__, "--db", copy, "--addons", path, "--setup", script], check=True)


SETUP_FC = "fc"
SETUP_OCA = "oca"


def setup(db, path, system):
    from odoo import SUPERUSER_ID, Command, api  # noqa: PLC0415

    with registry_env(db, path).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if system == SETUP_FC:
            benchmark_policy(env)
            env.flush_all()
            print("  addon's policy on", env["account.move"].search_count([("collection_policy_id", "!=", False)]))
        else:
            policy = env.ref("account_credit_control.credit_control_3_time")
            receivables = env["account.account"].search(
                [("account_type", "=", "asset_receivable"), ("company_ids", "in", env.company.ids)]
            )
            policy.write({"account_ids": [Command.set(receivables.ids)], "company_id": env.company.id})
            policy.level_ids.write({"channel": "email"})
            env.company.credit_policy_id = policy
        cr.execute("ANALYZE")
        cr.commit()


def shift(env, system, today):
    """10% of the open invoices 15 days further in their life (the change day)."""
    cr = env.cr
    cr.execute(
        "SELECT id FROM account_move WHERE move_type = 'out_invoice' AND state = 'posted' "
        "AND payment_state IN ('not_paid', 'partial') AND ref LIKE 'BENCH-%%' ORDER BY id"
    )
    moved = [row[0] for row in cr.fetchall()][::10]
    extra = (
        ", collection_due_date = collection_due_date - 15, collection_next_run_date = NULL" if system == "fc" else ""
    )
    cr.execute(f"UPDATE account_move SET invoice_date_due = invoice_date_due - 15{extra} WHERE id = ANY(%s)", [moved])
    cr.execute(
        "UPDATE account_move_line SET date_maturity = date_maturity - 15 "
        "WHERE move_id = ANY(%s) AND display_type = 'payment_term'",
        [moved],
    )
    env.invalidate_all()
    return len(moved)


def day(db, path, system, label, offset, change):
    """One day of SYSTEM on DB, in this process: prints its figures as JSON."""
    from freezegun import freeze_time  # noqa: PLC0415

    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    today = date.today() + timedelta(days=offset)
    registry = registry_env(db, path)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        email = (
            Tally("res.partner", "_collection_send_reminder", "email")
            if system == "fc"
            else Tally("credit.control.communication", "message_post_with_source", "email")
        )
        wkhtmltopdf = Tally("ir.actions.report", "_run_wkhtmltopdf", "wkhtmltopdf")
        for tally in (email, wkhtmltopdf):
            tally.install(env)
        moved = shift(env, system, today) if change else 0
        cr.commit()
        mails_before = env["mail.mail"].search_count([])
        with freeze_time(today, tick=True):
            env.invalidate_all()
            queries, times = cr.sql_log_count, os.times()
            if system == "fc":
                run = env["collection.run"]._cron_run_collections()
                did = dict(run.actions) if run else {}
            else:
                did = oca_day(env, today)
            after = os.times()
            queries = cr.sql_log_count - queries
        cr.commit()
        did["emails queued"] = env["mail.mail"].search_count([]) - mails_before
        print(
            "DAY "
            + json.dumps(
                {
                    "system": system,
                    "day": label,
                    "moved": moved,
                    "wall": after.elapsed - times.elapsed,
                    "cpu": after.user + after.system - times.user - times.system,
                    "child_cpu": after.children_user
                    + after.children_system
                    - times.children_user
                    - times.children_system,
                    "queries": queries,
                    "did": did,
                    "emails": email.calls,
                    "email_cpu": email.cpu,
                    "email_queries": email.queries,
                    "email_wall": email.wall,
                    "wkhtmltopdf": wkhtmltopdf.calls,
                }
            ),
            flush=True,
        )


def oca_day(env, today):
    """OCA's day: a credit control run dated TODAY, its lines ready, its channel action (emails queued)."""
    policy = env.company.credit_policy_id
    run = env["credit.control.run"].create({"date": today, "policy_ids": [(6, 0, policy.ids)]})
    run.generate_credit_lines()
    run.set_to_ready_lines()
    run.run_channel_action()
    lines = run.line_ids
    did = {f"lines level {level}": count for level, count in sorted(_count(lines.mapped("level")).items())}
    did["communications"] = len(lines.communication_id)
    return did


def _count(values):
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="fc_anchor")
    parser.add_argument("--partners", type=int, default=200)
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--oca-dir", default=os.path.expanduser("~/.cache/freelance_collections_bench/oca"))
    parser.add_argument("--addons", help=argparse.SUPPRESS)  # the children's addons path
    parser.add_argument("--setup", help=argparse.SUPPRESS)
    parser.add_argument("--day", help=argparse.SUPPRESS)  # system:label:offset:change
    args = parser.parse_args()
    if args.setup:
        return setup(args.db, args.addons, args.setup)
    if args.day:
        system, label, offset, change = args.day.split(":")
        return day(args.db, args.addons, system, label, int(offset), change == "1")
    oca = oca_addons(args.oca_dir)
    path = ",".join(p for p in (addons_path(), oca) if p)
    build(args, path)
    rows = []
    for system in ("fc", "oca"):
        for label, offset, change in DAYS:
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--db",
                    f"{args.db}_{system}",
                    "--addons",
                    path,
                    "--day",
                    f"{system}:{label}:{offset}:{int(change)}",
                ],
                capture_output=True,
                text=True,
            )
            if out.returncode:
                print(out.stdout[-2000:], out.stderr[-4000:])
                raise SystemExit(f"{system} {label} failed")
            row = json.loads(out.stdout.split("DAY ", 1)[1].splitlines()[0])
            rows.append(row)
            _print(row)
    print("\nsystem  day           wall s   CPU s  child s   queries  emails  ms CPU/email  q/email  did")
    for row in rows:
        _print(row, table=True)


def _print(row, table=False):
    per_email = (
        f"{1000 * row['email_cpu'] / row['emails']:12.1f}  {row['email_queries'] / row['emails']:7.1f}"
        if row["emails"]
        else f"{'-':>12}  {'-':>7}"
    )
    did = ", ".join(f"{key} {value}" for key, value in row["did"].items())
    if row["moved"]:
        did = f"{row['moved']} invoices moved 15 days; " + did
    if table:
        print(
            f"{row['system']:6}  {row['day']:12} {row['wall']:7.1f} {row['cpu']:7.1f} {row['child_cpu']:8.1f} "
            f"{row['queries']:9d} {row['emails']:7d} {per_email}  {did}"
        )
    else:
        print(f"  {row['system']} {row['day']}: {json.dumps(row)}", flush=True)


if __name__ == "__main__":
    main()
