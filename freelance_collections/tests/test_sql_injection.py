"""No SQL injection: text typed by users travels through the addon's SQL as data; every query is an SQL object."""

import re
from pathlib import Path

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import CollectionsCommon

MALICIOUS = "'); DROP TABLE res_partner; --"


@tagged("post_install", "-at_install")
class TestNoSqlInjection(CollectionsCommon):
    """The addon's SQL (avg days late, installment debts, run lock, rescheduling) is parameterized:
    text typed by users travels as data, never as SQL."""

    def _tables(self):
        self.env.cr.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name IN "
            "('res_partner', 'account_move', 'collection_policy', 'collection_action_log')"
        )
        return self.env.cr.fetchone()[0]

    def test_malicious_text_goes_through_every_code_path(self):
        self.policy.write(
            {
                "name": MALICIOUS,
                "penalty_tier_ids": [Command.create({"days_late": 15, "percent": 5})],
                "fixed_fee": 40,
                "interest_mode": "fixed",
                "annual_rate": 8,
            }
        )
        self.stage_firm.name = MALICIOUS
        self.client.write({"name": MALICIOUS, "ref": MALICIOUS})
        with freeze_time("2026-02-20"):
            invoice = self._invoice(due_date="2026-01-31", ref=MALICIOUS)
            self._invoice(due_date="2026-01-10", amount=300)
            self._pay(invoice, amount=100.0)
            dry_run = self.env["collection.dry.run"].browse(self.env["collection.dry.run"].action_open()["res_id"])
            self.assertTrue(dry_run.line_ids)
            report = self.env["collection.run"]._cron_run_collections()
            self.assertTrue(report.actions)
            self.assertTrue(invoice.collection_penalty_ids, "late fees booked")
            self.assertEqual(invoice.collection_stage_id.name, MALICIOUS)
            self.assertGreater(self.client.collection_avg_days_late, 0)
            self.assertTrue(self.client.collection_overdue_amount)
            wizard = self.env["collection.action.wizard"].browse(
                self.env["collection.action.wizard"].action_open("dispute", invoice)["res_id"]
            )
            wizard.write({"reason": MALICIOUS, "date": "2026-03-01"})
            wizard.action_apply()
            self.assertEqual(invoice.collection_dispute_reason, MALICIOUS)
            html, _type = self.env["ir.actions.report"]._render_qweb_html(
                "freelance_collections.action_report_statement", self.client.ids
            )
            self.assertIn(invoice.name, html.decode())
        for model in ("res.partner", "collection.policy", "collection.stage", "account.move"):
            found = self.env[model].search([("display_name", "ilike", MALICIOUS)])
            self.assertTrue(found, model)
        self.assertEqual(self.env["res.partner"].name_search(MALICIOUS)[0][0], self.client.id)
        self.assertEqual(self.client.name, MALICIOUS)
        self.assertEqual(self.policy.name, MALICIOUS)
        self.assertEqual(self._tables(), 4, "no table dropped")

    def test_every_query_is_an_sql_object(self):
        """No query text built from strings: every cr.execute() of the addon and its bridges takes an
        odoo.tools.SQL, whose parameters are passed to PostgreSQL separately, and no SQL() gets an
        f-string or a %-formatted string."""
        root = Path(__file__).resolve().parents[2]
        raw_execute = re.compile(r"\.execute\((?!\s*SQL\()")
        formatted_sql = re.compile(r"SQL\(\s*(f[\"']|[\"'][^\"']*[\"']\s*%\s)")
        offenders, queries = [], 0
        for path in sorted(root.glob("freelance_collections*/**/*.py")):
            if "tests" in path.parts:
                continue
            text = path.read_text()
            queries += len(re.findall(r"\.execute\(", text))
            for pattern in (raw_execute, formatted_sql):
                offenders += [f"{path.name}: {match.group(0)}" for match in pattern.finditer(text)]
        self.assertGreaterEqual(queries, 4, "the addon's queries were found")
        self.assertEqual(offenders, [])
