from odoo import Command, _, api, fields, models
from odoo.tools import format_amount, format_date


class CollectionDryRun(models.TransientModel):
    """What tonight's run would do, per invoice, without doing anything."""

    _name = "collection.dry.run"
    _description = "Collections Dry Run"

    date = fields.Date(default=fields.Date.context_today, readonly=True)
    line_ids = fields.One2many("collection.dry.run.line", "wizard_id", readonly=True)
    line_count = fields.Integer(compute="_compute_line_count")

    @api.depends("date")
    def _compute_display_name(self):
        for wizard in self:  # the form's breadcrumb
            wizard.display_name = _("Collections Dry Run of %(date)s", date=format_date(self.env, wizard.date))

    @api.depends("line_ids")
    def _compute_line_count(self):
        for wizard in self:
            wizard.line_count = len(wizard.line_ids)

    @api.model
    def _plan_lines(self, moves, today):
        """Line values for MOVES: the stage they would be in and each action, done or waiting."""
        targets = moves._collection_target_stages(today)
        plan = moves._collection_plan(today, stage_by_move=targets)
        lines = []
        planned_moves = set()
        for item in plan:
            planned_moves.add(item.move.id)
            lines.append(
                {
                    "move_id": item.move.id,
                    "current_stage_id": item.move.collection_stage_id.id,
                    "stage_id": item.stage.id,
                    "action": item.action,
                    "status": item.blocked or _("will be done"),
                    "will_run": not item.blocked,
                }
            )
        for move in moves:
            if move.id not in planned_moves and targets[move.id] != move.collection_stage_id:
                lines.append(
                    {
                        "move_id": move.id,
                        "current_stage_id": move.collection_stage_id.id,
                        "stage_id": targets[move.id].id,
                        "action": False,
                        "status": _("stage change only"),
                        "will_run": True,
                    }
                )
        return lines + self._autopay_lines(moves, today)

    @api.model
    def _autopay_lines(self, moves, today):
        """Line values for tonight's autopay notices and charges among MOVES (what the run's autopay
        step would do: ``collection_run_autopay.py``)."""
        # one query narrows a large book to the clients on autopay (as the run's autopay step does)
        on_autopay = (
            self.env["account.move"]
            .sudo()
            .search([("id", "in", moves.ids), ("commercial_partner_id.collection_autopay_token_id", "!=", False)])
        )
        charges = on_autopay._collection_autopay_charges(today)
        lines = []
        for charge in charges.values():
            move, decision = charge.move, charge.decision
            stage = move.collection_stage_id.id
            base = {"move_id": move.id, "current_stage_id": stage, "stage_id": stage, "will_run": True}
            if decision.notify:
                amount = move._collection_autopay_amount(charge, charge.day)
                status = _(
                    "notice: %(amount)s will be charged on %(day)s",
                    amount=format_amount(self.env, amount, move.currency_id),
                    day=format_date(self.env, charge.day),
                )
                lines.append(dict(base, action="autopay_notice", status=status))
            if decision.attempt_day:  # a charge paid or waiting for its answer has none: never twice
                amount = move._collection_autopay_amount(charge, today)
                if move.currency_id.compare_amounts(amount, 0) <= 0:
                    continue  # nothing left to charge: the run makes no transaction
                status = _(
                    "%(amount)s charged to the saved payment method %(method)s",
                    amount=format_amount(self.env, amount, move.currency_id),
                    method=charge.token.sudo().display_name,
                )
                lines.append(dict(base, action="autopay_charge", status=status))
        return lines

    @api.model
    def action_open(self, moves=None):
        """Build the dry run for MOVES (default: every open invoice of the current company)."""
        today = fields.Date.context_today(self)
        if moves is None:
            Move = self.env["account.move"]
            moves = Move.browse(Move._collection_open_invoice_ids(self.env.company))
        return self._collection_open_lines(self._plan_lines(moves, today))

    @api.model
    def _collection_open_lines(self, lines):
        """The dry run's form showing LINES (values of dry-run lines)."""
        wizard = self.create({"line_ids": [Command.create(vals) for vals in lines]})
        return {
            "type": "ir.actions.act_window",
            "name": _("Collections Dry Run"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "current",
        }


class CollectionDryRunLine(models.TransientModel):
    _name = "collection.dry.run.line"
    _description = "Collections Dry Run Line"
    _order = "partner_id, move_id, id"

    wizard_id = fields.Many2one("collection.dry.run", required=True, ondelete="cascade")
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", string="Client", store=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount_residual = fields.Monetary(related="move_id.amount_residual", string="Amount Due")
    days_late = fields.Integer(related="move_id.collection_days_late")
    current_stage_id = fields.Many2one("collection.stage", string="Stage Now", readonly=True)
    stage_id = fields.Many2one("collection.stage", string="Stage Tonight", readonly=True)
    action = fields.Selection(
        selection=lambda self: self.env["collection.action.log"]._fields["action"].selection, readonly=True
    )
    status = fields.Char(readonly=True)
    will_run = fields.Boolean(readonly=True)
