"""Which policy governs an invoice, and how a change of policy reaches the open invoices.

An invoice follows its client's policy, else its company's default, unless somebody chose a policy
on the invoice itself (``collection_policy_manual``: set when the chosen policy differs from that
default). Choosing or changing the company default (Settings) or a client's policy moves every open
customer invoice of that company or client that follows the default, with a note in its chatter; an
invoice whose policy was chosen by hand keeps it. This is also how a book that existed before the
addon comes under collection: install, choose the default in Settings, and the open invoices follow.
"""

from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models

from .account_move import OPEN_PAYMENT_STATES

# Customer invoices a policy change reaches: drafts and posted invoices still to be paid.
GOVERNED_DOMAIN = [
    ("move_type", "=", "out_invoice"),
    ("state", "in", ("draft", "posted")),
    ("payment_state", "in", OPEN_PAYMENT_STATES),
    ("collection_policy_manual", "=", False),
]


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_policy_manual = fields.Boolean(
        string="Policy Chosen On The Invoice",
        copy=False,
        readonly=True,
        help="The invoice's policy was chosen on the invoice itself: a change of the client's policy "
        "or of the company's default does not move it.",
    )

    @api.depends("partner_id", "company_id", "move_type")
    def _compute_collection_policy_id(self):
        for move in self:
            if move.collection_policy_manual and move.collection_policy_id:
                continue
            move.collection_policy_id = move._collection_default_policy()

    # missing-return (pylint-odoo): compute methods assign and return nothing, as Odoo's own.
    @api.depends("collection_policy_id.default_due_days", "delivery_date")
    def _compute_invoice_date_due(self):  # pylint: disable=missing-return
        """No due date agreed (no payment terms, due on or before the invoice date): the policy's
        default delay after completion (the delivery date) or the invoice date applies."""
        super()._compute_invoice_date_due()
        for move in self:
            days = move.collection_policy_id.default_due_days
            start = move.delivery_date or move.invoice_date
            if (
                move.move_type == "out_invoice"
                and days
                and start
                and not move.invoice_payment_term_id
                and move.state == "draft"
                and (not move.invoice_date_due or move.invoice_date_due <= (move.invoice_date or start))
            ):
                move.invoice_date_due = start + timedelta(days=days)

    def _collection_default_policy(self):
        """The policy the invoice follows when none was chosen on it: its client's, else its company's."""
        self.ensure_one()
        if self.move_type != "out_invoice" or not self.partner_id:
            return self.env["collection.policy"]
        return self.partner_id._collection_effective_policy(self.company_id)

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        if not self.env.context.get("collection_policy_follow"):
            manual = self.browse(
                [
                    move.id
                    for move, vals in zip(moves, vals_list, strict=False)
                    if "collection_policy_id" in vals
                    and move.collection_policy_id
                    and move.collection_policy_id != move._collection_default_policy()
                ]
            )
            if manual:
                super(AccountMove, manual).write({"collection_policy_manual": True})
        return moves

    def write(self, vals):
        result = super().write(vals)
        if "collection_policy_id" in vals and not self.env.context.get("collection_policy_follow"):
            for move in self:
                manual = (
                    bool(move.collection_policy_id) and move.collection_policy_id != move._collection_default_policy()
                )
                if move.collection_policy_manual != manual:
                    super(AccountMove, move).write({"collection_policy_manual": manual})
        return result

    @api.model
    def _collection_governed_domain(self, company, partners=None):
        """The open customer invoices of COMPANY (of PARTNERS' clients only, when given) that follow
        the default policy."""
        domain = [("company_id", "=", company.id), *GOVERNED_DOMAIN]
        if partners is not None:
            domain.append(("commercial_partner_id", "in", partners.commercial_partner_id.ids))
        return domain

    @api.model
    def _collection_follow_policies(self, company, partners=None, reason=""):
        """Give the open invoices of COMPANY (of PARTNERS, when given) that follow the default the
        policy they should have now, with a chatter note giving REASON; returns the invoices moved."""
        Move = self.with_company(company).with_context(collection_policy_follow=True, mail_notrack=True)
        moves = Move.search(self._collection_governed_domain(company, partners))
        changes = defaultdict(lambda: self.browse())
        for move in moves:
            policy = move._collection_default_policy()
            if policy != move.collection_policy_id:
                changes[(move.collection_policy_id, policy)] |= move
        moved = self.browse()
        for (old, new), group in changes.items():
            group.write({"collection_policy_id": new.id})
            body = _(
                "Collection policy changed from %(old)s to %(new)s: %(reason)s",
                old=old.name or _("none"),
                new=new.name or _("none"),
                reason=reason,
            )
            group._message_log_batch(bodies=dict.fromkeys(group.ids, body))
            moved |= group
        return moved
