"""What a user can do from invoices: send a reminder now, escalate now, propose a payment plan, close
a dispute (the server actions of the invoice list and form)."""

import uuid

from odoo import Command, _, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    def _collection_open_selection(self):
        return self.filtered(lambda m: m._is_collection_open())

    def action_collection_send_reminder(self):
        """Send each client one reminder now for the selected open invoices (not throttled), in the
        words of the stage they are at: the firmest stage's email among the client's invoices (or the
        email of the last stage below it that sends one), as the run would. At a formal-notice stage
        the demand letter goes with it (the last one sent, else a new one)."""
        moves = self._collection_open_selection()
        if not moves:
            raise UserError(_("Choose posted customer invoices that are still to be paid."))
        for partner, group in moves.grouped("commercial_partner_id").items():
            template, stage = group.collection_stage_id._collection_reminder_template()
            if not template:  # no stage yet: courteous before the due date, friendly after it
                late = any(move.collection_days_late > 0 for move in group)
                template = self.env.ref(
                    "freelance_collections.mail_template_friendly"
                    if late
                    else "freelance_collections.mail_template_courtesy"
                )
            attachments = None
            if stage.action_formal_notice:
                attachments = (
                    group._collection_last_demand_letters() or partner._collection_attach_demand_letter(group)[:1]
                )
                if group[:1].collection_policy_id.attach_statement:
                    attachments |= partner._collection_statement_attachment()
            message = partner._collection_send_reminder(template, group, attachments)
            note = _("sent by hand: %(template)s", template=template.name)
            self.env["collection.action.log"]._record(
                [
                    {
                        "mail_message_id": message.id,
                        "key": f"{move.id}:now:{uuid.uuid4().hex}",
                        "move_id": move.id,
                        "partner_id": partner.id,
                        "stage_id": move.collection_stage_id.id,
                        "action": "email",
                        "note": note,
                        "user_id": self.env.user.id,
                    }
                    for move in group
                ]
            )
            group._message_log_batch(
                bodies=dict.fromkeys(
                    group.ids, _("Reminder %(template)s sent by hand to the client.", template=template.name)
                )
            )
        return True

    def action_collection_escalate(self):
        """Confirm the stages waiting for a confirmation and run today's actions for these invoices now."""
        moves = self._collection_open_selection()
        if not moves:
            raise UserError(_("Choose posted customer invoices that are still to be paid."))
        self.env["collection.action.log"].sudo().search(
            [
                ("move_id", "in", moves.ids),
                ("action", "=", "manual"),
                ("state", "=", "pending"),
            ]
        ).write({"state": "done", "user_id": self.env.user.id})
        moves._collection_refresh_stages()
        plan = moves._collection_plan(fields.Date.context_today(self))
        done = self.env["collection.run"]._collection_execute(plan)
        waiting = [item for item in plan if item.blocked]
        message = _("%(done)s action(s) done.", done=sum(done.values()))
        if waiting:
            message += " " + _(
                "%(count)s waiting: %(why)s",
                count=len(waiting),
                why="; ".join(sorted({str(item.blocked) for item in waiting})),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": "info", "sticky": False},
        }

    def action_collection_propose_plan(self):
        """Open a proposed payment plan for the selected open invoices of one client."""
        moves = self._collection_open_selection()
        if not moves:
            raise UserError(_("Choose posted customer invoices that are still to be paid."))
        if len(moves.commercial_partner_id) > 1 or len(moves.currency_id) > 1 or len(moves.company_id) > 1:
            raise UserError(
                _("A payment plan covers one client's invoices in one currency and company: " "select fewer invoices.")
            )
        plan = self.env["collection.payment.plan"].create(
            {
                "partner_id": moves.commercial_partner_id.id,
                "company_id": moves.company_id.id,
                "currency_id": moves.currency_id.id,
                "move_ids": [Command.set(moves.ids)],
            }
        )
        plan.action_generate_lines()
        return {
            "type": "ir.actions.act_window",
            "res_model": "collection.payment.plan",
            "res_id": plan.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_collection_close_dispute(self):
        self.filtered("collection_dispute").write({"collection_dispute": False})
        return True

    def _collection_responsible(self):
        """Who gets this invoice's collection activities (the rule: ``res.company._collection_responsible``);
        the user running the code only when the company has nobody who can."""
        self.ensure_one()
        return self.company_id._collection_responsible(self.invoice_user_id) or self.env.user

    def _message_compute_author(self, author_id=None, email_from=None, *args, **kwargs):
        """A collections action of a user without an email address (the review activity of a
        dispute, which notifies its responsible) is sent from the company's address: the actions
        set ``collection_company_sender`` in the context."""
        if (
            author_id is None
            and not email_from
            and self.env.context.get("collection_company_sender")
            and not self.env.user.email
        ):
            company = self.company_id[:1] or self.env.company
            if company.email:
                return company.partner_id.id, company.email_formatted
        return super()._message_compute_author(author_id, email_from, *args, **kwargs)
