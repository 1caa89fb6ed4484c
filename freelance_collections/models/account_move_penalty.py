"""Late penalties booked as late-fee customer invoices, charging only what is newly due."""

import dataclasses
import logging
from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..policy import net_position, penalties
from ..policy.money import round_money, to_decimal
from ..tools.engine_messages import error_text
from .account_move import OPEN_PAYMENT_STATES

_logger = logging.getLogger(__name__)


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_penalty_origin_id = fields.Many2one(
        "account.move",
        string="Late Fees Of",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The overdue invoice this late-fee invoice charges penalties on, when all its lines are for "
        "one invoice (each line says which invoice it is for).",
    )
    collection_fee_invoice = fields.Boolean(
        string="Late-Fee Invoice",
        copy=False,
        readonly=True,
        help="An invoice of late fees (its lines say on which overdue invoices).",
    )
    collection_fee_origin_ids = fields.Many2many(
        "account.move",
        string="Late Fees Of Invoices",
        compute="_compute_collection_fee_origin_ids",
        help="The overdue invoices this late-fee invoice charges penalties on (one per line).",
    )
    collection_penalty_line_ids = fields.One2many(
        "account.move.line", "collection_penalty_origin_id", string="Late-Fee Lines", readonly=True
    )
    collection_penalty_ids = fields.Many2many(
        "account.move",
        string="Late-Fee Invoices",
        compute="_compute_collection_penalty_ids",
        search="_search_collection_penalty_ids",
        help="The late-fee invoices with a line charging penalties on this invoice.",
    )
    collection_open_fee_ids = fields.Many2many(
        "account.move",
        string="Late-Fee Invoices To Pay",
        compute="_compute_collection_open_fee_ids",
        help="The posted late-fee invoices of this invoice still to be paid (listed in reminders).",
    )
    collection_penalty_count = fields.Integer(compute="_compute_collection_penalty_charged")
    collection_penalty_charged = fields.Monetary(
        string="Late Fees Charged",
        compute="_compute_collection_penalty_charged",
        help="Penalties invoiced so far (untaxed), waived ones included: never charged again.",
    )
    collection_fee_accrued = fields.Monetary(
        string="Late Fees Accrued",
        compute="_compute_collection_fee_accrued",
        help="Late fees accrued so far and not invoiced yet: they are invoiced at the policy's moments "
        "(a stage that invoices fees, the monthly invoicing, the payment of the invoice).",
    )
    collection_penalties_waived = fields.Boolean(
        string="Late Fees Waived",
        copy=False,
        tracking=True,
        help="A manager waived the late fees of this invoice: no more are charged.",
    )

    @api.depends("line_ids.collection_penalty_origin_id")
    def _compute_collection_fee_origin_ids(self):
        for move in self:
            move.collection_fee_origin_ids = move.line_ids.collection_penalty_origin_id

    @api.depends("collection_penalty_line_ids.move_id.move_type")
    def _compute_collection_penalty_ids(self):
        for move in self:
            move.collection_penalty_ids = move.collection_penalty_line_ids.move_id.filtered(
                lambda fee: fee.move_type == "out_invoice"
            )

    def _search_collection_penalty_ids(self, operator, value):
        fee_lines = [("move_id.move_type", "=", "out_invoice")]
        if operator in ("=", "!=") and not value:
            return [("collection_penalty_line_ids", "any" if operator == "!=" else "not any", fee_lines)]
        if operator in ("=", "in"):
            ids = [value] if isinstance(value, int) else list(value)
            return [("collection_penalty_line_ids", "any", [*fee_lines, ("move_id", "in", ids)])]
        raise UserError(_("Search the invoices by their late-fee invoices with = or in."))

    @api.depends(
        "collection_penalty_line_ids.parent_state",
        "collection_penalty_line_ids.price_subtotal",
        "collection_penalty_line_ids.move_id.move_type",
    )
    def _compute_collection_penalty_charged(self):
        for move in self:
            lines = move.collection_penalty_line_ids.filtered(
                lambda line: line.parent_state == "posted" and line.move_id.move_type == "out_invoice"
            )
            move.collection_penalty_count = len(lines.move_id)
            move.collection_penalty_charged = sum(lines.mapped("price_subtotal"))

    @api.depends("collection_penalty_ids.state", "collection_penalty_ids.payment_state")
    def _compute_collection_open_fee_ids(self):
        for move in self:
            move.collection_open_fee_ids = move.collection_penalty_ids.filtered(
                lambda fee: fee.state == "posted" and fee.payment_state in OPEN_PAYMENT_STATES
            )

    def _compute_collection_fee_accrued(self):
        today = fields.Date.context_today(self)
        accrued = {
            move.id: value
            for move, value in self._collection_penalty_breakdowns(today).items()
            if not isinstance(value, str)
        }
        for move in self:
            breakdown = accrued.get(move.id)
            move.collection_fee_accrued = (
                float(max(breakdown.total - to_decimal(move.collection_penalty_charged), 0)) if breakdown else 0.0
            )

    # ------------------------------------------------------------------
    # CRUD: a late-fee invoice made with an invoice-level origin (the fee invoices of older versions,
    # or made by hand) has that origin on its lines too
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        with_origin = any(vals.get("collection_penalty_origin_id") for vals in vals_list)
        for vals in vals_list:
            if vals.get("collection_penalty_origin_id"):
                vals.setdefault("collection_fee_invoice", True)
        moves = super().create(vals_list)
        if with_origin:
            moves._collection_sync_fee_line_origins()
        return moves

    def write(self, vals):
        if vals.get("collection_penalty_origin_id"):
            vals = {**vals, "collection_fee_invoice": True}
        result = super().write(vals)
        if vals.get("collection_penalty_origin_id"):
            self._collection_sync_fee_line_origins()
        return result

    def _collection_sync_fee_line_origins(self):
        """Give the invoice-level origin to the invoice lines of these late-fee invoices without one."""
        for move in self.filtered("collection_penalty_origin_id"):
            lines = move.invoice_line_ids.filtered(lambda line: not line.collection_penalty_origin_id)
            if lines:
                lines.collection_penalty_origin_id = move.collection_penalty_origin_id

    # ------------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------------
    def _collection_penalty_candidates(self):
        """Invoices whose policy charges penalties, open and not paused, or paid with fees up to the
        payment still to invoice (not settled yet); never waived ones or late-fee invoices."""
        today = fields.Date.context_today(self)
        candidates = self.filtered(
            lambda m: (
                (m._is_collection_open() or m._collection_is_settling())
                and m.collection_policy_id
                and m.collection_policy_id._has_penalties()
                and not m.collection_fee_invoice
                and not m.collection_penalties_waived
                and not m._collection_is_paused(today)
                and m.invoice_date_due
                and m.line_ids.filtered(lambda line: line.display_type == "payment_term")
            )
        )
        # an invoice the client's open credits cover in full owes nothing net: no late fee
        covered = candidates.filtered(lambda m: m._is_collection_open())._collection_fully_covered_ids()
        return candidates.filtered(lambda m: m.id not in covered) if covered else candidates

    def _collection_fees_listed_here(self, listed):
        """The open late-fee invoices a reminder listing the invoices LISTED shows under this invoice:
        those of this invoice, but a late-fee invoice for several of the listed ones only under the
        first of them (listed once, with its whole amount)."""
        self.ensure_one()

        def first_listed(fee):
            return (fee.collection_fee_origin_ids & listed)[:1]

        return self.collection_open_fee_ids.filtered(lambda fee: first_listed(fee) in (self, self.browse()))

    def _collection_fee_origin_names(self):
        """The names of the invoices this late-fee invoice charges fees on, for the client's eyes."""
        self.ensure_one()
        return ", ".join(self.collection_fee_origin_ids.mapped("name"))

    def _collection_fee_amount_for(self, origin):
        """What this late-fee invoice charges on ORIGIN, taxes included (its total when it is for ORIGIN
        alone)."""
        self.ensure_one()
        if self.collection_penalty_origin_id:
            return self.amount_total
        lines = self.invoice_line_ids.filtered(lambda line: line.collection_penalty_origin_id == origin)
        return sum(lines.mapped("price_total"))

    def _collection_is_settling(self):
        """Paid, with the fees up to the payment not invoiced yet."""
        self.ensure_one()
        return (
            self.move_type == "out_invoice"
            and self.state == "posted"
            and self.payment_state in ("paid", "in_payment")
            and not self.collection_fee_settled
        )

    def _collection_installment_debts(self):
        """{move id: [InstallmentDebt]}: each receivable installment of each invoice, with what it
        still owed after each payment or credit note, in the invoice currency (one query)."""
        if not self:
            return {}
        terms = self.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.env["account.partial.reconcile"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            SELECT part.debit_move_id, part.max_date, SUM(part.debit_amount_currency)
              FROM account_partial_reconcile part
             WHERE part.debit_move_id = ANY(%s)
          GROUP BY part.debit_move_id, part.max_date
          ORDER BY part.debit_move_id, part.max_date
            """,
                terms.ids,
            )
        )
        paid = defaultdict(list)
        for line_id, day, amount in self.env.cr.fetchall():
            paid[line_id].append((day, amount))
        self._collection_add_credit_payments(terms, paid)
        debts = defaultdict(list)
        for line in terms.sorted(lambda ln: (ln.date_maturity or ln.date, ln.id)):
            digits = line.move_id.currency_id.decimal_places
            residual = to_decimal(line.amount_currency)
            changes = []
            for day, amount in sorted(paid.get(line.id, []), key=lambda part: part[0]):
                residual -= to_decimal(amount)
                changes.append(penalties.BalanceChange(date=day, residual=round_money(residual, digits)))
            debts[line.move_id.id].append(
                penalties.InstallmentDebt(
                    amount=round_money(to_decimal(line.amount_currency), digits),
                    due_date=line.date_maturity or line.move_id.invoice_date_due,
                    balances=tuple(changes),
                )
            )
        return debts

    def _collection_add_credit_payments(self, terms, paid):
        """Add to PAID ({installment line id: [(date, amount)]}) the client's open credits that cover
        these invoices (``policy/net_position.py``), as payments on the credits' dates, each invoice's
        share applied to its earliest installment still owing first: fees accrue on what is owed net."""
        allocations = self.filtered(lambda m: m._is_collection_open())._collection_credit_allocations()
        for move_id, parts in allocations.items():
            installments = terms.filtered(lambda line: line.move_id.id == move_id)  # noqa: B023 - called at once
            digits = installments[:1].currency_id.decimal_places
            owing = [
                net_position.Debt(
                    key=line.id,
                    due_date=line.date_maturity or line.date,
                    residual=round_money(
                        to_decimal(line.amount_currency) - sum((to_decimal(a) for _d, a in paid.get(line.id, [])), 0),
                        digits,
                    ),
                )
                for line in installments
            ]
            credits = [net_position.Credit(date=day, amount=amount) for day, amount in parts]
            for line_id, shares in net_position.allocate(owing, credits).items():
                paid[line_id].extend(shares)

    def _collection_paid_on(self):
        """{move id: date of the last payment or credit note}, from the reconciliations."""
        return {
            move_id: max((change.date for debt in debts for change in debt.balances), default=False)
            for move_id, debts in self._collection_installment_debts().items()
        }

    def _collection_penalty_breakdowns(self, today):
        """{move: PenaltyBreakdown or error message} for the penalty candidates among these invoices."""
        moves = self._collection_penalty_candidates()
        debts = moves._collection_installment_debts()
        rules_by_policy, rates_by_policy = {}, {}
        result = {}
        for move in moves:
            policy = move.collection_policy_id
            if policy.id not in rules_by_policy:
                rules_by_policy[policy.id] = policy._get_penalty_rules()
                rates_by_policy[policy.id] = policy._get_reference_rates()
            rules = rules_by_policy[policy.id]
            if policy.currency_id and policy.currency_id != move.currency_id:
                rules = move._collection_rules_in_invoice_currency(rules, policy.currency_id, today)
            try:
                result[move] = penalties.compute_invoice_penalty(
                    rules,
                    installments=debts[move.id],
                    on_date=today,
                    reference_rates=rates_by_policy[policy.id],
                    digits=move.currency_id.decimal_places,
                    already_charged=to_decimal(move.collection_penalty_charged),
                )
            except ValueError as error:
                result[move] = error_text(move.env, error)
        return result

    def _collection_rules_in_invoice_currency(self, rules, currency, today):
        """The policy's fixed amounts (fees, bands, cap, minimum) converted to the invoice currency."""

        def convert(amount):
            if amount is None:
                return None
            return to_decimal(currency._convert(float(amount), self.currency_id, self.company_id, today))

        return dataclasses.replace(
            rules,
            fixed_fee=convert(rules.fixed_fee),
            fee_bands=tuple(
                penalties.FeeBand(min_debt=convert(band.min_debt), amount=convert(band.amount))
                for band in rules.fee_bands
            ),
            cap_amount=convert(rules.cap_amount),
            minimum_charge=convert(rules.minimum_charge),
        )

    # ------------------------------------------------------------------
    # Booking
    # ------------------------------------------------------------------
    def _collection_penalty_line_label(self, breakdown):
        parts = []
        if breakdown.percent:
            parts.append(_("late-payment surcharge"))
        if breakdown.fixed:
            parts.append(_("fixed recovery fee"))
        if breakdown.interest:
            parts.append(_("late-payment interest"))
        return _(
            "Late-payment fees on %(invoice)s, %(days)s days late (%(parts)s)",
            invoice=self.name,
            days=breakdown.days_late,
            parts=", ".join(parts),
        )

    def _collection_fees_due(self, today, stage_by_move=None):
        """The late fees to invoice TODAY on these invoices (the run books them, the dry run shows them).

        :param dict stage_by_move: {move id: stage} to decide the fee moments with (the dry run's stages
            of tonight); by default each invoice's stage
        :return: ({move: PenaltyBreakdown with something to charge}, {move: error message})
        """
        breakdowns = self._collection_penalty_breakdowns(today)
        errors = {move: value for move, value in breakdowns.items() if isinstance(value, str)}
        moments = self.browse([move.id for move in breakdowns])._collection_fee_moments(today, stage_by_move)
        due = {
            move: value
            for move, value in breakdowns.items()
            if not isinstance(value, str) and value.to_charge > 0 and move.id in moments
        }
        return due, errors

    def _collection_book_penalties(self, today):
        """Create and post the late-fee invoices newly due; return (fee invoices, {move: error}).

        One late-fee invoice per client (company, currency and policy alike), with a line per overdue
        invoice, unless the invoice's policy books one per overdue invoice (``fee_invoice_grouping``);
        the final fees of an invoice just paid have a late-fee invoice of their own.
        """
        due, errors = self._collection_fees_due(today)
        if not due:
            return self.browse(), errors
        groups = defaultdict(list)
        for move, breakdown in due.items():
            policy = move.collection_policy_id
            key = (move.commercial_partner_id.id, move.company_id.id, move.currency_id.id, policy.id)
            # the final fees of a paid invoice: a late-fee invoice of its own, as always
            if policy.fee_invoice_grouping == "invoice" or move._collection_is_settling():
                key += (move.id,)
            groups[key].append((move, breakdown))
        vals_list = []
        for group in groups.values():
            moves = self.browse([move.id for move, _breakdown in group])
            policy = moves[:1].collection_policy_id
            partner = moves.partner_id if len(moves.partner_id) == 1 else moves.commercial_partner_id
            names = ", ".join(moves.mapped("name"))
            lines = []
            for move, breakdown in group:
                line = {
                    "product_id": policy.late_fee_product_id.id,
                    "name": move._collection_penalty_line_label(breakdown),
                    "quantity": 1,
                    "price_unit": float(breakdown.to_charge),
                    "tax_ids": [Command.set(policy.late_fee_tax_ids.ids)],
                    "collection_penalty_origin_id": move.id,
                }
                if policy.late_fee_account_id:
                    line["account_id"] = policy.late_fee_account_id.id
                lines.append(Command.create(line))
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": moves[:1].company_id.id,
                    "currency_id": moves[:1].currency_id.id,
                    "invoice_date": today,
                    "invoice_date_due": today,  # late fees are due on receipt
                    "invoice_origin": names,
                    "ref": _("Late fees %(invoice)s", invoice=names),
                    "collection_penalty_origin_id": moves.id if len(moves) == 1 else False,
                    "collection_fee_invoice": True,
                    "collection_policy_id": policy.id,
                    "invoice_line_ids": lines,
                }
            )
        # No "created" message nor the run's user as follower on each fee invoice (7 queries each):
        # the overdue invoice's note below links it, and its posting is tracked as usual.
        fees = (
            self.env["account.move"]
            .with_context(
                default_move_type="out_invoice",
                collection_fee_booking=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
            )
            .create(vals_list)
        )
        fees.with_context(collection_fee_booking=True).action_post()
        # one batch of chatter notes on the overdue invoices (one fee line each: DUE is keyed by invoice)
        bodies = {}
        for line in fees.invoice_line_ids:  # not in a comprehension: _() finds the language in this frame
            if line.collection_penalty_origin_id:
                bodies[line.collection_penalty_origin_id.id] = _(
                    "Late fees of %(amount)s invoiced: %(fee)s.",
                    amount=line.currency_id.format(line.price_subtotal),
                    fee=line.move_id._get_html_link(),
                )
        fees.invoice_line_ids.collection_penalty_origin_id._message_log_batch(bodies=bodies)
        return fees, errors

    def action_collection_waive_penalties(self, reason):
        """Waive the late fees of these invoices (manager): credit notes cancel the fee invoices."""
        if not self.env.user.has_group("freelance_collections.group_collections_manager"):
            raise UserError(_("Only a collections manager can waive late fees."))
        if not reason:
            raise UserError(_("Say why the late fees are waived: the reason is kept in the chatter."))
        origins = self.filtered(lambda m: m.move_type == "out_invoice") | self.collection_fee_origin_ids
        origins = origins.filtered(lambda m: not m.collection_fee_invoice)
        if not origins:
            raise UserError(_("Choose customer invoices with late fees."))
        origins._collection_waive(reason)
        return True

    def _collection_waive(self, reason):
        """Cancel the late fees of these overdue invoices with credit notes; no more are charged.

        A late-fee invoice all for one of these invoices is reversed whole (as it always was); on a
        late-fee invoice for several, a credit note cancels the lines of the waived invoice only."""
        for origin in self:
            fees = origin.collection_penalty_ids.filtered(
                lambda f: f.state == "posted" and f.payment_state not in ("reversed",)
            )
            whole = fees.filtered(lambda f: f.invoice_line_ids.collection_penalty_origin_id == origin)  # noqa: B023
            open_fees = whole.filtered(lambda f: f.payment_state in OPEN_PAYMENT_STATES)
            paid_fees = whole - open_fees
            default = [{"ref": _("Waived: %(reason)s", reason=reason)}]
            if open_fees:
                open_fees._reverse_moves(default * len(open_fees), cancel=True)
            if paid_fees:
                credit_notes = paid_fees._reverse_moves(default * len(paid_fees))
                credit_notes.action_post()
            for fee in fees - whole:
                fee._collection_waive_lines_of(origin, reason)
            origin.collection_penalties_waived = True
            origin._message_log(
                body=_("Late fees waived by %(user)s: %(reason)s", user=self.env.user.name, reason=reason)
            )

    def _collection_waive_lines_of(self, origin, reason):
        """A credit note for the lines of this late-fee invoice that charge fees on ORIGIN (none when
        one already credits them), set against the fee invoice while it is open."""
        self.ensure_one()
        lines = self.invoice_line_ids.filtered(lambda line: line.collection_penalty_origin_id == origin)
        credited = self.env["account.move.line"].search_count(
            [
                ("collection_penalty_origin_id", "=", origin.id),
                ("move_id.reversed_entry_id", "=", self.id),
                ("parent_state", "=", "posted"),
            ]
        )
        if not lines or credited:
            return self.browse()
        credit_note = (
            self.env["account.move"]
            .with_context(default_move_type="out_refund", mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "currency_id": self.currency_id.id,
                    "journal_id": self.journal_id.id,
                    "invoice_date": fields.Date.context_today(self),
                    "reversed_entry_id": self.id,
                    "invoice_origin": self.name,
                    "ref": _("Waived: %(reason)s", reason=reason),
                    "collection_policy_id": self.collection_policy_id.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": line.product_id.id,
                                "name": line.name,
                                "quantity": line.quantity,
                                "price_unit": line.price_unit,
                                "discount": line.discount,
                                "tax_ids": [Command.set(line.tax_ids.ids)],
                                "account_id": line.account_id.id,
                                "collection_penalty_origin_id": origin.id,
                            }
                        )
                        for line in lines
                    ],
                }
            )
        )
        credit_note.action_post()
        if self.payment_state in OPEN_PAYMENT_STATES:
            receivable = (self.line_ids | credit_note.line_ids).filtered(
                lambda line: line.display_type == "payment_term" and not line.reconciled
            )
            receivable.reconcile()
        return credit_note

    def _collection_goodwill_waivers(self):
        """Among these late-fee invoices, waive those whose overdue invoice was paid within the
        policy's goodwill period after the first late-fee notice. Returns the invoices waived."""
        fees = self.filtered(lambda m: m.collection_fee_invoice and m.payment_state == "not_paid")
        origins = fees.collection_fee_origin_ids.filtered(
            lambda o: (
                o.payment_state in ("paid", "in_payment")
                and o.collection_policy_id.waiver_days
                and not o.collection_penalties_waived
            )
        )
        paid_on_by_move = origins._collection_paid_on()
        waived = self.browse()
        for origin in origins:
            notices = origin.collection_penalty_ids.filtered(lambda f: f.state == "posted").mapped("invoice_date")
            paid_on = paid_on_by_move.get(origin.id)
            days = origin.collection_policy_id.waiver_days
            if notices and paid_on and (paid_on - min(notices)).days <= days:
                origin._collection_waive(_("goodwill: paid within %(days)s days of the late-fee notice", days=days))
                waived |= origin
        return waived
