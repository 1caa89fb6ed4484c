#!/usr/bin/env python3
"""What the addon adds to Odoo's own creation and posting of a customer invoice.

    python3 scripts/bench_invoice_cost.py --invoices 300

Creates two databases when missing, DB_account (Odoo's ``account`` alone) and DB_addon (the addon
installed, no policy chosen), then in each creates and posts INVOICES one-line customer invoices in one
``create()`` and one ``action_post()`` (as the run books its late-fee invoices), three times, rolled
back each time. Prints per database the Python CPU milliseconds per invoice (best of three), the SQL
queries per invoice, and the size of the ORM's trigger trees of the accounting fields the creation
writes (nodes to walk each time Odoo marks one of them modified): the addon's stored computes that
depend on invoices (the stage, the work stop, the next run date, ...) make those trees larger, and
Odoo merges them at every ``modified()``.
"""

# pylint: disable=print-used  # a command-line tool: what it prints is its report

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_run import addons_path, ensure_database  # noqa: E402 (scripts/bench_run.py, next to this one)

FIELDS = [
    ("account.move.line", "amount_residual"),
    ("account.move.line", "balance"),
    ("account.move.line", "move_id"),
    ("account.move", "state"),
    ("account.move", "line_ids"),
]


def tree_nodes(registry, env):
    """{(model, field): nodes of its trigger tree}"""
    return {
        (model, name): sum(1 for _node in registry.get_field_trigger_tree(env[model]._fields[name]).depth_first())
        for model, name in FIELDS
    }


def measure(db, count):
    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, Command, api  # noqa: PLC0415

    registry = odoo.modules.registry.Registry(db)
    best = None
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        trees = tree_nodes(registry, env)
        partners = env["res.partner"].create([{"name": f"Bench client {i}"} for i in range(50)])
        env.flush_all()
        for _attempt in range(3):
            vals_list = [
                {
                    "move_type": "out_invoice",
                    "partner_id": partners[i % 50].id,
                    "invoice_line_ids": [Command.create({"name": "Work", "price_unit": 40.0, "tax_ids": []})],
                }
                for i in range(count)
            ]
            cr.execute("SAVEPOINT bench_invoices")
            env.invalidate_all()
            queries, cpu = cr.sql_log_count, time.process_time()
            moves = env["account.move"].with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            moves.create(vals_list).action_post()
            env.flush_all()
            row = ((time.process_time() - cpu) * 1000 / count, (cr.sql_log_count - queries) / count)
            best = row if best is None or row[0] < best[0] else best
            cr.execute("ROLLBACK TO SAVEPOINT bench_invoices")  # the next attempt starts from the same book
            env.invalidate_all()
            env.transaction.clear()
        cr.rollback()
    return best, trees


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="fc_invoice_cost", help="prefix of the two databases")
    parser.add_argument("--invoices", type=int, default=300)
    args = parser.parse_args()
    import odoo  # noqa: PLC0415

    path = addons_path()
    dbs = {"account": f"{args.db}_account", "freelance_collections": f"{args.db}_addon"}
    for module, db in dbs.items():
        ensure_database(db, path, module)
    odoo.tools.config.parse_config([f"--addons-path={path}", "--log-level=warn"])
    results = {module: measure(db, args.invoices) for module, db in dbs.items()}
    print(f"\n{args.invoices} one-line customer invoices created and posted at once, best of three")
    print(f"{'installed':24} {'CPU ms/invoice':>15} {'queries/invoice':>16}  trigger-tree nodes")
    for module, ((ms, queries), trees) in results.items():
        nodes = ", ".join(f"{model}.{name} {n}" for (model, name), n in trees.items())
        print(f"{module:24} {ms:15.1f} {queries:16.1f}  {nodes}")


if __name__ == "__main__":
    main()
