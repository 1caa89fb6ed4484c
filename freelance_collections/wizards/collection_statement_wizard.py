"""Choose the period of a client's statement of account, then print it."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CollectionStatementWizard(models.TransientModel):
    _name = "collection.statement.wizard"
    _description = "Statement of Account"
    _inherit = ["collection.bounds.mixin"]

    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        domain="[('parent_id', '=', False)]",
        default=lambda self: self._default_partner_id(),
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: self._default_date_from(),
        help="The statement opens with what the client owed before this day. "
        "Default: the first day of the month three months back.",
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=fields.Date.context_today,
        help="The last day of the period: the closing balance and the open items are as of this day.",
    )

    @api.model
    def _default_partner_id(self):
        if self.env.context.get("active_model") == "res.partner" and self.env.context.get("active_id"):
            return self.env["res.partner"].browse(self.env.context["active_id"]).commercial_partner_id
        return False

    @api.model
    def _default_date_from(self):
        return self.env["res.partner"]._collection_statement_default_period()[0]

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from and wizard.date_to and wizard.date_from > wizard.date_to:
                raise ValidationError(
                    _(
                        "The statement period starts on %(date_from)s, after its end on %(date_to)s: choose a "
                        "start date on or before the end date.",
                        date_from=wizard.date_from,
                        date_to=wizard.date_to,
                    )
                )

    @api.model
    def action_open(self, partner):
        """The wizard for PARTNER's statement, in a dialog."""
        wizard = self.create({"partner_id": partner.commercial_partner_id.id})
        return {
            "type": "ir.actions.act_window",
            "name": _("Statement of Account"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _statement_context(self):
        self.ensure_one()
        return {
            "collection_statement_date_from": fields.Date.to_string(self.date_from),
            "collection_statement_date_to": fields.Date.to_string(self.date_to),
        }

    def action_print(self):
        """Print the client's statement for the period (the report reads it from the context)."""
        self.ensure_one()
        self._check_dates()
        report = self.env.ref("freelance_collections.action_report_statement")
        return report.with_context(**self._statement_context()).report_action(self.partner_id)
