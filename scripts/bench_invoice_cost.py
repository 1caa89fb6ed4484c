#!/usr/bin/env python3
"""What the addons add to Odoo's everyday accounting: posting an invoice, registering a payment,
reconciling a payment, a bank statement line.

    python3 scripts/bench_invoice_cost.py --count 100
    python3 scripts/bench_invoice_cost.py --count 100 --sets account,addon --profile pay

Creates the databases it needs when missing (no demo data), one per set of installed modules:

- ``account``: Odoo's ``account`` alone;
- ``addon``: ``freelance_collections`` (with its dependencies ``account_payment`` and ``mail``);
- ``base``: what the three addons depend on, without them (``account_payment``, ``sale_management``,
  ``hr_timesheet``);
- ``all``: ``base`` with the three addons (``freelance_collections``, ``_sale``, ``_timesheet``).

In each, the company's collection policy is the *Freelancer standard* preset (an addon in use, not only
installed; ``--no-policy`` leaves it unset). Each operation is done COUNT times, one record at a time and
flushed after each, as a user or an import does it, then rolled back; REPEAT times (best of them, by
CPU; ``--calls`` also counts the Python function calls of one more run, which do not vary with the
machine's load). The invoices are due at once (``--term now``: the preset's courtesy stage from the day they are
posted, so each payment moves them off the ladder) or in 30 days (``--term 30``). Printed: Python CPU
milliseconds and SQL queries per operation in each set, the addons' overhead
(``addon`` against ``account``, ``all`` against ``base``) in percent, and the size of the ORM's trigger
trees of the accounting fields these operations write (the nodes Odoo walks at every ``modified()``),
with how many of them are the addons' fields.

- ``post``: create a one-line customer invoice and post it;
- ``batch``: COUNT such invoices created in one ``create()`` and posted in one ``action_post()``;
- ``pay``: *Register Payment* on a posted invoice (the wizard: a payment created, posted, reconciled);
- ``reconcile``: a posted payment of the client added to its open invoice (the invoice's *Outstanding
  credits* "Add" button, ``js_assign_outstanding_line``);
- ``statement``: a bank statement line of the client created in the bank journal.
"""

# pylint: disable=print-used  # a command-line tool: what it prints is its report

import argparse
import cProfile
import os
import pstats
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_run import addons_path, ensure_database  # noqa: E402 (scripts/bench_run.py, next to this one)

SETS = {
    "account": "account",
    "addon": "freelance_collections",
    "base": "account_payment,sale_management,hr_timesheet",
    "all": "sale_management,hr_timesheet,freelance_collections,freelance_collections_sale,"
    "freelance_collections_timesheet",
}
OVERHEAD = [("addon", "account"), ("all", "base")]
OPERATIONS = ["post", "batch", "pay", "reconcile", "statement"]
FIELDS = [
    ("account.move.line", "amount_residual"),
    ("account.move.line", "balance"),
    ("account.move.line", "reconciled"),
    ("account.move.line", "move_id"),
    ("account.move", "state"),
    ("account.move", "payment_state"),
    ("account.move", "line_ids"),
]
CLIENTS = 20
# the invoices' payment terms: due at once (the preset's courtesy stage from the day they are posted), or
# in 30 days (Odoo's "30 Days": not on the ladder before their courtesy reminder)
TERMS = {"now": None, "30": "account.account_payment_term_30days"}
OURS = "freelance_collections"


def tree_nodes(registry, env):
    """{(model, field): (nodes of its trigger tree, fields in it, of which the addons')}"""
    result = {}
    for model, name in FIELDS:
        tree = registry.get_field_trigger_tree(env[model]._fields[name])
        fields = [field for node in tree.depth_first() for field in node.root]
        ours = [field for field in fields if (getattr(field, "_module", None) or "").startswith(OURS)]
        result[(model, name)] = (sum(1 for _node in tree.depth_first()), len(fields), len(ours))
    return result


class Book:
    """What the operations need, created once in the transaction (before the savepoints)."""

    def __init__(self, env, count, term=None):
        from odoo import Command  # noqa: PLC0415

        self.env = env
        self.count = count
        self.command = Command
        self.term = env.ref(TERMS[term]) if TERMS.get(term) else None
        self.clients = env["res.partner"].create([{"name": f"Bench client {i}"} for i in range(CLIENTS)])
        self.bank = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", env.company.id)], limit=1)
        Move = env["account.move"].with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
        # invoices to pay and invoices to reconcile, one per operation each
        self.to_pay = Move.create([self.invoice_vals(i) for i in range(count)])
        self.to_reconcile = Move.create([self.invoice_vals(i) for i in range(count)])
        (self.to_pay | self.to_reconcile).action_post()
        payments = env["account.payment"].create(
            [
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": invoice.partner_id.id,
                    "amount": invoice.amount_total,
                    "journal_id": self.bank.id,
                }
                for invoice in self.to_reconcile
            ]
        )
        payments.action_post()
        receivable = {"asset_receivable"}
        self.credit_lines = [
            payment.move_id.line_ids.filtered(lambda line: line.account_id.account_type in receivable)
            for payment in payments
        ]
        if not all(self.credit_lines):
            raise SystemExit("The payments booked no receivable line: the bank journal needs an outstanding account.")
        env.flush_all()

    def invoice_vals(self, i):
        vals = {
            "move_type": "out_invoice",
            "partner_id": self.clients[i % CLIENTS].id,
            "invoice_line_ids": [self.command.create({"name": "Work", "price_unit": 40.0 + i, "tax_ids": []})],
        }
        if self.term:
            vals["invoice_payment_term_id"] = self.term.id
        return vals

    # the operations: each does COUNT of them, flushed as a request would be
    def post(self):
        Move = self.env["account.move"]
        for i in range(self.count):
            Move.create(self.invoice_vals(i)).action_post()
            self.env.flush_all()

    def batch(self):
        self.env["account.move"].create([self.invoice_vals(i) for i in range(self.count)]).action_post()
        self.env.flush_all()

    def pay(self):
        Register = self.env["account.payment.register"]
        for invoice in self.to_pay:
            Register.with_context(active_model="account.move", active_ids=invoice.ids).create(
                {"journal_id": self.bank.id}
            ).action_create_payments()
            self.env.flush_all()

    def reconcile(self):
        for invoice, credit in zip(self.to_reconcile, self.credit_lines, strict=False):
            invoice.js_assign_outstanding_line(credit.id)
            self.env.flush_all()

    def statement(self):
        Line = self.env["account.bank.statement.line"]
        for i in range(self.count):
            Line.create(
                {
                    "journal_id": self.bank.id,
                    "amount": 40.0 + i,
                    "payment_ref": f"Bench transfer {i}",
                    "partner_id": self.clients[i % CLIENTS].id,
                }
            )
            self.env.flush_all()


