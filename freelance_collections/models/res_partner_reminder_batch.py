"""The reminders' PDFs of a whole batch in few wkhtmltopdf calls.

Each formal notice carries its demand letter, and a policy may attach the statement of account to
every reminder: rendered client by client, each PDF is a wkhtmltopdf process of its own (about a
second, whatever the letter). The run's handlers first render those of all the clients of a batch
together (``_collection_render_pdfs``, PDF_CHUNK clients per wkhtmltopdf call): Odoo renders many
records of a report in one call and splits the PDF per record (``ir.actions.report.
_render_qweb_pdf_prepare_streams``, by page or by the PDF's outlines), so each client gets the very
PDF it would get alone. That takes a wkhtmltopdf "with patched qt", the build Odoo recommends
(Debian's prints one document per call: there each client's PDF is rendered alone, as before).

The PDFs are kept for the transaction, keyed on everything they are made of (report, client, invoices
listed, language, statement period, day), and taken once by ``_collection_report_pdf`` when the
client's reminder is sent; a client not rendered that way (a chunk that failed or that Odoo could not
split, a reminder sent by hand) gets its PDF rendered alone, as before.
"""

import logging

from odoo import fields, models
from odoo.tools import split_every

from ..tools import compat

_logger = logging.getLogger(__name__)

PDF_CHUNK = 40  # clients per wkhtmltopdf call
PDF_CACHE = "collection_reminder_pdfs"  # key of the kept PDFs in the cursor's cache (cr.cache)
STATEMENT = "freelance_collections.action_report_statement"
DEMAND_LETTER = "freelance_collections.action_report_demand_letter"


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _collection_render_pdfs(self, report_xmlid, moves=None):
        """Render REPORT for every client of self in chunks of PDF_CHUNK clients per wkhtmltopdf call
        and keep each client's PDF for ``_collection_report_pdf``.

        :param str report_xmlid: the report (on res.partner)
        :param moves: the invoices the clients' PDFs list (each client its own, as
            ``collection_reminder_invoice_ids`` picks them from the context), or None for the report
            without a list (the statement: every open invoice)
        :return: the number of clients rendered together (the others are rendered alone when asked)
        """
        kept = self.env.cr.cache[PDF_CACHE] = {}  # only this batch's: nothing older is ever served
        if len(self) < 2 or (compat.running_tests() and not self.env.context.get("force_report_rendering")):
            return 0  # Odoo's tests render HTML, one client at a time
        if not compat.wkhtmltopdf_prints_many():
            return 0  # this wkhtmltopdf prints one document per call: one client at a time, as before
        report = self.env.ref(report_xmlid)
        by_client = moves.grouped("commercial_partner_id") if moves else {}
        Report = self.env["ir.actions.report"].with_context(collection_invoice_ids=moves.ids if moves else False)
        done = 0
        for chunk in split_every(PDF_CHUNK, self.ids, self.browse):
            if len(chunk) < 2:
                continue
            try:
                with self.env.cr.savepoint():
                    streams, kind = Report._pre_render_qweb_pdf(report, res_ids=chunk.ids)
            except Exception as error:  # noqa: BLE001 - each client's PDF is rendered alone instead
                _logger.warning("Collections: %s for %d clients at once failed: %s", report.name, len(chunk), error)
                continue
            if kind != "pdf" or not all((streams.get(partner.id) or {}).get("stream") for partner in chunk):
                continue  # Odoo could not split it per client
            for partner in chunk:
                listed = by_client.get(partner) if moves else None
                kept[partner._collection_pdf_key(report_xmlid, listed)] = streams[partner.id]["stream"].getvalue()
                streams[partner.id]["stream"].close()
            done += len(chunk)
        return done

    def _collection_report_pdf(self, report_xmlid, moves=None):
        """The client's PDF of REPORT listing MOVES (or every open invoice): the one rendered with its
        batch when there is one (taken once), else rendered now."""
        self.ensure_one()
        content = self.env.cr.cache.get(PDF_CACHE, {}).pop(self._collection_pdf_key(report_xmlid, moves), None)
        if content is None:
            Report = self.env["ir.actions.report"].with_context(collection_invoice_ids=moves.ids if moves else False)
            content, _type = Report._render_qweb_pdf(self.env.ref(report_xmlid), self.ids)
        return content

    def _collection_pdf_key(self, report_xmlid, moves):
        context = self.env.context
        return (
            report_xmlid,
            self.id,
            tuple(moves.ids) if moves else None,
            context.get("lang"),
            str(context.get("collection_statement_date_from")),
            str(context.get("collection_statement_date_to")),
            fields.Date.context_today(self),
            self.env.uid,
        )
