"""Retainers on journal entries: each new customer invoice of a client with a running retainer is
paid from its balance when posted, and a reset or a credit note gives the draw back.

A *draw* is a balanced entry in the company's miscellaneous journal, in the invoice's currency:
debit the customer-advance account, credit the receivable, the receivable line reconciled with the
invoice by Odoo's own ``reconcile()`` (a partial payment when the balance is short). A *return* is
its mirror for a credit note of a drawn invoice. Resetting a drawn invoice (or a returned credit
note) to draft reverses its entry, so an invoice never holds two draws. See docs/retainers.md.
"""

from odoo import Command, _, api, fields, models
from odoo.tools import SQL

from ..policy import retainer as retainer_policy
from ..policy.money import to_decimal

RETAINER_KINDS = [
    ("retainer", "Retainer invoice"),
    ("topup", "Top-up invoice"),
    ("draw", "Paid from the retainer"),
    ("return", "Credit note back to the retainer"),
    ("undo", "Draw given back"),
    ("refund", "Retainer credit note"),
]


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_retainer_id = fields.Many2one(
        "collection.retainer", string="Retainer", copy=False, readonly=True, index="btree_not_null"
    )
    collection_retainer_kind = fields.Selection(RETAINER_KINDS, string="Retainer Entry", copy=False, readonly=True)
    collection_retainer_invoice_id = fields.Many2one(
        "account.move",
        string="Drawn For",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The invoice (or credit note) this retainer entry pays (or gives back).",
    )
    collection_retainer_entry_ids = fields.One2many(
        "account.move", "collection_retainer_invoice_id", string="Retainer Entries", readonly=True
    )
    collection_retainer_drawn = fields.Monetary(
        string="Paid From Retainer", compute="_compute_collection_retainer_drawn", currency_field="currency_id"
    )

    collection_retainer_effect = fields.Monetary(
        string="On the Balance",
        compute="_compute_collection_retainer_effect",
        currency_field="currency_id",
        help="What this entry adds to the retainer's balance (paid on a retainer or top-up invoice), or takes "
        "from it (a draw).",
    )

    @api.depends("collection_retainer_kind", "state", "amount_residual", "line_ids.amount_currency")
    def _compute_collection_retainer_effect(self):
        for move in self:
            if move.state != "posted" or not move.collection_retainer_kind:
                move.collection_retainer_effect = 0.0
            elif move.collection_retainer_kind in ("retainer", "topup"):
                move.collection_retainer_effect = move.amount_total - move.amount_residual
            else:
                account = move.company_id.collection_retainer_account_id
                move.collection_retainer_effect = -sum(
                    line.amount_currency for line in move.line_ids if line.account_id == account
                )

    @api.depends("collection_retainer_entry_ids.state", "collection_retainer_entry_ids.reversal_move_ids")
    def _compute_collection_retainer_drawn(self):
        for move in self:
            move.collection_retainer_drawn = move._collection_retainer_active_entries()._collection_retainer_amount()

    # ------------------------------------------------------------------
    # HOOKS
    # ------------------------------------------------------------------
    def _collection_is_new_work(self):
        # a retainer or top-up invoice asks for money: never refused by the work stop
        return super()._collection_is_new_work() and not self.collection_retainer_kind

    # ------------------------------------------------------------------
    # CRUD / WORKFLOW
    # ------------------------------------------------------------------
    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        if not self.env.context.get("collection_retainer_entry"):
            posted._collection_retainer_settle()
        return posted

    def button_draft(self):
        entries = self._collection_retainer_active_entries()
        result = super().button_draft()
        if entries:
            entries._collection_retainer_undo()
        return result

    def _reverse_moves(self, default_values_list=None, cancel=False):
        default_values_list = default_values_list or [{} for _move in self]
        for move, defaults in zip(self, default_values_list, strict=True):
            if move.collection_retainer_kind:
                defaults.setdefault("collection_retainer_id", move.collection_retainer_id.id)
                defaults.setdefault(
                    "collection_retainer_kind",
                    "refund" if move.collection_retainer_kind in ("retainer", "topup") else "undo",
                )
                defaults.setdefault("collection_retainer_invoice_id", move.collection_retainer_invoice_id.id)
        # a cancelling reversal unreconciles the invoice from its draw: the draw is given back whole
        entries = self._collection_retainer_active_entries() if cancel else self.browse()
        reversals = super()._reverse_moves(default_values_list, cancel=cancel)
        if entries:
            entries._collection_retainer_undo()
        return reversals

    # ------------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------------
    def _collection_retainer_active_entries(self):
        """The posted draws and returns of these invoices not given back yet."""
        return self.collection_retainer_entry_ids.filtered(
            lambda e: e.state == "posted"
            and e.collection_retainer_kind in ("draw", "return")
            and not e.reversal_move_ids
        )

    def _collection_retainer_amount(self):
        """What these retainer entries move, in their currency (each counted positive)."""
        return sum(
            abs(line.amount_currency) for line in self.line_ids if line.account_id.account_type == "asset_receivable"
        )

    def _collection_retainer_settle(self):
        """Draw each posted customer invoice of these on its client's running retainer, and give each
        credit note of a drawn invoice back to it; then ask for the top-ups now due."""
        candidates = self.filtered(
            lambda m: m.move_type in ("out_invoice", "out_refund")
            and m.state == "posted"
            and not m.collection_retainer_kind
            and not m.currency_id.is_zero(m.amount_residual)
        )
        if not candidates or not self.env["collection.retainer"]._collection_any_retainer():
            return
        retainers = (
            self.env["collection.retainer"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", candidates.commercial_partner_id.ids),
                    ("company_id", "in", candidates.company_id.ids),
                    ("state", "=", "active"),
                ]
            )
        )
        if retainers:
            # two postings for one client at once must not both draw on the same balance: the second
            # one's update of the same rows fails to serialize and Odoo retries it, on the new balance
            self.env.cr.execute(
                SQL(
                    "UPDATE collection_retainer SET write_date = (NOW() AT TIME ZONE 'UTC') WHERE id = ANY(%s)",
                    retainers.ids,
                )
            )
        by_client = {(r.partner_id.id, r.company_id.id): r for r in retainers}
        balances = retainers._collection_balances()
        touched = self.env["collection.retainer"].sudo()
        for move in candidates.sorted(lambda m: (m.date, m.id)):
            retainer = by_client.get((move.commercial_partner_id.id, move.company_id.id))
            if move.move_type == "out_refund":
                retainer = move.reversed_entry_id._collection_retainer_active_entries()[:1].collection_retainer_id
            if not retainer or move._collection_retainer_active_entries():
                continue  # no retainer, or already drawn (never twice)
            if move.currency_id != retainer.currency_id:
                move._message_log(
                    body=_(
                        "Not paid from the retainer: the invoice is in %(invoice)s, the retainer in %(retainer)s.",
                        invoice=move.currency_id.name,
                        retainer=retainer.currency_id.name,
                    )
                )
                continue
            digits = move.currency_id.decimal_places
            if move.move_type == "out_invoice":
                amount = retainer_policy.draw(
                    to_decimal(balances.get(retainer.id, 0.0)), to_decimal(move.amount_residual), digits
                )
            else:  # what the invoice drew and its credit notes did not give back yet
                origin = move.reversed_entry_id
                given = origin.reversal_move_ids._collection_retainer_active_entries()._collection_retainer_amount()
                amount = retainer_policy.draw(
                    to_decimal(origin.collection_retainer_drawn) - to_decimal(given),
                    to_decimal(move.amount_residual),
                    digits,
                )
            if not amount:
                continue
            move._collection_retainer_entry(retainer, float(amount))
            sign = -1 if move.move_type == "out_invoice" else 1
            balances[retainer.id] = retainer.currency_id.round(balances.get(retainer.id, 0.0) + sign * float(amount))
            touched |= retainer
        touched._collection_after_draw()

    def _collection_retainer_entry(self, retainer, amount):
        """Book and reconcile the draw (invoice) or return (credit note) of AMOUNT for this move."""
        self.ensure_one()
        draw = self.move_type == "out_invoice"
        company = self.company_id
        account = company._collection_retainer_account()
        receivable = self.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        label = (
            _("Paid from the retainer: %(invoice)s", invoice=self.name)
            if draw
            else _("Credit note %(invoice)s back to the retainer", invoice=self.name)
        )
        sign = 1 if draw else -1
        line_vals = {"partner_id": self.commercial_partner_id.id, "currency_id": self.currency_id.id, "name": label}
        entry = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": company._collection_retainer_journal().id,
                    "date": max(self.date, fields.Date.context_today(self)),
                    "ref": label,
                    "partner_id": self.commercial_partner_id.id,
                    "currency_id": self.currency_id.id,
                    "collection_retainer_id": retainer.id,
                    "collection_retainer_kind": "draw" if draw else "return",
                    "collection_retainer_invoice_id": self.id,
                    "line_ids": [
                        Command.create({**line_vals, "account_id": account.id, "amount_currency": sign * amount}),
                        Command.create(
                            {**line_vals, "account_id": receivable[:1].account_id.id, "amount_currency": -sign * amount}
                        ),
                    ],
                }
            )
        )
        entry.with_context(collection_retainer_entry=True).action_post()
        (entry.line_ids.filtered(lambda line: line.account_id == receivable[:1].account_id) + receivable).filtered(
            lambda line: not line.reconciled
        ).reconcile()
        self._message_log(
            body=_(
                "%(amount)s %(what)s (retainer balance entry %(entry)s).",
                amount=self.currency_id.format(amount),
                what=_("paid from the retainer") if draw else _("given back to the retainer"),
                entry=entry._get_html_link(),
            )
        )
        return entry

    def _collection_retainer_undo(self):
        """Give back these draws or returns (their invoice was reset to draft): reverse each one."""
        reversals = (
            self.sudo()
            .with_context(collection_retainer_entry=True)
            ._reverse_moves(
                [
                    {"date": max(entry.date, fields.Date.context_today(entry)), "ref": _("Given back: %s", entry.ref)}
                    for entry in self
                ],
                cancel=True,
            )
        )
        for entry in self:
            entry.collection_retainer_invoice_id._message_log(
                body=_("Reset to draft: the retainer draw %(entry)s is given back.", entry=entry._get_html_link())
            )
        return reversals
