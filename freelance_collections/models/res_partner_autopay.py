"""Autopay of a client: the saved payment method charged on each due date, with the client's consent.

Per company (``company_dependent``): a payment token belongs to one company (its provider's), a client
may pay one company's invoices automatically and not another's, and Odoo keeps the client's other
per-company collection settings (the policy) the same way. Set by the client on the portal (with the
consent text of ``_collection_autopay_consent_text``, kept verbatim) or by a collections manager.
"""

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

AUTOPAY_FIELDS = {"collection_autopay_token_id", "collection_autopay_since", "collection_autopay_consent"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_autopay_token_id = fields.Many2one(
        "payment.token",
        string="Autopay Payment Method",
        company_dependent=True,
        help="The client's saved payment method charged automatically on each invoice's due date in this "
        "company (or on the last day of an early-payment offer, discounted). Empty: autopay is off.",
    )
    collection_autopay_since = fields.Date(
        string="Autopay Since",
        company_dependent=True,
        readonly=True,
        help="The day autopay was turned on: invoices falling due from then on are charged.",
    )
    collection_autopay_consent = fields.Text(
        string="Autopay Consent", company_dependent=True, readonly=True, help="The consent the client gave, verbatim."
    )

    def write(self, vals):
        if AUTOPAY_FIELDS & set(vals) and not self.env.context.get("collection_autopay_write"):
            if vals.keys() - {"collection_autopay_token_id"} & AUTOPAY_FIELDS:
                raise UserError(_("The autopay consent is recorded when autopay is turned on, not edited."))
            token = self.env["payment.token"].browse(vals["collection_autopay_token_id"])
            for partner in self:
                if token:
                    partner._collection_autopay_on(
                        token, _("Set in the back office by %(user)s.", user=self.env.user.name)
                    )
                elif partner.collection_autopay_token_id:
                    partner._collection_autopay_off(
                        _("turned off in the back office by %(user)s.", user=self.env.user.name)
                    )
            vals = {key: value for key, value in vals.items() if key not in AUTOPAY_FIELDS}
            if not vals:
                return True
        return super().write(vals)

    # ------------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------------
    def _collection_autopay_consent_text(self, token, company=None):
        """The consent a client gives to turn autopay on: the card, the amounts and the days it allows."""
        self.ensure_one()
        company = company or self.env.company
        policy = self._collection_effective_policy(company).sudo()
        return _(
            "I authorise %(company)s to charge %(card)s, without asking me each time, for the invoices it "
            "issues to %(client)s from today: on each invoice's due date, the amount still due on it (for "
            "invoices in installments, each installment on its own due date); while an early-payment "
            "discount is offered, the discounted amount on the last day of the offer. I am told the amount "
            "and the date %(notice)s days before each charge. If a charge fails, it is tried again "
            "%(retries)s days later, and I am asked by email to update my payment method. I can turn this "
            "off at any time from my account.",
            company=company.name,
            card=token.display_name,
            client=self.commercial_partner_id.name,
            notice=policy.autopay_notice_days if policy else 3,
            retries=(policy.autopay_retry_days if policy else "1, 3, 7") or _("no"),
        )

    def _collection_autopay_check_token(self, token):
        """Refuse a token that is not the client's, not of the current company, or archived."""
        self.ensure_one()
        company = self.env.company
        token = token.sudo()
        if not token.exists() or not token.active:
            raise ValidationError(_("This payment method is not available any more: save it again."))
        if token.partner_id.commercial_partner_id != self.commercial_partner_id:
            raise ValidationError(
                _(
                    "The payment method %(card)s belongs to %(owner)s, not to %(client)s: autopay can only "
                    "charge the client's own payment method.",
                    card=token.display_name,
                    owner=token.partner_id.commercial_partner_id.display_name,
                    client=self.commercial_partner_id.display_name,
                )
            )
        if token.company_id != company:
            raise ValidationError(
                _(
                    "The payment method %(card)s was saved for %(other)s; the invoices of %(company)s need a "
                    "payment method saved for %(company)s.",
                    card=token.display_name,
                    other=token.company_id.name,
                    company=company.name,
                )
            )

    def _collection_autopay_on(self, token, consent):
        """Turn autopay on for the client in the current company with TOKEN, keeping CONSENT.

        :param token: the client's ``payment.token`` of the current company
        :param str consent: the consent text the client accepted (or the manager's note)
        :raise ValidationError: the token is not the client's or not of this company; nothing changes
        :raise UserError: without consent
        """
        self.ensure_one()
        client = self.commercial_partner_id
        if not self.env.su and not self.env.user.has_group("freelance_collections.group_collections_manager"):
            raise AccessError(_("Only a collections manager, or the client on the portal, can turn autopay on."))
        if not (consent or "").strip():
            raise UserError(_("Autopay needs the client's consent to the charges: accept the text first."))
        self._collection_autopay_check_token(token)
        today = fields.Date.context_today(self)
        client.sudo().with_context(collection_autopay_write=True).write(
            {
                "collection_autopay_token_id": token.id,
                "collection_autopay_since": today,
                "collection_autopay_consent": consent,
            }
        )
        client._message_log(
            body=_(
                "Autopay turned on for %(company)s with %(card)s. Consent: %(consent)s",
                company=self.env.company.name,
                card=token.sudo().display_name,
                consent=consent,
            )
        )
        self._collection_autopay_wake(client)

    def _collection_autopay_off(self, reason):
        """Turn autopay off for these clients in the current company, REASON logged on each."""
        clients = self.commercial_partner_id.with_company(self.env.company).filtered("collection_autopay_token_id")
        if not clients:
            return
        for client in clients:
            client._message_log(
                body=_(
                    "Autopay turned off for %(company)s (%(card)s): %(reason)s",
                    company=self.env.company.name,
                    card=client.collection_autopay_token_id.sudo().display_name,
                    reason=reason,
                )
            )
        clients.sudo().with_context(collection_autopay_write=True).write(
            {"collection_autopay_token_id": False, "collection_autopay_since": False}
        )
        self._collection_autopay_wake(clients)

    def _collection_autopay_wake(self, clients):
        """The clients' open invoices need the next run: their charges, or the ladder, start again."""
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "in", clients.ids),
                    ("company_id", "=", self.env.company.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                ]
            )
        )
        moves._collection_store_next_run_dates(dict.fromkeys(moves.ids, None))

    def action_collection_autopay_off(self):
        if not self.env.user.has_group("freelance_collections.group_collections_manager"):
            raise AccessError(_("Only a collections manager can turn a client's autopay off."))
        self._collection_autopay_off(_("turned off in the back office by %(user)s.", user=self.env.user.name))
        return True
