#!/usr/bin/env python3
"""What a formal notice's demand letter costs in the first run: one wkhtmltopdf call per letter, or
the batch's letters rendered together (res_partner_reminder_batch.py).

    python3 scripts/bench_letters.py --db fc_letters --clients 600

Builds (once) a book of CLIENTS clients with 4 posted invoices each, 20 to 70 days late, under a copy of
the *Freelancer standard* preset (statement off), then copies it twice with ``createdb -T`` and times the
first run on each copy: with the letters rendered one by one (the batch rendering switched off, as
before 18.0.2.1), then batched. Prints per copy the first run's wall and CPU seconds, the letters, the
wkhtmltopdf calls and the seconds per letter (the formal-notice handler's wall time per letter: its
letters, emails and notes), and checks both runs did the same.
"""

# pylint: disable=print-used  # a command-line tool: what it prints is its report
# pylint: disable=invalid-commit  # it builds its own benchmark database

import argparse
import ast
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_run import Tally, addons_path, ensure_database  # noqa: E402


def populate(env, clients, today):
    from odoo import Command  # noqa: PLC0415

    if env["account.move"].search_count([("ref", "=like", "LETTERS-%")]):
        return
    rng = random.Random(7)
    preset = env.ref("freelance_collections.policy_freelancer_standard")
    policy = preset.copy({"name": "Letters benchmark", "attach_statement": False, "quiet_days": "none"})
    env.company.collection_policy_id = policy
    partners = env["res.partner"].create(
        [
            {"name": f"Letters client {i:04d}", "is_company": True, "email": f"letters{i:04d}@example.com"}
            for i in range(clients)
        ]
    )
    for start in range(0, clients, 100):
        vals = []
        for index, partner in enumerate(partners[start : start + 100], start):
            for k in range(4):
                due = today - timedelta(days=rng.randint(20, 70))
                vals.append(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "ref": f"LETTERS-{index}-{k}",
                        "invoice_date": due - timedelta(days=30),
                        "invoice_date_due": due,
                        "collection_deposit_template_id": False,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Design work",
                                    "quantity": 1,
                                    "price_unit": rng.randint(200, 3000),
                                    "tax_ids": [],
                                }
                            )
                        ],
                    }
                )
        moves = env["account.move"].create(vals)
        moves.action_post()
        env.cr.commit()
        print(f"  {len(vals) + start * 4} invoices", flush=True)
    env.cr.execute("ANALYZE")


def first_run(db, batched):
    """The first run on DB in this process; returns its figures."""
    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if not batched:  # as before: every letter rendered alone, when its client's email is sent
            type(env["res.partner"])._collection_render_pdfs = lambda self, report_xmlid, moves=None: 0
        tallies = [
            Tally("collection.run", "_collection_do_formal_notice", "formal-notice handler"),
            Tally("ir.actions.report", "_run_wkhtmltopdf", "wkhtmltopdf"),
        ]
        for tally in tallies:
            tally.install(env)
        times, wall = os.times(), time.perf_counter()
        run = env["collection.run"]._cron_run_collections()
        after = os.times()
        cr.commit()
        cr.execute(
            "SELECT count(DISTINCT partner_id) FROM collection_action_log WHERE action = 'formal_notice' "
            "AND state = 'done'"
        )
        letters = cr.fetchone()[0]
        return {
            "wall": time.perf_counter() - wall,
            "cpu": after.user + after.system - times.user - times.system,
            "child_cpu": after.children_user + after.children_system - times.children_user - times.children_system,
            "actions": dict(run.actions),
            "letters": letters,
            "handler_wall": tallies[0].wall,
            "wkhtmltopdf_calls": tallies[1].calls,
            "wkhtmltopdf_wall": tallies[1].wall,
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="fc_letters")
    parser.add_argument("--clients", type=int, default=600)
    parser.add_argument("--mode", choices=["both", "alone", "batched"], default="both")
    args = parser.parse_args()
    path = addons_path()
    if args.mode != "both":  # one copy, timed in this process
        import odoo  # noqa: PLC0415

        odoo.tools.config.parse_config(["-d", args.db, f"--addons-path={path}", "--log-level=warn"])
        result = first_run(args.db, args.mode == "batched")
        print("RESULT", repr(result))
        return
    ensure_database(args.db, path)
    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    odoo.tools.config.parse_config(["-d", args.db, f"--addons-path={path}", "--log-level=warn"])
    with odoo.modules.registry.Registry(args.db).cursor() as cr:
        populate(api.Environment(cr, SUPERUSER_ID, {}), args.clients, date.today())
        cr.commit()
    odoo.sql_db.close_db(args.db)
    results = {}
    for mode in ("alone", "batched"):
        copy = f"{args.db}_{mode}"
        subprocess.run(["dropdb", "--if-exists", copy], check=True)
        subprocess.run(["createdb", "-T", args.db, copy], check=True)
        out = subprocess.run(
            [sys.executable, __file__, "--db", copy, "--mode", mode], capture_output=True, text=True, check=True
        ).stdout
        results[mode] = ast.literal_eval(out.split("RESULT", 1)[1].strip())
        subprocess.run(["dropdb", copy], check=True)
    for mode, row in results.items():
        letters, invoices = row["letters"], row["actions"].get("formal_notice", 0)
        print(
            f"{mode:8}: first run {row['wall']:.1f} s ({row['cpu']:.1f} s Python CPU, {row['child_cpu']:.1f} s in "
            f"wkhtmltopdf); {letters} demand letters ({invoices} invoices), {row['wkhtmltopdf_calls']} wkhtmltopdf "
            f"calls ({row['wkhtmltopdf_wall']:.1f} s); formal-notice handler {row['handler_wall']:.1f} s; "
            f"actions {row['actions']}"
        )
        if letters:
            print(f"          {row['handler_wall'] / letters:.3f} s per letter (its email and notes included)")
    alone, batched = results["alone"], results["batched"]
    assert alone["actions"] == batched["actions"], "both runs must do the same"
    assert alone["letters"] == batched["letters"]
    if batched["handler_wall"]:
        print(f"per letter: {alone['handler_wall'] / batched['handler_wall']:.1f}x fewer seconds batched")


if __name__ == "__main__":
    main()
