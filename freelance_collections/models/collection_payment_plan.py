"""Payment plans: overdue invoices paid in agreed installments while escalation stands still."""

from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from ..policy import schedule
from ..policy.money import to_decimal
from ..tools.engine_messages import render_messages
from .account_move import OPEN_PAYMENT_STATES

# What the client agreed to: frozen once the plan is no longer a proposal.
AGREED_FIELDS = {"partner_id", "company_id", "currency_id", "move_ids", "line_ids"}


class CollectionPaymentPlan(models.Model):
    _name = "collection.payment.plan"
    _description = "Collection Payment Plan"
    _inherit = ["mail.thread", "collection.bounds.mixin"]
    _order = "date_start desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, tracking=True, domain=[("is_company", "=", True)]
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one("res.currency", required=True, default=lambda self: self.env.company.currency_id)
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        required=True,
        domain=f"[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        f"('state', '=', 'posted'), ('payment_state', 'in', {OPEN_PAYMENT_STATES!r}), "
        "('company_id', '=', company_id)]",
    )
    line_ids = fields.One2many("collection.payment.plan.line", "plan_id", string="Installments", copy=True)
    state = fields.Selection(
        [("draft", "Proposed"), ("active", "Running"), ("broken", "Broken"), ("done", "Paid"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    date_start = fields.Date(string="Agreed On", readonly=True, copy=False)
    date_end = fields.Date(string="Ended On", readonly=True, copy=False)
    installment_count = fields.Integer(string="Number of Installments", default=3)
    first_date = fields.Date(string="First Payment", default=lambda self: fields.Date.context_today(self))
    interval_months = fields.Integer(string="Every (months)", default=1)
    amount_covered = fields.Monetary(
        readonly=True,
        copy=False,
        help="What the invoices still owed when the plan was agreed.",
    )
    amount_open = fields.Monetary(string="Still Owed", compute="_compute_amounts")
    amount_planned = fields.Monetary(string="Total of Installments", compute="_compute_amounts")
    amount_paid = fields.Monetary(string="Paid Since", compute="_compute_progress")
    amount_expected = fields.Monetary(string="Due by Today", compute="_compute_progress")
    on_track = fields.Boolean(compute="_compute_progress")
    note = fields.Text()

    @api.depends("partner_id", "date_start")
    def _compute_name(self):
        for plan in self:
            plan.name = _("Payment plan of %(client)s", client=plan.partner_id.display_name or "")

    @api.depends("move_ids.amount_residual", "line_ids.amount")
    def _compute_amounts(self):
        for plan in self:
            plan.amount_planned = sum(plan.line_ids.mapped("amount"))
            plan.amount_open = sum(plan.move_ids.mapped("amount_residual"))

    @api.depends_context("tz")
    def _compute_progress(self):
        today = fields.Date.context_today(self)
        for plan in self:
            plan.amount_paid, plan.amount_expected, plan.on_track = plan._progress(today)

    def _progress(self, today):
        """(paid since agreed, due by the installments before TODAY, on track)."""
        self.ensure_one()
        paid = self.currency_id.round(self.amount_covered - sum(self.move_ids.mapped("amount_residual")))
        expected = self.currency_id.round(sum(self.line_ids.filtered(lambda ln: ln.date < today).mapped("amount")))
        return paid, expected, float_compare(paid, expected, precision_rounding=self.currency_id.rounding) >= 0

    @api.constrains("move_ids", "partner_id", "currency_id", "company_id")
    def _check_invoices(self):
        for plan in self:
            strangers = plan.move_ids.filtered(
                lambda m: m.commercial_partner_id != plan.partner_id.commercial_partner_id  # noqa: B023 - the lambda is called at once, within the loop
            )
            if strangers:
                raise ValidationError(
                    _(
                        "%(invoices)s belong to another client than %(client)s: a plan covers one client's invoices.",
                        invoices=", ".join(strangers.mapped("name")),
                        client=plan.partner_id.display_name,
                    )
                )
            others = plan.move_ids.filtered(
                lambda m: m.currency_id != plan.currency_id or m.company_id != plan.company_id  # noqa: B023 - the lambda is called at once, within the loop
            )
            if others:
                raise ValidationError(
                    _(
                        "%(invoices)s are in another currency or company: make one plan per currency and company.",
                        invoices=", ".join(others.mapped("name")),
                    )
                )

    @api.constrains("installment_count", "interval_months")
    def _check_schedule(self):
        for plan in self:
            if plan.installment_count < 1 or plan.interval_months < 1:
                raise ValidationError(
                    _("%(plan)s: enter at least one installment, every one month or more.", plan=plan.name)
                )
            errors = render_messages(plan.env, schedule.validate_plan(plan.installment_count, plan.interval_months))
            if errors:
                raise ValidationError(_("%(plan)s: %(errors)s", plan=plan.name, errors=" ".join(errors)))

    @api.onchange("move_ids")
    def _onchange_move_ids(self):
        if self.move_ids:
            self.currency_id = self.move_ids[0].currency_id
            self.partner_id = self.move_ids[0].commercial_partner_id

    def action_generate_lines(self):
        """Split what the invoices owe in equal installments, the rounding remainder on the last."""
        for plan in self:
            if plan.state != "draft":
                raise UserError(_("Only a proposed plan can be recomputed."))
            if not plan.move_ids:
                raise ValidationError(_("Choose the invoices the plan covers first."))
            if plan.installment_count < 1 or plan.interval_months < 1:
                raise ValidationError(_("Enter at least one installment, every one month or more."))
            if not plan.first_date:
                raise ValidationError(_("Choose the date of the first payment."))
            amounts = schedule.split_equal(
                to_decimal(plan.amount_open), plan.installment_count, plan.currency_id.decimal_places
            )
            plan.line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "date": plan.first_date + relativedelta(months=plan.interval_months * index),
                        "amount": float(amount),
                    }
                )
                for index, amount in enumerate(amounts)
            ]
        return True

    def write(self, vals):
        if AGREED_FIELDS & set(vals) and any(plan.state != "draft" for plan in self):
            raise UserError(
                _(
                    "The client agreed to this plan: its client, invoices and installments cannot change. "
                    "Cancel it and propose a new one."
                )
            )
        return super().write(vals)

    def action_confirm(self):
        """The client agreed: escalation of the invoices stands still while installments are paid."""
        today = fields.Date.context_today(self)
        for plan in self:
            if plan.state != "draft":
                raise UserError(_("%(plan)s is not a proposal any more.", plan=plan.name))
            closed = plan.move_ids.filtered(lambda m: not m._is_collection_open())
            if not plan.move_ids or closed:
                raise ValidationError(
                    _(
                        "A plan covers posted invoices still to be paid; remove %(invoices)s.",
                        invoices=", ".join(closed.mapped("name")) or _("(no invoice)"),
                    )
                )
            if not plan.line_ids:
                raise ValidationError(_("Add the installments the client agreed to (or use Compute installments)."))
            if any(line.date < today for line in plan.line_ids):
                raise ValidationError(_("An installment is dated before today: move it to today or later."))
            covered = sum(plan.move_ids.mapped("amount_residual"))
            if float_compare(
                sum(plan.line_ids.mapped("amount")), covered, precision_rounding=plan.currency_id.rounding
            ):
                raise ValidationError(
                    _(
                        "The installments add up to %(planned)s but the invoices owe %(covered)s: make them equal.",
                        planned=plan.currency_id.format(sum(plan.line_ids.mapped("amount"))),
                        covered=plan.currency_id.format(covered),
                    )
                )
            running = self.search(
                [("id", "!=", plan.id), ("state", "=", "active"), ("move_ids", "in", plan.move_ids.ids)], limit=1
            )
            if running:
                raise ValidationError(_("%(plan)s already covers some of these invoices.", plan=running.name))
            plan.move_ids._collection_hold_stage()
            plan.write({"state": "active", "date_start": today, "amount_covered": covered})
            plan.move_ids.write({"collection_plan_id": plan.id})
            for move in plan.move_ids:
                move._message_log(
                    body=_(
                        "Payment plan agreed: escalation stands still while it is kept (%(plan)s).",
                        plan=plan._get_html_link(),
                    )
                )
        return True

    def action_cancel(self):
        self.filtered(lambda p: p.state == "active")._collection_end("cancel", fields.Date.context_today(self))
        self.filtered(lambda p: p.state == "draft").state = "cancel"
        return True

    def _collection_end(self, state, today):
        """End running plans: a broken or cancelled plan resumes the ladder at the stage it left."""
        for plan in self:
            moves = plan.move_ids.filtered(lambda m: m.collection_plan_id == plan)  # noqa: B023 - the lambda is called at once, within the loop
            if state != "done":
                for move in moves:
                    move.collection_pause_days += max((today - plan.date_start).days, 0)
            moves.write({"collection_plan_id": False, "collection_paused_stage_id": False})
            plan.write({"state": state, "date_end": today})
            if state == "broken":
                body = _("Payment plan broken: an installment was missed; escalation resumes.")
            elif state == "done":
                body = _("Payment plan kept: the invoices are paid.")
            else:
                body = _("Payment plan cancelled; escalation resumes.")
            plan._message_log(body=body)
            for move in moves:
                move._message_log(body=body)

    @api.model
    def _collection_check_plans(self, company, today):
        """Close kept plans, break missed ones (the daily run calls this first)."""
        plans = self.search([("state", "=", "active"), ("company_id", "=", company.id)])
        paid = plans.filtered(lambda p: all(m.payment_state in ("paid", "in_payment", "reversed") for m in p.move_ids))
        paid._collection_end("done", today)
        broken = (plans - paid).filtered(lambda p: not p._progress(today)[2])
        broken._collection_end("broken", today)
        return broken


class CollectionPaymentPlanLine(models.Model):
    _name = "collection.payment.plan.line"
    _description = "Payment Plan Installment"
    _inherit = ["collection.bounds.mixin"]
    _order = "date, id"

    plan_id = fields.Many2one("collection.payment.plan", required=True, ondelete="cascade", index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True)

    @api.constrains("amount")
    def _check_amount(self):
        for line in self:
            if line.currency_id.compare_amounts(line.amount, 0) <= 0:
                raise ValidationError(_("Each installment must be a positive amount."))

    def _check_plan_open(self):
        if any(plan.state != "draft" for plan in self.plan_id):
            raise UserError(
                _(
                    "The client agreed to these installments: they cannot change. Cancel the plan and "
                    "propose a new one."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_plan_open()
        return lines

    def write(self, vals):
        self._check_plan_open()
        return super().write(vals)

    def unlink(self):
        self._check_plan_open()
        return super().unlink()
