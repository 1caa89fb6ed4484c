from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.account_move import agency_commission_check


class CollectionActionWizard(models.TransientModel):
    """Asks what an action needs: a dispute's reason, a pause's end, an agency's commission."""

    _name = "collection.action.wizard"
    _description = "Collection Action"
    _inherit = ["collection.bounds.mixin"]

    mode = fields.Selection(
        [
            ("dispute", "Open a dispute"),
            ("pause", "Pause escalation"),
            ("agency", "Hand over to agency"),
            ("waive", "Waive late fees"),
        ],
        required=True,
    )
    move_ids = fields.Many2many("account.move", string="Invoices")
    partner_ids = fields.Many2many("res.partner", string="Clients")
    reason = fields.Char()
    date = fields.Date(string="Until / Review Date")
    agency_partner_id = fields.Many2one("res.partner", string="Collection Agency")
    agency_commission = fields.Float(string="Commission (%)", digits=(5, 2))

    @api.model
    def action_open(self, mode, records):
        vals = {"mode": mode}
        if records._name == "account.move":
            vals["move_ids"] = [fields.Command.set(records.ids)]
        else:
            vals["partner_ids"] = [fields.Command.set(records.commercial_partner_id.ids)]
        wizard = self.create(vals)
        return {
            "type": "ir.actions.act_window",
            "name": dict(self._fields["mode"].selection)[mode],
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_apply(self):
        self.ensure_one()
        today = fields.Date.context_today(self)
        if self.mode in ("dispute", "pause", "waive") and not self.reason:
            raise ValidationError(_("Say why: the reason is kept in the chatter."))
        if self.date and self.date < today:
            raise ValidationError(_("The date %(date)s is in the past: choose a date from today on.", date=self.date))
        if self.mode == "dispute":
            moves = self.move_ids.filtered(lambda m: m.move_type == "out_invoice")
            if not moves:
                raise UserError(_("Choose customer invoices to dispute."))
            moves.write(
                {
                    "collection_dispute": True,
                    "collection_dispute_reason": self.reason,
                    "collection_dispute_review_date": self.date,
                }
            )
            if self.date:
                for move in moves.with_context(collection_company_sender=True):
                    move.activity_schedule(
                        "mail.mail_activity_data_todo",
                        date_deadline=self.date,
                        summary=_("Review the dispute: %(reason)s", reason=self.reason),
                        user_id=move._collection_responsible().id,
                    )
        elif self.mode == "waive":
            self.move_ids.action_collection_waive_penalties(self.reason)
        elif self.mode == "pause":
            if not self.partner_ids:
                raise UserError(_("Choose the clients whose escalation is paused."))
            if not self.date:
                raise ValidationError(_("Choose until when escalation is paused."))
            # res.partner.write lets collections users pause the clients they can read, in the current
            # company only (the pause is per company), without the right to edit contacts.
            self.partner_ids.write({"collection_pause_until": self.date, "collection_pause_reason": self.reason})
        else:
            if not self.env.user.has_group("freelance_collections.group_collections_manager"):
                raise UserError(_("Only a collections manager can hand invoices over to an agency."))
            moves = self.move_ids.filtered(lambda m: m._is_collection_open())
            if not moves:
                raise UserError(_("Choose posted customer invoices that are still to be paid."))
            if not self.agency_partner_id:
                raise ValidationError(_("Choose the collection agency."))
            agency_commission_check(self.env, self.agency_commission)
            for move in moves:
                move.write(
                    {
                        "collection_agency_id": self.agency_partner_id.id,
                        "collection_agency_commission": self.agency_commission,
                        "collection_agency_date": today,
                    }
                )
                move._message_log(
                    body=_(
                        "Handed over to collection agency %(agency)s (commission %(rate)s%%).",
                        agency=self.agency_partner_id.display_name,
                        rate=self.agency_commission,
                    )
                )
        return {"type": "ir.actions.act_window_close"}
