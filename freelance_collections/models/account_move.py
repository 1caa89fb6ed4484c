from decimal import Decimal

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..policy import stages

OPEN_PAYMENT_STATES = ("not_paid", "partial")
# Posted customer invoices still to be paid: what collections work on.
OPEN_INVOICE_DOMAIN = [
    ("move_type", "=", "out_invoice"),
    ("state", "=", "posted"),
    ("payment_state", "in", OPEN_PAYMENT_STATES),
]


class AccountMove(models.Model):
    _inherit = "account.move"

    # Indexed: the client's collection fields depend on its invoices, so every change of an invoice's
    # stage makes the ORM look up invoices by client.
    commercial_partner_id = fields.Many2one(index=True)
    collection_policy_id = fields.Many2one(
        "collection.policy",
        string="Collection Policy",
        compute="_compute_collection_policy_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        check_company=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="Defaults to the customer's policy, else the company's; can be changed per invoice.",
    )
    collection_due_date = fields.Date(
        string="Collection Due Date",
        compute="_compute_collection_due_date",
        store=True,
        index=True,
        help="Due date of the earliest installment still unpaid: lateness counts from it.",
    )
    collection_days_late = fields.Integer(
        string="Days Late", compute="_compute_collection_days_late"
    )
    collection_stage_id = fields.Many2one(
        "collection.stage",
        string="Collection Stage",
        compute="_compute_collection_stage_id",
        store=True,
        index=True,
        tracking=True,
        help="Recomputed from the facts (due date, amount due, pauses) at every payment "
        "and by the daily collections run.",
    )
    collection_stage_severity = fields.Selection(related="collection_stage_id.severity")
    collection_work_stop = fields.Boolean(related="commercial_partner_id.collection_work_stop")
    collection_dispute = fields.Boolean(string="Disputed", tracking=True, copy=False)
    collection_dispute_reason = fields.Char(string="Dispute Reason", tracking=True, copy=False)
    collection_dispute_review_date = fields.Date(string="Dispute Review Date", copy=False)
    collection_paused_stage_id = fields.Many2one(
        "collection.stage",
        string="Stage When Paused",
        copy=False,
        readonly=True,
        help="The stage the invoice keeps while escalation is paused.",
    )
    collection_agency_id = fields.Many2one(
        "res.partner", string="Collection Agency", copy=False, tracking=True)
    collection_agency_commission = fields.Float(
        string="Agency Commission (%)", digits=(5, 2), copy=False)
    collection_agency_date = fields.Date(string="Handed Over On", copy=False)
    collection_write_off_move_id = fields.Many2one(
        "account.move", string="Write-off Entry", copy=False, readonly=True)
    collection_log_ids = fields.One2many(
        "collection.action.log", "move_id", string="Collection Actions")
    collection_discount_percent = fields.Float(
        string="Early-Payment Discount (%)", compute="_compute_collection_discount", digits=(5, 2))
    collection_discount_deadline = fields.Date(
        string="Discount Deadline", compute="_compute_collection_discount")
    collection_discount_amount_to_pay = fields.Monetary(
        string="Amount With Discount", compute="_compute_collection_discount")
    collection_discount_saving = fields.Monetary(
        string="Discount Saving", compute="_compute_collection_discount")
    collection_plan_id = fields.Many2one(
        "collection.payment.plan", string="Payment Plan", copy=False, readonly=True, index="btree_not_null",
        help="The running payment plan: escalation stands still while its installments are paid on time.")
    collection_pause_days = fields.Integer(
        string="Days on a Payment Plan", copy=False, readonly=True,
        help="Days the invoice spent on a payment plan that was later broken or cancelled: "
        "they do not count towards the collection stage.")
    collection_paused = fields.Boolean(
        string="Escalation Paused", compute="_compute_collection_paused"
    )

    @api.depends(
        "move_type", "invoice_date_due", "line_ids.date_maturity", "line_ids.amount_residual",
        "line_ids.account_type",
    )
    def _compute_collection_due_date(self):
        for move in self:
            currency = move.currency_id or move.company_id.currency_id  # empty while being edited
            open_terms = move.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
                and line.date_maturity
                and not (currency.is_zero(line.amount_residual_currency) if currency
                         else not line.amount_residual_currency)
            )
            move.collection_due_date = (
                min(open_terms.mapped("date_maturity")) if open_terms else move.invoice_date_due
            )

    def _compute_collection_days_late(self):
        today = fields.Date.context_today(self)
        for move in self:
            move.collection_days_late = (
                stages.days_late(move.collection_due_date, today) if move.collection_due_date else 0
            )

    def _is_collection_open(self):
        self.ensure_one()
        return (
            self.move_type == "out_invoice"
            and self.state == "posted"
            and self.payment_state in OPEN_PAYMENT_STATES
        )

    @api.depends("collection_dispute", "collection_plan_id", "commercial_partner_id.collection_exception_until")
    def _compute_collection_paused(self):
        today = fields.Date.context_today(self)
        for move in self:
            move.collection_paused = move._collection_is_paused(today)

    def _collection_is_paused(self, today):
        self.ensure_one()
        until = self.commercial_partner_id.collection_exception_until
        return bool(self.collection_dispute or self.collection_plan_id or (until and until >= today))

    @api.depends(
        "state", "payment_state", "amount_residual", "collection_due_date", "collection_policy_id",
        "collection_policy_id.stage_ids.days", "collection_dispute", "collection_paused_stage_id",
        "collection_plan_id", "collection_pause_days",
        "commercial_partner_id.collection_exception_until", "collection_penalty_origin_id.payment_state",
    )
    def _compute_collection_stage_id(self):
        targets = self._collection_target_stages(fields.Date.context_today(self))
        for move in self:
            move.collection_stage_id = targets[move.id]

    def _collection_target_stages(self, today):
        """The stage each invoice is in on TODAY, from facts only: {move id: stage or empty}."""
        ladders = {}
        result = {}
        Stage = self.env["collection.stage"]
        for move in self:
            policy = move.collection_policy_id
            origin = move.collection_penalty_origin_id
            if not policy or not move._is_collection_open() or not move.collection_due_date or (
                    origin and origin._is_collection_open()):  # late fees are reminded with their invoice
                result[move.id] = Stage
                continue
            if policy.id not in ladders:
                ladders[policy.id] = policy._get_stage_rules()
            facts = move._collection_stage_facts(today)
            result[move.id] = Stage.browse(stages.decide_stage(ladders[policy.id], facts, today) or [])
        return result

    def _collection_stage_facts(self, today):
        """What the ladder looks at, for the pure engine."""
        self.ensure_one()
        return stages.InvoiceFacts(
            due_date=self.collection_due_date,
            residual=Decimal(str(self.amount_residual)),
            paused=self._collection_is_paused(today),
            held_key=self.collection_paused_stage_id.id or None,
            paused_days=self.collection_pause_days,
        )

    def write(self, vals):
        if vals.get("collection_dispute"):
            self._collection_hold_stage()
        elif "collection_dispute" in vals and not vals["collection_dispute"]:
            vals.setdefault("collection_paused_stage_id", False)
        return super().write(vals)

    def _collection_hold_stage(self):
        """Remember the current stage of the invoices that are about to be paused."""
        for stage, moves in self.filtered(lambda m: not m.collection_paused).grouped(
            "collection_stage_id"
        ).items():
            moves.collection_paused_stage_id = stage

    def _post(self, soft=True):
        stopped = self.filtered(
            lambda m: m.move_type == "out_invoice" and m.commercial_partner_id.collection_work_stop
            and not m.collection_penalty_origin_id  # late fees are not new work
        )
        if stopped:
            override = self.env.user._collection_work_stop_override()
            if not override:
                raise UserError(_(
                    "Work is stopped for %(clients)s: their overdue invoices must be paid before new "
                    "invoices are posted. Ask a collections manager to post it if it must go out.",
                    clients=", ".join(stopped.commercial_partner_id.mapped("display_name")),
                ))
            for move in stopped:
                move._message_log(body=_(
                    "Posted by %(user)s although work is stopped for this client (manager override).",
                    user=self.env.user.name,
                ) if override == "manager" else _(
                    "Posted after an online action of the client although work is stopped for this client."))
        return super()._post(soft=soft)

    def _collection_write_off(self):
        """Book what is still due to the policy's bad-debt account and reconcile it (reversible)."""
        self.ensure_one()
        policy = self.collection_policy_id
        account = policy.write_off_account_id
        if not account:
            raise UserError(_(
                "Policy %(policy)s has no bad-debt account: set one on its Late Penalties tab before "
                "writing off %(invoice)s.", policy=policy.name, invoice=self.name))
        if self.collection_write_off_move_id:
            raise UserError(_("%(invoice)s is already written off.", invoice=self.name))
        receivables = self.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled)
        if not receivables:
            raise UserError(_("%(invoice)s has nothing left to write off.", invoice=self.name))
        balance = sum(receivables.mapped("amount_residual"))
        amount_currency = sum(receivables.mapped("amount_residual_currency"))
        journal = self.env["account.journal"].search([
            *self.env["account.journal"]._check_company_domain(self.company_id),
            ("type", "=", "general"),
        ], limit=1)
        label = _("Bad debt write-off of %(invoice)s", invoice=self.name)
        common = {"partner_id": self.commercial_partner_id.id, "currency_id": self.currency_id.id, "name": label}
        entry = self.env["account.move"].create({
            "move_type": "entry",
            "journal_id": journal.id,
            "date": fields.Date.context_today(self),
            "ref": label,
            "company_id": self.company_id.id,
            "line_ids": [
                Command.create({**common, "account_id": receivables[0].account_id.id,
                                "balance": -balance, "amount_currency": -amount_currency}),
                Command.create({**common, "account_id": account.id,
                                "balance": balance, "amount_currency": amount_currency}),
            ],
        })
        entry.action_post()
        (receivables + entry.line_ids.filtered(lambda l: l.account_id == receivables[0].account_id)).reconcile()
        self.collection_write_off_move_id = entry
        self._message_log(body=_("Written off as bad debt: %(entry)s.", entry=entry._get_html_link()))
        return entry

    def action_collection_undo_write_off(self):
        """Reverse the write-off entries: the invoices are due again."""
        for move in self.filtered("collection_write_off_move_id"):
            entry = move.collection_write_off_move_id
            entry.line_ids.remove_move_reconcile()
            entry._reverse_moves([{"ref": _("Reversal of %(entry)s", entry=entry.name)}], cancel=True)
            move.collection_write_off_move_id = False
            move._message_log(body=_("Write-off reversed: the invoice is due again."))

    def _collection_refresh_stages(self):
        """Recompute the stage of these invoices as of today (the daily run calls this)."""
        self.invalidate_recordset(["collection_paused", "collection_days_late", "collection_discount_percent",
                                   "collection_discount_deadline", "collection_discount_amount_to_pay"])
        # mark the stage and everything that depends on it (the client's stage and work stop)
        self.modified(["collection_pause_days"])
        self._recompute_recordset(["collection_stage_id"])
