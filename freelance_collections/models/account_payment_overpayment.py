"""The overpayment-scam guard on payments.

- A customer payment received above what the client owed when it was posted keeps the excess
  (``collection_overpaid_amount``): what the client owed is its open receivables net of its
  credits in the payment's company, counted in the payment's currency (lines in that currency by
  their residual in it, the others converted from the company currency at the payment's date).
- The excess is verified once the payment is matched with a bank statement line (Odoo's
  ``is_matched``: the money is on the bank account) or a collections manager approved a refund
  with a reason (``collection.overpayment.approval``).
- Until then a refund to that client (an outbound customer payment, from a form or from the
  payment register on a credit note) is refused when it is confirmed: the check sits in
  ``write`` on the state, which ``action_post``, ``action_validate`` and the register all use.
The rules themselves are in ``policy/overpayment.py``.
"""

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount

from ..policy.money import to_decimal
from ..policy.overpayment import Overpayment, decide_refund, overpayment_excess

# Set by the guard itself (as superuser), never written by users.
OVERPAYMENT_FIELDS = frozenset(
    {
        "collection_overpaid_amount",
        "collection_overpaid_amount_company",
        "collection_overpaid_approved_uid",
        "collection_overpaid_approved_date",
        "collection_overpaid_approval_reason",
    }
)
POSTED_PAYMENT_STATES = ("in_process", "paid")