def measure(db, count, repeat, operations, policy, profile=None, term="now", calls=False):  # noqa: PLR0913
    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    registry = odoo.modules.registry.Registry(db)
    results = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        trees = tree_nodes(registry, env)
        if policy and "collection.policy" in env:
            env.company.collection_policy_id = env.ref("freelance_collections.policy_freelancer_standard")
        book = Book(env, count, term)
        for operation in operations:
            best = None
            for _attempt in range(repeat):
                cr.execute("SAVEPOINT bench_operation")
                env.invalidate_all()
                queries, cpu = cr.sql_log_count, time.process_time()
                getattr(book, operation)()
                row = ((time.process_time() - cpu) * 1000 / count, (cr.sql_log_count - queries) / count)
                best = row if best is None or row[0] < best[0] else best
                cr.execute("ROLLBACK TO SAVEPOINT bench_operation")  # the next attempt starts from the same book
                env.invalidate_all()
                env.transaction.clear()
            if calls:
                # Python function calls: the same from one run to the next, where the CPU time varies
                # with the machine's load
                best = (*best, profiled(env, book, operation).total_calls / count)
            results[operation] = best
            if profile == operation:
                print(f"\n{db}: {operation} under cProfile, cumulative")
                profiled(env, book, operation).sort_stats("cumulative").print_stats(45)
        cr.rollback()
    return results, trees


def profiled(env, book, operation):
    """The pstats of OPERATION run once more under cProfile, rolled back."""
    env.cr.execute("SAVEPOINT bench_operation")
    profiler = cProfile.Profile()
    profiler.runcall(getattr(book, operation))
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_operation")
    env.invalidate_all()
    env.transaction.clear()
    return pstats.Stats(profiler)


def percent(ours, theirs):
    return f"{(ours - theirs) * 100 / theirs:+.1f}%" if theirs else "n/a"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="fc_invoice_cost", help="prefix of the databases")
    parser.add_argument("--count", type=int, default=100, help="operations of each kind")
    parser.add_argument("--repeat", type=int, default=3, help="attempts of each, the best kept")
    parser.add_argument("--sets", default="account,addon,base,all", help=f"among {', '.join(SETS)}")
    parser.add_argument("--operations", default=",".join(OPERATIONS))
    parser.add_argument("--no-policy", action="store_true", help="leave the company without a collection policy")
    parser.add_argument("--profile", help="an operation to run once more under cProfile, in every set")
    parser.add_argument("--term", choices=sorted(TERMS), default="now", help="the invoices due at once or in 30 days")
    parser.add_argument("--calls", action="store_true", help="also count the Python function calls per operation")
    args = parser.parse_args()
    import odoo  # noqa: PLC0415

    names = args.sets.split(",")
    operations = args.operations.split(",")
    path = addons_path()
    for name in names:
        ensure_database(f"{args.db}_{name}", path, SETS[name])
    odoo.tools.config.parse_config([f"--addons-path={path}", "--log-level=warn"])
    results = {
        name: measure(
            f"{args.db}_{name}",
            args.count,
            args.repeat,
            operations,
            not args.no_policy,
            args.profile,
            args.term,
            args.calls,
        )
        for name in names
    }
    print(
        f"\n{args.count} of each operation, one at a time (batch: at once), best of {args.repeat}, "
        f"invoices due {'at once' if args.term == 'now' else 'in 30 days'}"
    )
    print(f"{'operation':10} " + " ".join(f"{name + ' ms':>11} {'queries':>8}" for name in names))
    for operation in operations:
        cells = " ".join(f"{results[n][0][operation][0]:11.2f} {results[n][0][operation][1]:8.2f}" for n in names)
        print(f"{operation:10} {cells}")
    if args.calls:
        print("\nPython function calls per operation")
        for operation in operations:
            print(f"{operation:10} " + " ".join(f"{results[n][0][operation][2]:20.0f}" for n in names))
    for ours, theirs in OVERHEAD:
        if ours in results and theirs in results:
            print(f"\n{ours} against {theirs}: CPU, queries" + (", function calls" if args.calls else ""))
            for operation in operations:
                row, row0 = results[ours][0][operation], results[theirs][0][operation]
                cells = [percent(row[0], row0[0]), percent(row[1], row0[1])]
                if args.calls:
                    cells.append(percent(row[2], row0[2]))
                print(f"{operation:10} " + " ".join(f"{cell:>8}" for cell in cells))
    print("\ntrigger trees: nodes (fields, of which the addons')")
    for name in names:
        trees = results[name][1]
        print(f"{name:8} " + ", ".join(f"{m}.{f} {n} ({k}, {o})" for (m, f), (n, k, o) in trees.items()))


if __name__ == "__main__":
    main()
