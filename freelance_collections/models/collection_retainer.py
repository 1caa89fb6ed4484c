"""A retainer agreement: a sum the client pays in advance, which its new invoices draw on.

The balance is read from the accounting (see docs/retainers.md): what the client's advances on the
company's customer-advance account hold, less what is still unpaid on its retainer and top-up
invoices. The entries themselves (the draw on an invoice, its return, the top-up) are made by
``account.move`` (``account_move_retainer.py``); this model holds the terms and asks for money.
"""

from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..policy import retainer as retainer_policy
from ..policy.money import to_decimal
from .account_move import OPEN_PAYMENT_STATES

INVOICE_KINDS = ("retainer", "topup")


class CollectionRetainer(models.Model):
    _name = "collection.retainer"
    _description = "Retainer"
    _inherit = ["mail.thread", "collection.bounds.mixin"]
    _order = "state, partner_id, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
        help="The client (a company or a person without a parent company) who pays the retainer.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        tracking=True,
        default=lambda self: self.env.company.currency_id,
        help="Invoices in this currency draw on the retainer; invoices in another currency are not drawn.",
    )
    amount = fields.Monetary(
        string="Retainer Amount",
        required=True,
        tracking=True,
        help="What the client pays in advance; a top-up restores it.",
    )
    threshold = fields.Monetary(
        string="Top-Up Threshold",
        tracking=True,
        help="When the balance falls below it, a top-up invoice and an email with its pay link go out.",
    )
    monthly_topup = fields.Monetary(
        string="Monthly Top-Up",
        tracking=True,
        help="Invoiced on the first day of every month while the retainer runs (0: none). A month whose "
        "top-up is still open gets no second one.",
    )
    next_topup_date = fields.Date(string="Next Monthly Top-Up", copy=False)
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Running"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    balance = fields.Monetary(compute="_compute_balance", help="What the client has paid in advance and not used yet.")
    work_stop = fields.Boolean(
        compute="_compute_work_stop",
        store=True,
        help="Set while the balance is used up and the top-up invoice is unpaid: work stops for the client.",
    )
    move_ids = fields.One2many("account.move", "collection_retainer_id", string="Accounting", readonly=True)
    invoice_ids = fields.One2many(
        "account.move",
        "collection_retainer_id",
        string="Retainer Invoices",
        domain=[("collection_retainer_kind", "in", INVOICE_KINDS)],
        readonly=True,
    )
    topup_move_id = fields.Many2one(
        "account.move", string="Open Top-Up", compute="_compute_topup_move_id", help="The top-up invoice still to pay."
    )

    # ------------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------------
    @api.depends("partner_id", "company_id", "currency_id", "move_ids.state", "move_ids.amount_residual")
    def _compute_balance(self):
        balances = self._collection_balances()
        for retainer in self:
            retainer.balance = balances.get(retainer.id, 0.0)

    @api.depends("move_ids.state", "move_ids.payment_state")
    def _compute_topup_move_id(self):
        for retainer in self:
            retainer.topup_move_id = retainer._collection_open_topups()[:1]

    @api.depends("state", "move_ids.state", "move_ids.payment_state", "move_ids.amount_residual")
    def _compute_work_stop(self):
        running = self.filtered(lambda r: r.state == "active" and r.id)
        balances = running._collection_balances()
        for retainer in self:
            retainer.work_stop = retainer in running and retainer_policy.work_stops(
                to_decimal(balances.get(retainer.id, 0.0)), retainer._collection_open_topups()
            )

    def _compute_display_name(self):
        for retainer in self:
            retainer.display_name = _(
                "Retainer of %(client)s (%(currency)s)",
                client=retainer.partner_id.display_name or "",
                currency=retainer.currency_id.name or "",
            )

    # ------------------------------------------------------------------
    # CONSTRAINT METHODS
    # ------------------------------------------------------------------
    @api.constrains("amount", "threshold", "monthly_topup")
    def _check_terms(self):
        messages = {
            "amount_not_positive": _("The retainer amount must be more than zero (it is %(amount)s)."),
            "threshold_negative": _("The top-up threshold cannot be negative (it is %(threshold)s)."),
            "threshold_above_amount": _(
                "The top-up threshold (%(threshold)s) is above the retainer amount (%(amount)s): a top-up could "
                "never bring the balance back over it. Lower the threshold or raise the amount."
            ),
            "topup_negative": _("The monthly top-up cannot be negative (it is %(topup)s): enter 0 for none."),
        }
        for retainer in self:
            problems = retainer_policy.check_terms(retainer.amount, retainer.threshold, retainer.monthly_topup)
            if problems:
                raise ValidationError(
                    "\n".join(messages[code] % {k: str(v) for k, v in values.items()} for code, values in problems)
                )

    @api.constrains("partner_id", "company_id", "state")
    def _check_one_per_client(self):
        for retainer in self.filtered(lambda r: r.state != "closed"):
            if retainer.partner_id != retainer.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "A retainer belongs to the client itself: choose %(client)s, not its contact %(contact)s.",
                        client=retainer.partner_id.commercial_partner_id.display_name,
                        contact=retainer.partner_id.display_name,
                    )
                )
            others = self.sudo().search_count(
                [
                    ("id", "!=", retainer.id),
                    ("partner_id", "=", retainer.partner_id.id),
                    ("company_id", "=", retainer.company_id.id),
                    ("state", "!=", "closed"),
                ]
            )
            if others:
                raise ValidationError(
                    _(
                        "%(client)s already has a retainer in %(company)s: top it up or close it before starting "
                        "another one.",
                        client=retainer.partner_id.display_name,
                        company=retainer.company_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _collection_any_retainer
        return super().create(vals_list)

    @api.model
    @tools.ormcache()
    def _collection_any_retainer(self):
        """Whether the database holds a retainer at all (closed ones included), cached until one is
        created: Odoo's own posting, payments and reconciliation skip the addon's retainer lookups in
        a book that uses none (docs/benchmark.md, everyday accounting)."""
        self.env.cr.execute(SQL("SELECT 1 FROM collection_retainer LIMIT 1"))
        return bool(self.env.cr.fetchone())

    def write(self, vals):
        if {"partner_id", "company_id", "currency_id"} & set(vals) and self.filtered("move_ids"):
            raise UserError(_("The client and currency of a retainer with accounting entries cannot change."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_unused(self):
        if self.filtered("move_ids"):
            raise UserError(_("A retainer with accounting entries cannot be deleted: close it instead."))

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------
    def action_start(self):
        """Start the retainer: its invoice for the agreed amount goes out with a pay link."""
        for retainer in self:
            if retainer.state != "draft":
                raise UserError(_("Only a draft retainer can be started."))
            retainer.state = "active"
            if retainer.monthly_topup:
                retainer.next_topup_date = fields.Date.context_today(retainer).replace(day=1) + relativedelta(months=1)
            retainer._collection_request("retainer", retainer.amount)

    def action_request_topup(self):
        """Ask for a top-up now (what brings the balance back to the amount), unless one is open."""
        for retainer in self:
            if retainer.state != "active":
                raise UserError(_("Only a running retainer can be topped up."))
            if retainer._collection_open_topups():
                raise UserError(_("A top-up of this retainer is already waiting to be paid."))
            amount = retainer._collection_topup_amount()
            if not amount:
                raise UserError(_("The retainer is full: there is nothing to top up."))
            retainer._collection_request("topup", amount)

    def action_close(self):
        self.write({"state": "closed"})

    def action_view_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_journal_line")
        action.update({"domain": [("collection_retainer_id", "=", self.id)], "context": {"create": False}})
        return action

    # ------------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------------
    def _collection_balances(self):
        """{retainer id: balance in its currency}, set-based: the client's advances on the company's
        customer-advance account (in the retainer's currency), less what is unpaid on its invoices."""
        saved = self.filtered("id")
        if not saved:
            return {}
        accounts = {company: company.collection_retainer_account_id for company in saved.company_id}
        held = {}
        if any(accounts.values()):
            groups = (
                self.env["account.move.line"]
                .sudo()
                ._read_group(
                    [
                        ("account_id", "in", [a.id for a in accounts.values() if a]),
                        ("partner_id", "in", saved.partner_id.ids),
                        ("company_id", "in", saved.company_id.ids),
                        ("parent_state", "=", "posted"),
                    ],
                    ["company_id", "partner_id", "currency_id"],
                    ["amount_currency:sum"],
                )
            )
            held = {(c.id, p.id, cur.id): -amount for c, p, cur, amount in groups}
        unpaid = dict(
            (retainer.id, amount)
            for retainer, amount in self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("collection_retainer_id", "in", saved.ids),
                    ("collection_retainer_kind", "in", INVOICE_KINDS),
                    ("state", "=", "posted"),
                ],
                ["collection_retainer_id"],
                ["amount_residual:sum"],
            )
        )
        return {
            retainer.id: retainer.currency_id.round(
                held.get((retainer.company_id.id, retainer.partner_id.id, retainer.currency_id.id), 0.0)
                - unpaid.get(retainer.id, 0.0)
            )
            for retainer in saved
        }

    def _collection_open_topups(self):
        self.ensure_one()
        return self.invoice_ids.filtered(
            lambda m: m.collection_retainer_kind == "topup"
            and m.state == "posted"
            and m.payment_state in OPEN_PAYMENT_STATES
        )

    def _collection_topup_amount(self):
        self.ensure_one()
        return float(
            retainer_policy.topup_amount(
                to_decimal(self.amount), to_decimal(self.balance), self.currency_id.decimal_places
            )
        )

    def _collection_after_draw(self):
        """After draws: ask for a top-up of each running retainer fallen below its threshold that has
        none open (only one top-up open at a time)."""
        self.invalidate_recordset(["balance", "topup_move_id"])
        for retainer in self.filtered(lambda r: r.state == "active"):
            if (
                retainer_policy.below_threshold(to_decimal(retainer.balance), to_decimal(retainer.threshold))
                and not retainer._collection_open_topups()
            ):
                amount = retainer._collection_topup_amount()
                if amount:
                    retainer._collection_request("topup", amount)

    def _collection_request(self, kind, amount):
        """Post a retainer (KIND 'retainer') or top-up ('topup') invoice of AMOUNT booked to the
        customer-advance account and email it to the client with its pay link."""
        self.ensure_one()
        company = self.company_id
        account = company.sudo()._collection_retainer_account()
        label = _("Retainer") if kind == "retainer" else _("Retainer top-up")
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_id.address_get(["invoice"])["invoice"],
                    "company_id": company.id,
                    "currency_id": self.currency_id.id,
                    "invoice_date": fields.Date.context_today(self),
                    "collection_retainer_id": self.id,
                    "collection_retainer_kind": kind,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": _("%(label)s: %(retainer)s", label=label, retainer=self.display_name),
                                "quantity": 1,
                                "price_unit": amount,
                                "account_id": account.id,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        template = self.env.ref("freelance_collections.mail_template_retainer_request")
        move.with_context(mail_notify_force_send=False).message_post_with_source(
            template, subtype_xmlid="mail.mt_comment", message_type="comment"
        )
        move._collection_mark_sent()
        self.message_post(
            body=_(
                "%(label)s invoice %(invoice)s of %(amount)s sent to the client.",
                label=label,
                invoice=move._get_html_link(),
                amount=self.currency_id.format(amount),
            )
        )
        return move

    def _collection_history(self):
        """The retainer's history, oldest first: [{date, move, kind, label, amount, status, balance}]
        where AMOUNT is what the entry adds to (or takes from) the balance."""
        self.ensure_one()
        kinds = dict(self.env["account.move"]._fields["collection_retainer_kind"]._description_selection(self.env))
        moves = self.sudo().move_ids.filtered(lambda m: m.state == "posted").sorted(lambda m: (m.date, m.id))
        states = dict(self.env["account.move"]._fields["payment_state"]._description_selection(self.env))
        rows, balance = [], 0.0
        for move in moves:
            amount = self.currency_id.round(move.collection_retainer_effect)
            balance = self.currency_id.round(balance + amount)
            rows.append(
                {
                    "date": move.date,
                    "move": move,
                    "invoice": move.collection_retainer_invoice_id,
                    "kind": kinds.get(move.collection_retainer_kind, ""),
                    "amount": amount,
                    "status": states.get(move.payment_state) if move.is_invoice() else "",
                    "balance": balance,
                }
            )
        return rows

    @api.model
    def _cron_monthly_topups(self):
        """Invoice the monthly top-up of each running retainer whose day has come (none while one is open)."""
        today = fields.Date.context_today(self)
        due = self.search([("state", "=", "active"), ("monthly_topup", ">", 0), ("next_topup_date", "<=", today)])
        for retainer in due:
            if not retainer._collection_open_topups():
                retainer._collection_request("topup", retainer.monthly_topup)
            retainer.next_topup_date = today.replace(day=1) + relativedelta(months=1)
