"""Bank statement lines do not carry the invoices' collection fields.

A statement line inherits every field of its journal entry (``_inherits``), each as a related field
that depends on the entry's. For the addon's computed invoice fields, those copies sat in the ORM's
trigger trees of the accounting fields (the residual of a line, the state of an entry...), which Odoo
walks at every change of them, though nothing reads them on a statement line (a statement line is not
an invoice: no stage, due date, discount or late fee). Declared here on the line itself, they are no
longer copies of the entry's: always empty, and out of those trees (docs/benchmark.md, everyday
accounting; ``tests/test_work_stop.py`` checks that they stay out).
"""

from odoo import fields, models

NOT_ON_STATEMENT_LINES = "_compute_collection_not_on_statement_lines"


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    collection_client_id = fields.Many2one("res.partner", compute=NOT_ON_STATEMENT_LINES)
    collection_policy_id = fields.Many2one("collection.policy", compute=NOT_ON_STATEMENT_LINES)
    collection_stage_id = fields.Many2one("collection.stage", compute=NOT_ON_STATEMENT_LINES)
    collection_stage_severity = fields.Char(compute=NOT_ON_STATEMENT_LINES)
    collection_due_date = fields.Date(compute=NOT_ON_STATEMENT_LINES)
    collection_next_run_date = fields.Date(compute=NOT_ON_STATEMENT_LINES)
    collection_paused = fields.Boolean(compute=NOT_ON_STATEMENT_LINES)
    collection_work_stop = fields.Boolean(compute=NOT_ON_STATEMENT_LINES)
    collection_discount_percent = fields.Float(compute=NOT_ON_STATEMENT_LINES)
    collection_discount_deadline = fields.Date(compute=NOT_ON_STATEMENT_LINES)
    collection_discount_amount_to_pay = fields.Float(compute=NOT_ON_STATEMENT_LINES)
    collection_discount_saving = fields.Float(compute=NOT_ON_STATEMENT_LINES)
    collection_fee_origin_ids = fields.Many2many("account.move", compute=NOT_ON_STATEMENT_LINES)
    collection_open_fee_ids = fields.Many2many("account.move", compute=NOT_ON_STATEMENT_LINES)
    collection_penalty_ids = fields.Many2many("account.move", compute=NOT_ON_STATEMENT_LINES)
    collection_penalty_charged = fields.Float(compute=NOT_ON_STATEMENT_LINES)
    collection_penalty_count = fields.Integer(compute=NOT_ON_STATEMENT_LINES)
    collection_retainer_drawn = fields.Float(compute=NOT_ON_STATEMENT_LINES)
    collection_retainer_effect = fields.Float(compute=NOT_ON_STATEMENT_LINES)

    def _compute_collection_not_on_statement_lines(self):
        for name, field in self._fields.items():
            if field.compute == NOT_ON_STATEMENT_LINES:
                self[name] = False
