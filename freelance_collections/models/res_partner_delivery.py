"""Clients whose reminders cannot reach them: the flag and its reason (set by the run's delivery
checks, ``collection_run_delivery.py``), cleared when an email address of the client changes."""

from odoo import api, fields, models

UNDELIVERABLE_REASONS = [
    ("bounce", "Refused by the mail server"),
    ("blacklisted", "Blacklisted address"),
    ("no_email", "No valid email address"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_undeliverable = fields.Boolean(
        string="Reminders Undeliverable",
        readonly=True,
        copy=False,
        index=True,
        help="The client's last reminder could not be delivered (refused by the mail server, blacklisted "
        "or missing address). Cleared when a later reminder is delivered or an email address changes.",
    )
    collection_undeliverable_reason = fields.Selection(
        UNDELIVERABLE_REASONS, string="Undeliverable Because", readonly=True, copy=False
    )
    collection_undeliverable_note = fields.Char(string="Delivery Problem", readonly=True, copy=False)
    collection_undeliverable_date = fields.Date(string="Undeliverable Since", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        # a new contact with an address for a client whose reminders could not be delivered
        partners.filtered(lambda p: p.parent_id and p.email)._collection_clear_undeliverable()
        return partners

    def write(self, vals):
        result = super().write(vals)
        if {"email", "type", "parent_id"} & set(vals):
            self._collection_clear_undeliverable()
        return result

    def _collection_clear_undeliverable(self):
        """Clear the flag on the clients of these contacts: their address was changed."""
        flagged = self.commercial_partner_id.filtered("collection_undeliverable")
        if flagged:
            flagged.sudo().write(
                {
                    "collection_undeliverable": False,
                    "collection_undeliverable_reason": False,
                    "collection_undeliverable_note": False,
                    "collection_undeliverable_date": False,
                }
            )