class AccountPayment(models.Model):
    _inherit = "account.payment"

    collection_overpaid_amount = fields.Monetary(
        string="Received Above What Was Owed",
        currency_field="currency_id",
        readonly=True,
        copy=False,
        help="The part of this customer payment above what the client owed when it was posted "
        "(open invoices less credit notes and payments not yet matched, in this company).",
    )
    collection_overpaid_amount_company = fields.Monetary(
        string="Received Above What Was Owed (Company Currency)",
        currency_field="company_currency_id",
        readonly=True,
        copy=False,
    )
    collection_overpaid_approved_uid = fields.Many2one(
        "res.users", string="Refund Approved By", readonly=True, copy=False
    )
    collection_overpaid_approved_date = fields.Datetime(string="Refund Approved On", readonly=True, copy=False)
    collection_overpaid_approval_reason = fields.Text(string="Approval Reason", readonly=True, copy=False)
    collection_overpaid_unverified = fields.Boolean(
        string="Unverified Overpayment",
        compute="_compute_collection_overpaid_unverified",
        store=True,
        help="Received above what was owed, not yet matched with a bank statement line and no refund "
        "approved by a collections manager: no refund to this client goes out.",
    )
    collection_refund_blocked_amount = fields.Monetary(
        string="Unverified Overpayments of the Client",
        currency_field="company_currency_id",
        compute="_compute_collection_refund_blocked_amount",
        help="On a refund not yet confirmed: what the client paid above what it owed and is not "
        "yet verified; the refund will be refused until it is.",
    )

    # -------------------------------------------------------------------------
    # COMPUTE METHODS
    # -------------------------------------------------------------------------

    @api.depends("collection_overpaid_amount", "collection_overpaid_approved_date", "is_matched", "state")
    def _compute_collection_overpaid_unverified(self):
        for payment in self:
            payment.collection_overpaid_unverified = (
                payment.state in POSTED_PAYMENT_STATES
                and not payment.currency_id.is_zero(payment.collection_overpaid_amount)
                and not payment.is_matched
                and not payment.collection_overpaid_approved_date
            )

    @api.depends("state", "payment_type", "partner_type", "partner_id", "company_id")
    def _compute_collection_refund_blocked_amount(self):
        self.collection_refund_blocked_amount = 0.0
        refunds = self.filtered(
            lambda payment: payment._collection_is_being_posted() and payment._collection_is_refund()
        )
        for refund in refunds:
            blocking = refund._collection_blocking_overpayments()
            refund.collection_refund_blocked_amount = sum(blocking.mapped("collection_overpaid_amount_company"))

    # -------------------------------------------------------------------------
    # CRUD METHODS
    # -------------------------------------------------------------------------

    def write(self, vals):
        if not self.env.su and OVERPAYMENT_FIELDS & vals.keys():
            raise AccessError(
                _(
                    "The overpayment figures and the refund approval of a payment are set by "
                    "Odoo; ask a collections manager to approve a refund."
                )
            )
        posting = self.browse()
        if vals.get("state") in POSTED_PAYMENT_STATES:
            # Posting: action_post, action_validate, the payment register all go through here.
            posting = self.filtered(lambda payment: payment._collection_is_being_posted())
            posting._collection_check_refunds()
        res = super().write(vals)
        posting._collection_flag_overpayments()
        return res

    # -------------------------------------------------------------------------
    # ACTIONS
    # -------------------------------------------------------------------------

    def action_draft(self):
        approved = self.filtered("collection_overpaid_approved_date")
        res = super().action_draft()
        for payment in approved:
            payment.message_post(
                body=_(
                    "Reset to draft: the refund approval of %(user)s is withdrawn.",
                    user=payment.collection_overpaid_approved_uid.name,
                )
            )
        flagged = self.filtered(lambda payment: payment.collection_overpaid_amount or payment in approved)
        flagged.sudo().write({field: False for field in OVERPAYMENT_FIELDS})
        return res

    def action_collection_approve_overpayment(self):
        """Open the approval of a refund of this overpayment (collections managers)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Approve a Refund"),
            "res_model": "collection.overpayment.approval",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_payment_id": self.id},
        }

    def action_collection_view_blocking_overpayments(self):
        self.ensure_one()
        return self.env["res.partner"]._collection_overpayments_action(self._collection_blocking_overpayments())

    # -------------------------------------------------------------------------
    # BUSINESS METHODS
    # -------------------------------------------------------------------------

    def _collection_is_being_posted(self):
        """Not confirmed yet: a draft payment, or one whose journal entry is still a draft (the payment
        register creates its payments with their entry, then posts them)."""
        self.ensure_one()
        return self.state == "draft" or (self.move_id and self.move_id.state == "draft")

    def _collection_is_refund(self):
        """Money going back to a client: an outbound customer payment."""
        self.ensure_one()
        # a refund through the payment provider only returns money the provider took (and confirmed)
        return (
            self.payment_type == "outbound"
            and self.partner_type == "customer"
            and bool(self.partner_id)
            and not self.payment_transaction_id
        )

    @api.model
    def _collection_overpayment_domain(self, partners, companies):
        """The flagged customer payments of the clients PARTNERS (and their contacts) in COMPANIES."""
        return [
            ("partner_id", "child_of", partners.commercial_partner_id.ids),
            ("company_id", "in", companies.ids),
            ("payment_type", "=", "inbound"),
            ("partner_type", "=", "customer"),
            ("state", "in", POSTED_PAYMENT_STATES),
            ("collection_overpaid_amount", "!=", 0),
        ]

    def _collection_blocking_overpayments(self):
        """The client's overpayments in this refund's company that still hold refunds back."""
        self.ensure_one()
        flagged = self.sudo().search(
            self._collection_overpayment_domain(self.partner_id, self.company_id), order="date, id"
        )
        decision = decide_refund([payment._collection_overpayment() for payment in flagged])
        blocking_ids = {int(overpayment.reference) for overpayment in decision.blocking}
        return flagged.filtered(lambda payment: payment.id in blocking_ids).sudo(False)

    def _collection_overpayment(self):
        """This payment as the pure rule sees it (reference = id)."""
        self.ensure_one()
        return Overpayment(
            reference=str(self.id),
            excess=to_decimal(self.collection_overpaid_amount),
            matched=self.is_matched,
            approved=bool(self.collection_overpaid_approved_date),
        )

    def _collection_check_refunds(self):
        """Refuse a refund to a client holding an overpayment not yet verified."""
        for refund in self.filtered(lambda payment: payment._collection_is_refund()):
            blocking = refund._collection_blocking_overpayments()
            if not blocking:
                continue
            company_currency = refund.company_currency_id
            raise UserError(
                _(
                    "The refund of %(amount)s to %(client)s is refused: %(excess)s was received from this "
                    "client above what it owed (%(payments)s) and that money is not verified yet. A cheque "
                    "or transfer can still bounce after you refund it.\n\n"
                    "Match the payment with its bank statement line once the money is on your bank account, "
                    "or ask a collections manager to approve the refund with a reason, then confirm the "
                    "refund again.",
                    amount=format_amount(self.env, refund.amount, refund.currency_id),
                    client=refund.partner_id.commercial_partner_id.display_name,
                    excess=format_amount(
                        self.env, sum(blocking.mapped("collection_overpaid_amount_company")), company_currency
                    ),
                    payments=", ".join(blocking.mapped("name")),
                )
            )

    def _collection_flag_overpayments(self):
        """Flag the posted customer payments of SELF received above what their client owed.

        What was owed comes from one grouped query over the clients' open receivable lines; the
        payments of SELF count for one another in the order of their date, as if posted one by one.
        """
        received = self.filtered(
            lambda payment: payment.payment_type == "inbound"
            and payment.partner_type == "customer"
            and payment.partner_id
            and payment.state in POSTED_PAYMENT_STATES
            # its entry posted: Odoo's payment register first writes the state with the new draft
            # entry, then posts both (the guard reads the client's books once, when they count)
            and payment.move_id.state == "posted"
            # money taken by a payment provider (card, online transfer) is confirmed by it: it does
            # not bounce like a cheque, and its refund goes back through the provider
            and not payment.payment_transaction_id
        ).sorted(lambda payment: (payment.date, payment.id))
        if not received:
            return
        clients = received.partner_id.commercial_partner_id
        rows = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    # a subquery of this query (child_of would search the contacts first)
                    ("partner_id.commercial_partner_id", "in", clients.ids),
                    ("company_id", "in", received.company_id.ids),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                ],
                ["company_id", "partner_id", "currency_id", "move_id"],
                ["amount_residual:sum", "amount_residual_currency:sum"],
            )
        )
        own_moves = received.move_id
        others, own = {}, {}
        for company, partner, currency, move, residual, residual_currency in rows:
            key = (company, partner.commercial_partner_id)
            if move in own_moves:
                own.setdefault(move, []).append((currency, residual, residual_currency))
            else:
                others.setdefault(key, []).append((currency, residual, residual_currency))
        earlier = {}
        for payment in received:
            key = (payment.company_id, payment.partner_id.commercial_partner_id)
            balances = others.get(key, []) + earlier.get(key, [])
            owed = sum(payment._collection_in_payment_currency(*balance) for balance in balances)
            excess = overpayment_excess(payment.amount, owed, payment.currency_id.decimal_places)
            earlier.setdefault(key, []).extend(own.get(payment.move_id, []))
            payment._collection_set_excess(float(excess))

    def _collection_in_payment_currency(self, currency, residual, residual_currency):
        """An open receivable balance in this payment's currency: its own residual when in that
        currency, else its company-currency residual converted at the payment's date."""
        if currency == self.currency_id:
            return to_decimal(residual_currency)
        converted = self.company_currency_id._convert(residual, self.currency_id, self.company_id, self.date)
        return to_decimal(converted)

    def _collection_set_excess(self, excess):
        self.ensure_one()
        currency = self.currency_id
        company_amount = 0.0
        if not currency.is_zero(excess):
            total = abs(self.amount_company_currency_signed)
            company_amount = (
                total
                if currency.compare_amounts(excess, self.amount) == 0
                else self.company_currency_id.round(total * excess / self.amount)
            )
        if (
            currency.compare_amounts(excess, self.collection_overpaid_amount) == 0
            and self.company_currency_id.compare_amounts(company_amount, self.collection_overpaid_amount_company) == 0
        ):
            return
        self.sudo().write(
            {
                "collection_overpaid_amount": excess,
                "collection_overpaid_amount_company": company_amount,
            }
        )
        if not currency.is_zero(excess):
            message = _(
                "%(excess)s received above what %(client)s owed: don't refund it before the money is on "
                "your bank account (this payment matched with a bank statement line) or a collections "
                "manager approved the refund.",
                excess=format_amount(self.env, excess, currency),
                client=self.partner_id.commercial_partner_id.display_name,
            )
            self.message_post(body=message)

    def _collection_log_approval(self):
        """Write the approval in the chatter of the payment and of its client."""
        self.ensure_one()
        body = Markup("%s<br/>%s") % (
            _(
                "Refund of %(excess)s received above what was owed approved by %(user)s.",
                excess=format_amount(self.env, self.collection_overpaid_amount, self.currency_id),
                user=self.collection_overpaid_approved_uid.name,
            ),
            _("Reason: %(reason)s", reason=self.collection_overpaid_approval_reason),
        )
        self.message_post(body=body)
        self.partner_id.commercial_partner_id.sudo().message_post(
            body=Markup("%s %s") % (_("Payment %(payment)s:", payment=self.name), body)
        )
