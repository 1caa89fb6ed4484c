"""Evidence pack for a small-claims filing: one zip with everything a court or a lawyer asks for.

Built from a client (button on its Collections tab, or *Action > Evidence Pack*), for the current
company: the open invoices as PDFs (``account.account_invoices``), the statement of account, the
demand letter, and the reminder history (every collection action logged, and every email
exchanged with the client in the chatter of the client and its invoices) as a CSV, plus a
contents file with each file's SHA-256. The zip is attached to the client's chatter with a note.
"""

import csv
import hashlib
import io
import zipfile

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.account_move import OPEN_INVOICE_DOMAIN

HISTORY_FILE = "reminder_history.csv"
STATEMENT_FILE = "statement_of_account.pdf"
DEMAND_LETTER_FILE = "demand_letter.pdf"
CONTENTS_FILE = "CONTENTS.txt"
INVOICE_FOLDER = "invoices/"


class CollectionEvidencePack(models.AbstractModel):
    _name = "collection.evidence.pack"
    _description = "Collections Evidence Pack"

    @api.model
    def _build(self, partner):
        """Build PARTNER's evidence pack in the current company; return the zip attachment."""
        if not self.env.user.has_group("freelance_collections.group_collections_user"):
            raise AccessError(_("Only collections users can build an evidence pack."))
        partner.check_access("read")
        client = partner.commercial_partner_id
        client.check_access("read")
        company = self.env.company
        # one company's claim: its invoices, its logs, its reports (the statement lists this company's only)
        pack = self.with_company(company).with_context(allowed_company_ids=[company.id])
        return pack._build_zip(client.with_env(pack.env))

    @api.model
    def _build_zip(self, client):
        company = self.env.company
        invoices = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", client.id),
                *OPEN_INVOICE_DOMAIN,
                ("company_id", "=", company.id),
            ],
            order="collection_due_date, id",
        )
        if not invoices:
            raise UserError(
                _(
                    "%(client)s has no open invoice in %(company)s: an evidence pack is built for "
                    "posted customer invoices that are still to be paid. Switch to the company that "
                    "issued them, or choose another client.",
                    client=client.display_name,
                    company=company.name,
                )
            )
        files = self._invoice_pdfs(invoices)
        files.append(
            (
                STATEMENT_FILE,
                self._render(client, "freelance_collections.action_report_statement", collection_invoice_ids=False),
            )
        )
        files.append(
            (
                DEMAND_LETTER_FILE,
                self._render(
                    client, "freelance_collections.action_report_demand_letter", collection_invoice_ids=invoices.ids
                ),
            )
        )
        files.append((HISTORY_FILE, self._history_csv(client, invoices)))
        files.append((CONTENTS_FILE, self._contents(client, invoices, files)))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in files:
                archive.writestr(name, content)
        today = fields.Date.context_today(self)
        # the user may read the client without being allowed to edit it; the checks are above
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": _("Evidence pack - %(client)s - %(date)s.zip", client=client.display_name, date=today),
                    "raw": buffer.getvalue(),
                    "mimetype": "application/zip",
                    "res_model": "res.partner",
                    "res_id": client.id,
                }
            )
        )
        client._message_log(
            body=_(
                "Evidence pack built by %(user)s: %(count)s open invoice(s) (%(invoices)s), statement of "
                "account, demand letter and reminder history.",
                user=self.env.user.name,
                count=len(invoices),
                invoices=", ".join(invoices.mapped("name")),
            ),
            attachment_ids=attachment.ids,
        )
        return attachment.sudo(False)

    # ------------------------------------------------------------------
    # Files
    # ------------------------------------------------------------------
    @api.model
    def _invoice_pdfs(self, invoices):
        """One PDF per invoice from Odoo's invoice report. Rendered one by one: wkhtmltopdf built
        on an unpatched Qt (Debian's) cannot render several documents in one call."""
        return [
            (INVOICE_FOLDER + invoice._get_invoice_report_filename(), self._render(invoice, "account.account_invoices"))
            for invoice in invoices
        ]

    @api.model
    def _render(self, record, report_ref, **context):
        content, _report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True, **context)
            ._render_qweb_pdf(report_ref, record.ids)
        )
        return content

    @api.model
    def _history_rows(self, client, invoices):
        """Every collection action and every email with the client, oldest first."""
        company = self.env.company
        logs = self.env["collection.action.log"].search(
            [
                ("partner_id", "=", client.id),
                ("company_id", "=", company.id),
            ],
            order="date, id",
        )
        actions = dict(logs._fields["action"]._description_selection(self.env))
        states = dict(logs._fields["state"]._description_selection(self.env))
        # one email covers every invoice logged with it: its template is the firmest stage's (as the run picks it)
        stages_by_message = {}
        for log in logs.filtered("mail_message_id"):
            stages_by_message.setdefault(log.mail_message_id, self.env["collection.stage"])
            stages_by_message[log.mail_message_id] |= log.stage_id
        rows = []
        for log in logs:
            template = self._log_template(log, stages_by_message.get(log.mail_message_id, log.stage_id))
            rows.append(
                {
                    "sort": (fields.Datetime.to_datetime(log.date), 0, log.id),
                    "date": fields.Date.to_string(log.date),
                    "source": _("Collection action"),
                    "invoice": log.move_id.name or "",
                    "stage": log.stage_id.name or "",
                    "action": actions.get(log.action, log.action),
                    "template": template.sudo().name or "",
                    "status": states.get(log.state, log.state),
                    "subject": log.mail_message_id.subject or "",
                    "people": log.user_id.name or "",
                    "note": log.note or "",
                }
            )
        all_invoices = (
            invoices
            | invoices.collection_penalty_ids
            | self.env["account.move"].search(
                [
                    ("commercial_partner_id", "=", client.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                    ("company_id", "=", company.id),
                ]
            )
        )
        contacts = self.env["res.partner"].with_context(active_test=False).search([("id", "child_of", client.id)])
        messages = self.env["mail.message"].search(
            [
                "|",
                "&",
                ("model", "=", "res.partner"),
                ("res_id", "in", contacts.ids),
                "&",
                ("model", "=", "account.move"),
                ("res_id", "in", all_invoices.ids),
                ("message_type", "in", ("email", "comment", "email_outgoing")),
                ("subtype_id.internal", "=", False),
            ],
            order="date, id",
        )
        names = {invoice.id: invoice.name for invoice in all_invoices}
        for message in messages:
            incoming = message.author_id in contacts
            recipients = message.partner_ids
            statuses = (
                message.sudo()
                .notification_ids.filtered(lambda n: n.notification_type == "email")
                .mapped("notification_status")
            )
            rows.append(
                {
                    "sort": (message.date, 1, message.id),
                    "date": fields.Datetime.context_timestamp(self, message.date).isoformat(sep=" "),
                    "source": _("Email from the client") if incoming else _("Email to the client"),
                    "invoice": names.get(message.res_id, "") if message.model == "account.move" else "",
                    "stage": "",
                    "action": "",
                    "template": "",
                    "status": ", ".join(sorted(set(statuses))),
                    "subject": message.subject or message.record_name or "",
                    "people": (message.author_id.display_name or message.email_from or "")
                    if incoming
                    else ", ".join(f"{p.name} <{p.email}>" if p.email else p.name for p in recipients),
                    "note": ", ".join(message.attachment_ids.mapped("name")),
                }
            )
        rows.sort(key=lambda row: row["sort"])
        return rows

    @api.model
    def _log_template(self, log, stages):
        """The email template an action log's email was made from, by the run's own rule (a reminder
        sent by hand from a stage without a template is the friendly one)."""
        if log.action not in ("email", "formal_notice", "discount_nudge"):
            return self.env["mail.template"]
        template = (stages or log.stage_id)._collection_template(log.action)
        if log.action == "email" and not template:
            return self.env.ref("freelance_collections.mail_template_friendly")
        return template

    @api.model
    def _history_csv(self, client, invoices):
        columns = [
            ("date", _("Date")),
            ("source", _("Source")),
            ("invoice", _("Invoice")),
            ("stage", _("Stage")),
            ("action", _("Action")),
            ("template", _("Email template")),
            ("status", _("Status")),
            ("subject", _("Subject")),
            ("people", _("From / to / by")),
            ("note", _("Note / attachments")),
        ]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([label for _key, label in columns])
        for row in self._history_rows(client, invoices):
            writer.writerow([row[key] for key, _label in columns])
        return buffer.getvalue().encode("utf-8-sig")

    @api.model
    def _contents(self, client, invoices, files):
        company = self.env.company
        lines = [
            _("Evidence pack: %(client)s", client=client.display_name),
            _("Claimant: %(company)s", company=company.name),
            _(
                "Built on %(date)s by %(user)s",
                date=fields.Datetime.context_timestamp(self, fields.Datetime.now()).isoformat(
                    sep=" ", timespec="seconds"
                ),
                user=self.env.user.name,
            ),
            _(
                "Open invoices: %(count)s, still due: %(due)s",
                count=len(invoices),
                due=", ".join(
                    _amount_text(invoices.filtered(lambda i, c=currency: i.currency_id == c), currency)
                    for currency in invoices.currency_id
                ),
            ),
            "",
            _("Files (SHA-256):"),
        ]
        lines += [f"{hashlib.sha256(content).hexdigest()}  {name}" for name, content in files]
        return ("\n".join(lines) + "\n").encode("utf-8")


def _amount_text(invoices, currency):
    """What INVOICES (all in CURRENCY) still owe, as "1234.50 EUR"."""
    return f"{sum(invoices.mapped('amount_residual')):.{currency.decimal_places}f} {currency.name}"
