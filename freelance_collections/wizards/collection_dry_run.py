from odoo import Command, _, api, fields, models
from odoo.tools import format_amount, format_date

from ..policy import actions


class CollectionDryRun(models.TransientModel):
    """What tonight's run would do, per invoice, without doing anything."""

    _name = "collection.dry.run"
    _description = "Collections Dry Run"

    date = fields.Date(default=fields.Date.context_today, readonly=True)
    line_ids = fields.One2many("collection.dry.run.line", "wizard_id", readonly=True)
    line_count = fields.Integer(compute="_compute_line_count")
    summary = fields.Text(
        string="Totals",
        compute="_compute_line_count",
        help="Per action: what the run does tonight (the run's counts), what waits, and the late fees it books.",
    )

    @api.depends("date")
    def _compute_display_name(self):
        for wizard in self:  # the form's breadcrumb
            wizard.display_name = _("Collections Dry Run of %(date)s", date=format_date(self.env, wizard.date))

    @api.depends("line_ids")
    def _compute_line_count(self):
        for wizard in self:
            wizard.line_count = len(wizard.line_ids)
            lines = [
                {
                    "action": line.action,
                    "will_run": line.will_run,
                    "amount": line.amount,
                    "currency_id": line.currency_id.id,
                }
                for line in wizard.line_ids
            ]
            wizard.summary = "\n".join(self._total_texts(self._totals(lines))) or _("Nothing to do tonight.")

    @api.model
    def _total_texts(self, totals):
        """One line of text per action total: "Late fee: 3 tonight ($ 240.00)", "Email: 7 tonight, 2
        waiting", "Agency handoff: 1 waiting" (the dry run's and the dashboard's)."""
        Currency = self.env["res.currency"]
        texts = []
        for total in totals:
            label, count, waiting = total["label"], total["count"], total["waiting"]
            if count and waiting:
                text = _(
                    "%(action)s: %(count)s tonight, %(waiting)s waiting", action=label, count=count, waiting=waiting
                )
            elif count:
                text = _("%(action)s: %(count)s tonight", action=label, count=count)
            else:
                text = _("%(action)s: %(waiting)s waiting", action=label, waiting=waiting)
            if total["amounts"]:
                fees = "; ".join(
                    format_amount(self.env, amount, Currency.browse(currency_id))
                    for currency_id, amount in sorted(total["amounts"].items())
                )
                text += f" ({fees})"
            texts.append(text)
        return texts

    @api.model
    def _plan_lines(self, moves, today):
        """Line values for MOVES: the stage they would be in and each action, done or waiting, in the
        order the run takes them: the late fees it books first, the planned actions, then the late-fee
        invoices no reminder lists (emailed on their own)."""
        targets = moves._collection_target_stages(today)
        plan = moves._collection_plan(today, stage_by_move=targets)
        recipients = self._recipients(plan)
        lines = []
        planned_moves = set()
        written_off = {item.move.id for item in plan if item.action == "write_off" and not item.blocked}
        lines += self._fee_lines(moves.filtered(lambda m: m.id not in written_off), targets, plan, today)
        for item in plan:
            planned_moves.add(item.move.id)
            status = item.blocked or _("will be done")
            if not item.blocked and item.action in actions.EMAIL_ACTIONS:
                status = _("will be sent to %(to)s", to=recipients.get(item.move.commercial_partner_id.id) or "?")
            lines.append(
                {
                    "move_id": item.move.id,
                    "current_stage_id": item.move.collection_stage_id.id,
                    "stage_id": item.stage.id,
                    "action": item.action,
                    "status": status,
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
    def _recipients(self, plan):
        """{client id: the address its reminders go to (its invoicing contact)} for the clients of PLAN."""
        clients = self.env["res.partner"].union(*(item.move.commercial_partner_id for item in plan))
        result = {}
        for client in clients:
            contact = self.env["res.partner"].browse(client.address_get(["invoice"])["invoice"])
            result[client.id] = contact.email_formatted or contact.display_name
        return result

    @api.model
    def _fee_lines(self, moves, targets, plan, today):
        """Line values for the late fees tonight's run books on MOVES (each with its amount) and for
        the late-fee invoices that no reminder of the run lists (emailed on their own, or held)."""
        due, errors = moves._collection_fees_due(today, stage_by_move=targets)
        Run = self.env["collection.run"]
        lines = []
        stale = {}
        for move, breakdown in due.items():
            money = {
                key: format_amount(self.env, float(value), move.currency_id)
                for key, value in (
                    ("percent", breakdown.percent),
                    ("fixed", breakdown.fixed),
                    ("interest", breakdown.interest),
                )
            }
            parts = []
            if breakdown.percent:
                parts.append(_("surcharge %(amount)s", amount=money["percent"]))
            if breakdown.fixed:
                parts.append(_("fixed fee %(amount)s", amount=money["fixed"]))
            if breakdown.interest:
                parts.append(_("interest %(amount)s", amount=money["interest"]))
            how, why = Run._collection_fee_notice_status(move, plan, today)
            reach = {
                "listed": _("listed in tonight's reminder"),
                "send": _("emailed on its own"),
                "held": why,
            }[how]
            status = _(
                "late-fee invoice of %(amount)s (%(parts)s); %(reach)s",
                amount=format_amount(self.env, float(breakdown.to_charge), move.currency_id),
                parts=", ".join(parts),
                reach=reach,
            )
            if breakdown.interest:  # interest computed with a stale reference rate: said on the line
                policy = move.collection_policy_id
                if policy not in stale:
                    stale[policy] = policy._collection_rate_warning(today) if policy else ""
                status = f"{status}. {stale[policy]}" if stale[policy] else status
            line = self._line(move, targets, "penalty", status, True)
            line.update(amount=float(breakdown.to_charge), currency_id=move.currency_id.id)
            lines.append(line)
            if how != "listed":
                lines.append(self._line(move, targets, "fee_notice", why or _("will be done"), how == "send"))
        for move, error in errors.items():
            lines.append(self._line(move, targets, "penalty", _("cannot be computed: %(error)s", error=error), False))
        # late-fee invoices booked before and not sent yet (held on a quiet day, say)
        unsent = Run._collection_fee_notices(moves, plan, today)
        for item in unsent:
            lines.append(
                self._line(item.move, targets, "fee_notice", item.blocked or _("will be done"), not item.blocked)
            )
        return lines

    @api.model
    def _line(self, move, targets, action, status, will_run):
        return {
            "move_id": move.id,
            "current_stage_id": move.collection_stage_id.id,
            "stage_id": targets.get(move.id, move.collection_stage_id).id,
            "action": action,
            "status": status,
            "will_run": will_run,
        }

    @api.model
    def _totals(self, lines):
        """Per action of LINES: [{action, label, count (to be done), waiting, amounts ({currency id: late
        fees})}], in
        the run's order; the counts are the run's action counts when it runs tonight."""
        labels = dict(self.env["collection.action.log"]._fields["action"]._description_selection(self.env))
        totals = {}
        for line in lines:
            if not line.get("action"):
                continue
            total = totals.setdefault(
                line["action"],
                {
                    "action": line["action"],
                    "label": labels.get(line["action"], line["action"]),
                    "count": 0,
                    "waiting": 0,
                    "amounts": {},
                },
            )
            if line["will_run"]:
                total["count"] += 1
                if line.get("amount"):
                    currency = line["currency_id"]
                    total["amounts"][currency] = total["amounts"].get(currency, 0.0) + line["amount"]
            else:
                total["waiting"] += 1
        order = {action.code: rank for rank, action in enumerate(actions.ACTIONS)}
        return sorted(totals.values(), key=lambda total: order.get(total["action"], len(order)))

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
            moves = self._collection_run_moves(self.env.company)
        return self._collection_open_lines(self._plan_lines(moves, today))

    @api.model
    def _collection_run_moves(self, company):
        """The invoices of COMPANY tonight's run looks at: every open one under a policy, and the paid
        ones whose late fees up to the payment are still to invoice."""
        Move = self.env["account.move"].with_company(company)
        return Move.browse(Move._collection_open_invoice_ids(company) + Move._collection_settling_invoice_ids(company))

    @api.model
    def _collection_open_lines(self, lines):
        """The dry run's form showing LINES (values of dry-run lines)."""
        wizard = self.create(
            {"line_ids": [Command.create({k: v for k, v in vals.items() if k != "currency_id"}) for vals in lines]}
        )
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
    amount = fields.Monetary(string="Late Fee", readonly=True, help="The late-fee invoice the run books tonight.")
    will_run = fields.Boolean(readonly=True)
