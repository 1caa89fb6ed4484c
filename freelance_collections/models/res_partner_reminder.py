"""Reminders to a client: one email listing its invoices, with the statement or the demand letter."""

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import compat
from .account_move import OPEN_INVOICE_DOMAIN


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _collection_send_reminder(self, template, moves, attachments=None):
        """Post TEMPLATE on the client (queued email to its invoicing contact) listing MOVES, and mark
        the invoices it lists as sent (their late-fee invoices too): what a client was reminded of is
        an invoice, not a proforma, on the portal page its link opens.

        The email goes to the template's recipients only (the client's invoicing contact): not to
        the client's followers, and nobody is made a follower by it (not the user sending it, nor the
        company whose address the email is from).

        :param template: the ``mail.template`` (on res.partner) to send
        :param moves: the invoices the email lists
        :param attachments: ``ir.attachment`` records to attach (default: the statement, when the
            invoices' policy attaches it)
        :raise UserError: when the client's invoicing contact cannot receive it (no valid address,
            blacklisted): nothing is sent
        """
        self.ensure_one()
        # the run checks all the clients of a batch at once before sending (see _collection_per_client)
        problem = not self.env.context.get("collection_reachable_checked") and self.env[
            "collection.run"
        ]._collection_unreachable_clients(self).get(self.id)
        if problem:
            raise UserError(_("No reminder sent to %(client)s: %(why)s", client=self.display_name, why=problem[1]))
        client = self._collection_poster()
        if attachments is None and moves[:1].collection_policy_id.attach_statement:
            attachments = client._collection_statement_attachment()
        partner = client.with_context(
            collection_invoice_ids=moves.ids,
            mail_notify_force_send=False,
            collection_reminder_recipients_only=True,
            **compat.NO_SUBSCRIBE_CONTEXT,
        )
        message = partner.message_post_with_source(
            template,
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
            # the template's attachments, as Odoo sends them, and ours (none given when there are none:
            # the composer takes the template's without reading its own back from the database)
            **({"attachment_ids": (template.attachment_ids | attachments).ids} if attachments else {}),
        )
        if not self.env.context.get("collection_mark_sent_later"):  # the run marks a batch's at once
            (moves | moves.collection_open_fee_ids)._collection_mark_sent()
        return message

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        """A reminder (``_collection_send_reminder``) notifies its own recipients only: the client's
        followers (the company, a user who once wrote to the client) get no copy of it."""
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        if not self.env.context.get("collection_reminder_recipients_only"):
            return recipients
        chosen = set(msg_vals["partner_ids"] if msg_vals and "partner_ids" in msg_vals else message.partner_ids.ids)
        return [recipient for recipient in recipients if recipient["id"] in chosen]

    def _collection_bidi(self):
        """The direction of the language the client's emails are rendered in (this record's context
        language: the email's, as its template renders it in the client's language), with the physical
        sides a line starts and ends on, for the emails' inline styles (mail clients know no logical
        CSS properties).

        :return: ``{"dir": "rtl", "start": "right", "end": "left"}`` for Hebrew, ``{"dir": "ltr",
            "start": "left", "end": "right"}`` otherwise
        """
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        if lang.direction == "rtl":
            return {"dir": "rtl", "start": "right", "end": "left"}
        return {"dir": "ltr", "start": "left", "end": "right"}

    def _collection_poster(self):
        """SELF to post a reminder on: in sudo for a collections user who may read the client but not
        edit contacts (Odoo asks for the right to edit a contact to post on it or attach a file to it).
        The reminder is still created by the user (and sent from the company's address, as the
        templates say); its statement is the current company's, a company Odoo checked outside sudo.

        :raise AccessError: for a user who is not a collections user or cannot read the client
        """
        if self.env.su or self.has_access("write"):
            return self
        if not self.env.user.has_group("freelance_collections.group_collections_user"):
            raise AccessError(_("Only collections users can send reminders."))
        self.check_access("read")
        self._collection_check_current_company()
        return self.sudo()

    def _collection_statement_attachment(self):
        """The client's statement of account (every open invoice) as a PDF attachment on the client."""
        self.ensure_one()
        content = self._collection_report_pdf("freelance_collections.action_report_statement")
        return self.env["ir.attachment"].create(
            {
                "name": _(
                    "Statement of account - %(client)s - %(date)s.pdf",
                    client=self.display_name,
                    date=fields.Date.context_today(self),
                ),
                "raw": content,
                "res_model": "res.partner",
                "res_id": self.id,
                "mimetype": "application/pdf",
            }
        )

    def _collection_attach_demand_letter(self, moves):
        """Render the demand letter for MOVES and attach it to each of them; return the attachments."""
        self.ensure_one()
        content = self._collection_report_pdf("freelance_collections.action_report_demand_letter", moves)
        name = _(
            "Demand letter - %(client)s - %(date)s.pdf", client=self.display_name, date=fields.Date.context_today(self)
        )
        return self.env["ir.attachment"].create(
            [
                {
                    "name": name,
                    "raw": content,
                    "res_model": "account.move",
                    "res_id": move.id,
                    "mimetype": "application/pdf",
                }
                for move in moves
            ]
        )

    def action_collection_send_reminder(self):
        invoices = self.env["account.move"].search(
            [
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                *OPEN_INVOICE_DOMAIN,
            ]
        )
        return invoices.action_collection_send_reminder()

    def action_collection_evidence_pack(self):
        """Build the client's evidence pack (one zip on its chatter) and download it."""
        self.ensure_one()
        attachment = self.env["collection.evidence.pack"]._build(self)
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }
