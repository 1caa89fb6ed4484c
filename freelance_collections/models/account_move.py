"""Collections on customer invoices: the policy governing one, its stage from the facts, its pauses.

Each further feature extends ``account.move`` in a file of its own, ``account_move_<feature>.py``.
"""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_date
from odoo.tools.sql import column_exists, create_column

from ..policy import bounds, stages
from ..policy.money import to_decimal
from ..tools.engine_messages import render_messages

# Payment states of an invoice still to be paid, and of one paid (in_payment: paid, not yet matched
# with the bank statement). The one home of these rules: import them, don't spell them out.
OPEN_PAYMENT_STATES = ("not_paid", "partial")
PAID_STATES = ("paid", "in_payment")
# Posted customer invoices still to be paid: what collections work on.
OPEN_INVOICE_DOMAIN = [
    ("move_type", "=", "out_invoice"),
    ("state", "=", "posted"),
    ("payment_state", "in", OPEN_PAYMENT_STATES),
]


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "collection.bounds.mixin"]  # the collection_* numbers and dates given

    # Indexed: the client's collection fields depend on its invoices, so every change of an invoice's
    # stage makes the ORM look up invoices by client.
    commercial_partner_id = fields.Many2one(index=True)
    # The client of a posted customer invoice, empty on every other entry: the client's stage and work
    # stop depend on its invoices through this field, so that a draft invoice, a bank statement line,
    # a payment's entry, a vendor bill or a journal entry of the partner does not have Odoo recompute
    # them (commercial_partner_id is on every entry). docs/benchmark.md, everyday accounting.
    collection_client_id = fields.Many2one(
        "res.partner",
        string="Invoiced Client",
        compute="_compute_collection_client_id",
        store=True,
        index="btree_not_null",
    )
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
        compute="_compute_collection_due_date",
        store=True,
        index=True,
        help="Due date of the earliest installment still unpaid: lateness counts from it.",
    )
    collection_days_late = fields.Integer(string="Days Late", compute="_compute_collection_days_late")
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
    collection_work_stop = fields.Boolean(
        string="Work Stopped",
        compute="_compute_collection_work_stop",
        search="_search_collection_work_stop",
    )
    collection_work_stop_hold = fields.Char(
        string="Work Stop Held",
        compute="_compute_collection_work_stop_hold",
        help="The client's: why work goes on though an invoice of the client is at a work-stop stage.",
    )
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
    collection_agency_id = fields.Many2one("res.partner", string="Collection Agency", copy=False, tracking=True)
    collection_agency_commission = fields.Float(string="Agency Commission (%)", digits=(5, 2), copy=False)
    collection_agency_date = fields.Date(string="Handed Over On", copy=False)
    collection_log_ids = fields.One2many("collection.action.log", "move_id", string="Collection Actions")
    collection_plan_id = fields.Many2one(
        "collection.payment.plan",
        string="Payment Plan",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The running payment plan: escalation stands still while its installments are paid on time.",
    )
    collection_pause_days = fields.Integer(
        string="Days on a Payment Plan",
        copy=False,
        readonly=True,
        help="Days the invoice spent on a payment plan that was later broken or cancelled: "
        "they do not count towards the collection stage.",
    )
    collection_paused = fields.Boolean(string="Escalation Paused", compute="_compute_collection_paused")

    def _auto_init(self):
        # Installed or upgraded on a book with many entries: filled by one query, not computed by the
        # ORM for every entry.
        fill = not column_exists(self.env.cr, "account_move", "collection_client_id")
        if fill:
            create_column(self.env.cr, "account_move", "collection_client_id", "int4")
            self.env.cr.execute(
                SQL(
                    "UPDATE account_move SET collection_client_id = commercial_partner_id "
                    "WHERE move_type = 'out_invoice' AND state = 'posted' AND commercial_partner_id IS NOT NULL"
                )
            )
        return super()._auto_init()

    @api.depends("move_type", "state", "commercial_partner_id")
    def _compute_collection_client_id(self):
        for move in self:
            posted_invoice = move.move_type == "out_invoice" and move.state == "posted"
            move.collection_client_id = move.commercial_partner_id if posted_invoice else False

    @api.depends(
        "move_type",
        "invoice_date_due",
        "line_ids.date_maturity",
        "line_ids.amount_residual",
        "line_ids.account_type",
    )
    def _compute_collection_due_date(self):
        for move in self:
            currency = move.currency_id or move.company_id.currency_id  # empty while being edited
            open_terms = move.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
                and line.date_maturity
                and not (
                    currency.is_zero(line.amount_residual_currency) if currency else not line.amount_residual_currency  # noqa: B023 - the lambda is called at once, within the loop
                )
            )
            move.collection_due_date = min(open_terms.mapped("date_maturity")) if open_terms else move.invoice_date_due

    def _compute_collection_days_late(self):
        today = fields.Date.context_today(self)
        for move in self:
            move.collection_days_late = (
                stages.days_late(move.collection_due_date, today) if move.collection_due_date else 0
            )

    # Depends on the client only, not on its work stop: the client's work stop follows every payment
    # and invoice, and a dependency through it would add this banner field (and its copy on bank
    # statement lines) at each of the 32 places the work stop has in the ORM's trigger trees of the
    # accounting fields, slowing every invoice Odoo creates or pays (docs/benchmark.md). A form reads
    # it afresh; the run, the guards and the filters read the client's stored field.
    @api.depends("commercial_partner_id")
    def _compute_collection_work_stop(self):
        for move in self:
            move.collection_work_stop = move.commercial_partner_id.collection_work_stop

    def _compute_collection_work_stop_hold(self):
        for move in self:
            move.collection_work_stop_hold = move.commercial_partner_id.collection_work_stop_hold

    def _search_collection_work_stop(self, operator, value):
        return [("commercial_partner_id.collection_work_stop", operator, value)]

    def _is_collection_open(self):
        self.ensure_one()
        return self.move_type == "out_invoice" and self.state == "posted" and self.payment_state in OPEN_PAYMENT_STATES

    @api.depends("collection_dispute", "collection_plan_id", "commercial_partner_id.collection_pause_until")
    def _compute_collection_paused(self):
        today = fields.Date.context_today(self)
        for move in self:
            move.collection_paused = move._collection_is_paused(today)

    def _collection_is_paused(self, today):
        self.ensure_one()
        until = self._collection_pause_until()
        return bool(self.collection_dispute or self.collection_plan_id or (until and until >= today))

    def _collection_pause_until(self):
        """The end of the client's pause in the invoice's company (the pause is per company), or None."""
        self.ensure_one()
        return self.commercial_partner_id.with_company(self.company_id).collection_pause_until

    def _collection_pause_label(self, today):
        """What holds this invoice's escalation on TODAY, in a few words for the dry run and the work
        stop held ("dispute until 14/05/2026", "payment plan until 05/07/2026", "paused until 30/05/2026"),
        or "" when nothing does. The same facts as ``_collection_is_paused``."""
        self.ensure_one()
        if self.collection_dispute:
            if self.collection_dispute_review_date:
                return _("dispute until %(date)s", date=format_date(self.env, self.collection_dispute_review_date))
            return _("dispute")
        if self.collection_plan_id:
            last = max(self.collection_plan_id.line_ids.mapped("date"), default=False)
            if last:
                return _("payment plan until %(date)s", date=format_date(self.env, last))
            return _("payment plan")
        until = self._collection_pause_until()
        if until and until >= today:
            return _("paused until %(date)s", date=format_date(self.env, until))
        return ""

    @api.depends(
        "state",
        "payment_state",
        "amount_residual",
        "collection_due_date",
        "collection_policy_id",
        "collection_policy_id.stage_ids.days",
        "collection_dispute",
        "collection_paused_stage_id",
        "collection_plan_id",
        "collection_pause_days",
        "commercial_partner_id.collection_pause_until",
        "line_ids.collection_penalty_origin_id.payment_state",
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
            origins = move.collection_fee_origin_ids if move.collection_fee_invoice else move.browse()
            if (
                not policy
                or not move._is_collection_open()
                or not move.collection_due_date
                or any(origin._is_collection_open() for origin in origins)
            ):  # late fees are reminded with their invoice
                result[move.id] = Stage
                continue
            if policy.id not in ladders:
                ladders[policy.id] = policy._get_stage_rules()
            facts = move._collection_stage_facts(today)
            result[move.id] = Stage.browse(stages.decide_stage(ladders[policy.id], facts, today) or [])
        # what the client really owes: an invoice its open credits cover in full is not chased (one
        # query for the clients' credits, only for the invoices the ladder reached)
        staged = self.browse([move_id for move_id, stage in result.items() if stage])
        for move_id in staged._collection_fully_covered_ids():
            result[move_id] = Stage
        return result

    def _collection_stage_facts(self, today):
        """What the ladder looks at, for the pure engine."""
        self.ensure_one()
        return stages.InvoiceFacts(
            due_date=self.collection_due_date,
            residual=to_decimal(self.amount_residual),
            paused=self._collection_is_paused(today),
            paused_stage_key=self.collection_paused_stage_id.id or None,
            paused_days=self.collection_pause_days,
        )

    @api.constrains("collection_agency_commission", "collection_pause_days")
    def _check_collection_numbers(self):
        for move in self:
            agency_commission_check(move.env, move.collection_agency_commission)
            label = move._fields["collection_pause_days"]._description_string(move.env)
            errors = bounds.check_days(label, move.collection_pause_days, minimum=0)
            if errors:
                raise ValidationError(" ".join(render_messages(move.env, errors)))

    def write(self, vals):
        if vals.get("collection_dispute"):
            self._collection_hold_stage()
        elif "collection_dispute" in vals and not vals["collection_dispute"]:
            vals.setdefault("collection_paused_stage_id", False)
        return super().write(vals)

    def _collection_hold_stage(self):
        """Remember the current stage of the invoices that are about to be paused."""
        for stage, moves in self.filtered(lambda m: not m.collection_paused).grouped("collection_stage_id").items():
            moves.collection_paused_stage_id = stage

    def _collection_refresh_stages(self):
        """Recompute the stage of these invoices as of today (the daily run calls this)."""
        self.invalidate_recordset(
            [
                "collection_paused",
                "collection_days_late",
                "collection_discount_percent",
                "collection_discount_deadline",
                "collection_discount_amount_to_pay",
            ]
        )
        # mark the stage and everything that depends on it (the client's stage and work stop)
        self.modified(["collection_pause_days"])
        self._recompute_recordset(["collection_stage_id"])


def agency_commission_check(env, commission):
    """Refuse an agency COMMISSION (percent) outside 0-100 (the invoice's and the action wizard's).

    :raise ValidationError: when it is outside
    """
    if not 0 <= commission <= 100:
        raise ValidationError(env._("The agency commission must be between 0 and 100%."))
