"""Bank statement lines do not carry the invoices' collection fields.

A statement line inherits every field of its journal entry (``_inherits``), each as a related field
that depends on the entry's. For the addon's computed invoice fields, those copies sat in the ORM's
trigger trees of the accounting fields (the residual of a line, the state of an entry...), which Odoo
walks at every change of them, though nothing reads them on a statement line (a statement line is not
an invoice: no stage, due date, discount or late fee). Declared here on the line itself, they are no
longer copies of the entry's: always empty, and out of those trees (docs/benchmark.md, everyday
accounting; ``tests/test_work_stop.py`` checks that they stay out). Their labels are the invoice's.
"""

from odoo import fields, models

NOT_ON = "_compute_collection_not_on_statement_lines"


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    collection_client_id = fields.Many2one("res.partner", string="Invoiced Client", compute=NOT_ON)
    collection_policy_id = fields.Many2one("collection.policy", string="Collection Policy", compute=NOT_ON)
    collection_stage_id = fields.Many2one("collection.stage", string="Collection Stage", compute=NOT_ON)
    collection_stage_severity = fields.Char(string="Severity", compute=NOT_ON)
    collection_due_date = fields.Date(compute=NOT_ON)
    collection_next_run_date = fields.Date(string="Next Collections Check", compute=NOT_ON)
    collection_paused = fields.Boolean(string="Escalation Paused", compute=NOT_ON)
    collection_work_stop = fields.Boolean(string="Work Stopped", compute=NOT_ON)
    collection_discount_percent = fields.Float(string="Early-Payment Discount (%)", compute=NOT_ON)
    collection_discount_deadline = fields.Date(string="Discount Deadline", compute=NOT_ON)
    collection_discount_amount_to_pay = fields.Float(string="Amount With Discount", compute=NOT_ON)
    collection_discount_saving = fields.Float(string="Discount Saving", compute=NOT_ON)
    collection_fee_origin_ids = fields.Many2many("account.move", string="Late Fees Of Invoices", compute=NOT_ON)
    collection_open_fee_ids = fields.Many2many("account.move", string="Late-Fee Invoices To Pay", compute=NOT_ON)
    collection_penalty_ids = fields.Many2many("account.move", string="Late-Fee Invoices", compute=NOT_ON)
    collection_penalty_charged = fields.Float(string="Late Fees Charged", compute=NOT_ON)
    collection_penalty_count = fields.Integer(compute=NOT_ON)
    collection_retainer_drawn = fields.Float(string="Paid From Retainer", compute=NOT_ON)
    collection_retainer_effect = fields.Float(string="On the Balance", compute=NOT_ON)

    def _compute_collection_not_on_statement_lines(self):
        for name, field in self._fields.items():
            if field.compute == NOT_ON:
                self[name] = False
