"""Deposit schedules on quotations: the installments invoiced as Odoo down payments.

The quotation proposes the client's (else the company's) policy schedule and previews its
installments. Once confirmed, "Create Deposit Invoices" issues one down-payment invoice per
installment but the last, through sale's own down-payment wizard with the exact amount from the
pure policy engine; the last installment is what the final invoice leaves after deducting them.
The final invoice waits for the posted deposit invoices to be paid, unless a collections manager
creates it (logged in the order's chatter).
"""

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL, format_amount, format_date

from odoo.addons.freelance_collections.models.account_move import OPEN_PAYMENT_STATES
from odoo.addons.freelance_collections.policy import schedule
from odoo.addons.freelance_collections.policy.money import to_decimal
from odoo.addons.freelance_collections.tools.engine_messages import error_text


class SaleOrder(models.Model):
    _inherit = "sale.order"

    collection_deposit_template_id = fields.Many2one(
        "collection.deposit.template",
        string="Deposit Schedule",
        compute="_compute_collection_deposit_template_id",
        store=True,
        readonly=False,
        precompute=True,
        copy=True,
        tracking=True,
        check_company=True,
        help="Installments invoiced as down payments once the order is confirmed (all but the "
        "last one, which the final invoice leaves after deducting them). Proposed from the "
        "client's collection policy, else the company's.",
    )
    collection_deposit_preview = fields.Html(
        string="Installments",
        compute="_compute_collection_deposit_preview",
        sanitize=False,
        help="The installments of the deposit schedule on this order's total.",
    )
    collection_deposit_invoice_ids = fields.Many2many(
        "account.move",
        string="Deposit Invoices",
        compute="_compute_collection_deposit_invoice_ids",
        help="Down-payment invoices created from the deposit schedule (cancelled ones excluded).",
    )
    collection_can_create_deposits = fields.Boolean(compute="_compute_collection_deposit_invoice_ids")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("partner_id", "company_id")
    def _compute_collection_deposit_template_id(self):
        for order in self:
            if order.state not in ("draft", "sent"):
                continue  # a confirmed order keeps its schedule
            company = order.company_id or self.env.company
            policy = order.partner_id._collection_effective_policy(company)
            order.collection_deposit_template_id = policy.deposit_template_id
        self._collection_apply_score_to_deposit_templates()  # sale_order_score.py

    @api.depends(
        "collection_deposit_template_id.line_ids.sequence",
        "collection_deposit_template_id.line_ids.label",
        "collection_deposit_template_id.line_ids.percent",
        "collection_deposit_template_id.line_ids.trigger",
        "collection_deposit_template_id.line_ids.days",
        "collection_deposit_template_id.line_ids.fixed_date",
        "amount_total",
        "date_order",
        "currency_id",
    )
    def _compute_collection_deposit_preview(self):
        for order in self:
            if not order.collection_deposit_template_id:
                order.collection_deposit_preview = False
                continue
            issue_date = (order.date_order or fields.Datetime.now()).date()
            try:
                installments = order._collection_installments(issue_date)
            except ValueError as error:
                order.collection_deposit_preview = Markup('<p class="text-danger">%s</p>') % error_text(
                    order.env, error
                )
                continue
            order.collection_deposit_preview = order._collection_render_installments(installments)

    @api.depends("state", "collection_deposit_template_id", "order_line.invoice_lines.move_id.state")
    def _compute_collection_deposit_invoice_ids(self):
        for order in self:
            invoices = order._collection_deposit_invoices()
            order.collection_deposit_invoice_ids = invoices
            order.collection_can_create_deposits = bool(
                order.state == "sale"
                and len(order.collection_deposit_template_id.line_ids) > 1
                and not order._collection_down_payment_invoices()
            )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _collection_installments(self, issue_date):
        """The schedule's installments on the order total (tax included), exact to the cent."""
        self.ensure_one()
        template = self.collection_deposit_template_id
        if not template:
            return []
        currency = self.currency_id or self.company_id.currency_id
        return schedule.split_installments(
            to_decimal(self.amount_total),
            template._get_policy_lines(),
            issue_date,
            currency.decimal_places,
        )

    def _collection_due_description(self, installment, line):
        if installment.trigger == "on_issue":
            return _("On issue")
        if installment.trigger == "days_after":
            return _("%(days)s days after issue", days=line.days)
        if installment.trigger == "fixed_date":
            return format_date(self.env, installment.due_date)
        if installment.trigger == "milestone":
            return _("Milestone reached (about %(days)s days)", days=line.days) if line.days else _("Milestone reached")
        return _("Before final delivery")

    def _collection_render_installments(self, installments):
        self.ensure_one()
        currency = self.currency_id or self.company_id.currency_id
        lines = self.collection_deposit_template_id._get_policy_lines()
        rows = Markup().join(
            Markup(
                '<tr><td>%s</td><td class="text-end">%s%%</td><td class="text-end">%s</td>'
                "<td>%s</td><td>%s</td></tr>"
            )
            % (
                installment.label,
                f"{installment.percent.normalize():f}",
                format_amount(self.env, float(installment.amount), currency),
                self._collection_due_description(installment, line),
                _("final invoice") if installment.sequence == len(installments) else _("deposit invoice"),
            )
            for installment, line in zip(installments, lines, strict=False)
        )
        head = Markup(
            '<thead><tr><th>%s</th><th class="text-end">%s</th><th class="text-end">%s</th>'
            "<th>%s</th><th>%s</th></tr></thead>"
        ) % (_("Installment"), _("Share"), _("Amount"), _("Due"), _("Invoiced as"))
        return Markup('<table class="table table-sm o_collection_deposit_preview">%s<tbody>%s</tbody></table>') % (
            head,
            rows,
        )

    def _collection_down_payment_invoices(self):
        """Every non-cancelled down-payment invoice of the order (schedule or manual)."""
        self.ensure_one()
        return (
            self.sudo()
            .invoice_ids.filtered(lambda move: move.state != "cancel" and move._is_downpayment())
            .sudo(self.env.su)
        )

    def _collection_deposit_invoices(self):
        """The non-cancelled deposit invoices created from the order's deposit schedule."""
        self.ensure_one()
        return (
            self.sudo()
            .invoice_ids.filtered(lambda move: move.collection_sale_deposit and move.state != "cancel")
            .sudo(self.env.su)
        )

    def _collection_unpaid_deposit_invoices(self):
        self.ensure_one()
        return (
            self._collection_deposit_invoices()
            .sudo()
            .filtered(lambda move: move.state == "posted" and move.payment_state in OPEN_PAYMENT_STATES)
            .sudo(self.env.su)
        )

    def _collection_lock(self):
        """Serialize concurrent clicks: a second transaction updating the same orders waits for
        this one and then fails with a serialization error, so Odoo retries it and it sees the
        deposit invoices created here."""
        if self.ids:
            self.env.cr.execute(SQL("UPDATE sale_order SET write_date = write_date WHERE id IN %s", tuple(self.ids)))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_collection_create_deposit_invoices(self):
        self._collection_lock()
        invoices = self.env["account.move"]
        for order in self:
            invoices |= order._collection_create_deposit_invoices()
        return self.action_view_invoice(invoices=invoices)

    def _collection_create_deposit_invoices(self):
        """One down-payment invoice per installment but the last, through sale's wizard."""
        self.ensure_one()
        if self.state != "sale":
            raise UserError(_("Confirm %(order)s before creating its deposit invoices.", order=self.name))
        template = self.collection_deposit_template_id
        if not template:
            raise UserError(_("%(order)s has no deposit schedule.", order=self.name))
        existing = self._collection_deposit_invoices()
        if existing:
            raise UserError(
                _(
                    "The deposit invoices of %(order)s were already created: %(invoices)s. "
                    "Cancel them first to create them again.",
                    order=self.name,
                    invoices=", ".join(existing.sudo().mapped("display_name")),
                )
            )
        down_payments = self._collection_down_payment_invoices()
        if down_payments:
            raise UserError(
                _(
                    "%(order)s already has down payment invoices (%(invoices)s): create the remaining "
                    "ones with Create Invoice > Down payment instead.",
                    order=self.name,
                    invoices=", ".join(down_payments.sudo().mapped("display_name")),
                )
            )
        try:
            installments = self._collection_installments(fields.Date.context_today(self))
        except ValueError as error:
            raise UserError(error_text(self.env, error)) from error
        deposits = [installment for installment in installments[:-1] if installment.amount > 0]
        if not deposits:
            raise UserError(
                _(
                    "The deposit schedule %(schedule)s leaves nothing to invoice as a deposit on %(order)s.",
                    schedule=template.display_name,
                    order=self.name,
                )
            )
        Wizard = self.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=self.ids, active_id=self.id
        )
        invoices = self.env["account.move"]
        for installment in deposits:
            wizard = Wizard.create(
                {
                    "sale_order_ids": [Command.set(self.ids)],
                    "advance_payment_method": "fixed",
                    # sale treats a fixed down payment as tax included and makes the invoice total it
                    "fixed_amount": float(installment.amount),
                    "collection_installment_label": installment.label,
                    "collection_installment_due_date": installment.due_date,
                }
            )
            wizard._check_amount_is_positive()
            invoices |= wizard._create_invoices(self)
        return invoices

    # ------------------------------------------------------------------
    # Final invoice
    # ------------------------------------------------------------------
    def _create_invoices(self, grouped=False, final=False, date=None):
        unpaid_by_order = []
        if final:
            for order in self:
                unpaid = order._collection_unpaid_deposit_invoices()
                if unpaid:
                    unpaid_by_order.append((order, unpaid))
        override = self.env.user._collection_work_stop_override() if unpaid_by_order else ""
        if unpaid_by_order and not override:
            raise UserError(
                _(
                    "The final invoice cannot be created while deposit invoices are unpaid: %(invoices)s. "
                    "Register their payments first, or ask a collections manager to create it if it must "
                    "go ahead.",
                    invoices="; ".join(
                        f"{order.name}: {', '.join(unpaid.sudo().mapped('name'))}" for order, unpaid in unpaid_by_order
                    ),
                )
            )
        moves = super()._create_invoices(grouped=grouped, final=final, date=date)
        invoiced_orders = moves.sudo().line_ids.sale_line_ids.order_id
        for order, unpaid in unpaid_by_order:
            if order not in invoiced_orders:
                continue
            names = ", ".join(unpaid.sudo().mapped("name"))
            order._message_log(
                body=_(
                    "Final invoice created by %(user)s although deposit invoices %(invoices)s are not "
                    "paid (manager override).",
                    user=self.env.user.name,
                    invoices=names,
                )
                if override == "manager"
                else _(
                    "Final invoice created on the client's online payment although deposit invoices "
                    "%(invoices)s are not paid.",
                    invoices=names,
                )
            )
        return moves
